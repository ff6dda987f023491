/**
 * Networks, their subnets and routes, and servers attached to them.
 *
 * Why: `hcloud_network`, `hcloud_network_subnet`, `hcloud_network_route` and
 * `hcloud_server_network` must apply against the simulated cloud as they do
 * against Hetzner, with Hetzner's checks: a network's range is RFC 1918 and at
 * least a /24; subnets lie inside it, are at least a /30 and overlap nothing;
 * routes point into the network but not at its gateway (its first address,
 * which is also every subnet's `gateway`); a range only ever grows; a subnet
 * with attached servers cannot be deleted, while deleting a network detaches
 * its servers. Servers get the next free address of the subnet in their
 * network zone, or the one asked for if it is free.
 *
 * The servers themselves belong to the compute module (`servers` collection);
 * this module keeps the attachments in its own collection (`server_networks`)
 * and adds `private_net` to a server's view through {@link Sim.extendView}.
 *
 * Imports: ../core, ../crud and primitives/ip.ts (addresses and blocks).
 * Entry point: {@link registerNetworks}.
 */
import {
  ApiError,
  type Sim,
  type SimRequest,
  checkLabels,
  checkUniqueName,
  idParam,
  invalidInput,
  mustGet,
  notFound,
  ok,
  paginate,
  requireString,
} from "../core";
import { type ResourceNames, deleteRoute, readRoutes, updateNameAndLabels } from "../crud";
import { type Cidr, formatAddress, parseCidr, parseIpv4, RFC1918 } from "../../primitives/ip";

// ---------------------------------------------------------------- addresses

/** An IPv4 address as a number (primitives/ip.ts parses it), or undefined when it is not one. */
function parseIPv4(s: string): number | undefined {
  const value = parseIpv4(s);
  return value === undefined ? undefined : Number(value);
}

function formatIPv4(n: number): string {
  return formatAddress("ipv4", BigInt(n));
}

/** An IPv4 prefix as first address and size (numbers: IPv4 fits a double exactly). */
interface Range4 {
  readonly base: number;
  readonly prefix: number;
  readonly size: number;
}

function range4(c: Cidr): Range4 {
  // Only IPv4 blocks reach here (requireRange4 and the stored ranges, which it checked).
  return { base: Number(c.base), prefix: c.prefix, size: 2 ** (32 - c.prefix) };
}

const contains = (r: Range4, ip: number): boolean => ip >= r.base && ip < r.base + r.size;
const overlaps = (a: Range4, b: Range4): boolean => a.base < b.base + b.size && b.base < a.base + a.size;
const within = (inner: Range4, outer: Range4): boolean => contains(outer, inner.base) && inner.base + inner.size <= outer.base + outer.size;

/** RFC 1918's private ranges: a network, subnet or route destination must lie inside one. */
const PRIVATE_RANGES: readonly Range4[] = RFC1918.map(range4);
const isPrivate = (r: Range4): boolean => PRIVATE_RANGES.some((p) => within(r, p));

/** The gateway of the servers' public interface; Hetzner keeps it out of every network. */
const PUBLIC_GATEWAY = parseIPv4("172.31.1.1")!;

/** An IPv4 prefix of a request field, exact (no host bits set), or `invalid_input`. */
function requireRange4(value: unknown, field: string): Range4 {
  const c = typeof value === "string" ? parseCidr(value) : undefined;
  if (!c || c.family !== "ipv4") throw invalidInput(field, "is not a valid IPv4 CIDR");
  if (c.hostBitsSet) throw invalidInput(field, `${String(value)} has host bits set; use ${formatRange(range4(c))}`);
  return range4(c);
}

function requireIPv4(value: unknown, field: string): number {
  const ip = typeof value === "string" ? parseIPv4(value) : undefined;
  if (ip === undefined) throw invalidInput(field, "is not a valid IPv4 address");
  return ip;
}

const formatRange = (r: Range4): string => `${formatIPv4(r.base)}/${r.prefix}`;

