/**
 * Why a change is dangerous. The same rules serve `all2all diff` (two
 * synthesised configurations) and `all2all plan-summary` (a saved plan):
 * each resource change is judged on its own (destruction of stateful
 * resources, replacement and what Hetzner does in it, protection removed,
 * destructive and disruptive updates from the replacement table, updates
 * Hetzner cannot do, new public IPv4 addresses, firewall rules opened to
 * the world, firewall name or labels changed with its rules), then each
 * environment as a whole (a network range that leaves out its subnets,
 * servers that newly fall under a firewall open to the world, or under no
 * firewall at all).
 */
import { catalogue } from "../../catalogue/catalogue";
import { cidrContains, parseCidr } from "../../primitives/ip";
import { SENSITIVE_PORTS } from "../../policies/roles";
import { matches, parseSelector, type Requirement } from "../../policies/selectors";
import type { Action, AttributeChange, Change, DangerClass, Reason } from "./model";
import { STATEFUL_LOSSES, tableOf, type ReplaceTables, type TableEntry } from "./tables";
import { ABSENT, deepEqual, isPlainObject, isWithin, showValue, valueAt, type Maybe, type Path, type RawDiff, type ShowContext } from "./values";

export type Body = Record<string, unknown>;

/** Provider issue: firewall rules lost when the firewall's name or labels change. */
export const FIREWALL_RULES_ISSUE = "hetznercloud/terraform-provider-hcloud#931";

/** What the per-resource rules read. */
export interface ResourcePair {
  readonly stack: string;
  readonly address: string;
  readonly type: string;
  readonly action: Action;
  /** The resource before (absent for a creation) and after (absent for a destruction). */
  readonly before?: Body;
  readonly after?: Body;
  /** Attribute changes (only for resources on both sides). */
  readonly diffs: readonly RawDiff[];
  /** Attributes whose change is not applied (lifecycle.ignore_changes of the configuration applied); "all" for every one. */
  readonly ignored: readonly string[] | "all";
  /** How values of each side are shown (masking). */
  readonly showBefore: ShowContext;
  readonly showAfter: ShowContext;
  /** True when this is a plan's resource: `before` is state, lifecycle is not known. */
  readonly fromPlan?: boolean;
}

export function isIgnored(attribute: string, ignored: readonly string[] | "all"): boolean {
  return ignored === "all" ? true : ignored.some((i) => isWithin(attribute, i));
}

/** `hetznercloud/hcloud 1.68.0, internal/server/resource.go:70`. */
export function cite(tables: ReplaceTables, entry: TableEntry): string {
  return `${tables.provider}, ${entry.source}`;
}

function show(value: Maybe, attribute: string, ctx: ShowContext): string {
  return showValue(value, attribute.split("."), ctx);
}

function changedAt(pair: ResourcePair, attribute: string): boolean {
  return !deepEqual(valueAt(pair.before, attribute), valueAt(pair.after, attribute));
}

/**
 * The replacement table's entries that fire for a resource on both sides,
 * ignoring attributes in lifecycle.ignore_changes: why tofu would replace it.
 */
export function replacementReasons(pair: ResourcePair, tables: ReplaceTables): Reason[] {
  const table = tableOf(tables, pair.type);
  const reasons: Reason[] = [];
  const conditional = new Map(table.replace_if.map((e) => [e.attribute, e]));
  for (const entry of [...table.replace, ...table.replace_if.filter((e) => !table.replace.some((r) => r.attribute === e.attribute))]) {
    if (isIgnored(entry.attribute, pair.ignored) || !changedAt(pair, entry.attribute)) continue;
    const condition = conditional.get(entry.attribute);
    const values = `${show(valueAt(pair.before, entry.attribute), entry.attribute, pair.showBefore)} → ${show(valueAt(pair.after, entry.attribute), entry.attribute, pair.showAfter)}`;
    reasons.push({
      class: "replace",
      attribute: entry.attribute,
      source: cite(tables, condition ?? entry),
      message: condition
        ? `\`${entry.attribute}\` ${values} may force replacement (${condition.condition}) (${cite(tables, condition)})`
        : `\`${entry.attribute}\` ${values} forces replacement (${cite(tables, entry)})`,
    });
  }
  return reasons;
}

/** What destroying a resource of this type loses, or undefined for a type that holds nothing. */
export function statefulLoss(type: string): string | undefined {
  return STATEFUL_LOSSES.get(type);
}

// ---------------------------------------------------------------------------
// Addresses

/** True when the server has a public IPv4 at all (the provider creates one when public_net is absent). */
function hasIpv4(server: Body | undefined): boolean {
  if (server === undefined) return false;
  const blocks = Array.isArray(server.public_net) ? server.public_net : isPlainObject(server.public_net) ? [server.public_net] : [];
  if (blocks.length === 0) return true;
  return blocks.some((b) => isPlainObject(b) && b.ipv4_enabled !== false);
}

/** True when the server's public IPv4 is auto-created (no primary IP id given), so it dies with the server. */
function hasAutoIpv4(server: Body | undefined, unknown: (attribute: string) => boolean = () => false): boolean {
  if (server === undefined) return false;
  const blocks = Array.isArray(server.public_net) ? server.public_net : isPlainObject(server.public_net) ? [server.public_net] : [];
  if (blocks.length === 0) return true;
  return blocks.some(
    (b) => isPlainObject(b) && b.ipv4_enabled !== false && (b.ipv4 === undefined || b.ipv4 === null || b.ipv4 === 0) && !unknown("public_net.ipv4"),
  );
}

