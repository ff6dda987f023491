/**
 * The secret scan, run after synth over every written cdk.tf.json: every
 * string anywhere in the document (resources, data sources, variables and
 * their defaults, outputs, locals, provider and backend blocks, metadata) is
 * checked for
 *
 * 1. private key blocks: PEM/OpenSSH/PGP `-----BEGIN … PRIVATE KEY…-----`
 *    and PuTTY key files;
 * 2. literal values of attributes, variables, outputs or locals named like a
 *    secret (password, passphrase, secret, token, api_key, private_key,
 *    tsig_key, access_key, credentials) — a `${…}` reference is fine, any
 *    other text is a literal — and `name: value` / `name=value` pairs with
 *    such names inside text (user data, for instance);
 * 3. high-entropy strings:
 *    - base64-like runs (letters, digits, `+/_-`, up to two `=`) of at least
 *      32 characters that mix upper case, lower case and digits, with a
 *      Shannon entropy of at least 4.0 bits per character and letter runs
 *      averaging at most 3.5 characters (random text has short runs;
 *      identifiers such as `MyVeryLongClassName2ForTesting1234` are words);
 *    - hex runs of at least 32 digits mixing digits and letters, with an
 *      entropy of at least 3.0 bits per character, except on a line that
 *      names a digest (sha256, checksum, fingerprint, …).
 *
 * Known-safe, not scanned for entropy: `${…}` expressions; OpenSSH public key
 * lines (`ssh-ed25519 AAAA…`) and `SHA256:` fingerprints; PEM public keys and
 * certificates; DKIM public keys (`p=` in a `v=DKIM1` text); and DNS record
 * values (hcloud_zone_rrset records, hcloud_zone_record values), which are
 * published to the world by design (DKIM keys, TLSA/SSHFP/DS digests, site
 * verification tokens): only check 1 applies to them.
 *
 * A secret found is never printed, only where it is and what kind it is.
 */

/** One string that holds a secret: where it is in the document and why it is one. */
export interface SecretHit {
  /** JSON path from the document's root, e.g. ["resource", "hcloud_server", "web-1", "user_data"]. */
  readonly path: readonly (string | number)[];
  /** What was found, e.g. "a private key block"; never the secret itself. */
  readonly reasons: readonly string[];
}

/** Base64-like candidates: length and entropy thresholds (documented in docs/policies.md). */
export const BASE64_MIN_LENGTH = 32;
export const BASE64_MIN_ENTROPY = 4.0;
export const BASE64_MAX_MEAN_LETTER_RUN = 3.5;
/** Hex candidates. */
export const HEX_MIN_LENGTH = 32;
export const HEX_MIN_ENTROPY = 3.0;

const PRIVATE_KEY_BLOCK = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|PuTTY-User-Key-File-\d+:/;
const SECRET_WORD =
  "password|passwd|passphrase|secret|token|api[_-]?key|apikey|private[_-]?key|tsig[_-]?key|access[_-]?key|credentials?";
const SECRET_NAME = new RegExp(`(?:^|[^a-z])(?:${SECRET_WORD})(?:$|[^a-z])`, "i");
const EMBEDDED_ASSIGNMENT = new RegExp(
  `(?:^|[\\s{,;"'])([A-Za-z0-9_.-]*(?:${SECRET_WORD})[A-Za-z0-9_.-]*)["']?[ \\t]*[:=][ \\t]*["']?([^\\s"',;}\\]]+)`,
  "gi",
);
const NOT_A_SECRET_VALUE = /^(?:true|false|yes|no|on|off|none|null|nil|~|required|optional|disabled|enabled)$/i;
const SSH_PUBLIC_KEY = new RegExp(
  String.raw`\b(?:ssh-(?:ed25519|rsa|dss)|ecdsa-sha2-nistp(?:256|384|521)|` +
    String.raw`sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com)\s+AAAA[A-Za-z0-9+/]+={0,3}`,
  "g",
);
const FINGERPRINT = /\bSHA256:[A-Za-z0-9+/]{43}=?/g;
const PUBLIC_PEM = /-----BEGIN ([A-Z0-9 ]*(?:PUBLIC KEY|CERTIFICATE)[A-Z0-9 ]*)-----[\s\S]*?-----END \1-----/g;
const DIGEST_CONTEXT = /sha-?(?:1|224|256|384|512)|md5|checksum|digest|fingerprint|hash/i;
const BASE64_RUN = /[A-Za-z0-9+/_-]{32,}={0,2}/g;
const HEX_RUN = /(?<![A-Za-z0-9])[0-9a-fA-F]{32,}(?![A-Za-z0-9])/g;
const EXPRESSION_PLACEHOLDER = "\u0000";

