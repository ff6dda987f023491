/**
 * Values of synthesised JSON and of plans: deep comparison down to the
 * attributes that differ, attribute paths, and how a value is shown to a
 * reviewer — secrets masked, long text reduced to its length and a hash.
 */
import { createHash } from "node:crypto";
import { secretsInText } from "../../policies/secrets";
import { KNOWN_AFTER_APPLY, SENSITIVE } from "./change-types";

export type PathStep = string | number;
export type Path = readonly PathStep[];

/** Marks an attribute that is not there (as opposed to `null`). */
export const ABSENT: unique symbol = Symbol("absent");
export type Maybe = unknown;

export interface RawDiff {
  readonly path: Path;
  /** ABSENT when the attribute is new. */
  readonly old: Maybe;
  /** ABSENT when the attribute goes away. */
  readonly new: Maybe;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isScalar(value: unknown): boolean {
  return value === null || (typeof value !== "object" && typeof value !== "function");
}

/** Structural equality; key order does not matter, array order does. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  }
  if (isPlainObject(a)) {
    if (!isPlainObject(b)) return false;
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

/**
 * The attributes that differ between `a` and `b`, as leaf changes. Lists of
 * scalars change as a whole; lists of blocks are compared as multisets:
 * blocks present on both sides are unchanged wherever they sit, a single
 * remaining block on each side is compared attribute by attribute, other
 * remaining blocks are removed and added whole (firewall rules are sets).
 */
export function diffValues(a: Maybe, b: Maybe, path: Path = [], out: RawDiff[] = []): RawDiff[] {
  if (a !== ABSENT && b !== ABSENT && deepEqual(a, b)) return out;
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    for (const key of keys) {
      const has = (o: Record<string, unknown>): boolean => Object.hasOwn(o, key);
      diffValues(has(a) ? a[key] : ABSENT, has(b) ? b[key] : ABSENT, [...path, key], out);
    }
    return out;
  }
  if (Array.isArray(a) && Array.isArray(b) && !(a.every(isScalar) && b.every(isScalar))) {
    const usedB = new Set<number>();
    const leftA: number[] = [];
    a.forEach((item, i) => {
      const j = b.findIndex((other, k) => !usedB.has(k) && deepEqual(item, other));
      if (j >= 0) usedB.add(j);
      else leftA.push(i);
    });
    const leftB = b.map((_, k) => k).filter((k) => !usedB.has(k));
    const [onlyA] = leftA;
    const [onlyB] = leftB;
    if (leftA.length === 1 && leftB.length === 1 && isPlainObject(a[onlyA!]) && isPlainObject(b[onlyB!])) {
      return diffValues(a[onlyA!], b[onlyB!], [...path, onlyB!], out);
    }
    for (const i of leftA) out.push({ path: [...path, i], old: a[i], new: ABSENT });
    for (const k of leftB) out.push({ path: [...path, k], old: ABSENT, new: b[k] });
    return out;
  }
  out.push({ path, old: a, new: b });
  return out;
}

/** `public_net[0].ipv4`, `labels["app.io/name"]`, `rule[3]` (primitives/path.ts). */
export { formatPath } from "../../primitives/path";

/** The path without list indexes, as the replacement table and ignore_changes name attributes: `public_net.ipv4`. */
export function attributePath(path: Path): string {
  return path.filter((s): s is string => typeof s === "string").join(".");
}

/** An ignore_changes entry (`image`, `public_net[0].ipv4`, `labels["x"]`) as an attribute path (`labels.x`). */
export function normaliseReference(ref: string): string {
  return ref
    .replace(/\[\s*"([^"]*)"\s*\]/g, ".$1")
    .replace(/\[\s*\d+\s*\]/g, "")
    .replace(/\[\s*\*\s*\]/g, "")
    .replace(/^\.+|\.+$/g, "")
    .replace(/\.{2,}/g, ".");
}

/** True when `attribute` is `prefix` or inside it (`public_net.ipv4` is inside `public_net`). */
export function isWithin(attribute: string, prefix: string): boolean {
  return attribute === prefix || attribute.startsWith(`${prefix}.`);
}

/**
 * The value at an attribute path, through lists of blocks: `public_net.ipv4`
 * of `{ public_net: [{ ipv4: "x" }] }` is `["x"]`. ABSENT when not there.
 */
export function valueAt(body: Maybe, attribute: string): Maybe {
  let values: unknown[] = [body];
  let listed = false;
  for (const step of attribute.split(".")) {
    const next: unknown[] = [];
    for (const v of values) {
      const items = Array.isArray(v) ? v : [v];
      if (Array.isArray(v)) listed = true;
      for (const item of items) {
        if (isPlainObject(item) && Object.hasOwn(item, step)) next.push(item[step]);
      }
    }
    values = next;
    if (values.length === 0) return ABSENT;
  }
  return listed ? values : values[0];
}

