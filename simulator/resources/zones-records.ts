/**
 * What Hetzner's DNS API checks in zone names, rrset names, types, TTLs and
 * record values, as pure functions that throw `invalid_input`. The zones and
 * rrsets modules call them; nothing here keeps state.
 *
 * Record values are checked, never rewritten: the API answers every value
 * exactly as it was sent (quotes, backslashes, `${…}`, non-ASCII text), so a
 * plan after an apply stays empty.
 *
 * Sources (facts only): Hetzner's Cloud API reference for zones and rrsets
 * (zone names with well-known public suffixes only, no subdomains; rrset
 * names in lower case, without a final dot or the zone's name, `@` for the
 * apex, non-ASCII names in Punycode; TTL 60 … 2147483647; records not empty
 * and distinct), the provider's documentation (TXT values are one or more
 * quoted strings of at most 255 characters) and hcloud-go's list of types.
 *
 * Imports: node, ../core.
 */
import { isIPv4, isIPv6 } from "node:net";
import { checkLabels, invalidInput } from "../core";

/**
 * RRset types the API accepts (hcloud-go's ZoneRRSetType values, SOA included). Kept apart from
 * constructs/dns-records.ts' RRSET_TYPES on purpose: the simulator checks the code against Hetzner, not against itself.
 */
export const API_RRSET_TYPES = [
  "A",
  "AAAA",
  "CAA",
  "CNAME",
  "DS",
  "HINFO",
  "HTTPS",
  "MX",
  "NS",
  "PTR",
  "RP",
  "SOA",
  "SRV",
  "SVCB",
  "TLSA",
  "TXT",
] as const;
export type RRSetType = (typeof API_RRSET_TYPES)[number];

/** The TTL bounds Hetzner documents for zones and rrsets. */
export const MIN_TTL = 60;
export const MAX_TTL = 2147483647;

/** Bytes in one TXT character-string (RFC 1035 3.3). */
const TXT_STRING_BYTES = 255;

/**
 * Public suffixes of more than one label that the simulator knows, so that
 * `example.co.uk` is a zone and `www.example.com` a refused subdomain. A
 * subset of the Public Suffix List: a zone under a suffix missing here is
 * refused as a subdomain (widen the list rather than the rule).
 */
const MULTI_LABEL_SUFFIXES = new Set([
  "ac.uk",
  "co.uk",
  "gov.uk",
  "ltd.uk",
  "me.uk",
  "net.uk",
  "org.uk",
  "plc.uk",
  "sch.uk",
  "com.au",
  "net.au",
  "org.au",
  "edu.au",
  "gov.au",
  "asn.au",
  "id.au",
  "co.nz",
  "net.nz",
  "org.nz",
  "govt.nz",
  "ac.nz",
  "co.za",
  "org.za",
  "net.za",
  "gov.za",
  "co.at",
  "or.at",
  "ac.at",
  "gv.at",
  "co.jp",
  "ne.jp",
  "or.jp",
  "ac.jp",
  "go.jp",
  "co.il",
  "org.il",
  "net.il",
  "ac.il",
  "co.in",
  "net.in",
  "org.in",
  "firm.in",
  "gen.in",
  "ind.in",
  "com.br",
  "net.br",
  "org.br",
  "com.ar",
  "com.mx",
  "com.tr",
  "com.cn",
  "net.cn",
  "org.cn",
  "com.pl",
  "net.pl",
  "org.pl",
  "com.es",
  "org.es",
  "nom.es",
  "com.pt",
  "com.gr",
  "com.cy",
  "com.hr",
  "com.ua",
  "org.ua",
  "co.kr",
  "or.kr",
  "com.sg",
  "com.hk",
  "com.tw",
  "co.id",
  "com.my",
  "co.th",
  "eu.org",
  "de.com",
  "uk.com",
  "us.com",
  "eu.com",
]);

const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * Checks a zone name: lower case, ASCII (Punycode for IDNs), no final dot, a
 * registrable domain (one label below a public suffix); subdomains refused.
 */
