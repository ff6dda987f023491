/**
 * The Markdown the inventory is written in: table cells, code spans, tables,
 * lists and shortened values. Deterministic, like the document.
 *
 * Imports: nothing.
 */

/** Values longer than this are shortened in tables (the JSON format keeps them whole). */
export const MAX_VALUE_CHARS = 80;

/** One table cell: `|` escaped, line breaks as spaces. */
function cell(text: string): string {
  return text.replace(/\r?\n/g, " ").replace(/\|/g, "\\|");
}

/** Inline code: the text as is, in a code span wide enough for its backticks. */
export function code(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longest + 1);
  const pad = text.startsWith("`") || text.endsWith("`") ? " " : "";
  return `${fence}${pad}${text}${pad}${fence}`;
}

/** A table, then the blank line that ends it: every table of the document is a block of its own. */
export function table(header: string[], rows: string[][]): string[] {
  const lines = [`| ${header.join(" | ")} |`, `|${header.map(() => "---").join("|")}|`];
  for (const row of rows)
    lines.push(
      `| ${row
        .map((c) => (c === "" ? " " : c))
        .map(cell)
        .join(" | ")} |`,
    );
  return [...lines, ""];
}

export function list(items: readonly string[], none = "—"): string {
  return items.length === 0 ? none : items.join(", ");
}

export function yesNo(value: boolean): string {
  return value ? "yes" : "no";
}

export function shorten(text: string): string {
  if (text.length <= MAX_VALUE_CHARS) return text;
  return `${text.slice(0, MAX_VALUE_CHARS - 20)}… (${text.length} characters)`;
}
