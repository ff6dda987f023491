/**
 * Every DNS record set of an environment, for the rules: from the record set
 * resources (`hcloud_zone_rrset`, `hcloud_zone_record`) of its primary zones,
 * and from the description for its secondary zones, whose records are
 * rendered into the hidden primary's zone file and are not resources. By
 * zone and by absolute name, with CNAMEs followed.
 */
import type { NetworkSpec } from "../description";
import { isExpression, listOf, normaliseName } from "./blocks";
import type { RecordSetModel, ResourceEntry, ZoneModel } from "./environment-model";

/** What the index reads of the environment model. */
export interface DnsSources {
  ofType(type: string): readonly ResourceEntry[];
  target(value: unknown, stackName: string): { entry: ResourceEntry; attribute: string } | undefined;
  canonical(value: unknown, stackName: string): string;
  addressOf(serverName: string, family: "ipv4" | "ipv6"): string | undefined;
}

/** A name relative to its zone ("@" for the apex), or undefined for an expression. */
function relativeName(name: unknown, zone: string): string | undefined {
  if (typeof name !== "string" || isExpression(name)) return undefined;
  const n = name.trim().toLowerCase();
  if (n === "@" || n === "" || normaliseName(n) === zone) return "@";
  if (n.endsWith(".") && normaliseName(n).endsWith(`.${zone}`)) return normaliseName(n).slice(0, -zone.length - 1);
  return n;
}

function fqdnOf(name: string, zone: string): string {
  return name === "@" ? zone : `${name}.${zone}`;
}

export class DnsIndex {
  /** The environment's zones by ASCII name, lower case, without the final dot. */
  readonly zones = new Map<string, ZoneModel>();
  /** Record sets by "<fqdn> <type>", across every zone. */
  private readonly records = new Map<string, RecordSetModel[]>();

  constructor(
    private readonly sources: DnsSources,
    spec: NetworkSpec,
  ) {
    for (const zone of sources.ofType("hcloud_zone")) {
      if (typeof zone.body.name === "string" && !isExpression(zone.body.name)) this.zone(zone.body.name).entry = zone;
    }
    this.indexRrsets();
    this.indexRecords();
    this.indexSecondaryZones(spec);
  }

  private zone(name: string): ZoneModel {
    const key = normaliseName(name);
    let zone = this.zones.get(key);
    if (!zone) {
      zone = { name: key, sets: new Map() };
      this.zones.set(key, zone);
    }
    return zone;
  }

  private addRecordSet(set: RecordSetModel): void {
    const zone = this.zone(set.zone);
    const key = `${set.name} ${set.type}`;
    const inZone = zone.sets.get(key);
    if (inZone) inZone.push(set);
    else zone.sets.set(key, [set]);
    const global = `${set.fqdn} ${set.type}`;
    const list = this.records.get(global);
    if (list) list.push(set);
    else this.records.set(global, [set]);
  }

  /** The zone a record set resource belongs to (by reference or by name). */
  private zoneNameOf(entry: ResourceEntry): string | undefined {
    const value = entry.body.zone;
    const target = this.sources.target(value, entry.stackName);
    if (target?.entry.type === "hcloud_zone") {
      return typeof target.entry.body.name === "string" ? normaliseName(target.entry.body.name) : undefined;
    }
    return typeof value === "string" && !isExpression(value) ? normaliseName(value) : undefined;
  }

  private indexRrsets(): void {
    for (const rrset of this.sources.ofType("hcloud_zone_rrset")) {
      const zone = this.zoneNameOf(rrset);
      const name = zone === undefined ? undefined : relativeName(rrset.body.name, zone);
      if (zone === undefined || name === undefined || typeof rrset.body.type !== "string") continue;
      const values = listOf(rrset.body.records)
        .map((r) => (r as { value?: unknown })?.value)
        .filter((v): v is string => typeof v === "string");
      this.addRecordSet({
        zone,
        name,
        fqdn: fqdnOf(name, zone),
        type: rrset.body.type.toUpperCase(),
        ttl: typeof rrset.body.ttl === "number" ? rrset.body.ttl : undefined,
        values,
        canonical: values.map((v) => this.sources.canonical(v, rrset.stackName)),
        source: rrset.address,
        entry: rrset,
      });
    }
  }

  private indexRecords(): void {
    for (const record of this.sources.ofType("hcloud_zone_record")) {
      const zone = this.zoneNameOf(record);
      const name = zone === undefined ? undefined : relativeName(record.body.name, zone);
      const { type, value } = record.body;
      if (zone === undefined || name === undefined || typeof type !== "string" || typeof value !== "string") continue;
      this.addRecordSet({
        zone,
        name,
        fqdn: fqdnOf(name, zone),
        type: type.toUpperCase(),
        values: [value],
        canonical: [this.sources.canonical(value, record.stackName)],
        source: record.address,
        entry: record,
      });
    }
  }

  /** Secondary zones: the records are rendered into the hidden primary's zone file, not created at Hetzner. */
  private indexSecondaryZones(spec: NetworkSpec): void {
    spec.zones.forEach((z, zi) => {
      if (z.mode !== "secondary") return;
      const zone = normaliseName(z.name);
      this.zone(zone);
      z.records.forEach((rs, ri) => {
        const values: string[] = [];
        const canonical: string[] = [];
        for (const v of rs.values) {
          if (v.kind === "text") {
            values.push(v.text);
            canonical.push(`lit:${v.text}`);
          } else {
            values.push(`${v.server}.${v.family}`);
            canonical.push(this.sources.addressOf(v.server, v.family) ?? `ref:${v.server}.${v.family}`);
          }
        }
        const name = rs.name === "@" ? "@" : rs.name.toLowerCase();
        const source = `config zones[${zi}].records[${ri}]`;
        const fqdn = fqdnOf(name, zone);
        this.addRecordSet({ zone, name, fqdn, type: rs.type, ttl: rs.ttl, values, canonical, source });
      });
    });
  }

  /** The zone of the environment holding a name (the longest matching zone), or undefined. */
  zoneHolding(fqdn: string): ZoneModel | undefined {
    const labels = normaliseName(fqdn).split(".");
    for (let i = 0; i < labels.length; i++) {
      const zone = this.zones.get(labels.slice(i).join("."));
      if (zone) return zone;
    }
    return undefined;
  }

  /** The record sets of one absolute name and type, across the environment's zones. */
  recordSets(fqdn: string, type: string): readonly RecordSetModel[] {
    return this.records.get(`${normaliseName(fqdn)} ${type}`) ?? [];
  }

  /**
   * Follows CNAMEs (at most 8) from a name and returns the record sets of
   * `type` found at the end, with the names visited.
   */
  lookup(fqdn: string, type: string): { sets: RecordSetModel[]; names: string[] } {
    const names: string[] = [];
    let name = normaliseName(fqdn);
    for (let hop = 0; hop < 8 && !names.includes(name); hop++) {
      names.push(name);
      const sets = this.recordSets(name, type);
      if (sets.length > 0) return { sets: [...sets], names };
      const cname = this.recordSets(name, "CNAME")[0];
      const target = cname?.values[0];
      if (cname === undefined || target === undefined || isExpression(target)) break;
      name =
        target === "@"
          ? cname.zone
          : target.endsWith(".")
            ? normaliseName(target)
            : `${normaliseName(target)}.${cname.zone}`;
    }
    return { sets: [], names };
  }
}
