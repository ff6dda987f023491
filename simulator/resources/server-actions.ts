/**
 * A server's actions (`POST /servers/:id/actions/<name>`): each one's literal
 * route name, the command of the action it starts, and what it does to the
 * server. See servers.ts for the rules kept.
 */
import { ApiError, type Sim, invalidInput } from "../core";
import { findIso, orderableIn } from "./offer";
import { groupWithRoom } from "./placement-groups";
import { canonicalIp, inNetwork64 } from "./ip-addresses";
import { primaryIpOf } from "./primary-ips";
import { changePtr } from "./reverse-dns";
import {
  optionalBool,
  requireImage,
  requireServerType,
  requireSshKeys,
  requireUserData,
  rootPassword,
  rootPasswordUnlessKeys,
} from "./server-fields";
import { BACKUP_WINDOW, type ServerRecord } from "./server-record";

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

/** rebuild: refused while rebuild protection is on; a new image (and `user_data`, when given). */
function rebuild(s: ServerRecord, b: Record<string, any>): Record<string, unknown> {
  if (s.protection.rebuild)
    throw new ApiError(
      423,
      "protected",
      `server ${s.id} is protected against rebuilds; disable rebuild protection first`,
    );
  s.image = requireImage(b.image, s.server_type);
  if (b.user_data !== undefined) s.user_data = requireUserData(b.user_data);
  s.status = "running";
  return { root_password: rootPasswordUnlessKeys(s.ssh_keys) };
}

/** add_to_placement_group: the server off and in no group yet, the group with room for it. */
function addToPlacementGroup(sim: Sim, s: ServerRecord, b: Record<string, any>): void {
  requireOff(s);
  if (s.placement_group !== null)
    throw new ApiError(
      422,
      "already_in_placement_group",
      `server ${s.id} is already in placement group ${s.placement_group}`,
    );
  s.placement_group = groupWithRoom(sim, b.placement_group, "placement_group").id;
}

/** attach_iso: an ISO the API knows, for the server's architecture (or for any). */
function attachIso(s: ServerRecord, b: Record<string, any>): void {
  const iso = findIso(b.iso);
  if (!iso) throw invalidInput("iso", `ISO ${JSON.stringify(b.iso)} not found`);
  if (iso.architecture !== null && iso.architecture !== s.server_type.architecture) {
    throw invalidInput(
      "iso",
      `ISO ${iso.name} is for ${iso.architecture}, the server is ${s.server_type.architecture}`,
    );
  }
  s.iso = iso;
}

/** enable_rescue: the rescue system `linux64` only, with SSH keys the project has. */
function enableRescue(sim: Sim, s: ServerRecord, b: Record<string, any>): Record<string, unknown> {
  if (b.type !== undefined && b.type !== null && b.type !== "linux64") throw invalidInput("type", "must be linux64");
  requireSshKeys(sim, b.ssh_keys);
  s.rescue_enabled = true;
  return { root_password: rootPassword() };
}

// biome-ignore lint/suspicious/noConfusingVoidType: an action answers a body, or nothing (Hetzner's action alone)
type ServerAction = (sim: Sim, s: ServerRecord, body: Record<string, any>) => Record<string, unknown> | void;

/** An action that only sets one field of the server (its status, its backup window, …). */
function setting<K extends keyof ServerRecord>(field: K, value: ServerRecord[K]): ServerAction {
  return (_sim, s) => {
    s[field] = value;
  };
}

/** Every server action: its literal route name, the command of the action it starts, and what it does. */
export const SERVER_ACTION_TABLE: Record<string, { command: string; run: ServerAction }> = {
  poweron: { command: "start_server", run: setting("status", "running") },
  poweroff: { command: "stop_server", run: setting("status", "off") },
  shutdown: { command: "shutdown_server", run: setting("status", "off") },
  reboot: { command: "reboot_server", run: setting("status", "running") },
  reset: { command: "reset_server", run: setting("status", "running") },
  change_type: { command: "change_server_type", run: (_sim, s, b) => changeType(s, b) },
  rebuild: { command: "rebuild_server", run: (_sim, s, b) => rebuild(s, b) },
  enable_backup: { command: "enable_backup", run: setting("backup_window", BACKUP_WINDOW) },
  disable_backup: { command: "disable_backup", run: setting("backup_window", null) },
  change_protection: { command: "change_protection", run: (_sim, s, b) => changeProtection(s, b) },
  change_dns_ptr: { command: "change_dns_ptr", run: (sim, s, b) => changeServerPtr(sim, s, b) },
  add_to_placement_group: { command: "add_to_placement_group", run: addToPlacementGroup },
  remove_from_placement_group: { command: "remove_from_placement_group", run: setting("placement_group", null) },
  attach_iso: { command: "attach_iso", run: (_sim, s, b) => attachIso(s, b) },
  detach_iso: { command: "detach_iso", run: setting("iso", null) },
  enable_rescue: { command: "enable_rescue", run: enableRescue },
  disable_rescue: { command: "disable_rescue", run: setting("rescue_enabled", false) },
};
