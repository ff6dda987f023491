/**
 * The record sets of a DnsZone: their types and options, the checks of a
 * record name (relative to the zone, a literal) and of literal values per
 * type, TXT formatting (quoted strings of at most 255 bytes), and the slug
 * of a name in an rrset's address ("@" → "apex"). Re-exported by
 * dns-zone.ts, the public entry.
 */
import { ConstructPropsError, isToken, show } from "./common";
import { parseIpv4, parseIpv6 } from "../primitives/ip";
import { TXT_STRING_BYTES, splitUtf8 } from "../primitives/txt";

/** Record types a Hetzner zone accepts in rrsets (SOA and apex NS are managed by Hetzner). */
export const RRSET_TYPES = [
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
  "SRV",
  "SVCB",
  "TLSA",
  "TXT",
] as const;
/** One of RRSET_TYPES. */
export type RrsetType = (typeof RRSET_TYPES)[number];

/** One record value with an optional comment. */
export interface ZoneRecord {
  /** The value as the record type expects it (TXT: plain text, formatted for you). */
  readonly value: string;
  /**
   * Comment stored with the record at Hetzner.
   * @default - the record set's comment, if any
   */
  readonly comment?: string;
}

/** One record set: every value of one (name, type). */
export interface RecordSetOptions {
  /** Name relative to the zone: "@" for the apex, "www", "mail._domainkey", "*.dev". */
  readonly name: string;
  /** Record type. */
  readonly type: RrsetType;
  /** The values: strings or `{ value, comment }`; tokens accepted (e.g. `server.ipv4Address`). */
  readonly records: readonly (string | ZoneRecord)[];
  /**
   * TTL in seconds, 60 to 2147483647.
   * @default - the zone's TTL
   */
  readonly ttl?: number;
  /**
   * Comment for records that have none.
   * @default - none
   */
  readonly comment?: string;
  /**
   * Adopt an existing rrset with an import block (`<zone>/<name>/<type>`), when adopting a zone
   * that already has it.
   * @default false - the rrset is created
   */
  readonly importExisting?: boolean;
}

/** Throws unless `name` is "@" or a literal name relative to the zone `zoneName`, valid as DNS labels. */
export function checkRecordName(where: string, zoneName: string, name: string): void {
  if (typeof name !== "string" || isToken(name)) {
    throw new ConstructPropsError(where, "the record name must be a literal (it becomes part of the address)");
  }
  if (name === "@") return;
  if (name.endsWith(".") || name === zoneName || name.endsWith(`.${zoneName}`)) {
    const zoneSuffix = new RegExp(`\\.?${zoneName.replace(/\./g, "\\.")}$`);
    const relative = name.replace(/\.$/, "").replace(zoneSuffix, "") || "@";
    throw new ConstructPropsError(
      where,
      `record names are relative to the zone ${zoneName}: write ${show(relative)} instead of ${show(name)}`,
    );
  }
  const labels = name.split(".");
  const ok =
    name.length <= 253 &&
    labels.every((label, i) => (label === "*" && i === 0) || /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/.test(label));
  if (!ok) {
    const lowerCase = name !== name.toLowerCase() ? ` (write ${show(name.toLowerCase())})` : "";
    throw new ConstructPropsError(
      where,
      `the record name ${show(name)} is not valid: "@" or lower-case labels of letters, digits, "_" and inner "-" ` +
        `separated by dots, "*" only as the first label${lowerCase}`,
    );
  }
}

/**
 * The records of a record set as the rrset takes them: each value checked
 * (literal ones: for its type, and listed once), TXT values formatted, each
 * with its comment or the record set's.
 */