/** Shannon entropy of a string, in bits per character. */
export function shannonEntropy(text: string): number {
  if (text.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const c of text) counts.set(c, (counts.get(c) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / text.length;
    h -= p * Math.log2(p);
  }
  return h;
}

/** Mean length of the letter runs ("My", "Very", "abc"): short in random text, long in words. */
function meanLetterRun(text: string): number {
  const runs = text.match(/[A-Z]?[a-z]+|[A-Z]+(?![a-z])/g) ?? [];
  return runs.reduce((sum, r) => sum + r.length, 0) / Math.max(1, runs.length);
}

/** The text with every `${…}` expression (nested braces included) replaced by a placeholder. */
export function stripExpressions(text: string): string {
  if (!text.includes("${")) return text;
  let out = "";
  let i = 0;
  while (i < text.length) {
    if (text[i] === "$" && text[i + 1] === "{") {
      let depth = 0;
      let j = i + 1;
      for (; j < text.length; j++) {
        if (text[j] === "{") depth++;
        else if (text[j] === "}" && --depth === 0) break;
      }
      out += EXPRESSION_PLACEHOLDER;
      i = j + 1;
    } else {
      out += text[i++];
    }
  }
  return out;
}

/** True for a base64-like or hex run that looks random (see the thresholds above). */
export function looksRandom(run: string): boolean {
  if (
    /^[0-9a-fA-F]+$/.test(run) &&
    run.length >= HEX_MIN_LENGTH &&
    (run === run.toLowerCase() || run === run.toUpperCase())
  ) {
    return /[0-9]/.test(run) && /[a-fA-F]/.test(run) && shannonEntropy(run) >= HEX_MIN_ENTROPY;
  }
  return (
    run.length >= BASE64_MIN_LENGTH &&
    /[A-Z]/.test(run) &&
    /[a-z]/.test(run) &&
    /[0-9]/.test(run) &&
    shannonEntropy(run) >= BASE64_MIN_ENTROPY &&
    meanLetterRun(run) <= BASE64_MAX_MEAN_LETTER_RUN
  );
}

/**
 * Why a piece of text holds a secret (empty when it does not). `name` is the attribute holding it; `published` marks
 * DNS data.
 */
export function secretsInText(text: string, name: string | undefined, published = false): string[] {
  const reasons: string[] = [];
  if (PRIVATE_KEY_BLOCK.test(text)) reasons.push("a private key block");
  if (published) return reasons;

  const literal = stripExpressions(text);
  if (
    name !== undefined &&
    namedLikeSecret(name) &&
    literal.trim() !== "" &&
    literal.replace(new RegExp(EXPRESSION_PLACEHOLDER, "g"), "").trim() !== ""
  ) {
    reasons.push(`a literal value for ${JSON.stringify(name)}, which is named like a secret`);
  }
  // Most strings are short names, labels and references: with no `:` or `=` there is no embedded
  // assignment, and under 32 characters no base64 or hex run long enough to report.
  if (literal.length < Math.min(BASE64_MIN_LENGTH, HEX_MIN_LENGTH) && !literal.includes(":") && !literal.includes("="))
    return reasons;
  for (const m of literal.matchAll(EMBEDDED_ASSIGNMENT)) {
    const value = m[2]!;
    // \u0000 is the placeholder of a ${…} expression (stripExpressions).
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the placeholder, see above
    if (value.length < 6 || NOT_A_SECRET_VALUE.test(value) || /^[$<{%\u0000]/.test(value)) continue;
    reasons.push(`a literal value for ${JSON.stringify(m[1])} in the text, which is named like a secret`);
    break;
  }

  const scanned = literal.replace(PUBLIC_PEM, " ").replace(SSH_PUBLIC_KEY, " ").replace(FINGERPRINT, " ");
  const dkim = /v=DKIM1/i.test(scanned);
  let randomFound = false;
  for (const line of scanned.split("\n")) {
    if (randomFound) break;
    for (const m of line.matchAll(BASE64_RUN)) {
      const run = m[0];
      if (dkim && line.slice(Math.max(0, (m.index ?? 0) - 2), m.index).endsWith("p=")) continue;
      if (/^[0-9a-fA-F]+$/.test(run)) continue; // hex: below
      if (looksRandom(run)) {
        reasons.push(`a high-entropy string of ${run.length} characters (a key or token?)`);
        randomFound = true;
        break;
      }
    }
    if (randomFound || DIGEST_CONTEXT.test(line) || (name !== undefined && DIGEST_CONTEXT.test(name))) continue;
    for (const m of line.matchAll(HEX_RUN)) {
      if (looksRandom(m[0])) {
        reasons.push(`a high-entropy hex string of ${m[0].length} digits (a key or token?)`);
        randomFound = true;
        break;
      }
    }
  }
  return reasons;
}

const secretNames = new Map<string, boolean>();
/** Whether an attribute, variable or output name is named like a secret (cached: documents repeat a few names). */
function namedLikeSecret(name: string): boolean {
  let named = secretNames.get(name);
  if (named === undefined) {
    named = SECRET_NAME.test(name);
    if (secretNames.size < 10_000) secretNames.set(name, named);
  }
  return named;
}

/** The name a value at `path` goes by: the variable, output or local it is, else its nearest attribute name. */
function nameAt(path: readonly (string | number)[]): string | undefined {
  const last = path[path.length - 1];
  if (path[0] === "variable" && path.length === 3 && last === "default") return String(path[1]);
  if (path[0] === "output" && path.length === 3 && last === "value") return String(path[1]);
  if (path[0] === "locals" && path.length === 2) return String(path[1]);
  for (let i = path.length - 1; i >= 0; i--) if (typeof path[i] === "string") return path[i] as string;
  return undefined;
}

/** DNS record values: published to the world by design. */
function isPublishedDnsData(path: readonly (string | number)[]): boolean {
  if (path[0] !== "resource") return false;
  if (path[1] === "hcloud_zone_rrset") return path[3] === "records" && path[5] === "value";
  if (path[1] === "hcloud_zone_record") return path[3] === "value" && path.length === 4;
  return false;
}

/** Every string of a synthesised stack document that holds a secret. */
export function scanDocument(doc: unknown): SecretHit[] {
  const hits: SecretHit[] = [];
  const path: (string | number)[] = [];
  const walk = (value: unknown): void => {
    if (typeof value === "string") {
      const reasons = secretsInText(value, nameAt(path), isPublishedDnsData(path));
      if (reasons.length > 0) hits.push({ path: [...path], reasons });
    } else if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        path.push(i);
        walk(value[i]);
        path.pop();
      }
    } else if (value !== null && typeof value === "object") {
      for (const key of Object.keys(value)) {
        path.push(key);
        walk((value as Record<string, unknown>)[key]);
        path.pop();
      }
    }
  };
  walk(doc);
  // In document order of sorted keys, whatever order the document was built in.
  return hits.sort((a, b) => comparePaths(a.path, b.path));
}

