/**
 * The drift report (cli/drift/summary.ts) as `all2all drift` prints it: its
 * title line, Markdown (the stacks, then dangerous drift, then the rest,
 * then what is not drift) and JSON (docs/drift.md describes its structure).
 */
import { plural } from "../../primitives/plural";
import { code } from "../diff/render";
import type { DriftDanger, DriftedResource, DriftReport } from "./summary";

/** One line: `drift: environment staging: 7 resources drifted (3 dangerous)`. */
export function driftTitle(report: DriftReport): string {
  const failed = report.stacks.filter((s) => s.status === "failed").map((s) => s.name);
  const incomplete = failed.length > 0 ? `; not checked: ${failed.join(", ")} (a step failed)` : "";
  if (!report.drifted)
    return `drift: environment ${report.environment}: no drift${failed.length > 0 ? " in the stacks checked" : ""}${incomplete}`;
  return `drift: environment ${report.environment}: ${plural(report.resources.length, "resource")} drifted (${report.dangerous > 0 ? `${report.dangerous} dangerous` : "nothing dangerous"})${incomplete}`;
}

/** A Markdown table cell: no line breaks, pipes escaped. */
function cell(text: string): string {
  return text.replace(/\r?\n/g, " ").replace(/\|/g, "\\|");
}

const DANGER_LABELS: Readonly<Record<DriftDanger, string>> = {
  "stateful-deleted": "STATEFUL RESOURCE DELETED",
  "firewall-deleted": "FIREWALL DELETED",
  "firewall-rules": "FIREWALL CHANGED",
  "protection-removed": "PROTECTION REMOVED",
  "stateful-changed": "STATEFUL RESOURCE CHANGED",
};

function tableRows(resources: readonly DriftedResource[]): string[] {
  const rows = [
    "| Stack | Resource | Drift | Attribute | In the state (last apply) | At Hetzner now |",
    "|---|---|---|---|---|---|",
  ];
  for (const r of resources) {
    const what = `${r.dangerous ? `**${DANGER_LABELS[r.danger!]}**` : r.drift === "deleted" ? "deleted" : "changed"}`;
    if (r.drift === "deleted") {
      rows.push(
        `| ${cell(r.stack)} | ${cell(code(r.address))} | ${what} | (the whole resource) | ${cell(r.summary.join(", ") || "(exists)")} | (deleted) |`,
      );
      continue;
    }
    for (const [i, a] of r.attributes.entries()) {
      const head = i === 0 ? `| ${cell(r.stack)} | ${cell(code(r.address))} | ${what} |` : "| | | |";
      rows.push(
        `${head} ${cell(code(a.path))}${a.ignored ? " (ignored by the code)" : ""} | ${cell(a.state ?? "(absent)")} | ${cell(a.actual ?? "(absent)")} |`,
      );
    }
  }
  return rows;
}

/** The report in Markdown: the stacks, then dangerous drift, then the rest, then what is not drift. */
export function driftMarkdown(report: DriftReport): string {
  const lines = [`## ${driftTitle(report).replace(/^drift: /, "all2all drift: ")}`, ""];
  lines.push(
    "Each stack's state (what the last apply left) against what Hetzner's API answers now, by a refresh-only plan: " +
      "nothing was applied and no state was written. How to react: docs/drift.md.",
    "",
  );
  lines.push("| Stack | Result |", "|---|---|");
  for (const s of report.stacks) {
    const result =
      s.status === "failed"
        ? `**not checked**: ${s.error ?? "a step failed"}`
        : s.status === "no-drift"
          ? "no drift"
          : `${plural(s.drifted, "resource")} drifted${s.dangerous > 0 ? ` (${s.dangerous} dangerous)` : ""}`;
    lines.push(`| ${cell(s.name)} | ${cell(result)} |`);
  }
  const groups = [
    ["Dangerous drift", report.resources.filter((r) => r.dangerous)],
    ["Other drift", report.resources.filter((r) => !r.dangerous)],
  ] as const;
  for (const [heading, group] of groups) {
    if (group.length === 0) continue;
    lines.push("", `### ${heading} (${group.length})`, "", ...tableRows(group), "");
    for (const r of group) lines.push(`- ${code(r.address)} (${r.stack}): ${r.reasons.join("; ")}`);
  }
  if (report.computed.length > 0) {
    lines.push(
      "",
      `Not drift: ${plural(report.computed.length, "attribute")} that the code does not set changed (Hetzner or other resources of the stacks set them): ` +
        report.computed.map((c) => `${code(c.address)} ${code(c.path)}`).join(", ") +
        ".",
    );
  }
  return `${lines.join("\n")}\n`;
}

/** The report as JSON (docs/drift.md describes the structure). */
export function driftJson(report: DriftReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
