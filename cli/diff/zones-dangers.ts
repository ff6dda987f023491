/**
 * The danger rules of a self-hosted zone's DNS changes (cli/diff/zones.ts
 * lists them): what the head's environment names (record targets, name
 * servers), and each record set's change with its dangers.
 */
import type { DnsReason, DnsRecordChange, DnsRecordSet } from "./change-types";
import type { ParsedSoa, ParsedZone } from "./zone-parse";

/** Names that other records point to (CNAME, MX, SRV targets), and by what. */
export function referrers(zones: Iterable<ParsedZone>): Map<string, { what: string; type: string }[]> {
  const out = new Map<string, { what: string; type: string }[]>();
  const add = (target: string, what: string, type: string): void => {
    const list = out.get(target) ?? [];
    list.push({ what, type });
    out.set(target, list);
  };
  for (const z of zones) {
    for (const set of z.sets.values()) {
      for (const v of set.values) {
        const parts = v.split(" ");
        if (set.type === "CNAME") add(parts[0]!, `the CNAME ${set.owner}`, "CNAME");
        if (set.type === "MX" && parts.length === 2) add(parts[1]!, `the MX of ${set.owner}`, "MX");
        if (set.type === "SRV" && parts.length === 4) add(parts[3]!, `the SRV ${set.owner}`, "SRV");
      }
    }
  }
  return out;
}

/** Name server host names: every NS target and SOA MNAME of the environment's zones. */
export function nameServers(zones: Iterable<ParsedZone>): Map<string, string> {
  const out = new Map<string, string>();
  for (const z of zones) {
    if (z.soa && !out.has(z.soa.mname)) out.set(z.soa.mname, `the SOA MNAME of ${z.zone}`);
    for (const set of z.sets.values()) {
      if (set.type !== "NS") continue;
      for (const v of set.values)
        if (!out.has(v))
          out.set(v, set.owner === z.origin ? `a name server of ${z.zone}` : `the name server of ${set.owner}`);
    }
  }
  return out;
}

function sameSet(a: DnsRecordSet, b: DnsRecordSet): boolean {
  return a.ttl === b.ttl && JSON.stringify([...a.values].sort()) === JSON.stringify([...b.values].sort());
}

function soaValues(soa: ParsedSoa): string[] {
  return [soa.mname, soa.rname, ...soa.timers];
}

function list(items: readonly string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

/** What a record set's danger rules read of the head's environment. */
export interface SetContext {
  /** Name → the records naming it (CNAME, MX, SRV targets). */
  readonly targets: ReadonlyMap<string, { what: string; type: string }[]>;
  /** Name → the servers whose reverse DNS names it. */
  readonly rdns: ReadonlyMap<string, string[]>;
  /** Name server name → what it serves. */
  readonly servers: ReadonlyMap<string, string>;
}

/** The SOA's change (its serial aside), dangerous when its values change; undefined when it stays. */
export function soaChange(
  zone: string,
  origin: string,
  baseSoa: ParsedSoa,
  headSoa: ParsedSoa,
): DnsRecordChange | undefined {
  const before = { ttl: baseSoa.ttl, values: soaValues(baseSoa) };
  const after = { ttl: headSoa.ttl, values: soaValues(headSoa) };
  if (sameSet(before, after)) return undefined;
  const valuesChange = JSON.stringify(before.values) !== JSON.stringify(after.values);
  return {
    owner: origin,
    type: "SOA",
    action: "change",
    before,
    after,
    dangers: valuesChange
      ? [
          {
            class: "dns-apex",
            message:
              `the SOA of ${zone} changes (${before.values.join(" ")} → ${after.values.join(" ")}): ` +
              `secondaries and resolvers act on it (MNAME, timers, negative caching)`,
          },
        ]
      : [],
  };
}

/** The change of one record set (`owner\ttype`) with its dangers; undefined when it stays. */
export function setChange(
  zone: string,
  b: ParsedZone | undefined,
  h: ParsedZone | undefined,
  key: string,
  { targets, rdns, servers }: SetContext,
): DnsRecordChange | undefined {
  const old = b?.sets.get(key);
  const now = h?.sets.get(key);
  const owner = (old ?? now)!.owner;
  const type = (old ?? now)!.type;
  const before = old ? { ttl: old.ttl, values: [...old.values] } : undefined;
  const after = now ? { ttl: now.ttl, values: [...now.values] } : undefined;
  if (before && after && sameSet(before, after)) return undefined;
  const action = before && after ? "change" : before ? "remove" : "add";
  const dangers: DnsReason[] = [];
  const removedValues = before ? before.values.filter((v) => !(after?.values ?? []).includes(v)) : [];
  if (
    type === "NS" &&
    owner === (h ?? b)!.origin &&
    b &&
    h &&
    JSON.stringify([...(before?.values ?? [])].sort()) !== JSON.stringify([...(after?.values ?? [])].sort())
  ) {
    dangers.push({
      class: "dns-apex",
      message:
        `the apex NS of ${zone} change (${(before?.values ?? []).join(" ") || "none"} ` +
        `→ ${(after?.values ?? []).join(" ") || "none"}): the delegation at the registry and the name servers must ` +
        `agree, or the zone stops resolving`,
    });
  }
  if (type === "MX" && b) {
    const target = (v: string): string => v.split(" ").pop() ?? v;
    const kept = new Set((after?.values ?? []).map(target));
    const gone = [...new Set((before?.values ?? []).map(target).filter((t) => !kept.has(t)))];
    if (gone.length > 0)
      dangers.push({
        class: "dns-mx-removed",
        message: `mail for ${owner} is no longer delivered to ${list(gone)} (MX ${removedValues.join(", ")} removed)`,
      });
  }
  if (action === "remove") {
    const named = [
      ...(targets.get(owner) ?? [])
        .filter((r) => r.type === "CNAME" || ["A", "AAAA", "CNAME"].includes(type))
        .map((r) => r.what),
      ...(["A", "AAAA", "CNAME"].includes(type) ? (rdns.get(owner) ?? []) : []),
    ];
    if (named.length > 0)
      dangers.push({
        class: "dns-target-removed",
        message:
          `removes the ${type} of ${owner}, ` +
          `which ${list([...new Set(named)])} still ` +
          `name${named.length === 1 ? "s" : ""}`,
      });
  }
  if ((type === "A" || type === "AAAA") && servers.has(owner) && action !== "add" && removedValues.length > 0) {
    dangers.push({
      class: "dns-nameserver-address",
      message:
        `${action === "remove" ? "removes" : "changes"} the ${type} of ${owner}, ${servers.get(owner)} ` +
        `(${removedValues.join(", ")} → ${(after?.values ?? []).join(", ") || "none"})`,
    });
  }
  return { owner, type, action, ...(before ? { before } : {}), ...(after ? { after } : {}), dangers };
}
