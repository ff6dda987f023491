/**
 * Servers and firewalls: every server in a firewall, no sensitive port open
 * to the world, and a port open to the world only when the server's role
 * serves it.
 */
import { parseCidr } from "../../constructs";
import { listOf, labelsOf, type ResourceEntry } from "../environment-model";
import { type PublicService, SENSITIVE_PORTS, type RolePolicy } from "../roles";
import { RULE } from "../rules";
import { describe, itemName, list, roleOf, rolePolicy, type ResourceCheck } from "./shared";

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
    const world = listOf(rule.source_ips).filter(
      (s): s is string => typeof s === "string" && parseCidr(s)?.prefix === 0,
    );
    if (world.length === 0) continue;
    const protocol = String(rule.protocol ?? "");
    let ports: InboundRule["ports"];
    const port = rule.port === undefined || rule.port === null ? "any" : String(rule.port);
    if (protocol === "tcp" || protocol === "udp") {
      const m = /^(\d+)(?:-(\d+))?$/.exec(port);
      if (m) ports = { low: Number(m[1]), high: Number(m[2] ?? m[1]) };
    }
    const portText =
      protocol === "tcp" || protocol === "udp" ? (ports === undefined ? " (every port)" : ` ${port}`) : "";
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

/** `tcp 443`, or the protocol alone for one without ports. */
function serviceName(s: PublicService): string {
  return s.port === undefined ? s.protocol : `${s.protocol} ${s.port}`;
}

export const serverFirewall: ResourceCheck = {
  types: ["hcloud_server"],
  check(entry, model, report) {
    if (model.firewallsOf(entry).length > 0 || listOf(entry.body.firewall_ids).length > 0) return;
    const fwLabels = Object.entries(labelsOf(entry.body))
      .filter(([key]) => key.startsWith("fw-"))
      .map(([key, value]) => `${key}=${String(value)}`);
    const why =
      fwLabels.length > 0
        ? `its labels ${list(fwLabels)} select no firewall of ` +
          `environment ${model.name}, and it has no firewall_ids or firewall attachment`
        : `no firewall's label selector matches its labels, and it has no firewall_ids or firewall attachment`;
    report(
      RULE.serverFirewall,
      `${describe(entry, "server")} is in no firewall: ${why}, so every port it listens on is open to the ` +
        `Internet. Give it firewall policies in config (servers[].firewall_policies, at least "base"), or apply a ` +
        `FirewallPolicy to it.`,
    );
  },
};

export const firewallWorldSensitivePort: ResourceCheck = {
  types: ["hcloud_firewall"],
  check(entry, _model, report) {
    for (const rule of worldOpenRules(entry)) {
      if (rule.protocol !== "tcp" && rule.protocol !== "udp") continue;
      let what: string | undefined;
      if (rule.ports === undefined || (rule.ports.low <= 1 && rule.ports.high >= 65535)) {
        what = "every port";
      } else {
        const hit = [...SENSITIVE_PORTS.entries()]
          .filter(([port]) => port >= rule.ports!.low && port <= rule.ports!.high)
          .sort((a, b) => a[0] - b[0]);
        if (hit.length > 0) what = list(hit.map(([port, name]) => `${port} (${name})`));
      }
      if (what === undefined) continue;
      report(
        RULE.firewallWorldSensitivePort,
        `${describe(entry, "firewall")} opens ${rule.protocol} ${what} to the whole Internet ` +
          `(inbound ${rule.text}): restrict the rule's sources to the operators' ranges (sources: [admin] in ` +
          `config) or remove the rule; databases are reached over the private network.`,
      );
    }
  },
};

export const firewallPublicPortRole: ResourceCheck = {
  types: ["hcloud_server"],
  check(entry, model, report) {
    const role = roleOf(entry);
    const policy = rolePolicy(role);
    for (const fw of model.firewallsOf(entry)) {
      const unserved: string[] = [];
      for (const rule of worldOpenRules(fw))
        for (const port of unservedPorts(rule, policy)) if (!unserved.includes(port)) unserved.push(port);
      if (unserved.length === 0) continue;
      const roleText =
        policy === undefined
          ? `its role ${role === undefined ? "(none: the server has no role label)" : `"${role}"`} is not in ` +
            `the role table (policies/roles.ts), so it may expose no port to the Internet`
          : `role "${role}" serves ${list(policy.publicServices.map(serviceName))} to the Internet`;
      report(
        RULE.firewallPublicPortRole,
        `${describe(entry, "server")} is open to the whole Internet on ${list(unserved)} through ` +
          `firewall ${itemName(fw.subject)} (${fw.address} in ${fw.stackName}), but ${roleText}: take the policy ` +
          `out of the server's firewall_policies or narrow the rule's sources; if the role really serves it, add ` +
          `the port to the role in policies/roles.ts.`,
      );
    }
  },
};
