/**
 * The rules that run at synth, one resource at a time (as cdk-nag's rules
 * do): each check reads one resource block of the environment model, looks up
 * what it needs about the others (firewall membership, reverse DNS, records)
 * in the model's indexes, and reports findings about that resource. Messages
 * name the resource and say how to fix it.
 */
import { REBUILD_ATTRIBUTES, formatTxtValue, labelKeyProblem, labelValueProblem, parseCidr } from "../constructs";
import { statefulTypes } from "../constructs/stateful";
import { MANAGED_BY } from "../spec";
import { type EnvModel, type ResourceEntry, firstBlock, isExpression, labelsOf, listOf } from "./model";
import { ROLES, SENSITIVE_PORTS, type RolePolicy } from "./roles";
import { RULE, type RuleId } from "./rules";

/** Reports a finding about the resource being checked; `subject` overrides the resource's owner. */
export type Report = (rule: RuleId, message: string, subject?: string) => void;

export interface ResourceCheck {
  /** The resource types it reads; "all" for every resource. */
  readonly types: readonly string[] | "all";
  check(entry: ResourceEntry, model: EnvModel, report: Report): void;
}

/** Resource types that take labels (hcloud provider 1.68; a test compares this with the schema). */
export const LABELLED_TYPES: readonly string[] = [
  "hcloud_certificate",
  "hcloud_firewall",
  "hcloud_floating_ip",
  "hcloud_load_balancer",
  "hcloud_managed_certificate",
  "hcloud_network",
  "hcloud_placement_group",
  "hcloud_primary_ip",
  "hcloud_server",
  "hcloud_snapshot",
  "hcloud_ssh_key",
  "hcloud_storage_box",
  "hcloud_storage_box_snapshot",
  "hcloud_storage_box_subaccount",
  "hcloud_uploaded_certificate",
  "hcloud_volume",
  "hcloud_zone",
  "hcloud_zone_rrset",
];

/** Stateful resource types: what protect: true must protect (constructs/stateful.ts). */
export const PROTECTED_TYPES: readonly string[] = statefulTypes("protect");

// ---------------------------------------------------------------------------
// Helpers

/** "server/web-1" → "web-1". */
function itemName(subject: string): string {
  return subject.slice(subject.indexOf("/") + 1);
}

