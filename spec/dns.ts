/**
 * DNS record sets: names, per-type value checks, normalisation to zone-file
 * presentation (what Hetzner's rrset API takes), and the zone-wide rules
 * (CNAME alone at its name, one record set per name and type with one TTL,
 * in-zone targets that exist).
 */
import { TXT_STRING_BYTES, splitUtf8 } from "../primitives/txt";
import { suggestionHint } from "./catalogue";
import type { Family } from "../primitives/ip";
import { parseIpv4, parseIpv6 } from "../primitives/ip";
import { parseDomainName } from "./names";
import type { PathSegment } from "./problems";
import type { RecordType } from "./model";

/** A server address referenced by a record (`web-1.ipv4`), resolved by the stacks to the primary IP. */
export interface AddressRef {
  readonly kind: "address";
  readonly server: string;
  readonly family: Family;
}

/** A value in zone-file presentation format, e.g. `10 mail.all2all.org.` or `"v=spf1 mx -all"`. */
export interface TextValue {
  readonly kind: "text";
  readonly text: string;
}

export type RecordValue = AddressRef | TextValue;

export interface RecordSetSpec {
  /** `@` or the name relative to the zone, in ASCII (punycode), lower case. */
  readonly name: string;
  /** The absolute name with its final dot. */
  readonly fqdn: string;
  readonly type: RecordType;
  readonly ttl: number;
  readonly values: readonly RecordValue[];
  readonly comment?: string;
}

/** A TXT value (all its strings together) longer than this is refused. */
export const TXT_MAX_BYTES = 2048;
/** One character-string of a TXT record. */
export const TXT_CHUNK_BYTES = TXT_STRING_BYTES;

export const CAA_TAGS = ["issue", "issuewild", "iodef", "issuemail", "issuevmc", "contactemail", "contactphone"] as const;

/** Hetzner DNS serves these types; the others only exist on our own (hidden primary) servers. */
export const HETZNER_RECORD_TYPES: readonly RecordType[] = ["A", "AAAA", "CNAME", "MX", "TXT", "SRV", "CAA", "NS", "TLSA", "PTR"];

export interface ServerAddresses {
  readonly index: number;
  readonly ipv4: boolean;
  readonly ipv6: boolean;
}

export interface ZoneContext {
  /** ASCII zone name, no final dot. */
  readonly zone: string;
  readonly mode: "primary" | "secondary";
  readonly defaultTtl: number;
  readonly servers: ReadonlyMap<string, ServerAddresses>;
  /** Reports a problem at a path (relative to the description's root). */
  readonly report: (path: readonly PathSegment[], message: string, hint?: string) => void;
  /** Path of the zone, e.g. ["zones", 0]. */
  readonly path: readonly PathSegment[];
}

export interface RecordInput {
  readonly name: string;
  readonly type: RecordType;
  readonly ttl?: number;
  readonly values: readonly string[];
  readonly comment?: string;
}

function isReverseZone(zone: string): boolean {
  return zone.endsWith(".in-addr.arpa") || zone.endsWith(".ip6.arpa") || zone === "in-addr.arpa" || zone === "ip6.arpa";
}

