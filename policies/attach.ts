/**
 * The suppressions that apply to a resource, attached to its construct
 * before cdktn writes the stack, so that the block in cdk.tf.json holds them
 * beside cdktn's own metadata:
 * `"//": { "metadata": { … }, "policy_suppressions": [{ "reason", "rule" }] }`.
 *
 * They enter through the construct's attributes, which cdktn merges with its
 * metadata under `"//"`. (`addOverride("//.policy_suppressions", …)` would
 * write the same block, but cdktn then also lists the resource type under
 * the stack's `"//".metadata.overrides`, a line more in every stack with a
 * suppression.) Nothing here writes a file.
 */
import type { TerraformResource } from "cdktn";
import { forgetResolved } from "../stacks/resolve-once";

/** One suppression as the synthesised JSON holds it. */
export interface WrittenSuppression {
  readonly rule: string;
  readonly reason: string;
}

type Attributes = Record<string, any>;
interface Synthesizing {
  synthesizeAttributes(): Attributes;
}

const attached = new WeakMap<TerraformResource, readonly WrittenSuppression[]>();

/**
 * Sets the suppressions written into the resource's block (replacing those
 * attached before; an empty list writes none). Call before `app.synth()`
 * writes the resource's stack.
 */
export function attachSuppressions(resource: TerraformResource, suppressions: readonly WrittenSuppression[]): void {
  if (!attached.has(resource)) {
    const target = resource as unknown as Synthesizing;
    const own = target.synthesizeAttributes.bind(resource);
    target.synthesizeAttributes = () => withSuppressions(own(), attached.get(resource) ?? []);
  }
  attached.set(
    resource,
    suppressions.map((s) => ({ rule: s.rule, reason: s.reason })),
  );
  forgetResolved(resource);
}

/** The suppressions attached to a resource (none when nothing was attached). */
export function attachedSuppressions(resource: TerraformResource): readonly WrittenSuppression[] {
  return attached.get(resource) ?? [];
}

function withSuppressions(attributes: Attributes, suppressions: readonly WrittenSuppression[]): Attributes {
  if (suppressions.length === 0) return attributes;
  const comment = attributes["//"];
  const own = comment !== null && typeof comment === "object" && !Array.isArray(comment) ? comment : {};
  return { ...attributes, "//": { ...own, policy_suppressions: suppressions.map((s) => ({ ...s })) } };
}
