/**
 * Helpers for the construct tests (outside __tests__ so jest does not run
 * them), building: a fresh stack with the hcloud provider, a construct in
 * one, the labels and protection they pass, and a token as it synthesises.
 */
import type { Construct } from "constructs";
import { type App, TerraformOutput, TerraformStack, Testing } from "cdktn";
import * as provider from "../.gen/providers/hcloud/provider";
import { synth } from "./synth-json";

/** Labels every test passes, as a stack would. */
export const LABELS = { "managed-by": "all2all-infra", environment: "test", role: "web" } as const;

/** What `protect: true` synthesises on a stateful resource: delete protection and `prevent_destroy`. */
export const PROTECTED = { delete_protection: true, lifecycle: { prevent_destroy: true } } as const;

/** The arguments of a labelled (LABELS), protected (PROTECTED) resource: `args` and those. */
export function labelledProtected(args: Record<string, unknown>): Record<string, unknown> {
  return { ...args, labels: LABELS, ...PROTECTED };
}

/** A stack named `name` in a fresh test App, with the hcloud provider. */
export function makeStack(name = "test", app: App = Testing.app()): TerraformStack {
  const stack = new TerraformStack(app, name);
  new provider.HcloudProvider(stack, "hcloud", {});
  return stack;
}

/** A construct as a test builds it: `new create(stack, id, { ...base, ...props })` in a fresh stack (makeStack). */
export function inFreshStack<P extends object, C>(
  create: new (scope: Construct, id: string, props: P) => C,
  base: P,
  props: Partial<P>,
  id: string,
): { stack: TerraformStack; construct: C } {
  const stack = makeStack();
  return { stack, construct: new create(stack, id, { ...base, ...props }) };
}

/**
 * A token as it synthesises in the stack (e.g. `server.ipv4Address` →
 * "${hcloud_primary_ip.web-1-ipv4.ip_address}"), through public API only: a
 * temporary output is synthesised, read and removed again.
 */
export function resolveIn(stack: TerraformStack, value: unknown): unknown {
  const id = "resolve-probe";
  new TerraformOutput(stack, id, { value });
  try {
    return synth(stack).output[id].value;
  } finally {
    stack.node.tryRemoveChild(id);
  }
}
