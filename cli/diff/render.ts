/**
 * The two renderings of a report: Markdown for a pull-request comment
 * (dangerous changes first, then every change stack by stack) and JSON for
 * tools. Values are already masked and shortened in the report.
 */
import { formatEuros } from "../../catalogue/catalogue";
import {
  CLASS_LABELS,
  DNS_CLASS_LABELS,
  type Action,
  type Change,
  type DiffReport,
  type DnsRecordChange,
  type DnsRecordSet,
  type Reason,
  type ZoneDiff,
} from "./model";
import { countChanges } from "./sort";
import { zoneCounts } from "./zones";
import { plural } from "../../primitives/plural";

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

/** The title line: `all2all diff: 3 dangerous changes (2 to add, 1 to replace; 2 DNS record changes)`, a refused head first. */
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
    `**The head cannot be deployed as it is: \`all2all synth\` refuses it (${plural(errors.length, "error")}).** Fix ${errors.length === 1 ? "it" : "them"} first (a policy error may be suppressed in config with its reason, docs/policies.md):`,
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
    "What this review covers: the head's synthesised stacks of each environment. `all2all plan --env ENV --expect-digest DIGEST` (and `deploy`) refuses any other.",
    "",
    "```",
    ...lines,
    "```",
    "",
  ];
}

function recordSet(set: DnsRecordSet | undefined): string {
  if (set === undefined) return "(absent)";
  return `${set.ttl} ${set.values.map(code).join(", ")}`;
}

const DNS_ACTION: Readonly<Record<DnsRecordChange["action"], { symbol: string; verb: string }>> = {
  add: { symbol: "+", verb: "add" },
  remove: { symbol: "-", verb: "remove" },
  change: { symbol: "~", verb: "change" },
};

function dnsChangeLine(c: DnsRecordChange): string {
  const a = DNS_ACTION[c.action];
  const what =
    c.action === "add"
      ? recordSet(c.after)
      : c.action === "remove"
        ? recordSet(c.before)
        : c.type === "SOA"
          ? `${(c.before?.values ?? []).map(code).join(" ")} → ${(c.after?.values ?? []).map(code).join(" ")}${c.before?.ttl !== c.after?.ttl ? ` (TTL ${c.before?.ttl} → ${c.after?.ttl})` : ""}`
          : `${recordSet(c.before)} → ${recordSet(c.after)}`;
  return `- ${code(a.symbol)} ${code(c.owner)} ${c.type}: ${what}`;
}

function serialText(z: ZoneDiff): string {
  const { base, head } = z.serial;
  if (base !== undefined && head !== undefined)
    return base === head ? `serial ${head} (unchanged)` : `serial ${base} → ${head}`;
  if (head !== undefined) return `serial ${head}`;
  return base !== undefined ? `serial ${base}` : "";
}

function zoneTitle(z: ZoneDiff): string {
  return `${code(z.zone)} in ${z.environment}${z.server !== undefined ? `, served by ${code(z.server)}` : ""}`;
}

/** The self-hosted zones: changed record sets per zone, the unchanged zones in one list, the Knot configurations' changed lines. */
function zoneSection(report: DiffReport): string[] {
  const zr = report.zones;
  if (zr === undefined || (zr.zones.length === 0 && zr.knot.length === 0 && zr.notes.length === 0)) return [];
  const z = zoneCounts(zr);
  const dns = z.add + z.remove + z.change;
  const lines = [
    `### Self-hosted zones: ${dns === 0 && z.knot === 0 ? "no changes" : [dns > 0 ? plural(dns, "DNS record change") : "", z.knot > 0 ? `${plural(z.knot, "Knot configuration")} changed` : ""].filter((x) => x !== "").join(", ")}`,
    "",
    "Zones in secondary mode are served from a hidden primary: their records are in its zone files and Knot configuration (`all2all zonefile --env ENV --knot`), not in the stacks. Each side is rendered by its own code; a server's address is shown as its reference (`web-1.ipv4`).",
    "",
  ];
  for (const n of zr.notes) lines.push(`> ${n}`);
  if (zr.notes.length > 0) lines.push("");
  const unchanged = zr.zones.filter((x) => x.changes.length === 0);
  for (const x of unchanged)
    lines.push(
      `- ${zoneTitle(x)}: no changes${serialText(x) !== "" ? `, ${serialText(x)}` : ""}${x.notes.length > 0 ? ` (${x.notes.join("; ")})` : ""}`,
    );
  if (unchanged.length > 0) lines.push("");
  for (const x of zr.zones.filter((y) => y.changes.length > 0)) {
    const counts = { add: 0, remove: 0, change: 0 };
    for (const c of x.changes) counts[c.action]++;
    const parts = [
      counts.add > 0 ? `${counts.add} added` : "",
      counts.remove > 0 ? `${counts.remove} removed` : "",
      counts.change > 0 ? `${counts.change} changed` : "",
    ].filter((p) => p !== "");
    lines.push(`#### ${zoneTitle(x)}: ${parts.join(", ")}${serialText(x) !== "" ? `; ${serialText(x)}` : ""}`, "");
    for (const n of x.notes) lines.push(`> ${n}`);
    if (x.notes.length > 0) lines.push("");
    for (const c of x.changes) {
      lines.push(dnsChangeLine(c));
      for (const d of c.dangers) lines.push(`  - **${DNS_CLASS_LABELS[d.class]}**: ${d.message}`);
    }
    lines.push("");
  }
  for (const k of zr.knot) {
    lines.push(
      `#### Knot configuration ${code(k.file)} in ${k.environment}: ${plural(k.added, "line")} added, ${k.removed} removed`,
      "",
      "```diff",
      ...k.lines,
      "```",
      "",
    );
  }
  return lines;
}