function publicIpv4Reasons(pair: ResourcePair, unknown?: (attribute: string) => boolean): Reason[] {
  const { type, before, after, action } = pair;
  if (after === undefined || action === "import" || action === "delete" || action === "forget") return [];
  const created = action === "create";
  if (type === "hcloud_primary_ip" || type === "hcloud_floating_ip") {
    const what = type === "hcloud_primary_ip" ? "primary IP" : "floating IP";
    if (after.type === "ipv4" && (created || before?.type !== "ipv4")) {
      return [{ class: "public-ipv4", attribute: "type", message: `a new public IPv4 address (${what}): IPv4 addresses are scarce and billed; check the role needs one (docs/policies.md, public-ipv4-role)` }];
    }
    return [];
  }
  if (type !== "hcloud_server") return [];
  if (created) {
    return hasAutoIpv4(after, unknown)
      ? [{ class: "public-ipv4", attribute: "public_net", message: "the new server gets an auto-created public IPv4 (no primary IP linked in public_net): a new address, and one that dies with the server" }]
      : [];
  }
  if (!hasIpv4(before) && hasIpv4(after)) {
    return [{ class: "public-ipv4", attribute: "public_net.ipv4_enabled", message: "the server gets a public IPv4 it did not have" }];
  }
  if (!hasAutoIpv4(before) && hasAutoIpv4(after, unknown) && hasIpv4(before)) {
    return [{ class: "public-ipv4", attribute: "public_net.ipv4", message: "the server's linked primary IPv4 is replaced by an auto-created one: a new address, and one that dies with the server" }];
  }
  return [];
}

// ---------------------------------------------------------------------------
// Firewalls

export interface WorldRule {
  /** `tcp 22`, `udp 443`, `icmp`, `tcp every port`. */
  readonly service: string;
  /** `0.0.0.0/0`. */
  readonly source: string;
  /** What the port is, when it is one never to open (SSH, a database). */
  readonly sensitive?: string;
}

/** A firewall's inbound rules open to the whole Internet (a source of prefix length 0), one per service and source. */
export function worldRules(firewall: Body | undefined): WorldRule[] {
  const rules = firewall?.rule;
  const out: WorldRule[] = [];
  for (const raw of Array.isArray(rules) ? rules : []) {
    if (!isPlainObject(raw) || raw.direction !== "in") continue;
    const sources = Array.isArray(raw.source_ips) ? raw.source_ips : [];
    const protocol = String(raw.protocol ?? "");
    const port = raw.port === undefined || raw.port === null || raw.port === "" ? "any" : String(raw.port);
    let service = protocol;
    let sensitive: string | undefined;
    if (protocol === "tcp" || protocol === "udp") {
      const m = /^(\d+)(?:-(\d+))?$/.exec(port);
      const low = m ? Number(m[1]) : 1;
      const high = m ? Number(m[2] ?? m[1]) : 65535;
      service = port === "any" || (low <= 1 && high >= 65535) ? `${protocol} every port` : `${protocol} ${port}`;
      const hit = [...SENSITIVE_PORTS.entries()].filter(([p]) => p >= low && p <= high).sort((a, b) => a[0] - b[0]);
      if (hit.length > 0) {
        sensitive =
          low === high
            ? hit[0]![1]
            : hit.length > 3
              ? "SSH, databases and remote administration included"
              : hit.map(([p, name]) => `${p} ${name}`).join(", ");
      }
    }
    for (const s of sources) {
      if (typeof s === "string" && parseCidr(s)?.prefix === 0) out.push({ service, source: s, ...(sensitive ? { sensitive } : {}) });
    }
  }
  return out;
}

/** `tcp 22 (SSH) from 0.0.0.0/0 and ::/0; tcp 443 from ::/0`. */
export function describeWorldRules(rules: readonly WorldRule[]): string {
  const byService = new Map<string, { sources: string[]; sensitive?: string }>();
  for (const r of rules) {
    const entry = byService.get(r.service) ?? { sources: [], sensitive: r.sensitive };
    if (!entry.sources.includes(r.source)) entry.sources.push(r.source);
    byService.set(r.service, entry);
  }
  return [...byService.entries()]
    .map(([service, e]) => `${service}${e.sensitive ? ` (${e.sensitive})` : ""} from ${e.sources.join(" and ")}`)
    .join("; ");
}

function ruleKey(r: WorldRule): string {
  return `${r.service}\u0000${r.source}`;
}

function firewallReasons(pair: ResourcePair): { dangers: Reason[]; warnings: Reason[] } {
  const dangers: Reason[] = [];
  const warnings: Reason[] = [];
  if (pair.type !== "hcloud_firewall" || pair.after === undefined || pair.action === "delete" || pair.action === "forget") return { dangers, warnings };
  const before = new Set(worldRules(pair.before).map(ruleKey));
  const opened = worldRules(pair.after).filter((r) => !before.has(ruleKey(r)));
  if (opened.length > 0 && pair.action !== "import") {
    const sensitive = opened.some((r) => r.sensitive);
    dangers.push({
      class: "world-open",
      attribute: "rule",
      message: `${pair.before === undefined ? "the new firewall opens" : "opens"} ${describeWorldRules(opened)} to the whole Internet${sensitive ? " — a port never to open to the world (docs/policies.md, firewall-world-sensitive-port)" : ""}`,
    });
  }
  if (pair.before !== undefined && (pair.action === "update" || pair.action === "move")) {
    const renamed = pair.diffs.some((d) => d.path[0] === "name" || d.path[0] === "labels");
    const rules = pair.diffs.some((d) => d.path[0] === "rule");
    if (renamed && rules) {
      dangers.push({
        class: "firewall-rules-at-risk",
        attribute: "rule",
        source: FIREWALL_RULES_ISSUE,
        message: `its name or labels change in the same apply as its rules: the provider can drop the firewall's rules (${FIREWALL_RULES_ISSUE}, open); apply the rule change and the name/label change separately, and check the rules in the console after each`,
      });
    } else if (renamed) {
      warnings.push({
        class: "firewall-rename",
        attribute: "labels",
        source: FIREWALL_RULES_ISSUE,
        message: `its name or labels change: provider issue ${FIREWALL_RULES_ISSUE} reports rules lost on such updates; check the firewall's rules in the console after apply`,
      });
    }
  }
  return { dangers, warnings };
}

