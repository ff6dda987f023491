/**
 * Volumes (`/volumes`): block storage of 10 to 10240 GB in one location,
 * attached to at most one server of that location. Hetzner's rules kept here:
 * `location` or `server` is required; `automount` needs a `server`; `format`
 * is `xfs` or `ext4`; a volume grows but never shrinks (resize refuses a
 * smaller size); deleting needs it detached and unprotected; a deleted
 * server's volumes are detached.
 *
 * `linux_device` is the by-id path Hetzner gives (`/dev/disk/by-id/scsi-0HC_Volume_<id>`).
 */
import { ApiError, checkLabels, checkUniqueName, invalidInput, ok, requireString, type Sim } from "../core";
import {
  type ResourceNames,
  deleteProtectionRoute,
  deleteRoute,
  queryFilter,
  readRoutes,
  updateNameAndLabels,
} from "../crud";
import { type Location, requireLocation } from "./offer";
import { linkedTo, requireServer, serverLinkRoutes, unlinkAll, withServer } from "./server-links";
import type { ServerRecord } from "./server-record";

export const VOLUMES = "volumes";
export const VOLUME_MIN_GB = 10;
export const VOLUME_MAX_GB = 10240;

export interface VolumeRecord {
  id: number;
  name: string;
  /** The server it is attached to, or null. */
  server: number | null;
  status: "creating" | "available";
  location: Location;
  size: number;
  format: string | null;
  protection: { delete: boolean };
  labels: Record<string, string>;
  linux_device: string;
  created: string;
}

export const volumes = (sim: Sim): Map<number, VolumeRecord> => sim.collection<VolumeRecord>(VOLUMES);

export function volumeView(v: VolumeRecord): Record<string, unknown> {
  return { ...v, protection: { ...v.protection }, labels: { ...v.labels } };
}

/** The IDs of the volumes attached to a server (its `volumes`). */
export function volumesOf(sim: Sim, serverId: number): number[] {
  return linkedTo(volumes(sim), serverId);
}

/** Detaches every volume of a deleted server. */
export function releaseVolumes(sim: Sim, serverId: number): void {
  unlinkAll(volumes(sim), serverId);
}

/** The size of a request, or `invalid_input` unless it is a whole number of GB from 10 to 10240. */
function requireSize(v: unknown): number {
  if (typeof v !== "number" || !Number.isInteger(v)) throw invalidInput("size", "must be a whole number of GB");
  if (v < VOLUME_MIN_GB || v > VOLUME_MAX_GB)
    throw invalidInput("size", `must be between ${VOLUME_MIN_GB} and ${VOLUME_MAX_GB} GB`);
  return v;
}

/**
 * Checks that `v` can be attached to `server` (same location, not attached
 * elsewhere); used by the attach action and by server create's `volumes`.
 */
export function checkAttachable(v: VolumeRecord, server: ServerRecord): void {
  if (v.server !== null && v.server !== server.id) {
    throw new ApiError(422, "volume_already_attached", `volume ${v.id} is already attached to server ${v.server}`);
  }
  if (v.location.name !== server.location.name) {
    throw invalidInput(
      "server",
      `volume ${v.id} is in ${v.location.name}, server ${server.id} in ${server.location.name}`,
    );
  }
}

/**
 * POST /volumes: a name, a size, and a location or a server to attach to
 * (in the server's location); `automount` needs the server.
 */
function createVolume(sim: Sim, b: Record<string, any>) {
  const name = requireString(b, "name");
  const size = requireSize(b.size);
  checkUniqueName(volumes(sim), name, "volume");
  const labels = checkLabels(b.labels);
  if (b.format !== undefined && b.format !== null && b.format !== "xfs" && b.format !== "ext4") {
    throw invalidInput("format", "must be xfs or ext4");
  }
  const server = b.server === undefined || b.server === null ? undefined : requireServer(sim, b.server, "server");
  if (!server && (b.location === undefined || b.location === null))
    throw invalidInput("location", "is required when no server is given");
  if (b.automount !== undefined && typeof b.automount !== "boolean")
    throw invalidInput("automount", "must be a boolean");
  if (b.automount === true && !server) throw invalidInput("automount", "needs a server to attach the volume to");
  let location: Location;
  if (server) {
    if (
      b.location !== undefined &&
      b.location !== null &&
      requireLocation("location", b.location).name !== server.location.name
    ) {
      throw invalidInput("location", `server ${server.id} is in ${server.location.name}`);
    }
    location = server.location;
  } else {
    location = requireLocation("location", b.location);
  }
  const id = sim.id();
  const v: VolumeRecord = {
    id,
    name,
    server: server?.id ?? null,
    status: "available",
    location,
    size,
    format: typeof b.format === "string" ? b.format : null,
    protection: { delete: false },
    labels,
    linux_device: `/dev/disk/by-id/scsi-0HC_Volume_${id}`,
    created: sim.now(),
  };
  volumes(sim).set(id, v);
  const action = sim.action("create_volume", [{ id, type: "volume" }]);
  const next = server ? [sim.action("attach_volume", withServer("volume", id, server.id))] : [];
  return { volume: volumeView(v), action, next_actions: next };
}

const NAMES: ResourceNames = { plural: "volumes", singular: "volume", what: "volume" };

export function registerVolumes(sim: Sim): void {
  const col = volumes(sim);
  const filter = queryFilter("status", (v: VolumeRecord) => v.status, { repeated: true });
  const get = readRoutes(sim, col, { ...NAMES, view: volumeView, filter });

  sim.route("cloud", "POST", "/volumes", (req) => ok(createVolume(sim, req.body), 201));

  sim.route("cloud", "PUT", "/volumes/:id", (req) => {
    const v = get(req);
    updateNameAndLabels(col, v, req.body, "volume");
    return ok({ volume: volumeView(v) });
  });

  deleteRoute(sim, col, NAMES, (v) => {
    // Hetzner: "The Volume must not be attached to a Server". The error code is not documented; this one is a guess.
    if (v.server !== null)
      throw invalidInput("server", `volume ${v.id} is attached to server ${v.server}; detach it first`);
  });

  serverLinkRoutes(sim, NAMES, get, { link: "attach", unlink: "detach" }, (v, server, body) => {
    if (body.automount !== undefined && typeof body.automount !== "boolean") {
      throw invalidInput("automount", "must be a boolean");
    }
    checkAttachable(v, server);
  });

  sim.route("cloud", "POST", "/volumes/:id/actions/resize", (req) => {
    const v = get(req);
    const size = requireSize(req.body.size);
    if (size < v.size)
      throw invalidInput("size", `must not be smaller than the current size (${v.size} GB): volumes cannot shrink`);
    v.size = size;
    return ok({ action: sim.action("resize_volume", [{ id: v.id, type: "volume" }]) }, 201);
  });

  deleteProtectionRoute(sim, NAMES, get);
}
