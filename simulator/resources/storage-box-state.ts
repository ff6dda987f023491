/**
 * What the storage box modules share: the box's shape as the API answers it,
 * its collection, the box of a path, its actions, and how access settings are
 * applied (boxes and subaccounts take them the same way).
 *
 * Imports: ../core, ./offer and ./storage-box-offer (types only).
 */
import { type Action, type Sim, type SimRequest, idParam, invalidInput, mustGet } from "../core";
import type { Location } from "./offer";
import type { StorageBoxType } from "./storage-box-offer";

export interface StorageBoxAccessSettings {
  reachable_externally: boolean;
  samba_enabled: boolean;
  ssh_enabled: boolean;
  webdav_enabled: boolean;
  zfs_enabled: boolean;
}

export interface SnapshotPlan {
  max_snapshots: number;
  minute: number;
  hour: number;
  day_of_week: number | null;
  day_of_month: number | null;
}

/** A storage box as the API answers it. */
export interface StorageBox {
  id: number;
  username: string;
  status: "active" | "initializing" | "locked";
  name: string;
  storage_box_type: StorageBoxType;
  location: Location;
  access_settings: StorageBoxAccessSettings;
  server: string;
  system: string;
  stats: { size: number; size_data: number; size_snapshots: number };
  labels: Record<string, string>;
  protection: { delete: boolean };
  snapshot_plan: SnapshotPlan | null;
  created: string;
}

export const boxCollection = (sim: Sim): Map<number, StorageBox> => sim.collection<StorageBox>("storage_boxes");

/** The box of the path's `:id`, or `not_found`. */
export function boxOf(sim: Sim, req: SimRequest, param = "id"): StorageBox {
  return mustGet(boxCollection(sim), idParam(req, "storage box", param), "storage box");
}

export const boxResource = (box: StorageBox): { id: number; type: string }[] => [{ id: box.id, type: "storage_box" }];

export const boxAction = (sim: Sim, command: string, box: StorageBox): Action => sim.action(command, boxResource(box));

/**
 * Applies the access settings given in `body` (booleans; absent ones keep
 * their value) to `into`, as create and update_access_settings take them.
 */
export function applyAccessSettings<K extends string>(into: Record<K, boolean>, body: unknown, keys: readonly K[], field = "access_settings"): void {
  if (body === undefined || body === null) return;
  if (typeof body !== "object" || Array.isArray(body)) throw invalidInput(field, "must be an object of booleans");
  for (const key of keys) {
    const v = (body as Record<string, unknown>)[key];
    if (v === undefined || v === null) continue;
    if (typeof v !== "boolean") throw invalidInput(`${field}.${key}`, "must be a boolean");
    into[key] = v;
  }
}

export const boxView = (sim: Sim, box: StorageBox): StorageBox => sim.view("storage_box", box, structuredClone(box));