// ---------------------------------------------------------------------------
// What Hetzner cannot do

/**
 * Where each fact about what Hetzner cannot do comes from: Hetzner's Cloud
 * API reference (docs.hetzner.cloud) and the provider's source, read at
 * hetznercloud/hcloud 1.68.0 (re-read them on a provider upgrade, with
 * replace.json: docs/provider-upgrade.md).
 */
export const HETZNER_SOURCES = {
  volumeResize: "docs.hetzner.cloud, Volume Actions: Resize Volume; hetznercloud/hcloud 1.68.0, internal/volume/resource.go:38, :288",
  changeType: "docs.hetzner.cloud, Server Actions: Change the Type of a Server; hetznercloud/hcloud 1.68.0, internal/server/resource.go:587",
  changeIpRange: "docs.hetzner.cloud, Network Actions: Change IP range of a Network; hetznercloud/hcloud 1.68.0 never calls it (ip_range forces a new network: internal/network/resource.go:40)",
  networkSubnets: "docs.hetzner.cloud, Networks: ip_range must span all included subnets",
  primaryIpLocation: "docs.hetzner.cloud, Primary IPs: a Primary IP can only be assigned to a Server in the same location",
  serverBackups: "docs.hetzner.com, Cloud FAQ: backups are bound to a single server and deleted with it",
} as const;

/**
 * The class of an update Hetzner refuses or cannot do as asked (a volume
 * made smaller, a server moved to a type with a smaller disk): no class of
 * its own in model.ts (DANGER_CLASSES), so the nearest, an update in place
 * that goes wrong.
 */
const CANNOT_UPDATE: DangerClass = "destructive-update";

/** A location name as written (`fsn1`), or undefined for a reference, an unknown value, anything else. */
function plainName(value: Maybe): string | undefined {
  return typeof value === "string" && /^[a-z0-9][a-z0-9-]*$/.test(value) ? value : undefined;
}

/** The attributes that place a resource, what the resource is called in a sentence, and what the new one is. */
const PLACED: Readonly<Record<string, { attributes: readonly string[]; what: string; becomes: string }>> = {
  hcloud_server: { attributes: ["location"], what: "a server", becomes: "a fresh disk, installed again from its image and user data" },
  hcloud_volume: { attributes: ["location"], what: "a volume", becomes: "an empty volume" },
  hcloud_primary_ip: { attributes: ["location"], what: "a primary IP", becomes: "another address" },
  hcloud_floating_ip: { attributes: ["home_location"], what: "a floating IP", becomes: "another address" },
  hcloud_storage_box: { attributes: ["location"], what: "a storage box", becomes: "an empty storage box, without the backups of the old one" },
  hcloud_load_balancer: { attributes: ["location", "network_zone"], what: "a load balancer", becomes: "other addresses" },
  hcloud_network_subnet: { attributes: ["network_zone"], what: "a subnet", becomes: "its servers lose their private addresses until attached again" },
};

/** What Hetzner does when this attribute forces a replacement, when it is one of the limits above (a location, a network's range). */
function replacementFact(pair: ResourcePair, attribute: string): string | undefined {
  const placed = PLACED[pair.type];
  if (placed !== undefined && placed.attributes.includes(attribute)) {
    const from = plainName(valueAt(pair.before, attribute));
    const to = plainName(valueAt(pair.after, attribute));
    const zone = attribute === "network_zone" ? "network zone" : "location";
    let fact = `Hetzner cannot move ${placed.what} to another ${zone}: tofu deletes the one${from ? ` in ${from}` : ""} and creates a new one${to ? ` in ${to}` : ""} (${placed.becomes}); nothing is moved or copied`;
    if (pair.type === "hcloud_server") {
      fact += `, and its backups are deleted with it (${HETZNER_SOURCES.serverBackups})`;
      const links = listOfBlocks(pair.after?.public_net).some((b) => isLinked(b.ipv4) || isLinked(b.ipv6));
      if (links) fact += `; the primary IPs it links stay where they are, and Hetzner assigns a primary IP only to a server in its own location (${HETZNER_SOURCES.primaryIpLocation})`;
    }
    return fact;
  }
  if (pair.type === "hcloud_network" && attribute === "ip_range") {
    const was = typeof pair.before?.ip_range === "string" ? parseCidr(pair.before.ip_range) : undefined;
    const now = typeof pair.after?.ip_range === "string" ? parseCidr(pair.after.ip_range) : undefined;
    const widened = was !== undefined && now !== undefined && was.family === now.family && now.prefix < was.prefix && now.address === was.address;
    const replaced = "the subnets and server attachments that take its id are replaced with it";
    return widened
      ? `Hetzner could extend this range in place (change_ip_range keeps the first address and lowers the prefix), but the provider never calls it: it creates a new network, and ${replaced} (${HETZNER_SOURCES.changeIpRange})`
      : `Hetzner cannot narrow a network's range or move its first address (change_ip_range only extends a range from the same first address), so the only way is a new network: ${replaced} (${HETZNER_SOURCES.changeIpRange})`;
  }
  return undefined;
}