// ---------------------------------------------------------------- records

export type SubnetType = "cloud" | "server" | "vswitch";

interface Subnet {
  type: SubnetType;
  ip_range: string;
  network_zone: string;
  gateway: string;
  vswitch_id?: number;
}

interface Route {
  destination: string;
  gateway: string;
}

/** A network as stored: the API's shape without `servers` and `load_balancers`, which are computed. */
interface NetworkRecord {
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
interface Attachment {
  id: number;
  server: number;
  network: number;
  ip: string;
  alias_ips: string[];
  mac_address: string;
}

/** Network zones Hetzner has locations in. */
const NETWORK_ZONES: readonly string[] = ["eu-central", "us-east", "us-west", "ap-southeast"];
const SUBNET_TYPES: readonly SubnetType[] = ["cloud", "server", "vswitch"];

const networksOf = (sim: Sim): Map<number, NetworkRecord> => sim.collection<NetworkRecord>("networks");
const attachmentsOf = (sim: Sim): Map<number, Attachment> => sim.collection<Attachment>("server_networks");

/** The network's gateway: the first address after its range's start, the `gateway` of every subnet. */
const gatewayOf = (n: Pick<NetworkRecord, "ip_range">): number => range4(parseCidr(n.ip_range)!).base + 1;

function networkView(sim: Sim, n: NetworkRecord): unknown {
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

function optionalBool(body: Record<string, any>, field: string): boolean | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "boolean") throw invalidInput(field, "must be a boolean");
  return v;
}

/** Whether an address is taken in the network: a server's address or alias. */
function usedAddresses(sim: Sim, network: number, except?: number): Set<number> {
  const used = new Set<number>();
  for (const a of attachmentsOf(sim).values()) {
    if (a.network !== network || a.id === except) continue;
    for (const ip of [a.ip, ...a.alias_ips]) used.add(parseIPv4(ip)!);
  }
  return used;
}

// ---------------------------------------------------------------- subnets and routes

/** The network's range and what is already in it, for checking a new subnet or route. */
type Draft = Pick<NetworkRecord, "ip_range" | "subnets" | "routes">;

/**
 * A new subnet checked against the network as Hetzner checks it; without
 * `ip_range`, the first free /24 of the network (or the whole range of a /24).
 */
function checkSubnet(sim: Sim, n: Draft, body: Record<string, any>, field: string): Subnet {
  const type = body.type;
  if (!SUBNET_TYPES.includes(type)) throw invalidInput(`${field}.type`, `must be one of ${SUBNET_TYPES.join(", ")}`);
  const zone = body.network_zone;
  if (typeof zone !== "string" || !NETWORK_ZONES.includes(zone)) {
    throw invalidInput(`${field}.network_zone`, `must be one of ${NETWORK_ZONES.join(", ")}`);
  }
  const network = range4(parseCidr(n.ip_range)!);
  const taken = [...n.subnets.map((s) => s.ip_range), ...n.routes.map((r) => r.destination)].map((s) => range4(parseCidr(s)!));
  let ipRange: Range4;
  if (body.ip_range === undefined || body.ip_range === null || body.ip_range === "") {
    const free = firstFreeRange(network, Math.max(24, network.prefix), taken);
    if (!free) throw invalidInput(`${field}.ip_range`, `no free /24 left in the network's range ${n.ip_range}`);
    ipRange = free;
  } else {
    ipRange = requireRange4(body.ip_range, `${field}.ip_range`);
    if (!within(ipRange, network)) throw invalidInput(`${field}.ip_range`, `must lie inside the network's range ${n.ip_range}`);
    if (ipRange.prefix > 30) throw invalidInput(`${field}.ip_range`, "must be at least a /30");
    const clash = taken.find((t) => overlaps(t, ipRange));
    if (clash) throw invalidInput(`${field}.ip_range`, `overlaps ${formatRange(clash)} of the network`);
  }
  const subnet: Subnet = { type, ip_range: formatRange(ipRange), network_zone: zone, gateway: formatIPv4(gatewayOf(n)) };
  if (type === "vswitch") {
    const vswitch = body.vswitch_id;
    if (!Number.isInteger(vswitch) || vswitch <= 0) throw invalidInput(`${field}.vswitch_id`, "is required for a vswitch subnet");
    for (const other of networksOf(sim).values()) {
      if (other.subnets.some((s) => s.vswitch_id === vswitch)) {
        throw new ApiError(409, "vswitch_id_already_used", `vSwitch ${vswitch} is already used by network ${other.id}`);
      }
    }
    if (n.subnets.some((s) => s.vswitch_id === vswitch)) {
      throw new ApiError(409, "vswitch_id_already_used", `vSwitch ${vswitch} is already used by this network`);
    }
    subnet.vswitch_id = vswitch;
  } else if (body.vswitch_id !== undefined && body.vswitch_id !== null && body.vswitch_id !== 0) {
    throw invalidInput(`${field}.vswitch_id`, "is only allowed for a vswitch subnet");
  }
  return subnet;
}