function list(items: readonly string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

/** How a resource is named in messages: `server web-1 (hcloud_server.web-1 in production-servers)`. */
function describe(entry: ResourceEntry, what: string, name = itemName(entry.subject)): string {
  return `${what} ${name} (${entry.address} in ${entry.stackName})`;
}

/** What a stateful resource is, in messages: `volume web-1-data`, `primary IP ns-1-ipv4 of server/ns-1`. */
function statefulName(entry: ResourceEntry): string {
  switch (entry.type) {
    case "hcloud_primary_ip":
      return `primary IP ${entry.name} of ${entry.subject}`;
    case "hcloud_floating_ip":
      return `floating IP ${entry.name} of ${entry.subject}`;
    default:
      return `${entry.type.replace(/^hcloud_/, "").replace(/_/g, " ")} ${itemName(entry.subject)}`;
  }
}

function roleOf(server: ResourceEntry): string | undefined {
  const role = labelsOf(server.body).role;
  return typeof role === "string" && role !== "" ? role : undefined;
}

function rolePolicy(role: string | undefined): RolePolicy | undefined {
  return role !== undefined && Object.prototype.hasOwnProperty.call(ROLES, role) ? ROLES[role] : undefined;
}

interface InboundRule {
  readonly protocol: string;
  /** undefined: every port. */
  readonly ports?: { readonly low: number; readonly high: number };
  readonly world: readonly string[];
  readonly text: string;
}

const worldOpenCache = new WeakMap<ResourceEntry, InboundRule[]>();

/** The firewall's inbound rules open to 0.0.0.0/0 or ::/0 (parsed once per firewall). */
function worldOpenRules(firewall: ResourceEntry): InboundRule[] {
  const cached = worldOpenCache.get(firewall);
  if (cached !== undefined) return cached;
  const rules: InboundRule[] = [];
  worldOpenCache.set(firewall, rules);
  for (const raw of listOf(firewall.body.rule)) {
    const rule = raw as Record<string, unknown>;
    if (rule?.direction !== "in") continue;
    const world = listOf(rule.source_ips).filter((s): s is string => typeof s === "string" && parseCidr(s)?.prefix === 0);
    if (world.length === 0) continue;
    const protocol = String(rule.protocol ?? "");
    let ports: InboundRule["ports"];
    const port = rule.port === undefined || rule.port === null ? "any" : String(rule.port);
    if (protocol === "tcp" || protocol === "udp") {
      const m = /^(\d+)(?:-(\d+))?$/.exec(port);
      if (m) ports = { low: Number(m[1]), high: Number(m[2] ?? m[1]) };
    }
    const portText = protocol === "tcp" || protocol === "udp" ? (ports === undefined ? " (every port)" : ` ${port}`) : "";
    rules.push({ protocol, ports, world, text: `${protocol}${portText} from ${world.join(" and ")}` });
  }
  return rules;
}

/** Ports of a rule the role does not serve ("tcp 3306"), empty when the role serves all of them. */
function unservedPorts(rule: InboundRule, policy: RolePolicy | undefined): string[] {
  if (rule.protocol === "icmp") return [];
  const services = policy?.publicServices ?? [];
  if (rule.protocol !== "tcp" && rule.protocol !== "udp") {
    return services.some((s) => s.protocol === rule.protocol) ? [] : [rule.protocol];
  }
  if (rule.ports === undefined) return [`${rule.protocol} every port`];
  if (rule.ports.high - rule.ports.low > 1024) return [`${rule.protocol} ${rule.ports.low}-${rule.ports.high}`];
  const allowed = new Set(services.filter((s) => s.protocol === rule.protocol).map((s) => s.port));
  const missing: string[] = [];
  for (let p = rule.ports.low; p <= rule.ports.high; p++) if (!allowed.has(p)) missing.push(`${rule.protocol} ${p}`);
  return missing.length > 8 ? [`${rule.protocol} ${rule.ports.low}-${rule.ports.high}`] : missing;
}

/** The text of a TXT value: its quoted strings joined, or the value itself. */
function txtText(value: string): string {
  const strings = value.match(/"((?:[^"\\]|\\.)*)"/g);
  if (!strings) return value.trim();
  return strings.map((s) => s.slice(1, -1).replace(/\\(.)/g, "$1")).join("");
}

/** A canonical value as people read it: `hcloud_primary_ip.web-1-ipv4.ip_address`, a literal as is. */
function showValue(canonical: string): string {
  if (canonical.startsWith("lit:")) return canonical.slice(4);
  if (canonical.startsWith("ref:")) return canonical.slice(4);
  return canonical.replace(/\$\{|\}/g, "").replace(/[A-Za-z0-9_-]+\/(hcloud_)/g, "$1");
}

// ---------------------------------------------------------------------------
// Servers and firewalls

const serverFirewall: ResourceCheck = {
  types: ["hcloud_server"],
  check(entry, model, report) {
    if (model.firewallsOf(entry).length > 0 || listOf(entry.body.firewall_ids).length > 0) return;
    const fwLabels = Object.entries(labelsOf(entry.body))
      .filter(([key]) => key.startsWith("fw-"))
      .map(([key, value]) => `${key}=${String(value)}`);
    const why =
      fwLabels.length > 0
        ? `its labels ${list(fwLabels)} select no firewall of environment ${model.name}, and it has no firewall_ids or firewall attachment`
        : `no firewall's label selector matches its labels, and it has no firewall_ids or firewall attachment`;
    report(
      RULE.serverFirewall,
      `${describe(entry, "server")} is in no firewall: ${why}, so every port it listens on is open to the Internet. Give it firewall policies in config (servers[].firewall_policies, at least "base"), or apply a FirewallPolicy to it.`,
    );
  },
};

const firewallWorldSensitivePort: ResourceCheck = {
  types: ["hcloud_firewall"],
  check(entry, _model, report) {
    for (const rule of worldOpenRules(entry)) {
      if (rule.protocol !== "tcp" && rule.protocol !== "udp") continue;
      let what: string | undefined;
      if (rule.ports === undefined || (rule.ports.low <= 1 && rule.ports.high >= 65535)) {
        what = "every port";
      } else {
        const hit = [...SENSITIVE_PORTS.entries()].filter(([port]) => port >= rule.ports!.low && port <= rule.ports!.high).sort((a, b) => a[0] - b[0]);
        if (hit.length > 0) what = list(hit.map(([port, name]) => `${port} (${name})`));
      }
      if (what === undefined) continue;
      report(
        RULE.firewallWorldSensitivePort,
        `${describe(entry, "firewall")} opens ${rule.protocol} ${what} to the whole Internet (inbound ${rule.text}): restrict the rule's sources to the operators' ranges (sources: [admin] in config) or remove the rule; databases are reached over the private network.`,
      );
    }
  },
};

