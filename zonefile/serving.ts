/**
 * Who serves a zone, which the description does not say explicitly: the
 * apex NS records, the SOA's MNAME and RNAME and timers, and (for zones in
 * secondary mode) the secondaries the hidden primary lets transfer the zone
 * and sends NOTIFY to. Derived here from the zone's mode and the secondaries
 * the description names (config `dns_secondaries`, referenced by
 * `zones[].primary.secondaries`). See docs/dns.md, "Who serves a zone".
 */
import type { ZoneSpec } from "../description";
import { isDocumentationRange, parseAddress, parseCidr } from "../primitives/ip";

/** Name servers that serve our zones as secondaries, transferring them from the hidden primary. */
export interface SecondaryServers {
  /** Short name, used in the ids of the generated server configuration: `hetzner`. */
  readonly name: string;
  /** Their host names (absolute, final dot): the apex NS records of the zones they serve. */
  readonly nameservers: readonly string[];
  /**
   * Addresses they transfer from (AXFR/IXFR): the only ones the hidden primary lets transfer, with the zone's TSIG key.
   */
  readonly transferSources: readonly string[];
  /** Addresses that receive a NOTIFY when a zone changes (signed with the zone's TSIG key). */
  readonly notify: readonly string[];
}

/**
 * Hetzner's authoritative name servers: the apex NS of the zones Hetzner
 * serves in primary mode (in secondary mode, the NS are the secondaries'
 * name servers from the description). Check them against the zone's
 * `authoritative_nameservers.assigned` (Hetzner Console, zone, "Nameserver")
 * once the zone exists.
 */
export const HETZNER_NAMESERVERS: readonly string[] = [
  "hydrogen.ns.hetzner.com.",
  "oxygen.ns.hetzner.com.",
  "helium.ns.hetzner.de.",
];

/** The secondaries a zone in secondary mode names in the description. */
export function secondariesOf(zone: ZoneSpec): SecondaryServers[] {
  return (zone.primary?.secondaries ?? []).map((s) => ({
    name: s.name,
    nameservers: s.nameservers,
    transferSources: s.transfer_sources,
    notify: s.notify,
  }));
}

/** SOA timers, in seconds. */
export interface SoaTimers {
  /** How often secondaries check the serial when no NOTIFY arrives. */
  readonly refresh: number;
  /** How soon they retry after a failed check. */
  readonly retry: number;
  /**
   * How long they keep serving without reaching the primary. Shorter than the signatures' remaining validity (see
   * knot.ts).
   */
  readonly expire: number;
  /** Negative caching TTL (RFC 2308). */
  readonly minimum: number;
}

export const SOA_TIMERS: SoaTimers = { refresh: 3600, retry: 900, expire: 1209600, minimum: 300 };

/** How one zone is served. */
export interface ZoneServing {
  /** SOA MNAME, absolute. */
  readonly mname: string;
  /** SOA RNAME (the mailbox, `.` for `@`), absolute. */
  readonly rname: string;
  /** The apex NS records, absolute. */
  readonly nameservers: readonly string[];
  readonly timers: SoaTimers;
  /** Secondary mode: the servers that transfer the zone from the hidden primary. Empty in primary mode. */
  readonly secondaries: readonly SecondaryServers[];
  /** One line for the file's header. */
  readonly description: string;
}

/**
 * The name in the zone that holds the hidden primary's address (an A or AAAA
 * record set referencing the server), preferring the server's own name;
 * undefined when there is none.
 */
export function primaryHostName(zone: ZoneSpec): string | undefined {
  const server = zone.primary?.server;
  if (server === undefined) return undefined;
  const holding = zone.records.filter(
    (r) => (r.type === "A" || r.type === "AAAA") && r.values.some((v) => v.kind === "address" && v.server === server),
  );
  const own = holding.find((r) => r.name === server);
  return (own ?? holding[0])?.fqdn;
}

/**
 * Defaults, as documented: Hetzner's name servers as the apex NS in both
 * modes (Hetzner serves the zone either way); MNAME the hidden primary's name
 * in the zone (secondary mode) or Hetzner's first name server (primary mode,
 * as Hetzner's own SOA); RNAME hostmaster.<zone> (RFC 2142).
 */
export function servingOf(zone: ZoneSpec, secondaries: readonly SecondaryServers[] = secondariesOf(zone)): ZoneServing {
  const rname = `hostmaster.${zone.name}.`;
  if (zone.mode === "secondary") {
    const nameservers = uniq(secondaries.flatMap((s) => s.nameservers));
    const mname = primaryHostName(zone) ?? nameservers[0];
    if (mname === undefined) {
      throw new Error(`zone ${zone.name} is in secondary mode but has no secondary name servers to name in its SOA`);
    }
    return {
      mname,
      rname,
      nameservers,
      timers: SOA_TIMERS,
      secondaries,
      description:
        `secondary mode: served by ${secondaries.map((s) => s.name).join(", ")} ` +
        `(${nameservers.join(" ")}), transferred from the hidden primary ${zone.primary?.server ?? "?"}`,
    };
  }
  return {
    mname: HETZNER_NAMESERVERS[0]!, // a table of three
    rname,
    nameservers: HETZNER_NAMESERVERS,
    timers: SOA_TIMERS,
    secondaries: [],
    description:
      "primary mode: served by Hetzner from its API (this file is a copy, e.g. for a self-run server after a disaster)",
  };
}

/** Whether an address is a documentation (placeholder) address. */
export function isPlaceholderAddress(address: string): boolean {
  const parsed = parseAddress(address);
  if (!parsed) return false;
  const cidr = parseCidr(`${address}/${parsed.family === "ipv4" ? 32 : 128}`);
  return cidr !== undefined && isDocumentationRange(cidr);
}

function uniq(items: readonly string[]): string[] {
  return [...new Set(items)];
}
