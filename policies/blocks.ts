/**
 * Reading resource blocks as cdktn writes them: labels, nested blocks,
 * lists, expressions, DNS names, and a locale-independent order. Pure.
 */

/** Label map of a body ({} when missing or not an object). */
export function labelsOf(body: Record<string, any>): Record<string, unknown> {
  const labels = body.labels;
  return labels !== null && typeof labels === "object" && !Array.isArray(labels) ? labels : {};
}

/** The first block of a block list (the JSON form of a nested block), or the block itself. */
export function firstBlock(value: unknown): Record<string, any> | undefined {
  const block = Array.isArray(value) ? value[0] : value;
  return block !== null && typeof block === "object" ? (block as Record<string, any>) : undefined;
}

/** A list attribute as an array (a single value becomes a list of one). */
export function listOf(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** True for a string holding a Terraform expression (not a literal). */
export function isExpression(value: unknown): boolean {
  return typeof value === "string" && value.includes("${");
}

/** `web-1.all2all.org.` → `web-1.all2all.org`. */
export function normaliseName(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, "");
}

/** Code-point comparison, for sorting that does not depend on the locale. */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
