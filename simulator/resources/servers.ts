/**
 * Servers (`/servers`) and their actions, as Hetzner answers them today: the
 * server has a top-level `location` (no `datacenter` since July 2026), its
 * `public_net` shows the primary IPs assigned to it (created by the API, with
 * `auto_delete`, when `enable_ipv4`/`enable_ipv6` come without an ID), its
 * `volumes`, floating IPs and placement group.
 *
 * The networking module takes its part through the core's hooks, never
 * through this file: it receives every new server (`sim.created("server", …)`,
 * called before the server is stored, so it may refuse the request), adds
 * `public_net.firewalls` and `private_net` to the view (`sim.view`), and
 * hears of deletes (`sim.deleted`). Its action routes
 * (`attach_to_network`, `detach_from_network`, `change_alias_ips`) are its
 * own: every action here is registered by its literal name.
 *
 * Rules kept (API reference): a retired or unknown server type, image or
 * location is refused; a type is only sold in its listed locations
 * ("unsupported location for server type"); `change_type` and
 * `add_to_placement_group` need the server off; `change_type` keeps the
 * storage type and never shrinks the disk; delete and rebuild protection must
 * be equal; a protected server is neither deleted nor rebuilt; on delete the
 * server's primary IPs are unassigned (deleted when `auto_delete`), its
 * volumes detached and its floating IPs unassigned.
 */
import { randomBytes } from "node:crypto";
import { ApiError, type Sim, checkLabels, checkUniqueName, invalidInput, ok, protectedError } from "../core";
import { type ResourceNames, queryFilter, readRoutes, removeRecord } from "../crud";
import { floatingIpsOf, releaseFloatingIps } from "./floating-ips";
import {
  type Image,
  type Iso,
  type Location,
  type ServerType,
  OFFER,
  findImage,
  findIso,
  findServerType,
  orderableIn,
  requireLocation,
} from "./offer";
import { groupWithRoom, placementGroupView, placementGroups } from "./placement-groups";
import {
  type PrimaryIpRecord,
  addPrimaryIp,
  canonicalIp,
  changePtr,
  inNetwork64,
  primaryIpOf,
  primaryIps,
  ptrView,
} from "./primary-ips";
import { withServer } from "./server-links";
import { findSshKey } from "./ssh-keys";
import { type VolumeRecord, releaseVolumes, volumes, volumesOf } from "./volumes";

export const SERVERS = "servers";
/** Hetzner refuses `user_data` above 32 KiB. */
export const USER_DATA_MAX_BYTES = 32 * 1024;
/** The backup window Hetzner assigns when backups are enabled. */
export const BACKUP_WINDOW = "22-02";

export type ServerStatus =
  | "initializing"
  | "starting"
  | "running"
  | "stopping"
  | "off"
  | "deleting"
  | "migrating"
  | "rebuilding"
  | "unknown";

/** A server as stored: the API's fields (objects where the API shows objects), plus what the API never shows. */
export interface ServerRecord {
  id: number;
  name: string;
  status: ServerStatus;
  created: string;
  server_type: ServerType;
  location: Location;
  image: Image | null;
  iso: Iso | null;
  labels: Record<string, string>;
  protection: { delete: boolean; rebuild: boolean };
  backup_window: string | null;
  rescue_enabled: boolean;
  locked: boolean;
  placement_group: number | null;
  primary_disk_size: number;
  /** Never shown by the API: kept for a rebuild. */
  user_data: string;
  /** Never shown by the API: the keys given at create. */
  ssh_keys: number[];
}

export const servers = (sim: Sim): Map<number, ServerRecord> => sim.collection<ServerRecord>(SERVERS);

const HOSTNAME =
  /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** A server name: required, a valid hostname (RFC 1123), unique in the project. */
function checkServerName(sim: Sim, name: unknown, self?: number): string {
  if (typeof name !== "string" || name === "") throw invalidInput("name", "is required");
  if (!HOSTNAME.test(name)) throw invalidInput("name", "must be a valid hostname (RFC 1123)");
  checkUniqueName(servers(sim), name, "server", self);
  return name;
}

/** The traffic a server of this type includes in its location (bytes). */
function includedTraffic(s: ServerRecord): number {
  return s.server_type.prices.find((p) => p.location === s.location.name)?.included_traffic ?? 0;
}

