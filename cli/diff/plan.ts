/**
 * `all2all plan-summary`: the classification of `all2all diff`, fed from the
 * JSON of a saved plan (`tofu show -json plan.out`, the documented JSON
 * output format, format_version 1.x). tofu has already decided what is
 * replaced (actions ["delete","create"] or ["create","delete"], with
 * replace_paths) and applied lifecycle.ignore_changes; the replacement table
 * only adds the provider source to each reason. Values marked in
 * before_sensitive / after_sensitive are masked, as are values named like a
 * secret and high-entropy strings; values in after_unknown show as
 * "(known after apply)".
 */
import { InputError } from "../errors";
import { attributeChanges, changeFinder, judge, newChange, publishedPath } from "./change";
import {
  classifyEnvironments,
  cite,
  summaryAttributes,
  type Body,
  type MutableChange,
  type ResourcePair,
  type SideResource,
} from "./classify";
import type { Action, Change, Reason } from "./change-types";
import { sortChanges } from "./sort";
import { tableOf, type ReplaceTables } from "./tables";
import {
  UNKNOWN,
  attributePath,
  diffValues,
  formatPath,
  isPlainObject,
  isWithin,
  showValue,
  valueAt,
  type Path,
} from "./values";

/** The parts of a plan's JSON this command reads. */
export interface PlanDocument {
  readonly format_version: string;
  readonly terraform_version?: string;
  readonly resource_changes?: readonly PlanResourceChange[];
  readonly prior_state?: { values?: { root_module?: PlanModule } };
  readonly planned_values?: { root_module?: PlanModule };
  readonly errored?: boolean;
  readonly complete?: boolean;
}

export interface PlanModule {
  readonly resources?: readonly { address: string; mode?: string; type: string; name: string; values?: Body }[];
  readonly child_modules?: readonly PlanModule[];
}

export interface PlanResourceChange {
  readonly address: string;
  readonly previous_address?: string;
  readonly module_address?: string;
  readonly mode?: string;
  readonly type: string;
  readonly name: string;
  readonly deposed?: string;
  readonly action_reason?: string;
  readonly change: {
    readonly actions: readonly string[];
    readonly before?: unknown;
    readonly after?: unknown;
    readonly after_unknown?: unknown;
    readonly before_sensitive?: unknown;
    readonly after_sensitive?: unknown;
    readonly replace_paths?: readonly (readonly (string | number)[])[];
    readonly importing?: { readonly id?: string } | null;
  };
}

/**
 * Checks that `raw` is the JSON of a plan (not a binary plan file, not a
 * state, not another format version); `file` names it in errors.
 */
export function parsePlan(raw: unknown, file: string): PlanDocument {
  if (!isPlainObject(raw))
    throw new InputError(
      `${file}: not a plan in JSON (expected an object; make one with \`tofu show -json plan.out > plan.json\`)`,
    );
  const version = raw.format_version;
  if (typeof version !== "string") {
    throw new InputError(
      `${file}: no "format_version": not the JSON of a plan (make one with \`tofu show -json plan.out > plan.json\`)`,
    );
  }
  if (!/^1\./.test(version))
    throw new InputError(`${file}: plan format_version ${version} is not supported (expected 1.x)`);
  if (raw.resource_changes === undefined && raw.planned_values === undefined) {
    throw new InputError(
      `${file}: no "resource_changes" nor "planned_values": this ` +
        `is ${raw.values !== undefined ? "the JSON of a state" : "not the JSON of a plan"} (make one with \`tofu ` +
        `show -json plan.out > plan.json\`)`,
    );
  }
  if (raw.resource_changes !== undefined && !Array.isArray(raw.resource_changes))
    throw new InputError(`${file}: "resource_changes" is not a list`);
  for (const [i, rc] of ((raw.resource_changes as unknown[]) ?? []).entries()) {
    const ok =
      isPlainObject(rc) &&
      typeof rc.address === "string" &&
      typeof rc.type === "string" &&
      isPlainObject(rc.change) &&
      Array.isArray(rc.change.actions) &&
      rc.change.actions.every((a) => typeof a === "string");
    if (!ok) throw new InputError(`${file}: resource_changes[${i}] lacks address, type or change.actions`);
  }
  return raw as unknown as PlanDocument;
}

/**
 * True when the mask (before_sensitive, after_sensitive, after_unknown) is `true` at the path or above it; list indexes
 * match any element.
 */
