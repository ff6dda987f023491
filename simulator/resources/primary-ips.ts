/**
 * Primary IPs (`/primary_ips`), and the address helpers the floating IPs and
 * servers share: allocation from documentation ranges, the canonical text of
 * an address (Go's, which the provider compares against), and reverse DNS.
 *
 * Hetzner's rules kept here (API reference and changelog):
 * - a primary IP has a `location` (the `datacenter` property was removed in
 *   July 2026); `assignee_type` reads `unassigned` when it is not assigned
 *   (since 1 August 2026), `server` when it is;
 * - `location` and `assignee_id` are mutually exclusive on create;
 * - assigning and unassigning need the server powered off (`server_not_stopped`),
 *   a server has at most one primary IP of each type (`server_has_ipv4/6`);
 * - deleting needs the IP unassigned (`must_be_unassigned`, since 1 May 2026)
 *   and delete protection off; protection can only be enabled while
 *   `auto_delete` is false;
 * - an IPv4 primary IP is one address with a default PTR
 *   (`static.<reversed>.clients.your-server.de`); an IPv6 one is a /64 whose
 *   addresses get PTRs one by one (at most 100), none by default.
 *
 * Addresses: IPv4 from 203.0.113.0/24, then 198.18.0.0/15 (RFC 5737 and 2544:
 * never routed); IPv6 networks 2001:db8:1:N::/64 (RFC 3849), so none falls in
 * a range the project's configuration uses as an admin range.
 */
import type { Sim, SimRequest } from "../core";
import { ApiError, checkLabels, checkUniqueName, invalidInput, ok, requireString } from "../core";
import { type ResourceNames, deleteProtectionRoute, deleteRoute, readRoutes, updateNameAndLabels } from "../crud";
import { type Location, requireLocation } from "./offer";
import { requireServer, serverCollection, withServer } from "./server-links";
import type { ServerRecord } from "./servers";
import { formatAddress } from "../../primitives/ip";

// ---------------------------------------------------------------------------
// Addresses

/** The 8 groups of an IPv6 address, or undefined when `text` is not one. */
export function parseIPv6(text: string): number[] | undefined {
  let s = text;
  const tail: number[] = [];
  const dotted = s.match(/^(.*:)(\d+\.\d+\.\d+\.\d+)$/);
  if (dotted) {
    const v4 = parseIPv4(dotted[2]!);
    if (!v4) return undefined;
    tail.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
    s = dotted[1]!.endsWith("::") ? dotted[1]! : dotted[1]!.slice(0, -1);
  }
  const halves = s.split("::");
  if (halves.length > 2) return undefined;
  const part = (h: string): number[] | undefined => {
    if (h === "") return [];
    const groups = h.split(":");
    if (!groups.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
    return groups.map((g) => parseInt(g, 16));
  };
  const head = part(halves[0]!);
  const rest = halves.length === 2 ? part(halves[1]!) : [];
  if (!head || !rest) return undefined;
  const given = head.length + rest.length + tail.length;
  if (halves.length === 1) return given === 8 ? [...head, ...tail] : undefined;
  if (given > 7) return undefined;
  return [...head, ...new Array<number>(8 - given).fill(0), ...rest, ...tail];
}

export function parseIPv4(text: string): number[] | undefined {
  const parts = text.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255)) return undefined;
  return parts.map(Number);
}

/** An IPv6 address as Go prints it (RFC 5952: lower case, the longest run of two or more zero groups as `::`). */
export function formatIPv6(groups: readonly number[]): string {
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return [groups[6]! >> 8, groups[6]! & 255, groups[7]! >> 8, groups[7]! & 255].join(".");
  }
  return formatAddress(
    "ipv6",
    groups.reduce((value, g) => (value << 16n) | BigInt(g), 0n),
  );
}

/** The canonical text of an IPv4 or IPv6 address, or undefined when `text` is neither. */
export function canonicalIp(text: string): string | undefined {
  const v4 = parseIPv4(text);
  if (v4) return v4.join(".");
  const v6 = parseIPv6(text);
  return v6 ? formatIPv6(v6) : undefined;
}

/** Whether `address` (IPv6) lies in the /64 `network` (`x:y:z:w::/64`). */
export function inNetwork64(address: string, network: string): boolean {
  const a = parseIPv6(address);
  const n = parseIPv6(network.replace(/\/64$/, ""));
  return a !== undefined && n !== undefined && a.slice(0, 4).every((g, i) => g === n[i]);
}

