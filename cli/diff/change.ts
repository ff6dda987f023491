/**
 * A change under construction, as compare.ts (two synthesised outputs) and
 * plan.ts (a saved plan) make them: its fields, its attributes as shown,
 * the verdict of the per-resource rules, and how the environment-wide rules
 * find (or add) the change of a resource.
 */
import {
  classifyResource,
  isIgnored,
  statefulLoss,
  type ChangeFinder,
  type MutableChange,
  type ResourcePair,
} from "./classify";
import type { AttributeChange, Change, Reason } from "./change-types";
import type { ReplaceTables } from "./tables";
import {
  ABSENT,
  attributePath,
  formatPath,
  isWithin,
  showValue,
  type Path,
  type RawDiff,
  type ShowContext,
} from "./values";

/** What identifies a change: the block, what happens to it, and for a move where it was. */
export type ChangeHead = Pick<Change, "stack" | "address" | "kind" | "type" | "name" | "action" | "from">;

/** A change with nothing to show yet; a resource is stateful when its type holds data or addresses. */
export function newChange(head: ChangeHead): MutableChange {
  return {
    stack: head.stack,
    address: head.address,
    kind: head.kind,
    type: head.type,
    name: head.name,
    action: head.action,
    ...(head.from !== undefined ? { from: head.from } : {}),
    stateful: head.kind === "resource" && statefulLoss(head.type) !== undefined,
    summary: [],
    attributes: [],
    dangers: [],
    warnings: [],
    notes: [],
  };
}

/** DNS record values are published by design: only private keys are masked in them (as in the secret scan). */
export function publishedPath(type: string): ((path: Path) => boolean) | undefined {
  if (type === "hcloud_zone_rrset") return (p) => p[0] === "records" && p[p.length - 1] === "value";
  if (type === "hcloud_zone_record") return (p) => p.length === 1 && p[0] === "value";
  return undefined;
}

/** True when the attribute's change is in lifecycle.ignore_changes (comments and lifecycle itself never are). */
export function isIgnoredDiff(diff: RawDiff, ignored: readonly string[] | "all"): boolean {
  return diff.path[0] !== "//" && diff.path[0] !== "lifecycle" && isIgnored(attributePath(diff.path), ignored);
}

/** The attributes that change, as shown, marked when ignored or when they force the replacement. */
export function attributeChanges(
  diffs: readonly RawDiff[],
  before: ShowContext,
  after: ShowContext,
  ignored: readonly string[] | "all" = [],
  replacing: readonly Reason[] = [],
): AttributeChange[] {
  return diffs.map((d) => {
    const attr = attributePath(d.path);
    return {
      path: formatPath(d.path),
      ...(d.old === ABSENT ? {} : { old: showValue(d.old, d.path, before) }),
      ...(d.new === ABSENT ? {} : { new: showValue(d.new, d.path, after) }),
      ...(isIgnoredDiff(d, ignored) ? { ignored: true } : {}),
      ...(replacing.some(
        (r) => r.attribute !== undefined && (isWithin(attr, r.attribute) || isWithin(r.attribute, attr)),
      )
        ? { forcesReplacement: true }
        : {}),
    };
  });
}

/** Adds the verdict of the per-resource rules to a change. */
export function judge(
  change: MutableChange,
  pair: ResourcePair,
  tables: ReplaceTables,
  reasons: readonly Reason[] = [],
  unknown?: (attribute: string) => boolean,
): MutableChange {
  const verdict = classifyResource(pair, tables, reasons, unknown);
  change.dangers.push(...verdict.dangers);
  change.warnings.push(...verdict.warnings);
  change.notes.push(...verdict.notes);
  return change;
}

/**
 * The {@link ChangeFinder} of the environment-wide rules over `changes`: a
 * resource without a change of its own gets one without action, named by
 * `nameOf` its address, with `note` saying why it is listed.
 */
export function changeFinder(
  changes: MutableChange[],
  note: string,
  nameOf: (address: string) => string,
): ChangeFinder {
  return (...targets) => {
    for (const t of targets) {
      const found = changes.find((c) => c.kind === "resource" && c.stack === t.stack && c.address === t.address);
      if (found) return found;
    }
    const t = targets[0];
    const created = newChange({
      stack: t.stack,
      address: t.address,
      kind: "resource",
      type: t.type,
      name: nameOf(t.address),
      action: "none",
    });
    created.notes.push(note);
    changes.push(created);
    return created;
  };
}
