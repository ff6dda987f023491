/**
 * Names that become part of Terraform addresses (kebab-case, checked by
 * checkName), their form in variable names (snake) and host names
 * (checkHostname).
 */
import { NAME_PATTERN, kebabGuess } from "../primitives/item-names";
import { ConstructPropsError, isToken, show } from "./common";

/** A name used only after a prefix in addresses (`internal-10-20-1-0-24`): may start with a digit. */
export const SUFFIX_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * Throws unless `value` is a kebab-case name (see NAME_PATTERN); with
 * `suffix`, a name that only follows a prefix in addresses may start with a digit.
 */
export function checkName(where: string, what: string, value: string, options: { suffix?: boolean } = {}): void {
  if (typeof value !== "string" || isToken(value)) {
    throw new ConstructPropsError(
      where,
      `${what} must be a literal name ` +
        `(got ${isToken(value) ? "a token" : show(value)}): it becomes part of a ` +
        `Terraform address`,
    );
  }
  const pattern = options.suffix === true ? SUFFIX_PATTERN : NAME_PATTERN;
  if (!pattern.test(value)) {
    const guess = kebabGuess(value);
    throw new ConstructPropsError(
      where,
      `${what} ${show(value)} is not a valid name: use lower-case letters, digits and inner ` +
        `hyphens, ${options.suffix === true ? "starting with a letter or digit" : "starting with a letter"}, at ` +
        `most 63 characters${guess ? ` (e.g. "${guess}")` : ""}`,
    );
  }
}

/** `web-1` → `web_1`: the form used in variable names, so that `TF_VAR_<name>` is a valid shell variable. */
export function snake(name: string): string {
  return name.replace(/[^A-Za-z0-9_]/g, "_");
}

const HOSTNAME_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** Throws unless `value` is a host name (RFC 1123 labels, lower case, optional trailing dot refused). */
export function checkHostname(where: string, what: string, value: string, options: { minLabels?: number } = {}): void {
  if (isToken(value)) return;
  const labels = value.split(".");
  const ok =
    value.length <= 253 &&
    labels.length >= (options.minLabels ?? 1) &&
    labels.every((label) => HOSTNAME_LABEL.test(label));
  if (!ok) {
    const hint = value.endsWith(".")
      ? "drop the trailing dot"
      : value !== value.toLowerCase()
        ? `use lower case ("${value.toLowerCase()}")`
        : // biome-ignore lint/suspicious/noControlCharactersInRegex: the range of ASCII, to tell non-ASCII names apart
          /[^\x00-\x7f]/.test(value)
          ? "write international names in their ASCII (punycode) form"
          : `use lower-case labels of letters, digits and inner hyphens separated by ` +
            `dots${(options.minLabels ?? 1) > 1 ? `, at least ${options.minLabels} labels` : ""}`;
    throw new ConstructPropsError(where, `${what} ${show(value)} is not a valid host name: ${hint}`);
  }
}
