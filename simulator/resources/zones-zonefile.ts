/**
 * Zone files in BIND format (RFC 1034/1035) for a primary zone: the export
 * Hetzner answers at `GET /zones/{id_or_name}/zonefile`, and the import of
 * `POST /zones/{id_or_name}/actions/import_zonefile` (and of a create request
 * with `zonefile`).
 *
 * The import follows the rules Hetzner documents: `$ORIGIN`, if present, is
 * the zone's name with a final dot; `$TTL`, if present, becomes the zone's
 * default TTL; only class IN; comments after a record become its comment,
 * comments on their own lines are dropped. (The SOA and NS requirements are
 * checked by the caller.) Record values are kept as written, white space
 * outside quotes folded to one space. {@link importZonefile} checks them and
 * replaces a zone's rrsets by those of the file.
 *
 * Imports: ../core, ./zones, ./zones-records.
 */
import { type Sim, invalidInput } from "../core";
import { HETZNER_NAMESERVERS, type NewRRSet, type RRSet, type Zone, putRRSet, rrsetsOf, touchZone } from "./zones";
import {
  type RRSetType,
  type ZoneRecord,
  checkRRSetName,
  checkRRSetType,
  checkRecords,
  checkTtl,
} from "./zones-records";

/** The zone file of a primary zone: SOA first, then NS, then every rrset by name and type. */
export function renderZonefile(zone: Pick<Zone, "name" | "ttl">, rrsets: readonly RRSet[]): string {
  const rank = (s: RRSet): number => (s.type === "SOA" ? 0 : s.type === "NS" && s.name === "@" ? 1 : 2);
  const sorted = [...rrsets].sort(
    (a, b) =>
      rank(a) - rank(b) ||
      (a.name < b.name ? -1 : a.name > b.name ? 1 : a.type < b.type ? -1 : a.type > b.type ? 1 : 0),
  );
  const lines = [`$ORIGIN\t${zone.name}.`, `$TTL\t${zone.ttl}`, ""];
  for (const set of sorted) {
    for (const r of set.records) {
      const ttl = set.ttl === null ? "" : `${set.ttl}\t`;
      lines.push(`${set.name}\t${ttl}IN\t${set.type}\t${r.value}${r.comment === "" ? "" : ` ; ${r.comment}`}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

export interface ParsedZonefile {
  /** `$TTL`, when the file has one. */
  readonly ttl?: number;
  readonly rrsets: NewRRSet[];
}

/** Parses a zone file for the zone `zoneName`; every problem is `invalid_input` on `field`. */
export function parseZonefile(text: string, zoneName: string, field = "zonefile"): ParsedZonefile {
  let ttl: number | undefined;
  let owner: string | undefined;
  const groups = new Map<
    string,
    { name: string; type: RRSetType; ttl: number | null; records: { value: string; comment?: string }[] }
  >();
  for (const { line, comment, number } of logicalLines(text, field)) {
    const fail = (why: string): never => {
      throw invalidInput(field, `line ${number}: ${why}`);
    };
    const tokens = tokenize(line);
    if (tokens.length === 0) continue;
    const first = tokens[0]!;
    if (first.startsWith("$")) {
      const directive = first.toUpperCase();
      if (directive === "$ORIGIN") {
        if (tokens[1]?.toLowerCase() !== `${zoneName}.`)
          fail(`$ORIGIN must be the zone's name with a final dot (${zoneName}.)`);
      } else if (directive === "$TTL") {
        ttl = checkTtl(parseTtl(tokens[1]), field, false);
      } else fail(`the directive ${first} is not supported`);
      continue;
    }
    let i = 0;
    if (!/^\s/.test(line)) {
      owner = relativeName(first, zoneName, () => fail(`the name ${first} is outside the zone ${zoneName}`));
      i = 1;
    }
    if (owner === undefined) fail("the first record has no name");
    let recordTtl: number | null = null;
    for (let k = 0; k < 2 && i < tokens.length; k++) {
      const t = tokens[i]!;
      if (/^\d+[smhdw]?$/i.test(t) && recordTtl === null) {
        recordTtl = checkTtl(parseTtl(t), field, false);
        i++;
      } else if (/^(IN|CH|HS|CS)$/i.test(t)) {
        if (t.toUpperCase() !== "IN") fail(`only class IN is allowed, not ${t}`);
        i++;
      }
    }
    const typeToken = tokens[i];
    if (typeToken === undefined) fail("the record has no type");
    const type = checkRRSetType(typeToken!.toUpperCase(), field);
    const value = tokens.slice(i + 1).join(" ");
    if (value === "") fail(`the ${type} record has no value`);
    const name = checkRRSetName(owner!, zoneName, field);
    const key = `${name}/${type}`;
    const group = groups.get(key) ?? { name, type, ttl: recordTtl, records: [] };
    if (recordTtl !== null) group.ttl = recordTtl;
    group.records.push(comment === undefined ? { value } : { value, comment });
    groups.set(key, group);
  }
  const rrsets: NewRRSet[] = [...groups.values()].map((g) => ({
    name: g.name,
    type: g.type,
    ttl: g.ttl,
    records: checkRecords(g.type, g.records, field) as ZoneRecord[],
  }));
  return ttl === undefined ? { rrsets } : { ttl, rrsets };
}

