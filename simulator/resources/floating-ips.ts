/**
 * Floating IPs (`/floating_ips`): an address with a home location, assignable
 * to any server (`server`), with reverse DNS like primary IPs (one address for
 * IPv4, a /64 for IPv6). Deleting one that is assigned unassigns it first, as
 * Hetzner documents; delete protection refuses the delete.
 */
import { checkLabels, checkUniqueName, invalidInput, ok, type Sim } from "../core";
import { type ResourceNames, deleteProtectionRoute, deleteRoute, readRoutes } from "../crud";
import { type Location, requireLocation } from "./offer";
import { allocateIPv4, allocateIPv6Network } from "./ip-addresses";
import { requireIpType } from "./primary-ips";
import { type PtrHolder, changePtrRoute, initialPtrs, ptrView } from "./reverse-dns";
import { linkedTo, requireServer, serverLinkRoutes, unlinkAll, withServer } from "./server-links";

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
  return linkedTo(floatingIps(sim), serverId);
}

/** Unassigns every floating IP of a deleted server. */
export function releaseFloatingIps(sim: Sim, serverId: number): void {
  unlinkAll(floatingIps(sim), serverId);
}

function optionalDescription(v: unknown): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== "string") throw invalidInput("description", "must be a string");
  return v;
}

const NAMES: ResourceNames = { plural: "floating_ips", singular: "floating_ip", what: "floating IP" };

export function registerFloatingIps(sim: Sim): void {
  const col = floatingIps(sim);
  const get = readRoutes(sim, col, { ...NAMES, view: floatingIpView });

  sim.route("cloud", "POST", "/floating_ips", (req) => {
    const b = req.body;
    const type = requireIpType(b);
    const labels = checkLabels(b.labels);
    const description = optionalDescription(b.description);
    if (b.name !== undefined && (typeof b.name !== "string" || b.name === ""))
      throw invalidInput("name", "must be a non-empty string");
    if (typeof b.name === "string") checkUniqueName(col, b.name, "floating IP");
    const server = b.server === undefined || b.server === null ? undefined : requireServer(sim, b.server, "server");
    if (!server && (b.home_location === undefined || b.home_location === null)) {
      throw invalidInput("home_location", "is required when no server is given");
    }
    const home =
      server && (b.home_location === undefined || b.home_location === null)
        ? server.location
        : requireLocation("home_location", b.home_location);
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
    const action = server ? sim.action("assign_floating_ip", withServer("floating_ip", f.id, server.id)) : null;
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

  deleteRoute(sim, col, NAMES);
  serverLinkRoutes(sim, NAMES, get, { link: "assign", unlink: "unassign" });

  changePtrRoute(sim, NAMES, get);

  deleteProtectionRoute(sim, NAMES, get);
}
