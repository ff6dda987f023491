/**
 * The order of a report: dangerous changes first — destruction and
 * replacement of stateful resources before the rest, then by the first
 * danger class (change-types.ts DANGER_CLASSES) — then the other changes; within
 * each group by stack (deployment order) and address.
 */
import { DANGER_CLASSES, type Change, type Counts } from "./change-types";
import { dependencyOrder } from "../../primitives/order";

function rank(c: Change): number {
  if (c.dangers.length === 0) return 2;
  return c.stateful && (c.action === "delete" || c.action === "replace") ? 0 : 1;
}

function classRank(c: Change): number {
  const ranks = c.dangers
    .map((d) => DANGER_CLASSES.indexOf(d.class as (typeof DANGER_CLASSES)[number]))
    .filter((i) => i >= 0);
  return ranks.length === 0 ? DANGER_CLASSES.length : Math.min(...ranks);
}

const KIND_ORDER = ["resource", "data", "variable", "output", "local", "provider", "terraform"];

export function sortChanges<T extends Change>(changes: readonly T[], stackOrder: readonly string[] = []): T[] {
  const stackRank = (s: string): number => {
    const i = stackOrder.indexOf(s);
    return i < 0 ? stackOrder.length : i;
  };
  return [...changes].sort(
    (a, b) =>
      rank(a) - rank(b) ||
      (rank(a) < 2 ? classRank(a) - classRank(b) : 0) ||
      stackRank(a.stack) - stackRank(b.stack) ||
      a.stack.localeCompare(b.stack) ||
      KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) ||
      a.address.localeCompare(b.address),
  );
}

/** Counts per action, and how many changes are dangerous. */
export function countChanges(changes: readonly Change[]): Counts {
  const counts = { create: 0, import: 0, delete: 0, forget: 0, update: 0, replace: 0, move: 0, none: 0, dangerous: 0 };
  for (const c of changes) {
    counts[c.action]++;
    if (c.dangers.length > 0) counts.dangerous++;
  }
  return counts;
}

/**
 * Stacks in deployment order: each after the stacks it depends on (the
 * manifest's dependencies), ties by name.
 */
export function deploymentOrder(stacks: ReadonlyMap<string, readonly string[]>): string[] {
  return dependencyOrder(
    [...stacks.keys()],
    (name) => name,
    (name) => stacks.get(name) ?? [],
  );
}
