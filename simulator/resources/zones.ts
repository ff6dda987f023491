/**
 * DNS zones on the Cloud API (`/zones`), as Hetzner runs them since DNS moved
 * into the Cloud API: primary zones hold rrsets managed through the API,
 * secondary zones are transferred from the customer's primary nameservers.
 *
 * What Hetzner does and this module does too (facts from the Cloud API
 * reference and hcloud-go's schema/zone.go; no code taken):
 * - `GET/PUT/DELETE /zones/{id_or_name}` take the zone's id or its name.
 * - Creating a primary zone creates its SOA record (`@/SOA`, serial in the
 *   `YYYYMMDDnn` convention, raised on every change of the zone) and three NS
 *   records (`@/NS`) with the assigned Hetzner nameservers; both have no TTL
 *   of their own (the zone's default applies). The provider imports an SOA
 *   rrset instead of creating it and reads its serial as 0, so a plan stays
 *   empty while the serial moves.
 * - Secondary zones need `primary_nameservers` (address, port 53 by default,
 *   optional TSIG algorithm and key, both answered back as sent); primary
 *   zones refuse them. The mode never changes.
 * - Names are unique (`uniqueness_error`); delete protection refuses a delete
 *   (`protected`); operations for the other mode answer 422
 *   `incorrect_zone_mode`.
 *
 * State: zones in `sim.collection("zones")` (API shape, `record_count`
 * computed when answering); each zone's rrsets in
 * `sim.collection("zone_rrsets")`, one `Map<"name/TYPE", RRSet>` per zone id.
 *
 * This file holds the zones' state and the rules across rrsets; the create
 * request is checked in zones-create.ts, the routes are in zones-routes.ts.
 *
 * Imports: ../core, ./zones-records.
 */
import { type Sim, ApiError, invalidInput, notFound } from "../core";
import type { RRSetType, ZoneRecord } from "./zones-records";

/** The nameservers Hetzner assigns to every zone (its authoritative servers). */
export const HETZNER_NAMESERVERS = [
  "hydrogen.ns.hetzner.com.",
  "oxygen.ns.hetzner.com.",
  "helium.ns.hetzner.de.",
] as const;

export interface PrimaryNameserver {
  address: string;
  port: number;
  tsig_algorithm?: string;
  tsig_key?: string;
}

/** A zone as the API answers it (record_count is filled in when answering). */
export interface Zone {
  id: number;
  name: string;
  created: string;
  ttl: number;
  mode: "primary" | "secondary";
  primary_nameservers: PrimaryNameserver[];
  protection: { delete: boolean };
  labels: Record<string, string>;
  authoritative_nameservers: {
    assigned: string[];
    delegated: string[];
    delegation_last_check: string | null;
    delegation_status: string;
  };
  registrar: string;
  status: string;
  record_count: number;
}

/** An rrset as the API answers it; `id` is `name/TYPE`, `zone` the zone's id. */
export interface RRSet {
  id: string;
  name: string;
  type: RRSetType;
  ttl: number | null;
  labels: Record<string, string>;
  protection: { change: boolean };
  records: ZoneRecord[];
  zone: number;
}

/** An rrset to put into a zone: what a create request, a zone file or Hetzner's defaults give. */
export interface NewRRSet {
  name: string;
  type: RRSetType;
  ttl: number | null;
  labels?: Record<string, string>;
  records: ZoneRecord[];
}

export const zoneCollection = (sim: Sim): Map<number, Zone> => sim.collection<Zone>("zones");

/** The rrsets of a zone, keyed `name/TYPE` (created empty on first use). */
export function rrsetsOf(sim: Sim, zoneId: number): Map<string, RRSet> {
  const all = sim.collection<Map<string, RRSet>>("zone_rrsets");
  let sets = all.get(zoneId);
  if (!sets) {
    sets = new Map();
    all.set(zoneId, sets);
  }
  return sets;
}