/** Hetzner's reverse name of an IPv4 address before anyone sets one. */
export function defaultPtr(ipv4: string): string {
  return `static.${ipv4.split(".").reverse().join(".")}.clients.your-server.de`;
}

interface Allocator {
  v4: number;
  v6: number;
}
const allocators = new WeakMap<Sim, Allocator>();

function allocator(sim: Sim): Allocator {
  let a = allocators.get(sim);
  if (!a) {
    a = { v4: 0, v6: 0 };
    allocators.set(sim, a);
  }
  return a;
}

/** A fresh IPv4 address (never handed out twice by one simulator). */
export function allocateIPv4(sim: Sim): string {
  const n = allocator(sim).v4++;
  if (n < 254) return `203.0.113.${n + 1}`;
  const m = n - 254 + 1;
  if (m >= 2 ** 17 - 1)
    throw new ApiError(422, "resource_unavailable", "no IPv4 address left in the simulator's ranges");
  return `198.${18 + (m >> 16)}.${(m >> 8) & 255}.${m & 255}`;
}

/** A fresh IPv6 /64 network, as the API writes it (`2001:db8:1:5::/64`). */
export function allocateIPv6Network(sim: Sim): string {
  const n = allocator(sim).v6++;
  const groups = [0x2001, 0xdb8, 1 + Math.floor(n / 0xffff), (n % 0xffff) + 1, 0, 0, 0, 0];
  return `${formatIPv6(groups)}/64`;
}

// ---------------------------------------------------------------------------
// Reverse DNS, shared by primary IPs, floating IPs and servers

export interface DnsPtr {
  ip: string;
  dns_ptr: string;
}

/** What carries reverse DNS: one IPv4 address, or an IPv6 /64 network. */
export interface PtrHolder {
  type: "ipv4" | "ipv6";
  /** The address (IPv4) or the network with its prefix (IPv6). */
  ip: string;
  dns_ptr: DnsPtr[];
}

/** The PTR list a new address starts with: the default name for IPv4, nothing for IPv6. */
export function initialPtrs(type: "ipv4" | "ipv6", ip: string): DnsPtr[] {
  return type === "ipv4" ? [{ ip, dns_ptr: defaultPtr(ip) }] : [];
}

