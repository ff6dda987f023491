/**
 * Helpers for the construct tests, judging: a construct's refusals, the
 * resources a stack holds, and the offline validator's verdict.
 */
import * as path from "node:path";
import { type Problem, type ProviderSchemas, formatProblem, loadProviderSchemas, validateStack } from "../validate";
import { addressesOf, resourcesOf } from "./synth-json";

let schemas: ProviderSchemas | undefined;

/** The committed hcloud provider schema, loaded once. */
export function hcloudSchemas(): ProviderSchemas {
  schemas ??= loadProviderSchemas([path.join(__dirname, "../providers/hcloud/schema.json")]);
  return schemas;
}

/** The validator's problems for the JSON, formatted (empty when schema-valid). */
export function validationProblems(stackName: string, json: any): string[] {
  return validateStack(stackName, json, hcloudSchemas()).map((problem: Problem) => formatProblem(problem));
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