/** The record's owner name: `@` or relative labels, checked; undefined when invalid (reported). */
function ownerName(ctx: ZoneContext, raw: string, path: readonly PathSegment[]): { name: string; fqdn: string } | undefined {
  const input = raw.trim();
  const zone = ctx.zone;
  if (input === "@" || input === "") {
    if (input === "") ctx.report(path, 'record name is empty', 'use "@" for the zone apex');
    return input === "@" ? { name: "@", fqdn: `${zone}.` } : undefined;
  }
  if (input.endsWith(".")) {
    const absolute = input.slice(0, -1).toLowerCase();
    if (absolute === zone) ctx.report(path, `record name "${input}" is the zone apex written in full`, 'write "@"');
    else if (absolute.endsWith(`.${zone}`)) ctx.report(path, `record name "${input}" is absolute`, `write it relative to the zone: "${absolute.slice(0, -zone.length - 1)}"`);
    else ctx.report(path, `record name "${input}" is outside the zone ${zone}`);
    return undefined;
  }
  const lower = input.toLowerCase();
  if (lower === zone || lower.endsWith(`.${zone}`)) {
    const relative = lower === zone ? "@" : lower.slice(0, -zone.length - 1);
    ctx.report(path, `record name "${input}" is relative, so it means ${lower}.${zone}`, `write "${relative}"`);
    return undefined;
  }
  const labels = lower.split(".");
  const wildcard = labels[0] === "*";
  if (labels.slice(1).includes("*")) {
    ctx.report(path, `record name "${input}" has a "*" that is not the first label`);
    return undefined;
  }
  const rest = wildcard ? labels.slice(1).join(".") : lower;
  let ascii = "";
  if (rest !== "") {
    const parsed = parseDomainName(rest, { allowUnderscore: true });
    if (!parsed.ok) {
      ctx.report(path, `record name "${input}" ${parsed.reason}`);
      return undefined;
    }
    ascii = parsed.name.ascii;
  }
  const name = wildcard ? (ascii === "" ? "*" : `*.${ascii}`) : ascii;
  const fqdn = `${name}.${zone}.`;
  if (fqdn.length > 254) {
    ctx.report(path, `record name "${input}" makes a name of ${fqdn.length - 1} characters (at most 253)`);
    return undefined;
  }
  return { name, fqdn };
}

type Target = { ok: true; fqdn: string } | { ok: false; message: string; hint?: string };

/** A name a record points to: `@`, relative (to the zone) or absolute with a final dot. */
function hostTarget(value: string, zone: string, options: { allowUnderscore?: boolean; what: string }): Target {
  if (value === "@") return { ok: true, fqdn: `${zone}.` };
  if (parseIpv4(value) !== undefined || parseIpv6(value) !== undefined) {
    return { ok: false, message: `${options.what} "${value}" is an address, but a host name is expected`, hint: "point to a name that has A/AAAA records" };
  }
  const absolute = value.endsWith(".");
  const parsed = parseDomainName(absolute ? value.slice(0, -1) : value, { allowUnderscore: options.allowUnderscore });
  if (!parsed.ok) return { ok: false, message: `${options.what} "${value}" ${parsed.reason}` };
  const fqdn = absolute ? `${parsed.name.ascii}.` : `${parsed.name.ascii}.${zone}.`;
  if (!absolute && (parsed.name.ascii === zone || parsed.name.ascii.endsWith(`.${zone}`))) {
    return {
      ok: false,
      message: `${options.what} "${value}" has no final dot, so it means ${parsed.name.ascii}.${zone}`,
      hint: `end it with a dot ("${value}.") or write it relative`,
    };
  }
  if (fqdn.length > 254) return { ok: false, message: `${options.what} "${value}" is longer than 253 characters` };
  return { ok: true, fqdn };
}

function u16(text: string): number | undefined {
  if (!/^(0|[1-9][0-9]{0,4})$/.test(text)) return undefined;
  const n = Number(text);
  return n <= 65535 ? n : undefined;
}

/** Quotes one TXT character-string for zone files: `"` and `\` escaped, non-printable bytes as \DDD. */
function quoteChunk(bytes: Buffer): string {
  let out = '"';
  for (const byte of bytes) {
    if (byte === 0x22 || byte === 0x5c) out += `\\${String.fromCharCode(byte)}`;
    else if (byte >= 0x20 && byte < 0x7f) out += String.fromCharCode(byte);
    else out += `\\${String(byte).padStart(3, "0")}`;
  }
  return `${out}"`;
}

/** Splits text into chunks of at most 255 bytes without cutting a UTF-8 character (as the DnsZone construct does). */
function splitChunks(text: string): Buffer[] {
  return splitUtf8(text, TXT_CHUNK_BYTES).map((piece) => Buffer.from(piece, "utf8"));
}