export function maskedAt(mask: unknown, path: Path): boolean {
  let levels: unknown[] = [mask];
  for (const step of path) {
    if (levels.some((m) => m === true)) return true;
    const next: unknown[] = [];
    for (const m of levels) {
      if (Array.isArray(m)) next.push(...(typeof step === "number" && step < m.length ? [m[step], ...m] : m));
      else if (isPlainObject(m) && typeof step === "string" && Object.hasOwn(m, step)) next.push(m[step]);
    }
    levels = next;
    if (levels.length === 0) return false;
  }
  return levels.some((m) => m === true);
}

/** The value with every leaf that after_unknown marks replaced by UNKNOWN. */
export function withUnknowns(value: unknown, unknown: unknown): unknown {
  if (unknown === true) return UNKNOWN;
  if (Array.isArray(unknown)) {
    const list = Array.isArray(value) ? [...value] : [];
    unknown.forEach((u, i) => {
      if (u === false || u === undefined || (isPlainObject(u) && Object.keys(u).length === 0)) return;
      list[i] = withUnknowns(list[i], u);
    });
    return list;
  }
  if (isPlainObject(unknown)) {
    const obj: Body = isPlainObject(value) ? { ...value } : {};
    for (const [k, u] of Object.entries(unknown)) {
      if (u === false || (isPlainObject(u) && Object.keys(u).length === 0) || (Array.isArray(u) && u.length === 0))
        continue;
      obj[k] = withUnknowns(obj[k], u);
    }
    return obj;
  }
  return value;
}

function actionOf(rc: PlanResourceChange): Action | undefined {
  const actions = rc.change.actions;
  const has = (a: string): boolean => actions.includes(a);
  const moved = rc.previous_address !== undefined && rc.previous_address !== rc.address;
  if (has("delete") && has("create")) return "replace";
  if (has("forget")) return "forget";
  if (has("delete")) return "delete";
  if (has("create")) return rc.change.importing ? "import" : "create";
  if (has("update")) return moved ? "move" : "update";
  if (has("no-op")) return moved ? "move" : rc.change.importing ? "import" : undefined;
  if (has("read")) return undefined;
  return "update";
}

const REPLACE_REASONS: Readonly<Record<string, string>> = {
  replace_because_tainted: "the resource is tainted (a failed creation, or `tofu taint`)",
  replace_by_request: "replacement requested (`-replace`)",
  replace_because_cannot_update: "the provider cannot update it in place",
  replace_by_triggers: "a `replace_triggered_by` reference changed",
};

const DELETE_REASONS: Readonly<Record<string, string>> = {
  delete_because_no_resource_config: "its block is gone from the configuration",
  delete_because_no_module: "its module is gone from the configuration",
  delete_because_wrong_repetition: "count/for_each of its block changed",
  delete_because_count_index: "its count index is out of range",
  delete_because_each_key: "its for_each key is gone",
  delete_because_no_move_target: "its move target does not exist",
};

function planReplaceReasons(rc: PlanResourceChange, pair: ResourcePair, tables: ReplaceTables): Reason[] {
  const table = tableOf(tables, rc.type);
  const reasons: Reason[] = [];
  for (const path of rc.change.replace_paths ?? []) {
    const attr = attributePath(path);
    const entry = [...table.replace, ...table.replace_if].find(
      (e) => isWithin(attr, e.attribute) || isWithin(e.attribute, attr),
    );
    const values =
      `${showValue(valueAt(pair.before, attr), path, pair.showBefore)} ` +
      `→ ${showValue(valueAt(pair.after, attr), path, pair.showAfter)}`;
    reasons.push({
      class: "replace",
      attribute: attr,
      ...(entry ? { source: cite(tables, entry) } : {}),
      message: entry
        ? `\`${formatPath(path)}\` ${values} forces replacement (${cite(tables, entry)})`
        : `\`${formatPath(path)}\` ${values} forces replacement (so says the plan; this attribute is not in the ` +
          `replacement table of ${tables.provider}: add it to providers/*/replace.json)`,
    });
  }
  if (reasons.length === 0) {
    const why =
      rc.action_reason !== undefined ? (REPLACE_REASONS[rc.action_reason] ?? rc.action_reason) : "the plan replaces it";
    reasons.push({ class: "replace", message: why });
  }
  return reasons;
}

function moduleResources(module: PlanModule | undefined, stack: string, out: SideResource[] = []): SideResource[] {
  for (const r of module?.resources ?? []) {
    if (r.mode !== undefined && r.mode !== "managed") continue;
    out.push({ stack, address: r.address, type: r.type, body: isPlainObject(r.values) ? r.values : {} });
  }
  for (const child of module?.child_modules ?? []) moduleResources(child, stack, out);
  return out;
}

/** One plan and the stack it is for. */
export interface LabelledPlan {
  readonly stack: string;
  readonly plan: PlanDocument;
}

