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
import { ApiError, type Sim, checkLabels, checkUniqueName, invalidInput, ok, requireString } from "../core";
import { type ResourceNames, resourceRoutes, updateNameAndLabels } from "../crud";
import { parseCidr } from "../../primitives/ip";
import {
  parseIPv4,
  formatIPv4,
  type Range4,
  range4,
  contains,
  overlaps,
  within,
  isPrivate,
  PUBLIC_GATEWAY,
  requireRange4,
  requireIPv4,
  formatRange,
  type Subnet,
  type Route,
  type NetworkRecord,
  NETWORK_ZONES,
  SUBNET_TYPES,
  networksOf,
  attachmentsOf,
  gatewayOf,
  networkView,
  optionalBool,
} from "./network-state";
import { registerAttachments } from "./server-networks";
export { prepareServerNetworks } from "./server-networks";

// ---------------------------------------------------------------- subnets and routes

/** The network's range and what is already in it, for checking a new subnet or route. */
export type Draft = Pick<NetworkRecord, "ip_range" | "subnets" | "routes">;

/**
 * A new subnet checked against the network as Hetzner checks it; without
 * `ip_range`, the first free /24 of the network (or the whole range of a /24).
 */
export function checkSubnet(sim: Sim, n: Draft, body: Record<string, any>, field: string): Subnet {
  const type = body.type;
  if (!SUBNET_TYPES.includes(type)) throw invalidInput(`${field}.type`, `must be one of ${SUBNET_TYPES.join(", ")}`);
  const zone = body.network_zone;
  if (typeof zone !== "string" || !NETWORK_ZONES.includes(zone)) {
    throw invalidInput(`${field}.network_zone`, `must be one of ${NETWORK_ZONES.join(", ")}`);
  }
  const network = range4(parseCidr(n.ip_range)!);
  const taken = [...n.subnets.map((s) => s.ip_range), ...n.routes.map((r) => r.destination)].map((s) =>
    range4(parseCidr(s)!),
  );
  let ipRange: Range4;
  if (body.ip_range === undefined || body.ip_range === null || body.ip_range === "") {
    const free = firstFreeRange(network, Math.max(24, network.prefix), taken);
    if (!free) throw invalidInput(`${field}.ip_range`, `no free /24 left in the network's range ${n.ip_range}`);
    ipRange = free;
  } else {
    ipRange = requireRange4(body.ip_range, `${field}.ip_range`);
    if (!within(ipRange, network))
      throw invalidInput(`${field}.ip_range`, `must lie inside the network's range ${n.ip_range}`);
    if (ipRange.prefix > 30) throw invalidInput(`${field}.ip_range`, "must be at least a /30");
    const clash = taken.find((t) => overlaps(t, ipRange));
    if (clash) throw invalidInput(`${field}.ip_range`, `overlaps ${formatRange(clash)} of the network`);
  }
  const subnet: Subnet = {
    type,
    ip_range: formatRange(ipRange),
    network_zone: zone,
    gateway: formatIPv4(gatewayOf(n)),
  };
  if (type === "vswitch") {
    const vswitch = body.vswitch_id;
    if (!Number.isInteger(vswitch) || vswitch <= 0)
      throw invalidInput(`${field}.vswitch_id`, "is required for a vswitch subnet");
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
export function firstFreeRange(outer: Range4, prefix: number, taken: readonly Range4[]): Range4 | undefined {
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
export function checkRoute(n: Draft, body: Record<string, any>, field: string): Route {
  const destination = requireRange4(body.destination, `${field}.destination`);
  if (!isPrivate(destination) && destination.prefix !== 0) {
    throw invalidInput(`${field}.destination`, "must lie inside a private range of RFC 1918 (or be 0.0.0.0/0)");
  }
  const network = range4(parseCidr(n.ip_range)!);
  const networkGateway = gatewayOf(n);
  // The default route (0.0.0.0/0, to a NAT server say) covers everything by design; only one may exist.
  const isDefault = destination.prefix === 0;
  for (const s of n.subnets) {
    if (!isDefault && overlaps(destination, range4(parseCidr(s.ip_range)!)))
      throw invalidInput(`${field}.destination`, `overlaps subnet ${s.ip_range}`);
  }
  for (const r of n.routes) {
    const other = range4(parseCidr(r.destination)!);
    if ((isDefault || other.prefix === 0) && destination.prefix !== other.prefix) continue;
    if (overlaps(destination, other))
      throw invalidInput(`${field}.destination`, `overlaps the destination of route ${r.destination}`);
  }
  if (!isDefault && (contains(destination, networkGateway) || contains(destination, PUBLIC_GATEWAY))) {
    throw invalidInput(
      `${field}.destination`,
      `must not contain the network's gateway ${formatIPv4(networkGateway)} or 172.31.1.1`,
    );
  }
  const gateway = requireIPv4(body.gateway, `${field}.gateway`);
  if (!contains(network, gateway))
    throw invalidInput(`${field}.gateway`, `must lie inside the network's range ${n.ip_range}`);
  if (gateway === networkGateway || gateway === PUBLIC_GATEWAY) {
    throw invalidInput(
      `${field}.gateway`,
      `must not be the network's gateway ${formatIPv4(networkGateway)} or 172.31.1.1`,
    );
  }
  const behindVswitch = n.subnets.find(
    (s) => s.type === "vswitch" && contains(range4(parseCidr(s.ip_range)!), gateway),
  );
  if (behindVswitch)
    throw invalidInput(`${field}.gateway`, `must not lie behind a vSwitch (subnet ${behindVswitch.ip_range})`);
  return { destination: formatRange(destination), gateway: formatIPv4(gateway) };
}

// ---------------------------------------------------------------- networks

function createNetwork(sim: Sim, body: Record<string, any>): NetworkRecord {
  const networks = networksOf(sim);
  const name = requireString(body, "name");
  checkUniqueName(networks, name, "network");
  const range = requireRange4(body.ip_range, "ip_range");
  if (!isPrivate(range))
    throw invalidInput(
      "ip_range",
      "must lie inside a private range of RFC 1918 (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16)",
    );
  if (range.prefix > 24) throw invalidInput("ip_range", "must be at least a /24");
  const labels = checkLabels(body.labels);
  const draft: Draft = { ip_range: formatRange(range), subnets: [], routes: [] };
  for (const [i, s] of listField(body, "subnets").entries())
    draft.subnets.push(checkSubnet(sim, draft, s, `subnets[${i}]`));
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
  if (!Array.isArray(v) || v.some((x) => typeof x !== "object" || x === null))
    throw invalidInput(field, "must be a list of objects");
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
      throw new ApiError(
        503,
        "service_error",
        `servers are attached to subnet ${formatRange(range)} ` +
          `(${attached.map((a) => a.server).join(", ")}); detach them first`,
      );
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
      throw invalidInput(
        "ip_range",
        `can only grow: keep ${formatIPv4(current.base)} and use a prefix shorter than /${current.prefix}`,
      );
    }
    if (!isPrivate(wanted)) throw invalidInput("ip_range", "must lie inside a private range of RFC 1918");
    n.ip_range = formatRange(wanted);
  },
  change_protection: (_sim, n, body) => {
    const del = optionalBool(body, "delete");
    if (del !== undefined) n.protection.delete = del;
  },
};

const NAMES: ResourceNames = { plural: "networks", singular: "network", what: "network" };

export function registerNetworks(sim: Sim): void {
  const networks = networksOf(sim);
  const view = (n: NetworkRecord) => networkView(sim, n);
  // Hetzner detaches the network's servers on delete.
  const detach = (n: NetworkRecord) => {
    for (const a of [...attachmentsOf(sim).values()]) if (a.network === n.id) attachmentsOf(sim).delete(a.id);
  };
  const get = resourceRoutes(sim, networks, { ...NAMES, view, beforeDelete: detach });

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
  for (const [command, apply] of Object.entries(NETWORK_ACTIONS)) {
    sim.route("cloud", "POST", `/networks/:id/actions/${command}`, (req) => {
      const n = get(req);
      apply(sim, n, req.body);
      return ok({ action: sim.action(command, [{ id: n.id, type: "network" }]) }, 201);
    });
  }

  registerAttachments(sim);
}
