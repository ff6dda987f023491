/**
 * The built App, as the inventory reads it: the stacks of each environment
 * built in memory (stacks/app.ts `buildApp`), never synthesised. Each
 * resource's stack and Terraform address are read from its construct, the
 * stacks' order from EnvironmentStacks and what each stack comes after from
 * the cross-stack references cdktn finds when it prepares the stacks (what
 * `app.synth()` does first, before writing anything).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { TerraformResource, TerraformStack } from "cdktn";
import type { IConstruct } from "constructs";
import type { AddressRef, NetworkSpec } from "../../description";
import { buildApp } from "../../stacks/app";
import { terraformAddress, type EnvironmentStacks } from "../../stacks/environment";

/**
 * The stacks of each environment, built and prepared in memory. cdktn's App
 * makes its output folder (and `stacks/` in it) when they are missing, so it
 * is given an empty temporary one, removed before this returns: nothing is
 * synthesised and nothing is left behind.
 */
export function buildEnvironmentStacks(specs: readonly NetworkSpec[]): EnvironmentStacks[] {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "all2all-inventory-"));
  try {
    const { environments } = buildApp(specs, { outdir });
    for (const environment of environments) prepareStacks(environment);
    return environments;
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/**
 * Resolves the cross-stack references of an environment's stacks, so that
 * each stack's `dependencies` are the ones its manifest will list. cdktn
 * caches each reference: preparing again (as `app.synth()` does) adds nothing.
 */
export function prepareStacks(environment: EnvironmentStacks): void {
  for (const stack of environment.stacks) stack.prepareStack();
}

/** The name of the stack holding a construct: `production-servers`. */
export function stackOf(construct: IConstruct): string {
  return TerraformStack.of(construct).node.id;
}

/** A resource's stack and Terraform address, as the inventory lists them. */
export function located(resource: TerraformResource): { stack: string; resource: string } {
  return { stack: stackOf(resource), resource: terraformAddress(resource) };
}

/** The Terraform addresses of every resource in a construct's subtree, sorted. */
export function addressesUnder(construct: IConstruct): string[] {
  return construct.node
    .findAll()
    .filter((c): c is TerraformResource => c instanceof TerraformResource)
    .map(terraformAddress)
    .sort();
}

/** A server's public address, when `--addresses` gave the servers stack's outputs. */
export type AddressLookup = (ref: Pick<AddressRef, "server" | "family">) => string | undefined;

/** The construct the stacks built for an item of the description; a missing one is a bug of the stacks. */
export function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`the stacks built no ${what}`);
  return value;
}