function listOfBlocks(value: unknown): Body[] {
  return (Array.isArray(value) ? value : isPlainObject(value) ? [value] : []).filter(isPlainObject);
}

/** True for a linked primary IP id (a number, a reference), not for an absent one. */
function isLinked(value: unknown): boolean {
  return value !== undefined && value !== null && value !== 0 && value !== "";
}

/** A server type as the catalogue knows it, or why it does not. */
function serverTypeFacts(name: string): { disk: number; storage: string } | { unknown: string } {
  let types: readonly { name: string; disk_gb: number; storage_type: string }[];
  let retired: readonly { name: string; unavailable_after: string; successor: string }[];
  try {
    const c = catalogue();
    types = c.server_types;
    retired = c.retired_server_types;
  } catch (err) {
    return { unknown: `catalogue/hetzner.json cannot be read (${(err as Error).message.split("\n")[0]})` };
  }
  const known = types.find((t) => t.name === name);
  if (known !== undefined) return { disk: known.disk_gb, storage: known.storage_type };
  const old = retired.find((t) => t.name === name);
  return {
    unknown: `${name} is not among the server types of catalogue/hetzner.json${old ? ` (retired: unavailable after ${old.unavailable_after}, successor ${old.successor})` : ""}`,
  };
}

/**
 * Updates in place that Hetzner refuses or cannot do as asked: a volume
 * made smaller, a server type with a smaller disk (or another storage
 * type). A server type the catalogue does not know is a remark for the
 * type change's warning, not a guess.
 */
function hetznerLimits(pair: ResourcePair, unknown?: (attribute: string) => boolean): { dangers: Reason[]; serverTypeRemark?: string } {
  const dangers: Reason[] = [];
  const applies = (attribute: string): boolean => !isIgnored(attribute, pair.ignored) && changedAt(pair, attribute) && !(unknown?.(attribute) ?? false);
  if (pair.type === "hcloud_volume" && applies("size")) {
    const was = valueAt(pair.before, "size");
    const now = valueAt(pair.after, "size");
    if (typeof was === "number" && typeof now === "number" && now < was) {
      dangers.push({
        class: CANNOT_UPDATE,
        attribute: "size",
        source: HETZNER_SOURCES.volumeResize,
        message:
          `\`size\` ${was} → ${now}: Hetzner volumes only grow ("downsizing a Volume is not possible"; the new size must be greater than the current one). ` +
          `The provider does not stop it in the plan — size does not force a replacement, so tofu plans an update in place — and the apply fails at the resize call, ` +
          `leaving the volume at ${was} GB and the changes the provider makes after it (labels, delete protection) not applied (${HETZNER_SOURCES.volumeResize}). ` +
          `A smaller volume is a new volume: create it, copy the data, then remove this one`,
      });
    }
  }
  if (pair.type === "hcloud_server" && applies("server_type")) {
    const was = valueAt(pair.before, "server_type");
    const now = valueAt(pair.after, "server_type");
    if (typeof was === "string" && typeof now === "string" && !was.includes("${") && !now.includes("${")) {
      const a = serverTypeFacts(was);
      const b = serverTypeFacts(now);
      if ("unknown" in a || "unknown" in b) {
        const why = [a, b].filter((f): f is { unknown: string } => "unknown" in f).map((f) => f.unknown);
        return { dangers, serverTypeRemark: `${[...new Set(why)].join("; ")}: whether ${now}'s disk is smaller than ${was}'s is not checked (Hetzner cannot shrink a disk; check the two types' disks before applying)` };
      }
      const poweredOff = `Hetzner refuses the change (\`invalid_server_type\`) after the provider has powered the server off: the apply fails and the server stays off`;
      if (b.disk < a.disk) {
        dangers.push({
          class: CANNOT_UPDATE,
          attribute: "server_type",
          source: HETZNER_SOURCES.changeType,
          message:
            `\`server_type\` ${was} → ${now}: ${now}'s disk (${b.disk} GB) is smaller than ${was}'s (${a.disk} GB, catalogue/hetzner.json), and Hetzner cannot shrink a disk — ` +
            `it changes a server only to a type with an equal or bigger disk ("Shrinking disks is not possible as it might destroy data"). ` +
            `This works only if the server's disk was never upgraded (created with a disk of at most ${b.disk} GB, and every type change since made with keep_disk = true); ` +
            `otherwise ${poweredOff} (${HETZNER_SOURCES.changeType}). Check the server's disk size in the console first`,
        });
      } else if (a.storage !== b.storage) {
        dangers.push({
          class: CANNOT_UPDATE,
          attribute: "server_type",
          source: HETZNER_SOURCES.changeType,
          message: `\`server_type\` ${was} → ${now}: ${was} has ${a.storage} storage, ${now} ${b.storage}, and Hetzner changes a server only to a type with the same storage type: ${poweredOff} (${HETZNER_SOURCES.changeType})`,
        });
      }
    }
  }
  return { dangers };
}