/** The dangerous DNS changes, for the report's dangerous section. */
function dnsDangerLines(report: DiffReport): string[] {
  const lines: string[] = [];
  for (const z of report.zones?.zones ?? []) {
    for (const c of z.changes) {
      if (c.dangers.length === 0) continue;
      lines.push(
        `- ${code(c.owner)} ${c.type} in the self-hosted zone ${code(z.zone)} (${z.environment}) — ${DNS_ACTION[c.action].verb}`,
      );
      for (const d of c.dangers) lines.push(`  - **${DNS_CLASS_LABELS[d.class]}**: ${d.message}`);
    }
  }
  return lines;
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
  const z = zoneCounts(report.zones);
  lines.push(`## all2all ${titleLine(report)}`, "");
  lines.push(...refusalLines(report));
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
  const dnsDangers = dnsDangerLines(report);
  const zoneLines = zoneSection(report);
  const digests = digestSection(report);
  if (report.changes.length === 0) {
    if (report.command !== "diff") lines.push("The plan changes nothing.");
    else if (report.stacks.length === 0 && (report.refusal?.errors.length ?? 0) > 0)
      lines.push("Nothing compared: synth refuses the head before writing any stack.");
    else if (z.add + z.remove + z.change + z.knot === 0)
      lines.push("The synthesised stacks are identical: nothing to apply.");
    else
      lines.push(
        "The synthesised stacks are identical; the zone files of the hidden primary change (below): render them and install them on it (docs/dns.md).",
      );
    if (dnsDangers.length > 0) lines.push("", `### Dangerous changes (${z.dangerous})`, "", ...dnsDangers);
    const rest = [...digests, ...zoneLines];
    if (rest.length === 0) return `${lines.join("\n")}\n`;
    return `${[...lines, "", ...rest].join("\n").trimEnd()}\n`;
  }

  const dangerous = report.changes.filter((x) => x.dangers.length > 0);
  if (dangerous.length > 0 || dnsDangers.length > 0) {
    lines.push(`### Dangerous changes (${dangerous.length + z.dangerous})`, "");
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
    lines.push(...dnsDangers);
    lines.push("");
  } else {
    lines.push(
      "Nothing dangerous: no stateful resource destroyed or replaced, no replacement, no protection removed, nothing newly open to the world, no new public IPv4.",
      "",
    );
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

  lines.push(...digests, ...zoneLines);
  lines.push("### Changes by stack", "");
  const stacks = [
    ...report.stacks,
    ...[...new Set(report.changes.map((x) => x.stack))].filter((s) => !report.stacks.includes(s)),
  ];
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
  // The digests always stay: they are what an operator deploys against.
  const keep = digests.length > 0 ? `\n${digests.join("\n").trimEnd()}\n` : "";
  const cut = text.slice(0, text.lastIndexOf("\n", MAX_MARKDOWN - 400 - keep.length));
  const dangerousShown =
    dangerous.length + dnsDangers.length === 0 ||
    cut.includes("### Changes by stack") ||
    cut.includes("### Worth a look") ||
    cut.includes("### Digests");
  return `${cut}\n\n_The report is cut here (${text.length} characters, ${plural(report.changes.length, "change")}): ${
    dangerousShown
      ? "every dangerous change is above"
      : `only part of the ${c.dangerous + z.dangerous} dangerous changes is above`
  }; the JSON output (\`--format json\`) has every change._\n${cut.includes("### Digests") ? "" : keep}`;
}

/**
 * The report as JSON (version 1): summary counts, notes, and every change
 * with its attributes and reasons; for diff (a report with `refusal`) also
 * `refused` and the head's `errors`, `digests` per environment, and the
 * self-hosted `zones`.
 * `summary.dangerous` counts the dangerous DNS changes too.
 */
export function toJson(report: DiffReport): string {
  const counts = countChanges(report.changes);
  const z = zoneCounts(report.zones);
  const diffOnly =
    report.refusal !== undefined
      ? {
          refused: (report.refusal?.errors.length ?? 0) > 0,
          errors: report.refusal?.errors ?? [],
          ...(report.digests !== undefined
            ? {
                digests: Object.fromEntries(
                  Object.keys(report.digests)
                    .sort()
                    .map((k) => [k, report.digests![k]]),
                ),
              }
            : {}),
        }
      : {};
  return `${JSON.stringify(
    {
      version: 1,
      command: report.command,
      base: report.base ?? null,
      head: report.head ?? null,
      dangerous: counts.dangerous + z.dangerous > 0,
      ...diffOnly,
      summary: { ...counts, dangerous: counts.dangerous + z.dangerous },
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
      ...(report.zones !== undefined
        ? {
            zones: {
              summary: {
                added: z.add,
                removed: z.remove,
                changed: z.change,
                dangerous: z.dangerous,
                knot_changed: z.knot,
              },
              compared: report.zones.zones,
              knot: report.zones.knot,
              notes: report.zones.notes,
            },
          }
        : {}),
    },
    null,
    2,
  )}\n`;
}
