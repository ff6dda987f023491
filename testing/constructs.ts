/**
 * Helpers for the construct tests (outside __tests__ so jest does not run
 * them): a fresh stack with the hcloud provider, its synthesised JSON, the
 * resources of one type, and the offline validator's verdict.
 */
import * as path from "node:path";
import type { Construct } from "constructs";
import { type App, TerraformOutput, TerraformStack, Testing } from "cdktn";
import * as provider from "../.gen/providers/hcloud/provider";
import { type Problem, type ProviderSchemas, formatProblem, loadProviderSchemas, validateStack } from "../validate";

/** Labels every test passes, as a stack would. */
export const LABELS = { "managed-by": "all2all-infra", environment: "test", role: "web" } as const;

/** What `protect: true` synthesises on a stateful resource: delete protection and `prevent_destroy`. */
export const PROTECTED = { delete_protection: true, lifecycle: { prevent_destroy: true } } as const;

/** The arguments of a labelled (LABELS), protected (PROTECTED) resource: `args` and those. */
export function labelledProtected(args: Record<string, unknown>): Record<string, unknown> {
  return { ...args, labels: LABELS, ...PROTECTED };
}

let schemas: ProviderSchemas | undefined;

/** The committed hcloud provider schema, loaded once. */
export function hcloudSchemas(): ProviderSchemas {
  schemas ??= loadProviderSchemas([path.join(__dirname, "../providers/hcloud/schema.json")]);
  return schemas;
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

/** The stack's synthesised Terraform JSON, parsed. */
export function synth(stack: TerraformStack): any {
  return JSON.parse(Testing.synth(stack));
}

/** The resources of one type, by name (`{}` when there are none). */
export function resourcesOf(json: any, type: string): Record<string, any> {
  return json.resource?.[type] ?? {};
}

/** The addresses (`type.name`) of every resource in the JSON, sorted. */
export function addressesOf(json: any): string[] {
  return Object.entries(json.resource ?? {})
    .flatMap(([type, byName]) => Object.keys(byName as object).map((name) => `${type}.${name}`))
    .sort();
}

/** The `import` blocks of the JSON, as `{ to, id }`. */
export function importsOf(json: any): Array<{ to: string; id: string }> {
  return (json.import ?? []).map((block: any) => ({ to: block.to, id: block.id }));
}

/** The validator's problems for the JSON, formatted (empty when schema-valid). */
export function validationProblems(stackName: string, json: any): string[] {
  return validateStack(stackName, json, hcloudSchemas()).map((problem: Problem) => formatProblem(problem));
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

/** The synthesised JSON as text with every `${var.…}` reference listed: what must be the only form a secret takes. */
export function variableReferences(json: any): string[] {
  return [...new Set(JSON.stringify(json).match(/\$\{var\.[A-Za-z0-9_]+\}/g) ?? [])].sort();
}

/**
 * Expects `build` to refuse each of `refusals`' props, with an error whose
 * message contains (or matches) the refusal's message: a table of one
 * construct's invalid props.
 */
export function expectRefused<P>(
  build: (props: P) => unknown,
  refusals: ReadonlyArray<readonly [props: P, message: string | RegExp]>,
): void {
  for (const [props, message] of refusals) expect(() => build(props)).toThrow(message);
}

/**
 * Expects the JSON to hold exactly the resources at `addresses`, `<type>.<name>` among them with exactly
 * these arguments.
 */
export function expectResourceAmong(
  json: any,
  addresses: readonly string[],
  type: string,
  name: string,
  args: Record<string, unknown>,
): void {
  expect(addressesOf(json)).toEqual(addresses);
  expect(resourcesOf(json, type)[name]).toEqual(args);
}

/** Expects the JSON to hold one resource only, `<type>.<name>`, with exactly these arguments. */
export function expectSoleResource(json: any, type: string, name: string, args: Record<string, unknown>): void {
  expectResourceAmong(json, [`${type}.${name}`], type, name, args);
}

/** Expects the offline validator to find no problem in the JSON (of the stack named `stackName`). */
export function expectSchemaValid(json: any, stackName = "test"): void {
  expect(validationProblems(stackName, json)).toEqual([]);
}