/** Parses explicit `"a" "b"` strings (zone-file escapes allowed); undefined when malformed. */
function parseQuotedChunks(value: string): Buffer[] | undefined {
  const chunks: Buffer[] = [];
  let i = 0;
  while (i < value.length) {
    while (i < value.length && /\s/.test(value[i])) i++;
    if (i >= value.length) break;
    if (value[i] !== '"') return undefined;
    i++;
    const bytes: number[] = [];
    let closed = false;
    while (i < value.length) {
      const c = value[i];
      if (c === '"') {
        closed = true;
        i++;
        break;
      }
      if (c === "\\") {
        const digits = value.slice(i + 1, i + 4);
        if (/^[0-9]{3}$/.test(digits) && Number(digits) <= 255) {
          bytes.push(Number(digits));
          i += 4;
        } else if (i + 1 < value.length) {
          bytes.push(...Buffer.from(value[i + 1], "utf8"));
          i += 2;
        } else {
          return undefined;
        }
        continue;
      }
      const cp = value.codePointAt(i)!;
      const char = String.fromCodePoint(cp);
      bytes.push(...Buffer.from(char, "utf8"));
      i += char.length;
    }
    if (!closed) return undefined;
    chunks.push(Buffer.from(bytes));
  }
  return chunks.length > 0 ? chunks : undefined;
}

type Checked = { ok: true; value: RecordValue; key: string; target?: { fqdn: string; needs: "address" | "any" } } | { ok: false };

interface ValueContext {
  readonly ctx: ZoneContext;
  readonly path: readonly PathSegment[];
  readonly owner: { name: string; fqdn: string };
  readonly count: number;
}

function fail(vc: ValueContext, message: string, hint?: string): Checked {
  vc.ctx.report(vc.path, message, hint);
  return { ok: false };
}

function text(value: string): Checked {
  return { ok: true, value: { kind: "text", text: value }, key: value.toLowerCase() };
}

const REFERENCE = /^([a-z][a-z0-9-]*)\.(ipv4|ipv6)$/;

function checkAddress(vc: ValueContext, type: "A" | "AAAA", raw: string): Checked {
  const family: Family = type === "A" ? "ipv4" : "ipv6";
  const value = raw.trim();
  const v4 = parseIpv4(value);
  const v6 = parseIpv6(value);
  if (type === "A" && v4 !== undefined) return text(value);
  if (type === "AAAA" && v6 !== undefined && v4 === undefined) return text(value);
  if (type === "A" && v6 !== undefined) return fail(vc, `A record value "${value}" is an IPv6 address`, "IPv6 addresses go in an AAAA record");
  if (type === "AAAA" && v4 !== undefined) return fail(vc, `AAAA record value "${value}" is an IPv4 address`, "IPv4 addresses go in an A record");
  const ref = REFERENCE.exec(value);
  if (!ref) {
    return fail(
      vc,
      `${type} record value "${value}" is neither an ${family === "ipv4" ? "IPv4" : "IPv6"} address nor a server reference`,
      `write an address or <server>.${family}, e.g. web-1.${family}`,
    );
  }
  const [, server, refFamily] = ref;
  if (refFamily !== family) {
    return fail(
      vc,
      `${type} record cannot hold ${value}`,
      `use ${server}.${family}, or put ${value} in an ${refFamily === "ipv4" ? "A" : "AAAA"} record`,
    );
  }
  const info = vc.ctx.servers.get(server);
  if (!info) return fail(vc, `${value} refers to an unknown server "${server}"`, suggestionHint(server, [...vc.ctx.servers.keys()], "servers"));
  if (!info[family]) {
    return fail(
      vc,
      `${value}: server ${server} has no public ${family === "ipv4" ? "IPv4" : "IPv6"}`,
      `set servers[${info.index}].public.${family}: true, or drop this value`,
    );
  }
  return { ok: true, value: { kind: "address", server, family }, key: `${server}.${family}` };
}

