/**
 * The two renderings of a report: Markdown for a pull-request comment
 * (dangerous changes first, then every change stack by stack) and JSON for
 * tools (render-json.ts). Values are already masked and shortened in the
 * report. The self-hosted zones' sections are in render-zones.ts.
 */
import { formatEuros } from "../../catalogue/catalogue";
import { plural } from "../../primitives/plural";
import { type Action, CLASS_LABELS, type Change, type DiffReport, type Reason } from "./change-types";
import { code } from "./render-text";
import { dnsDangerLines, zoneSection } from "./render-zones";
import { countChanges } from "./sort";
import { zoneCounts } from "./zones";

export { toJson } from "./render-json";
export { code } from "./render-text";

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

/** Dangerous changes of a report: resources' and self-hosted zones' DNS records'. */
export function dangerousCount(report: DiffReport): number {
  return countChanges(report.changes).dangerous + zoneCounts(report.zones).dangerous;
}

/**
 * The title line: `all2all diff: 3 dangerous changes (2 to add, 1 to replace; 2 DNS record changes)`, a refused head
 * first.
 */
export function titleLine(report: DiffReport): string {
  const z = zoneCounts(report.zones);
  const dns = z.add + z.remove + z.change;
  const dangerous = dangerousCount(report);
  const cost =
    report.cost && report.cost.delta !== 0 ? `; ${formatEuros(report.cost.delta, { sign: true })}/month` : "";
  const errors = report.refusal?.errors.length ?? 0;
  const refused = errors > 0 ? `head refused by synth (${plural(errors, "error")})` : "";
  if (errors > 0 && report.stacks.length === 0 && report.changes.length === 0)
    return `${report.command}: ${refused}: nothing compared`;
  const prefix = refused !== "" ? `${refused}; ` : "";
  if (report.changes.length === 0 && dns === 0 && z.knot === 0) return `${report.command}: ${prefix}no changes${cost}`;
  const head = dangerous > 0 ? `${plural(dangerous, "dangerous change")}` : "nothing dangerous";
  const parts = [
    report.changes.length > 0 ? countsLine(report.changes) : "",
    dns > 0 ? plural(dns, "DNS record change") : "",
    z.knot > 0 ? `${plural(z.knot, "Knot configuration")} changed` : "",
  ].filter((p) => p !== "");
  return `${report.command}: ${prefix}${head} (${parts.join("; ")})${cost}`;
}

const REFUSAL_KIND: Readonly<Record<string, string>> = {
  configuration: "configuration",
  synth: "synthesis",
  validation: "schema validation",
  policy: "policy error",
};

/** The refused head's errors, first in the report. */
function refusalLines(report: DiffReport): string[] {
  const errors = report.refusal?.errors ?? [];
  if (errors.length === 0) return [];
  const lines = [
    `**The head cannot be deployed as it is: \`all2all synth\` refuses it (${plural(errors.length, "error")}).** ` +
      `Fix ${errors.length === 1 ? "it" : "them"} first (a policy error may be suppressed in config with its ` +
      `reason, docs/policies.md):`,
    "",
  ];
  const shown = errors.slice(0, MAX_ERRORS_SHOWN);
  for (const e of shown) lines.push(`- ${REFUSAL_KIND[e.kind] ?? e.kind}: ${e.message.replace(/\n/g, " ")}`);
  if (errors.length > shown.length)
    lines.push(`- … and ${errors.length - shown.length} more (the JSON output has every one)`);
  lines.push("");
  return lines;
}

/** At most this many of a refused head's errors in Markdown (the JSON has all). */
const MAX_ERRORS_SHOWN = 50;

/** The digests of the head's stacks, one line per environment: `digest production: sha256:…`. */
export function digestLines(digests: Readonly<Record<string, string>>): string[] {
  return Object.keys(digests)
    .sort()
    .map((env) => `digest ${env}: ${digests[env]}`);
}