const firewallPublicPortRole: ResourceCheck = {
  types: ["hcloud_server"],
  check(entry, model, report) {
    const role = roleOf(entry);
    const policy = rolePolicy(role);
    for (const fw of model.firewallsOf(entry)) {
      const unserved: string[] = [];
      for (const rule of worldOpenRules(fw)) for (const port of unservedPorts(rule, policy)) if (!unserved.includes(port)) unserved.push(port);
      if (unserved.length === 0) continue;
      const roleText =
        policy === undefined
          ? `its role ${role === undefined ? "(none: the server has no role label)" : `"${role}"`} is not in the role table (policies/roles.ts), so it may expose no port to the Internet`
          : `role "${role}" serves ${list(policy.publicServices.map((s) => (s.port === undefined ? s.protocol : `${s.protocol} ${s.port}`)))} to the Internet`;
      report(
        RULE.firewallPublicPortRole,
        `${describe(entry, "server")} is open to the whole Internet on ${list(unserved)} through firewall ${itemName(fw.subject)} (${fw.address} in ${fw.stackName}), but ${roleText}: take the policy out of the server's firewall_policies or narrow the rule's sources; if the role really serves it, add the port to the role in policies/roles.ts.`,
      );
    }
  },
};

// ---------------------------------------------------------------------------
// Protection and destruction

const protectStateful: ResourceCheck = {
  types: PROTECTED_TYPES,
  check(entry, model, report) {
    if (!model.protect) return;
    const missing: string[] = [];
    if (entry.body.delete_protection !== true) missing.push("delete_protection");
    if (entry.type === "hcloud_server" && entry.body.rebuild_protection !== true) missing.push("rebuild_protection");
    // A server declared allow_rebuild gives up prevent_destroy on purpose, for
    // one deliberate rebuild (its addresses and volumes keep theirs); the
    // server-rebuild-allowed warning reports it while it lasts.
    const rebuilding = entry.type === "hcloud_server" && model.specServer(itemName(entry.subject))?.allow_rebuild === true;
    if (!rebuilding && firstBlock(entry.body.lifecycle)?.prevent_destroy !== true) missing.push("lifecycle.prevent_destroy");
    if (missing.length === 0) return;
    report(
      RULE.protectStateful,
      `${statefulName(entry)} (${entry.address} in ${entry.stackName}) of protected environment ${model.name} lacks ${list(missing)}: Hetzner's delete protection alone does not stop a destroy (the provider lifts it first), prevent_destroy alone does not stop the console or API. Create it with protect: true (the library's default, which the stacks take from environment.protect).`,
    );
  },
};

const publicIpPrimary: ResourceCheck = {
  types: ["hcloud_server", "hcloud_primary_ip"],
  check(entry, model, report) {
    if (entry.type === "hcloud_primary_ip") {
      if (entry.body.auto_delete === false) return;
      report(
        RULE.publicIpPrimary,
        `primary IP ${entry.name} (${entry.address} in ${entry.stackName}) has auto_delete ${entry.body.auto_delete === true ? "true" : "unset"}: the address would be deleted with its server, and with it its reverse DNS, its reputation and every allowlist naming it. Set auto_delete = false (the Server construct does).`,
      );
      return;
    }
    const net = firstBlock(entry.body.public_net);
    if (net === undefined) {
      report(
        RULE.publicIpPrimary,
        `${describe(entry, "server")} has no public_net block: Hetzner then creates an IPv4 and an IPv6 that are deleted with the server, and linking a primary IP later deletes them. Link explicit hcloud_primary_ip resources in public_net (the Server construct does).`,
      );
      return;
    }
    for (const family of ["ipv4", "ipv6"] as const) {
      if (net[`${family}_enabled`] === false) continue;
      const value = net[family];
      const linked = model.target(value, entry.stackName)?.entry.type === "hcloud_primary_ip" || (value !== undefined && value !== null && !isExpression(value) && /^[1-9][0-9]*$/.test(String(value)));
      if (linked) continue;
      report(
        RULE.publicIpPrimary,
        `${describe(entry, "server")} has public ${family.toUpperCase()} enabled without a primary IP (public_net.${family} ${value === undefined || value === null ? "is unset" : `is ${JSON.stringify(value)}`}): Hetzner auto-creates an address that dies with the server, and linking a primary IP later deletes it. Link an hcloud_primary_ip with auto_delete = false (the Server construct does), or set ${family}_enabled = false.`,
      );
    }
  },
};

