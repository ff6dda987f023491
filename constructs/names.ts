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