/** Lines with comments split off and parenthesised continuations joined. */
function logicalLines(text: string, field: string): { line: string; comment?: string; number: number }[] {
  const out: { line: string; comment?: string; number: number }[] = [];
  let pending: { line: string; comment?: string; number: number } | undefined;
  text.split(/\r?\n/).forEach((raw, index) => {
    const { code, comment } = splitComment(raw);
    if (pending) {
      pending.line += ` ${code}`;
      if (comment !== undefined) pending.comment = comment;
    } else {
      pending = comment === undefined ? { line: code, number: index + 1 } : { line: code, comment, number: index + 1 };
    }
    const open = (pending.line.match(/\(/g) ?? []).length - (pending.line.match(/\)/g) ?? []).length;
    if (open <= 0) {
      pending.line = pending.line.replace(/[()]/g, " ").replace(/\s+$/, "");
      out.push(pending);
      pending = undefined;
    }
  });
  if (pending) throw invalidInput(field, `line ${pending.number}: unbalanced parentheses`);
  return out;
}

/** Splits a line at the first `;` outside quotes. */
function splitComment(raw: string): { code: string; comment?: string } {
  let quoted = false;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c === "\\") i++;
    else if (c === '"') quoted = !quoted;
    else if (c === ";" && !quoted) {
      const comment = raw.slice(i + 1).trim();
      return comment === "" ? { code: raw.slice(0, i) } : { code: raw.slice(0, i), comment };
    }
  }
  return { code: raw };
}

/** Tokens separated by white space, a quoted string (with its quotes) being one token. */
function tokenize(line: string): string[] {
  return line.match(/"(?:[^"\\]|\\.)*"|\S+/g) ?? [];
}

/** A TTL in seconds from `3600` or `1h`-style units; NaN when it is neither. */
function parseTtl(token: string | undefined): number {
  const m = token?.match(/^(\d+)([smhdw]?)$/i);
  if (!m) return Number.NaN;
  const unit = { "": 1, s: 1, m: 60, h: 3600, d: 86400, w: 604800 }[
    m[2]!.toLowerCase() as "" | "s" | "m" | "h" | "d" | "w"
  ];
  return Number(m[1]) * unit;
}

/** An owner name relative to the zone (`@` for the apex). */
function relativeName(name: string, zoneName: string, outside: () => never): string {
  if (name === "@") return "@";
  if (!name.endsWith(".")) return name;
  const absolute = name.slice(0, -1).toLowerCase();
  if (absolute === zoneName) return "@";
  if (absolute.endsWith(`.${zoneName}`)) return absolute.slice(0, -(zoneName.length + 1));
  return outside();
}

/** Replaces every rrset of a primary zone by those of a zone file (`$TTL` becomes the zone's TTL). */
export function importZonefile(sim: Sim, zone: Zone, text: unknown, field = "zonefile"): void {
  if (typeof text !== "string" || text.trim() === "") throw invalidInput(field, "is required");
  const parsed = parseZonefile(text, zone.name, field);
  const soa = parsed.rrsets.find((s) => s.name === "@" && s.type === "SOA");
  if (!soa) throw invalidInput(field, "the zone file must contain an SOA record");
  const ns = parsed.rrsets.find((s) => s.name === "@" && s.type === "NS");
  const missing = HETZNER_NAMESERVERS.filter((n) => !ns?.records.some((r) => r.value === n));
  if (missing.length > 0)
    throw invalidInput(
      field,
      `the assigned Hetzner nameservers must be present as NS records (missing ${missing.join(", ")})`,
    );
  const current = rrsetsOf(sim, zone.id).get("@/SOA")?.records[0]?.value.split(" ")[2];
  rrsetsOf(sim, zone.id).clear();
  for (const set of parsed.rrsets) putRRSet(sim, zone, set, field);
  if (parsed.ttl !== undefined) zone.ttl = parsed.ttl;
  // The serial stays Hetzner's: the imported one is replaced by the next of the zone's own.
  const record = rrsetsOf(sim, zone.id).get("@/SOA")!.records[0]!;
  const fields = record.value.split(" ");
  fields[2] = current ?? "0";
  record.value = fields.join(" ");
  touchZone(sim, zone);
}