const HOSTNAME =
  /^(?=.{1,253}\.?$)([A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)(\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\.?$/;

/** The canonical address `ipText` if it belongs to `holder`, else `invalid_input` on `ip`. */
export function addressOf(holder: PtrHolder, ipText: unknown): string {
  if (typeof ipText !== "string") throw invalidInput("ip", "is required");
  const ip = canonicalIp(ipText);
  if (ip === undefined) throw invalidInput("ip", `${JSON.stringify(ipText)} is not an IP address`);
  const belongs = holder.type === "ipv4" ? ip === holder.ip : ip.includes(":") && inNetwork64(ip, holder.ip);
  if (!belongs) throw invalidInput("ip", `${ip} does not belong to ${holder.ip}`);
  return ip;
}

/**
 * Sets (or with `null` resets) the PTR of one address of `holder`: reading it
 * back gives exactly the name set. IPv4 resets to the default name; IPv6 loses
 * the entry. `invalid_input` for an address outside the holder, a name that is
 * no hostname, or a 101st IPv6 entry.
 */
export function changePtr(holder: PtrHolder, ipText: unknown, ptr: unknown): void {
  const ip = addressOf(holder, ipText);
  if (ptr !== null && (typeof ptr !== "string" || !HOSTNAME.test(ptr))) {
    throw invalidInput("dns_ptr", `${JSON.stringify(ptr)} is not a valid hostname`);
  }
  const rest = holder.dns_ptr.filter((p) => p.ip !== ip);
  if (ptr === null) {
    holder.dns_ptr = holder.type === "ipv4" ? [{ ip, dns_ptr: defaultPtr(ip) }] : rest;
    return;
  }
  if (holder.type === "ipv6" && rest.length >= 100)
    throw invalidInput("ip", "at most 100 reverse DNS entries per IPv6 network");
  holder.dns_ptr = [...rest, { ip, dns_ptr: ptr }];
}

/**
 * Registers `POST /<plural>/:id/actions/change_dns_ptr` for a resource that
 * carries its own reverse DNS (primary and floating IPs): {@link changePtr}
 * with the body's `ip` and `dns_ptr`, answered with an action on the record.
 */
export function changePtrRoute<T extends PtrHolder & { id: number }>(
  sim: Sim,
  names: ResourceNames,
  get: (req: SimRequest) => T,
): void {
  sim.route("cloud", "POST", `/${names.plural}/:id/actions/change_dns_ptr`, (req) => {
    const record = get(req);
    changePtr(record, req.body.ip, req.body.dns_ptr ?? null);
    return ok({ action: sim.action("change_dns_ptr", [{ id: record.id, type: names.singular }]) }, 201);
  });
}

/** Copies of the PTR entries, as the API lists them. */
export function ptrView(holder: PtrHolder): DnsPtr[] {
  return holder.dns_ptr.map((p) => ({ ...p }));
}

// ---------------------------------------------------------------------------
// Primary IPs

export const PRIMARY_IPS = "primary_ips";

export interface PrimaryIpRecord extends PtrHolder {
  id: number;
  name: string;
  labels: Record<string, string>;
  created: string;
  blocked: boolean;
  location: Location;
  protection: { delete: boolean };
  auto_delete: boolean;
  /** The server it is assigned to, or null. */
  assignee_id: number | null;
}

export const primaryIps = (sim: Sim): Map<number, PrimaryIpRecord> => sim.collection<PrimaryIpRecord>(PRIMARY_IPS);

/** The primary IP of `type` assigned to the server, if any. */
export function primaryIpOf(sim: Sim, serverId: number, type: "ipv4" | "ipv6"): PrimaryIpRecord | undefined {
  for (const p of primaryIps(sim).values()) if (p.assignee_id === serverId && p.type === type) return p;
  return undefined;
}

export function primaryIpView(p: PrimaryIpRecord): Record<string, unknown> {
  return {
    id: p.id,
    name: p.name,
    labels: { ...p.labels },
    created: p.created,
    blocked: p.blocked,
    location: p.location,
    ip: p.ip,
    dns_ptr: ptrView(p),
    protection: { ...p.protection },
    type: p.type,
    auto_delete: p.auto_delete,
    assignee_id: p.assignee_id,
    assignee_type: p.assignee_id === null ? "unassigned" : "server",
  };
}

export interface NewPrimaryIp {
  /** Omitted for the ones the API creates for a server: named `primary_ip-<id>` then. */
  name?: string;
  type: "ipv4" | "ipv6";
  location: Location;
  labels?: Record<string, string>;
  autoDelete?: boolean;
  assigneeId?: number | null;
}

/** Stores a new primary IP with a fresh address (callers have checked name, location and assignee). */
export function addPrimaryIp(sim: Sim, n: NewPrimaryIp): PrimaryIpRecord {
  const ip = n.type === "ipv4" ? allocateIPv4(sim) : allocateIPv6Network(sim);
  const id = sim.id();
  const record: PrimaryIpRecord = {
    id,
    name: n.name ?? `primary_ip-${id}`,
    labels: n.labels ?? {},
    created: sim.now(),
    blocked: false,
    location: n.location,
    ip,
    type: n.type,
    dns_ptr: initialPtrs(n.type, ip),
    protection: { delete: false },
    auto_delete: n.autoDelete ?? false,
    assignee_id: n.assigneeId ?? null,
  };
  primaryIps(sim).set(record.id, record);
  return record;
}

export function requireIpType(body: Record<string, any>, field = "type"): "ipv4" | "ipv6" {
  const t = body[field];
  if (t !== "ipv4" && t !== "ipv6") throw invalidInput(field, "must be ipv4 or ipv6");
  return t;
}

/** The server a request assigns to: it must exist and be powered off. */
function assignableServer(sim: Sim, id: unknown, field: string): ServerRecord {
  const server = requireServer(sim, id, field);
  if (server.status !== "off")
    throw new ApiError(422, "server_not_stopped", `server ${id} is running, but needs to be powered off`);
  return server;
}

/**
 * Checks that `p` can be assigned to `server`: unassigned, the server without
 * an address of that type, both in one location.
 */
function checkAssignable(sim: Sim, p: PrimaryIpRecord, server: ServerRecord): void {
  if (p.assignee_id !== null && p.assignee_id !== server.id) {
    throw new ApiError(
      422,
      "primary_ip_already_assigned",
      `primary IP ${p.id} is already assigned to server ${p.assignee_id}`,
    );
  }
  const other = primaryIpOf(sim, server.id, p.type);
  if (other && other.id !== p.id) {
    throw new ApiError(
      422,
      p.type === "ipv4" ? "server_has_ipv4" : "server_has_ipv6",
      `server ${server.id} already has an ${p.type} address`,
    );
  }
  if (server.location.name !== p.location.name) {
    throw new ApiError(
      422,
      "primary_ip_datacenter_mismatch",
      `primary IP ${p.id} is in ${p.location.name}, server ${server.id} in ${server.location.name}`,
    );
  }
}

const NAMES: ResourceNames = { plural: "primary_ips", singular: "primary_ip", what: "primary IP" };

export function registerPrimaryIps(sim: Sim): void {
  const col = primaryIps(sim);
  const get = readRoutes(sim, col, {
    ...NAMES,
    view: primaryIpView,
    filter: (query) => {
      const ip = query.get("ip");
      return (p) => ip === null || p.ip === ip || p.ip === `${ip}/64`;
    },
  });

  sim.route("cloud", "POST", "/primary_ips", (req) => {
    const b = req.body;
    const name = requireString(b, "name");
    const type = requireIpType(b);
    checkUniqueName(col, name, "primary IP", undefined);
    const labels = checkLabels(b.labels);
    if (b.assignee_type !== undefined && b.assignee_type !== "server")
      throw invalidInput("assignee_type", "must be server");
    const hasAssignee = b.assignee_id !== undefined && b.assignee_id !== null;
    if (hasAssignee && b.location !== undefined)
      throw invalidInput("location", "location and assignee_id are mutually exclusive");
    if (!hasAssignee && b.location === undefined)
      throw invalidInput("location", "is required when no assignee_id is given");
    if (b.auto_delete !== undefined && typeof b.auto_delete !== "boolean")
      throw invalidInput("auto_delete", "must be a boolean");
    let server: ServerRecord | undefined;
    let location: Location;
    if (hasAssignee) {
      server = assignableServer(sim, b.assignee_id, "assignee_id");
      if (primaryIpOf(sim, server.id, type)) {
        throw new ApiError(
          422,
          type === "ipv4" ? "server_has_ipv4" : "server_has_ipv6",
          `server ${server.id} already has an ${type} address`,
        );
      }
      location = server.location;
    } else {
      location = requireLocation("location", b.location);
    }
    const p = addPrimaryIp(sim, {
      name,
      type,
      location,
      labels,
      autoDelete: b.auto_delete,
      assigneeId: server?.id ?? null,
    });
    const action = sim.action("create_primary_ip", withServer("primary_ip", p.id, server?.id ?? null));
    return ok({ primary_ip: primaryIpView(p), action }, 201);
  });

  sim.route("cloud", "PUT", "/primary_ips/:id", (req) => {
    const p = get(req);
    const b = req.body;
    updateNameAndLabels(col, p, b, "primary IP");
    if (b.auto_delete !== undefined) {
      if (typeof b.auto_delete !== "boolean") throw invalidInput("auto_delete", "must be a boolean");
      p.auto_delete = b.auto_delete;
    }
    return ok({ primary_ip: primaryIpView(p) });
  });

  deleteRoute(sim, col, NAMES, (p) => {
    if (p.assignee_id !== null) {
      throw new ApiError(
        422,
        "must_be_unassigned",
        `primary IP ${p.id} is assigned to server ${p.assignee_id}; unassign it before deleting it`,
      );
    }
  });

  sim.route("cloud", "POST", "/primary_ips/:id/actions/assign", (req) => {
    const p = get(req);
    if (req.body.assignee_type !== "server") throw invalidInput("assignee_type", "must be server");
    const server = assignableServer(sim, req.body.assignee_id, "assignee_id");
    checkAssignable(sim, p, server);
    p.assignee_id = server.id;
    return ok(
      {
        action: sim.action("assign_primary_ip", [
          { id: server.id, type: "server" },
          { id: p.id, type: "primary_ip" },
        ]),
      },
      201,
    );
  });

  sim.route("cloud", "POST", "/primary_ips/:id/actions/unassign", (req) => {
    const p = get(req);
    const resources = [{ id: p.id, type: "primary_ip" }];
    if (p.assignee_id !== null) {
      const server = serverCollection(sim).get(p.assignee_id);
      if (server && server.status !== "off") {
        throw new ApiError(422, "server_not_stopped", `server ${server.id} is running, but needs to be powered off`);
      }
      resources.unshift({ id: p.assignee_id, type: "server" });
      p.assignee_id = null;
    }
    return ok({ action: sim.action("unassign_primary_ip", resources) }, 201);
  });

  changePtrRoute(sim, NAMES, get);

  deleteProtectionRoute(sim, NAMES, get, (p, del) => {
    if (del && p.auto_delete)
      throw invalidInput("delete", "delete protection can only be enabled while auto_delete is false");
  });
}