/** The server as the API shows it (with the other modules' additions). */
export function serverView(sim: Sim, s: ServerRecord): Record<string, unknown> {
  const v4 = primaryIpOf(sim, s.id, "ipv4");
  const v6 = primaryIpOf(sim, s.id, "ipv6");
  const group = s.placement_group === null ? undefined : placementGroups(sim).get(s.placement_group);
  const base = {
    id: s.id,
    name: s.name,
    status: s.status,
    created: s.created,
    public_net: {
      ipv4: v4
        ? { id: v4.id, ip: v4.ip, blocked: v4.blocked, dns_ptr: v4.dns_ptr.find((p) => p.ip === v4.ip)?.dns_ptr ?? "" }
        : null,
      ipv6: v6 ? { id: v6.id, ip: v6.ip, blocked: v6.blocked, dns_ptr: ptrView(v6) } : null,
      floating_ips: floatingIpsOf(sim, s.id),
      firewalls: [] as unknown[],
    },
    private_net: [] as unknown[],
    server_type: s.server_type,
    included_traffic: includedTraffic(s),
    outgoing_traffic: 0,
    ingoing_traffic: 0,
    backup_window: s.backup_window,
    rescue_enabled: s.rescue_enabled,
    iso: s.iso,
    locked: s.locked,
    location: s.location,
    image: s.image,
    protection: { ...s.protection },
    labels: { ...s.labels },
    volumes: volumesOf(sim, s.id),
    load_balancers: [] as number[],
    primary_disk_size: s.primary_disk_size,
    placement_group: group ? placementGroupView(sim, group) : null,
  };
  return sim.view("server", s, base);
}

/** The image a create or rebuild names, for the server type's architecture; `invalid_input` on `image` otherwise. */
function requireImage(idOrName: unknown, type: ServerType): Image {
  if (idOrName === undefined || idOrName === null || idOrName === "") throw invalidInput("image", "is required");
  const image = findImage(idOrName, type.architecture);
  if (!image)
    throw invalidInput("image", `image ${JSON.stringify(idOrName)} for architecture ${type.architecture} not found`);
  if (image.architecture !== type.architecture) {
    throw invalidInput(
      "image",
      `image ${image.id} is for ${image.architecture}, server type ${type.name} is ${type.architecture}`,
    );
  }
  return image;
}

/** The server type a request names: one Hetzner sells today (retired types are unknown to the API). */
function requireServerType(nameOrId: unknown): ServerType {
  if (nameOrId === undefined || nameOrId === null || nameOrId === "") throw invalidInput("server_type", "is required");
  const type = findServerType(nameOrId);
  if (!type) throw invalidInput("server_type", `server type ${JSON.stringify(nameOrId)} not found`);
  return type;
}

function rootPassword(): string {
  return randomBytes(15).toString("base64url");
}

function optionalBool(body: Record<string, any>, field: string, fallback: boolean): boolean {
  const v = body[field];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== "boolean") throw invalidInput(field, "must be a boolean");
  return v;
}

/** What `public_net` asks for: which address types, and existing primary IPs to use. */
interface PublicNetPlan {
  ipv4: boolean;
  ipv6: boolean;
  ipv4Existing?: PrimaryIpRecord;
  ipv6Existing?: PrimaryIpRecord;
}

/** Reads `public_net` of a create request and checks the primary IPs it names (unassigned, right type, same location). */
function planPublicNet(sim: Sim, raw: unknown, location: Location): PublicNetPlan {
  if (raw === undefined || raw === null) return { ipv4: true, ipv6: true };
  if (typeof raw !== "object" || Array.isArray(raw)) throw invalidInput("public_net", "must be an object");
  const pn = raw as Record<string, any>;
  const plan: PublicNetPlan = {
    ipv4: optionalBool(pn, "enable_ipv4", true),
    ipv6: optionalBool(pn, "enable_ipv6", true),
  };
  for (const type of ["ipv4", "ipv6"] as const) {
    const id = pn[type];
    if (id === undefined || id === null || id === 0) continue;
    if (!plan[type]) throw invalidInput(`public_net.${type}`, `enable_${type} is false`);
    const p = typeof id === "number" ? primaryIps(sim).get(id) : undefined;
    if (!p) throw invalidInput(`public_net.${type}`, `primary IP ${JSON.stringify(id)} not found`);
    if (p.type !== type)
      throw new ApiError(422, "primary_ip_version_mismatch", `primary IP ${p.id} is ${p.type}, not ${type}`);
    if (p.assignee_id !== null)
      throw new ApiError(
        422,
        "primary_ip_assigned",
        `primary IP ${p.id} is already assigned to server ${p.assignee_id}`,
      );
    if (p.location.name !== location.name) {
      throw new ApiError(
        422,
        "primary_ip_datacenter_mismatch",
        `primary IP ${p.id} is in ${p.location.name}, the server in ${location.name}`,
      );
    }
    if (type === "ipv4") plan.ipv4Existing = p;
    else plan.ipv6Existing = p;
  }
  return plan;
}