/** The first range of the given length inside `outer` that overlaps none of `taken`. */
function firstFreeRange(outer: Range4, prefix: number, taken: readonly Range4[]): Range4 | undefined {
  const size = 2 ** (32 - prefix);
  let base = outer.base;
  // Each clash moves the candidate past that taken range for good, so this ends after taken.length + 1 steps.
  for (let step = 0; step <= taken.length && base + size <= outer.base + outer.size; step++) {
    const candidate = { base, prefix, size };
    const clash = taken.find((t) => overlaps(t, candidate));
    if (!clash) return candidate;
    base = Math.ceil((clash.base + clash.size) / size) * size;
  }
  return undefined;
}

/** A new route checked as Hetzner checks it. */
function checkRoute(n: Draft, body: Record<string, any>, field: string): Route {
  const destination = requireRange4(body.destination, `${field}.destination`);
  if (!isPrivate(destination) && destination.prefix !== 0) {
    throw invalidInput(`${field}.destination`, "must lie inside a private range of RFC 1918 (or be 0.0.0.0/0)");
  }
  const network = range4(parseCidr(n.ip_range)!);
  const networkGateway = gatewayOf(n);
  // The default route (0.0.0.0/0, to a NAT server say) covers everything by design; only one may exist.
  const isDefault = destination.prefix === 0;
  for (const s of n.subnets) {
    if (!isDefault && overlaps(destination, range4(parseCidr(s.ip_range)!))) throw invalidInput(`${field}.destination`, `overlaps subnet ${s.ip_range}`);
  }
  for (const r of n.routes) {
    const other = range4(parseCidr(r.destination)!);
    if ((isDefault || other.prefix === 0) && destination.prefix !== other.prefix) continue;
    if (overlaps(destination, other)) throw invalidInput(`${field}.destination`, `overlaps the destination of route ${r.destination}`);
  }
  if (!isDefault && (contains(destination, networkGateway) || contains(destination, PUBLIC_GATEWAY))) {
    throw invalidInput(`${field}.destination`, `must not contain the network's gateway ${formatIPv4(networkGateway)} or 172.31.1.1`);
  }
  const gateway = requireIPv4(body.gateway, `${field}.gateway`);
  if (!contains(network, gateway)) throw invalidInput(`${field}.gateway`, `must lie inside the network's range ${n.ip_range}`);
  if (gateway === networkGateway || gateway === PUBLIC_GATEWAY) {
    throw invalidInput(`${field}.gateway`, `must not be the network's gateway ${formatIPv4(networkGateway)} or 172.31.1.1`);
  }
  const behindVswitch = n.subnets.find((s) => s.type === "vswitch" && contains(range4(parseCidr(s.ip_range)!), gateway));
  if (behindVswitch) throw invalidInput(`${field}.gateway`, `must not lie behind a vSwitch (subnet ${behindVswitch.ip_range})`);
  return { destination: formatRange(destination), gateway: formatIPv4(gateway) };
}