/** The zone with this id or name, or `not_found` (a zone's name stands for its id in every path). */
export function findZone(sim: Sim, idOrName: string): Zone {
  const zones = zoneCollection(sim);
  const zone = /^\d+$/.test(idOrName)
    ? zones.get(Number(idOrName))
    : [...zones.values()].find((z) => z.name === idOrName);
  if (!zone) throw notFound("zone", idOrName);
  return zone;
}

/** Refuses an operation that the zone's mode does not support (422 `incorrect_zone_mode`). */
export function requireMode(zone: Zone, mode: Zone["mode"]): void {
  if (zone.mode !== mode) {
    throw new ApiError(
      422,
      "incorrect_zone_mode",
      `This operation is not supported for this Zone's mode (zone ${zone.name} is ${zone.mode}).`,
    );
  }
}

export const zoneResource = (zone: Zone): { id: number; type: string }[] => [{ id: zone.id, type: "zone" }];

/** The zone's JSON as the API answers it. */
export function zoneView(sim: Sim, zone: Zone): Zone {
  const count = [...rrsetsOf(sim, zone.id).values()].reduce((n, s) => n + s.records.length, 0);
  const copy: Zone = structuredClone(zone);
  copy.record_count = zone.mode === "primary" ? count : 0;
  return sim.view("zone", zone, copy);
}

/** The rrset's JSON as the API answers it. */
export function rrsetView(sim: Sim, rrset: RRSet): RRSet {
  return sim.view("zone_rrset", rrset, structuredClone(rrset));
}

/** The next SOA serial after `current`, in Hetzner's `YYYYMMDDnn` convention. */
export function nextSerial(current: number, now = new Date()): number {
  const today = Number(now.toISOString().slice(0, 10).replace(/-/g, "")) * 100;
  return current >= today ? current + 1 : today + 1;
}

/**
 * Raises the SOA serial of a primary zone after a change, as Hetzner does
 * (the SOA value is otherwise kept as it is).
 */
export function touchZone(sim: Sim, zone: Zone): void {
  const soa = rrsetsOf(sim, zone.id).get("@/SOA");
  const record = soa?.records[0];
  if (!record) return;
  const fields = record.value.split(" ");
  if (fields.length < 3) return;
  fields[2] = String(nextSerial(Number(fields[2]) || 0));
  record.value = fields.join(" ");
}

/**
 * Puts an rrset into a zone (replacing one of the same name and type), with
 * Hetzner's checks that hold across rrsets: a CNAME has one record and
 * nothing else may share its name.
 */
export function putRRSet(sim: Sim, zone: Zone, set: NewRRSet, field = "records"): RRSet {
  const sets = rrsetsOf(sim, zone.id);
  checkCnameRule(sets, set, field);
  const key = `${set.name}/${set.type}`;
  const existing = sets.get(key);
  const rrset: RRSet = {
    id: key,
    name: set.name,
    type: set.type,
    ttl: set.ttl,
    labels: set.labels ?? existing?.labels ?? {},
    protection: existing?.protection ?? { change: false },
    records: set.records,
    zone: zone.id,
  };
  sets.set(key, rrset);
  return rrset;
}

/** Refuses a CNAME with more than one record, or a CNAME beside any other type at the same name. */
export function checkCnameRule(
  sets: Map<string, RRSet>,
  set: { name: string; type: RRSetType; records: ZoneRecord[] },
  field = "records",
): void {
  if (set.type === "CNAME" && set.records.length > 1) {
    throw invalidInput(field, `a CNAME rrset holds exactly one record (got ${set.records.length})`);
  }
  for (const other of sets.values()) {
    if (other.name !== set.name || other.type === set.type) continue;
    if (set.type === "CNAME" || other.type === "CNAME") {
      const where = set.name === "@" ? "the zone apex" : `"${set.name}"`;
      throw invalidInput(
        "type",
        `a CNAME record cannot coexist with other records: ${where} already has a ${other.type} rrset`,
      );
    }
  }
}
