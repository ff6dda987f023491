/**
 * Writing a report where the command was asked to: standard output, or a
 * file (atomically: a reader never sees half of it), as Markdown or JSON;
 * and the exit code that goes with it.
 */
import * as path from "node:path";
import { writeFileAtomic } from "../../primitives/atomic";
import { InputError } from "../errors";
import { ExitCode, type Io } from "../io";
import type { DiffReport } from "./change-types";
import { dangerousCount, toJson, toMarkdown, titleLine } from "./render";

export type ReportFormat = "md" | "json";

/** `md` (also `markdown`) or `json`; anything else is bad input. */
export function parseFormat(value: string | undefined): ReportFormat {
  if (value === undefined || value === "md" || value === "markdown") return "md";
  if (value === "json") return "json";
  throw new InputError(`--format ${JSON.stringify(value)}: expected md or json`);
}

/**
 * `all2all diff`'s exit code when the head cannot be synthesised: what
 * `all2all synth` refuses, the gate refuses (before 3: such a head cannot be
 * deployed at all).
 */
export const DIFF_REFUSED = ExitCode.refused;

/** The exit code of a report: 4 when synth refuses the head, 3 when something is dangerous, else 0. */
export function exitCodeOf(report: DiffReport): number {
  if ((report.refusal?.errors.length ?? 0) > 0) return DIFF_REFUSED;
  return dangerousCount(report) > 0 ? ExitCode.dangerous : ExitCode.ok;
}

/** Prints or writes the report and returns its exit code (exitCodeOf). */
export function emitReport(report: DiffReport, format: ReportFormat, out: string | undefined, io: Io): number {
  const text = format === "json" ? toJson(report) : toMarkdown(report);
  if (out !== undefined) {
    const file = path.resolve(io.cwd, out);
    try {
      writeFileAtomic(file, text);
    } catch (err) {
      throw new InputError(`cannot write ${out}: ${(err as Error).message}`);
    }
    io.out(
      `${titleLine(report)}; ${format === "json" ? "JSON" : "Markdown"} ` +
        `written to ${path.relative(io.cwd, file) || file}`,
    );
  } else {
    for (const line of text.replace(/\n$/, "").split("\n")) io.out(line);
  }
  return exitCodeOf(report);
}
