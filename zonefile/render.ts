/**
 * RFC 1035 zone files from the typed record model (the same RecordSetSpec
 * values that become `hcloud_zone_rrset`s).
 *
 * Layout, chosen for readable diffs:
 * - a header of comments (zone, environment, mode, Unicode name of an IDN
 *   zone, where the addresses come from), then `$ORIGIN` and `$TTL`;
 * - the SOA, then the apex NS records, then every record set in DNSSEC
 *   canonical name order (RFC 4034, section 6.1: a name's subtree follows
 *   it), types in alphabetical order within a name, values in config order;
 * - every name absolute with its final dot, every TTL and the class
 *   written out, columns of fixed width (a new long name does not re-indent
 *   the file);
 * - a record set's comment on the line before it; an address taken from a
 *   server ends with `; <server>.<family>`;
 * - only ASCII: other characters (in TXT or CAA values) as `\DDD` escapes of
 *   their UTF-8 bytes; literal addresses in canonical form;
 * - a TXT value of several strings (each at most 255 bytes, quoted and
 *   escaped by the config loader) one string per line, in parentheses.
 *
 * The serial is left as a token here: serial.ts chooses it.
 */
import type { RecordSetSpec, RecordValue, ZoneSpec } from "../description";
import type { AddressBook } from "./addresses";
import { formatAddress, parseIpv4, parseIpv6 } from "../primitives/ip";
import { servingOf, type ZoneServing } from "./serving";

/** Stands for the SOA serial in a rendered template. */
export const SERIAL_TOKEN = "@SERIAL@";

const OWNER_WIDTH = 40;
const TTL_WIDTH = 7;
const TYPE_WIDTH = 6;

/** One record set as written to the file: absolute owner, type, TTL and presentation values. */
export interface RenderedRecordSet {
  readonly owner: string;
  readonly type: string;
  readonly ttl: number;
  readonly values: readonly string[];
}

export interface RenderedZone {
  /** ASCII zone name, no final dot. */
  readonly zone: string;
  /** `<zone>.zone`. */
  readonly fileName: string;
  /** The file, with SERIAL_TOKEN in place of the serial. */
  readonly template: string;
  /** What the file serves besides the SOA: the apex NS, then the record sets, in file order. */
  readonly recordSets: readonly RenderedRecordSet[];
  readonly serving: ZoneServing;
  /** Whether the addresses are placeholders (not for serving). */
  readonly placeholder: boolean;
}

export interface RenderOptions {
  /** The environment's name, for the header. */
  readonly environment: string;
  readonly addresses: AddressBook;
  /** @default servingOf(zone) - Hetzner's name servers, see serving.ts */
  readonly serving?: ZoneServing;
}

/** Labels of an absolute name, from the root: `www.all2all.org.` → ["org", "all2all", "www"]. */
function reversedLabels(fqdn: string): string[] {
  return fqdn.replace(/\.$/, "").toLowerCase().split(".").reverse();
}

function compareBytes(a: string, b: string): number {
  const x = Buffer.from(a, "utf8");
  const y = Buffer.from(b, "utf8");
  return Buffer.compare(x, y);
}

/** DNSSEC canonical order of absolute names (RFC 4034, section 6.1). */
export function compareNames(a: string, b: string): number {
  const x = reversedLabels(a);
  const y = reversedLabels(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const c = compareBytes(x[i]!, y[i]!); // i is below both lengths
    if (c !== 0) return c;
  }
  return x.length - y.length;
}

