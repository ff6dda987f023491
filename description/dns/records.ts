/**
 * A zone's record sets: each one's owner name, a type the zone may hold, its
 * values; then the zone-wide rules (one record set per name and type with one
 * TTL, a CNAME alone at its name, in-zone targets that exist and are not a
 * CNAME where an address is needed).
 */
import type { PathSegment } from "../problems";
import { isReverseZone, ownerName } from "./record-names";
import {
  HETZNER_RECORD_TYPES,
  type RecordInput,
  type RecordSetSpec,
  type RecordValue,
  type ZoneContext,
} from "./types";
import { checkValue, type ValueContext, type ValueTarget } from "./values";

interface CheckedSet {
  readonly spec: RecordSetSpec;
  readonly index: number;
  readonly targets: (ValueTarget & { valueIndex: number })[];
}

type LineOf = (index: number) => number | undefined;

/** Checks a zone's record sets; returns the valid ones, normalised. */
export function checkRecords(ctx: ZoneContext, records: readonly RecordInput[], lineOf: LineOf): RecordSetSpec[] {
  const sets: CheckedSet[] = [];
  const byKey = new Map<string, CheckedSet>();
  records.forEach((record, index) => {
    const set = checkRecordSet(ctx, byKey, record, index, lineOf);
    if (set) sets.push(set);
  });
  const typesByName = new Map<string, CheckedSet[]>();
  for (const set of sets) {
    const list = typesByName.get(set.spec.fqdn) ?? [];
    list.push(set);
    typesByName.set(set.spec.fqdn, list);
  }
  const invalid = checkCnamesAlone(ctx, typesByName, lineOf);
  checkTargets(ctx, sets, typesByName);
  return sets.filter((s) => !invalid.has(s)).map((s) => s.spec);
}

/** One record set; undefined when invalid or a repeat of an earlier name and type (reported). */
function checkRecordSet(
  ctx: ZoneContext,
  byKey: Map<string, CheckedSet>,
  record: RecordInput,
  index: number,
  lineOf: LineOf,
): CheckedSet | undefined {
  const path = [...ctx.path, "records", index];
  const owner = ownerName(ctx, record.name, [...path, "name"]);
  if (!owner) return undefined;
  const type = record.type;
  if (!typeAllowed(ctx, path, record, owner.name)) return undefined;
  const { values, targets, valid } = checkValues(ctx, path, record, owner);
  const ttl = record.ttl ?? ctx.defaultTtl;
  const key = `${owner.fqdn} ${type}`;
  const first = byKey.get(key);
  if (first) {
    const firstLine = lineOf(first.index);
    const where = firstLine !== undefined ? `line ${firstLine}` : `records[${first.index}]`;
    if (first.spec.ttl !== ttl) {
      ctx.report(
        path,
        `duplicate record set ${owner.name} ${type} with a different TTL (${ttl} here, ${first.spec.ttl} at ${where})`,
        "one name and type make one record set with one TTL: merge the values into one entry",
      );
    } else {
      ctx.report(
        path,
        `duplicate record set ${owner.name} ${type} (first at ${where})`,
        "merge the values into one entry",
      );
    }
    return undefined;
  }
  if (!valid) return undefined;
  const comment = record.comment !== undefined ? { comment: record.comment } : {};
  const checkedSet: CheckedSet = {
    spec: { name: owner.name, fqdn: owner.fqdn, type, ttl, values, ...comment },
    index,
    targets,
  };
  byKey.set(key, checkedSet);
  return checkedSet;
}

/** A record set the zone may not hold, and the field the problem is reported at. */
interface TypeRule {
  readonly refuses: (ctx: ZoneContext, record: RecordInput, owner: string) => boolean;
  readonly field: "type" | "name" | "values";
  readonly message: (ctx: ZoneContext, record: RecordInput) => string;
  readonly hint?: string;
}

const TYPE_RULES: readonly TypeRule[] = [
  {
    refuses: (ctx, record) => record.type === "PTR" && !isReverseZone(ctx.zone),
    field: "type",
    message: (ctx) => `PTR records belong in a reverse zone (in-addr.arpa or ip6.arpa), not in ${ctx.zone}`,
    hint: "reverse DNS of servers is set with servers[].public.rdns",
  },
  {
    refuses: (ctx, record) => ctx.mode === "primary" && !HETZNER_RECORD_TYPES.includes(record.type),
    field: "type",
    message: (_ctx, record) => `Hetzner DNS does not serve ${record.type} records`,
    hint: "put them in a secondary zone (served by our own primary), or leave them out",
  },
  {
    refuses: (_ctx, record, owner) => record.type === "NS" && owner === "@",
    field: "name",
    message: () => "the apex NS records are managed by Hetzner (its authoritative name servers)",
    hint: "NS records here are for delegating a sub-zone",
  },
  {
    refuses: (_ctx, record, owner) => record.type === "CNAME" && owner === "@",
    field: "name",
    message: () => "a CNAME cannot be at the zone apex (it would hide the SOA and NS records)",
    hint: "use A/AAAA records referencing the server",
  },
  {
    refuses: (_ctx, record) => record.type === "CNAME" && record.values.length > 1,
    field: "values",
    message: (_ctx, record) => `a CNAME has exactly one value, not ${record.values.length}`,
  },
];