/** The changes of one or more plans (one per stack), classified and sorted like a diff's. */
export function summarisePlans(
  plans: readonly LabelledPlan[],
  tables: ReplaceTables,
  stackOrder: readonly string[] = [],
): Change[] {
  const changes: MutableChange[] = [];
  const baseSide: SideResource[] = [];
  const headSide: SideResource[] = [];
  for (const { stack, plan } of plans) {
    baseSide.push(...moduleResources(plan.prior_state?.values?.root_module, stack));
    headSide.push(...moduleResources(plan.planned_values?.root_module, stack));
    for (const rc of plan.resource_changes ?? []) {
      const change = planChange(stack, rc, tables);
      if (change) changes.push(change);
    }
  }
  const find = changeFinder(changes, "the plan does not change it; another change affects it", (address) =>
    address.slice(address.lastIndexOf(".") + 1),
  );
  classifyEnvironments(baseSide, headSide, find);
  return sortChanges(changes, stackOrder);
}

/** A resource change of a plan as the rules read it: values after apply with unknowns, masks of the plan. */
function planPair(stack: string, rc: PlanResourceChange, action: Action): ResourcePair {
  const c = rc.change;
  const before = isPlainObject(c.before) ? c.before : undefined;
  const afterKnown = isPlainObject(c.after) ? c.after : undefined;
  const after =
    action === "delete" || action === "forget" ? undefined : (withUnknowns(afterKnown ?? {}, c.after_unknown) as Body);
  const isPublished = publishedPath(rc.type);
  return {
    stack,
    address: rc.address,
    type: rc.type,
    action,
    before,
    after,
    diffs: before !== undefined && after !== undefined ? diffValues(before, after) : [],
    ignored: [],
    showBefore: { isSensitive: (p) => maskedAt(c.before_sensitive, p), isPublished },
    showAfter: { isSensitive: (p) => maskedAt(c.after_sensitive, p), isPublished },
    fromPlan: true,
  };
}

/** The change of one resource of a plan, judged; undefined for data sources and reads. */
function planChange(stack: string, rc: PlanResourceChange, tables: ReplaceTables): MutableChange | undefined {
  if (rc.mode === "data") return undefined;
  const action = actionOf(rc);
  if (action === undefined) return undefined;
  const pair = planPair(stack, rc, action);
  const reasons = action === "replace" ? planReplaceReasons(rc, pair, tables) : [];
  const moved = rc.previous_address !== undefined && rc.previous_address !== rc.address;
  const change = newChange({
    stack,
    address: rc.deposed ? `${rc.address} (deposed ${rc.deposed})` : rc.address,
    kind: "resource",
    type: rc.type,
    name: rc.name,
    action,
    ...(moved ? { from: rc.previous_address } : {}),
  });
  if (action === "create" || action === "import" || action === "delete" || action === "forget") {
    const { before, after } = pair;
    change.summary.push(...summaryAttributes(rc.type, after ?? before, after ? pair.showAfter : pair.showBefore));
  }
  change.attributes.push(...attributeChanges(pair.diffs, pair.showBefore, pair.showAfter, [], reasons));
  const unknown = (attribute: string): boolean => maskedAt(rc.change.after_unknown, attribute.split("."));
  judge(change, pair, tables, reasons, unknown);
  change.notes.push(...planChangeNotes(rc, action, change.from));
  return change;
}

/** What a reviewer should know of a plan's change: the import id, why tofu destroys it, a move, a deposed object. */
function planChangeNotes(rc: PlanResourceChange, action: Action, from: string | undefined): string[] {
  const notes: string[] = [];
  if (action === "import")
    notes.push(`adopted (import id ${showValue(rc.change.importing?.id ?? "", ["id"], {})}): nothing is created`);
  if (action === "delete" && rc.action_reason !== undefined)
    notes.push(`destroyed because ${DELETE_REASONS[rc.action_reason] ?? rc.action_reason}`);
  if (action === "forget") notes.push("tofu forgets it (a `removed` block with `destroy = false`): the resource stays");
  if (from !== undefined) notes.push(`moved from ${from}: tofu keeps the resource`);
  if (rc.deposed) notes.push("a deposed object left by a failed create_before_destroy");
  return notes;
}

/** Remarks about a plan itself: errored or incomplete plans. */
export function planNotes(plans: readonly LabelledPlan[]): string[] {
  const notes: string[] = [];
  for (const { stack, plan } of plans) {
    if (plan.errored === true) notes.push(`the plan of ${stack} errored: it is incomplete, and tofu will not apply it`);
    else if (plan.complete === false)
      notes.push(`the plan of ${stack} is incomplete (deferred changes): another plan is needed after applying it`);
  }
  return notes;
}
