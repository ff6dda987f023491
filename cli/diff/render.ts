/**
 * The two renderings of a report: Markdown for a pull-request comment
 * (dangerous changes first, then every change stack by stack) and JSON for
 * tools. Values are already masked and shortened in the report.
 */
import { formatEuros } from "../../catalogue/catalogue";
import { CLASS_LABELS, type Action, type Change, type DiffReport, type Reason } from "./model";
import { countChanges } from "./sort";

/** A report longer than this is cut (GitHub refuses comments over 65,536 characters). */
export const MAX_MARKDOWN = 60000;

const ACTION_TEXT: Readonly<Record<Action, { symbol: string; verb: string }>> = {
  create: { symbol: "+", verb: "create" },
  import: { symbol: "+", verb: "import (adopt)" },
  delete: { symbol: "-", verb: "destroy" },
  forget: { symbol: "-", verb: "forget (not destroyed)" },
  update: { symbol: "~", verb: "update in place" },
  replace: { symbol: "-/+", verb: "REPLACE (destroy, then create)" },
  move: { symbol: "~", verb: "move (rename)" },
  none: { symbol: "·", verb: "no direct effect" },
};

/** Inline code that survives backticks in the text. */
export function code(text: string): string {
  if (!text.includes("`")) return `\`${text}\``;
  return `\`\` ${text} \`\``;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** `2 to add, 1 to destroy, 1 to replace, 4 to change`. */
export function countsLine(changes: readonly Change[]): string {
  const c = countChanges(changes);
  const parts = [
    c.create > 0 ? `${c.create} to add` : "",
    c.import > 0 ? `${c.import} to import` : "",
    c.delete > 0 ? `${c.delete} to destroy` : "",
    c.replace > 0 ? `${c.replace} to replace` : "",
    c.update > 0 ? `${c.update} to change` : "",
    c.move > 0 ? `${c.move} to move` : "",
    c.forget > 0 ? `${c.forget} to forget` : "",
    c.none > 0 ? `${c.none} without direct effect` : "",
  ].filter((p) => p !== "");
  return parts.length > 0 ? parts.join(", ") : "no changes";
}

/** The title line: `all2all diff: 3 dangerous changes (2 to add, 1 to replace)`. */
export function titleLine(report: DiffReport): string {
  const c = countChanges(report.changes);
  const cost = report.cost && report.cost.delta !== 0 ? `; ${formatEuros(report.cost.delta, { sign: true })}/month` : "";
  if (report.changes.length === 0) return `${report.command}: no changes${cost}`;
  const head = c.dangerous > 0 ? `${plural(c.dangerous, "dangerous change")}` : "nothing dangerous";
  return `${report.command}: ${head} (${countsLine(report.changes)})${cost}`;
}

function where(c: Change): string {
  return `${code(c.address)} in ${code(c.stack)}`;
}

function reasonLine(r: Reason, strong: boolean): string {
  const label = CLASS_LABELS[r.class];
  return `${strong ? `**${label}**` : `_${label}_`}: ${r.message}`;
}

function attributeLines(c: Change, indent: string): string[] {
  const lines: string[] = [];
  for (const a of c.attributes) {
    const values = `${a.old === undefined ? "(absent)" : code(a.old)} → ${a.new === undefined ? "(absent)" : code(a.new)}`;
    const marks = [a.forcesReplacement ? "**forces replacement**" : "", a.ignored ? "_ignored (lifecycle.ignore_changes): not applied_" : ""].filter((m) => m !== "");
    lines.push(`${indent}- ${code(a.path)}: ${values}${marks.length > 0 ? ` — ${marks.join(", ")}` : ""}`);
  }
  return lines;
}

function changeLines(c: Change, withReasons: boolean): string[] {
  const action = ACTION_TEXT[c.action];
  const summary = c.summary.length > 0 ? `: ${c.summary.map(code).join(", ")}` : "";
  const lines = [`- ${code(action.symbol)} ${code(c.address)} ${action.verb}${c.from ? ` from ${code(c.from)}` : ""}${summary}`];
  if (withReasons) {
    for (const d of c.dangers) lines.push(`  - ${reasonLine(d, true)}`);
    for (const w of c.warnings) lines.push(`  - ${reasonLine(w, false)}`);
  }
  for (const n of c.notes) lines.push(`  - ${n}`);
  lines.push(...attributeLines(c, "  "));
  return lines;
}

/** The report as Markdown for a pull-request comment. */
export function toMarkdown(report: DiffReport): string {
  const lines: string[] = [];
  const c = countChanges(report.changes);
  lines.push(`## all2all ${titleLine(report)}`, "");
  const sides = report.base !== undefined ? `Base: ${report.base} → head: ${report.head ?? "?"}. ` : report.head !== undefined ? `From ${report.head}. ` : "";
  lines.push(`${sides}${plural(report.stacks.length, "stack")} compared.`, "");
  if (report.notes.length > 0) {
    for (const n of report.notes) lines.push(`> ${n}`);
    lines.push("");
  }
  if (report.changes.length === 0) {
    lines.push(report.command === "diff" ? "The synthesised stacks are identical: nothing to apply." : "The plan changes nothing.");
    return `${lines.join("\n")}\n`;
  }

  const dangerous = report.changes.filter((x) => x.dangers.length > 0);
  if (dangerous.length > 0) {
    lines.push(`### Dangerous changes (${dangerous.length})`, "");
    lines.push(
      report.command === "diff"
        ? "Each needs an explicit approval: read the reasons here, then the stack's plan before applying."
        : "Each needs an explicit approval: read the reasons before applying this plan.",
      "",
    );
    for (const x of dangerous) {
      lines.push(`- ${where(x)} — ${ACTION_TEXT[x.action].verb}`);
      for (const d of x.dangers) lines.push(`  - ${reasonLine(d, true)}`);
      for (const w of x.warnings) lines.push(`  - ${reasonLine(w, false)}`);
    }
    lines.push("");
  } else {
    lines.push("Nothing dangerous: no stateful resource destroyed or replaced, no replacement, no protection removed, nothing newly open to the world, no new public IPv4.", "");
  }

  const warned = report.changes.filter((x) => x.dangers.length === 0 && x.warnings.length > 0);
  if (warned.length > 0) {
    lines.push(`### Worth a look (${warned.length})`, "");
    for (const x of warned) {
      lines.push(`- ${where(x)} — ${ACTION_TEXT[x.action].verb}`);
      for (const w of x.warnings) lines.push(`  - ${reasonLine(w, false)}`);
    }
    lines.push("");
  }

  lines.push("### Changes by stack", "");
  const stacks = [...report.stacks, ...[...new Set(report.changes.map((x) => x.stack))].filter((s) => !report.stacks.includes(s))];
  const body: string[] = [];
  for (const stack of stacks) {
    const inStack = report.changes.filter((x) => x.stack === stack);
    if (inStack.length === 0) continue;
    body.push(`#### ${code(stack)}: ${countsLine(inStack)}`, "");
    // Dangerous ones first within the stack too, as sorted.
    for (const x of inStack) body.push(...changeLines(x, false));
    body.push("");
  }
  const text = `${[...lines, ...body].join("\n").trimEnd()}\n`;
  if (text.length <= MAX_MARKDOWN) return text;
  const cut = text.slice(0, text.lastIndexOf("\n", MAX_MARKDOWN - 400));
  const dangerousShown = dangerous.length === 0 || cut.includes("### Changes by stack") || cut.includes("### Worth a look");
  return `${cut}\n\n_The report is cut here (${text.length} characters, ${plural(report.changes.length, "change")}): ${
    dangerousShown ? "every dangerous change is above" : `only part of the ${c.dangerous} dangerous changes is above`
  }; the JSON output (\`--format json\`) has every change._\n`;
}

/** The report as JSON (version 1): summary counts, notes, and every change with its attributes and reasons. */
export function toJson(report: DiffReport): string {
  const counts = countChanges(report.changes);
  return `${JSON.stringify(
    {
      version: 1,
      command: report.command,
      base: report.base ?? null,
      head: report.head ?? null,
      dangerous: counts.dangerous > 0,
      summary: counts,
      ...(report.cost
        ? {
            monthly_cost: {
              before: Math.round(report.cost.before / 100) / 100,
              after: Math.round(report.cost.after / 100) / 100,
              delta: Math.round(report.cost.delta / 100) / 100,
              currency: "EUR",
              vat_included: true,
              catalogue: { base: report.cost.baseTaken, head: report.cost.headTaken },
            },
          }
        : {}),
      stacks: report.stacks,
      notes: report.notes,
      changes: report.changes,
    },
    null,
    2,
  )}\n`;
}
