/**
 * Snapshots of storage boxes (`/storage_boxes/{id}/snapshots` on the Hetzner
 * API), as hcloud-go's schema/storage_box_snapshot.go describes them: the API
 * names a snapshot after its creation time; description and labels can be
 * changed; a box holds at most its type's `snapshot_limit` manual snapshots
 * (`rollback_snapshot` is in storage-boxes.ts). Snapshots of the box's
 * snapshot plan are not taken: time does not pass in the simulator.
 *
 * State: `sim.collection("storage_box_snapshots")` in API shape.
 *
 * Imports: ../core, ../crud, ./storage-box-state.
 */
import { type Sim, ApiError, checkLabels, invalidInput, ok } from "../core";
import { queryFilter } from "../crud";
import { apiView, boxAction, boxChildRoutes, boxOf } from "./storage-box-state";

/** A snapshot as the API answers it. */
export interface StorageBoxSnapshot {
  id: number;
  name: string;
  description: string;
  stats: { size: number; size_filesystem: number };
  is_automatic: boolean;
  labels: Record<string, string>;
  created: string;
  storage_box: number;
}

export const snapshotCollection = (sim: Sim): Map<number, StorageBoxSnapshot> =>
  sim.collection<StorageBoxSnapshot>("storage_box_snapshots");

const NAMES = { plural: "snapshots", singular: "snapshot", param: "snapshot", what: "storage box snapshot" } as const;

export function registerStorageBoxSnapshots(sim: Sim): void {
  const snaps = snapshotCollection(sim);
  const view = (snap: StorageBoxSnapshot) => apiView(sim, "storage_box_snapshot", snap);
  const filter = queryFilter("is_automatic", (s: StorageBoxSnapshot) => String(s.is_automatic));
  /** The snapshot of the path (`:id` the box, `:snapshot` the snapshot), with its box. */
  const snapshotOf = boxChildRoutes(sim, snaps, { ...NAMES, view, filter });

  sim.route("hetzner", "POST", "/storage_boxes/:id/snapshots", (req) => {
    const box = boxOf(sim, req);
    const description = req.body.description ?? "";
    if (typeof description !== "string") throw invalidInput("description", "must be a string");
    const labels = checkLabels(req.body.labels);
    const limit = box.storage_box_type.snapshot_limit;
    const manual = [...snaps.values()].filter((s) => s.storage_box === box.id && !s.is_automatic).length;
    if (limit !== null && manual >= limit) {
      throw new ApiError(
        403,
        "resource_limit_exceeded",
        `storage box ${box.id} (${box.storage_box_type.name}) already has its ${limit} snapshots`,
      );
    }
    const created = sim.now();
    const id = sim.id();
    const snap: StorageBoxSnapshot = {
      id,
      name: `${created.slice(0, 19).replace(/:/g, "-")}-${id}`,
      description,
      stats: { size: 0, size_filesystem: 0 },
      is_automatic: false,
      labels,
      created,
      storage_box: box.id,
    };
    snaps.set(id, snap);
    return ok({ snapshot: view(snap), action: boxAction(sim, "create_snapshot", box) }, 201);
  });

  sim.route("hetzner", "PUT", "/storage_boxes/:id/snapshots/:snapshot", (req) => {
    const { child: snap } = snapshotOf(req);
    if (req.body.description !== undefined && req.body.description !== null) {
      if (typeof req.body.description !== "string") throw invalidInput("description", "must be a string");
      snap.description = req.body.description;
    }
    if (req.body.labels !== undefined && req.body.labels !== null) snap.labels = checkLabels(req.body.labels);
    return ok({ snapshot: view(snap) });
  });

  sim.route("hetzner", "DELETE", "/storage_boxes/:id/snapshots/:snapshot", (req) => {
    const { box, child: snap } = snapshotOf(req);
    snaps.delete(snap.id);
    return ok({ action: boxAction(sim, "delete_snapshot", box) });
  });
}