function digestSection(report: DiffReport): string[] {
  if (report.digests === undefined) return [];
  const lines = digestLines(report.digests);
  if (lines.length === 0) {
    if ((report.refusal?.errors.length ?? 0) === 0) return [];
    return ["### Digests", "", "None: `all2all synth` refuses the head, so nothing of it can be deployed.", ""];
  }
  return [
    "### Digests",
    "",
    "What this review covers: the head's synthesised stacks of each environment. `all2all plan " +
      "--env ENV --expect-digest DIGEST` (and `deploy`) refuses any other.",
    "",
    "```",
    ...lines,
    "```",
    "",
  ];
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
    const values =
      `${a.old === undefined ? "(absent)" : code(a.old)} ` + `→ ${a.new === undefined ? "(absent)" : code(a.new)}`;
    const marks = [
      a.forcesReplacement ? "**forces replacement**" : "",
      a.ignored ? "_ignored (lifecycle.ignore_changes): not applied_" : "",
    ].filter((m) => m !== "");
    lines.push(`${indent}- ${code(a.path)}: ${values}${marks.length > 0 ? ` — ${marks.join(", ")}` : ""}`);
  }
  return lines;
}

function changeLines(c: Change, withReasons: boolean): string[] {
  const action = ACTION_TEXT[c.action];
  const summary = c.summary.length > 0 ? `: ${c.summary.map(code).join(", ")}` : "";
  const lines = [
    `- ${code(action.symbol)} ${code(c.address)} ${action.verb}${c.from ? ` from ${code(c.from)}` : ""}${summary}`,
  ];
  if (withReasons) lines.push(...reasonLines(c));
  for (const n of c.notes) lines.push(`  - ${n}`);
  lines.push(...attributeLines(c, "  "));
  return lines;
}

/** The title, the refused head's errors, the sides compared and the report's notes. */
function headLines(report: DiffReport): string[] {
  const lines = [`## all2all ${titleLine(report)}`, "", ...refusalLines(report)];
  const sides =
    report.base !== undefined
      ? `Base: ${report.base} → head: ${report.head ?? "?"}. `
      : report.head !== undefined
        ? `From ${report.head}. `
        : "";
  lines.push(`${sides}${plural(report.stacks.length, "stack")} compared.`, "");
  if (report.notes.length > 0) {
    for (const n of report.notes) lines.push(`> ${n}`);
    lines.push("");
  }
  return lines;
}

/** Why a report without resource changes applies nothing (or only to the hidden primary's zone files). */
function unchangedLine(report: DiffReport): string {
  const z = zoneCounts(report.zones);
  if (report.command !== "diff") return "The plan changes nothing.";
  if (report.stacks.length === 0 && (report.refusal?.errors.length ?? 0) > 0)
    return "Nothing compared: synth refuses the head before writing any stack.";
  if (z.add + z.remove + z.change + z.knot === 0) return "The synthesised stacks are identical: nothing to apply.";
  return (
    "The synthesised stacks are identical; the zone files of the hidden primary change " +
    "(below): render them and install them on it (docs/dns.md)."
  );
}

/** The Markdown of a report without resource changes: `head`, why nothing applies, the DNS dangers, then `rest`. */
function withoutChanges(
  report: DiffReport,
  head: readonly string[],
  dnsDangers: readonly string[],
  rest: readonly string[],
): string {
  const lines = [...head, unchangedLine(report)];
  if (dnsDangers.length > 0)
    lines.push("", `### Dangerous changes (${zoneCounts(report.zones).dangerous})`, "", ...dnsDangers);
  if (rest.length === 0) return `${lines.join("\n")}\n`;
  return `${[...lines, "", ...rest].join("\n").trimEnd()}\n`;
}

/** A change's dangers (strong) and warnings, one indented line each. */
function reasonLines(c: Change): string[] {
  return [
    ...c.dangers.map((d) => `  - ${reasonLine(d, true)}`),
    ...c.warnings.map((w) => `  - ${reasonLine(w, false)}`),
  ];
}