function checkTxt(vc: ValueContext, raw: string): Checked {
  let chunks: Buffer[];
  if (raw.trimStart().startsWith('"')) {
    const parsed = parseQuotedChunks(raw.trim());
    if (!parsed) return fail(vc, "TXT value starts with a quote but is not a list of quoted strings", 'write "a" "b", or drop the quotes to have it split for you');
    const long = parsed.find((chunk) => chunk.length > TXT_CHUNK_BYTES);
    if (long) {
      return fail(
        vc,
        `a quoted TXT string is ${long.length} bytes (at most ${TXT_CHUNK_BYTES})`,
        "split it into several quoted strings, or drop the quotes to have it split for you",
      );
    }
    chunks = parsed;
  } else {
    chunks = splitChunks(raw);
  }
  const total = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
  if (total > TXT_MAX_BYTES) {
    return fail(
      vc,
      `TXT value is ${total} bytes (at most ${TXT_MAX_BYTES})`,
      "large answers need TCP or fragment; publish a shorter value (e.g. an ed25519 DKIM key)",
    );
  }
  const presentation = chunks.map(quoteChunk).join(" ");
  return { ok: true, value: { kind: "text", text: presentation }, key: presentation };
}

function checkMx(vc: ValueContext, raw: string): Checked {
  const match = /^(\S+)\s+(\S+)$/.exec(raw.trim());
  if (!match) return fail(vc, `MX value "${raw}" must be "<priority> <host>"`, 'e.g. "10 mail.all2all.org."');
  const priority = u16(match[1]);
  if (priority === undefined) return fail(vc, `MX priority "${match[1]}" must be a number from 0 to 65535`);
  if (match[2] === ".") {
    if (priority !== 0 || vc.count !== 1) return fail(vc, 'a null MX ("0 .") must have priority 0 and be the only MX value (RFC 7505)');
    return text("0 .");
  }
  const target = hostTarget(match[2], vc.ctx.zone, { what: "MX host" });
  if (!target.ok) return fail(vc, target.message, target.hint);
  return { ...(text(`${priority} ${target.fqdn}`) as Checked & { ok: true }), target: { fqdn: target.fqdn, needs: "address" } };
}