// ---------------------------------------------------------------- server attachments

/** The network zone of a server record (its location's), when the compute module gives one. */
function serverZone(server: any): string | undefined {
  const zone = server?.location?.network_zone ?? server?.datacenter?.location?.network_zone;
  return typeof zone === "string" ? zone : undefined;
}

/** A MAC address that is stable per attachment, in Hetzner's locally administered 86:00:00 block. */
function macAddress(id: number): string {
  return ["86", "00", "00", ...[16, 8, 0].map((s) => ((id >> s) & 255).toString(16).padStart(2, "0"))].join(":");
}

/** Addresses no server may take in a subnet: its first and last, and the network's gateway. */
function reserved(n: NetworkRecord, subnet: Range4, ip: number): boolean {
  return ip === subnet.base || ip === subnet.base + subnet.size - 1 || ip === gatewayOf(n);
}

/** What an attachment request asks for, before any address is taken. */
interface AttachRequest {
  readonly ip?: unknown;
  readonly ip_range?: unknown;
  readonly alias_ips?: unknown;
}

/**
 * The address (and aliases) a server gets in a network, checked as Hetzner
 * checks them: the subnet must be a cloud (or server) subnet of the server's
 * network zone; without `ip`, the next free address of the given subnet or
 * else of the last subnet by range; a taken address is `ip_not_available`.
 */
function allocate(sim: Sim, server: any, n: NetworkRecord, req: AttachRequest): { ip: string; alias_ips: string[] } {
  const zone = serverZone(server);
  const usable = n.subnets
    .filter((s) => s.type !== "vswitch" && (zone === undefined || s.network_zone === zone))
    .map((s) => range4(parseCidr(s.ip_range)!))
    .sort((a, b) => b.base - a.base);
  let candidates = usable;
  if (req.ip_range !== undefined && req.ip_range !== null) {
    const wanted = requireRange4(req.ip_range, "ip_range");
    const subnet = n.subnets.find((s) => s.ip_range === formatRange(wanted));
    if (!subnet) throw invalidInput("ip_range", `network ${n.id} has no subnet ${formatRange(wanted)}`);
    candidates = usable.filter((r) => r.base === wanted.base && r.prefix === wanted.prefix);
    if (candidates.length === 0) {
      throw invalidInput("ip_range", `subnet ${subnet.ip_range} is a ${subnet.type} subnet in ${subnet.network_zone}; the server needs a cloud subnet in ${zone ?? "its zone"}`);
    }
  }
  if (usable.length === 0) {
    throw new ApiError(422, "no_subnet_available", `network ${n.id} has no cloud subnet in the server's network zone${zone ? ` ${zone}` : ""}`);
  }
  const used = usedAddresses(sim, n.id);
  let ip: number;
  if (req.ip !== undefined && req.ip !== null) {
    ip = takeAddress(n, candidates, used, req.ip, "ip");
  } else {
    const free = candidates.map((r) => nextFree(n, r, used)).find((x) => x !== undefined);
    if (free === undefined) throw new ApiError(422, "no_subnet_available", `no free address left in network ${n.id} for the server`);
    ip = free;
  }
  used.add(ip);
  return { ip: formatIPv4(ip), alias_ips: checkAliases(n, usable, used, req.alias_ips) };
}

/** An address asked for: inside one of the subnets, not reserved, not taken. */
function takeAddress(n: NetworkRecord, subnets: readonly Range4[], used: Set<number>, value: unknown, field: string): number {
  const ip = requireIPv4(value, field);
  const subnet = subnets.find((r) => contains(r, ip));
  if (!subnet) throw invalidInput(field, `${formatIPv4(ip)} is not inside a cloud subnet of network ${n.id} in the server's network zone`);
  if (reserved(n, subnet, ip)) throw invalidInput(field, `${formatIPv4(ip)} is reserved (first or last address of the subnet, or the network's gateway)`);
  if (used.has(ip)) throw new ApiError(409, "ip_not_available", `IP ${formatIPv4(ip)} is already used in network ${n.id}`);
  return ip;
}

