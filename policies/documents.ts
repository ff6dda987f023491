/**
 * A stack's document as cdktn is about to write it, as far as the rules read
 * it: every resource block and every output, each resolved the way cdktn's
 * `toTerraform()` resolves it (overrides included). Read after every stack
 * of the App was prepared (cross-stack outputs and remote state exist), at
 * the start of the stack's synthesis.
 *
 * Resolving a resource is most of what writing it costs, so the resolved
 * block is kept on its construct and handed to cdktn's next `toTerraform()`
 * of it (the write that follows), once: the rules' reading then costs no
 * second resolution. A resource whose block changes in between (a
 * suppression attached: `forgetResolved`) is resolved again.
 */
import {
  DefaultTokenResolver,
  StringConcat,
  TerraformOutput,
  TerraformResource,
  Tokenization,
  type TerraformElement,
  type TerraformStack,
} from "cdktn";
import type { StackDocument } from "./model";

const RESOLVER = new DefaultTokenResolver(new StringConcat());

/** Resolves a value (tokens included) as cdktn writes it in `stack`. */
export function resolveIn(stack: TerraformStack, value: unknown): any {
  return Tokenization.resolve(value, { scope: stack, resolver: RESOLVER, preparing: false });
}

/** Resolved fragments waiting for cdktn's next `toTerraform()` of their element. */
const pending = new WeakMap<TerraformElement, unknown>();
const wrapped = new WeakSet<TerraformElement>();

/** The element's fragment, resolved; cdktn's next `toTerraform()` of it returns this one. */
function resolvedFragment(stack: TerraformStack, element: TerraformElement): any {
  if (!wrapped.has(element)) {
    wrapped.add(element);
    const own = element.toTerraform.bind(element);
    element.toTerraform = () => {
      const fragment = pending.get(element);
      if (fragment === undefined) return own();
      pending.delete(element);
      return fragment;
    };
  }
  pending.delete(element);
  const fragment = resolveIn(stack, element.toTerraform());
  pending.set(element, fragment);
  return fragment;
}

/** Drops the resolved block kept for a resource: its next `toTerraform()` resolves it again. */
export function forgetResolved(element: TerraformElement): void {
  pending.delete(element);
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