/** A change where it is and what it does, then its reasons: the dangerous and worth-a-look sections' entries. */
function reasonedLines(c: Change): string[] {
  return [`- ${where(c)} — ${ACTION_TEXT[c.action].verb}`, ...reasonLines(c)];
}

/** The dangerous changes (resources', then DNS records'), or a line saying there are none. */
function dangerSection(report: DiffReport, dangerous: readonly Change[], dnsDangers: readonly string[]): string[] {
  if (dangerous.length === 0 && dnsDangers.length === 0)
    return [
      "Nothing dangerous: no stateful resource destroyed or replaced, no replacement, no " +
        "protection removed, nothing newly open to the world, no new public IPv4.",
      "",
    ];
  return [
    `### Dangerous changes (${dangerous.length + zoneCounts(report.zones).dangerous})`,
    "",
    report.command === "diff"
      ? "Each needs an explicit approval: read the reasons here, then the stack's plan before applying."
      : "Each needs an explicit approval: read the reasons before applying this plan.",
    "",
    ...dangerous.flatMap(reasonedLines),
    ...dnsDangers,
    "",
  ];
}

/** The changes with warnings but no danger. */
function worthALookSection(report: DiffReport): string[] {
  const warned = report.changes.filter((x) => x.dangers.length === 0 && x.warnings.length > 0);
  if (warned.length === 0) return [];
  return [`### Worth a look (${warned.length})`, "", ...warned.flatMap(reasonedLines), ""];
}

/** Every change, stack by stack: the report's stacks in order, then any other stack a change names. */
function stackSections(report: DiffReport): string[] {
  const lines = ["### Changes by stack", ""];
  const stacks = [
    ...report.stacks,
    ...[...new Set(report.changes.map((x) => x.stack))].filter((s) => !report.stacks.includes(s)),
  ];
  for (const stack of stacks) {
    const inStack = report.changes.filter((x) => x.stack === stack);
    if (inStack.length === 0) continue;
    lines.push(`#### ${code(stack)}: ${countsLine(inStack)}`, "");
    // Dangerous ones first within the stack too, as sorted.
    for (const x of inStack) lines.push(...changeLines(x, false));
    lines.push("");
  }
  return lines;
}

/**
 * `text` when it fits in MAX_MARKDOWN, else cut at a line with a note of
 * what is left out; the digests always stay: they are what an operator
 * deploys against.
 */
function cutToLimit(text: string, report: DiffReport, digests: readonly string[], anyDangerous: boolean): string {
  if (text.length <= MAX_MARKDOWN) return text;
  const keep = digests.length > 0 ? `\n${digests.join("\n").trimEnd()}\n` : "";
  const cut = text.slice(0, text.lastIndexOf("\n", MAX_MARKDOWN - 400 - keep.length));
  const dangerousShown =
    !anyDangerous ||
    cut.includes("### Changes by stack") ||
    cut.includes("### Worth a look") ||
    cut.includes("### Digests");
  return `${cut}\n\n_The report is cut here (${text.length} characters, ${plural(report.changes.length, "change")}): ${
    dangerousShown
      ? "every dangerous change is above"
      : `only part of the ${dangerousCount(report)} dangerous changes is above`
  }; the JSON output (\`--format json\`) has every change._\n${cut.includes("### Digests") ? "" : keep}`;
}

/** The report as Markdown for a pull-request comment. */
export function toMarkdown(report: DiffReport): string {
  const head = headLines(report);
  const dnsDangers = dnsDangerLines(report);
  const zoneLines = zoneSection(report);
  const digests = digestSection(report);
  if (report.changes.length === 0) return withoutChanges(report, head, dnsDangers, [...digests, ...zoneLines]);
  const dangerous = report.changes.filter((x) => x.dangers.length > 0);
  const lines = [
    ...head,
    ...dangerSection(report, dangerous, dnsDangers),
    ...worthALookSection(report),
    ...digests,
    ...zoneLines,
    ...stackSections(report),
  ];
  const text = `${lines.join("\n").trimEnd()}\n`;
  return cutToLimit(text, report, digests, dangerous.length + dnsDangers.length > 0);
}
