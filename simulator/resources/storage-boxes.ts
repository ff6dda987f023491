/**
 * The simulated API for storage boxes on the Hetzner API (`/hetzner/v1`,
 * HETZNER_ENDPOINT): boxes and their actions here, subaccounts in
 * storage-box-subaccounts.ts, snapshots in storage-box-snapshots.ts, types
 * and the password policy in storage-box-offer.ts.
 *
 * What Hetzner does and this module does too (facts from hcloud-go's
 * schema/storage_box*.go and the provider's use of them; no code taken):
 * - A box has a computed username (`u` and digits), server
 *   (`<username>.your-storagebox.de`) and host system; its password and SSH
 *   keys are write-only (never answered; the provider keeps them from its
 *   configuration, and cannot update SSH keys: changing them replaces the box).
 * - Actions: change_protection, change_type, reset_password,
 *   update_access_settings (only the settings given change),
 *   enable_snapshot_plan (day_of_week 1 = Monday … 7 = Sunday, null = every
 *   day), disable_snapshot_plan, rollback_snapshot.
 * - Delete protection refuses a delete (`protected`); deleting a box deletes
 *   its subaccounts and snapshots.
 * - The provider waits for these actions on the Cloud API's `/actions?id=…`
 *   (it settles every action with the Cloud client), so actions of both APIs
 *   share one store (see actions.ts).
 *
 * State: `sim.collection("storage_boxes")` in API shape; passwords and SSH
 * keys in `storage_box_passwords` / `storage_box_ssh_keys` (never answered).
 *
 * Imports: ../core, ./storage-box-offer, ./storage-box-state, ./storage-box-subaccounts,
 * ./storage-box-snapshots.
 */
import { resourceActionRoutes } from "../resource-actions";
import {
  type Sim,
  checkLabels,
  checkUniqueName,
  filterList,
  invalidInput,
  ok,
  paginate,
  protectedError,
  requireString,
} from "../core";
import {
  type StorageBoxType,
  checkPassword,
  registerStorageBoxTypes,
  requireStorageBoxLocation,
  requireStorageBoxType,
} from "./storage-box-offer";
import { registerStorageBoxSnapshots, snapshotCollection } from "./storage-box-snapshots";
import {
  type SnapshotPlan,
  type StorageBox,
  type StorageBoxAccessSettings,
  accessSettingsOff,
  applyAccessSettings,
  boxAction,
  boxCollection,
  boxOf,
  boxView,
} from "./storage-box-state";
import { registerStorageBoxSubaccounts, subaccountCollection } from "./storage-box-subaccounts";
import type { Location } from "./offer";

const ACCESS_KEYS = ["reachable_externally", "samba_enabled", "ssh_enabled", "webdav_enabled", "zfs_enabled"] as const;

/** An OpenSSH public key line (`type base64 [comment]`), or `invalid_input`. */
function checkSshKeys(keys: unknown): string[] {
  if (keys === undefined || keys === null) return [];
  if (!Array.isArray(keys)) throw invalidInput("ssh_keys", "must be an array of public keys in OpenSSH format");
  return keys.map((k: unknown, i) => {
    const ok =
      typeof k === "string" &&
      /^(ssh-(rsa|ed25519|dss)|ecdsa-sha2-nistp(256|384|521)|sk-(ssh-ed25519|ecdsa-sha2-nistp256)@openssh\.com) [A-Za-z0-9+/]+={0,3}( .*)?$/.test(
        k.trim(),
      );
    if (!ok) throw invalidInput(`ssh_keys[${i}]`, "must be a public key in OpenSSH format");
    return (k as string).trim();
  });
}

/** Checks an enable_snapshot_plan body against the box type's limit of automatic snapshots. */
function checkSnapshotPlan(body: Record<string, any>, type: StorageBoxType): SnapshotPlan {
  const int = (field: string, min: number, max: number, nullable: boolean): number | null => {
    const v = body[field];
    if ((v === undefined || v === null) && nullable) return null;
    if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
      throw invalidInput(
        field,
        `must be an integer from ${min} to ${max}${nullable ? " or null" : ""}, got ${JSON.stringify(v)}`,
      );
    }
    return v;
  };
  const limit = type.automatic_snapshot_limit ?? 10000;
  return {
    max_snapshots: int("max_snapshots", 1, limit, false)!,
    minute: int("minute", 0, 59, false)!,
    hour: int("hour", 0, 23, false)!,
    day_of_week: int("day_of_week", 1, 7, true),
    day_of_month: int("day_of_month", 1, 31, true),
  };
}

function createBox(sim: Sim, body: Record<string, any>): StorageBox {
  const name = requireString(body, "name");
  const type = requireStorageBoxType("storage_box_type", body.storage_box_type);
  const location = requireStorageBoxLocation("location", body.location);
  const password = checkPassword(body.password);
  const labels = checkLabels(body.labels);
  const sshKeys = checkSshKeys(body.ssh_keys);
  const access: StorageBoxAccessSettings = accessSettingsOff(ACCESS_KEYS);
  applyAccessSettings(access, body.access_settings, ACCESS_KEYS);
  checkUniqueName(boxCollection(sim), name, "storage box");
  const id = sim.id();
  const username = `u${100000 + id}`;
  const box: StorageBox = {
    id,
    username,
    status: "active",
    name,
    storage_box_type: structuredClone(type) as StorageBoxType,
    location: structuredClone(location) as Location,
    access_settings: access,
    server: `${username}.your-storagebox.de`,
    system: `${location.name.toUpperCase()}-BX${100 + (id % 900)}`,
    stats: { size: 0, size_data: 0, size_snapshots: 0 },
    labels,
    protection: { delete: false },
    snapshot_plan: null,
    created: sim.now(),
  };
  sim.created("storage_box", box, body);
  boxCollection(sim).set(id, box);
  sim.collection<string>("storage_box_passwords").set(id, password);
  sim.collection<string[]>("storage_box_ssh_keys").set(id, sshKeys);
  return box;
}

