/** Placement groups: unique names and valid labels. */
import { checkLabels, uniqueNames } from "./common";
import type { CheckContext } from "./context";

/** Checks placement_groups; returns each name's first index (what servers may name). */
export function checkPlacementGroups(ctx: CheckContext): ReadonlyMap<string, number> {
  const names = uniqueNames(ctx.r, ctx.d.placement_groups, ["placement_groups"], "placement group name", (g) => g.name);
  ctx.d.placement_groups.forEach((g, i) => {
    checkLabels(ctx.r, ["placement_groups", i, "labels"], g.labels);
  });
  return names;
}
