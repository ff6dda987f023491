/**
 * Protection and destruction: stateful resources locked and kept from
 * destroy in a protected environment, servers never silently replaced,
 * and stateful servers backed up.
 */
import { REBUILD_ATTRIBUTES } from "../../constructs";
import { statefulTypes } from "../../constructs/stateful";
import { firstBlock } from "../environment-model";
import { RULE } from "../rules";
import { describe, itemName, list, roleOf, rolePolicy, statefulName, type ResourceCheck } from "./shared";

/** Stateful resource types: what protect: true must protect (constructs/stateful.ts). */
export const PROTECTED_TYPES: readonly string[] = statefulTypes("protect");

export const protectStateful: ResourceCheck = {
  types: PROTECTED_TYPES,
  check(entry, model, report) {
    if (!model.protect) return;
    const missing: string[] = [];
    if (entry.body.delete_protection !== true) missing.push("delete_protection");
    if (entry.type === "hcloud_server" && entry.body.rebuild_protection !== true) missing.push("rebuild_protection");
    // A server declared allow_rebuild gives up prevent_destroy on purpose, for
    // one deliberate rebuild (its addresses and volumes keep theirs); the
    // server-rebuild-allowed warning reports it while it lasts.
    const rebuilding =
      entry.type === "hcloud_server" && model.specServer(itemName(entry.subject))?.allow_rebuild === true;
    if (!rebuilding && firstBlock(entry.body.lifecycle)?.prevent_destroy !== true)
      missing.push("lifecycle.prevent_destroy");
    if (missing.length === 0) return;
    report(
      RULE.protectStateful,
      `${statefulName(entry)} (${entry.address} in ${entry.stackName}) of protected environment ${model.name} ` +
        `lacks ${list(missing)}: Hetzner's delete protection alone does not stop a destroy (the provider lifts it ` +
        `first), prevent_destroy alone does not stop the console or API. Create it with protect: true (the ` +
        `library's default, which the stacks take from environment.protect).`,
    );
  },
};

export const serverReplaceGuard: ResourceCheck = {
  types: ["hcloud_server"],
  check(entry, model, report) {
    const name = itemName(entry.subject);
    if (model.specServer(name)?.allow_rebuild === true) {
      report(
        RULE.serverRebuildAllowed,
        `${describe(entry, "server")} is declared allow_rebuild: true: a change of its image, SSH keys or user ` +
          `data now destroys and recreates it, wiping its disk, and the server has no prevent_destroy (its ` +
          `addresses and volumes keep theirs). Apply the deliberate rebuild, then set allow_rebuild back to false.`,
      );
      return;
    }
    const ignore = firstBlock(entry.body.lifecycle)?.ignore_changes;
    const ignored: readonly unknown[] = ignore === "all" ? REBUILD_ATTRIBUTES : Array.isArray(ignore) ? ignore : [];
    const missing = REBUILD_ATTRIBUTES.filter((a) => !ignored.includes(a));
    if (missing.length === 0) return;
    report(
      RULE.serverReplaceGuard,
      `${describe(entry, "server")} would be destroyed and recreated (its disk wiped) by a change ` +
        `of ${list(missing)}: with this provider they replace the server. Keep them in lifecycle.ignore_changes ` +
        `(the Server construct does unless allowRebuild), and rebuild deliberately with allow_rebuild: true in ` +
        `config.`,
    );
  },
};

export const statefulBackups: ResourceCheck = {
  types: ["hcloud_server"],
  check(entry, model, report) {
    const role = roleOf(entry);
    const policy = rolePolicy(role);
    const volumes = model.volumesOf(entry);
    const stateful = policy === undefined || policy.stateful || volumes > 0;
    if (!stateful || entry.body.backups === true) return;
    const name = itemName(entry.subject);
    if (model.backedUpServers.has(name)) return;
    const why =
      volumes > 0
        ? `it has ${volumes} volume${volumes === 1 ? "" : "s"}`
        : policy === undefined
          ? `its role ${role === undefined ? "(none)" : `"${role}"`} is not in the role table, so it counts as stateful`
          : `role "${role}" holds data`;
    report(
      RULE.statefulBackups,
      `${describe(entry, "server")} has no backup: ${why}, but Hetzner backups are off and no storage-box ` +
        `subaccount names it. Set backups: true (the default) or add a subaccount with server: ${name} to a ` +
        `storage box.`,
    );
  },
};
