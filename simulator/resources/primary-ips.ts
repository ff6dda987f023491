/**
 * Primary IPs (`/primary_ips`). The address helpers the floating IPs and
 * servers share are in ip-addresses.ts (allocation from documentation ranges,
 * the canonical text of an address) and reverse-dns.ts (PTR entries).
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
 */
import type { Sim, SimRequest } from "../core";
import { ApiError, checkLabels, checkUniqueName, invalidInput, ok, requireString } from "../core";
import {
  type ResourceNames,
  deleteProtectionRoute,
  deleteRoute,
  namedView,
  readRoutes,
  updateNameAndLabels,
} from "../crud";
import { allocateIPv4, allocateIPv6Network } from "./ip-addresses";
import { type Location, requireLocation } from "./offer";
import { type PtrHolder, changePtrRoute, initialPtrs, ptrView } from "./reverse-dns";
import { requireServer, serverCollection, withServer } from "./server-links";
import type { ServerRecord } from "./server-record";

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
    ...namedView(p),
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

/** POST /primary_ips: a name, a type, and either a location or a powered-off server to assign to. */
function createPrimaryIp(sim: Sim, b: Record<string, any>) {
  const name = requireString(b, "name");
  const type = requireIpType(b);
  checkUniqueName(primaryIps(sim), name, "primary IP", undefined);
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
  return { primary_ip: primaryIpView(p), action };
}

/** PUT /primary_ips/:id: name, labels and `auto_delete`. */
function updatePrimaryIp(sim: Sim, p: PrimaryIpRecord, b: Record<string, any>) {
  updateNameAndLabels(primaryIps(sim), p, b, "primary IP");
  if (b.auto_delete !== undefined) {
    if (typeof b.auto_delete !== "boolean") throw invalidInput("auto_delete", "must be a boolean");
    p.auto_delete = b.auto_delete;
  }
  return { primary_ip: primaryIpView(p) };
}

/** The `assign` and `unassign` actions: both need the server powered off. */
function assignmentRoutes(sim: Sim, get: (req: SimRequest) => PrimaryIpRecord): void {
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
}

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
  sim.route("cloud", "POST", "/primary_ips", (req) => ok(createPrimaryIp(sim, req.body), 201));
  sim.route("cloud", "PUT", "/primary_ips/:id", (req) => ok(updatePrimaryIp(sim, get(req), req.body)));
  deleteRoute(sim, col, NAMES, (p) => {
    if (p.assignee_id !== null) {
      throw new ApiError(
        422,
        "must_be_unassigned",
        `primary IP ${p.id} is assigned to server ${p.assignee_id}; unassign it before deleting it`,
      );
    }
  });
  assignmentRoutes(sim, get);
  changePtrRoute(sim, NAMES, get);
  deleteProtectionRoute(sim, NAMES, get, (p, del) => {
    if (del && p.auto_delete)
      throw invalidInput("delete", "delete protection can only be enabled while auto_delete is false");
  });
}