/** The location of a create: as asked, else the one of a primary IP named, else the first where the type is sold. */
function createLocation(sim: Sim, b: Record<string, any>, type: ServerType): Location {
  if (b.location !== undefined && b.location !== null && b.location !== "")
    return requireLocation("location", b.location);
  const pn = b.public_net as Record<string, any> | undefined;
  for (const id of [pn?.ipv4, pn?.ipv6]) {
    const p = typeof id === "number" ? primaryIps(sim).get(id) : undefined;
    if (p) return p.location;
  }
  const first = OFFER.locations.find((l) => orderableIn(type, l));
  if (!first) throw invalidInput("server_type", `server type ${type.name} is not sold in any location`);
  return first;
}

function requireSshKeys(sim: Sim, raw: unknown): number[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw invalidInput("ssh_keys", "must be a list of SSH key IDs or names");
  return raw.map((k) => {
    const key = findSshKey(sim, k);
    if (!key) throw invalidInput("ssh_keys", `SSH key ${JSON.stringify(k)} not found`);
    return key.id;
  });
}

function requireVolumes(sim: Sim, raw: unknown, location: Location): VolumeRecord[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw invalidInput("volumes", "must be a list of volume IDs");
  return raw.map((id) => {
    const v = typeof id === "number" ? volumes(sim).get(id) : undefined;
    if (!v) throw invalidInput("volumes", `volume ${JSON.stringify(id)} not found`);
    if (v.server !== null)
      throw new ApiError(422, "volume_already_attached", `volume ${v.id} is already attached to server ${v.server}`);
    if (v.location.name !== location.name)
      throw invalidInput("volumes", `volume ${v.id} is in ${v.location.name}, the server in ${location.name}`);
    return v;
  });
}

function requireUserData(raw: unknown): string {
  if (raw === undefined || raw === null) return "";
  if (typeof raw !== "string") throw invalidInput("user_data", "must be a string");
  if (Buffer.byteLength(raw, "utf8") > USER_DATA_MAX_BYTES)
    throw invalidInput("user_data", `must not be longer than ${USER_DATA_MAX_BYTES} bytes`);
  return raw;
}

/**
 * POST /servers: every check first, then the other modules' hooks (which may
 * still refuse), then the changes: stored server, its primary IPs (the named
 * ones assigned, the missing ones created with `auto_delete`), its volumes.
 */
function createServer(sim: Sim, b: Record<string, any>) {
  const name = checkServerName(sim, b.name);
  const type = requireServerType(b.server_type);
  const image = requireImage(b.image, type);
  const location = createLocation(sim, b, type);
  if (!orderableIn(type, location))
    throw new ApiError(400, "invalid_input", "unsupported location for server type", {});
  const sshKeys = requireSshKeys(sim, b.ssh_keys);
  const userData = requireUserData(b.user_data);
  const labels = checkLabels(b.labels);
  const group =
    b.placement_group === undefined || b.placement_group === null
      ? undefined
      : groupWithRoom(sim, b.placement_group, "placement_group");
  const publicNet = planPublicNet(sim, b.public_net, location);
  const attach = requireVolumes(sim, b.volumes, location);
  optionalBool(b, "automount", false);
  const start = optionalBool(b, "start_after_create", true);

  const s: ServerRecord = {
    id: sim.id(),
    name,
    status: start ? "running" : "off",
    created: sim.now(),
    server_type: type,
    location,
    image,
    iso: null,
    labels,
    protection: { delete: false, rebuild: false },
    backup_window: null,
    rescue_enabled: false,
    locked: false,
    placement_group: group?.id ?? null,
    primary_disk_size: type.disk,
    user_data: userData,
    ssh_keys: sshKeys,
  };
  sim.created("server", s, b);
  servers(sim).set(s.id, s);
  for (const family of ["ipv4", "ipv6"] as const) {
    if (!publicNet[family]) continue;
    const existing = family === "ipv4" ? publicNet.ipv4Existing : publicNet.ipv6Existing;
    if (existing) existing.assignee_id = s.id;
    else addPrimaryIp(sim, { type: family, location, autoDelete: true, assigneeId: s.id });
  }
  for (const v of attach) v.server = s.id;

  const self = [{ id: s.id, type: "server" }];
  const action = sim.action("create_server", self);
  const nextActions = [
    ...(start ? [sim.action("start_server", self)] : []),
    ...attach.map((v) => sim.action("attach_volume", withServer("volume", v.id, s.id))),
  ];
  const server = { ...serverView(sim, s), status: "initializing" };
  return { server, action, next_actions: nextActions, root_password: sshKeys.length > 0 ? null : rootPassword() };
}

