/**
 * Subaccounts of storage boxes (`/storage_boxes/{id}/subaccounts` on the
 * Hetzner API): extra users, each limited to its home directory.
 *
 * What Hetzner does and this module does too (facts from hcloud-go's
 * schema/storage_box_subaccount.go and the provider; no code taken): the
 * username is the box's with `-sub<n>` (n counts up per box and is never
 * reused), the server is `<username>.your-storagebox.de`; the password is
 * write-only; the home directory is relative (no leading `/`) and answered as
 * given; the create answer holds only the ids (`{id, storage_box}`) and an
 * action; a name left out is the username; a box holds at most its type's
 * `subaccounts_limit`. Actions: reset_subaccount_password,
 * update_access_settings (only the settings given change),
 * change_home_directory.
 *
 * Not simulated: Hetzner refuses a second subaccount create on a box while
 * one is running (`locked`); the provider retries that with backoff from 1 s,
 * which would only slow rehearsals down.
 *
 * State: `sim.collection("storage_box_subaccounts")` in API shape; passwords
 * in `storage_box_subaccount_passwords`; the per-box counter in
 * `storage_box_subaccount_counters`.
 *
 * Imports: ../core, ../crud, ./storage-box-offer, ./storage-box-state.
 */
import { type Sim, ApiError, checkLabels, invalidInput, ok } from "../core";
import { queryFilter } from "../crud";
import { checkPassword } from "./storage-box-offer";
import {
  type StorageBox,
  accessSettingsOff,
  apiView,
  applyAccessSettings,
  boxAction,
  boxChildRoutes,
  boxOf,
} from "./storage-box-state";

export interface SubaccountAccessSettings {
  reachable_externally: boolean;
  readonly: boolean;
  samba_enabled: boolean;
  ssh_enabled: boolean;
  webdav_enabled: boolean;
}

/** A subaccount as the API answers it. */
export interface StorageBoxSubaccount {
  id: number;
  name: string;
  username: string;
  home_directory: string;
  server: string;
  access_settings: SubaccountAccessSettings;
  description: string;
  labels: Record<string, string>;
  created: string;
  storage_box: number;
}

const ACCESS_KEYS = ["reachable_externally", "readonly", "samba_enabled", "ssh_enabled", "webdav_enabled"] as const;

export const subaccountCollection = (sim: Sim): Map<number, StorageBoxSubaccount> =>
  sim.collection<StorageBoxSubaccount>("storage_box_subaccounts");

const subaccountsOf = (sim: Sim, box: StorageBox): StorageBoxSubaccount[] =>
  [...subaccountCollection(sim).values()].filter((s) => s.storage_box === box.id).sort((a, b) => a.id - b.id);

/** The subaccount of the path (`:id` the box, `:sub` the subaccount), or `not_found`. */
/** A home directory: relative (no leading slash), no `.` or `..` segments, no control characters. */
export function checkHomeDirectory(value: unknown, field = "home_directory"): string {
  if (typeof value !== "string" || value === "") throw invalidInput(field, "is required");
  if (value.startsWith("/"))
    throw invalidInput(field, `must not start with a slash (it is relative to the box), got ${JSON.stringify(value)}`);
  if (value.split("/").some((s) => s === "." || s === ".."))
    throw invalidInput(field, `must not contain . or .. segments, got ${JSON.stringify(value)}`);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: Hetzner's rule for a home directory: no control characters
  if (/[\x00-\x1f\x7f]/.test(value)) throw invalidInput(field, "must not contain control characters");
  if (value.length > 255) throw invalidInput(field, "must be at most 255 characters long");
  return value;
}

/** Refuses a name another subaccount of the box already has. */
function checkUniqueSubaccountName(sim: Sim, box: StorageBox, name: string, self?: number): void {
  if (subaccountsOf(sim, box).some((s) => s.name === name && s.id !== self)) {
    throw new ApiError(409, "uniqueness_error", `subaccount name "${name}" is already used in storage box ${box.id}`, {
      fields: [{ name: "name", messages: ["is already used"] }],
    });
  }
}

const optionalString = (body: Record<string, any>, field: string): string | undefined => {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string") throw invalidInput(field, "must be a string");
  return v;
};

