/**
 * The types and small helpers every family of rules in cli/diff/classify/
 * shares: the resource change a rule reads (a {@link ResourcePair}), the
 * resources of one side, and the changes the rules add reasons to.
 */
import type { Action, AttributeChange, Change, Reason } from "../change-types";
import type { ReplaceTables, TableEntry } from "../tables";
import { deepEqual, isWithin, showValue, valueAt, type Maybe, type RawDiff, type ShowContext } from "../values";

/** A resource's body, as synthesised (or as a plan's state holds it). */
export type Body = Record<string, unknown>;

/** What the per-resource rules read. */
export interface ResourcePair {
  readonly stack: string;
  readonly address: string;
  readonly type: string;
  readonly action: Action;
  /** The resource before (absent for a creation) and after (absent for a destruction). */
  readonly before?: Body;
  readonly after?: Body;
  /** Attribute changes (only for resources on both sides). */
  readonly diffs: readonly RawDiff[];
  /**
   * Attributes whose change is not applied (lifecycle.ignore_changes of the configuration applied); "all" for every
   * one.
   */
  readonly ignored: readonly string[] | "all";
  /** How values of each side are shown (masking). */
  readonly showBefore: ShowContext;
  readonly showAfter: ShowContext;
  /** True when this is a plan's resource: `before` is state, lifecycle is not known. */
  readonly fromPlan?: boolean;
}

/** True when the attribute's change is not applied (within one of lifecycle.ignore_changes, or all are). */
export function isIgnored(attribute: string, ignored: readonly string[] | "all"): boolean {
  return ignored === "all" ? true : ignored.some((i) => isWithin(attribute, i));
}

/** `hetznercloud/hcloud 1.68.0, internal/server/resource.go:70`. */
export function cite(tables: ReplaceTables, entry: TableEntry): string {
  return `${tables.provider}, ${entry.source}`;
}

/** A value as shown in a message (masked as everywhere). */
export function show(value: Maybe, attribute: string, ctx: ShowContext): string {
  return showValue(value, attribute.split("."), ctx);
}

/** True when the attribute differs between the two sides. */
export function changedAt(pair: ResourcePair, attribute: string): boolean {
  return !deepEqual(valueAt(pair.before, attribute), valueAt(pair.after, attribute));
}

/** A resource of one side, for environment-wide facts. */
export interface SideResource {
  readonly stack: string;
  readonly address: string;
  readonly type: string;
  readonly body: Body;
}

/** A change that reasons and notes can be added to. */
export type MutableChange = Omit<Change, "dangers" | "warnings" | "notes" | "summary" | "attributes"> & {
  dangers: Reason[];
  warnings: Reason[];
  notes: string[];
  summary: string[];
  attributes: AttributeChange[];
};

/**
 * The change of the first of these resources that has one; when none of
 * them changes itself, a change without action is made for the first.
 */
export type ChangeFinder = (...resources: [ChangeTarget, ...ChangeTarget[]]) => MutableChange;

/** A resource whose change a {@link ChangeFinder} looks for. */
export interface ChangeTarget {
  readonly stack: string;
  readonly address: string;
  readonly type: string;
}
