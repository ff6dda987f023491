/**
 * Servers attached to networks (`hcloud_server_network`, a server's
 * `networks` on create): the next free address of a cloud subnet in the
 * server's network zone or the one asked for, alias IPs, and the server
 * actions attach_to_network, detach_from_network and change_alias_ips.
 * Kept in the `server_networks` collection (network-state.ts).
 */
import { ApiError, type Sim, idParam, invalidInput, mustGet, ok } from "../core";
import { parseCidr } from "../../primitives/ip";
import {
  parseIPv4,
  formatIPv4,
  type Range4,
  range4,
  contains,
  requireRange4,
  requireIPv4,
  formatRange,
  type NetworkRecord,
  type Attachment,
  networksOf,
  attachmentsOf,
  gatewayOf,
  usedAddresses,
} from "./network-state";

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
      throw invalidInput(
        "ip_range",
        `subnet ${subnet.ip_range} is a ${subnet.type} subnet in ${subnet.network_zone}; ` +
          `the server needs a cloud subnet in ${zone ?? "its zone"}`,
      );
    }
  }
  if (usable.length === 0) {
    throw new ApiError(
      422,
      "no_subnet_available",
      `network ${n.id} has no cloud subnet in the server's network zone${zone ? ` ${zone}` : ""}`,
    );
  }
  const used = usedAddresses(sim, n.id);
  let ip: number;
  if (req.ip !== undefined && req.ip !== null) {
    ip = takeAddress(n, candidates, used, req.ip, "ip");
  } else {
    const free = candidates.map((r) => nextFree(n, r, used)).find((x) => x !== undefined);
    if (free === undefined)
      throw new ApiError(422, "no_subnet_available", `no free address left in network ${n.id} for the server`);
    ip = free;
  }
  used.add(ip);
  return { ip: formatIPv4(ip), alias_ips: checkAliases(n, usable, used, req.alias_ips) };
}

/** An address asked for: inside one of the subnets, not reserved, not taken. */
function takeAddress(
  n: NetworkRecord,
  subnets: readonly Range4[],
  used: Set<number>,
  value: unknown,
  field: string,
): number {
  const ip = requireIPv4(value, field);
  const subnet = subnets.find((r) => contains(r, ip));
  if (!subnet)
    throw invalidInput(
      field,
      `${formatIPv4(ip)} is not inside a cloud subnet of network ${n.id} in the server's network zone`,
    );
  if (reserved(n, subnet, ip))
    throw invalidInput(
      field,
      `${formatIPv4(ip)} is reserved (first or last address of the subnet, or the network's gateway)`,
    );
  if (used.has(ip))
    throw new ApiError(409, "ip_not_available", `IP ${formatIPv4(ip)} is already used in network ${n.id}`);
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
  for (
    let ip = subnet.base + 1, tries = 0;
    ip < subnet.base + subnet.size - 1 && tries <= used.size + 3;
    ip++, tries++
  ) {
    if (!reserved(n, subnet, ip) && !used.has(ip)) return ip;
  }
  return undefined;
}

function attachmentOf(sim: Sim, server: number, network: number): Attachment | undefined {
  return [...attachmentsOf(sim).values()].find((a) => a.server === server && a.network === network);
}

function storeAttachment(
  sim: Sim,
  server: number,
  network: number,
  address: { ip: string; alias_ips: string[] },
): Attachment {
  const id = sim.id();
  const a: Attachment = { id, server, network, ...address, mac_address: macAddress(id) };
  attachmentsOf(sim).set(id, a);
  return a;
}

function networkId(value: unknown): number {
  if (!Number.isInteger(value) || (value as number) <= 0)
    throw invalidInput("network", "is required (the network's ID)");
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
  return () => {
    for (const [i, n] of wanted.entries()) storeAttachment(sim, record.id, n.id, addresses[i]!);
  };
}

export function registerAttachments(sim: Sim): void {
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
      return ok(
        {
          action: sim.action(name, [
            { id: server.id, type: "server" },
            { id: n.id, type: "network" },
          ]),
        },
        201,
      );
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