export function checkZoneName(name: unknown): string {
  if (typeof name !== "string" || name === "") throw invalidInput("name", "is required");
  const fail = (why: string): never => {
    throw invalidInput("name", `invalid zone name "${name}": ${why}`);
  };
  if (name.endsWith(".")) fail("must not end with a dot");
  if (name !== name.toLowerCase()) fail("must be in lower case");
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the range of ASCII: a non-ASCII name must be Punycode
  if (/[^\x00-\x7f]/.test(name)) fail('non-ASCII names must be given in Punycode (e.g. "xn--4bi")');
  if (name.length > 253) fail("is longer than 253 characters");
  const labels = name.split(".");
  if (labels.length < 2) fail("must have a public suffix (e.g. example.com)");
  for (const label of labels) if (!LABEL.test(label)) fail(`the label "${label}" is not a valid host name label`);
  const suffixLabels = MULTI_LABEL_SUFFIXES.has(labels.slice(-2).join(".")) ? 2 : 1;
  if (labels.length > suffixLabels + 1) {
    fail(`subdomains are not supported; create the zone ${labels.slice(-(suffixLabels + 1)).join(".")} instead`);
  }
  return name;
}

/** Checks an rrset name relative to its zone (`@` for the apex, `*` wildcards, `_service` labels). */
export function checkRRSetName(name: unknown, zoneName: string, field = "name"): string {
  if (typeof name !== "string" || name === "") throw invalidInput(field, "is required");
  if (name === "@") return name;
  const fail = (why: string): never => {
    throw invalidInput(field, `invalid rrset name "${name}": ${why}`);
  };
  if (name.endsWith(".")) fail("must not end with a dot (names are relative to the zone; use @ for the apex)");
  if (name !== name.toLowerCase()) fail("must be in lower case");
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the range of ASCII: a non-ASCII name must be Punycode
  if (/[^\x00-\x7f]/.test(name)) fail('non-ASCII names must be given in Punycode (e.g. "xn--4bi")');
  if (name === zoneName || name.endsWith(`.${zoneName}`)) fail(`must not end with the zone name ${zoneName}`);
  if (name.length + zoneName.length + 1 > 253) fail("the full name is longer than 253 characters");
  const labels = name.split(".");
  labels.forEach((label, i) => {
    if (label === "*" && i === 0) return;
    if (!/^[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?$/.test(label)) fail(`the label "${label}" is not valid`);
  });
  return name;
}

/** Checks an rrset type against the API's list (upper case, as the API spells it). */
export function checkRRSetType(type: unknown, field = "type"): RRSetType {
  if (typeof type !== "string" || type === "") throw invalidInput(field, "is required");
  if (!(API_RRSET_TYPES as readonly string[]).includes(type)) {
    throw invalidInput(field, `invalid rrset type "${type}"; allowed: ${API_RRSET_TYPES.join(", ")}`);
  }
  return type as RRSetType;
}

/** A TTL: an integer from 60 to 2147483647, or (where `nullable`) null / absent. */
export function checkTtl(ttl: unknown, field: string, nullable: true): number | null;
export function checkTtl(ttl: unknown, field: string, nullable: false): number;
export function checkTtl(ttl: unknown, field: string, nullable: boolean): number | null {
  if (ttl === undefined || ttl === null) {
    if (nullable) return null;
    throw invalidInput(field, "is required");
  }
  if (typeof ttl !== "number" || !Number.isInteger(ttl) || ttl < MIN_TTL || ttl > MAX_TTL) {
    throw invalidInput(field, `must be an integer from ${MIN_TTL} to ${MAX_TTL} (seconds), got ${JSON.stringify(ttl)}`);
  }
  return ttl;
}

/**
 * Checks one rrset of a request (`type`, `name`, `ttl`, `labels`, `records`,
 * in that order); `at` prefixes the fields of its errors (`rrsets[0]`), none
 * when the rrset is the whole body.
 */
export function checkNewRRSet(
  raw: any,
  zoneName: string,
  at?: string,
): { name: string; type: RRSetType; ttl: number | null; labels: Record<string, string>; records: ZoneRecord[] } {
  const field = (name: string): string => (at === undefined ? name : `${at}.${name}`);
  const type = checkRRSetType(raw?.type, field("type"));
  return {
    name: checkRRSetName(raw?.name, zoneName, field("name")),
    type,
    ttl: checkTtl(raw?.ttl, field("ttl"), true),
    labels: checkLabels(raw?.labels),
    records: checkRecords(type, raw?.records, field("records")),
  };
}

/** One record as the API stores and answers it (comment "" when none was given). */
export interface ZoneRecord {
  value: string;
  comment: string;
}

/**
 * Checks the records of one rrset request: an array of `{value, comment?}`,
 * not empty (unless `allowEmpty`), values distinct and valid for the type.
 * Values are returned exactly as sent.
 */
export function checkRecords(type: RRSetType, records: unknown, field = "records", allowEmpty = false): ZoneRecord[] {
  if (!Array.isArray(records)) throw invalidInput(field, "must be an array of records");
  if (records.length === 0 && !allowEmpty) throw invalidInput(field, "must not be empty");
  const seen = new Set<string>();
  return records.map((r: unknown, i) => {
    const at = `${field}[${i}]`;
    if (typeof r !== "object" || r === null || Array.isArray(r))
      throw invalidInput(at, "must be an object with value and comment");
    const { value, comment } = r as { value?: unknown; comment?: unknown };
    if (typeof value !== "string" || value === "") throw invalidInput(`${at}.value`, "is required");
    if (comment !== undefined && comment !== null && typeof comment !== "string")
      throw invalidInput(`${at}.comment`, "must be a string");
    if (seen.has(value))
      throw invalidInput(field, `must only contain distinct record values; ${JSON.stringify(value)} is listed twice`);
    seen.add(value);
    const problem = recordValueProblem(type, value);
    if (problem !== undefined)
      throw invalidInput(`${at}.value`, `invalid ${type} record value ${JSON.stringify(value)}: ${problem}`);
    return { value, comment: typeof comment === "string" ? comment : "" };
  });
}

/** Why a value is not valid for the type, or undefined when it is. */
export function recordValueProblem(type: RRSetType, value: string): string | undefined {
  const fields = value.trim().split(/\s+/);
  const uint = (s: string | undefined, max: number): boolean =>
    s !== undefined && /^\d{1,10}$/.test(s) && Number(s) <= max;
  const host = (s: string | undefined): boolean =>
    s !== undefined && /^[A-Za-z0-9_*@.-]+$/.test(s) && !s.includes("..");
  const hex = (s: string | undefined): boolean => s !== undefined && /^[0-9a-fA-F]+$/.test(s);
  /** Four fields: three unsigned integers of at most `maxima`, then one that `last` accepts (SRV, TLSA, DS). */
  const numbersThen = (maxima: readonly [number, number, number], last: (s: string | undefined) => boolean) =>
    fields.length === 4 && maxima.every((max, i) => uint(fields[i], max)) && last(fields[3]);
  if (value !== value.trim() && type !== "TXT") return "must not begin or end with white space";
  switch (type) {
    case "A":
      return isIPv4(value) ? undefined : "must be an IPv4 address";
    case "AAAA":
      return isIPv6(value) ? undefined : "must be an IPv6 address";
    case "CNAME":
    case "NS":
    case "PTR":
      return fields.length === 1 && host(fields[0]) ? undefined : "must be one host name";
    case "MX":
      return fields.length === 2 && uint(fields[0], 65535) && host(fields[1]) ? undefined : "must be <priority> <host>";
    case "SRV":
      return numbersThen([65535, 65535, 65535], host) ? undefined : "must be <priority> <weight> <port> <target>";
    case "CAA":
      return /^\d{1,3} [A-Za-z0-9]+ "(?:[^"\\]|\\.)*"$/.test(value) && Number(fields[0]) <= 255
        ? undefined
        : 'must be <flags> <tag> "<value>"';
    case "TLSA":
      return numbersThen([255, 255, 255], hex) ? undefined : "must be <usage> <selector> <matching type> <hex data>";
    case "DS":
      return numbersThen([65535, 255, 255], hex)
        ? undefined
        : "must be <key tag> <algorithm> <digest type> <hex digest>";
    case "SOA":
      return fields.length === 7 &&
        host(fields[0]) &&
        host(fields[1]) &&
        fields.slice(2).every((f) => uint(f, 4294967295))
        ? undefined
        : "must be <mname> <rname> <serial> <refresh> <retry> <expire> <minimum>";
    case "TXT":
      return txtProblem(value);
    case "HINFO":
    case "RP":
    case "HTTPS":
    case "SVCB":
      return value.trim() === "" ? "must not be empty" : undefined;
  }
}

/**
 * Why a TXT value is not one or more quoted strings of at most 255 bytes
 * each (separated by white space, `\"` and `\\` escapes inside), or undefined.
 */
export function txtProblem(value: string): string | undefined {
  if (!/^"(?:[^"\\]|\\.)*"(?:\s+"(?:[^"\\]|\\.)*")*$/.test(value)) {
    return 'must be one or more quoted strings, e.g. "v=spf1 -all" (the provider function provider::hcloud::txt_record formats it)';
  }
  for (const quoted of value.match(/"(?:[^"\\]|\\.)*"/g) ?? []) {
    const text = quoted.slice(1, -1).replace(/\\(.)/g, "$1");
    const bytes = Buffer.byteLength(text, "utf8");
    if (bytes > TXT_STRING_BYTES)
      return `a quoted string holds ${bytes} bytes, at most ${TXT_STRING_BYTES} are allowed per string (split it)`;
  }
  return undefined;
}