/**
 * A network whose range changes while a subnet of it (same stack, network_id
 * referring to it) falls outside the new range: Hetzner refuses that subnet
 * in the new network, once tofu has destroyed the old one.
 */
function classifyNetworkRanges(base: readonly SideResource[], head: readonly SideResource[], find: ChangeFinder): void {
  for (const net of head) {
    if (net.type !== "hcloud_network" || typeof net.body.ip_range !== "string") continue;
    const was = base.find((r) => r.stack === net.stack && r.address === net.address && r.type === net.type);
    if (was === undefined || was.body.ip_range === net.body.ip_range) continue;
    const range = parseCidr(net.body.ip_range);
    if (range === undefined) continue;
    const ref = `\${${net.address}.id}`;
    const outside = head.filter((r) => {
      if (r.stack !== net.stack || r.type !== "hcloud_network_subnet" || r.body.network_id !== ref || typeof r.body.ip_range !== "string") return false;
      const sub = parseCidr(r.body.ip_range);
      return sub !== undefined && !cidrContains(range, sub);
    });
    if (outside.length === 0) continue;
    find(net).dangers.push({
      class: "replace",
      attribute: "ip_range",
      source: HETZNER_SOURCES.networkSubnets,
      message:
        `${outside.map((r) => `${r.address} (${String(r.body.ip_range)})`).join(", ")} ${outside.length === 1 ? "lies" : "lie"} outside the new range ${net.body.ip_range}: ` +
        `a network's range must span all its subnets, so Hetzner refuses ${outside.length === 1 ? "it" : "them"} in the new network and the apply fails after tofu has destroyed the old one (${HETZNER_SOURCES.networkSubnets})`,
    });
  }
}

// ---------------------------------------------------------------------------
// The rules for one resource

export interface Verdict {
  readonly dangers: Reason[];
  readonly warnings: Reason[];
  readonly notes: string[];
}

const PROTECTIONS: readonly { attribute: string; what: string }[] = [
  { attribute: "delete_protection", what: "Hetzner no longer refuses to delete it" },
  { attribute: "rebuild_protection", what: "Hetzner no longer refuses to rebuild it" },
  { attribute: "lifecycle.prevent_destroy", what: "tofu no longer refuses a plan that destroys it" },
];

/**
 * Dangers and warnings of one resource change. `replaceReasons` are why it
 * is replaced (from the table for a diff, from the plan's replace_paths for
 * a plan); `unknown` tells which attributes a plan only knows after apply.
 */
