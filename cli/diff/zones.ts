/**
 * The zones served from a hidden primary (secondary mode at Hetzner), in
 * `all2all diff`. Their records are not in the stacks: `all2all zonefile`
 * renders them into the primary's zone files and its Knot configuration,
 * so the diff compares what each side renders (each with its own code, see
 * sides.ts): record sets added, removed and changed, the SOA and its serial,
 * and the Knot configuration line by line.
 *
 * DNS changes that can break service are dangerous (exit 3):
 * - the apex NS or the SOA (but its serial) of a zone changes;
 * - an MX target goes away;
 * - a record set is removed at a name that another record (CNAME, MX, SRV
 *   target, in any zone of the environment) or a server's reverse DNS
 *   (hcloud_rdns of the head's stacks) still names;
 * - an address record (A, AAAA) of a name server (NS target, SOA MNAME)
 *   changes or goes away.
 *
 * Pure: texts in, a ZonesReport out. The files are parsed as RFC 1035 zone
 * files (not as this version's layout), so that a base rendered by older
 * code reads the same. A server's address is compared as the reference the
 * file notes after it (`; web-1.ipv4`), not as the placeholder address,
 * which moves when servers are added before it.
 */
import type { StackDocument } from "./compare";
import { lineDiff } from "./line-diff";
import type { DnsReason, DnsRecordChange, DnsRecordSet, KnotDiff, ZoneDiff, ZonesReport } from "./model";
import { knotZones, parseZoneFile, type ParsedSoa, type ParsedZone } from "./zone-parse";

export { lineDiff } from "./line-diff";
export { knotZones, parseZoneFile, type ParsedSoa, type ParsedZone } from "./zone-parse";

/** What one side's `all2all zonefile --knot` wrote, per environment. */
export interface ZoneRendering {
  /** Environment → zone (ASCII, no final dot) → zone file text. */
  readonly zones: ReadonlyMap<string, ReadonlyMap<string, string>>;
  /** Environment → `knot/<server>.conf` → text; an environment missing here had no Knot configuration rendered. */
  readonly knot: ReadonlyMap<string, ReadonlyMap<string, string>>;
  /** Environments whose zones could not be rendered, with why. */
  readonly unavailable: ReadonlyMap<string, string>;
  /** How it was rendered (old code without --knot, …). */
  readonly notes: readonly string[];
}

