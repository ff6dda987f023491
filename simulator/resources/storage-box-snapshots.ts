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
 * Imports: ../core, ./storage-box-state.
 */
import { type Sim, type SimRequest, ApiError, checkLabels, idParam, invalidInput, labelSelector, mustGet, notFound, ok, paginate } from "../core";
import { type StorageBox, boxAction, boxOf } from "./storage-box-state";

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

export const snapshotCollection = (sim: Sim): Map<number, StorageBoxSnapshot> => sim.collection<StorageBoxSnapshot>("storage_box_snapshots");

function snapshotOf(sim: Sim, req: SimRequest): { box: StorageBox; snap: StorageBoxSnapshot } {
  const box = boxOf(sim, req);
  const snap = mustGet(snapshotCollection(sim), idParam(req, "storage box snapshot", "snapshot"), "storage box snapshot");
  if (snap.storage_box !== box.id) throw notFound("storage box snapshot", snap.id);
  return { box, snap };
}

const snapshotView = (sim: Sim, snap: StorageBoxSnapshot): StorageBoxSnapshot => sim.view("storage_box_snapshot", snap, structuredClone(snap));

export function registerStorageBoxSnapshots(sim: Sim): void {
  const snaps = snapshotCollection(sim);

  sim.route("hetzner", "GET", "/storage_boxes/:id/snapshots", (req) => {
    const box = boxOf(sim, req);
    const name = req.query.get("name");
    const automatic = req.query.get("is_automatic");
    const selector = req.query.get("label_selector");
    const match = selector ? labelSelector(selector) : () => true;
    const list = [...snaps.values()]
      .filter((s) => s.storage_box === box.id)
      .filter((s) => name === null || s.name === name)
      .filter((s) => automatic === null || String(s.is_automatic) === automatic)
      .filter((s) => match(s.labels))
      .sort((a, b) => a.id - b.id);
    return paginate("snapshots", list.map((s) => snapshotView(sim, s)), req.query);
  });

  sim.route("hetzner", "POST", "/storage_boxes/:id/snapshots", (req) => {
    const box = boxOf(sim, req);
    const description = req.body.description ?? "";
    if (typeof description !== "string") throw invalidInput("description", "must be a string");
    const labels = checkLabels(req.body.labels);
    const limit = box.storage_box_type.snapshot_limit;
    const manual = [...snaps.values()].filter((s) => s.storage_box === box.id && !s.is_automatic).length;
    if (limit !== null && manual >= limit) {
      throw new ApiError(403, "resource_limit_exceeded", `storage box ${box.id} (${box.storage_box_type.name}) already has its ${limit} snapshots`);
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
    return ok({ snapshot: snapshotView(sim, snap), action: boxAction(sim, "create_snapshot", box) }, 201);
  });

  sim.route("hetzner", "GET", "/storage_boxes/:id/snapshots/:snapshot", (req) => ok({ snapshot: snapshotView(sim, snapshotOf(sim, req).snap) }));

  sim.route("hetzner", "PUT", "/storage_boxes/:id/snapshots/:snapshot", (req) => {
    const { snap } = snapshotOf(sim, req);
    if (req.body.description !== undefined && req.body.description !== null) {
      if (typeof req.body.description !== "string") throw invalidInput("description", "must be a string");
      snap.description = req.body.description;
    }
    if (req.body.labels !== undefined && req.body.labels !== null) snap.labels = checkLabels(req.body.labels);
    return ok({ snapshot: snapshotView(sim, snap) });
  });

  sim.route("hetzner", "DELETE", "/storage_boxes/:id/snapshots/:snapshot", (req) => {
    const { box, snap } = snapshotOf(sim, req);
    snaps.delete(snap.id);
    return ok({ action: boxAction(sim, "delete_snapshot", box) });
  });
}
