/**
 * The rrsets of primary zones (`/zones/{id_or_name}/rrsets`): one rrset per
 * name and type, its id `name/TYPE` (the provider's import id is
 * `zone/name/TYPE`), records `{value, comment}` answered exactly as sent.
 *
 * What Hetzner does and this module does too (facts from the Cloud API
 * reference and hcloud-go's schema/zone_rrset.go; no code taken): every rrset
 * operation on a secondary zone is 422 `incorrect_zone_mode`; `ttl` null means
 * the zone's default; `add_records` creates a missing rrset and
 * `remove_records` deletes one left empty; change protection refuses record,
 * TTL and delete operations (`protected`) but not label updates (the provider
 * always ends an update with one); every change raises the zone's SOA serial.
 * The SOA and apex NS rrsets belong to Hetzner: they cannot be deleted, and
 * the assigned Hetzner nameservers stay in the apex NS rrset.
 *
 * Imports: ../core, ./zones, ./zones-records.
 */
import type { Action, Sim, SimRequest } from "../core";
import { ApiError, checkLabels, invalidInput, nameAndLabelFilter, notFound, ok, paginate } from "../core";
import {
  HETZNER_NAMESERVERS,
  type RRSet,
  type Zone,
  checkCnameRule,
  findZone,
  putRRSet,
  requireMode,
  rrsetView,
  rrsetsOf,
  touchZone,
  zoneResource,
} from "./zones";
import {
  API_RRSET_TYPES,
  type RRSetType,
  type ZoneRecord,
  checkNewRRSet,
  checkRRSetName,
  checkRRSetType,
  checkRecords,
  checkTtl,
} from "./zones-records";

/** A primary zone from the path (`:zone` is its id or name). */
function primaryZone(sim: Sim, req: SimRequest): Zone {
  const zone = findZone(sim, req.params.zone ?? "");
  requireMode(zone, "primary");
  return zone;
}

/** The rrset named in the path (`:name/:type`), or `not_found`. */
function pathRRSet(sim: Sim, zone: Zone, req: SimRequest): RRSet {
  const id = `${req.params.name ?? ""}/${req.params.type ?? ""}`;
  const set = rrsetsOf(sim, zone.id).get(id);
  if (!set) throw notFound("rrset", id);
  return set;
}

/** Refuses a change of a change-protected rrset (423 `protected`). */
function requireUnprotected(set: RRSet): void {
  if (set.protection.change) {
    throw new ApiError(
      423,
      "protected",
      `rrset ${set.id} is protected against changes; disable change protection first`,
    );
  }
}

/** Keeps Hetzner's own records: the SOA holds one record, the apex NS rrset the assigned nameservers. */
function checkManagedRecords(
  set: Pick<RRSet, "name" | "type">,
  records: readonly ZoneRecord[],
  field = "records",
): void {
  if (set.name === "@" && set.type === "SOA" && records.length !== 1)
    throw invalidInput(field, "the SOA rrset holds exactly one record");
  if (set.name === "@" && set.type === "NS") {
    const missing = HETZNER_NAMESERVERS.filter((n) => !records.some((r) => r.value === n));
    if (missing.length > 0)
      throw invalidInput(
        field,
        `the apex NS rrset must keep the assigned Hetzner nameservers (missing ${missing.join(", ")})`,
      );
  }
}

/** Sets an rrset's records; an SOA keeps Hetzner's serial (raised by the change). */
function setRecords(sim: Sim, zone: Zone, set: RRSet, records: ZoneRecord[]): void {
  checkManagedRecords(set, records);
  checkCnameRule(rrsetsOf(sim, zone.id), { name: set.name, type: set.type, records });
  if (set.type === "SOA") {
    const serial = set.records[0]?.value.split(" ")[2] ?? "0";
    const fields = records[0]!.value.trim().split(/\s+/);
    fields[2] = serial;
    records = [{ value: fields.join(" "), comment: records[0]!.comment }];
  }
  set.records = records;
  touchZone(sim, zone);
}

const rrsetAction = (sim: Sim, command: string, zone: Zone): Action => sim.action(command, zoneResource(zone));