function checkAliases(n: NetworkRecord, subnets: readonly Range4[], used: Set<number>, value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalidInput("alias_ips", "must be a list of IPv4 addresses");
  return value.map((v) => {
    const ip = takeAddress(n, subnets, used, v, "alias_ips");
    used.add(ip);
    return formatIPv4(ip);
  });
}

function nextFree(n: NetworkRecord, subnet: Range4, used: Set<number>): number | undefined {
  // Every address tried before the free one is reserved or used, so this ends after used.size + 4 tries.
  for (let ip = subnet.base + 1, tries = 0; ip < subnet.base + subnet.size - 1 && tries <= used.size + 3; ip++, tries++) {
    if (!reserved(n, subnet, ip) && !used.has(ip)) return ip;
  }
  return undefined;
}

function attachmentOf(sim: Sim, server: number, network: number): Attachment | undefined {
  return [...attachmentsOf(sim).values()].find((a) => a.server === server && a.network === network);
}

function storeAttachment(sim: Sim, server: number, network: number, address: { ip: string; alias_ips: string[] }): Attachment {
  const id = sim.id();
  const a: Attachment = { id, server, network, ...address, mac_address: macAddress(id) };
  attachmentsOf(sim).set(id, a);
  return a;
}

function networkId(value: unknown): number {
  if (!Number.isInteger(value) || (value as number) <= 0) throw invalidInput("network", "is required (the network's ID)");
  return value as number;
}

/** The attachment of the server to the network, or `not_found`. */
function requireAttachment(sim: Sim, server: number, network: number): Attachment {
  const a = attachmentOf(sim, server, network);
  if (!a) throw new ApiError(404, "not_found", `server ${server} is not attached to network ${network}`);
  return a;
}

/**
 * The `networks` of a server's create request, checked: each network exists
 * and has a free address for the server. Returns what attaches the server to
 * them (the next free address of its zone's subnet), to run once every part
 * of the request has been checked.
 */
export function prepareServerNetworks(sim: Sim, record: any, body: Record<string, any>): () => void {
  const ids = body.networks;
  if (ids === undefined || ids === null) return () => {};
  if (!Array.isArray(ids)) throw invalidInput("networks", "must be a list of network IDs");
  const wanted = [...new Set(ids.map((id) => networkId(id)))].map((id) => mustGet(networksOf(sim), id, "network"));
  const addresses = wanted.map((n) => allocate(sim, record, n, {}));
  return () => wanted.forEach((n, i) => storeAttachment(sim, record.id, n.id, addresses[i]!));
}

function registerAttachments(sim: Sim): void {
  const servers = () => sim.collection("servers");
  const networks = networksOf(sim);

  /**
   * A server action on one of its networks (`POST /servers/:id/actions/<name>`, the body's `network`): `run`
   * changes the attachment or refuses; the answer is an action of that name on the server and the network.
   */
  const action = (name: string, run: (server: any, n: NetworkRecord, body: Record<string, any>) => void): void => {
    sim.route("cloud", "POST", `/servers/:id/actions/${name}`, (req) => {
      const server = mustGet(servers(), idParam(req, "server"), "server");
      const n = mustGet(networks, networkId(req.body.network), "network");
      run(server, n, req.body);
      return ok({ action: sim.action(name, [{ id: server.id, type: "server" }, { id: n.id, type: "network" }]) }, 201);
    });
  };

  action("attach_to_network", (server, n, body) => {
    if (attachmentOf(sim, server.id, n.id)) {
      throw new ApiError(409, "server_already_attached", `server ${server.id} is already attached to network ${n.id}`);
    }
    storeAttachment(sim, server.id, n.id, allocate(sim, server, n, body));
  });

  action("detach_from_network", (server, n) => {
    attachmentsOf(sim).delete(requireAttachment(sim, server.id, n.id).id);
  });

  action("change_alias_ips", (server, n, body) => {
    const a = requireAttachment(sim, server.id, n.id);
    if (!Array.isArray(body.alias_ips)) {
      throw invalidInput("alias_ips", "is required (a list, empty to remove every alias)");
    }
    const zone = serverZone(server);
    const usable = n.subnets
      .filter((s) => s.type !== "vswitch" && (zone === undefined || s.network_zone === zone))
      .map((s) => range4(parseCidr(s.ip_range)!));
    const used = usedAddresses(sim, n.id, a.id);
    used.add(parseIPv4(a.ip)!);
    a.alias_ips = checkAliases(n, usable, used, body.alias_ips);
  });

  sim.extendView("server", (record, view) => {
    view.private_net = [...attachmentsOf(sim).values()]
      .filter((a) => a.server === record.id)
      .map((a) => ({ network: a.network, ip: a.ip, alias_ips: [...a.alias_ips], mac_address: a.mac_address }));
  });

  sim.onDelete("server", (id) => {
    for (const a of [...attachmentsOf(sim).values()]) if (a.server === id) attachmentsOf(sim).delete(a.id);
  });
}

