/**
 * Storage boxes (backup): unique names, labels, a location that offers them,
 * known SSH keys, a snapshot plan of one kind, and subaccounts (a server or a
 * description each, one per server, home directories that do not overlap a
 * writable one).
 */
import { LOCATIONS, suggestionHint } from "../catalogue";
import type { Description } from "../schema";
import type { PathSegment } from "../problems";
import type { StorageBoxSpec } from "../types";
import { checkLabels, checkLocationAllowed, uniqueNames } from "./common";
import { labelsFor, type CheckContext } from "./context";
import type { Operators } from "./operators";

type BoxInput = Description["storage_boxes"][number];
type SubaccountInput = BoxInput["subaccounts"][number];
type Home = { dir: string; index: number; readonly: boolean };

/** Checks storage_boxes; keys are looked up in the operators', servers by their first index. */
export function checkStorageBoxes(
  ctx: CheckContext,
  operators: Operators,
  serverNames: ReadonlyMap<string, number>,
): StorageBoxSpec[] {
  uniqueNames(ctx.r, ctx.d.storage_boxes, ["storage_boxes"], "storage box name", (b) => b.name);
  return ctx.d.storage_boxes.map((box, i) => checkBox(ctx, operators, serverNames, box, ["storage_boxes", i]));
}

/** One storage box, with its subaccounts resolved. */
function checkBox(
  ctx: CheckContext,
  operators: Operators,
  serverNames: ReadonlyMap<string, number>,
  box: BoxInput,
  path: PathSegment[],
): StorageBoxSpec {
  const { r } = ctx;
  checkLabels(r, [...path, "labels"], box.labels);
  checkLocationAllowed(ctx, box.location, [...path, "location"]);
  if (!LOCATIONS[box.location]!.storageBoxes) {
    // the schema's enum holds only catalogue locations
    const where = Object.entries(LOCATIONS)
      .filter(([, l]) => l.storageBoxes)
      .map(([n]) => n);
    r.report(
      [...path, "location"],
      `storage boxes are not offered in ${box.location}`,
      `choose one of ${where.join(", ")}`,
    );
  }
  box.ssh_keys.forEach((name, j) => {
    if (!operators.keyNames.has(name)) {
      r.report(
        [...path, "ssh_keys", j],
        `unknown SSH key "${name}"`,
        suggestionHint(name, operators.keyNameList, "SSH keys (operators.ssh_keys)"),
      );
    }
  });
  const plan = box.snapshot_plan;
  if (plan.day_of_week !== undefined && plan.day_of_month !== undefined) {
    r.report(
      [...path, "snapshot_plan", "day_of_month"],
      "give day_of_week (weekly) or day_of_month (monthly), not both",
      "omit both for a daily plan",
    );
  }
  uniqueNames(r, box.subaccounts, [...path, "subaccounts"], "subaccount name", (s) => s.name);
  const homes: Home[] = [];
  const perServer = new Map<string, number>();
  const subaccounts = box.subaccounts.map((sub, j) => {
    const subPath = [...path, "subaccounts", j];
    checkLabels(r, [...subPath, "labels"], sub.labels);
    checkSubaccountServer(ctx, serverNames, perServer, box, sub, j, subPath);
    const home = (sub.home_directory ?? sub.name).replace(/\/+$/, "");
    checkHome(ctx, homes, box, sub, j, home, subPath);
    return { ...sub, home_directory: home, labels: labelsFor(ctx, "backup", sub.labels) };
  });
  return { ...box, subaccounts, labels: labelsFor(ctx, "backup", box.labels) };
}

/** A subaccount names a known server (one subaccount per server in a box), or says in a description what it is for. */
function checkSubaccountServer(
  ctx: CheckContext,
  serverNames: ReadonlyMap<string, number>,
  perServer: Map<string, number>,
  box: BoxInput,
  sub: SubaccountInput,
  j: number,
  subPath: PathSegment[],
): void {
  const { r } = ctx;
  if (sub.server === undefined) {
    if (!sub.description?.trim()) {
      r.report(
        subPath,
        `subaccount ${sub.name} has neither a server nor a description`,
        "say which server or service it is for",
      );
    }
    return;
  }
  if (!serverNames.has(sub.server)) {
    r.report(
      [...subPath, "server"],
      `unknown server "${sub.server}"`,
      suggestionHint(sub.server, [...serverNames.keys()], "servers"),
    );
    return;
  }
  const previous = perServer.get(sub.server);
  if (previous !== undefined) {
    // previous is an index into box.subaccounts (see perServer.set below).
    r.report(
      [...subPath, "server"],
      `server ${sub.server} already has subaccount ${box.subaccounts[previous]!.name} in this box`,
      "one subaccount per server",
    );
  } else perServer.set(sub.server, j);
}

/** The home directory is a clean relative path and does not overlap another's where one of them may write. */
function checkHome(
  ctx: CheckContext,
  homes: Home[],
  box: BoxInput,
  sub: SubaccountInput,
  j: number,
  home: string,
  subPath: PathSegment[],
): void {
  const homePath = sub.home_directory !== undefined ? [...subPath, "home_directory"] : [...subPath, "name"];
  const dots = home.split("/").some((part) => part === "." || part === "..");
  if (!/^[A-Za-z0-9._-]+(?:\/[A-Za-z0-9._-]+)*$/.test(home) || dots) {
    ctx.r.report(
      homePath,
      `home directory "${home}" must be a relative path of letters, digits, ".", "_" and "-"`,
      "e.g. servers/web-1",
    );
    return;
  }
  // A read-only subaccount may look into others' directories (restores); a writable one may not.
  const clash = homes.find(
    (h) =>
      h.dir === home ||
      (home.startsWith(`${h.dir}/`) && !h.readonly) ||
      (h.dir.startsWith(`${home}/`) && !sub.readonly),
  );
  if (clash) {
    ctx.r.report(
      homePath,
      `home directory ${home} overlaps ${clash.dir} of subaccount ${box.subaccounts[clash.index]!.name}`,
      "each writable subaccount needs its own directory: it could change the other's backups " +
        "(a readonly one may contain others)",
    );
  }
  homes.push({ dir: home, index: j, readonly: sub.readonly });
}
