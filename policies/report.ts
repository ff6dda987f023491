/**
 * How findings are shown: a fixed-width table for the terminal and a JSON
 * report for `all2all synth --policy-report FILE`.
 */
import { sortFindings } from "./engine";
import type { Finding } from "./types";
import { plural } from "../primitives/plural";

/** Unsuppressed errors: what fails synth. */
export function blockingFindings(findings: readonly Finding[]): Finding[] {
  return findings.filter((f) => f.severity === "error" && f.suppressed === undefined);
}

/** "2 errors, 1 warning, 3 suppressed". */
export function summaryLine(findings: readonly Finding[]): string {
  const errors = findings.filter((f) => f.severity === "error" && !f.suppressed).length;
  const warnings = findings.filter((f) => f.severity === "warning" && !f.suppressed).length;
  const suppressed = findings.filter((f) => f.suppressed).length;
  return `${plural(errors, "error")}, ${plural(warnings, "warning")}, ${suppressed} suppressed`;
}

const MAX_COLUMN = 48;
/** The width the table is wrapped to: a terminal's usual 100 columns. */
export const TABLE_WIDTH = 100;

function cell(text: string, width: number): string {
  const shown = text.length > width ? `${text.slice(0, width - 1)}…` : text;
  return shown.padEnd(width);
}

/** `text` in lines of at most `width` characters (words longer than that stand alone), each prefixed by `indent`. */
export function wrap(text: string, width: number, indent = ""): string[] {
  const lines: string[] = [];
  let current = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (current !== "" && indent.length + current.length + 1 + word.length > width) {
      lines.push(indent + current);
      current = word;
    } else current = current === "" ? word : `${current} ${word}`;
  }
  if (current !== "") lines.push(indent + current);
  return lines;
}

/**
 * A table that fits a terminal: a summary line, a header, then for each
 * unsuppressed finding (errors first, then warnings) a line with its
 * severity, rule, stack and resource (or subject), and its message wrapped
 * below it. Suppressed findings are counted, not reprinted: their reasons are
 * in config and in the JSON report (--policy-report).
 */
export function formatFindingsTable(findings: readonly Finding[], width = TABLE_WIDTH): string[] {
  if (findings.length === 0) return ["policies: no findings"];
  const shown = sortFindings(findings).filter((f) => !f.suppressed);
  const suppressed = findings.length - shown.length;
  const out = [`policies: ${summaryLine(findings)}`];
  if (shown.length > 0) {
    const rows = shown.map((f) => ({
      severity: f.severity,
      rule: f.rule,
      stack: f.stack,
      resource: f.address || f.subject,
      message: f.message,
    }));
    const header = { severity: "SEVERITY", rule: "RULE", stack: "STACK", resource: "RESOURCE", message: "" };
    const columns = ["severity", "rule", "stack", "resource"] as const;
    const widths = Object.fromEntries(
      columns.map((c) => [c, Math.min(MAX_COLUMN, Math.max(header[c].length, ...rows.map((r) => r[c].length)))]),
    ) as Record<(typeof columns)[number], number>;
    const line = (r: typeof header) =>
      columns
        .map((c) => cell(r[c], widths[c]))
        .join("  ")
        .trimEnd();
    out.push(line(header));
    for (const r of rows) out.push(line(r), ...wrap(r.message, width, "    "));
  }
  if (suppressed > 0) {
    out.push(
      `${suppressed} suppressed finding${suppressed === 1 ? "" : "s"} not shown: each is accepted in ` +
        `config with its reason (docs/policies.md); --policy-report FILE lists them`,
    );
  }
  return out;
}

/** The findings as JSON (for --policy-report): a summary and every finding, suppressed ones with their reason. */
export function policyReportJson(findings: readonly Finding[]): string {
  const sorted = sortFindings(findings);
  const report = {
    version: 1,
    summary: {
      errors: sorted.filter((f) => f.severity === "error" && !f.suppressed).length,
      warnings: sorted.filter((f) => f.severity === "warning" && !f.suppressed).length,
      suppressed: sorted.filter((f) => f.suppressed).length,
    },
    findings: sorted.map((f) => ({
      rule: f.rule,
      severity: f.severity,
      environment: f.environment,
      stack: f.stack,
      address: f.address,
      resource: f.subject,
      message: f.message,
      suppressed: f.suppressed ? { reason: f.suppressed.reason } : null,
    })),
  };
  return `${JSON.stringify(report, null, 2)}\n`;
}
