/**
 * One problem found in the configuration, with where it is and how to fix it.
 * Every stage of the loader (YAML, schema, cross-references) reports these,
 * and the command line prints them all at once.
 */
import { plural } from "../primitives/plural";

export interface ConfigProblem {
  /** The file, as the config directory was given (e.g. `config/network.yaml`). */
  readonly file: string;
  /** 1-based line of the offending node, when known. */
  readonly line?: number;
  /** 1-based column of the offending node, when known. */
  readonly col?: number;
  /** Path in the merged description, e.g. `servers[1].type`; empty for a whole file. */
  readonly path: string;
  /** What is wrong, in the user's terms, quoting the value received. */
  readonly message: string;
  /** How to fix it, e.g. `did you mean "cx23"?`. */
  readonly hint?: string;
  /** Set when the problem occurs in some of the environments checked only. */
  readonly environments?: readonly string[];
}

/** A path as zod and the checks build it: keys and list indices (primitives/path.ts). */
export { formatPath, type PathSegment } from "../primitives/path";

function compareProblems(a: ConfigProblem, b: ConfigProblem): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  const line = (a.line ?? 0) - (b.line ?? 0);
  if (line !== 0) return line;
  const col = (a.col ?? 0) - (b.col ?? 0);
  if (col !== 0) return col;
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

/** `config/network.yaml:41:17` (line and column only when known). */
export function formatLocation(problem: ConfigProblem): string {
  if (problem.line === undefined) return problem.file;
  return problem.col === undefined
    ? `${problem.file}:${problem.line}`
    : `${problem.file}:${problem.line}:${problem.col}`;
}

/**
 * Lines to print, grouped by file in a stable order:
 *
 * ```
 * config/network.yaml has 2 problems:
 *   config/network.yaml:41:17  servers[1].type  unknown server type "cx2" (did you mean "cx23"?)
 * ```
 */
export function formatConfigProblems(
  problems: readonly ConfigProblem[],
  kind: "problem" | "warning" = "problem",
): string[] {
  const sorted = [...problems].sort(compareProblems);
  const byFile = new Map<string, ConfigProblem[]>();
  for (const problem of sorted) {
    const list = byFile.get(problem.file);
    if (list) list.push(problem);
    else byFile.set(problem.file, [problem]);
  }
  const lines: string[] = [];
  for (const [file, list] of byFile) {
    lines.push(`${file} has ${plural(list.length, kind)}:`);
    for (const problem of list) {
      const parts = [formatLocation(problem)];
      if (problem.path !== "") parts.push(problem.path);
      let text = problem.hint ? `${problem.message} (${problem.hint})` : problem.message;
      if (problem.environments?.length) {
        text += ` [environment${problem.environments.length > 1 ? "s" : ""} ${problem.environments.join(", ")}]`;
      }
      parts.push(text);
      lines.push(`  ${parts.join("  ")}`);
    }
  }
  return lines;
}