/** Zone → hidden primary serving it, for one side's environment: its Knot configurations, else the files' headers. */
function selfHostedZones(
  rendering: ZoneRendering,
  env: string,
  parsed: ReadonlyMap<string, ParsedZone>,
): Map<string, string> {
  const out = new Map<string, string>();
  const knot = rendering.knot.get(env);
  for (const [file, text] of knot ?? []) {
    const server = file.replace(/^.*\//, "").replace(/\.conf$/, "");
    for (const zone of knotZones(text)) out.set(zone, server);
  }
  for (const [zone, p] of parsed) if (!out.has(zone) && p.hiddenPrimary !== undefined) out.set(zone, p.hiddenPrimary);
  return out;
}

function parseAll(rendering: ZoneRendering | undefined, env: string): Map<string, ParsedZone> {
  const out = new Map<string, ParsedZone>();
  for (const [zone, text] of rendering?.zones.get(env) ?? []) out.set(zone, parseZoneFile(text, zone));
  return out;
}

/** Names that other records point to (CNAME, MX, SRV targets), and by what. */
function referrers(zones: Iterable<ParsedZone>): Map<string, { what: string; type: string }[]> {
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

/** Reverse DNS names set on the head's servers and IPs (hcloud_rdns.dns_ptr), by name. */
export function reverseDnsNames(docs: ReadonlyMap<string, StackDocument>, env: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [stack, doc] of docs) {
    if (environmentOfStack(stack) !== env) continue;
    const rdns =
      (doc.resource as Record<string, Record<string, Record<string, unknown>>> | undefined)?.hcloud_rdns ?? {};
    for (const [name, body] of Object.entries(rdns)) {
      const ptr = body?.dns_ptr;
      if (typeof ptr !== "string" || ptr.includes("${")) continue;
      const fqdn = `${ptr.toLowerCase().replace(/\.$/, "")}.`;
      out.set(fqdn, [...(out.get(fqdn) ?? []), `the reverse DNS hcloud_rdns.${name} (${stack})`]);
    }
  }
  return out;
}

/** Name server host names: every NS target and SOA MNAME of the environment's zones. */
function nameServers(zones: Iterable<ParsedZone>): Map<string, string> {
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

/**
 * Compares the self-hosted zones of two renderings. `headDocs` are the
 * head's stacks (their reverse DNS names). Environments are those of
 * either rendering.
 */
export function compareZones(
  base: ZoneRendering | undefined,
  head: ZoneRendering,
  headDocs: ReadonlyMap<string, StackDocument>,
): ZonesReport {
  const notes = [...(base?.notes ?? []), ...head.notes];
  const zones: ZoneDiff[] = [];
  const knot: KnotDiff[] = [];
  const envs = [
    ...new Set([
      ...(base?.zones.keys() ?? []),
      ...head.zones.keys(),
      ...(base?.unavailable.keys() ?? []),
      ...head.unavailable.keys(),
    ]),
  ].sort();
  for (const env of envs) {
    const baseParsed = parseAll(base, env);
    const headParsed = parseAll(head, env);
    const baseHosted = base ? selfHostedZones(base, env, baseParsed) : new Map<string, string>();
    const headHosted = selfHostedZones(head, env, headParsed);
    const baseMissing = base === undefined ? "the base has no zone files" : base.unavailable.get(env);
    const headMissing = head.unavailable.get(env);
    if (headMissing !== undefined) {
      notes.push(
        `${env}: the head's zone files could not be rendered (${headMissing}): its self-hosted zones are not compared`,
      );
      continue;
    }
    const rdns = reverseDnsNames(headDocs, env);
    const targets = referrers(headParsed.values());
    const servers = nameServers([...baseParsed.values(), ...headParsed.values()]);
    const compared = [...new Set([...baseHosted.keys(), ...headHosted.keys()])].sort();
    for (const zone of compared) {
      const b = baseMissing === undefined ? baseParsed.get(zone) : undefined;
      const h = headParsed.get(zone);
      const server = headHosted.get(zone) ?? baseHosted.get(zone);
      const zoneNotes: string[] = [];
      const selfHosted = { base: baseHosted.has(zone), head: headHosted.has(zone) };
      if (baseMissing !== undefined) {
        zoneNotes.push(`the base's zone files could not be rendered (${baseMissing}): not compared`);
        zones.push({
          environment: env,
          zone,
          server,
          selfHosted,
          serial: { head: h?.soa?.serial },
          changes: [],
          notes: zoneNotes,
        });
        continue;
      }
      if (!b) zoneNotes.push("a new zone: every record is new");
      else if (!h) zoneNotes.push("the zone is removed: every record goes");
      else if (!selfHosted.base)
        zoneNotes.push(
          `newly served from the hidden primary ${server}: it was in primary mode, its records held by Hetzner (the dns stack's record sets)`,
        );
      else if (!selfHosted.head)
        zoneNotes.push(
          `no longer served from the hidden primary ${baseHosted.get(zone)}: in primary mode, Hetzner holds its records (the dns stack's record sets)`,
        );
      const changes: DnsRecordChange[] = [];
      const soa = b?.soa && h?.soa ? soaChange(zone, h.origin, b.soa, h.soa) : undefined;
      if (soa !== undefined) changes.push(soa);
      const keys = [...new Set([...(b?.sets.keys() ?? []), ...(h?.sets.keys() ?? [])])];
      for (const key of keys) {
        const change = setChange(zone, b, h, key, { targets, rdns, servers });
        if (change !== undefined) changes.push(change);
      }
      changes.sort(
        (x, y) =>
          (x.dangers.length > 0 ? 0 : 1) - (y.dangers.length > 0 ? 0 : 1) ||
          (x.type === "SOA" ? -1 : 0) - (y.type === "SOA" ? -1 : 0) ||
          compareOwners(x.owner, y.owner) ||
          x.type.localeCompare(y.type),
      );
      zones.push({
        environment: env,
        zone,
        server,
        selfHosted,
        serial: { base: b?.soa?.serial, head: h?.soa?.serial },
        changes,
        notes: zoneNotes,
      });
    }
    // The Knot configurations, line by line.
    const baseKnot = base?.knot.get(env);
    const headKnot = head.knot.get(env);
    if (baseMissing === undefined && baseKnot !== undefined && headKnot !== undefined) {
      for (const file of [...new Set([...baseKnot.keys(), ...headKnot.keys()])].sort()) {
        const d = lineDiff(baseKnot.get(file) ?? "", headKnot.get(file) ?? "");
        if (d.added + d.removed > 0) knot.push({ environment: env, file, ...d });
      }
    } else if (
      baseMissing === undefined &&
      base !== undefined &&
      baseKnot === undefined &&
      headKnot !== undefined &&
      headKnot.size > 0
    ) {
      notes.push(
        `${env}: the base rendered no Knot configuration (its \`all2all zonefile\` has no --knot): the head's is not compared`,
      );
    }
  }
  return { zones, knot, notes };
}

/** What a record set's danger rules read of the head's environment. */
interface SetContext {
  /** Name → the records naming it (CNAME, MX, SRV targets). */
  readonly targets: ReadonlyMap<string, { what: string; type: string }[]>;
  /** Name → the servers whose reverse DNS names it. */
  readonly rdns: ReadonlyMap<string, string[]>;
  /** Name server name → what it serves. */
  readonly servers: ReadonlyMap<string, string>;
}

/** The SOA's change (its serial aside), dangerous when its values change; undefined when it stays. */
function soaChange(zone: string, origin: string, baseSoa: ParsedSoa, headSoa: ParsedSoa): DnsRecordChange | undefined {
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
            message: `the SOA of ${zone} changes (${before.values.join(" ")} → ${after.values.join(" ")}): secondaries and resolvers act on it (MNAME, timers, negative caching)`,
          },
        ]
      : [],
  };
}

