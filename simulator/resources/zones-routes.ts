/**
 * The routes of `/zones` (see zones.ts for the rules kept): the zones
 * themselves, their actions as the shared store keeps them, and the actions
 * that change a zone.
 *
 * Imports: ../core, ./zones, ./zones-create, ./zones-records, ./zones-zonefile.
 */
import {
  type Action,
  type Sim,
  type SimRequest,
  checkLabels,
  filterList,
  invalidInput,
  ok,
  paginate,
  protectedError,
} from "../core";
import { type Zone, findZone, requireMode, rrsetsOf, touchZone, zoneCollection, zoneResource, zoneView } from "./zones";
import { resourceActionRoutes } from "../resource-actions";
import { checkPrimaryNameservers, createZone } from "./zones-create";
import { checkTtl } from "./zones-records";
import { importZonefile, renderZonefile } from "./zones-zonefile";

/** The zone a path names (`:zone` is its id or name). */
type ZoneOf = (req: SimRequest) => Zone;

/** An action on the zone that completes at its next read. */
const zoneAction = (sim: Sim, command: string, zone: Zone): Action => sim.action(command, zoneResource(zone));
/** The zones: list, create, read, update (labels), delete, and the zone file of a primary zone. */
function zoneRoutes(sim: Sim, zoneOf: ZoneOf): void {
  const zones = zoneCollection(sim);
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
}

/** A zone's actions, and every zone action (`GET /zones/actions`), from the shared store of actions. */
function zoneActionRoutes(sim: Sim, zoneOf: ZoneOf): void {
  resourceActionRoutes(sim, "cloud", "/zones/:zone", "zone", (req) => zoneOf(req).id);

  // Listing every zone action (GET /zones/actions) is answered from the shared store.
  sim.route("cloud", "GET", "/zones/actions", (req) => {
    const list = [...sim.actions.values()]
      .filter((a) => a.resources.some((r) => r.type === "zone"))
      .map((a) => sim.readAction(a.id))
      .filter((a): a is Action => a !== undefined);
    return paginate("actions", list, req.query);
  });
}

/** The actions that change a zone: protection, TTL, primary nameservers (secondary), zone file (primary). */
function zoneChangeRoutes(sim: Sim, zoneOf: ZoneOf): void {
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
}

export function registerZones(sim: Sim): void {
  const zoneOf: ZoneOf = (req) => findZone(sim, req.params.zone ?? "");
  zoneRoutes(sim, zoneOf);
  zoneActionRoutes(sim, zoneOf);
  zoneChangeRoutes(sim, zoneOf);
}