/** Whether the zone may hold the record set: PTR only in reverse zones, no apex NS or CNAME, one CNAME value. */
function typeAllowed(ctx: ZoneContext, path: readonly PathSegment[], record: RecordInput, owner: string): boolean {
  const refused = TYPE_RULES.find((rule) => rule.refuses(ctx, record, owner));
  if (refused) ctx.report([...path, refused.field], refused.message(ctx, record), refused.hint);
  return refused === undefined;
}

/** Each value checked, none repeated; `valid` is false when one was refused. */
function checkValues(
  ctx: ZoneContext,
  path: readonly PathSegment[],
  record: RecordInput,
  owner: { name: string; fqdn: string },
): { values: RecordValue[]; targets: CheckedSet["targets"]; valid: boolean } {
  const values: RecordValue[] = [];
  const seen = new Map<string, number>();
  const targets: CheckedSet["targets"] = [];
  let valid = true;
  record.values.forEach((raw, valueIndex) => {
    const vc: ValueContext = { ctx, path: [...path, "values", valueIndex], owner, count: record.values.length };
    const checked = checkValue(vc, record.type, raw);
    if (!checked.ok) {
      valid = false;
      return;
    }
    const previous = seen.get(checked.key);
    if (previous !== undefined) {
      ctx.report(vc.path, `value repeated (same as values[${previous}])`, "remove one");
      valid = false;
      return;
    }
    seen.set(checked.key, valueIndex);
    values.push(checked.value);
    if (checked.target) targets.push({ ...checked.target, valueIndex });
  });
  return { values, targets, valid };
}

/** A CNAME alone at its name; returns the CNAMEs that are not (reported). */
function checkCnamesAlone(
  ctx: ZoneContext,
  typesByName: ReadonlyMap<string, CheckedSet[]>,
  lineOf: LineOf,
): Set<CheckedSet> {
  const invalid = new Set<CheckedSet>();
  for (const list of typesByName.values()) {
    const cname = list.find((s) => s.spec.type === "CNAME");
    if (!cname || list.length === 1) continue;
    const other = list.find((s) => s !== cname)!;
    const line = lineOf(other.index);
    const article = /^[AEIOU]/.test(other.spec.type) ? "an" : "a";
    const where = line !== undefined ? `line ${line}` : `records[${other.index}]`;
    ctx.report(
      [...ctx.path, "records", cname.index],
      `CNAME "${cname.spec.name}" cannot share its name with ${article} ${other.spec.type} record (${where})`,
      "a CNAME must be alone at its name: remove one of them",
    );
    invalid.add(cname);
  }
  return invalid;
}

/** In-zone targets must exist (MX, SRV and NS need addresses, not a CNAME); delegated names are not checked. */
function checkTargets(
  ctx: ZoneContext,
  sets: readonly CheckedSet[],
  typesByName: ReadonlyMap<string, CheckedSet[]>,
): void {
  const zoneSuffix = `.${ctx.zone}.`;
  const delegated = sets.filter((s) => s.spec.type === "NS").map((s) => s.spec.fqdn);
  const exists = (fqdn: string): CheckedSet[] => {
    const exact = typesByName.get(fqdn);
    if (exact) return exact;
    const wildcard = `*.${fqdn.slice(fqdn.indexOf(".") + 1)}`;
    return typesByName.get(wildcard) ?? [];
  };
  for (const set of sets) {
    for (const target of set.targets) {
      if (!(target.fqdn === `${ctx.zone}.` || target.fqdn.endsWith(zoneSuffix))) continue;
      if (delegated.some((d) => target.fqdn === d || target.fqdn.endsWith(`.${d}`))) continue;
      const found = exists(target.fqdn);
      const path = [...ctx.path, "records", set.index, "values", target.valueIndex];
      if (target.needs === "any") {
        if (found.length === 0) {
          ctx.report(
            path,
            `CNAME target ${target.fqdn} has no record in this zone`,
            "add it, or point to an existing name",
          );
        }
        continue;
      }
      if (found.some((s) => s.spec.type === "CNAME")) {
        ctx.report(
          path,
          `${set.spec.type} target ${target.fqdn} is a CNAME`,
          `${set.spec.type} must point to a name with A/AAAA records (RFC 2181)`,
        );
      } else if (!found.some((s) => s.spec.type === "A" || s.spec.type === "AAAA")) {
        ctx.report(
          path,
          `${set.spec.type} target ${target.fqdn} has no A or AAAA record in this zone`,
          "add one (e.g. values: [mail-1.ipv4]) or fix the name",
        );
      }
    }
  }
}