// ---------------------------------------------------------------------------
// Showing values

const SECRET_WORD =
  "password|passwd|passphrase|secret|token|api[_-]?key|apikey|private[_-]?key|tsig[_-]?key|access[_-]?key|credentials?";
const SECRET_NAME = new RegExp(`(?:^|[^a-z])(?:${SECRET_WORD})(?:$|[^a-z])`, "i");

/** True for an attribute, variable or output named like a secret (`password`, `tsig_key`, `api_token`). */
export function isSecretName(name: string | undefined): boolean {
  return name !== undefined && SECRET_NAME.test(name);
}

/** The `var.x` names a text refers to inside `${…}`. */
export function referencedVariables(text: string): string[] {
  const names: string[] = [];
  for (const m of text.matchAll(/\$\{[^}]*\}/g)) {
    for (const v of m[0].matchAll(/\bvar\.([A-Za-z_][A-Za-z0-9_-]*)/g)) names.push(v[1]!);
  }
  return names;
}

/** What masking needs to know about where a value sits. */
export interface ShowContext {
  /** Names of the stack's sensitive variables: values referring to them are masked. */
  readonly sensitiveVariables?: ReadonlySet<string>;
  /**
   * True when the value at this path is sensitive (a plan's before_sensitive/after_sensitive, a sensitive variable's
   * default).
   */
  readonly isSensitive?: (path: Path) => boolean;
  /** True when the value at this path is published DNS data (record values): only private keys are masked there. */
  readonly isPublished?: (path: Path) => boolean;
}

/** Longest single-line string shown whole; longer ones are cut. */
export const MAX_INLINE = 100;
/** Longest rendering of a list or block. */
export const MAX_COMPOUND = 200;

function hash(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 12);
}

/** The name a value goes by: its nearest attribute name. */
function nameOf(path: Path): string | undefined {
  for (let i = path.length - 1; i >= 0; i--) if (typeof path[i] === "string") return path[i] as string;
  return undefined;
}

/**
 * True when the string must not be shown: named like a secret, referring to a sensitive variable, or holding a secret
 * (policies/secrets.ts).
 */
export function isSecretString(text: string, path: Path, ctx: ShowContext): boolean {
  if (ctx.isSensitive?.(path)) return true;
  const name = nameOf(path);
  const published = ctx.isPublished?.(path) ?? false;
  if (!published && isSecretName(name) && text !== "") return true;
  if (ctx.sensitiveVariables && referencedVariables(text).some((v) => ctx.sensitiveVariables!.has(v))) return true;
  return secretsInText(text, name, published).length > 0;
}

function showString(text: string): string {
  if (text.includes("\n")) {
    const lines = text.split("\n").length - (text.endsWith("\n") ? 1 : 0);
    return `(text: ${Buffer.byteLength(text)} bytes, ${lines} line${lines === 1 ? "" : "s"}, sha256 ${hash(text)})`;
  }
  if (text.length > MAX_INLINE)
    return `${JSON.stringify(text.slice(0, 60))}… (${text.length} characters, sha256 ${hash(text)})`;
  return JSON.stringify(text);
}

/**
 * Stands for a value a plan only knows after apply (after_unknown), so that
 * it compares unequal to any known value and shows as such.
 */
export const UNKNOWN = "\u0000(known after apply)";

/** A value as a reviewer sees it: secrets masked, long text summarised, blocks compact. */
export function showValue(value: Maybe, path: Path, ctx: ShowContext = {}): string {
  return render(value, path, ctx);
}

function render(value: Maybe, path: Path, ctx: ShowContext): string {
  if (value === ABSENT || value === undefined) return "(absent)";
  if (value === UNKNOWN) return KNOWN_AFTER_APPLY;
  if (ctx.isSensitive?.(path)) return SENSITIVE;
  if (value === null) return "null";
  if (typeof value === "string") return isSecretString(value, path, ctx) ? SENSITIVE : showString(value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) {
    return cut(`[${value.map((v, i) => render(v, [...path, i], ctx)).join(", ")}]`);
  }
  if (isPlainObject(value)) {
    const parts = Object.keys(value)
      .sort()
      .map(
        (k) => `${/^[A-Za-z_][A-Za-z0-9_]*$/.test(k) ? k : JSON.stringify(k)}: ${render(value[k], [...path, k], ctx)}`,
      );
    return cut(`{${parts.join(", ")}}`);
  }
  return JSON.stringify(String(value));
}

function cut(text: string): string {
  return text.length > MAX_COMPOUND ? `${text.slice(0, MAX_COMPOUND - 20)}… (${text.length} characters)` : text;
}
