/**
 * Firewall policies: unique names, labels, and each rule's port (only for tcp
 * and udp, a number, a range or any), direction and peers, with the keywords
 * `any` and `admin` expanded to CIDRs.
 */
import type { Description } from "../schema";
import type { PathSegment } from "../problems";
import type { FirewallPolicySpec, FirewallRuleSpec } from "../types";
import { checkLabels, cidrAt, uniqueNames } from "./common";
import { labelsFor, type CheckContext, type Reporter } from "./context";

type RuleInput = Description["firewall_policies"][number]["rules"][number];

/** The policies, resolved, and each policy name's first index (what servers may name). */
export interface FirewallPolicies {
  readonly policies: FirewallPolicySpec[];
  readonly names: ReadonlyMap<string, number>;
}

/** Checks firewall_policies; `adminRanges` is what the keyword admin stands for. */
export function checkFirewallPolicies(ctx: CheckContext, adminRanges: readonly string[]): FirewallPolicies {
  const { r, d } = ctx;
  const names = uniqueNames(r, d.firewall_policies, ["firewall_policies"], "firewall policy name", (p) => p.name);
  const policies: FirewallPolicySpec[] = d.firewall_policies.map((policy, i) => {
    const path: PathSegment[] = ["firewall_policies", i];
    checkLabels(r, [...path, "labels"], policy.labels);
    const rules = policy.rules.map((rule, j) => checkRule(r, [...path, "rules", j], rule, adminRanges));
    return { ...policy, rules, labels: labelsFor(ctx, "firewall", policy.labels) };
  });
  return { policies, names };
}

/** One rule: its port, its sources or destinations by direction; returns it with its peers expanded. */
function checkRule(
  r: Reporter,
  path: readonly PathSegment[],
  rule: RuleInput,
  adminRanges: readonly string[],
): FirewallRuleSpec {
  const port = checkPort(r, path, rule);
  const expand = (field: "sources" | "destinations"): string[] => expandPeers(r, path, rule, field, adminRanges);
  if (rule.direction === "in") {
    if (rule.destinations !== undefined) {
      r.report(
        [...path, "destinations"],
        "an inbound rule has sources, not destinations",
        "rename destinations to sources",
      );
    }
    if (!rule.sources || rule.sources.length === 0) {
      r.report(path, "an inbound rule needs sources", "e.g. sources: [any] or sources: [admin]");
    }
  } else {
    if (rule.sources !== undefined) {
      r.report(
        [...path, "sources"],
        "an outbound rule has destinations, not sources",
        "rename sources to destinations",
      );
    }
    if (!rule.destinations || rule.destinations.length === 0) r.report(path, "an outbound rule needs destinations");
  }
  return {
    direction: rule.direction,
    protocol: rule.protocol,
    ...(port !== undefined ? { port } : {}),
    source_ips: rule.direction === "in" ? expand("sources") : [],
    destination_ips: rule.direction === "out" ? expand("destinations") : [],
    ...(rule.description !== undefined ? { description: rule.description } : {}),
  };
}

/** The rule's port as the API takes it ("22", "1024-5000", "any"); undefined when absent or invalid. */
function checkPort(r: Reporter, path: readonly PathSegment[], rule: RuleInput): string | undefined {
  const withPorts = rule.protocol === "tcp" || rule.protocol === "udp";
  if (rule.port !== undefined && !withPorts) {
    r.report([...path, "port"], `port is only for tcp and udp, not ${rule.protocol}`, "remove port");
    return undefined;
  }
  if (rule.port === undefined) {
    if (withPorts) {
      r.report(path, `a ${rule.protocol} rule needs a port`, 'e.g. port: 443, port: "1024-5000" or port: any');
    }
    return undefined;
  }
  const text = String(rule.port).trim();
  const range = /^([0-9]{1,5})(?:-([0-9]{1,5}))?$/.exec(text);
  if (text === "any") return "any";
  if (!range) {
    r.report([...path, "port"], `port "${text}" must be a number, a range like 1024-5000, or any`);
    return undefined;
  }
  const low = Number(range[1]);
  const high = range[2] !== undefined ? Number(range[2]) : low;
  if (low < 1 || high > 65535 || low > 65535) {
    r.report([...path, "port"], `port "${text}" is outside 1-65535`);
    return undefined;
  }
  if (high <= low && range[2] !== undefined) {
    r.report([...path, "port"], `port range "${text}" must go from low to high`);
    return undefined;
  }
  return text;
}

/** The CIDRs of a rule's sources or destinations, each once: any, admin, or a range. */
function expandPeers(
  r: Reporter,
  path: readonly PathSegment[],
  rule: RuleInput,
  field: "sources" | "destinations",
  adminRanges: readonly string[],
): string[] {
  const out: string[] = [];
  (rule[field] ?? []).forEach((entry, i) => {
    const entryPath = [...path, field, i];
    const text = entry.trim();
    let cidrs: string[] = [];
    if (text === "any") cidrs = ["0.0.0.0/0", "::/0"];
    else if (text === "admin") {
      if (adminRanges.length === 0) {
        r.report(entryPath, '"admin" stands for operators.admin_ranges, which is empty', "add the operators' ranges");
      }
      cidrs = [...adminRanges];
    } else {
      const cidr = cidrAt(r, entryPath, text, field === "sources" ? "source" : "destination");
      if (cidr) cidrs = [cidr.text];
    }
    for (const c of cidrs) if (!out.includes(c)) out.push(c);
  });
  return out;
}
