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