const publicIpv4Role: ResourceCheck = {
  types: ["hcloud_server"],
  check(entry, _model, report) {
    const net = firstBlock(entry.body.public_net);
    if (net !== undefined && net.ipv4_enabled === false) return;
    const role = roleOf(entry);
    if (rolePolicy(role)?.ipv4Reason !== undefined) return;
    report(
      RULE.publicIpv4Role,
      `${describe(entry, "server")} has a public IPv4 but its role ${role === undefined ? "(none)" : `"${role}"`} does not need one (policies/roles.ts): an IPv4 costs money and widens the attack surface, and IPv6 reaches the other servers and most clients. Set public.ipv4: false in config, or give the role its reason for IPv4 in policies/roles.ts.`,
    );
  },
};

const serverReplaceGuard: ResourceCheck = {
  types: ["hcloud_server"],
  check(entry, model, report) {
    const name = itemName(entry.subject);
    if (model.specServer(name)?.allow_rebuild === true) {
      report(
        RULE.serverRebuildAllowed,
        `${describe(entry, "server")} is declared allow_rebuild: true: a change of its image, SSH keys or user data now destroys and recreates it, wiping its disk, and the server has no prevent_destroy (its addresses and volumes keep theirs). Apply the deliberate rebuild, then set allow_rebuild back to false.`,
      );
      return;
    }
    const ignore = firstBlock(entry.body.lifecycle)?.ignore_changes;
    const ignored: readonly unknown[] = ignore === "all" ? REBUILD_ATTRIBUTES : Array.isArray(ignore) ? ignore : [];
    const missing = REBUILD_ATTRIBUTES.filter((a) => !ignored.includes(a));
    if (missing.length === 0) return;
    report(
      RULE.serverReplaceGuard,
      `${describe(entry, "server")} would be destroyed and recreated (its disk wiped) by a change of ${list(missing)}: with this provider they replace the server. Keep them in lifecycle.ignore_changes (the Server construct does unless allowRebuild), and rebuild deliberately with allow_rebuild: true in config.`,
    );
  },
};

// ---------------------------------------------------------------------------
// Addresses and reverse DNS

const reverseDns: ResourceCheck = {
  types: ["hcloud_primary_ip", "hcloud_floating_ip"],
  check(entry, model, report) {
    const floating = entry.type === "hcloud_floating_ip";
    const rule = floating ? RULE.rdnsForwardFloating : RULE.rdnsForward;
    const family = entry.body.type === "ipv4" ? "ipv4" : "ipv6";
    const recordType = family === "ipv4" ? "A" : "AAAA";
    const what = `${floating ? "floating" : "primary"} IP ${entry.name} (${entry.address} in ${entry.stackName})`;
    const owner = itemName(entry.subject);
    const configField = floating ? `servers[${owner}].floating_ip.rdns` : `servers[${owner}].public.rdns.${family}`;
    const entries = model.reverseDnsOf(entry);
    if (entries.length === 0) {
      report(
        rule,
        `${what} of ${entry.subject} has no reverse DNS: it answers with Hetzner's generic name, which mail receivers and log readers distrust. Set ${configField} in config to a name with a matching ${recordType} record.`,
      );
      return;
    }
    for (const rdns of entries) {
      const ptr = rdns.body.dns_ptr;
      if (typeof ptr !== "string" || isExpression(ptr)) continue;
      const address = model.canonical(rdns.body.ip_address, rdns.stackName);
      const zone = model.zoneHolding(ptr);
      if (zone === undefined) {
        report(
          rule,
          `${what} of ${entry.subject} has reverse DNS ${ptr}, which is in no zone of environment ${model.name}, so no forward record can confirm it: use a name in one of the environment's zones (${[...model.zones.keys()].sort().join(", ") || "none"}), or add that zone.`,
        );
        continue;
      }
      const { sets, names } = model.lookup(ptr, recordType);
      if (sets.some((s) => s.canonical.includes(address))) continue;
      const relative = ptr.toLowerCase() === zone.name ? "@" : ptr.toLowerCase().slice(0, -zone.name.length - 1);
      const followed = names.length > 1 ? ` (followed ${names.join(" → ")})` : "";
      const found =
        sets.length === 0
          ? `${ptr} has no ${recordType} record${followed}`
          : `${names[names.length - 1]} has ${recordType} ${list(sets.flatMap((s) => s.canonical.map(showValue)))}, not this address${followed}`;
      const fix = floating
        ? `point an ${recordType} record at the floating address or change ${configField}`
        : `add { name: "${relative}", type: ${recordType}, values: [${owner}.${family}] } to zone ${zone.name}, or change ${configField}`;
      report(rule, `${what} of ${entry.subject} has reverse DNS ${ptr}, but ${found}: forward-confirmed reverse DNS fails (mail from it is scored as spam). Fix: ${fix}.`);
    }
  },
};

