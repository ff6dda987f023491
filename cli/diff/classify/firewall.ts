/**
 * Firewalls: inbound rules opened to the whole Internet, and a firewall's
 * name or labels changed with its rules (the provider loses them).
 */
import { SENSITIVE_PORTS } from "../../../policies/roles";
import { parseCidr } from "../../../primitives/ip";
import type { Reason } from "../change-types";
import { isPlainObject } from "../values";
import type { Body, ResourcePair } from "./common";

/** Provider issue: firewall rules lost when the firewall's name or labels change. */
export const FIREWALL_RULES_ISSUE = "hetznercloud/terraform-provider-hcloud#931";

/** An inbound rule open to the whole Internet: its service and source. */
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
      if (typeof s === "string" && parseCidr(s)?.prefix === 0)
        out.push({ service, source: s, ...(sensitive ? { sensitive } : {}) });
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

const SENSITIVE_PORT_NOTE = " — a port never to open to the world (docs/policies.md, firewall-world-sensitive-port)";

function ruleKey(r: WorldRule): string {
  return `${r.service}\u0000${r.source}`;
}

/**
 * A firewall change that opens rules to the world (dangers), or changes its name or labels with its rules (warnings).
 */
export function firewallReasons(pair: ResourcePair): { dangers: Reason[]; warnings: Reason[] } {
  const dangers: Reason[] = [];
  const warnings: Reason[] = [];
  if (
    pair.type !== "hcloud_firewall" ||
    pair.after === undefined ||
    pair.action === "delete" ||
    pair.action === "forget"
  )
    return { dangers, warnings };
  const before = new Set(worldRules(pair.before).map(ruleKey));
  const opened = worldRules(pair.after).filter((r) => !before.has(ruleKey(r)));
  if (opened.length > 0 && pair.action !== "import") {
    const sensitive = opened.some((r) => r.sensitive);
    dangers.push({
      class: "world-open",
      attribute: "rule",
      message:
        `${pair.before === undefined ? "the new firewall opens" : "opens"} ${describeWorldRules(opened)} to the ` +
        `whole Internet${sensitive ? SENSITIVE_PORT_NOTE : ""}`,
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
        message:
          `its name or labels change in the same apply as its rules: the provider can drop the firewall's rules ` +
          `(${FIREWALL_RULES_ISSUE}, open); apply the rule change and the name/label change separately, and check ` +
          `the rules in the console after each`,
      });
    } else if (renamed) {
      warnings.push({
        class: "firewall-rename",
        attribute: "labels",
        source: FIREWALL_RULES_ISSUE,
        message:
          `its name or labels change: provider issue ${FIREWALL_RULES_ISSUE} reports rules lost on ` +
          `such updates; check the firewall's rules in the console after apply`,
      });
    }
  }
  return { dangers, warnings };
}
