/**
 * Paths inside a document (the description, a resource's attributes, a
 * plan), as keys and list indexes, written the way HCL traverses them:
 * `servers[1].type`, `public_net[0].ipv4`, `labels.role`; a key that is
 * not an identifier is quoted: `labels["app.io/name"]`.
 */

export type PathSegment = string | number;

/**
 * An HCL identifier (letters, digits, `_` and `-`, not starting with a digit or `-`), or a key of the description like
 * `$remove`.
 */
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/** `["servers", 1, "type"]` → `servers[1].type`; odd keys are quoted: `labels["a/b"]`. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (IDENTIFIER.test(segment)) out += out === "" ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}
