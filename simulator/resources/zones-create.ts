/**
 * POST /zones: the checks of a create request (name, mode, TTL, labels, the
 * primary nameservers of a secondary zone, the rrsets or zone file of a
 * primary one) and the new zone with Hetzner's SOA and NS rrsets.
 *
 * Imports: node, ../core, ./zones, ./zones-records, ./zones-zonefile.
 */
import { isIP } from "node:net";
import { type Sim, checkLabels, checkUniqueName, invalidInput } from "../core";
import {
  HETZNER_NAMESERVERS,
  type NewRRSet,
  type PrimaryNameserver,
  type RRSet,
  type Zone,
  checkCnameRule,
  nextSerial,
  putRRSet,
  zoneCollection,
} from "./zones";
import { checkNewRRSet, checkTtl, checkZoneName } from "./zones-records";
import { importZonefile } from "./zones-zonefile";

/** The SOA record of a new primary zone: Hetzner's primary server, its contact, and the timers of its example zone file. */
const SOA_TEMPLATE = (serial: number): string =>
  `hydrogen.ns.hetzner.com. dns.hetzner.com. ${serial} 86400 10800 3600000 3600`;

/** TSIG algorithms the API accepts for primary nameservers (hcloud-go's ZoneTSIGAlgorithm values). */
const TSIG_ALGORITHMS = ["hmac-md5", "hmac-sha1", "hmac-sha256"] as const;

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

/** Checks a create request, then stores the zone, its SOA and NS rrsets and those the request gives. */
export function createZone(sim: Sim, body: Record<string, any>): Zone {
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
    const set: NewRRSet = checkNewRRSet(raw, zone.name, at);
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