const statefulBackups: ResourceCheck = {
  types: ["hcloud_server"],
  check(entry, model, report) {
    const role = roleOf(entry);
    const policy = rolePolicy(role);
    const volumes = model.volumesOf(entry);
    const stateful = policy === undefined || policy.stateful || volumes > 0;
    if (!stateful || entry.body.backups === true) return;
    const name = itemName(entry.subject);
    if (model.backedUpServers.has(name)) return;
    const why = volumes > 0 ? `it has ${volumes} volume${volumes === 1 ? "" : "s"}` : policy === undefined ? `its role ${role === undefined ? "(none)" : `"${role}"`} is not in the role table, so it counts as stateful` : `role "${role}" holds data`;
    report(
      RULE.statefulBackups,
      `${describe(entry, "server")} has no backup: ${why}, but Hetzner backups are off and no storage-box subaccount names it. Set backups: true (the default) or add a subaccount with server: ${name} to a storage box.`,
    );
  },
};

// ---------------------------------------------------------------------------
// Storage boxes

const storageBoxAccess: ResourceCheck = {
  types: ["hcloud_storage_box", "hcloud_storage_box_subaccount"],
  check(entry, _model, report) {
    const access = firstBlock(entry.body.access_settings);
    const what = entry.type === "hcloud_storage_box" ? `storage box ${itemName(entry.subject)} (${entry.address} in ${entry.stackName})` : `subaccount ${entry.body.name ?? entry.name} of storage box ${itemName(entry.subject)} (${entry.address} in ${entry.stackName})`;
    const problems: string[] = [];
    if (access === undefined) problems.push("has no access_settings (Hetzner's defaults then apply)");
    else {
      if (access.reachable_externally !== false) problems.push(`is ${access.reachable_externally === true ? "" : "possibly "}reachable from outside Hetzner (reachable_externally ${access.reachable_externally === true ? "true" : "unset"})`);
      if (access.samba_enabled !== false) problems.push(`has Samba ${access.samba_enabled === true ? "on" : "unset"}`);
      if (access.webdav_enabled !== false) problems.push(`has WebDAV ${access.webdav_enabled === true ? "on" : "unset"}`);
    }
    if (problems.length === 0) return;
    report(
      RULE.storageBoxAccess,
      `${what} ${list(problems)}: backups over SSH from Hetzner servers need none of it, and each is a way in for whoever gets the password. Set access: { reachable_externally: false, samba: false, webdav: false } in config (the library's defaults).`,
    );
  },
};

const storageBoxSnapshots: ResourceCheck = {
  types: ["hcloud_storage_box"],
  check(entry, _model, report) {
    const plan = firstBlock(entry.body.snapshot_plan);
    if (plan !== undefined && typeof plan.max_snapshots === "number" && plan.max_snapshots >= 1) return;
    report(
      RULE.storageBoxSnapshots,
      `storage box ${itemName(entry.subject)} (${entry.address} in ${entry.stackName}) has no snapshot plan: a compromised server can delete its own backups, and only Hetzner-made snapshots are out of its reach. Set snapshot_plan in config (enabled: true, max_snapshots ≥ 1; the default is daily, 7 kept).`,
    );
  },
};

const storageBoxDeleteProtection: ResourceCheck = {
  types: ["hcloud_storage_box"],
  check(entry, model, report) {
    if (model.protect || entry.body.delete_protection === true) return;
    report(
      RULE.storageBoxDeleteProtection,
      `storage box ${itemName(entry.subject)} (${entry.address} in ${entry.stackName}) has no delete protection in unprotected environment ${model.name}: one console click or API call deletes every backup in it. Protect it (environment.protect: true), or suppress this warning for an environment whose backups are disposable.`,
    );
  },
};