/** Record sets in file order: canonical name order, then type. */
export function sortRecordSets<T extends { readonly fqdn: string; readonly type: string }>(sets: readonly T[]): T[] {
  return [...sets].sort((a, b) => compareNames(a.fqdn, b.fqdn) || (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
}

function line(owner: string, ttl: number, type: string, rdata: string): string {
  return `${owner.padEnd(OWNER_WIDTH)} ${String(ttl).padStart(TTL_WIDTH)} IN ${type.padEnd(TYPE_WIDTH)} ${rdata}`;
}

/** Comment text on one line. */
function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/** Splits a TXT presentation value into its quoted strings (the loader wrote them: `"a" "b"`). */
export function txtStrings(presentation: string): string[] {
  return presentation.match(/"(?:[^"\\]|\\.)*"/g) ?? [presentation];
}

/** Non-ASCII characters as `\DDD` escapes of their UTF-8 bytes: the file is plain ASCII. */
export function asciiOnly(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the range of ASCII: every other byte is escaped
  return text.replace(/[^\x00-\x7f]/gu, (char) =>
    [...Buffer.from(char, "utf8")].map((b) => `\\${String(b).padStart(3, "0")}`).join(""),
  );
}

function valueText(type: string, value: RecordValue, addresses: AddressBook): { text: string; note?: string } {
  if (value.kind === "address") return { text: addresses.address(value), note: `${value.server}.${value.family}` };
  if (type === "A" || type === "AAAA") {
    // A literal address, in its canonical form (RFC 5952 for IPv6).
    const family = type === "A" ? "ipv4" : "ipv6";
    const parsed = family === "ipv4" ? parseIpv4(value.text) : parseIpv6(value.text);
    if (parsed !== undefined) return { text: formatAddress(family, parsed) };
  }
  return { text: asciiOnly(value.text) };
}

function recordLines(set: RecordSetSpec, addresses: AddressBook): { lines: string[]; values: string[] } {
  const lines: string[] = [];
  const values: string[] = [];
  if (set.comment !== undefined && oneLine(set.comment) !== "") lines.push(`; ${oneLine(set.comment)}`);
  for (const value of set.values) {
    const { text, note } = valueText(set.type, value, addresses);
    values.push(text);
    const strings = set.type === "TXT" ? txtStrings(text) : [];
    if (strings.length > 1) {
      const indent = " ".repeat(OWNER_WIDTH + 1 + TTL_WIDTH + 4 + TYPE_WIDTH + 3);
      lines.push(line(set.fqdn, set.ttl, set.type, `( ${strings[0]}`));
      for (const s of strings.slice(1, -1)) lines.push(`${indent}${s}`);
      lines.push(`${indent}${strings[strings.length - 1]} )`);
    } else {
      lines.push(line(set.fqdn, set.ttl, set.type, note ? `${text} ; ${note}` : text));
    }
  }
  return { lines, values };
}

/** Renders one zone. Throws when a referenced server has no address in `options.addresses`. */
export function renderZone(zone: ZoneSpec, options: RenderOptions): RenderedZone {
  const serving = options.serving ?? servingOf(zone);
  const origin = `${zone.name}.`;
  const t = serving.timers;
  const header = [
    `; Zone ${zone.name}, environment ${options.environment}.`,
    "; Rendered by `all2all zonefile` from the network description (config/). Do not edit:",
    "; change the config and render again.",
    ...(zone.unicode_name !== zone.name ? [`; Unicode name: ${zone.unicode_name}`] : []),
    `; ${serving.description}`,
    options.addresses.placeholder
      ? "; addresses are placeholders: documentation addresses (192.0.2.0/24, " +
        "2001:db8::/32), NOT FOR SERVING; render with --addresses FILE"
      : `; addresses: ${options.addresses.source}`,
    "; SOA serial: YYYYMMDDnn, changed only when the rest of this file changes (see docs/dns.md).",
    `$ORIGIN ${origin}`,
    `$TTL ${zone.ttl}`,
    "",
  ];
  const soaIndent = " ".repeat(OWNER_WIDTH + 1 + TTL_WIDTH + 4 + TYPE_WIDTH + 1);
  const soa = [
    line(origin, zone.ttl, "SOA", `${serving.mname} ${serving.rname} (`),
    `${soaIndent}${SERIAL_TOKEN} ; serial`,
    `${soaIndent}${t.refresh} ; refresh`,
    `${soaIndent}${t.retry} ; retry`,
    `${soaIndent}${t.expire} ; expire`,
    `${soaIndent}${t.minimum} ) ; minimum (negative caching TTL)`,
  ];
  const ns = serving.nameservers.map((host) => line(origin, zone.ttl, "NS", host));
  const recordSets: RenderedRecordSet[] = [
    { owner: origin, type: "NS", ttl: zone.ttl, values: [...serving.nameservers] },
  ];
  const body: string[] = [];
  let previousOwner: string | undefined;
  for (const set of sortRecordSets(zone.records)) {
    if (previousOwner !== undefined && set.fqdn !== previousOwner) body.push("");
    previousOwner = set.fqdn;
    const { lines, values } = recordLines(set, options.addresses);
    body.push(...lines);
    recordSets.push({ owner: set.fqdn, type: set.type, ttl: set.ttl, values });
  }
  const template = [...header, ...soa, ...ns, ...(body.length > 0 ? ["", ...body] : []), ""].join("\n");
  return {
    zone: zone.name,
    fileName: `${zone.name}.zone`,
    template,
    recordSets,
    serving,
    placeholder: options.addresses.placeholder,
  };
}
