/**
 * Storage boxes: closed to the outside, with snapshots, and protected from
 * deletion even in an unprotected environment.
 */
import { firstBlock } from "../environment-model";
import { RULE } from "../rules";
import { itemName, list, type ResourceCheck } from "./shared";

export const storageBoxAccess: ResourceCheck = {
  types: ["hcloud_storage_box", "hcloud_storage_box_subaccount"],
  check(entry, _model, report) {
    const access = firstBlock(entry.body.access_settings);
    const what =
      entry.type === "hcloud_storage_box"
        ? `storage box ${itemName(entry.subject)} (${entry.address} in ${entry.stackName})`
        : `subaccount ${entry.body.name ?? entry.name} of storage ` +
          `box ${itemName(entry.subject)} (${entry.address} in ${entry.stackName})`;
    const problems: string[] = [];
    if (access === undefined) problems.push("has no access_settings (Hetzner's defaults then apply)");
    else {
      if (access.reachable_externally !== false)
        problems.push(
          `is ${access.reachable_externally === true ? "" : "possibly "}reachable from outside Hetzner ` +
            `(reachable_externally ${access.reachable_externally === true ? "true" : "unset"})`,
        );
      if (access.samba_enabled !== false) problems.push(`has Samba ${access.samba_enabled === true ? "on" : "unset"}`);
      if (access.webdav_enabled !== false)
        problems.push(`has WebDAV ${access.webdav_enabled === true ? "on" : "unset"}`);
    }
    if (problems.length === 0) return;
    report(
      RULE.storageBoxAccess,
      `${what} ${list(problems)}: backups over SSH from Hetzner servers need none of it, and each is a way in ` +
        `for whoever gets the password. Set access: { reachable_externally: false, samba: false, webdav: false } ` +
        `in config (the library's defaults).`,
    );
  },
};

export const storageBoxSnapshots: ResourceCheck = {
  types: ["hcloud_storage_box"],
  check(entry, _model, report) {
    const plan = firstBlock(entry.body.snapshot_plan);
    if (plan !== undefined && typeof plan.max_snapshots === "number" && plan.max_snapshots >= 1) return;
    report(
      RULE.storageBoxSnapshots,
      `storage box ${itemName(entry.subject)} (${entry.address} in ${entry.stackName}) has no snapshot plan: a ` +
        `compromised server can delete its own backups, and only Hetzner-made snapshots are out of its reach. Set ` +
        `snapshot_plan in config (enabled: true, max_snapshots ≥ 1; the default is daily, 7 kept).`,
    );
  },
};

export const storageBoxDeleteProtection: ResourceCheck = {
  types: ["hcloud_storage_box"],
  check(entry, model, report) {
    if (model.protect || entry.body.delete_protection === true) return;
    report(
      RULE.storageBoxDeleteProtection,
      `storage box ${itemName(entry.subject)} (${entry.address} in ${entry.stackName}) has no delete protection ` +
        `in unprotected environment ${model.name}: one console click or API call deletes every backup in it. ` +
        `Protect it (environment.protect: true), or suppress this warning for an environment whose backups are ` +
        `disposable.`,
    );
  },
};