// ---------------------------------------------------------------------------
// Labels and locations

const labelledTypes = new Set(LABELLED_TYPES);

const resourceLabels: ResourceCheck = {
  types: "all",
  check(entry, model, report) {
    if (!labelledTypes.has(entry.type) || isExpression(entry.body.labels)) return;
    const labels = labelsOf(entry.body);
    const problems: string[] = [];
    if (labels["managed-by"] !== MANAGED_BY) problems.push(`managed-by is ${labels["managed-by"] === undefined ? "missing" : JSON.stringify(labels["managed-by"])} (expected "${MANAGED_BY}")`);
    if (labels.environment !== model.name) problems.push(`environment is ${labels.environment === undefined ? "missing" : JSON.stringify(labels.environment)} (expected "${model.name}")`);
    if (typeof labels.role !== "string" || labels.role === "") problems.push("role is missing or empty");
    for (const key of Object.keys(labels).sort()) {
      const keyProblem = labelKeyProblem(key);
      if (keyProblem !== undefined) problems.push(keyProblem);
      const value = labels[key];
      if (typeof value !== "string") problems.push(`label ${key} is not a string`);
      else if (!isExpression(value)) {
        const valueProblem = labelValueProblem(value);
        if (valueProblem !== undefined) problems.push(`label ${key}: ${valueProblem}`);
      }
    }
    if (problems.length === 0) return;
    report(
      RULE.resourceLabels,
      `${entry.address} in ${entry.stackName} (${entry.subject}) has bad labels: ${problems.join("; ")}. Labels are how operators and firewalls find resources: pass the stacks' base labels (managed-by, environment, role) to every construct, and keep config labels to Hetzner's syntax.`,
    );
  },
};

const allowedLocations: ResourceCheck = {
  types: "all",
  check(entry, model, report) {
    const allowed = model.spec.environment.allowed_locations as readonly string[];
    for (const attribute of ["location", "home_location", "datacenter"]) {
      const value = entry.body[attribute];
      if (typeof value !== "string" || isExpression(value)) continue;
      const location = attribute === "datacenter" ? value.split("-")[0] : value;
      if (allowed.includes(location)) continue;
      report(
        RULE.allowedLocations,
        `${entry.address} in ${entry.stackName} (${entry.subject}) is in ${location}${attribute === "datacenter" ? ` (datacenter ${value})` : ""}, outside the allowed locations of environment ${model.name} (${allowed.join(", ")}): data of the network's members stays where the environment allows. Move it to an allowed location, or list ${location} in environment.allowed_locations deliberately.`,
      );
    }
  },
};

// ---------------------------------------------------------------------------
// DNS (checked on each hcloud_zone, over the record sets of that zone)

