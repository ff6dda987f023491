/**
 * The comparison core of `all2all diff`: two synthesised outputs (stack name
 * → cdk.tf.json document), compared stack by stack, block by block, down to
 * the attributes that differ. Pure: no files, no processes.
 *
 * A resource on both sides is replaced when an attribute of the replacement
 * table changes and is not in the head's lifecycle.ignore_changes; `moved`,
 * `import` and `removed` blocks of the head turn a removal and an addition
 * into a rename, an addition into an adoption, a removal into a forget
 * (resource-changes.ts). The other blocks are compared in blocks.ts.
 */
import { otherBlockChanges, stackSides, type Side, type StackDocument } from "./blocks";
import { changeFinder } from "./change";
import { classifyEnvironments, environmentOf, type MutableChange, type SideResource } from "./classify";
import type { Change } from "./change-types";
import { resourceChanges } from "./resource-changes";
import { sortChanges } from "./sort";
import type { ReplaceTables } from "./tables";

export interface CompareOptions {
  /** Stacks in deployment order (manifest dependencies); others follow by name. */
  readonly stackOrder?: readonly string[];
}

/** The resources of a side, for environment-wide facts. */
function sideResources(stack: string, side: Side): SideResource[] {
  return [...side.resources].map(([address, r]) => ({ stack, address, type: r.type, body: r.body }));
}

/**
 * Compares two synthesised outputs. Returns every change, dangerous ones
 * first (see sortChanges).
 */
export function compareOutputs(
  base: ReadonlyMap<string, StackDocument>,
  head: ReadonlyMap<string, StackDocument>,
  tables: ReplaceTables,
  options: CompareOptions = {},
): Change[] {
  const changes: MutableChange[] = [];
  const baseSide: SideResource[] = [];
  const headSide: SideResource[] = [];
  for (const stack of [...new Set([...base.keys(), ...head.keys()])].sort()) {
    const sides = stackSides(stack, base.get(stack) ?? {}, head.get(stack) ?? {});
    baseSide.push(...sideResources(stack, sides.base));
    headSide.push(...sideResources(stack, sides.head));
    changes.push(...resourceChanges(sides, tables), ...otherBlockChanges(sides, tables));
  }
  warnCrossStackMoves(changes);
  const find = changeFinder(changes, "its own configuration does not change; another change affects it", (address) =>
    address.slice(address.indexOf(".") + 1),
  );
  classifyEnvironments(baseSide, headSide, find);
  return sortChanges(changes, options.stackOrder);
}

/** A resource removed from one stack and added to another of the same environment. */
function warnCrossStackMoves(changes: readonly MutableChange[]): void {
  const deleted = changes.filter((c) => c.kind === "resource" && c.action === "delete");
  for (const d of deleted) {
    for (const c of changes) {
      if (
        c.kind !== "resource" ||
        (c.action !== "create" && c.action !== "import") ||
        c.address !== d.address ||
        c.stack === d.stack
      )
        continue;
      if (environmentOf(c.stack) !== environmentOf(d.stack)) continue;
      const message = (other: string): string =>
        `${d.address} leaves ${d.stack} and appears in ${c.stack}: without \`tofu state mv\` (or removed + ` +
        `import blocks) tofu destroys it in one stack and creates a new one in the other (${other})`;
      d.warnings.push({ class: "cross-stack-move", message: message(`created in ${c.stack}`) });
      c.warnings.push({ class: "cross-stack-move", message: message(`destroyed in ${d.stack}`) });
    }
  }
}