/** The change of one record set (`owner\ttype`) with its dangers; undefined when it stays. */
function setChange(
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
      message: `the apex NS of ${zone} change (${(before?.values ?? []).join(" ") || "none"} → ${(after?.values ?? []).join(" ") || "none"}): the delegation at the registry and the name servers must agree, or the zone stops resolving`,
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
        message: `removes the ${type} of ${owner}, which ${list([...new Set(named)])} still name${named.length === 1 ? "s" : ""}`,
      });
  }
  if ((type === "A" || type === "AAAA") && servers.has(owner) && action !== "add" && removedValues.length > 0) {
    dangers.push({
      class: "dns-nameserver-address",
      message: `${action === "remove" ? "removes" : "changes"} the ${type} of ${owner}, ${servers.get(owner)} (${removedValues.join(", ")} → ${(after?.values ?? []).join(", ") || "none"})`,
    });
  }
  return { owner, type, action, ...(before ? { before } : {}), ...(after ? { after } : {}), dangers };
}

/** Owners in DNSSEC canonical order (labels from the root). */
function compareOwners(a: string, b: string): number {
  const x = a.replace(/\.$/, "").split(".").reverse();
  const y = b.replace(/\.$/, "").split(".").reverse();
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
  return x.length - y.length;
}

/** Counts of a zones report: record sets added, removed, changed; dangerous ones. */
export function zoneCounts(report: ZonesReport | undefined): {
  add: number;
  remove: number;
  change: number;
  dangerous: number;
  knot: number;
} {
  const counts = { add: 0, remove: 0, change: 0, dangerous: 0, knot: report?.knot.length ?? 0 };
  for (const z of report?.zones ?? []) {
    for (const c of z.changes) {
      counts[c.action]++;
      if (c.dangers.length > 0) counts.dangerous++;
    }
  }
  return counts;
}

/** The environment of a stack: its name without the last `-part` (`production-servers` → `production`), as the comparison has it. */
export function environmentOfStack(stack: string): string {
  const dash = stack.lastIndexOf("-");
  return dash > 0 ? stack.slice(0, dash) : stack;
}
