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
 * which moves when servers are added before it. The danger rules are in
 * zones-dangers.ts.
 */
import type { StackDocument } from "./blocks";
import { lineDiff } from "./line-diff";
import type { DnsRecordChange, KnotDiff, ZoneDiff, ZonesReport } from "./change-types";
import { knotZones, parseZoneFile, type ParsedZone } from "./zone-parse";
import { nameServers, referrers, type SetContext, setChange, soaChange } from "./zones-dangers";

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

/** The environments of either rendering, those whose zones could not be rendered too. */
function environmentsOf(base: ZoneRendering | undefined, head: ZoneRendering): string[] {
  return [
    ...new Set([
      ...(base?.zones.keys() ?? []),
      ...head.zones.keys(),
      ...(base?.unavailable.keys() ?? []),
      ...head.unavailable.keys(),
    ]),
  ].sort();
}

/** One environment of both renderings: each side's parsed zones, and the hidden primary serving each. */
interface EnvironmentSides {
  readonly env: string;
  readonly baseParsed: ReadonlyMap<string, ParsedZone>;
  readonly headParsed: ReadonlyMap<string, ParsedZone>;
  readonly baseHosted: ReadonlyMap<string, string>;
  readonly headHosted: ReadonlyMap<string, string>;
  /** Why the base has no zone files to compare, when it has none. */
  readonly baseMissing: string | undefined;
}

function environmentSides(env: string, base: ZoneRendering | undefined, head: ZoneRendering): EnvironmentSides {
  const baseParsed = parseAll(base, env);
  const headParsed = parseAll(head, env);
  return {
    env,
    baseParsed,
    headParsed,
    baseHosted: base ? selfHostedZones(base, env, baseParsed) : new Map<string, string>(),
    headHosted: selfHostedZones(head, env, headParsed),
    baseMissing: base === undefined ? "the base has no zone files" : base.unavailable.get(env),
  };
}

/** What changes of a zone as a whole: new, removed, moved to or from a hidden primary. */
function zoneNotesOf(
  b: ParsedZone | undefined,
  h: ParsedZone | undefined,
  selfHosted: ZoneDiff["selfHosted"],
  server: string | undefined,
  baseServer: string | undefined,
): string[] {
  if (!b) return ["a new zone: every record is new"];
  if (!h) return ["the zone is removed: every record goes"];
  if (!selfHosted.base)
    return [
      `newly served from the hidden primary ${server}: it was in primary mode, its ` +
        `records held by Hetzner (the dns stack's record sets)`,
    ];
  if (!selfHosted.head)
    return [
      `no longer served from the hidden primary ${baseServer}: in primary mode, ` +
        `Hetzner holds its records (the dns stack's record sets)`,
    ];
  return [];
}

/** A zone's changed record sets, the SOA's first: dangerous ones first, then by owner and type. */
function recordChanges(
  zone: string,
  b: ParsedZone | undefined,
  h: ParsedZone | undefined,
  context: SetContext,
): DnsRecordChange[] {
  const changes: DnsRecordChange[] = [];
  const soa = b?.soa && h?.soa ? soaChange(zone, h.origin, b.soa, h.soa) : undefined;
  if (soa !== undefined) changes.push(soa);
  const keys = [...new Set([...(b?.sets.keys() ?? []), ...(h?.sets.keys() ?? [])])];
  for (const key of keys) {
    const change = setChange(zone, b, h, key, context);
    if (change !== undefined) changes.push(change);
  }
  return changes.sort(
    (x, y) =>
      (x.dangers.length > 0 ? 0 : 1) - (y.dangers.length > 0 ? 0 : 1) ||
      (x.type === "SOA" ? -1 : 0) - (y.type === "SOA" ? -1 : 0) ||
      compareOwners(x.owner, y.owner) ||
      x.type.localeCompare(y.type),
  );
}

/** One self-hosted zone of an environment compared (not compared when the base has no zone files). */
function zoneDiffOf(zone: string, sides: EnvironmentSides, context: SetContext): ZoneDiff {
  const { env, baseHosted, headHosted, baseMissing } = sides;
  const h = sides.headParsed.get(zone);
  const server = headHosted.get(zone) ?? baseHosted.get(zone);
  const selfHosted = { base: baseHosted.has(zone), head: headHosted.has(zone) };
  if (baseMissing !== undefined) {
    const notes = [`the base's zone files could not be rendered (${baseMissing}): not compared`];
    return { environment: env, zone, server, selfHosted, serial: { head: h?.soa?.serial }, changes: [], notes };
  }
  const b = sides.baseParsed.get(zone);
  const notes = zoneNotesOf(b, h, selfHosted, server, baseHosted.get(zone));
  const serial = { base: b?.soa?.serial, head: h?.soa?.serial };
  const changes = recordChanges(zone, b, h, context);
  return { environment: env, zone, server, selfHosted, serial, changes, notes };
}

/** The self-hosted zones of an environment, compared with the danger rules' view of the head's environment. */
function environmentZones(sides: EnvironmentSides, headDocs: ReadonlyMap<string, StackDocument>): ZoneDiff[] {
  const { baseParsed, headParsed } = sides;
  const context: SetContext = {
    targets: referrers(headParsed.values()),
    rdns: reverseDnsNames(headDocs, sides.env),
    servers: nameServers([...baseParsed.values(), ...headParsed.values()]),
  };
  const compared = [...new Set([...sides.baseHosted.keys(), ...sides.headHosted.keys()])].sort();
  return compared.map((zone) => zoneDiffOf(zone, sides, context));
}

/** The Knot configurations of an environment, line by line; a note instead when the base rendered none. */
function knotChanges(
  env: string,
  base: ZoneRendering | undefined,
  head: ZoneRendering,
  baseMissing: string | undefined,
): { knot: KnotDiff[]; notes: string[] } {
  const baseKnot = base?.knot.get(env);
  const headKnot = head.knot.get(env);
  if (baseMissing === undefined && baseKnot !== undefined && headKnot !== undefined) {
    const knot: KnotDiff[] = [];
    for (const file of [...new Set([...baseKnot.keys(), ...headKnot.keys()])].sort()) {
      const d = lineDiff(baseKnot.get(file) ?? "", headKnot.get(file) ?? "");
      if (d.added + d.removed > 0) knot.push({ environment: env, file, ...d });
    }
    return { knot, notes: [] };
  }
  if (baseMissing === undefined && base !== undefined && baseKnot === undefined && (headKnot?.size ?? 0) > 0) {
    const note =
      `${env}: the base rendered no Knot configuration (its \`all2all ` +
      `zonefile\` has no --knot): the head's is not compared`;
    return { knot: [], notes: [note] };
  }
  return { knot: [], notes: [] };
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
  for (const env of environmentsOf(base, head)) {
    const sides = environmentSides(env, base, head);
    const headMissing = head.unavailable.get(env);
    if (headMissing !== undefined) {
      notes.push(
        `${env}: the head's zone files could not be rendered (${headMissing}): its self-hosted zones are not compared`,
      );
      continue;
    }
    zones.push(...environmentZones(sides, headDocs));
    const knotChanged = knotChanges(env, base, head, sides.baseMissing);
    knot.push(...knotChanged.knot);
    notes.push(...knotChanged.notes);
  }
  return { zones, knot, notes };
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

/**
 * The environment of a stack: its name without the last `-part` (`production-servers` → `production`), as the
 * comparison has it.
 */
export function environmentOfStack(stack: string): string {
  const dash = stack.lastIndexOf("-");
  return dash > 0 ? stack.slice(0, dash) : stack;
}
