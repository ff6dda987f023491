/**
 * validateStack: checks one synthesised stack (the JSON of
 * cdktf.out/stacks/<stack>/cdk.tf.json) against provider schemas, offline.
 *
 * Two linear passes: symbols.ts collects the declarations (resources, data
 * sources, variables, locals, modules, provider configurations), then every
 * top-level section is validated, each problem being collected rather than
 * thrown, so one run reports everything that is wrong. Unknown top-level
 * keys are errors (rule 11); cdktn's top-level "//" metadata is skipped.
 */

import { describeValue } from "./cty";
import { SUGGESTION_BUDGET, type StackContext, reportError, siteOf } from "./context";
import { isObject } from "./json";
import { suggestionSuffix } from "../primitives/edit-distance";
import type { Problem } from "./problem";
import { validateProviderSection, validateResourceSection } from "./resources";
import type { ProviderSchemas } from "./schema";
import {
  validateCheckSection,
  validateImportSection,
  validateLocalsSection,
  validateModuleSection,
  validateMovedSection,
  validateOutputSection,
  validateRemovedSection,
  validateTerraformSection,
  validateVariableSection,
} from "./sections";
import { collectSymbols } from "./symbols";

type SectionValidator = (ctx: StackContext, value: unknown) => void;

const SECTIONS: ReadonlyMap<string, SectionValidator> = new Map<string, SectionValidator>([
  ["//", () => undefined],
  ["terraform", validateTerraformSection],
  ["provider", validateProviderSection],
  ["resource", (ctx, value) => validateResourceSection(ctx, "resource", value)],
  ["data", (ctx, value) => validateResourceSection(ctx, "data", value)],
  ["variable", validateVariableSection],
  ["output", validateOutputSection],
  ["locals", validateLocalsSection],
  ["module", validateModuleSection],
  ["import", validateImportSection],
  ["moved", validateMovedSection],
  ["removed", validateRemovedSection],
  ["check", validateCheckSection],
]);

const SECTION_NAMES: readonly string[] = [...SECTIONS.keys()].filter((name) => name !== "//");

export function validateStack(stack: string, tfJson: unknown, schemas: ProviderSchemas): Problem[] {
  const problems: Problem[] = [];
  if (!isObject(tfJson)) {
    problems.push({
      severity: "error",
      stack,
      address: "",
      path: "",
      message: `wrong type: got ${describeValue(tfJson)} (expected a JSON object)`,
    });
    return problems;
  }
  const symbols = collectSymbols(tfJson, schemas);
  const ctx: StackContext = {
    stack,
    schemas,
    symbols,
    problems,
    suggestions: new Map(),
    suggestionBudget: { remaining: SUGGESTION_BUDGET },
  };
  for (const address of symbols.duplicates) {
    reportError(siteOf(ctx, address), "", `declared more than once (expected each address to be declared once)`);
  }
  for (const [key, value] of Object.entries(tfJson)) {
    const validate = SECTIONS.get(key);
    if (validate !== undefined) {
      validate(ctx, value);
    } else {
      reportError(
        siteOf(ctx, key),
        "",
        `unknown top-level key "${key}" (expected one ` +
          `of ${SECTION_NAMES.join(", ")}${suggestionSuffix(key, SECTION_NAMES)})`,
      );
    }
  }
  return problems;
}
