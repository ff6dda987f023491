/**
 * Replacement: why tofu would replace a resource (the replacement table's
 * entries that fire) and what destroying a resource of a type loses.
 */
import type { Reason } from "../change-types";
import { type ReplaceTables, STATEFUL_LOSSES, tableOf } from "../tables";
import { valueAt } from "../values";
import { changedAt, cite, isIgnored, type ResourcePair, show } from "./common";

/**
 * The replacement table's entries that fire for a resource on both sides,
 * ignoring attributes in lifecycle.ignore_changes: why tofu would replace it.
 */
export function replacementReasons(pair: ResourcePair, tables: ReplaceTables): Reason[] {
  const table = tableOf(tables, pair.type);
  const reasons: Reason[] = [];
  const conditional = new Map(table.replace_if.map((e) => [e.attribute, e]));
  for (const entry of [
    ...table.replace,
    ...table.replace_if.filter((e) => !table.replace.some((r) => r.attribute === e.attribute)),
  ]) {
    if (isIgnored(entry.attribute, pair.ignored) || !changedAt(pair, entry.attribute)) continue;
    const condition = conditional.get(entry.attribute);
    const values =
      `${show(valueAt(pair.before, entry.attribute), entry.attribute, pair.showBefore)} ` +
      `→ ${show(valueAt(pair.after, entry.attribute), entry.attribute, pair.showAfter)}`;
    reasons.push({
      class: "replace",
      attribute: entry.attribute,
      source: cite(tables, condition ?? entry),
      message: condition
        ? `\`${entry.attribute}\` ${values} may force replacement (${condition.condition}) (${cite(tables, condition)})`
        : `\`${entry.attribute}\` ${values} forces replacement (${cite(tables, entry)})`,
    });
  }
  return reasons;
}

/** What destroying a resource of this type loses, or undefined for a type that holds nothing. */
export function statefulLoss(type: string): string | undefined {
  return STATEFUL_LOSSES.get(type);
}