// ---------------------------------------------------------------- networks

function createNetwork(sim: Sim, body: Record<string, any>): NetworkRecord {
  const networks = networksOf(sim);
  const name = requireString(body, "name");
  checkUniqueName(networks, name, "network");
  const range = requireRange4(body.ip_range, "ip_range");
  if (!isPrivate(range)) throw invalidInput("ip_range", "must lie inside a private range of RFC 1918 (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16)");
  if (range.prefix > 24) throw invalidInput("ip_range", "must be at least a /24");
  const labels = checkLabels(body.labels);
  const draft: Draft = { ip_range: formatRange(range), subnets: [], routes: [] };
  for (const [i, s] of listField(body, "subnets").entries()) draft.subnets.push(checkSubnet(sim, draft, s, `subnets[${i}]`));
  for (const [i, r] of listField(body, "routes").entries()) draft.routes.push(checkRoute(draft, r, `routes[${i}]`));
  return {
    id: sim.id(),
    name,
    created: sim.now(),
    ...draft,
    labels,
    protection: { delete: false },
    expose_routes_to_vswitch: optionalBool(body, "expose_routes_to_vswitch") ?? false,
  };
}

function listField(body: Record<string, any>, field: string): Record<string, any>[] {
  const v = body[field];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== "object" || x === null)) throw invalidInput(field, "must be a list of objects");
  return v;
}

function updateNetwork(sim: Sim, n: NetworkRecord, body: Record<string, any>): void {
  updateNameAndLabels(networksOf(sim), n, body, "network");
  const expose = optionalBool(body, "expose_routes_to_vswitch");
  if (expose !== undefined) n.expose_routes_to_vswitch = expose;
}

