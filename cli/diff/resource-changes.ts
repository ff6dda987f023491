/**
 * The resources of one stack, base against head: updated, replaced, moved
 * (a `moved` block of the head), created, adopted (an `import` block),
 * destroyed or forgotten (a `removed` block with `destroy = false`), each
 * judged by the per-resource rules. A resource on both sides is replaced
 * when an attribute of the replacement table changes and is not in the
 * head's lifecycle.ignore_changes. Pure.
 */
import {
  isIgnored,
  replacementReasons,
  summaryAttributes,
  type Body,
  type MutableChange,
  type ResourcePair,
} from "./classify";
import { showOf, type Block, type StackSides } from "./blocks";
import { attributeChanges, isIgnoredDiff, judge, newChange } from "./change";
import type { Action, Reason } from "./change-types";
import type { ReplaceTables } from "./tables";
import { attributePath, diffValues, isPlainObject, normaliseReference, showValue, type RawDiff } from "./values";

/** Attributes that change nothing in the infrastructure by themselves: comments and meta-arguments. */
const CONFIG_ONLY = new Set(["//", "lifecycle", "depends_on", "provider", "provisioner", "connection"]);

/** What the head's `moved`, `import` and `removed` blocks say about the stack's resources. */
interface Directives {
  /** New address → old address, for moves between two resources that exist only on their side. */
  readonly movedTo: ReadonlyMap<string, string>;
  readonly movedFrom: ReadonlySet<string>;
  /** Address → import id. */
  readonly imports: ReadonlyMap<string, unknown>;
  /** Addresses of `removed` blocks with `destroy = false`. */
  readonly forgotten: ReadonlySet<string>;
}

function listOf(value: unknown): Body[] {
  if (Array.isArray(value)) return value.filter(isPlainObject);
  return isPlainObject(value) ? [value] : [];
}

function directivesOf({ base, head }: StackSides): Directives {
  const [bRes, hRes] = [base.resources, head.resources];
  const movedTo = new Map<string, string>();
  for (const m of listOf(head.doc.moved)) {
    const from = typeof m.from === "string" ? m.from : undefined;
    const to = typeof m.to === "string" ? m.to : undefined;
    if (from && to && bRes.has(from) && !hRes.has(from) && hRes.has(to) && !bRes.has(to)) movedTo.set(to, from);
  }
  const imports = new Map<string, unknown>();
  for (const i of listOf(head.doc.import)) if (typeof i.to === "string") imports.set(i.to, i.id);
  const forgotten = new Set<string>();
  for (const r of listOf(head.doc.removed)) {
    const lifecycle = isPlainObject(r.lifecycle) ? r.lifecycle : {};
    if (typeof r.from === "string" && lifecycle.destroy === false) forgotten.add(r.from);
  }
  return { movedTo, movedFrom: new Set(movedTo.values()), imports, forgotten };
}

function ignoredOf(body: Body | undefined): readonly string[] | "all" {
  const lifecycle = body?.lifecycle;
  if (!isPlainObject(lifecycle)) return [];
  const list = lifecycle.ignore_changes;
  if (list === "all") return "all";
  return Array.isArray(list) ? list.filter((x): x is string => typeof x === "string").map(normaliseReference) : [];
}

/** The changes of a stack's resources, by address. */
export function resourceChanges(sides: StackSides, tables: ReplaceTables): MutableChange[] {
  const directives = directivesOf(sides);
  const { base, head } = sides;
  const changes: MutableChange[] = [];
  for (const address of [...new Set([...base.resources.keys(), ...head.resources.keys()])].sort()) {
    const change = resourceChange(sides, directives, tables, address);
    if (change) changes.push(change);
  }
  return changes;
}

function resourceChange(
  sides: StackSides,
  directives: Directives,
  tables: ReplaceTables,
  address: string,
): MutableChange | undefined {
  const before = sides.base.resources.get(address);
  const after = sides.head.resources.get(address);
  if (after === undefined)
    return directives.movedFrom.has(address) ? undefined : removedChange(sides, directives, tables, address, before!);
  if (before !== undefined) return pairChange(sides, tables, address, before, after);
  const from = directives.movedTo.get(address);
  if (from === undefined) return addedChange(sides, directives, tables, address, after);
  return pairChange(sides, tables, address, sides.base.resources.get(from)!, after, from);
}

