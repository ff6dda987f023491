/**
 * A stack's document as cdktn is about to write it, as far as the rules read
 * it: every resource block and every output, each resolved the way cdktn's
 * `toTerraform()` resolves it (overrides included). Read after every stack
 * of the App was prepared (cross-stack outputs and remote state exist), at
 * the start of the stack's synthesis.
 */
import { DefaultTokenResolver, StringConcat, TerraformOutput, TerraformResource, Tokenization, type TerraformStack } from "cdktn";
import type { StackDocument } from "./model";

const RESOLVER = new DefaultTokenResolver(new StringConcat());

/** Resolves a value (tokens included) as cdktn writes it in `stack`. */
export function resolveIn(stack: TerraformStack, value: unknown): any {
  return Tokenization.resolve(value, { scope: stack, resolver: RESOLVER, preparing: false });
}

/** The resource and output blocks of `stack`, resolved as they will be written. */
export function resolvedDocument(stack: TerraformStack): StackDocument {
  const resource: NonNullable<StackDocument["resource"]> = {};
  const output: NonNullable<StackDocument["output"]> = {};
  for (const node of stack.node.findAll()) {
    if (TerraformResource.isTerraformResource(node)) {
      const fragment = resolveIn(stack, node.toTerraform()) as Pick<StackDocument, "resource">;
      for (const [type, blocks] of Object.entries(fragment.resource ?? {})) Object.assign((resource[type] ??= {}), blocks);
    } else if (TerraformOutput.isTerraformOutput(node)) {
      const fragment = resolveIn(stack, node.toTerraform()) as Pick<StackDocument, "output">;
      Object.assign(output, fragment.output ?? {});
    }
  }
  return { resource, output };
}
