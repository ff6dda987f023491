/**
 * The storage boxes of the inventory: each box and subaccount with its
 * access, snapshot plan and password variable, read from the BackupStorage
 * construct.
 */
import type { NetworkSpec } from "../../description";
import { terraformAddress, type EnvironmentStacks } from "../../stacks/environment";
import { located, required } from "./built";
import type { InventoryStorageBox } from "./items";

type Access = { ssh?: boolean; samba?: boolean; webdav?: boolean; zfs?: boolean; reachable_externally?: boolean };
type Plan = NetworkSpec["storage_boxes"][number]["snapshot_plan"];

function access(a: Access): string[] {
  const on: string[] = [];
  if (a.ssh) on.push("ssh");
  if (a.samba) on.push("samba");
  if (a.webdav) on.push("webdav");
  if (a.zfs) on.push("zfs");
  on.push(a.reachable_externally ? "reachable externally" : "Hetzner network only");
  return on;
}

const WEEKDAYS = ["", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

function snapshotPlan(p: Plan): string {
  if (!p.enabled) return "none";
  const at = `${String(p.hour).padStart(2, "0")}:${String(p.minute).padStart(2, "0")} UTC`;
  const when =
    p.day_of_week !== undefined
      ? `every ${WEEKDAYS[p.day_of_week]}`
      : p.day_of_month !== undefined
        ? `monthly on day ${p.day_of_month}`
        : "daily";
  return `${when} at ${at}, ${p.max_snapshots} kept`;
}

/** Every storage box of the description, with its subaccounts. */
export function inventoryStorageBoxes(spec: NetworkSpec, stacks: EnvironmentStacks): InventoryStorageBox[] {
  return spec.storage_boxes.map((b) => {
    const box = stacks.storageBox(b.name);
    return {
      name: b.name,
      type: b.type,
      location: b.location,
      ...located(box.storageBox),
      host_output: `${b.name}-host`,
      access: access(b.access),
      snapshot_plan: snapshotPlan(b.snapshot_plan),
      password_env_var: `TF_VAR_${box.passwordVariable}`,
      subaccounts: b.subaccounts.map((sub) => {
        const built = required(box.subaccounts.get(sub.name), `subaccount ${sub.name} of ${b.name}`);
        return {
          name: sub.name,
          ...(sub.server !== undefined ? { server: sub.server } : {}),
          home_directory: sub.home_directory,
          readonly: sub.readonly,
          access: access(sub.access),
          ...(sub.description !== undefined ? { description: sub.description } : {}),
          resource: terraformAddress(built.subaccount),
          password_env_var: `TF_VAR_${built.passwordVariable}`,
        };
      }),
    };
  });
}