function createSubaccount(sim: Sim, box: StorageBox, body: Record<string, any>): StorageBoxSubaccount {
  const home = checkHomeDirectory(body.home_directory);
  const password = checkPassword(body.password);
  const description = optionalString(body, "description") ?? "";
  const labels = checkLabels(body.labels);
  const access: SubaccountAccessSettings = accessSettingsOff(ACCESS_KEYS);
  applyAccessSettings(access, body.access_settings, ACCESS_KEYS);
  const limit = box.storage_box_type.subaccounts_limit;
  if (subaccountsOf(sim, box).length >= limit) {
    throw new ApiError(
      403,
      "resource_limit_exceeded",
      `storage box ${box.id} (${box.storage_box_type.name}) already has its ${limit} subaccounts`,
    );
  }
  const counters = sim.collection<number>("storage_box_subaccount_counters");
  const n = (counters.get(box.id) ?? 0) + 1;
  const username = `${box.username}-sub${n}`;
  const name = optionalString(body, "name") || username;
  checkUniqueSubaccountName(sim, box, name);
  counters.set(box.id, n);
  const sub: StorageBoxSubaccount = {
    id: sim.id(),
    name,
    username,
    home_directory: home,
    server: `${username}.your-storagebox.de`,
    access_settings: access,
    description,
    labels,
    created: sim.now(),
    storage_box: box.id,
  };
  sim.created("storage_box_subaccount", sub, body);
  subaccountCollection(sim).set(sub.id, sub);
  sim.collection<string>("storage_box_subaccount_passwords").set(sub.id, password);
  return sub;
}

const NAMES = { plural: "subaccounts", singular: "subaccount", param: "sub", what: "storage box subaccount" } as const;

export function registerStorageBoxSubaccounts(sim: Sim): void {
  const subs = subaccountCollection(sim);
  const view = (sub: StorageBoxSubaccount) => apiView(sim, "storage_box_subaccount", sub);
  const filter = queryFilter("username", (s: StorageBoxSubaccount) => s.username);
  /** The subaccount of the path (`:id` the box, `:sub` the subaccount), with its box. */
  const subaccountOf = boxChildRoutes(sim, subs, { ...NAMES, view, filter });

  sim.route("hetzner", "POST", "/storage_boxes/:id/subaccounts", (req) => {
    const box = boxOf(sim, req);
    const sub = createSubaccount(sim, box, req.body);
    return ok(
      { subaccount: { id: sub.id, storage_box: box.id }, action: boxAction(sim, "create_subaccount", box) },
      201,
    );
  });

  sim.route("hetzner", "PUT", "/storage_boxes/:id/subaccounts/:sub", (req) => {
    const { box, child: sub } = subaccountOf(req);
    const name = optionalString(req.body, "name");
    if (name !== undefined && name !== "") {
      checkUniqueSubaccountName(sim, box, name, sub.id);
      sub.name = name;
    }
    const description = optionalString(req.body, "description");
    if (description !== undefined) sub.description = description;
    if (req.body.labels !== undefined && req.body.labels !== null) sub.labels = checkLabels(req.body.labels);
    return ok({ subaccount: view(sub) });
  });

  sim.route("hetzner", "DELETE", "/storage_boxes/:id/subaccounts/:sub", (req) => {
    const { box, child: sub } = subaccountOf(req);
    subs.delete(sub.id);
    sim.collection("storage_box_subaccount_passwords").delete(sub.id);
    sim.deleted("storage_box_subaccount", sub.id);
    return ok({ action: boxAction(sim, "delete_subaccount", box) });
  });

  /** A subaccount action: `POST …/subaccounts/{id}/actions/<name>`. */
  const action = (
    name: string,
    command: string,
    run: (sub: StorageBoxSubaccount, body: Record<string, any>) => void,
  ): void => {
    sim.route("hetzner", "POST", `/storage_boxes/:id/subaccounts/:sub/actions/${name}`, (req) => {
      const { box, child: sub } = subaccountOf(req);
      run(sub, req.body);
      return ok({ action: boxAction(sim, command, box) });
    });
  };

  action("reset_subaccount_password", "reset_subaccount_password", (sub, body) => {
    sim.collection<string>("storage_box_subaccount_passwords").set(sub.id, checkPassword(body.password));
  });
  action("update_access_settings", "update_subaccount_access_settings", (sub, body) =>
    applyAccessSettings(sub.access_settings, body, ACCESS_KEYS, "access_settings"),
  );
  action("change_home_directory", "change_subaccount_home_directory", (sub, body) => {
    sub.home_directory = checkHomeDirectory(body.home_directory);
  });
}
