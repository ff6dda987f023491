/**
 * A stack's document as cdktn's `TerraformStack.toTerraform()` builds it,
 * without walking blocks that are already resolved.
 *
 * cdktn resolves each element's `toTerraform()`, merges the results with the
 * stack's overrides and resolves the merged document again. A resource's
 * block kept from the preparing pass (resolve-once.ts) is already resolved,
 * and what the resolver returns holds no token: resolving it again only
 * copies it. So here a kept block is merged as it is, every other element's
 * block is resolved once, as cdktn does, and the merged document is resolved
 * again only if the stack's overrides are not already what resolving them
 * gives (they hold a token, or an `undefined` the resolver would drop). The
 * result is the document cdktn writes (a test compares both on stacks with
 * tokens, overrides and cross-stack references).
 *
 * It follows cdktn 0.24.0's `toTerraform()` (metadata, outputs, the merge)
 * and reads two of its private fields; check it again when cdktn changes.
 */
import { isDeepStrictEqual } from "node:util";
import type { IConstruct } from "constructs";
import { TerraformElement, TerraformOutput, TerraformResource, TerraformStack } from "cdktn";
import { deepMerge } from "cdktn/lib/util";
import { keptResolved, resolveIn } from "./resolve-once";

/** What cdktn keeps private on a stack and writes. */
interface StackInternals {
  readonly rawOverrides: Record<string, unknown>;
  readonly cdktfVersion: unknown;
}

/** The elements cdktn writes for a stack, in its order: the tree depth first, substacks left out. */
function elementsOf(scope: IConstruct, into: TerraformElement[] = []): TerraformElement[] {
  if (TerraformElement.isTerraformElement(scope)) into.push(scope);
  for (const child of scope.node.children) if (!TerraformStack.isStack(child)) elementsOf(child, into);
  return into;
}

/** The `//` block: the stack's metadata merged with each element's, and the outputs' identifiers by path. */
function metadataBlock(stack: TerraformStack, elements: TerraformElement[]): Record<string, unknown> {
  const { rawOverrides, cdktfVersion } = stack as unknown as StackInternals;
  const overridden = Object.keys(rawOverrides);
  const metadata = {
    version: cdktfVersion,
    stackName: stack.node.id,
    backend: "local",
    cloud: undefined,
    ...(overridden.length > 0 ? { overrides: { stack: overridden } } : {}),
  };
  for (const element of elements) deepMerge(metadata, resolveIn(stack, element.toMetadata()));
  const outputs = {};
  for (const element of elements) {
    if (!TerraformOutput.isTerraformOutput(element)) continue;
    const nested = element.node.path
      .split("/")
      .reduceRight<unknown>((inner, part) => ({ [part]: inner }), element.friendlyUniqueId);
    deepMerge(outputs, nested);
  }
  return { metadata, outputs };
}

/** The stack's document, as cdktn's `toTerraform()` returns it, kept blocks merged without resolving them again. */
export function stackDocument(stack: TerraformStack): any {
  const elements = elementsOf(stack);
  const tf: Record<string, unknown> = { "//": metadataBlock(stack, elements) };
  for (const element of elements) {
    const kept = TerraformResource.isTerraformResource(element) ? keptResolved(element) : undefined;
    deepMerge(tf, kept ?? resolveIn(stack, element.toTerraform()));
  }
  const { rawOverrides } = stack as unknown as StackInternals;
  const settled = isDeepStrictEqual(resolveIn(stack, rawOverrides), rawOverrides);
  if (settled) {
    // Everything else merged is what the resolver returned: resolving the document again would only copy it,
    // save for `//`, whose undefined values (an unset `cloud`) it drops.
    tf["//"] = resolveIn(stack, tf["//"]);
    deepMerge(tf, rawOverrides);
    return tf;
  }
  deepMerge(tf, rawOverrides);
  return resolveIn(stack, tf);
}