/** DELETE /servers/:id: refused while protected; frees what the server held. */
function deleteServer(sim: Sim, s: ServerRecord) {
  if (s.protection.delete) throw protectedError("server", s.id);
  for (const p of [...primaryIps(sim).values()]) {
    if (p.assignee_id !== s.id) continue;
    if (p.auto_delete) removeRecord(sim, primaryIps(sim), "primary_ip", p.id);
    else p.assignee_id = null;
  }
  releaseVolumes(sim, s.id);
  releaseFloatingIps(sim, s.id);
  removeRecord(sim, servers(sim), "server", s.id);
  return { action: sim.action("delete_server", [{ id: s.id, type: "server" }]) };
}

function requireOff(s: ServerRecord): void {
  if (s.status !== "off")
    throw new ApiError(422, "server_not_stopped", `server ${s.id} is ${s.status}, but the action needs it powered off`);
}

/** change_type: the server off, a type of the same architecture and storage, sold in its location, with room for its disk. */
function changeType(s: ServerRecord, b: Record<string, any>): void {
  requireOff(s);
  const type = requireServerType(b.server_type);
  if (typeof b.upgrade_disk !== "boolean") throw invalidInput("upgrade_disk", "is required and must be a boolean");
  const misfit = (why: string) =>
    new ApiError(422, "invalid_server_type", `server type ${type.name} does not fit server ${s.id}: ${why}`);
  if (type.architecture !== s.server_type.architecture)
    throw misfit(`its architecture is ${type.architecture}, the server's ${s.server_type.architecture}`);
  if (type.storage_type !== s.server_type.storage_type)
    throw misfit(`its storage is ${type.storage_type}, the server's ${s.server_type.storage_type}`);
  if (type.disk < s.primary_disk_size)
    throw misfit(`its disk (${type.disk} GB) is smaller than the server's (${s.primary_disk_size} GB)`);
  if (!orderableIn(type, s.location)) throw misfit(`it is not sold in ${s.location.name}`);
  s.server_type = type;
  if (b.upgrade_disk) s.primary_disk_size = type.disk;
  // Hetzner copies the disk and starts the server again.
  s.status = "running";
}

/** change_dns_ptr of a server: the address must be its primary IPv4 or lie in its primary IPv6 /64. */
function changeServerPtr(sim: Sim, s: ServerRecord, b: Record<string, any>): void {
  const ip = typeof b.ip === "string" ? canonicalIp(b.ip) : undefined;
  if (ip === undefined) throw invalidInput("ip", "must be an IP address of the server");
  const v4 = primaryIpOf(sim, s.id, "ipv4");
  const v6 = primaryIpOf(sim, s.id, "ipv6");
  const holder = v4 && v4.ip === ip ? v4 : v6 && ip.includes(":") && inNetwork64(ip, v6.ip) ? v6 : undefined;
  if (!holder) throw invalidInput("ip", `${ip} is not a primary IP of server ${s.id}`);
  changePtr(holder, ip, b.dns_ptr ?? null);
}

function changeProtection(s: ServerRecord, b: Record<string, any>): void {
  const del = optionalBool(b, "delete", s.protection.delete);
  const rebuild = optionalBool(b, "rebuild", s.protection.rebuild);
  if (del !== rebuild) throw invalidInput("rebuild", "delete and rebuild protection must have the same value");
  s.protection = { delete: del, rebuild };
}

// biome-ignore lint/suspicious/noConfusingVoidType: an action answers a body, or nothing (Hetzner's action alone)
type ServerAction = (sim: Sim, s: ServerRecord, body: Record<string, any>) => Record<string, unknown> | void;

