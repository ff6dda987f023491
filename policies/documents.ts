/**
 * A stack's document as cdktn is about to write it, as far as the rules read
 * it: every resource block and every output, each resolved the way cdktn's
 * `toTerraform()` resolves it (overrides included). Read after every stack
 * of the App was prepared (cross-stack outputs and remote state exist), at
 * the start of the stack's synthesis.
 *
 * A resource's block is the one cdktn's preparing pass resolved
 * (stacks/resolve-once.ts), so reading it costs no resolution; outside a
 * synth, or for a resource changed since (a suppression attached), it is
 * resolved here.
 */
import { TerraformOutput, TerraformResource, type TerraformStack } from "cdktn";
import { keptResolved, resolveIn } from "../stacks/resolve-once";
import type { StackDocument } from "./environment-model";

/**
 * The resource's block, resolved: the one kept from cdktn's preparing pass
 * (stacks/resolve-once.ts) during a synth, else resolved now.
 */
function resolvedFragment(stack: TerraformStack, element: TerraformResource): any {
  return keptResolved(element) ?? resolveIn(stack, element.toTerraform());
}

/** The resource and output blocks of `stack`, resolved as they will be written. */
export function resolvedDocument(stack: TerraformStack): StackDocument {
  const resource: NonNullable<StackDocument["resource"]> = {};
  const output: NonNullable<StackDocument["output"]> = {};
  for (const node of stack.node.findAll()) {
    if (TerraformResource.isTerraformResource(node)) {
      const fragment = resolvedFragment(stack, node) as Pick<StackDocument, "resource">;
      for (const [type, blocks] of Object.entries(fragment.resource ?? {})) {
        resource[type] ??= {};
        Object.assign(resource[type], blocks);
      }
    } else if (TerraformOutput.isTerraformOutput(node)) {
      const fragment = resolveIn(stack, node.toTerraform()) as Pick<StackDocument, "output">;
      Object.assign(output, fragment.output ?? {});
    }
  }
  return { resource, output };
}
