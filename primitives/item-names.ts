/**
 * Item names shared by the construct library and the network description:
 * an RFC 1123 hostname label that is also a safe kebab-case Terraform id.
 * A pure module (no dependencies), so the description's loader can use it
 * without loading cdktn.
 */

/**
 * Lower-case letters, digits and inner hyphens, starting with a letter and
 * ending with a letter or digit, at most 63 characters.
 */
export const NAME_PATTERN = /^[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** A kebab-case suggestion for a bad name (`Web_1` → `web-1`), or undefined. */
export function kebabGuess(input: string): string | undefined {
  const guess = input
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/-+/g, "-")
    .replace(/^[^a-z]+/, "")
    .replace(/-+$/, "")
    .slice(0, 63)
    .replace(/-+$/, "");
  return guess !== "" && guess !== input && NAME_PATTERN.test(guess) ? guess : undefined;
}

/**
 * Hetzner's label syntax, in one place: a key is `[prefix/]name`, the prefix
 * a DNS subdomain of such labels, the name and the value (which may be empty)
 * at most 63 letters, digits, "-", "_" and ".", starting and ending with a
 * letter or digit.
 */
export const LABEL_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/;
export const LABEL_VALUE = /^(?:[A-Za-z0-9](?:[A-Za-z0-9._-]{0,61}[A-Za-z0-9])?)?$/;
export const DNS_SUBDOMAIN_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** Why a Hetzner label key is invalid (a sentence naming the key), or undefined when it is fine. */
export function labelKeyProblem(key: string): string | undefined {
  const slash = key.indexOf("/");
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  const its = prefix === undefined ? `label key "${key}"` : `label key "${key}": its name "${name}"`;
  if (prefix !== undefined) {
    if (prefix.length === 0 || prefix.length > 253 || !prefix.split(".").every((l) => DNS_SUBDOMAIN_LABEL.test(l))) {
      return (
        `label key "${key}": its prefix "${prefix}" must be a DNS subdomain ` +
        `(lower-case labels separated by dots, at most 253 characters)`
      );
    }
    if (prefix === "hetzner.cloud" || prefix.endsWith(".hetzner.cloud")) {
      return `label key "${key}": its prefix "${prefix}" is reserved by Hetzner`;
    }
  }
  if (name.length === 0)
    return key === "" ? "label key is empty" : `label key "${key}" has an empty name after its prefix`;
  if (name.length > 63) return `${its} is ${name.length} characters long (at most 63)`;
  if (!LABEL_NAME.test(name)) {
    return `${its} must start and end with a letter or digit, with only letters, digits, "-", "_" and "." between`;
  }
  return undefined;
}

/** Why a Hetzner label value is invalid, or undefined when it is fine. */
export function labelValueProblem(value: string): string | undefined {
  if (value.length > 63) return `label value is ${value.length} characters long (at most 63)`;
  if (!LABEL_VALUE.test(value)) {
    return (
      `label value "${value}" must be empty or start and end with a letter or ` +
      `digit, with only letters, digits, "-", "_" and "." between`
    );
  }
  return undefined;
}
