/**
 * Builds the attribute paths shown in problems, such as `rule[0].port`,
 * `access_settings.samba_enabled` or `labels["app.kubernetes.io/name"]`.
 *
 * Names that are valid Terraform identifiers are joined with a dot; any other
 * map key is written as a quoted index so that the path stays unambiguous.
 */

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/;

export function attrPath(parent: string, name: string): string {
  return parent === "" ? name : `${parent}.${name}`;
}

export function indexPath(parent: string, index: number): string {
  return `${parent}[${index}]`;
}

export function keyPath(parent: string, key: string): string {
  return IDENTIFIER.test(key) ? attrPath(parent, key) : `${parent}[${JSON.stringify(key)}]`;
}

/** Appends a relative path ("x", "[0]", `["k"]`, "a.b") to a parent path. */
export function joinPath(parent: string, relative: string): string {
  if (relative === "") return parent;
  if (parent === "" || relative.startsWith("[")) return parent + relative;
  return `${parent}.${relative}`;
}
