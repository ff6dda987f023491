/**
 * Canonical forms of record data, so that the record sets of the config, of
 * a zone file and of the synthesised rrsets (testing/zone-rrsets.ts) compare.
 */
import { formatAddress, parseIpv4, parseIpv6 } from "../primitives/ip";
import type { ZoneSpec } from "../description";
import { quoteChunk } from "../description/dns/txt";
import type { AddressBook } from "../zonefile";
import { absoluteName, tokensOf, type Token, type ZoneRecord } from "./zone-reader";

/** Decodes zone-file escapes (`\DDD`, `\X`) into bytes. */
function decodeEscapes(text: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    if (c === "\\") {
      const digits = text.slice(i + 1, i + 4);
      if (/^[0-9]{3}$/.test(digits)) {
        bytes.push(Number(digits));
        i += 3;
        continue;
      }
      i++;
      bytes.push(...Buffer.from(text.charAt(i), "utf8"));
      continue;
    }
    bytes.push(...Buffer.from(c, "utf8"));
  }
  return Buffer.from(bytes);
}

function int(token: Token | undefined, what: string): string {
  if (!token || !/^[0-9]+$/.test(token.text))
    throw new Error(`${what}: expected a number, got ${JSON.stringify(token?.text)}`);
  return String(Number(token.text));
}

function hex(tokens: readonly Token[]): string {
  const joined = tokens.map((t) => t.text).join("");
  if (!/^[0-9a-fA-F]*$/.test(joined)) throw new Error(`not hex: ${joined}`);
  return joined.toLowerCase();
}

/**
 * The canonical text of one record's data: names absolute and lower case,
 * addresses canonical, hex lower case without spaces, character-strings
 * quoted the same way. Equal data gives equal text, whoever wrote it.
 */
export function canonicalRdata(type: string, tokens: readonly Token[], origin: string): string {
  const o = origin.endsWith(".") ? origin.toLowerCase() : `${origin.toLowerCase()}.`;
  const name = (t: Token | undefined) => {
    if (!t) throw new Error(`${type}: missing name`);
    return t.text === "." ? "." : absoluteName(t.text, o);
  };
  switch (type) {
    case "A": {
      const v = parseIpv4(tokens[0]?.text ?? "");
      if (v === undefined || tokens.length !== 1)
        throw new Error(`A: not an IPv4 address: ${tokens.map((t) => t.text).join(" ")}`);
      return formatAddress("ipv4", v);
    }
    case "AAAA": {
      const v = parseIpv6(tokens[0]?.text ?? "");
      if (v === undefined || tokens.length !== 1)
        throw new Error(`AAAA: not an IPv6 address: ${tokens.map((t) => t.text).join(" ")}`);
      return formatAddress("ipv6", v);
    }
    case "NS":
    case "CNAME":
    case "PTR":
      return name(tokens[0]);
    case "MX":
      return `${int(tokens[0], "MX priority")} ${name(tokens[1])}`;
    case "SRV":
      return `${int(tokens[0], "SRV priority")} ${int(tokens[1], "SRV weight")} ${int(tokens[2], "SRV port")} ${name(tokens[3])}`;
    case "TXT":
      return tokens.map((t) => quoteChunk(decodeEscapes(t.text))).join(" ");
    case "CAA": {
      const flag = int(tokens[0], "CAA flag");
      const tag = tokens[1];
      if (!tag) throw new Error(`CAA: missing tag: ${tokens.map((t) => t.text).join(" ")}`);
      return `${flag} ${tag.text.toLowerCase()} ${quoteChunk(
        decodeEscapes(
          tokens
            .slice(2)
            .map((t) => t.text)
            .join(" "),
        ),
      )}`;
    }
    case "TLSA":
      return `${int(tokens[0], "TLSA usage")} ${int(tokens[1], "TLSA selector")} ${int(tokens[2], "TLSA matching type")} ${hex(tokens.slice(3))}`;
    case "SSHFP":
      return `${int(tokens[0], "SSHFP algorithm")} ${int(tokens[1], "SSHFP type")} ${hex(tokens.slice(2))}`;
    case "SOA":
      return [name(tokens[0]), name(tokens[1]), ...tokens.slice(2).map((t, i) => int(t, `SOA field ${i + 3}`))].join(
        " ",
      );
    default:
      return tokens.map((t) => (t.quoted ? quoteChunk(decodeEscapes(t.text)) : t.text)).join(" ");
  }
}

/** A record set, canonical: owner absolute, values canonical and sorted. */
export interface CanonicalSet {
  readonly owner: string;
  readonly type: string;
  readonly ttl: number;
  readonly values: readonly string[];
}

/** A stable key for sorting and messages. */
export function setKey(set: Pick<CanonicalSet, "owner" | "type">): string {
  return `${set.owner} ${set.type}`;
}

/** Sorts sets by owner and type, in place. */
export function sortSets(sets: CanonicalSet[]): CanonicalSet[] {
  return sets.sort((a, b) => (setKey(a) < setKey(b) ? -1 : setKey(a) > setKey(b) ? 1 : 0));
}

/** Groups records into canonical sets; a set whose records disagree on the TTL is an error (RFC 2181). */
export function canonicalSets(records: readonly ZoneRecord[], origin: string): CanonicalSet[] {
  const byKey = new Map<string, { owner: string; type: string; ttl: number; values: string[] }>();
  for (const r of records) {
    const key = `${r.owner} ${r.type}`;
    const value = canonicalRdata(r.type, r.rdata, origin);
    const set = byKey.get(key);
    if (!set) byKey.set(key, { owner: r.owner, type: r.type, ttl: r.ttl, values: [value] });
    else {
      if (set.ttl !== r.ttl)
        throw new Error(`line ${r.line}: ${key} has TTL ${r.ttl}, but ${set.ttl} before (one record set, one TTL)`);
      set.values.push(value);
    }
  }
  return sortSets([...byKey.values()].map((s) => ({ ...s, values: [...s.values].sort() })));
}

/** The record sets the config declares for a zone, canonical, addresses from `book`. */
export function specSets(zone: ZoneSpec, book: AddressBook): CanonicalSet[] {
  const origin = `${zone.name}.`;
  return sortSets(
    zone.records.map((set) => ({
      owner: set.fqdn,
      type: set.type,
      ttl: set.ttl,
      values: set.values
        .map((v) =>
          v.kind === "address"
            ? canonicalRdata(set.type, tokensOf(book.address(v)), origin)
            : canonicalRdata(set.type, tokensOf(v.text), origin),
        )
        .sort(),
    })),
  );
}
