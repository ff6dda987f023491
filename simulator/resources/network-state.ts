/**
 * What the networks module keeps and how it reads addresses: IPv4 blocks as
 * numbers (parsed by primitives/ip.ts), the records of networks, subnets,
 * routes and server attachments, and their views. Shared by networks.ts
 * (networks, subnets, routes) and server-networks.ts (servers attached).
 */
import { type Sim, invalidInput } from "../core";
import { type Cidr, formatAddress, parseCidr, parseIpv4, RFC1918 } from "../../primitives/ip";

// ---------------------------------------------------------------- addresses

/** An IPv4 address as a number (primitives/ip.ts parses it), or undefined when it is not one. */
export function parseIPv4(s: string): number | undefined {
  const value = parseIpv4(s);
  return value === undefined ? undefined : Number(value);
}

export function formatIPv4(n: number): string {
  return formatAddress("ipv4", BigInt(n));
}

/** An IPv4 prefix as first address and size (numbers: IPv4 fits a double exactly). */
export interface Range4 {
  readonly base: number;
  readonly prefix: number;
  readonly size: number;
}

export function range4(c: Cidr): Range4 {
  // Only IPv4 blocks reach here (requireRange4 and the stored ranges, which it checked).
  return { base: Number(c.base), prefix: c.prefix, size: 2 ** (32 - c.prefix) };
}

export const contains = (r: Range4, ip: number): boolean => ip >= r.base && ip < r.base + r.size;
export const overlaps = (a: Range4, b: Range4): boolean => a.base < b.base + b.size && b.base < a.base + a.size;
export const within = (inner: Range4, outer: Range4): boolean =>
  contains(outer, inner.base) && inner.base + inner.size <= outer.base + outer.size;

/** RFC 1918's private ranges: a network, subnet or route destination must lie inside one. */
export const PRIVATE_RANGES: readonly Range4[] = RFC1918.map(range4);
export const isPrivate = (r: Range4): boolean => PRIVATE_RANGES.some((p) => within(r, p));

/** The gateway of the servers' public interface; Hetzner keeps it out of every network. */
export const PUBLIC_GATEWAY = parseIPv4("172.31.1.1")!;

/** An IPv4 prefix of a request field, exact (no host bits set), or `invalid_input`. */
export function requireRange4(value: unknown, field: string): Range4 {
  const c = typeof value === "string" ? parseCidr(value) : undefined;
  if (c?.family !== "ipv4") throw invalidInput(field, "is not a valid IPv4 CIDR");
  if (c.hostBitsSet) throw invalidInput(field, `${String(value)} has host bits set; use ${formatRange(range4(c))}`);
  return range4(c);
}

export function requireIPv4(value: unknown, field: string): number {
  const ip = typeof value === "string" ? parseIPv4(value) : undefined;
  if (ip === undefined) throw invalidInput(field, "is not a valid IPv4 address");
  return ip;
}

export const formatRange = (r: Range4): string => `${formatIPv4(r.base)}/${r.prefix}`;

// ---------------------------------------------------------------- records

export type SubnetType = "cloud" | "server" | "vswitch";

export interface Subnet {
  type: SubnetType;
  ip_range: string;
  network_zone: string;
  gateway: string;
  vswitch_id?: number;
}

export interface Route {
  destination: string;
  gateway: string;
}

/** A network as stored: the API's shape without `servers` and `load_balancers`, which are computed. */
export interface NetworkRecord {
  id: number;
  name: string;
  created: string;
  ip_range: string;
  subnets: Subnet[];
  routes: Route[];
  labels: Record<string, string>;
  protection: { delete: boolean };
  expose_routes_to_vswitch: boolean;
}

/** One server's attachment to one network. */
export interface Attachment {
  id: number;
  server: number;
  network: number;
  ip: string;
  alias_ips: string[];
  mac_address: string;
}

/** Network zones Hetzner has locations in. */
export const NETWORK_ZONES: readonly string[] = ["eu-central", "us-east", "us-west", "ap-southeast"];
export const SUBNET_TYPES: readonly SubnetType[] = ["cloud", "server", "vswitch"];

export const networksOf = (sim: Sim): Map<number, NetworkRecord> => sim.collection<NetworkRecord>("networks");
export const attachmentsOf = (sim: Sim): Map<number, Attachment> => sim.collection<Attachment>("server_networks");

/** The network's gateway: the first address after its range's start, the `gateway` of every subnet. */
export const gatewayOf = (n: Pick<NetworkRecord, "ip_range">): number => range4(parseCidr(n.ip_range)!).base + 1;

export function networkView(sim: Sim, n: NetworkRecord): unknown {
  const servers = [...attachmentsOf(sim).values()].filter((a) => a.network === n.id).map((a) => a.server);
  return sim.view("network", n, {
    id: n.id,
    name: n.name,
    created: n.created,
    ip_range: n.ip_range,
    subnets: n.subnets.map((s) => ({ ...s })),
    routes: n.routes.map((r) => ({ ...r })),
    servers: servers.sort((a, b) => a - b),
    load_balancers: [],
    protection: { ...n.protection },
    labels: { ...n.labels },
    expose_routes_to_vswitch: n.expose_routes_to_vswitch,
  });
}

export function optionalBool(body: Record<string, any>, field: string): boolean | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "boolean") throw invalidInput(field, "must be a boolean");
  return v;
}

/** Whether an address is taken in the network: a server's address or alias. */
export function usedAddresses(sim: Sim, network: number, except?: number): Set<number> {
  const used = new Set<number>();
  for (const a of attachmentsOf(sim).values()) {
    if (a.network !== network || a.id === except) continue;
    for (const ip of [a.ip, ...a.alias_ips]) used.add(parseIPv4(ip)!);
  }
  return used;
}
