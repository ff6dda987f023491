/**
 * POST /servers: the checks of a create request (its location, `public_net`
 * and the primary IPs it names, the volumes to attach), then the new server
 * with its primary IPs and volumes. See servers.ts for the rules kept.
 */
import { ApiError, type Sim, checkLabels, invalidInput } from "../core";
import { type Location, type ServerType, OFFER, orderableIn, requireLocation } from "./offer";
import { groupWithRoom } from "./placement-groups";
import { type PrimaryIpRecord, addPrimaryIp, primaryIps } from "./primary-ips";
import {
  optionalBool,
  requireImage,
  requireServerType,
  requireSshKeys,
  requireUserData,
  rootPasswordUnlessKeys,
} from "./server-fields";
import { withServer } from "./server-links";
import { type ServerRecord, checkServerName, serverView, servers } from "./server-record";
import { type VolumeRecord, volumes } from "./volumes";

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

/**
 * POST /servers: every check first, then the other modules' hooks (which may
 * still refuse), then the changes: stored server, its primary IPs (the named
 * ones assigned, the missing ones created with `auto_delete`), its volumes.
 */
export function createServer(sim: Sim, b: Record<string, any>) {
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
  return { server, action, next_actions: nextActions, root_password: rootPasswordUnlessKeys(sshKeys) };
}