function deleteBox(sim: Sim, box: StorageBox): void {
  if (box.protection.delete) throw protectedError("storage box", box.id);
  for (const sub of [...subaccountCollection(sim).values()])
    if (sub.storage_box === box.id) subaccountCollection(sim).delete(sub.id);
  for (const snap of [...snapshotCollection(sim).values()])
    if (snap.storage_box === box.id) snapshotCollection(sim).delete(snap.id);
  boxCollection(sim).delete(box.id);
  sim.collection("storage_box_passwords").delete(box.id);
  sim.collection("storage_box_ssh_keys").delete(box.id);
  sim.deleted("storage_box", box.id);
}

/** The boxes: list, create, read, update (name and labels), delete, and the folders of a box. */
function boxRoutes(sim: Sim): void {
  const boxes = boxCollection(sim);

  sim.route("hetzner", "GET", "/storage_boxes", (req) =>
    paginate(
      "storage_boxes",
      filterList(boxes.values(), req.query).map((b) => boxView(sim, b)),
      req.query,
    ),
  );

  sim.route("hetzner", "POST", "/storage_boxes", (req) => {
    const box = createBox(sim, req.body);
    return ok({ storage_box: boxView(sim, box), action: boxAction(sim, "create", box) }, 201);
  });

  sim.route("hetzner", "GET", "/storage_boxes/:id", (req) => ok({ storage_box: boxView(sim, boxOf(sim, req)) }));

  sim.route("hetzner", "PUT", "/storage_boxes/:id", (req) => {
    const box = boxOf(sim, req);
    if (req.body.name !== undefined && req.body.name !== "") {
      const name = requireString(req.body, "name");
      checkUniqueName(boxes, name, "storage box", box.id);
      box.name = name;
    }
    if (req.body.labels !== undefined && req.body.labels !== null) box.labels = checkLabels(req.body.labels);
    return ok({ storage_box: boxView(sim, box) });
  });

  sim.route("hetzner", "DELETE", "/storage_boxes/:id", (req) => {
    const box = boxOf(sim, req);
    deleteBox(sim, box);
    return ok({ action: boxAction(sim, "delete", box) });
  });

  sim.route("hetzner", "GET", "/storage_boxes/:id/folders", (req) => {
    const box = boxOf(sim, req);
    const path = (req.query.get("path") ?? "").replace(/^\/+|\/+$/g, "");
    const prefix = path === "" || path === "." ? "" : `${path}/`;
    const folders = new Set<string>();
    for (const sub of subaccountCollection(sim).values()) {
      if (sub.storage_box !== box.id || !sub.home_directory.startsWith(prefix)) continue;
      const rest = sub.home_directory.slice(prefix.length).replace(/^\/+/, "");
      const first = rest.split("/")[0];
      if (first) folders.add(first);
    }
    return ok({ folders: [...folders].sort() });
  });
}

/** The actions of a box: those that change it, and those it has (from the shared store). */
function boxActionRoutes(sim: Sim): void {
  resourceActionRoutes(sim, "hetzner", "/storage_boxes/:id", "storage_box", (req) => boxOf(sim, req).id);

  /** A box action: `POST /storage_boxes/{id}/actions/<name>`, answered with an action of the same name. */
  const action = (name: string, run: (box: StorageBox, body: Record<string, any>) => void): void => {
    sim.route("hetzner", "POST", `/storage_boxes/:id/actions/${name}`, (req) => {
      const box = boxOf(sim, req);
      run(box, req.body);
      return ok({ action: boxAction(sim, name, box) });
    });
  };

  action("change_protection", (box, body) => {
    if (body.delete !== undefined && typeof body.delete !== "boolean")
      throw invalidInput("delete", "must be a boolean");
    if (typeof body.delete === "boolean") box.protection.delete = body.delete;
  });

  action("change_type", (box, body) => {
    const type = requireStorageBoxType("storage_box_type", body.storage_box_type);
    const subaccounts = [...subaccountCollection(sim).values()].filter((s) => s.storage_box === box.id).length;
    if (subaccounts > type.subaccounts_limit) {
      throw invalidInput(
        "storage_box_type",
        `the box has ${subaccounts} subaccounts, ${type.name} allows ${type.subaccounts_limit}`,
      );
    }
    box.storage_box_type = structuredClone(type) as StorageBoxType;
  });

  action("reset_password", (box, body) => {
    sim.collection<string>("storage_box_passwords").set(box.id, checkPassword(body.password));
  });

  action("update_access_settings", (box, body) =>
    applyAccessSettings(box.access_settings, body, ACCESS_KEYS, "access_settings"),
  );

  action("enable_snapshot_plan", (box, body) => {
    box.snapshot_plan = checkSnapshotPlan(body, box.storage_box_type);
  });

  action("disable_snapshot_plan", (box) => {
    box.snapshot_plan = null;
  });

  action("rollback_snapshot", (box, body) => {
    const wanted = body.snapshot;
    const found = [...snapshotCollection(sim).values()].find(
      (s) => s.storage_box === box.id && (String(s.id) === String(wanted) || s.name === wanted),
    );
    if (!found) throw invalidInput("snapshot", `the storage box has no snapshot ${JSON.stringify(wanted)}`);
  });
}

export function registerStorageBoxes(sim: Sim): void {
  registerStorageBoxTypes(sim);
  boxRoutes(sim);
  boxActionRoutes(sim);
  registerStorageBoxSubaccounts(sim);
  registerStorageBoxSnapshots(sim);
}