export function classifyResource(
  pair: ResourcePair,
  tables: ReplaceTables,
  replaceReasons: readonly Reason[],
  unknown?: (attribute: string) => boolean,
): Verdict {
  const dangers: Reason[] = [];
  const warnings: Reason[] = [];
  const notes: string[] = [];
  const loss = statefulLoss(pair.type);
  const table = tableOf(tables, pair.type);
  const preventDestroy = (body: Body | undefined): boolean => isPlainObject(body?.lifecycle) && (body!.lifecycle as Body).prevent_destroy === true;

  if (pair.action === "delete" && loss !== undefined) {
    dangers.push({
      class: "destroy-stateful",
      message: pair.fromPlan
        ? `tofu destroys it, and with it ${loss}`
        : `removed from the configuration: tofu destroys it, and with it ${loss}${preventDestroy(pair.before) ? " (its lifecycle.prevent_destroy goes away with its block, so nothing stops the destroy)" : ""}`,
    });
  }
  if (pair.action === "replace") {
    const reasons = replaceReasons.length > 0 ? replaceReasons : [{ class: "replace" as const, message: "tofu replaces it" }];
    const suffix = loss !== undefined ? `; the replacement destroys ${loss}` : "";
    const refused = !pair.fromPlan && preventDestroy(pair.after) ? "; lifecycle.prevent_destroy is set, so tofu refuses the plan until it is lifted" : "";
    reasons.forEach((r, i) => {
      const last = i === reasons.length - 1;
      // What Hetzner does in this replacement: in the reason's message (diff), as a note (plan-summary, whose reason is tofu's own).
      const fact = r.attribute !== undefined ? replacementFact(pair, r.attribute) : undefined;
      if (fact !== undefined && pair.fromPlan) notes.push(`${fact.charAt(0).toUpperCase()}${fact.slice(1)}`);
      const inMessage = fact !== undefined && !pair.fromPlan ? `; ${fact}` : "";
      dangers.push(last || inMessage !== "" ? { ...r, message: `${r.message}${last ? suffix : ""}${inMessage}${last ? refused : ""}` } : r);
    });
  }

  if (pair.before !== undefined && pair.after !== undefined) {
    for (const p of PROTECTIONS) {
      if (p.attribute.startsWith("lifecycle.") && pair.fromPlan) continue;
      const was = valueAt(pair.before, p.attribute);
      const now = valueAt(pair.after, p.attribute);
      if (was === true && now !== true) {
        dangers.push({
          class: "protection-removed",
          attribute: p.attribute,
          message: `\`${p.attribute}\` true → ${now === ABSENT ? "(absent)" : String(now)}: ${p.what}`,
        });
      }
    }
  }
  if (pair.before !== undefined && pair.after !== undefined && pair.action !== "replace") {
    const apply = (entry: TableEntry): boolean => !isIgnored(entry.attribute, pair.ignored) && changedAt(pair, entry.attribute);
    for (const entry of table.destructive_update) {
      if (!apply(entry)) continue;
      const now = valueAt(pair.after, entry.attribute);
      // Turning something on loses nothing: the table's destructive updates are all "turning off", "unlinking", "replacing".
      if (now === true || (Array.isArray(now) && now.length > 0 && now.every((v) => v === true))) continue;
      dangers.push({
        class: "destructive-update",
        attribute: entry.attribute,
        source: cite(tables, entry),
        message: `\`${entry.attribute}\` ${show(valueAt(pair.before, entry.attribute), entry.attribute, pair.showBefore)} → ${show(now, entry.attribute, pair.showAfter)}: ${entry.note ?? "loses data in place"} (${cite(tables, entry)})`,
      });
    }
    for (const entry of table.disruptive_update) {
      if (!apply(entry)) continue;
      if (unknown?.(entry.attribute)) continue;
      warnings.push({
        class: "disruptive-update",
        attribute: entry.attribute,
        source: cite(tables, entry),
        message: `\`${entry.attribute}\` changes: ${entry.note ?? "disrupts the resource"} (${cite(tables, entry)})`,
      });
    }
  }
  if (pair.before !== undefined && pair.after !== undefined) {
    if (!pair.fromPlan) {
      const ignoredOf = (body: Body | undefined): string[] => {
        const list = isPlainObject(body?.lifecycle) ? (body!.lifecycle as Body).ignore_changes : undefined;
        return Array.isArray(list) ? list.map(String) : [];
      };
      const was = ignoredOf(pair.before);
      const now = pair.ignored;
      if (now !== "all") {
        const lifted = was.filter((a) => !now.some((n) => isWithin(a, n)));
        const replacing = lifted.filter((a) => table.replace.some((e) => isWithin(e.attribute, a) || isWithin(a, e.attribute)));
        if (lifted.length > 0) {
          warnings.push({
            class: "ignore-lifted",
            attribute: "lifecycle.ignore_changes",
            message:
              `${lifted.map((a) => `\`${a}\``).join(", ")} leave${lifted.length === 1 ? "s" : ""} lifecycle.ignore_changes` +
              (replacing.length > 0
                ? `: a change to ${replacing.length === 1 ? "it" : "them"} now replaces the resource; if its current value differs from the configuration (changes made while ignored), the next plan replaces it — read the plan`
                : ": changes to them now reach the plan"),
          });
        }
      }
    }
  }

  if (pair.before !== undefined && pair.after !== undefined && (pair.action === "update" || pair.action === "move")) {
    const limits = hetznerLimits(pair, unknown);
    dangers.push(...limits.dangers);
    if (limits.serverTypeRemark !== undefined) {
      // Said in the server type change's own warning (disruptive update), or in one of its own when the table has none.
      const i = warnings.findIndex((w) => w.class === "disruptive-update" && w.attribute === "server_type");
      const found = warnings[i];
      if (found !== undefined) warnings[i] = { ...found, message: `${found.message}; ${limits.serverTypeRemark}` };
      else warnings.push({ class: "disruptive-update", attribute: "server_type", message: `\`server_type\` changes: ${limits.serverTypeRemark}` });
    }
  }

  dangers.push(...publicIpv4Reasons(pair, unknown));
  const fw = firewallReasons(pair);
  dangers.push(...fw.dangers);
  warnings.push(...fw.warnings);
  return { dangers, warnings, notes };
}

// ---------------------------------------------------------------------------
// Environments: which firewalls cover which servers

/** A resource of one side, for environment-wide facts. */
export interface SideResource {
  readonly stack: string;
  readonly address: string;
  readonly type: string;
  readonly body: Body;
}

/** The environment a stack belongs to: `production-servers` → `production`. */
export function environmentOf(stack: string): string {
  const dash = stack.lastIndexOf("-");
  return dash > 0 ? stack.slice(0, dash) : stack;
}

interface EnvSide {
  readonly servers: Map<string, SideResource>;
  readonly firewalls: Map<string, { resource: SideResource; selectors: (Requirement[] | undefined)[]; world: WorldRule[] }>;
  /** Firewall attachments, or servers with firewall_ids: coverage this analysis cannot read. */
  readonly opaque: boolean;
}

function key(r: { stack: string; address: string }): string {
  return `${r.stack}\u0000${r.address}`;
}

function indexSide(resources: readonly SideResource[]): Map<string, EnvSide> {
  const envs = new Map<string, EnvSide>();
  const envOf = (stack: string): EnvSide => {
    const name = environmentOf(stack);
    let env = envs.get(name);
    if (!env) envs.set(name, (env = { servers: new Map(), firewalls: new Map(), opaque: false }));
    return env;
  };
  for (const r of resources) {
    const env = envOf(r.stack);
    if (r.type === "hcloud_server") env.servers.set(key(r), r);
    if (r.type === "hcloud_firewall") {
      const applyTo = Array.isArray(r.body.apply_to) ? r.body.apply_to : [];
      const selectors = applyTo
        .filter((a): a is Body => isPlainObject(a) && typeof a.label_selector === "string" && a.label_selector !== "")
        .map((a) => parseSelector(a.label_selector as string));
      env.firewalls.set(key(r), { resource: r, selectors, world: worldRules(r.body) });
      if (applyTo.some((a) => isPlainObject(a) && a.server !== undefined && a.server !== null)) (env as { opaque: boolean }).opaque = true;
    }
    if (r.type === "hcloud_firewall_attachment") (env as { opaque: boolean }).opaque = true;
  }
  return envs;
}

function labelsOf(body: Body): Record<string, unknown> {
  return isPlainObject(body.labels) ? body.labels : {};
}

