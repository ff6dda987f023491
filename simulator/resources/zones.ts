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
 * Imports: node, ../core, ./zones-records, ./zones-zonefile.
 */
import { isIP } from "node:net";
import {
  type Sim,
  type SimRequest,
  ApiError,
  checkLabels,
  checkUniqueName,
  filterList,
  invalidInput,
  notFound,
  ok,
  paginate,
  protectedError,
  type Action,
} from "../core";
import {
  type RRSetType,
  type ZoneRecord,
  checkRRSetName,
  checkRRSetType,
  checkRecords,
  checkTtl,
  checkZoneName,
} from "./zones-records";
import { parseZonefile, renderZonefile } from "./zones-zonefile";

/** The nameservers Hetzner assigns to every zone (its authoritative servers). */
export const HETZNER_NAMESERVERS = [
  "hydrogen.ns.hetzner.com.",
  "oxygen.ns.hetzner.com.",
  "helium.ns.hetzner.de.",
] as const;

/** The SOA record of a new primary zone: Hetzner's primary server, its contact, and the timers of its example zone file. */
const SOA_TEMPLATE = (serial: number): string =>
  `hydrogen.ns.hetzner.com. dns.hetzner.com. ${serial} 86400 10800 3600000 3600`;

/** TSIG algorithms the API accepts for primary nameservers (hcloud-go's ZoneTSIGAlgorithm values). */
const TSIG_ALGORITHMS = ["hmac-md5", "hmac-sha1", "hmac-sha256"] as const;

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

/** The SOA and NS rrsets Hetzner creates in a new primary zone. */
function defaultRRSets(): NewRRSet[] {
  return [
    { name: "@", type: "SOA", ttl: null, records: [{ value: SOA_TEMPLATE(nextSerial(0)), comment: "" }] },
    { name: "@", type: "NS", ttl: null, records: HETZNER_NAMESERVERS.map((value) => ({ value, comment: "" })) },
  ];
}

/** Checks primary nameservers of a secondary zone; the port defaults to 53. */
export function checkPrimaryNameservers(list: unknown, field = "primary_nameservers"): PrimaryNameserver[] {
  if (!Array.isArray(list) || list.length === 0)
    throw invalidInput(field, "a secondary zone needs at least one primary nameserver");
  return list.map((item: unknown, i) => {
    const at = `${field}[${i}]`;
    if (typeof item !== "object" || item === null)
      throw invalidInput(at, "must be an object with address, port, tsig_algorithm, tsig_key");
    const { address, port, tsig_algorithm: algorithm, tsig_key: key } = item as Record<string, unknown>;
    if (typeof address !== "string" || isIP(address) === 0)
      throw invalidInput(`${at}.address`, `must be an IPv4 or IPv6 address, got ${JSON.stringify(address)}`);
    if (
      port !== undefined &&
      port !== null &&
      (typeof port !== "number" || !Number.isInteger(port) || port < 1 || port > 65535)
    ) {
      throw invalidInput(`${at}.port`, `must be a port from 1 to 65535, got ${JSON.stringify(port)}`);
    }
    const ns: PrimaryNameserver = { address, port: typeof port === "number" ? port : 53 };
    const hasAlgorithm = algorithm !== undefined && algorithm !== null && algorithm !== "";
    const hasKey = key !== undefined && key !== null && key !== "";
    if (hasAlgorithm !== hasKey)
      throw invalidInput(
        `${at}.${hasKey ? "tsig_algorithm" : "tsig_key"}`,
        "a TSIG key and its algorithm are given together",
      );
    if (hasAlgorithm) {
      if (typeof algorithm !== "string" || !(TSIG_ALGORITHMS as readonly string[]).includes(algorithm)) {
        throw invalidInput(
          `${at}.tsig_algorithm`,
          `must be one of ${TSIG_ALGORITHMS.join(", ")}, got ${JSON.stringify(algorithm)}`,
        );
      }
      if (typeof key !== "string" || !/^[A-Za-z0-9+/]+={0,2}$/.test(key))
        throw invalidInput(`${at}.tsig_key`, "must be a base64 TSIG secret");
      ns.tsig_algorithm = algorithm;
      ns.tsig_key = key;
    }
    return ns;
  });
}