function comparePaths(a: readonly (string | number)[], b: readonly (string | number)[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (typeof x === "number" && typeof y === "number") return x - y;
    const sx = String(x);
    const sy = String(y);
    return sx < sy ? -1 : sx > sy ? 1 : 0;
  }
  return a.length - b.length;
}

/**
 * Where a path points, as a Terraform address and a subject: `hcloud_server.web-1`, `var.x`, `output.y`,
 * `provider.hcloud`.
 */
export function locate(path: readonly (string | number)[]): {
  address: string;
  kind: string;
  name: string;
  rest: readonly (string | number)[];
} {
  const [section, a, b] = path;
  switch (section) {
    case "resource":
      if (typeof a === "string" && typeof b === "string")
        return { address: `${a}.${b}`, kind: a, name: b, rest: path.slice(3) };
      break;
    case "data":
      if (typeof a === "string" && typeof b === "string")
        return { address: `data.${a}.${b}`, kind: "data", name: `${a}.${b}`, rest: path.slice(3) };
      break;
    case "variable":
      if (typeof a === "string") return { address: `var.${a}`, kind: "variable", name: a, rest: path.slice(2) };
      break;
    case "output":
      if (typeof a === "string") return { address: `output.${a}`, kind: "output", name: a, rest: path.slice(2) };
      break;
    case "locals":
      if (typeof a === "string") return { address: `local.${a}`, kind: "local", name: a, rest: path.slice(2) };
      break;
    case "provider":
      if (typeof a === "string")
        return { address: `provider.${a}`, kind: "provider", name: a, rest: path.slice(typeof b === "number" ? 3 : 2) };
      break;
    case "terraform":
      if (a === "backend" && typeof b === "string")
        return { address: `terraform.backend.${b}`, kind: "backend", name: b, rest: path.slice(3) };
      return { address: "terraform", kind: "terraform", name: String(a ?? ""), rest: path.slice(1) };
    default:
      break;
  }
  return { address: "", kind: "stack", name: "", rest: path };
}

/** `records[0].value`, `user_data` (primitives/path.ts). */
export { formatPath } from "../primitives/path";