/** The network actions: each changes the record or refuses, and answers one action. */
const NETWORK_ACTIONS: Record<string, (sim: Sim, n: NetworkRecord, body: Record<string, any>) => void> = {
  add_subnet: (sim, n, body) => {
    n.subnets.push(checkSubnet(sim, n, body, "subnet"));
  },
  delete_subnet: (sim, n, body) => {
    const range = requireRange4(body.ip_range, "ip_range");
    const i = n.subnets.findIndex((s) => s.ip_range === formatRange(range));
    if (i < 0) throw new ApiError(404, "not_found", `network ${n.id} has no subnet ${formatRange(range)}`);
    const attached = [...attachmentsOf(sim).values()].filter(
      (a) => a.network === n.id && [a.ip, ...a.alias_ips].some((ip) => contains(range, parseIPv4(ip)!)),
    );
    if (attached.length > 0) {
      // The provider recognises this message and retries, so its wording matters.
      throw new ApiError(503, "service_error", `servers are attached to subnet ${formatRange(range)} (${attached.map((a) => a.server).join(", ")}); detach them first`);
    }
    n.subnets.splice(i, 1);
  },
  add_route: (_sim, n, body) => {
    n.routes.push(checkRoute(n, body, "route"));
  },
  delete_route: (_sim, n, body) => {
    const destination = formatRange(requireRange4(body.destination, "destination"));
    const gateway = formatIPv4(requireIPv4(body.gateway, "gateway"));
    const i = n.routes.findIndex((r) => r.destination === destination && r.gateway === gateway);
    if (i < 0) throw new ApiError(404, "not_found", `network ${n.id} has no route to ${destination} via ${gateway}`);
    n.routes.splice(i, 1);
  },
  change_ip_range: (_sim, n, body) => {
    const wanted = requireRange4(body.ip_range, "ip_range");
    const current = range4(parseCidr(n.ip_range)!);
    if (wanted.base !== current.base || wanted.prefix >= current.prefix) {
      throw invalidInput("ip_range", `can only grow: keep ${formatIPv4(current.base)} and use a prefix shorter than /${current.prefix}`);
    }
    if (!isPrivate(wanted)) throw invalidInput("ip_range", "must lie inside a private range of RFC 1918");
    n.ip_range = formatRange(wanted);
  },
  change_protection: (_sim, n, body) => {
    const del = optionalBool(body, "delete");
    if (del !== undefined) n.protection.delete = del;
  },
};

/** The actions on one resource (`GET /<resource>/{id}/actions`), newest last, filtered by `status`. */
export function resourceActions(sim: Sim, req: SimRequest, id: number, type: string) {
  const statuses = req.query.getAll("status");
  const list = [...sim.actions.values()]
    .filter((a) => a.resources.some((r) => r.id === id && r.type === type))
    .map((a) => sim.readAction(a.id)!)
    .filter((a) => statuses.length === 0 || statuses.includes(a.status));
  return paginate("actions", list, req.query);
}

/** The action with that id, if it concerns the resource (`GET /<resource>/{id}/actions/{action_id}`). */
export function resourceAction(sim: Sim, req: SimRequest, id: number, type: string) {
  const actionId = idParam(req, "action", "action_id");
  const a = sim.actions.get(actionId);
  if (!a || !a.resources.some((r) => r.id === id && r.type === type)) throw notFound("action", actionId);
  return ok({ action: sim.readAction(actionId) });
}

const NAMES: ResourceNames = { plural: "networks", singular: "network", what: "network" };

export function registerNetworks(sim: Sim): void {
  const networks = networksOf(sim);
  const view = (n: NetworkRecord) => networkView(sim, n);
  const get = readRoutes(sim, networks, { ...NAMES, view });

  sim.route("cloud", "POST", "/networks", (req) => {
    const n = createNetwork(sim, req.body);
    networks.set(n.id, n);
    return ok({ network: view(n) }, 201);
  });
  sim.route("cloud", "PUT", "/networks/:id", (req) => {
    const n = get(req);
    updateNetwork(sim, n, req.body);
    return ok({ network: view(n) });
  });
  deleteRoute(sim, networks, NAMES, (n) => {
    // Hetzner detaches the network's servers on delete.
    for (const a of [...attachmentsOf(sim).values()]) if (a.network === n.id) attachmentsOf(sim).delete(a.id);
  });
  sim.route("cloud", "GET", "/networks/:id/actions", (req) => resourceActions(sim, req, get(req).id, "network"));
  sim.route("cloud", "GET", "/networks/:id/actions/:action_id", (req) =>
    resourceAction(sim, req, get(req).id, "network"),
  );
  for (const [command, apply] of Object.entries(NETWORK_ACTIONS)) {
    sim.route("cloud", "POST", `/networks/:id/actions/${command}`, (req) => {
      const n = get(req);
      apply(sim, n, req.body);
      return ok({ action: sim.action(command, [{ id: n.id, type: "network" }]) }, 201);
    });
  }

  registerAttachments(sim);
}
