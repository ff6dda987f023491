/**
 * Offline validation of synthesised Terraform JSON (cdktn's cdk.tf.json)
 * against provider schemas in the format of `tofu providers schema -json`.
 *
 *   const schemas = loadProviderSchemas(["providers/hcloud/schema.json"]);
 *   const { problems } = validateSynthOutput("cdktf.out", schemas);
 *   problems.map(formatProblem).forEach((line) => console.log(line));
 *
 * Rules, and where each is implemented:
 *
 *   1  unknown resource / data source type (nearest name) ........ resources.ts
 *   2  unknown attribute or block, at any depth (nearest name) .... body.ts
 *   3  missing required attribute; missing block with min_items ... body.ts
 *   4  literal of the wrong type, with Terraform's conversions ..... cty.ts, body.ts
 *   5  block count vs nesting mode and min_items/max_items ........ body.ts
 *   6  computed-only attribute set ................................. body.ts
 *   7  references to undeclared objects or unknown attributes ..... references.ts, expressions.ts
 *   8  deprecated attribute, block or type set (warning) .......... body.ts, resources.ts
 *   9  provider configurations against the provider schema ........ resources.ts
 *   10 interpolations accepted for any type, references checked ... cty.ts, body.ts
 *   11 meta-arguments and top-level sections ...................... resources.ts, sections.ts, validate.ts
 *   12 resource of a provider without a loaded schema ............. resources.ts, symbols.ts
 *
 * Every problem is collected; see problem.ts for the printed format.
 */

export { type Problem, type Severity, formatProblem, countBySeverity } from "./problem";
export {
  type AttributeSchema,
  type BlockSchema,
  type BlockTypeSchema,
  type NestedAttributes,
  type NestingMode,
  type ProviderSchema,
  type ProviderSchemas,
  canonicalSource,
  indexProviderSchemas,
  loadProviderSchemas,
} from "./schema";
export { validateStack } from "./validate";
export { type SynthOutputResult, validateSynthOutput } from "./synth-output";
export { type CtyType, parseCtyType, describeType, typeProblems } from "./cty";
export {
  type Reference,
  type Step,
  type ScanResult,
  hasInterpolation,
  parseTraversal,
  scanExpression,
  scanTemplate,
} from "./expressions";
export { editDistance, nearestName } from "../primitives/edit-distance";
