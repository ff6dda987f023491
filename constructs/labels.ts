/** Hetzner labels: their type and the check of their syntax. */
import { labelKeyProblem, labelValueProblem } from "../primitives/item-names";
import { ConstructPropsError, isToken, show } from "./common";

/** Hetzner labels: keys `[prefix/]name`, values possibly empty. */
export type Labels = Readonly<Record<string, string>>;

const LABEL_RULES =
  'Hetzner labels: key = [prefix/]name, name at most 63 characters of letters, digits, "-", "_" and ".", ' +
  "starting and ending with a letter or digit, prefix a DNS subdomain; value empty or the same form as a name";

/**
 * Checks labels against Hetzner's syntax and returns a plain copy (keys in
 * the order given). Values that are unresolved tokens are not checked.
 */
export function checkLabels(where: string, labels: Labels, what = "labels"): Record<string, string> {
  if (labels === null || typeof labels !== "object" || Array.isArray(labels)) {
    throw new ConstructPropsError(where, `${what} must be an object of string keys and values (got ${show(labels)})`);
  }
  const copy: Record<string, string> = {};
  for (const [key, value] of Object.entries(labels)) {
    if (typeof value !== "string") {
      throw new ConstructPropsError(
        where,
        `${what}: the value of label "${key}" must be a string (got ${show(value)})`,
      );
    }
    const keyProblem = labelKeyProblem(key);
    if (keyProblem !== undefined) {
      throw new ConstructPropsError(where, `${what}: ${keyProblem} (${LABEL_RULES})`);
    }
    if (!isToken(value)) {
      const valueProblem = labelValueProblem(value);
      if (valueProblem !== undefined) {
        throw new ConstructPropsError(where, `${what}: label "${key}": ${valueProblem} (${LABEL_RULES})`);
      }
    }
    copy[key] = value;
  }
  return copy;
}