function firewallIdsOf(body: Body): boolean {
  return Array.isArray(body.firewall_ids) && body.firewall_ids.length > 0;
}

function covering(env: EnvSide, server: SideResource): string[] {
  const labels = labelsOf(server.body);
  return [...env.firewalls.entries()].filter(([, fw]) => fw.selectors.some((s) => s !== undefined && matches(s, labels))).map(([k]) => k);
}

function nameOfKey(k: string): { stack: string; address: string } {
  // Keys are made by key(): `${stack}\u0000${address}`, so both parts are there.
  const [stack, address] = k.split("\u0000");
  return { stack: stack!, address: address! };
}

/** A change that reasons and notes can be added to. */
export type MutableChange = Omit<Change, "dangers" | "warnings" | "notes" | "summary" | "attributes"> & {
  dangers: Reason[];
  warnings: Reason[];
  notes: string[];
  summary: string[];
  attributes: AttributeChange[];
};

/**
 * The change of the first of these resources that has one; when none of
 * them changes itself, a change without action is made for the first.
 */
export type ChangeFinder = (...resources: [ChangeTarget, ...ChangeTarget[]]) => MutableChange;

/** A resource whose change a {@link ChangeFinder} looks for. */
export interface ChangeTarget {
  readonly stack: string;
  readonly address: string;
  readonly type: string;
}

/**
 * Adds the environment-wide dangers: a network whose new range leaves out a
 * subnet of it; a server that existed before and now falls under a firewall
 * (that existed before) open to the world; a server under no firewall at all
 * (every port open); and, on each new server, the firewalls that apply to
 * it (in its summary) and what the world can reach on it (a note).
 */
export function classifyEnvironments(base: readonly SideResource[], head: readonly SideResource[], find: ChangeFinder): void {
  classifyNetworkRanges(base, head, find);
  const baseEnvs = indexSide(base);
  for (const [envName, env] of indexSide(head)) {
    const before = baseEnvs.get(envName);
    for (const [serverKey, server] of env.servers) {
      const now = covering(env, server);
      const was = before?.servers.get(serverKey);
      const covered = now.length > 0 || firewallIdsOf(server.body) || env.opaque;
      // Without any firewall in sight (a plan of the servers stack alone), coverage cannot be judged.
      const visible = env.firewalls.size > 0 || (before?.firewalls.size ?? 0) > 0;
      if (!covered && !visible) continue;
      if (was === undefined) {
        // What a reviewer checks on a new server: the firewalls that apply to it (label selectors of firewalls in sight).
        const names = now.map((k) => nameOfKey(k).address.replace(/^hcloud_firewall\./, ""));
        const through = [
          ...(names.length > 0 ? [`firewall${names.length === 1 ? "" : "s"} ${names.join(", ")} (label selectors)`] : []),
          ...(env.opaque ? ["firewalls attached by server or hcloud_firewall_attachment (not read here)"] : []),
        ];
        find(server).summary.push(...(through.length > 0 ? through : firewallIdsOf(server.body) ? [] : ["no firewall applies"]));
      }
      if (!covered) {
        const hadFirewall = was !== undefined && before !== undefined && (covering(before, was).length > 0 || firewallIdsOf(was.body) || before.opaque);
        if (was === undefined || hadFirewall) {
          find(server).dangers.push({
            class: "world-open",
            attribute: "labels",
            message: `no firewall applies to ${was === undefined ? "the new server" : "the server any more"}: every port it listens on is open to the whole Internet`,
          });
        }
        continue;
      }
      if (was === undefined) {
        const world = now.flatMap((k) => env.firewalls.get(k)!.world);
        if (world.length > 0) {
          const names = now.map((k) => nameOfKey(k).address.replace(/^hcloud_firewall\./, "")).join(", ");
          find(server).notes.push(`open to the world through firewall${now.length === 1 ? "" : "s"} ${names}: ${describeWorldRules(world)}`);
        }
        continue;
      }
      if (before === undefined) continue;
      const old = new Set(covering(before, was));
      for (const fwKey of now) {
        if (old.has(fwKey) || !before.firewalls.has(fwKey)) continue;
        const fw = env.firewalls.get(fwKey)!;
        if (fw.world.length === 0) continue;
        const fwName = nameOfKey(fwKey);
        const target = find(server, fw.resource);
        target.dangers.push({
          class: "world-open",
          attribute: "labels",
          message: `${target.address === server.address && target.stack === server.stack ? "the server" : `${server.address} (${server.stack})`} now falls under firewall ${fwName.address} (${fwName.stack}), which opens ${describeWorldRules(fw.world)} to the whole Internet`,
        });
      }
    }
  }
}

/** The attributes a reviewer checks on a created or destroyed resource, per type; other types show a few identifying ones. */
const SUMMARY_KEYS: Readonly<Record<string, readonly string[]>> = {
  hcloud_server: ["name", "server_type", "location", "image", "ipv4_address", "ipv6_address", "firewall_ids", "placement_group_id"],
  hcloud_primary_ip: ["name", "type", "location", "auto_delete", "assignee_id", "ip_address"],
  hcloud_floating_ip: ["name", "type", "home_location", "server_id", "ip_address"],
  hcloud_floating_ip_assignment: ["floating_ip_id", "server_id"],
  hcloud_rdns: ["dns_ptr", "ip_address", "server_id", "primary_ip_id", "floating_ip_id", "load_balancer_id"],
  hcloud_volume: ["name", "size", "location", "server_id"],
  hcloud_volume_attachment: ["volume_id", "server_id"],
  hcloud_server_network: ["server_id", "network_id", "subnet_id", "ip"],
  hcloud_firewall: ["name"],
  hcloud_firewall_attachment: ["firewall_id", "server_ids", "label_selectors"],
  hcloud_zone: ["name", "mode", "ttl"],
  hcloud_zone_rrset: ["zone", "name", "type", "ttl"],
  hcloud_zone_record: ["zone", "name", "type", "value"],
};
const DEFAULT_SUMMARY_KEYS = ["name", "type", "server_type", "location", "home_location", "ip_range", "mode", "size", "storage_box_type", "ttl", "zone", "records", "value"];

