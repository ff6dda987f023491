/**
 * The simulated API for DNS: zones and their rrsets on the Cloud API.
 * zones.ts holds the zones (and the state both share), zones-rrsets.ts the
 * rrsets, zones-records.ts Hetzner's checks, zones-zonefile.ts zone files.
 */
import type { Sim } from "../core";
import { registerZoneRRSets } from "./zones-rrsets";
import { registerZones } from "./zones-routes";

export function registerDns(sim: Sim): void {
  registerZones(sim);
  registerZoneRRSets(sim);
}