const SERVICE_LABEL = /^_[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
const PROTO_LABELS = ["_tcp", "_udp", "_tls", "_sctp"];

function checkSrv(vc: ValueContext, raw: string): Checked {
  const labels = vc.owner.name.split(".");
  if (labels.length < 2 || !SERVICE_LABEL.test(labels[0]) || !PROTO_LABELS.includes(labels[1])) {
    return fail(vc, `SRV record name "${vc.owner.name}" must start with _service._proto`, 'e.g. "_submissions._tcp"');
  }
  const match = /^(\S+)\s+(\S+)\s+(\S+)\s+(\S+)$/.exec(raw.trim());
  if (!match) return fail(vc, `SRV value "${raw}" must be "<priority> <weight> <port> <target>"`, 'e.g. "0 1 465 mail.all2all.org."');
  const [priority, weight, port] = [u16(match[1]), u16(match[2]), u16(match[3])];
  if (priority === undefined) return fail(vc, `SRV priority "${match[1]}" must be a number from 0 to 65535`);
  if (weight === undefined) return fail(vc, `SRV weight "${match[2]}" must be a number from 0 to 65535`);
  if (port === undefined) return fail(vc, `SRV port "${match[3]}" must be a number from 0 to 65535`);
  if (match[4] === ".") return text(`${priority} ${weight} ${port} .`);
  if (port === 0) return fail(vc, "SRV port 0 is only meaningful with the target \".\" (service not offered)");
  const target = hostTarget(match[4], vc.ctx.zone, { what: "SRV target" });
  if (!target.ok) return fail(vc, target.message, target.hint);
  return { ...(text(`${priority} ${weight} ${port} ${target.fqdn}`) as Checked & { ok: true }), target: { fqdn: target.fqdn, needs: "address" } };
}

function checkCaa(vc: ValueContext, raw: string): Checked {
  const match = /^(\S+)\s+(\S+)\s+(.*)$/.exec(raw.trim());
  if (!match) return fail(vc, `CAA value "${raw}" must be "<flag> <tag> <value>"`, 'e.g. 0 issue "letsencrypt.org"');
  const [, flagText, tagText, valueText] = match;
  if (flagText !== "0" && flagText !== "128") return fail(vc, `CAA flag "${flagText}" must be 0, or 128 (critical)`);
  const tag = tagText.toLowerCase();
  if (!(CAA_TAGS as readonly string[]).includes(tag)) return fail(vc, `unknown CAA tag "${tagText}"`, suggestionHint(tag, CAA_TAGS, "CAA tags"));
  let value = valueText.trim();
  if (value.startsWith('"')) {
    if (value.length < 2 || !value.endsWith('"') || /(^|[^\\])"/.test(value.slice(1, -1))) return fail(vc, `CAA value ${value} is not one quoted string`);
    value = value.slice(1, -1);
  }
  if (tag === "issue" || tag === "issuewild" || tag === "issuemail" || tag === "issuevmc") {
    const issuer = value.split(";")[0].trim();
    if (issuer !== "") {
      const parsed = parseDomainName(issuer, { minLabels: 2 });
      if (!parsed.ok) return fail(vc, `CAA ${tag} value "${issuer}" is not a CA's domain name: it ${parsed.reason}`, 'e.g. "letsencrypt.org", or ";" to forbid issuance');
    }
  } else if (tag === "iodef") {
    if (!/^mailto:[^@\s]+@[^@\s]+$/.test(value) && !/^https?:\/\/\S+$/.test(value)) {
      return fail(vc, `CAA iodef value "${value}" must be a mailto: or https: URL`, 'e.g. "mailto:hostmaster@all2all.org"');
    }
  } else if (tag === "contactemail" && !/^[^@\s]+@[^@\s]+$/.test(value)) {
    return fail(vc, `CAA contactemail value "${value}" must be an e-mail address`);
  }
  return text(`${flagText} ${tag} "${value}"`);
}

function checkTlsa(vc: ValueContext, raw: string): Checked {
  const labels = vc.owner.name.split(".");
  if (labels.length < 2 || !/^_[0-9]{1,5}$/.test(labels[0]) || !["_tcp", "_udp", "_sctp"].includes(labels[1])) {
    return fail(vc, `TLSA record name "${vc.owner.name}" must start with _port._proto`, 'e.g. "_25._tcp.mail"');
  }
  const match = /^(\S+)\s+(\S+)\s+(\S+)\s+(\S+)$/.exec(raw.trim());
  if (!match) return fail(vc, `TLSA value "${raw}" must be "<usage> <selector> <matching type> <hex data>"`, 'e.g. "3 1 1 <sha-256 hex>"');
  const [, usage, selector, matching, data] = match;
  if (!/^[0-3]$/.test(usage)) return fail(vc, `TLSA usage "${usage}" must be 0 to 3`);
  if (!/^[01]$/.test(selector)) return fail(vc, `TLSA selector "${selector}" must be 0 or 1`);
  if (!/^[0-2]$/.test(matching)) return fail(vc, `TLSA matching type "${matching}" must be 0, 1 or 2`);
  const hexLength = matching === "1" ? 64 : matching === "2" ? 128 : undefined;
  if (!/^[0-9a-fA-F]+$/.test(data) || data.length % 2 !== 0 || (hexLength !== undefined && data.length !== hexLength)) {
    return fail(vc, `TLSA data must be ${hexLength ?? "an even number of"} hex digits${hexLength ? ` for matching type ${matching}` : ""}`);
  }
  return text(`${usage} ${selector} ${matching} ${data.toLowerCase()}`);
}

function checkSshfp(vc: ValueContext, raw: string): Checked {
  const match = /^(\S+)\s+(\S+)\s+(\S+)$/.exec(raw.trim());
  if (!match) return fail(vc, `SSHFP value "${raw}" must be "<algorithm> <type> <hex fingerprint>"`, 'ssh-keygen -r HOST prints them');
  const [, algorithm, type, data] = match;
  if (!["1", "2", "3", "4", "6"].includes(algorithm)) return fail(vc, `SSHFP algorithm "${algorithm}" must be 1, 2, 3, 4 or 6`);
  if (type !== "1" && type !== "2") return fail(vc, `SSHFP fingerprint type "${type}" must be 1 (SHA-1) or 2 (SHA-256)`);
  const length = type === "1" ? 40 : 64;
  if (!/^[0-9a-fA-F]+$/.test(data) || data.length !== length) return fail(vc, `SSHFP fingerprint must be ${length} hex digits for type ${type}`);
  return text(`${algorithm} ${type} ${data.toLowerCase()}`);
}

function checkValue(vc: ValueContext, type: RecordType, raw: string): Checked {
  switch (type) {
    case "A":
    case "AAAA":
      return checkAddress(vc, type, raw);
    case "TXT":
      return checkTxt(vc, raw);
    case "MX":
      return checkMx(vc, raw);
    case "SRV":
      return checkSrv(vc, raw);
    case "CAA":
      return checkCaa(vc, raw);
    case "TLSA":
      return checkTlsa(vc, raw);
    case "SSHFP":
      return checkSshfp(vc, raw);
    case "CNAME": {
      const target = hostTarget(raw.trim(), vc.ctx.zone, { allowUnderscore: true, what: "CNAME target" });
      if (!target.ok) return fail(vc, target.message, target.hint);
      if (target.fqdn === vc.owner.fqdn) return fail(vc, "a CNAME cannot point to itself");
      return { ...(text(target.fqdn) as Checked & { ok: true }), target: { fqdn: target.fqdn, needs: "any" } };
    }
    case "NS": {
      const target = hostTarget(raw.trim(), vc.ctx.zone, { what: "NS host" });
      if (!target.ok) return fail(vc, target.message, target.hint);
      return { ...(text(target.fqdn) as Checked & { ok: true }), target: { fqdn: target.fqdn, needs: "address" } };
    }
    case "PTR": {
      const target = hostTarget(raw.trim(), vc.ctx.zone, { what: "PTR name" });
      if (!target.ok) return fail(vc, target.message, target.hint);
      return text(target.fqdn);
    }
  }
}

interface CheckedSet {
  readonly spec: RecordSetSpec;
  readonly index: number;
  readonly targets: { fqdn: string; needs: "address" | "any"; valueIndex: number }[];
}

/** Checks a zone's record sets; returns the valid ones, normalised. */
export function checkRecords(ctx: ZoneContext, records: readonly RecordInput[], lineOf: (index: number) => number | undefined): RecordSetSpec[] {
  const sets: CheckedSet[] = [];
  const byKey = new Map<string, CheckedSet>();
  const reverse = isReverseZone(ctx.zone);
  records.forEach((record, index) => {
    const path = [...ctx.path, "records", index];
    const owner = ownerName(ctx, record.name, [...path, "name"]);
    if (!owner) return;
    const type = record.type;
    if (type === "PTR" && !reverse) {
      ctx.report(
        [...path, "type"],
        `PTR records belong in a reverse zone (in-addr.arpa or ip6.arpa), not in ${ctx.zone}`,
        "reverse DNS of servers is set with servers[].public.rdns",
      );
      return;
    }
    if (ctx.mode === "primary" && !HETZNER_RECORD_TYPES.includes(type)) {
      ctx.report(
        [...path, "type"],
        `Hetzner DNS does not serve ${type} records`,
        "put them in a secondary zone (served by our own primary), or leave them out",
      );
      return;
    }
    if (type === "NS" && owner.name === "@") {
      ctx.report(
        [...path, "name"],
        "the apex NS records are managed by Hetzner (its authoritative name servers)",
        "NS records here are for delegating a sub-zone",
      );
      return;
    }
    if (type === "CNAME" && owner.name === "@") {
      ctx.report(
        [...path, "name"],
        "a CNAME cannot be at the zone apex (it would hide the SOA and NS records)",
        "use A/AAAA records referencing the server",
      );
      return;
    }
    if (type === "CNAME" && record.values.length > 1) {
      ctx.report([...path, "values"], `a CNAME has exactly one value, not ${record.values.length}`);
      return;
    }
    const values: RecordValue[] = [];
    const seen = new Map<string, number>();
    const targets: CheckedSet["targets"] = [];
    let valid = true;
    record.values.forEach((raw, valueIndex) => {
      const vc: ValueContext = { ctx, path: [...path, "values", valueIndex], owner, count: record.values.length };
      const checked = checkValue(vc, type, raw);
      if (!checked.ok) {
        valid = false;
        return;
      }
      const previous = seen.get(checked.key);
      if (previous !== undefined) {
        ctx.report(vc.path, `value repeated (same as values[${previous}])`, "remove one");
        valid = false;
        return;
      }
      seen.set(checked.key, valueIndex);
      values.push(checked.value);
      if (checked.target) targets.push({ ...checked.target, valueIndex });
    });
    const ttl = record.ttl ?? ctx.defaultTtl;
    const key = `${owner.fqdn} ${type}`;
    const first = byKey.get(key);
    if (first) {
      const firstLine = lineOf(first.index);
      const where = firstLine !== undefined ? `line ${firstLine}` : `records[${first.index}]`;
      if (first.spec.ttl !== ttl) {
        ctx.report(
          path,
          `duplicate record set ${owner.name} ${type} with a different TTL (${ttl} here, ${first.spec.ttl} at ${where})`,
          "one name and type make one record set with one TTL: merge the values into one entry",
        );
      } else {
        ctx.report(path, `duplicate record set ${owner.name} ${type} (first at ${where})`, "merge the values into one entry");
      }
      return;
    }
    if (!valid) return;
    const checkedSet: CheckedSet = {
      spec: { name: owner.name, fqdn: owner.fqdn, type, ttl, values, ...(record.comment !== undefined ? { comment: record.comment } : {}) },
      index,
      targets,
    };
    byKey.set(key, checkedSet);
    sets.push(checkedSet);
  });

  // CNAME alone at its name.
  const typesByName = new Map<string, CheckedSet[]>();
  for (const set of sets) {
    const list = typesByName.get(set.spec.fqdn) ?? [];
    list.push(set);
    typesByName.set(set.spec.fqdn, list);
  }
  const invalid = new Set<CheckedSet>();
  for (const list of typesByName.values()) {
    const cname = list.find((s) => s.spec.type === "CNAME");
    if (!cname || list.length === 1) continue;
    const other = list.find((s) => s !== cname)!;
    const line = lineOf(other.index);
    ctx.report(
      [...ctx.path, "records", cname.index],
      `CNAME "${cname.spec.name}" cannot share its name with ${/^[AEIOU]/.test(other.spec.type) ? "an" : "a"} ${other.spec.type} record (${line !== undefined ? `line ${line}` : `records[${other.index}]`})`,
      "a CNAME must be alone at its name: remove one of them",
    );
    invalid.add(cname);
  }

  // In-zone targets must exist (MX, SRV and NS need addresses, not a CNAME).
  const zoneSuffix = `.${ctx.zone}.`;
  const delegated = sets.filter((s) => s.spec.type === "NS").map((s) => s.spec.fqdn);
  const exists = (fqdn: string): CheckedSet[] => {
    const exact = typesByName.get(fqdn);
    if (exact) return exact;
    const wildcard = `*.${fqdn.slice(fqdn.indexOf(".") + 1)}`;
    return typesByName.get(wildcard) ?? [];
  };
  for (const set of sets) {
    for (const target of set.targets) {
      if (!(target.fqdn === `${ctx.zone}.` || target.fqdn.endsWith(zoneSuffix))) continue;
      if (delegated.some((d) => target.fqdn === d || target.fqdn.endsWith(`.${d}`))) continue;
      const found = exists(target.fqdn);
      const path = [...ctx.path, "records", set.index, "values", target.valueIndex];
      if (target.needs === "any") {
        if (found.length === 0) ctx.report(path, `CNAME target ${target.fqdn} has no record in this zone`, "add it, or point to an existing name");
        continue;
      }
      if (found.some((s) => s.spec.type === "CNAME")) {
        ctx.report(
          path,
          `${set.spec.type} target ${target.fqdn} is a CNAME`,
          `${set.spec.type} must point to a name with A/AAAA records (RFC 2181)`,
        );
      } else if (!found.some((s) => s.spec.type === "A" || s.spec.type === "AAAA")) {
        ctx.report(
          path,
          `${set.spec.type} target ${target.fqdn} has no A or AAAA record in this zone`,
          "add one (e.g. values: [mail-1.ipv4]) or fix the name",
        );
      }
    }
  }
  return sets.filter((s) => !invalid.has(s)).map((s) => s.spec);
}
