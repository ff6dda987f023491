/**
 * How findings are shown: a fixed-width table for the terminal and a JSON
 * report for `all2all synth --policy-report FILE`.
 */
import { sortFindings } from "./engine";
import type { Finding } from "./types";

/** Unsuppressed errors: what fails synth. */
export function blockingFindings(findings: readonly Finding[]): Finding[] {
  return findings.filter((f) => f.severity === "error" && f.suppressed === undefined);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** "2 errors, 1 warning, 3 suppressed". */
export function summaryLine(findings: readonly Finding[]): string {
  const errors = findings.filter((f) => f.severity === "error" && !f.suppressed).length;
  const warnings = findings.filter((f) => f.severity === "warning" && !f.suppressed).length;
  const suppressed = findings.filter((f) => f.suppressed).length;
  return `${plural(errors, "error")}, ${plural(warnings, "warning")}, ${suppressed} suppressed`;
}

const MAX_COLUMN = 48;

function cell(text: string, width: number): string {
  const shown = text.length > width ? `${text.slice(0, width - 1)}…` : text;
  return shown.padEnd(width);
}

/**
 * A readable fixed-width table: a summary line, a header, then one line per
 * finding, unsuppressed errors first, then warnings, then suppressed findings
 * (severity "suppressed", the message prefixed with the original severity and
 * the reason).
 */
export function formatFindingsTable(findings: readonly Finding[]): string[] {
  if (findings.length === 0) return ["policies: no findings"];
  const rows = sortFindings(findings).map((f) => ({
    severity: f.suppressed ? "suppressed" : f.severity,
    rule: f.rule,
    stack: f.stack,
    resource: f.address || "-",
    subject: f.subject,
    message: f.suppressed ? `(${f.severity}; suppressed: ${f.suppressed.reason}) ${f.message}` : f.message,
  }));
  const header = { severity: "SEVERITY", rule: "RULE", stack: "STACK", resource: "RESOURCE", subject: "SUBJECT", message: "MESSAGE" };
  const columns = ["severity", "rule", "stack", "resource", "subject"] as const;
  const widths = Object.fromEntries(columns.map((c) => [c, Math.min(MAX_COLUMN, Math.max(header[c].length, ...rows.map((r) => r[c].length)))])) as Record<(typeof columns)[number], number>;
  const line = (r: typeof header) => `${columns.map((c) => cell(r[c], widths[c])).join("  ")}  ${r.message}`;
  return [`policies: ${summaryLine(findings)}`, line(header), ...rows.map(line)];
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
