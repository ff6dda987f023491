/**
 * Why a change is dangerous. The same rules serve `all2all diff` (two
 * synthesised configurations) and `all2all plan-summary` (a saved plan):
 * each resource change is judged on its own (destruction of stateful
 * resources, replacement, protection removed, destructive and disruptive
 * updates from the replacement table, new public IPv4 addresses, firewall
 * rules opened to the world, firewall name or labels changed with its
 * rules), then each environment as a whole (servers that newly fall under a
 * firewall open to the world, or under no firewall at all).
 */
import { parseCidr } from "../../constructs/ip";
import { SENSITIVE_PORTS } from "../../policies/roles";
import { matches, parseSelector, type Requirement } from "../../policies/selectors";
import type { Action, AttributeChange, Change, Reason } from "./model";
import { STATEFUL_TYPES, tableOf, type ReplaceTables, type TableEntry } from "./tables";
import { ABSENT, deepEqual, isPlainObject, isWithin, showValue, valueAt, type Maybe, type RawDiff, type ShowContext } from "./values";

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
  return STATEFUL_TYPES.get(type);
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
          low === high ? hit[0][1] : hit.length > 3 ? "SSH, databases and remote administration included" : hit.map(([p, name]) => `${p} ${name}`).join(", ");
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
    reasons.forEach((r, i) => dangers.push(i === reasons.length - 1 ? { ...r, message: `${r.message}${suffix}${refused}` } : r));
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
  const [stack, address] = k.split("\u0000");
  return { stack, address };
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
export type ChangeFinder = (...resources: { stack: string; address: string; type: string }[]) => MutableChange;

/**
 * Adds the environment-wide dangers: a server that existed before and now
 * falls under a firewall (that existed before) open to the world; a server
 * under no firewall at all (every port open); and, as a note on each new
 * server, what the world can reach on it.
 */
export function classifyEnvironments(base: readonly SideResource[], head: readonly SideResource[], find: ChangeFinder): void {
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

/** A few identifying attributes of a created or destroyed resource, as shown: `name "web-1"`, `location "fsn1"`, a firewall's rule count. */
export function summaryAttributes(type: string, body: Body | undefined, ctx: ShowContext): string[] {
  if (body === undefined) return [];
  const keys = ["name", "type", "server_type", "location", "home_location", "ip_range", "mode", "size", "storage_box_type", "ttl", "zone", "records", "value"];
  const out: string[] = [];
  for (const k of keys) {
    if (!Object.prototype.hasOwnProperty.call(body, k)) continue;
    out.push(`${k} ${showValue(body[k], [k], ctx)}`);
  }
  if (type === "hcloud_firewall" && Array.isArray(body.rule)) out.push(`${body.rule.length} rule${body.rule.length === 1 ? "" : "s"}`);
  return out.slice(0, 5);
}