/** `in tcp 22 from ["0.0.0.0/0", "::/0"] description "SSH"`: one firewall rule as shown (values masked as everywhere). */
function ruleSummary(rule: Body, index: number, ctx: ShowContext): string {
  const at = (k: string): Path => ["rule", index, k];
  const word = (k: string): string | undefined => {
    const v = rule[k];
    if (v === undefined || v === null || v === "") return undefined;
    return typeof v === "string" && /^[A-Za-z0-9-]+$/.test(v) ? v : showValue(v, at(k), ctx);
  };
  const parts = [word("direction") ?? "(no direction)", word("protocol") ?? "(no protocol)"];
  const port = word("port");
  if (port !== undefined) parts.push(port);
  const ips = (k: string, label: string): void => {
    const v = rule[k];
    if (v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0)) parts.push(`${label} ${showValue(v, at(k), ctx)}`);
  };
  ips("source_ips", "from");
  ips("destination_ips", "to");
  if (typeof rule.description === "string" && rule.description !== "") parts.push(`description ${showValue(rule.description, at("description"), ctx)}`);
  return `rule ${parts.join(" ")}`;
}

/** A server's public addresses: `public IPv4 "${hcloud_primary_ip.web-1-ipv4.id}"`, `public IPv4 auto-created`, `no public IPv6`. */
function publicNetSummary(body: Body, ctx: ShowContext): string[] {
  const blocks = listOfBlocks(body.public_net);
  const out: string[] = [];
  for (const family of ["ipv4", "ipv6"] as const) {
    const label = `public ${family === "ipv4" ? "IPv4" : "IPv6"}`;
    if (blocks.length === 0) {
      out.push(`${label} auto-created (no public_net: it dies with the server)`);
      continue;
    }
    blocks.forEach((b, i) => {
      const id = b[family];
      if (b[`${family}_enabled`] === false) out.push(`no ${label}`);
      else if (isLinked(id)) out.push(`${label} ${showValue(id, ["public_net", i, family], ctx)}`);
      else out.push(`${label} auto-created (no primary IP linked: it dies with the server)`);
    });
  }
  return out;
}

/**
 * What a reviewer checks on a created or destroyed resource, as shown
 * (masked like every value; references shown as the reference): a server's
 * type, location, image, public addresses, firewalls, placement group and
 * private networks; a firewall's targets and every rule; an rDNS record's
 * name, address and where the address comes from; a record set's values.
 */
export function summaryAttributes(type: string, body: Body | undefined, ctx: ShowContext): string[] {
  if (body === undefined) return [];
  const keys = SUMMARY_KEYS[type];
  const out: string[] = [];
  const has = (k: string): boolean => Object.prototype.hasOwnProperty.call(body, k) && body[k] !== null && body[k] !== undefined;
  const at = (k: string): void => {
    if (has(k)) out.push(`${k} ${showValue(body[k], [k], ctx)}`);
  };
  if (keys === undefined) {
    for (const k of DEFAULT_SUMMARY_KEYS) at(k);
    return out.slice(0, 5);
  }
  for (const k of keys) {
    at(k);
    // A server's addresses right after what it is (name, type, location, image).
    if (type === "hcloud_server" && k === "image") out.push(...publicNetSummary(body, ctx));
  }
  if (type === "hcloud_server") {
    listOfBlocks(body.network).forEach((n, i) => {
      const where = ["network_id", "subnet_id"].filter((k) => isLinked(n[k])).map((k) => `${k} ${showValue(n[k], ["network", i, k], ctx)}`);
      out.push(`network ${[...where, ...(isLinked(n.ip) ? [`ip ${showValue(n.ip, ["network", i, "ip"], ctx)}`] : [])].join(" ")}`.trimEnd());
    });
  }
  if (type === "hcloud_firewall") {
    listOfBlocks(body.apply_to).forEach((a, i) => {
      for (const k of ["label_selector", "server"]) if (isLinked(a[k])) out.push(`applies to ${k} ${showValue(a[k], ["apply_to", i, k], ctx)}`);
    });
    const rules = listOfBlocks(body.rule);
    if (rules.length === 0) out.push("no rules");
    rules.forEach((r, i) => out.push(ruleSummary(r, i, ctx)));
  }
  if (type === "hcloud_zone_rrset") {
    const records = listOfBlocks(body.records);
    out.push(`records [${records.map((r, i) => showValue(r.value, ["records", i, "value"], ctx)).join(", ")}]`);
  }
  if (type === "hcloud_zone") {
    const primaries = listOfBlocks(body.primary_nameservers);
    if (primaries.length > 0) out.push(`primary_nameservers [${primaries.map((p, i) => showValue(p.address, ["primary_nameservers", i, "address"], ctx)).join(", ")}]`);
  }
  return out;
}