export function recordValues(where: string, options: RecordSetOptions): { value: string; comment?: string }[] {
  const seen = new Set<string>();
  return options.records.map((record) => {
    const given: ZoneRecord = typeof record === "string" ? { value: record } : record;
    if (typeof given.value !== "string") {
      throw new ConstructPropsError(where, `a record value must be a string (got ${show(given.value)})`);
    }
    const value = options.type === "TXT" && !isToken(given.value) ? formatTxtValue(given.value, where) : given.value;
    if (!isToken(value)) {
      checkRecordValue(where, options.type, value);
      if (seen.has(value)) throw new ConstructPropsError(where, `the value ${show(given.value)} is listed twice`);
      seen.add(value);
    }
    const comment = given.comment ?? options.comment;
    return comment === undefined ? { value } : { value, comment };
  });
}

/** "@" → "apex", "*.dev" → "wildcard_dev", "mail._domainkey" → "mail__domainkey". */
export function recordSlug(name: string): string {
  if (name === "@") return "apex";
  return name
    .split(".")
    .map((label) => (label === "*" ? "wildcard" : label))
    .join("_");
}

const QUOTED_TXT = /^"(?:[^"\\]|\\.)*"(?:[ \t]+"(?:[^"\\]|\\.)*")*$/;

/**
 * Formats a TXT value the way the provider and the API expect: one or more
 * quoted strings of at most 255 bytes each (`"v=spf1 mx -all"`), `"` and `\`
 * escaped, long values split on UTF-8 character boundaries. A value already
 * in that form is returned unchanged (after checking each string's length).
 */
export function formatTxtValue(text: string, where = "TXT value"): string {
  if (QUOTED_TXT.test(text)) {
    const strings = text.match(/"(?:[^"\\]|\\.)*"/g) ?? [];
    for (const quoted of strings) {
      const bytes = unescapedLength(quoted.slice(1, -1));
      if (bytes > TXT_STRING_BYTES) {
        throw new ConstructPropsError(
          where,
          `the quoted string ${quoted.slice(0, 40)}…" is ${bytes} bytes long (at most ${TXT_STRING_BYTES} per ` +
            "string); give the value unquoted and it is split for you",
        );
      }
    }
    return text;
  }
  return splitUtf8(text, TXT_STRING_BYTES)
    .map((chunk) => `"${chunk.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`)
    .join(" ");
}

function unescapedLength(inner: string): number {
  let bytes = 0;
  for (let i = 0; i < inner.length; i++) {
    if (inner[i] === "\\") {
      if (/^[0-9]{3}$/.test(inner.slice(i + 1, i + 4))) {
        bytes += 1;
        i += 3;
        continue;
      }
      i += 1;
    }
    bytes += Buffer.byteLength(inner[i] ?? "", "utf8");
  }
  return bytes;
}

function checkRecordValue(where: string, type: RrsetType, value: string): void {
  const fail = (expected: string): never => {
    throw new ConstructPropsError(where, `the value ${show(value)} is not ${expected}`);
  };
  if (value.trim() === "") fail("a value (it is empty)");
  switch (type) {
    case "A":
      if (parseIpv4(value) === undefined) {
        fail('an IPv4 address (e.g. "192.0.2.10"; for a server use server.ipv4Address)');
      }
      break;
    case "AAAA":
      if (parseIpv6(value) === undefined) {
        fail('an IPv6 address (e.g. "2001:db8::10"; for a server use server.ipv6Address)');
      }
      break;
    case "MX":
      if (!/^(0|[1-9][0-9]{0,4}) \S+$/.test(value) || Number(value.split(" ")[0]) > 65535) {
        fail('"<priority> <mail host>" (e.g. "10 mail")');
      }
      break;
    case "SRV":
      if (
        !/^[0-9]{1,5} [0-9]{1,5} [0-9]{1,5} \S+$/.test(value) ||
        value
          .split(" ")
          .slice(0, 3)
          .some((n) => Number(n) > 65535)
      ) {
        fail('"<priority> <weight> <port> <target>" (e.g. "0 1 465 mail")');
      }
      break;
    case "CNAME":
    case "NS":
    case "PTR":
      if (/\s/.test(value)) fail("a single host name");
      break;
    default:
      break;
  }
}
