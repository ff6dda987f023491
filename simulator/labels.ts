/**
 * Labels as Hetzner rules them: the list query every list endpoint takes
 * (`id`, `name`, `label_selector`), the label selector's grammar, and the
 * keys and values a resource's labels may have.
 *
 * Imports: ./errors only. The core re-exports them for the resource modules.
 */
import { invalidInput } from "./errors";

/**
 * Filters a list by the query Hetzner's list endpoints take: `name`,
 * `label_selector`, and `id` where given; sorted by id.
 */
export function filterList<T extends { id: number; name?: string; labels?: Record<string, string> }>(
  items: Iterable<T>,
  query: URLSearchParams,
): T[] {
  const matches = nameAndLabelFilter(query);
  const ids = query.getAll("id").map(Number);
  return [...items]
    .filter((r) => ids.length === 0 || ids.includes(r.id))
    .filter(matches)
    .sort((a, b) => a.id - b.id);
}

/**
 * The part of a list query every list takes: `name` (exact) and
 * `label_selector` (parsed now, so that a bad one is `invalid_input` at once).
 */
export function nameAndLabelFilter(
  query: URLSearchParams,
): (record: { name?: string; labels?: Record<string, string> }) => boolean {
  const name = query.get("name");
  const selector = query.get("label_selector");
  const match = selector ? labelSelector(selector) : () => true;
  return (r) => (name === null || r.name === name) && match(r.labels ?? {});
}

/**
 * A label selector as Hetzner documents it: comma-separated terms, all of
 * which must hold: `k=v`, `k==v`, `k!=v`, `k`, `!k`, `k in (a,b)`,
 * `k notin (a,b)`. An unparsable selector is `invalid_input`.
 */
export function labelSelector(selector: string): (labels: Record<string, string>) => boolean {
  const terms = splitTerms(selector)
    .map((t) => t.trim())
    .filter((t) => t !== "");
  const tests = terms.map((term): ((l: Record<string, string>) => boolean) => {
    let m: RegExpMatchArray | null;
    // biome-ignore lint/suspicious/noAssignInExpressions: a chain of patterns, each match kept for its branch
    if ((m = term.match(/^([^\s!=,()]+)\s+(in|notin)\s+\(([^)]*)\)$/))) {
      const [, key, op, list] = m as unknown as [string, string, string, string];
      const values = list.split(",").map((v) => v.trim());
      return op === "in"
        ? (l) => key in l && values.includes(l[key]!)
        : (l) => !(key in l) || !values.includes(l[key]!);
    }
    // biome-ignore lint/suspicious/noAssignInExpressions: a chain of patterns, each match kept for its branch
    if ((m = term.match(/^([^\s!=,()]+)\s*(==|=|!=)\s*([^\s!=,()]*)$/))) {
      const [, key, op, value] = m as unknown as [string, string, string, string];
      return op === "!=" ? (l) => l[key] !== value : (l) => l[key] === value;
    }
    // biome-ignore lint/suspicious/noAssignInExpressions: a chain of patterns, each match kept for its branch
    if ((m = term.match(/^!([^\s!=,()]+)$/))) {
      const key = m[1]!;
      return (l) => !(key in l);
    }
    // biome-ignore lint/suspicious/noAssignInExpressions: a chain of patterns, each match kept for its branch
    if ((m = term.match(/^([^\s!=,()]+)$/))) {
      const key = m[1]!;
      return (l) => key in l;
    }
    throw invalidInput("label_selector", `invalid label selector term "${term}"`);
  });
  return (labels) => tests.every((t) => t(labels));
}

/** Splits at commas that are not inside parentheses. */
function splitTerms(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = "";
  for (const ch of s) {
    if (ch === "(") depth++;
    if (ch === ")") depth--;
    if (ch === "," && depth === 0) {
      out.push(cur);
      cur = "";
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

/** Checks labels as Hetzner does (keys and values by its rules); `invalid_input` otherwise. */
export function checkLabels(labels: unknown): Record<string, string> {
  if (labels === undefined || labels === null) return {};
  if (typeof labels !== "object" || Array.isArray(labels)) throw invalidInput("labels", "must be an object");
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels as Record<string, unknown>)) {
    const keyOk = /^([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/.test(k);
    if (!keyOk) throw invalidInput("labels", `invalid label key "${k}"`);
    if (typeof v !== "string" || !/^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/.test(v)) {
      throw invalidInput("labels", `invalid label value for key "${k}"`);
    }
    out[k] = v;
  }
  return out;
}