const dnsZone: ResourceCheck = {
  types: ["hcloud_zone"],
  check(entry, model, report) {
    if (typeof entry.body.name !== "string" || isExpression(entry.body.name)) return;
    const zone = model.zones.get(entry.body.name.toLowerCase().replace(/\.$/, ""));
    if (zone === undefined || zone.entry !== entry) return;
    const where = `zone ${zone.name} (${entry.address} in ${entry.stackName})`;
    const sets = (name: string, type: string) => zone.sets.get(`${name} ${type}`) ?? [];
    const texts = (name: string, type: string) => sets(name, type).flatMap((s) => s.values);

    // CAA
    if (!texts("@", "CAA").some((v) => /^\s*\d+\s+(issue|issuewild)\s/i.test(v))) {
      report(
        RULE.dnsCaa,
        `${where} has no CAA record with an issue property at its apex: any certificate authority may issue certificates for it. Add { name: "@", type: CAA, values: ['0 issue "letsencrypt.org"'] } (or the CA you use).`,
      );
    }

    // SPF and DMARC wherever mail is received
    const mxNames = [...zone.sets.keys()].filter((k) => k.endsWith(" MX")).map((k) => k.slice(0, -3)).sort();
    for (const name of mxNames) {
      const fqdn = name === "@" ? zone.name : `${name}.${zone.name}`;
      const problems: string[] = [];
      const spf = texts(name, "TXT").filter((v) => /^v=spf1(\s|$)/i.test(txtText(v)));
      if (spf.length === 0) problems.push(`no SPF record (TXT "v=spf1 …") at ${fqdn}`);
      else if (spf.length > 1) problems.push(`${spf.length} SPF records at ${fqdn} (receivers then treat SPF as a permanent error)`);
      const dmarcAt = [`_dmarc.${fqdn}`];
      const labels = fqdn.split(".");
      for (let i = 1; i <= labels.length - 2; i++) dmarcAt.push(`_dmarc.${labels.slice(i).join(".")}`);
      const hasDmarc = dmarcAt.some((n) => model.recordSets(n, "TXT").some((s) => s.values.some((v) => /^v=DMARC1(\s*;|\s*$)/i.test(txtText(v)))));
      if (!hasDmarc) problems.push(`no DMARC record (TXT "v=DMARC1; …" at _dmarc.${fqdn} or at a parent's _dmarc)`);
      if (problems.length === 0) continue;
      const relative = (prefix: string) => (name === "@" ? prefix || "@" : prefix ? `${prefix}.${name}` : name);
      report(
        RULE.dnsMailAuth,
        `${where} has an MX record set at ${fqdn} but ${list(problems)}: without them anyone can send mail in its name. Add { name: "${relative("")}", type: TXT, values: ["v=spf1 mx -all"] } and { name: "${relative("_dmarc")}", type: TXT, values: ["v=DMARC1; p=quarantine"] }.`,
      );
    }

    // One record set, one TTL
    for (const [key, declared] of [...zone.sets.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
      const rrsets = declared.filter((s) => s.entry?.type === "hcloud_zone_rrset");
      const records = declared.filter((s) => s.entry?.type === "hcloud_zone_record");
      const described = declared.filter((s) => s.entry === undefined);
      if (rrsets.length + described.length + (records.length > 0 ? 1 : 0) <= 1) continue;
      const [name, type] = key.split(" ");
      const sources = declared.map((s) => `${s.source}${s.entry?.type === "hcloud_zone_record" ? "" : ` (ttl ${s.ttl ?? "default"})`}`);
      report(
        RULE.dnsRrsetTtl,
        `${where} declares the record set ${type} ${name === "@" ? "@" : name} more than once: ${list(sources)}. Hetzner keeps one record set per name and type, with one TTL, so these overwrite each other on every apply; declare every value of one name and type in one record set.`,
      );
    }

    // TXT in the provider's form
    for (const [key, declared] of zone.sets) {
      if (!key.endsWith(" TXT")) continue;
      for (const set of declared) {
        for (const value of set.values) {
          if (isExpression(value)) continue;
          let expected: string;
          try {
            expected = formatTxtValue(value);
          } catch (err) {
            expected = `(${(err as Error).message.replace(/^TXT value: /, "")})`;
          }
          if (expected === value) continue;
          const shown = value.length > 60 ? `${value.slice(0, 57)}…` : value;
          const fix = expected.startsWith("(") ? expected : `write it as ${expected.length > 80 ? `${expected.slice(0, 77)}…` : expected}`;
          report(
            RULE.dnsTxtFormat,
            `${where}: the TXT value ${JSON.stringify(shown)} of ${set.name} (${set.source}) is not in the provider's form, quoted strings of at most 255 bytes ("…" "…"): the API stores it differently and every plan shows a change. Fix: ${fix}; DnsZone.addRecordSet formats plain text for you.`,
          );
        }
      }
    }
  },
};

/** Every check, in the order they run on a resource. */
export const CHECKS: readonly ResourceCheck[] = [
  serverFirewall,
  firewallWorldSensitivePort,
  firewallPublicPortRole,
  protectStateful,
  publicIpPrimary,
  publicIpv4Role,
  serverReplaceGuard,
  reverseDns,
  statefulBackups,
  storageBoxAccess,
  storageBoxSnapshots,
  storageBoxDeleteProtection,
  resourceLabels,
  allowedLocations,
  dnsZone,
];

/** The checks that read a resource type. */
export function checksFor(type: string): readonly ResourceCheck[] {
  let found = CHECKS_BY_TYPE.get(type);
  if (found === undefined) {
    found = CHECKS.filter((c) => c.types === "all" || c.types.includes(type));
    CHECKS_BY_TYPE.set(type, found);
  }
  return found;
}
const CHECKS_BY_TYPE = new Map<string, readonly ResourceCheck[]>();