/** A resource only in the base: destroyed, or forgotten through a `removed` block. */
function removedChange(
  sides: StackSides,
  directives: Directives,
  tables: ReplaceTables,
  address: string,
  before: Block,
): MutableChange {
  if (!directives.forgotten.has(address)) return oneSidedChange(sides, tables, address, before, "delete");
  const note = "a `removed` block with `destroy = false`: tofu forgets it and the resource stays";
  return oneSidedChange(sides, tables, address, before, "forget", note);
}

/** A resource only in the head (and not moved there): created, or adopted through an `import` block. */
function addedChange(
  sides: StackSides,
  directives: Directives,
  tables: ReplaceTables,
  address: string,
  after: Block,
): MutableChange {
  if (!directives.imports.has(address)) return oneSidedChange(sides, tables, address, after, "create");
  const id = showValue(directives.imports.get(address), ["id"], {});
  const note = `adopted through an \`import\` block (id ${id}): nothing is created`;
  return oneSidedChange(sides, tables, address, after, "import", note);
}

/** A resource on one side only (the base's when destroyed or forgotten, else the head's), judged. */
function oneSidedChange(
  sides: StackSides,
  tables: ReplaceTables,
  address: string,
  block: Block,
  action: Action,
  note?: string,
): MutableChange {
  const { stack, base, head } = sides;
  const removed = action === "delete" || action === "forget";
  const change = newChange({ stack, address, kind: "resource", type: block.type, name: block.name, action });
  change.summary.push(...summaryAttributes(block.type, block.body, showOf(removed ? base : head, block.type)));
  if (note !== undefined) change.notes.push(note);
  const pair: ResourcePair = {
    stack,
    address,
    type: block.type,
    action,
    ...(removed ? { before: block.body, ignored: [] } : { after: block.body, ignored: ignoredOf(block.body) }),
    diffs: [],
    showBefore: showOf(base, block.type),
    showAfter: showOf(head, block.type),
  };
  return judge(change, pair, tables);
}

/** What happens to a resource on both sides: replaced, moved, updated, or changed without effect. */
function pairAction(
  diffs: readonly RawDiff[],
  ignored: readonly string[] | "all",
  reasons: readonly Reason[],
  from: string | undefined,
): Action {
  if (reasons.length > 0) return "replace";
  if (from !== undefined) return "move";
  const effective = diffs.filter(
    (d) => !CONFIG_ONLY.has(String(d.path[0])) && !isIgnored(attributePath(d.path), ignored),
  );
  return effective.length > 0 ? "update" : "none";
}

/** A resource on both sides (or renamed by a moved block from `from`); undefined when nothing changes. */
function pairChange(
  sides: StackSides,
  tables: ReplaceTables,
  address: string,
  before: Block,
  after: Block,
  from?: string,
): MutableChange | undefined {
  const { stack, base, head } = sides;
  const diffs = diffValues(before.body, after.body);
  if (diffs.length === 0 && from === undefined) return undefined;
  const ignored = ignoredOf(after.body);
  const pair: ResourcePair = {
    stack,
    address,
    type: after.type,
    action: "update",
    before: before.body,
    after: after.body,
    diffs,
    ignored,
    showBefore: showOf(base, before.type),
    showAfter: showOf(head, after.type),
  };
  const reasons =
    before.type === after.type
      ? replacementReasons(pair, tables)
      : [{ class: "replace" as const, message: `its type changes from ${before.type}` }];
  const action = pairAction(diffs, ignored, reasons, from);
  const change = newChange({ stack, address, kind: "resource", type: after.type, name: after.name, action });
  if (from !== undefined) {
    // Set after the other fields: `from` comes last in the report's JSON of a diff.
    (change as { from?: string }).from = from;
    change.notes.push(`renamed from ${from} through a \`moved\` block: tofu keeps the resource`);
  }
  change.attributes.push(...attributeChanges(diffs, pair.showBefore, pair.showAfter, ignored, reasons));
  if (action === "none" && diffs.some((d) => isIgnoredDiff(d, ignored))) {
    change.notes.push("only attributes in lifecycle.ignore_changes change: tofu leaves the existing resource as it is");
  }
  return judge(change, { ...pair, action }, tables, reasons);
}
