/**
 * Rules for names: item names (hostnames and Terraform ids), Hetzner labels,
 * DNS names (with IDN), TSIG key names and the environment variables derived
 * from them.
 */
import { domainToASCII, domainToUnicode } from "node:url";

import { NAME_PATTERN, kebabGuess, labelKeyProblem, labelValueProblem } from "../primitives/item-names";

/** Item names (hostnames and Terraform ids) and Hetzner's label rules: shared with the construct library. */
export { NAME_PATTERN, kebabGuess, labelKeyProblem, labelValueProblem };

/** Label keys set on every resource by the stacks; config may not set them. */
export const RESERVED_LABEL_KEYS = ["managed-by", "environment", "role"] as const;

/** A fully qualified domain name in ASCII (punycode), lower case, without the trailing dot. */
export interface DomainName {
  readonly ascii: string;
  readonly unicode: string;
}

const HOST_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const OWNER_LABEL = /^(?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)$/;

/** One label to ASCII: IDN labels become punycode (`café` → `xn--caf-dma`). */
export function labelToAscii(label: string): string | undefined {
  const lower = label.toLowerCase();
  // eslint-disable-next-line no-control-regex
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the range of ASCII: an ASCII name needs no conversion
  if (/^[\x00-\x7f]*$/.test(lower)) return lower;
  const ascii = domainToASCII(lower);
  return ascii === "" || ascii.includes(".") ? undefined : ascii;
}

/**
 * A domain name as given in config (Unicode allowed, trailing dot optional),
 * checked as a host name: at least two labels of letters, digits and
 * hyphens (underscores with `allowUnderscore`), at most 253 characters.
 */
export function parseDomainName(
  input: string,
  options: { allowUnderscore?: boolean; minLabels?: number } = {},
): { ok: true; name: DomainName } | { ok: false; reason: string } {
  const text = input.endsWith(".") ? input.slice(0, -1) : input;
  if (text === "") return { ok: false, reason: "is empty" };
  const labels = text.split(".");
  const ascii: string[] = [];
  for (const label of labels) {
    if (label === "") return { ok: false, reason: "has an empty label (two dots in a row?)" };
    const a = labelToAscii(label);
    if (a === undefined) return { ok: false, reason: `has a label "${label}" that is not a valid international name` };
    if (a.length > 63) return { ok: false, reason: `has a label "${label}" longer than 63 characters` };
    const pattern = options.allowUnderscore ? OWNER_LABEL : HOST_LABEL;
    if (!pattern.test(a)) {
      return {
        ok: false,
        reason:
          `has a label "${label}" with characters other than letters, ` +
          `digits${options.allowUnderscore ? ", underscores" : ""} and inner hyphens`,
      };
    }
    ascii.push(a);
  }
  const joined = ascii.join(".");
  if (joined.length > 253) return { ok: false, reason: `is ${joined.length} characters long (at most 253)` };
  if (ascii.length < (options.minLabels ?? 1))
    return { ok: false, reason: "needs at least two labels (e.g. example.be)" };
  return { ok: true, name: { ascii: joined, unicode: domainToUnicode(joined) || joined } };
}

/**
 * The Terraform variable holding a TSIG secret: `all2all-org-transfer.` →
 * `tsig_all2all_org_transfer`. Operators set it as the environment variable
 * `TF_VAR_tsig_all2all_org_transfer` (see tsigEnvVar), which tofu and
 * terraform read by themselves.
 */
export function tsigVariable(keyName: string): string {
  const stem = keyName
    .replace(/\.$/, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");
  return `tsig_${stem}`;
}

/** The environment variable holding a TSIG secret: `all2all-org-transfer` → `TF_VAR_tsig_all2all_org_transfer`. */
export function tsigEnvVar(keyName: string): string {
  return `TF_VAR_${tsigVariable(keyName)}`;
}

/** TSIG key names are domain names; we keep them simple: lower-case labels. */
export const TSIG_KEY_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;
