/**
 * Small helpers for walking parsed JSON safely.
 *
 * Synthesised Terraform JSON is untrusted input: keys such as "constructor" or
 * "__proto__" must never be resolved through the prototype chain, and the
 * many places where Terraform's JSON syntax accepts "an object, or an array of
 * objects" should be normalised in one place.
 */

/** A parsed JSON object (not null, not an array). */
export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Own-property lookup that never reaches Object.prototype. */
export function own(object: JsonObject, key: string): unknown {
  return Object.hasOwn(object, key) ? object[key] : undefined;
}

export function hasOwn(object: JsonObject, key: string): boolean {
  return Object.hasOwn(object, key);
}

/**
 * The entries of a labelled section such as `resource`, `variable` or
 * `output`. Terraform's JSON syntax allows the object to be split into an
 * array of objects; both forms are flattened here. Returns undefined when the
 * value has neither shape.
 */
export function sectionEntries(value: unknown): Array<[string, unknown]> | undefined {
  if (isObject(value)) return Object.entries(value);
  if (!Array.isArray(value)) return undefined;
  const entries: Array<[string, unknown]> = [];
  for (const item of value) {
    if (!isObject(item)) return undefined;
    for (const entry of Object.entries(item)) entries.push(entry);
  }
  return entries;
}

/** A value that may be given as one item or an array of items, as a list. */
export function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}
