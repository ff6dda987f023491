/**
 * What the storage box modules share: the box's shape as the API answers it,
 * its collection, the box of a path, its actions, how access settings are
 * applied (boxes and subaccounts take them the same way), the copy a view
 * starts from, and the list and read routes of a box's own records
 * (snapshots, subaccounts).
 *
 * Imports: ../core; ../crud, ./offer and ./storage-box-offer (types only).
 */
import type { Action, Sim, SimRequest } from "../core";
import { idParam, invalidInput, mustGet, nameAndLabelFilter, notFound, ok, paginate } from "../core";
import type { ListFilter } from "../crud";
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

/** A record of one of a box's own collections (snapshots, subaccounts), with its box, as the path names them. */
export interface BoxChild<T> {
  readonly box: StorageBox;
  readonly child: T;
}

/** A record of a box's own collection, as {@link boxChildRoutes} reads it. */
interface BoxOwned {
  id: number;
  /** The box's ID. */
  storage_box: number;
  name: string;
  labels: Record<string, string>;
}

/** What {@link boxChildRoutes} registers for one of a box's own collections. */
export interface BoxChildRoutes<T> {
  /** The path segment below the box and the list's key, e.g. `snapshots`. */
  readonly plural: string;
  /** The key of one record in an answer, e.g. `snapshot`. */
  readonly singular: string;
  /** The path parameter that names one record, e.g. `snapshot` in `/storage_boxes/:id/snapshots/:snapshot`. */
  readonly param: string;
  /** The record as its errors name it, e.g. `storage box snapshot`. */
  readonly what: string;
  /** The record as the API answers it. */
  readonly view: (record: T) => unknown;
  /** The list's own filter, built from the query, on top of `name` and `label_selector` (`is_automatic`, …). */
  readonly filter: ListFilter<T>;
}

/**
 * Registers `GET /storage_boxes/:id/<plural>` (the box's records by id,
 * filtered by `name`, `label_selector` and the spec's filter; paginated) and
 * `GET /storage_boxes/:id/<plural>/:<param>`. Returns the lookup of the
 * record a path names and its box, for the other routes: `not_found` when
 * either is unknown or the record belongs to another box.
 */
export function boxChildRoutes<T extends BoxOwned>(
  sim: Sim,
  c: Map<number, T>,
  spec: BoxChildRoutes<T>,
): (req: SimRequest) => BoxChild<T> {
  const childOf = (req: SimRequest): BoxChild<T> => {
    const box = boxOf(sim, req);
    const child = mustGet(c, idParam(req, spec.what, spec.param), spec.what);
    if (child.storage_box !== box.id) throw notFound(spec.what, child.id);
    return { box, child };
  };
  const path = `/storage_boxes/:id/${spec.plural}`;
  sim.route("hetzner", "GET", path, (req) => {
    const box = boxOf(sim, req);
    const own = spec.filter(req.query);
    const matches = nameAndLabelFilter(req.query);
    const list = [...c.values()]
      .filter((r) => r.storage_box === box.id && matches(r) && own(r))
      .sort((a, b) => a.id - b.id);
    return paginate(spec.plural, list.map(spec.view), req.query);
  });
  sim.route("hetzner", "GET", `${path}/:${spec.param}`, (req) =>
    ok({ [spec.singular]: spec.view(childOf(req).child) }),
  );
  return childOf;
}

/** A record as the API answers it: a deep copy, with what other modules add to a `type` ({@link Sim.view}). */
export const apiView = <T>(sim: Sim, type: string, record: T): T => sim.view(type, record, structuredClone(record));

export const boxResource = (box: StorageBox): { id: number; type: string }[] => [{ id: box.id, type: "storage_box" }];

export const boxAction = (sim: Sim, command: string, box: StorageBox): Action => sim.action(command, boxResource(box));

/** Access settings with every one of `keys` off, in their order (what a new box or subaccount starts with). */
export function accessSettingsOff<K extends string>(keys: readonly K[]): Record<K, boolean> {
  return Object.fromEntries(keys.map((key) => [key, false])) as Record<K, boolean>;
}

/**
 * Applies the access settings given in `body` (booleans; absent ones keep
 * their value) to `into`, as create and update_access_settings take them.
 */
export function applyAccessSettings<K extends string>(
  into: Record<K, boolean>,
  body: unknown,
  keys: readonly K[],
  field = "access_settings",
): void {
  if (body === undefined || body === null) return;
  if (typeof body !== "object" || Array.isArray(body)) throw invalidInput(field, "must be an object of booleans");
  for (const key of keys) {
    const v = (body as Record<string, unknown>)[key];
    if (v === undefined || v === null) continue;
    if (typeof v !== "boolean") throw invalidInput(`${field}.${key}`, "must be a boolean");
    into[key] = v;
  }
}

export const boxView = (sim: Sim, box: StorageBox): StorageBox => apiView(sim, "storage_box", box);