/** Replaces every rrset of a primary zone by those of a zone file (`$TTL` becomes the zone's TTL). */
function importZonefile(sim: Sim, zone: Zone, text: unknown, field = "zonefile"): void {
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

function createZone(sim: Sim, body: Record<string, any>): Zone {
  const name = checkZoneName(body.name);
  const mode = body.mode ?? "primary";
  if (mode !== "primary" && mode !== "secondary")
    throw invalidInput("mode", `must be primary or secondary, got ${JSON.stringify(mode)}`);
  const ttl = body.ttl === undefined || body.ttl === null ? 3600 : checkTtl(body.ttl, "ttl", false);
  const labels = checkLabels(body.labels);
  let primaryNameservers: PrimaryNameserver[] = [];
  if (mode === "secondary") {
    primaryNameservers = checkPrimaryNameservers(body.primary_nameservers);
    if (body.rrsets !== undefined || body.zonefile !== undefined)
      throw invalidInput("mode", "rrsets and zone files are only applicable for zones in primary mode");
  } else if (Array.isArray(body.primary_nameservers) && body.primary_nameservers.length > 0) {
    throw invalidInput("primary_nameservers", "only applicable for zones in secondary mode");
  }
  if (body.rrsets !== undefined && body.zonefile !== undefined)
    throw invalidInput("zonefile", "give either rrsets or a zone file, not both");
  checkUniqueName(zoneCollection(sim), name, "zone");
  const zone: Zone = {
    id: sim.id(),
    name,
    created: sim.now(),
    ttl,
    mode,
    primary_nameservers: primaryNameservers,
    protection: { delete: false },
    labels,
    authoritative_nameservers: {
      assigned: [...HETZNER_NAMESERVERS],
      delegated: [],
      delegation_last_check: null,
      delegation_status: "unknown",
    },
    registrar: "unknown",
    status: "ok",
    record_count: 0,
  };
  const initial = mode === "primary" ? initialRRSets(zone, body) : [];
  sim.created("zone", zone, body);
  zoneCollection(sim).set(zone.id, zone);
  for (const set of initial) putRRSet(sim, zone, set, "rrsets");
  if (mode === "primary" && body.zonefile !== undefined) importZonefile(sim, zone, body.zonefile);
  return zone;
}

/** Hetzner's SOA and NS rrsets plus those of the create request (checked before anything is stored). */
function initialRRSets(zone: Zone, body: Record<string, any>): NewRRSet[] {
  const sets = defaultRRSets();
  if (body.rrsets === undefined) return sets;
  if (!Array.isArray(body.rrsets)) throw invalidInput("rrsets", "must be an array of rrsets");
  const scratch = new Map<string, RRSet>();
  const all = [...sets];
  body.rrsets.forEach((raw: any, i: number) => {
    const at = `rrsets[${i}]`;
    const type = checkRRSetType(raw?.type, `${at}.type`);
    const set: NewRRSet = {
      name: checkRRSetName(raw?.name, zone.name, `${at}.name`),
      type,
      ttl: checkTtl(raw?.ttl, `${at}.ttl`, true),
      labels: checkLabels(raw?.labels),
      records: checkRecords(type, raw?.records, `${at}.records`),
    };
    const key = `${set.name}/${set.type}`;
    if (all.some((s) => `${s.name}/${s.type}` === key)) throw invalidInput(at, `the rrset ${key} is given twice`);
    for (const s of all)
      scratch.set(`${s.name}/${s.type}`, {
        ...s,
        id: `${s.name}/${s.type}`,
        labels: {},
        protection: { change: false },
        zone: zone.id,
      });
    checkCnameRule(scratch, set, `${at}.records`);
    all.push(set);
  });
  return all;
}

/** An action on the zone that completes at its next read. */
const zoneAction = (sim: Sim, command: string, zone: Zone): Action => sim.action(command, zoneResource(zone));

export function registerZones(sim: Sim): void {
  const zones = zoneCollection(sim);
  const zoneOf = (req: SimRequest): Zone => findZone(sim, req.params.zone ?? "");

  sim.route("cloud", "GET", "/zones", (req) => {
    const mode = req.query.get("mode");
    const list = filterList(zones.values(), req.query).filter((z) => mode === null || z.mode === mode);
    return paginate(
      "zones",
      list.map((z) => zoneView(sim, z)),
      req.query,
    );
  });

  sim.route("cloud", "POST", "/zones", (req) => {
    const zone = createZone(sim, req.body);
    return ok({ zone: zoneView(sim, zone), action: zoneAction(sim, "create_zone", zone) }, 201);
  });

  sim.route("cloud", "GET", "/zones/:zone", (req) => ok({ zone: zoneView(sim, zoneOf(req)) }));

  sim.route("cloud", "PUT", "/zones/:zone", (req) => {
    const zone = zoneOf(req);
    if (req.body.labels !== undefined && req.body.labels !== null) zone.labels = checkLabels(req.body.labels);
    return ok({ zone: zoneView(sim, zone) });
  });

  sim.route("cloud", "DELETE", "/zones/:zone", (req) => {
    const zone = zoneOf(req);
    if (zone.protection.delete) throw protectedError("zone", zone.id);
    zones.delete(zone.id);
    sim.collection("zone_rrsets").delete(zone.id);
    sim.deleted("zone", zone.id);
    return ok({ action: zoneAction(sim, "delete_zone", zone) });
  });

  sim.route("cloud", "GET", "/zones/:zone/zonefile", (req) => {
    const zone = zoneOf(req);
    requireMode(zone, "primary");
    return ok({ zonefile: renderZonefile(zone, [...rrsetsOf(sim, zone.id).values()]) });
  });

  sim.route("cloud", "GET", "/zones/:zone/actions", (req) => {
    const zone = zoneOf(req);
    const ids = [...sim.actions.values()]
      .filter((a) => a.resources.some((r) => r.type === "zone" && r.id === zone.id))
      .map((a) => a.id);
    const list = ids.map((id) => sim.readAction(id)).filter((a): a is Action => a !== undefined);
    return paginate("actions", list, req.query);
  });

  sim.route("cloud", "GET", "/zones/:zone/actions/:action", (req) => {
    const zone = zoneOf(req);
    const raw = req.params.action ?? "";
    const found = /^\d+$/.test(raw) ? sim.actions.get(Number(raw)) : undefined;
    if (!found?.resources.some((r) => r.type === "zone" && r.id === zone.id)) throw notFound("action", raw);
    return ok({ action: sim.readAction(found.id) });
  });

  sim.route("cloud", "POST", "/zones/:zone/actions/change_protection", (req) => {
    const zone = zoneOf(req);
    const value = req.body.delete;
    if (value !== undefined && typeof value !== "boolean") throw invalidInput("delete", "must be a boolean");
    if (typeof value === "boolean") zone.protection.delete = value;
    return ok({ action: zoneAction(sim, "change_protection", zone) });
  });

  sim.route("cloud", "POST", "/zones/:zone/actions/change_ttl", (req) => {
    const zone = zoneOf(req);
    zone.ttl = checkTtl(req.body.ttl, "ttl", false);
    touchZone(sim, zone);
    return ok({ action: zoneAction(sim, "change_ttl", zone) });
  });

  sim.route("cloud", "POST", "/zones/:zone/actions/change_primary_nameservers", (req) => {
    const zone = zoneOf(req);
    requireMode(zone, "secondary");
    zone.primary_nameservers = checkPrimaryNameservers(req.body.primary_nameservers);
    return ok({ action: zoneAction(sim, "change_primary_nameservers", zone) });
  });

  sim.route("cloud", "POST", "/zones/:zone/actions/import_zonefile", (req) => {
    const zone = zoneOf(req);
    requireMode(zone, "primary");
    importZonefile(sim, zone, req.body.zonefile);
    return ok({ action: zoneAction(sim, "import_zonefile", zone) });
  });

  // Listing every zone action (GET /zones/actions) is answered from the shared store.
  sim.route("cloud", "GET", "/zones/actions", (req) => {
    const list = [...sim.actions.values()]
      .filter((a) => a.resources.some((r) => r.type === "zone"))
      .map((a) => sim.readAction(a.id))
      .filter((a): a is Action => a !== undefined);
    return paginate("actions", list, req.query);
  });
}
