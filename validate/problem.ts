/**
 * The problems the validator reports, and how they are printed.
 *
 * Printed format (one line per problem):
 *
 *   <stack> <address> <path>: <message>
 *   warning: <stack> <address> <path>: <message>
 *
 * Errors are printed without prefix; warnings get "warning: " in front, so a
 * grep for "^warning: " separates them. Empty parts are left out rather than
 * printed as blanks: a problem with the block itself (path "") prints as
 * `<stack> <address>: <message>`, and a file problem (address and path "")
 * prints as `<stack>: <message>`. Messages end with "(expected ...)" whenever
 * there is a definite expectation.
 */

export type Severity = "error" | "warning";

export interface Problem {
  readonly severity: Severity;
  /** Stack name, e.g. "production-network"; "" when no stack is known. */
  readonly stack: string;
  /** Terraform address, e.g. "hcloud_server.web-1", "data.hcloud_image.debian", "provider.hcloud", "output.foo". */
  readonly address: string;
  /** Attribute path inside the block, e.g. "rule[0].port"; "" for the block itself. */
  readonly path: string;
  /** What is wrong, ending with "(expected ...)" where an expectation exists. */
  readonly message: string;
}

export function formatProblem(p: Problem): string {
  const where = [p.stack, p.address, p.path].filter((part) => part !== "").join(" ");
  const line = where === "" ? p.message : `${where}: ${p.message}`;
  return p.severity === "warning" ? `warning: ${line}` : line;
}

export function countBySeverity(problems: readonly Problem[]): { errors: number; warnings: number } {
  let errors = 0;
  for (const p of problems) if (p.severity === "error") errors++;
  return { errors, warnings: problems.length - errors };
}
