/**
 * Floating IPs (`/floating_ips`): an address with a home location, assignable
 * to any server (`server`), with reverse DNS like primary IPs (one address for
 * IPv4, a /64 for IPv6). Deleting one that is assigned unassigns it first, as
 * Hetzner documents; delete protection refuses the delete.
 */
import {
  checkLabels,
  checkUniqueName,
  deleteProtectionRoute,
  filterList,
  idParam,
  invalidInput,
  mustGet,
  noContent,
  ok,
  paginate,
  protectedError,
  type Sim,
  type SimRequest,
} from "../core";
import { type Location, requireLocation } from "./offer";
import { type PtrHolder, allocateIPv4, allocateIPv6Network, changePtr, initialPtrs, ptrView, requireIpType } from "./primary-ips";
import type { ServerRecord } from "./servers";

export const FLOATING_IPS = "floating_ips";

export interface FloatingIpRecord extends PtrHolder {
  id: number;
  name: string;
  description: string | null;
  created: string;
  /** The server it is assigned to, or null. */
  server: number | null;
  home_location: Location;
  blocked: boolean;
  protection: { delete: boolean };
  labels: Record<string, string>;
}

export const floatingIps = (sim: Sim): Map<number, FloatingIpRecord> => sim.collection<FloatingIpRecord>(FLOATING_IPS);
const servers = (sim: Sim): Map<number, ServerRecord> => sim.collection<ServerRecord>("servers");

export function floatingIpView(f: FloatingIpRecord): Record<string, unknown> {
  return {
    id: f.id,
    name: f.name,
    description: f.description,
    created: f.created,
    ip: f.ip,
    type: f.type,
    server: f.server,
    dns_ptr: ptrView(f),
    home_location: f.home_location,
    blocked: f.blocked,
    protection: { ...f.protection },
    labels: { ...f.labels },
  };
}

/** The IDs of the floating IPs assigned to a server (its `public_net.floating_ips`). */
export function floatingIpsOf(sim: Sim, serverId: number): number[] {
  return [...floatingIps(sim).values()].filter((f) => f.server === serverId).map((f) => f.id);
}

/** Unassigns every floating IP of a deleted server. */
export function releaseFloatingIps(sim: Sim, serverId: number): void {
  for (const f of floatingIps(sim).values()) if (f.server === serverId) f.server = null;
}

function requireServer(sim: Sim, id: unknown, field: string): ServerRecord {
  if (typeof id !== "number" || !Number.isInteger(id)) throw invalidInput(field, "must be a server ID");
  const s = servers(sim).get(id);
  if (!s) throw invalidInput(field, `server with ID ${id} not found`);
  return s;
}

function optionalDescription(v: unknown): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== "string") throw invalidInput("description", "must be a string");
  return v;
}

export function registerFloatingIps(sim: Sim): void {
  const col = floatingIps(sim);
  const get = (req: SimRequest) => mustGet(col, idParam(req, "floating IP"), "floating IP");

  sim.route("cloud", "GET", "/floating_ips", (req) => paginate("floating_ips", filterList(col.values(), req.query).map(floatingIpView), req.query));
  sim.route("cloud", "GET", "/floating_ips/:id", (req) => ok({ floating_ip: floatingIpView(get(req)) }));

  sim.route("cloud", "POST", "/floating_ips", (req) => {
    const b = req.body;
    const type = requireIpType(b);
    const labels = checkLabels(b.labels);
    const description = optionalDescription(b.description);
    if (b.name !== undefined && (typeof b.name !== "string" || b.name === "")) throw invalidInput("name", "must be a non-empty string");
    if (typeof b.name === "string") checkUniqueName(col, b.name, "floating IP");
    const server = b.server === undefined || b.server === null ? undefined : requireServer(sim, b.server, "server");
    if (!server && (b.home_location === undefined || b.home_location === null)) {
      throw invalidInput("home_location", "is required when no server is given");
    }
    const home = server && (b.home_location === undefined || b.home_location === null) ? server.location : requireLocation("home_location", b.home_location);
    const ip = type === "ipv4" ? allocateIPv4(sim) : allocateIPv6Network(sim);
    const id = sim.id();
    const f: FloatingIpRecord = {
      id,
      name: typeof b.name === "string" ? b.name : String(id),
      description,
      created: sim.now(),
      ip,
      type,
      dns_ptr: initialPtrs(type, ip),
      server: server?.id ?? null,
      home_location: home,
      blocked: false,
      protection: { delete: false },
      labels,
    };
    col.set(f.id, f);
    const action = server ? sim.action("assign_floating_ip", [{ id: f.id, type: "floating_ip" }, { id: server.id, type: "server" }]) : null;
    return ok({ floating_ip: floatingIpView(f), action }, 201);
  });

  sim.route("cloud", "PUT", "/floating_ips/:id", (req) => {
    const f = get(req);
    const b = req.body;
    if (b.name !== undefined) {
      if (typeof b.name !== "string" || b.name === "") throw invalidInput("name", "must be a non-empty string");
      checkUniqueName(col, b.name, "floating IP", f.id);
      f.name = b.name;
    }
    if (b.description !== undefined) f.description = optionalDescription(b.description);
    if (b.labels !== undefined) f.labels = checkLabels(b.labels);
    return ok({ floating_ip: floatingIpView(f) });
  });

  sim.route("cloud", "DELETE", "/floating_ips/:id", (req) => {
    const f = get(req);
    if (f.protection.delete) throw protectedError("floating IP", f.id);
    col.delete(f.id);
    sim.deleted("floating_ip", f.id);
    return noContent();
  });

  sim.route("cloud", "POST", "/floating_ips/:id/actions/assign", (req) => {
    const f = get(req);
    const server = requireServer(sim, req.body.server, "server");
    f.server = server.id;
    return ok({ action: sim.action("assign_floating_ip", [{ id: f.id, type: "floating_ip" }, { id: server.id, type: "server" }]) }, 201);
  });

  sim.route("cloud", "POST", "/floating_ips/:id/actions/unassign", (req) => {
    const f = get(req);
    const resources = [{ id: f.id, type: "floating_ip" }, ...(f.server === null ? [] : [{ id: f.server, type: "server" }])];
    f.server = null;
    return ok({ action: sim.action("unassign_floating_ip", resources) }, 201);
  });

  sim.route("cloud", "POST", "/floating_ips/:id/actions/change_dns_ptr", (req) => {
    const f = get(req);
    changePtr(f, req.body.ip, req.body.dns_ptr ?? null);
    return ok({ action: sim.action("change_dns_ptr", [{ id: f.id, type: "floating_ip" }]) }, 201);
  });

  deleteProtectionRoute(sim, "floating_ips", "floating_ip", get);
}