/** Every server action: its literal route name, the command of the action it starts, and what it does. */
const ACTIONS: Record<string, { command: string; run: ServerAction }> = {
  poweron: {
    command: "start_server",
    run: (_sim, s) => {
      s.status = "running";
    },
  },
  poweroff: {
    command: "stop_server",
    run: (_sim, s) => {
      s.status = "off";
    },
  },
  shutdown: {
    command: "shutdown_server",
    run: (_sim, s) => {
      s.status = "off";
    },
  },
  reboot: {
    command: "reboot_server",
    run: (_sim, s) => {
      s.status = "running";
    },
  },
  reset: {
    command: "reset_server",
    run: (_sim, s) => {
      s.status = "running";
    },
  },
  change_type: { command: "change_server_type", run: (_sim, s, b) => changeType(s, b) },
  rebuild: {
    command: "rebuild_server",
    run: (_sim, s, b) => {
      if (s.protection.rebuild)
        throw new ApiError(
          423,
          "protected",
          `server ${s.id} is protected against rebuilds; disable rebuild protection first`,
        );
      s.image = requireImage(b.image, s.server_type);
      if (b.user_data !== undefined) s.user_data = requireUserData(b.user_data);
      s.status = "running";
      return { root_password: s.ssh_keys.length > 0 ? null : rootPassword() };
    },
  },
  enable_backup: {
    command: "enable_backup",
    run: (_sim, s) => {
      s.backup_window = BACKUP_WINDOW;
    },
  },
  disable_backup: {
    command: "disable_backup",
    run: (_sim, s) => {
      s.backup_window = null;
    },
  },
  change_protection: { command: "change_protection", run: (_sim, s, b) => changeProtection(s, b) },
  change_dns_ptr: { command: "change_dns_ptr", run: (sim, s, b) => changeServerPtr(sim, s, b) },
  add_to_placement_group: {
    command: "add_to_placement_group",
    run: (sim, s, b) => {
      requireOff(s);
      if (s.placement_group !== null)
        throw new ApiError(
          422,
          "already_in_placement_group",
          `server ${s.id} is already in placement group ${s.placement_group}`,
        );
      s.placement_group = groupWithRoom(sim, b.placement_group, "placement_group").id;
    },
  },
  remove_from_placement_group: {
    command: "remove_from_placement_group",
    run: (_sim, s) => {
      s.placement_group = null;
    },
  },
  attach_iso: {
    command: "attach_iso",
    run: (_sim, s, b) => {
      const iso = findIso(b.iso);
      if (!iso) throw invalidInput("iso", `ISO ${JSON.stringify(b.iso)} not found`);
      if (iso.architecture !== null && iso.architecture !== s.server_type.architecture) {
        throw invalidInput(
          "iso",
          `ISO ${iso.name} is for ${iso.architecture}, the server is ${s.server_type.architecture}`,
        );
      }
      s.iso = iso;
    },
  },
  detach_iso: {
    command: "detach_iso",
    run: (_sim, s) => {
      s.iso = null;
    },
  },
  enable_rescue: {
    command: "enable_rescue",
    run: (sim, s, b) => {
      if (b.type !== undefined && b.type !== null && b.type !== "linux64")
        throw invalidInput("type", "must be linux64");
      requireSshKeys(sim, b.ssh_keys);
      s.rescue_enabled = true;
      return { root_password: rootPassword() };
    },
  },
  disable_rescue: {
    command: "disable_rescue",
    run: (_sim, s) => {
      s.rescue_enabled = false;
    },
  },
};

const NAMES: ResourceNames = { plural: "servers", singular: "server", what: "server" };

export function registerServers(sim: Sim): void {
  const col = servers(sim);
  const view = (s: ServerRecord) => serverView(sim, s);
  const filter = queryFilter("status", (s: ServerRecord) => s.status, { repeated: true });
  const get = readRoutes(sim, col, { ...NAMES, view, filter });
  sim.route("cloud", "POST", "/servers", (req) => ok(createServer(sim, req.body), 201));
  sim.route("cloud", "PUT", "/servers/:id", (req) => {
    const s = get(req);
    if (req.body.name !== undefined) s.name = checkServerName(sim, req.body.name, s.id);
    if (req.body.labels !== undefined) s.labels = checkLabels(req.body.labels);
    return ok({ server: view(s) });
  });
  sim.route("cloud", "DELETE", "/servers/:id", (req) => ok(deleteServer(sim, get(req))));

  for (const [name, { command, run }] of Object.entries(ACTIONS)) {
    sim.route("cloud", "POST", `/servers/:id/actions/${name}`, (req) => {
      const s = get(req);
      const extra = run(sim, s, req.body) ?? {};
      return ok({ ...extra, action: sim.action(command, [{ id: s.id, type: "server" }]) }, 201);
    });
  }
}

/** The action routes this module registers (for tests and the report of what the simulator covers). */
export const SERVER_ACTIONS: readonly string[] = Object.keys(ACTIONS);
