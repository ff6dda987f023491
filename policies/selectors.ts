/**
 * Hetzner label selectors (the Kubernetes syntax), for firewall membership:
 * `k=v`, `k==v`, `k!=v`, `k`, `!k`, `k in (a,b)`, `k notin (a,b)`, joined by
 * commas (all must hold).
 */

export type Requirement =
  | { readonly op: "eq" | "ne"; readonly key: string; readonly value: string }
  | { readonly op: "exists" | "absent"; readonly key: string }
  | { readonly op: "in" | "notin"; readonly key: string; readonly values: readonly string[] };

/** Splits on commas outside parentheses. */
function splitTerms(selector: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < selector.length; i++) {
    const c = selector[i];
    if (c === "(") depth++;
    else if (c === ")") depth = Math.max(0, depth - 1);
    else if (c === "," && depth === 0) {
      terms.push(selector.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(selector.slice(start));
  return terms.map((t) => t.trim()).filter((t) => t !== "");
}

/** The requirements of a selector, or undefined when it is not one (an unresolved token, a typo). */
export function parseSelector(selector: string): Requirement[] | undefined {
  if (selector.includes("${")) return undefined;
  const requirements: Requirement[] = [];
  for (const term of splitTerms(selector)) {
    let m = /^([^\s=!(),]+)\s*(==|=|!=)\s*([^\s=!(),]*)$/.exec(term);
    if (m) {
      requirements.push({ op: m[2] === "!=" ? "ne" : "eq", key: m[1]!, value: m[3]! });
      continue;
    }
    m = /^([^\s=!(),]+)\s+(in|notin)\s*\(([^()]*)\)$/.exec(term);
    if (m) {
      const values = m[3]!
        .split(",")
        .map((v) => v.trim())
        .filter((v) => v !== "");
      requirements.push({ op: m[2] === "in" ? "in" : "notin", key: m[1]!, values });
      continue;
    }
    m = /^(!?)\s*([^\s=!(),]+)$/.exec(term);
    if (m) {
      requirements.push({ op: m[1] === "!" ? "absent" : "exists", key: m[2]! });
      continue;
    }
    return undefined;
  }
  return requirements.length > 0 ? requirements : undefined;
}

/** True when the labels satisfy every requirement. */
export function matches(requirements: readonly Requirement[], labels: Readonly<Record<string, unknown>>): boolean {
  return requirements.every((r) => {
    const has = Object.hasOwn(labels, r.key);
    const value = has ? String(labels[r.key]) : undefined;
    switch (r.op) {
      case "eq":
        return value === r.value;
      case "ne":
        return value !== r.value;
      case "exists":
        return has;
      case "absent":
        return !has;
      case "in":
        return value !== undefined && r.values.includes(value);
      case "notin":
        return value === undefined || !r.values.includes(value);
      default:
        return false; // every operator is listed above; an unknown one matches nothing
    }
  });
}

/**
 * An equality the selector requires (`k=v`, or `k in (v)` with one value),
 * as the key of a label index, so that membership is found by lookup rather
 * than by testing every server; undefined when the selector has none.
 */
export function indexKey(requirements: readonly Requirement[]): string | undefined {
  for (const r of requirements) {
    if (r.op === "eq") return labelIndexKey(r.key, r.value);
    if (r.op === "in" && r.values.length === 1) return labelIndexKey(r.key, r.values[0]!);
  }
  return undefined;
}

/** The index key of one label. */
export function labelIndexKey(key: string, value: string): string {
  return `${key}\u0000${value}`;
}