/** The rrsets of a primary zone: list, create, read, update (labels), delete. */
function rrsetRoutes(sim: Sim): void {
  sim.route("cloud", "GET", "/zones/:zone/rrsets", (req) => {
    const zone = primaryZone(sim, req);
    const types = req.query.getAll("type");
    const matches = nameAndLabelFilter(req.query);
    const list = [...rrsetsOf(sim, zone.id).values()]
      .filter((s) => matches(s) && (types.length === 0 || types.includes(s.type)))
      .sort((a, b) =>
        a.name < b.name ? -1 : a.name > b.name ? 1 : API_RRSET_TYPES.indexOf(a.type) - API_RRSET_TYPES.indexOf(b.type),
      );
    return paginate(
      "rrsets",
      list.map((s) => rrsetView(sim, s)),
      req.query,
    );
  });

  sim.route("cloud", "POST", "/zones/:zone/rrsets", (req) => {
    const zone = primaryZone(sim, req);
    const set = checkNewRRSet(req.body, zone.name);
    const id = `${set.name}/${set.type}`;
    if (rrsetsOf(sim, zone.id).has(id)) {
      throw new ApiError(409, "uniqueness_error", `rrset ${id} already exists in zone ${zone.name}`, {
        fields: [{ name: "name", messages: ["an rrset with this name and type already exists"] }],
      });
    }
    const stored = putRRSet(sim, zone, set);
    touchZone(sim, zone);
    return ok({ rrset: rrsetView(sim, stored), action: rrsetAction(sim, "create_rrset", zone) }, 201);
  });

  sim.route("cloud", "GET", "/zones/:zone/rrsets/:name/:type", (req) => {
    const zone = primaryZone(sim, req);
    return ok({ rrset: rrsetView(sim, pathRRSet(sim, zone, req)) });
  });

  sim.route("cloud", "PUT", "/zones/:zone/rrsets/:name/:type", (req) => {
    const zone = primaryZone(sim, req);
    const set = pathRRSet(sim, zone, req);
    if (req.body.labels !== undefined && req.body.labels !== null) set.labels = checkLabels(req.body.labels);
    return ok({ rrset: rrsetView(sim, set) });
  });

  sim.route("cloud", "DELETE", "/zones/:zone/rrsets/:name/:type", (req) => {
    const zone = primaryZone(sim, req);
    const set = pathRRSet(sim, zone, req);
    if (set.name === "@" && (set.type === "SOA" || set.type === "NS")) {
      throw invalidInput("type", `the ${set.type} rrset of the zone apex is managed by Hetzner and cannot be deleted`);
    }
    requireUnprotected(set);
    rrsetsOf(sim, zone.id).delete(set.id);
    touchZone(sim, zone);
    return ok({ action: rrsetAction(sim, "delete_rrset", zone) });
  });
}

/**
 * The actions on an rrset: protection, TTL, and the changes of its records
 * (`add_records` also creates a missing rrset).
 */
function rrsetActionRoutes(sim: Sim): void {
  /** An action on an existing rrset: `/actions/<name>`, answered with an action called `command`. */
  const action = (
    name: string,
    command: string,
    run: (zone: Zone, set: RRSet, body: Record<string, any>) => void,
  ): void => {
    sim.route("cloud", "POST", `/zones/:zone/rrsets/:name/:type/actions/${name}`, (req) => {
      const zone = primaryZone(sim, req);
      run(zone, pathRRSet(sim, zone, req), req.body);
      return ok({ action: rrsetAction(sim, command, zone) });
    });
  };

  action("change_protection", "change_rrset_protection", (_zone, set, body) => {
    if (body.change !== undefined && typeof body.change !== "boolean")
      throw invalidInput("change", "must be a boolean");
    if (typeof body.change === "boolean") set.protection.change = body.change;
  });

  action("change_ttl", "change_rrset_ttl", (zone, set, body) => {
    requireUnprotected(set);
    set.ttl = checkTtl(body.ttl, "ttl", true);
    touchZone(sim, zone);
  });

  action("set_records", "set_rrset_records", (zone, set, body) => {
    requireUnprotected(set);
    setRecords(sim, zone, set, checkRecords(set.type, body.records));
  });

  action("update_records", "update_rrset_records", (zone, set, body) => {
    requireUnprotected(set);
    const updates = checkRecords(set.type, body.records);
    for (const u of updates) {
      const record = set.records.find((r) => r.value === u.value);
      if (!record) throw invalidInput("records", `the rrset ${set.id} has no record ${JSON.stringify(u.value)}`);
      record.comment = u.comment;
    }
    touchZone(sim, zone);
  });

  action("remove_records", "remove_rrset_records", (zone, set, body) => {
    requireUnprotected(set);
    const removed = new Set(checkRecords(set.type, body.records).map((r) => r.value));
    const left = set.records.filter((r) => !removed.has(r.value));
    checkManagedRecords(set, left);
    if (left.length === 0) rrsetsOf(sim, zone.id).delete(set.id);
    else set.records = left;
    touchZone(sim, zone);
  });

  // add_records also creates the rrset when it is missing, so its route does not need an existing one.
  sim.route("cloud", "POST", "/zones/:zone/rrsets/:name/:type/actions/add_records", (req) => {
    const zone = primaryZone(sim, req);
    const type: RRSetType = checkRRSetType(req.params.type, "type");
    const name = checkRRSetName(req.params.name, zone.name);
    const added = checkRecords(type, req.body.records);
    const ttl = checkTtl(req.body.ttl, "ttl", true);
    const existing = rrsetsOf(sim, zone.id).get(`${name}/${type}`);
    if (existing) {
      requireUnprotected(existing);
      const dup = added.find((a) => existing.records.some((r) => r.value === a.value));
      if (dup)
        throw invalidInput("records", `the rrset ${existing.id} already has the record ${JSON.stringify(dup.value)}`);
      setRecords(sim, zone, existing, [...existing.records, ...added]);
      if (ttl !== null) existing.ttl = ttl;
    } else {
      putRRSet(sim, zone, { name, type, ttl, records: added });
      touchZone(sim, zone);
    }
    return ok({ action: rrsetAction(sim, "add_rrset_records", zone) });
  });
}

export function registerZoneRRSets(sim: Sim): void {
  rrsetRoutes(sim);
  rrsetActionRoutes(sim);
}
