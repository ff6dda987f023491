/**
 * Helpers for the zone file tests (not a test file: jest only runs
 * __tests__/**\/*.test.ts).
 *
 * - The DNS tools (BIND's named-checkzone, Knot's kzonecheck and knotc):
 *   found on PATH or in the usual sbin folders. A test group that needs a
 *   missing tool fails with the package to install, unless
 *   ALL2ALL_SKIP_DNS_TOOLS=1, in which case it is skipped with a printed
 *   notice: never a silent pass.
 * - A small RFC 1035 master file reader (directives, parentheses, quoted
 *   strings, comments, relative names) for our files and for
 *   `named-checkzone -D` output, and canonical forms of record data so that
 *   sets from the config, a zone file and the synthesised rrsets compare.
 * - The `hcloud_zone_rrset`s of a synthesised dns stack, with server address
 *   references mapped back to the server and family they name.
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type { AddressRef, Family, ZoneSpec } from "../spec";
import { formatAddress, parseIpv4, parseIpv6 } from "../primitives/ip";
import type { AddressBook } from "../zonefile";
import { workspace, type Workspace } from "./spec";

// ---------------------------------------------------------------- tools

export interface DnsTool {
  /** The command, e.g. named-checkzone. */
  readonly name: string;
  /** The Debian package that provides it. */
  readonly pkg: string;
}

export const NAMED_CHECKZONE: DnsTool = { name: "named-checkzone", pkg: "bind9-utils" };
// Debian ships kzonecheck in knot-dnssecutils (Debian 12) or knot (later releases).
export const KZONECHECK: DnsTool = { name: "kzonecheck", pkg: "knot-dnssecutils" };
export const KNOTC: DnsTool = { name: "knotc", pkg: "knot" };

/** The environment variable that turns a missing tool from a failure into a skip. */
export const SKIP_ENV = "ALL2ALL_SKIP_DNS_TOOLS";

/** The full path of a tool, or undefined. */
export function findTool(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dirs = [...(env.PATH ?? "").split(path.delimiter), "/usr/sbin", "/usr/bin", "/sbin", "/usr/local/sbin", "/usr/local/bin"];
  for (const dir of dirs) {
    if (dir === "") continue;
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** The message of a missing tool. */
export function missingToolMessage(tool: DnsTool): string {
  return (
    `${tool.name} not found: install ${tool.pkg} (apt-get install ${tool.pkg}), ` +
    `or set ${SKIP_ENV}=1 to skip the checks that need it`
  );
}

/**
 * `describe` for tests that need `tool`: with the tool, the tests run and get
 * its path; without it, one failing test says what to install, or (with
 * ALL2ALL_SKIP_DNS_TOOLS=1) the group is skipped with a printed notice.
 */
export function describeWithTool(tool: DnsTool, title: string, body: (bin: () => string) => void, env: NodeJS.ProcessEnv = process.env): void {
  const bin = findTool(tool.name, env);
  if (bin !== undefined) {
    describe(title, () => body(() => bin));
    return;
  }
  if (env[SKIP_ENV] === "1") {
    // Printed when the file is loaded, so the skip is visible in every run.
    process.stderr.write(`NOTICE: skipping "${title}": ${tool.name} not found (${SKIP_ENV}=1); install ${tool.pkg} to run it\n`);
    describe.skip(`${title} [SKIPPED: ${tool.name} not found, ${SKIP_ENV}=1]`, () => body(() => ""));
    return;
  }
  describe(title, () => {
    test(`${tool.name} is installed`, () => {
      throw new Error(missingToolMessage(tool));
    });
  });
}

export interface ToolRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** The command line, for messages. */
  readonly command: string;
}

export function runTool(bin: string, args: readonly string[], options: { cwd?: string } = {}): ToolRun {
  const result = spawnSync(bin, args, { cwd: options.cwd, encoding: "utf8", timeout: 30000 });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, command: [bin, ...args].join(" ") };
}

/** The strict checks of named-checkzone: names, MX, SRV and NS targets, integrity inside the zone. */
export const NAMED_CHECKZONE_STRICT = ["-k", "fail", "-m", "fail", "-M", "fail", "-n", "fail", "-r", "fail", "-S", "fail", "-i", "local"];

// ---------------------------------------------------------------- reading zone files

export interface Token {
  readonly text: string;
  readonly quoted: boolean;
}

export interface ZoneRecord {
  /** Absolute, lower case, with the final dot. */
  readonly owner: string;
  readonly ttl: number;
  readonly type: string;
  /** The record data's tokens, as written. */
  readonly rdata: readonly Token[];
  /** 1-based line where the record starts. */
  readonly line: number;
}

/** Splits one logical line (parentheses joined) into tokens; `;` starts a comment outside quotes. */
function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === ";") break;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      let value = "";
      while (j < text.length && text[j] !== '"') {
        if (text[j] === "\\" && j + 1 < text.length) {
          value += text.slice(j, j + 2);
          j += 2;
          continue;
        }
        value += text[j];
        j++;
      }
      if (j >= text.length) throw new Error(`unterminated quoted string in: ${text}`);
      tokens.push({ text: value, quoted: true });
      i = j + 1;
      continue;
    }
    let j = i;
    let value = "";
    while (j < text.length && !/\s/.test(text[j]) && text[j] !== ";" && text[j] !== '"') {
      if (text[j] === "\\" && j + 1 < text.length) {
        value += text.slice(j, j + 2);
        j += 2;
        continue;
      }
      value += text[j];
      j++;
    }
    tokens.push({ text: value, quoted: false });
    i = j;
  }
  return tokens;
}

/** Joins lines inside parentheses into logical lines, keeping quoted text and comments apart. */
function logicalLines(text: string): { text: string; line: number; indented: boolean }[] {
  const out: { text: string; line: number; indented: boolean }[] = [];
  let depth = 0;
  let current = "";
  let start = 0;
  let indented = false;
  text.split(/\r?\n/).forEach((raw, index) => {
    // Strip the comment (outside quotes) and count parentheses outside quotes.
    let inQuote = false;
    let kept = "";
    for (let i = 0; i < raw.length; i++) {
      const c = raw[i];
      if (c === "\\" && i + 1 < raw.length) {
        kept += raw.slice(i, i + 2);
        i++;
        continue;
      }
      if (c === '"') inQuote = !inQuote;
      if (!inQuote && c === ";") break;
      if (!inQuote && (c === "(" || c === ")")) {
        depth += c === "(" ? 1 : -1;
        if (depth < 0) throw new Error(`line ${index + 1}: ")" without "("`);
        kept += " ";
        continue;
      }
      kept += c;
    }
    if (current === "") {
      start = index + 1;
      indented = /^\s/.test(raw);
    }
    current += ` ${kept}`;
    if (depth === 0) {
      if (current.trim() !== "") out.push({ text: current, line: start, indented });
      current = "";
    }
  });
  if (depth !== 0) throw new Error(`unclosed "(" from line ${start}`);
  return out;
}

const CLASSES = new Set(["IN", "CH", "HS", "CS"]);

function absoluteName(name: string, origin: string): string {
  if (name === "@") return origin;
  if (name.endsWith(".") && !name.endsWith("\\.")) return name.toLowerCase();
  return `${name}.${origin}`.toLowerCase();
}

/**
 * Reads a master file: `$ORIGIN`, `$TTL`, owners omitted on indented lines
 * (the previous owner), optional TTL and class in either order.
 */
export function readZoneText(text: string, origin: string): ZoneRecord[] {
  let currentOrigin = origin.endsWith(".") ? origin.toLowerCase() : `${origin.toLowerCase()}.`;
  let defaultTtl: number | undefined;
  let previousOwner: string | undefined;
  const records: ZoneRecord[] = [];
  for (const logical of logicalLines(text)) {
    const tokens = tokenize(logical.text);
    if (tokens.length === 0) continue;
    const first = tokens[0].text;
    if (!tokens[0].quoted && first.startsWith("$")) {
      if (first === "$ORIGIN") currentOrigin = absoluteName(tokens[1].text, currentOrigin);
      else if (first === "$TTL") defaultTtl = Number(tokens[1].text);
      else throw new Error(`line ${logical.line}: unsupported directive ${first}`);
      continue;
    }
    let i = 0;
    let owner: string;
    if (logical.indented) {
      if (previousOwner === undefined) throw new Error(`line ${logical.line}: no owner`);
      owner = previousOwner;
    } else {
      owner = absoluteName(tokens[0].text, currentOrigin);
      i = 1;
    }
    let ttl: number | undefined;
    for (let k = 0; k < 2 && i < tokens.length; k++) {
      const t = tokens[i].text.toUpperCase();
      if (/^[0-9]+$/.test(t)) {
        ttl = Number(t);
        i++;
      } else if (CLASSES.has(t)) {
        if (t !== "IN") throw new Error(`line ${logical.line}: class ${t}`);
        i++;
      }
    }
    const type = tokens[i]?.text.toUpperCase();
    if (type === undefined) throw new Error(`line ${logical.line}: no type`);
    const effectiveTtl = ttl ?? defaultTtl;
    if (effectiveTtl === undefined) throw new Error(`line ${logical.line}: no TTL and no $TTL`);
    records.push({ owner, ttl: effectiveTtl, type, rdata: tokens.slice(i + 1), line: logical.line });
    previousOwner = owner;
  }
  return records;
}

// ---------------------------------------------------------------- canonical record data

/** Decodes zone-file escapes (`\DDD`, `\X`) into bytes. */
function decodeEscapes(text: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "\\") {
      const digits = text.slice(i + 1, i + 4);
      if (/^[0-9]{3}$/.test(digits)) {
        bytes.push(Number(digits));
        i += 3;
        continue;
      }
      i++;
      bytes.push(...Buffer.from(text[i] ?? "", "utf8"));
      continue;
    }
    bytes.push(...Buffer.from(c, "utf8"));
  }
  return Buffer.from(bytes);
}

/** One character-string in canonical presentation: quoted, `"` and `\` escaped, other non-printables as \DDD. */
function quoteBytes(bytes: Buffer): string {
  let out = '"';
  for (const byte of bytes) {
    if (byte === 0x22 || byte === 0x5c) out += `\\${String.fromCharCode(byte)}`;
    else if (byte >= 0x20 && byte < 0x7f) out += String.fromCharCode(byte);
    else out += `\\${String(byte).padStart(3, "0")}`;
  }
  return `${out}"`;
}

function int(token: Token | undefined, what: string): string {
  if (!token || !/^[0-9]+$/.test(token.text)) throw new Error(`${what}: expected a number, got ${JSON.stringify(token?.text)}`);
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
      if (v === undefined || tokens.length !== 1) throw new Error(`A: not an IPv4 address: ${tokens.map((t) => t.text).join(" ")}`);
      return formatAddress("ipv4", v);
    }
    case "AAAA": {
      const v = parseIpv6(tokens[0]?.text ?? "");
      if (v === undefined || tokens.length !== 1) throw new Error(`AAAA: not an IPv6 address: ${tokens.map((t) => t.text).join(" ")}`);
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
      return tokens.map((t) => quoteBytes(decodeEscapes(t.text))).join(" ");
    case "CAA":
      return `${int(tokens[0], "CAA flag")} ${tokens[1].text.toLowerCase()} ${quoteBytes(decodeEscapes(tokens.slice(2).map((t) => t.text).join(" ")))}`;
    case "TLSA":
      return `${int(tokens[0], "TLSA usage")} ${int(tokens[1], "TLSA selector")} ${int(tokens[2], "TLSA matching type")} ${hex(tokens.slice(3))}`;
    case "SSHFP":
      return `${int(tokens[0], "SSHFP algorithm")} ${int(tokens[1], "SSHFP type")} ${hex(tokens.slice(2))}`;
    case "SOA":
      return [name(tokens[0]), name(tokens[1]), ...tokens.slice(2).map((t, i) => int(t, `SOA field ${i + 3}`))].join(" ");
    default:
      return tokens.map((t) => (t.quoted ? quoteBytes(decodeEscapes(t.text)) : t.text)).join(" ");
  }
}

/** Tokens of a value written in presentation format on one line (what the spec and the rrsets hold). */
export function tokensOf(value: string): Token[] {
  return tokenize(value);
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

function sortSets(sets: CanonicalSet[]): CanonicalSet[] {
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
      if (set.ttl !== r.ttl) throw new Error(`line ${r.line}: ${key} has TTL ${r.ttl}, but ${set.ttl} before (one record set, one TTL)`);
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
      values: set.values.map((v) => (v.kind === "address" ? canonicalRdata(set.type, tokensOf(book.address(v)), origin) : canonicalRdata(set.type, tokensOf(v.text), origin))).sort(),
    })),
  );
}

// ---------------------------------------------------------------- synthesised rrsets

/** `${expr}` → expr; undefined for a literal. */
function expressionOf(value: string): string | undefined {
  const match = /^\$\{(.*)\}$/s.exec(value);
  return match ? match[1] : undefined;
}

const REMOTE_OUTPUT = /data\.terraform_remote_state\.[A-Za-z0-9_-]+\.outputs\.([A-Za-z0-9_-]+)/g;

/**
 * Maps the servers stack's address outputs (`<server>-ipv4`, `<server>-ipv6`)
 * to the expression each one evaluates, so that a record value referencing
 * the same expression (directly, or through a cross-stack output and a
 * remote-state lookup) is known as that server's address.
 */
export function addressExpressions(serversStack: any): Map<string, { server: string; family: Family }> {
  const map = new Map<string, { server: string; family: Family }>();
  for (const [name, output] of Object.entries<any>(serversStack?.output ?? {})) {
    const match = /^(.+)-(ipv4|ipv6)$/.exec(name);
    const expr = typeof output?.value === "string" ? expressionOf(output.value) : undefined;
    if (match && expr !== undefined) map.set(expr, { server: match[1], family: match[2] as Family });
  }
  return map;
}

/** A record value of a synthesised rrset, with a server reference resolved to server and family. */
export type RrsetValue = { kind: "literal"; text: string } | ({ kind: "address" } & Pick<AddressRef, "server" | "family">);

export interface SynthesisedSet {
  readonly address: string;
  readonly name: string;
  readonly type: string;
  readonly ttl: number | undefined;
  readonly values: readonly RrsetValue[];
}

/**
 * The `hcloud_zone_rrset`s of `zoneName` in a synthesised dns stack. An
 * expression value is resolved through the servers stack: the remote-state
 * output it reads is replaced by that output's own expression in the servers
 * stack, which must then equal one of the servers' address outputs.
 */
export function synthesisedSets(dnsStack: any, serversStack: any, zoneName: string): SynthesisedSet[] {
  const zones = dnsStack?.resource?.hcloud_zone ?? {};
  const zoneIds = new Set(Object.entries<any>(zones).filter(([, z]) => z.name === zoneName).map(([id]) => id));
  const addresses = addressExpressions(serversStack);
  const serverOutputs = serversStack?.output ?? {};
  const sets: SynthesisedSet[] = [];
  for (const [id, rrset] of Object.entries<any>(dnsStack?.resource?.hcloud_zone_rrset ?? {})) {
    const zoneRef = /^\$\{hcloud_zone\.([A-Za-z0-9_-]+)\.name\}$/.exec(rrset.zone ?? "");
    const belongs = zoneRef ? zoneIds.has(zoneRef[1]) : rrset.zone === zoneName;
    if (!belongs) continue;
    const values: RrsetValue[] = (rrset.records ?? []).map((record: { value: string }) => {
      const expr = expressionOf(record.value);
      if (expr === undefined) return { kind: "literal", text: record.value };
      const local = expr.replace(REMOTE_OUTPUT, (all, output: string) => {
        const value = serverOutputs[output]?.value;
        const inner = typeof value === "string" ? expressionOf(value) : undefined;
        if (inner === undefined) throw new Error(`hcloud_zone_rrset.${id}: ${all} reads an output the servers stack does not have`);
        return inner;
      });
      const ref = addresses.get(local);
      if (!ref) throw new Error(`hcloud_zone_rrset.${id}: the value ${record.value} is not a server address output (${local})`);
      return { kind: "address", ...ref };
    });
    sets.push({ address: `hcloud_zone_rrset.${id}`, name: rrset.name, type: rrset.type, ttl: rrset.ttl, values });
  }
  return sets;
}

/** Synthesised rrsets as canonical sets, addresses from `book`, TTLs defaulting to the zone's. */
export function synthesisedCanonicalSets(sets: readonly SynthesisedSet[], zone: ZoneSpec, book: AddressBook): CanonicalSet[] {
  const origin = `${zone.name}.`;
  return sortSets(
    sets.map((s) => ({
      owner: absoluteName(s.name, origin),
      type: s.type,
      ttl: s.ttl ?? zone.ttl,
      values: s.values
        .map((v) => canonicalRdata(s.type, tokensOf(v.kind === "address" ? book.address({ kind: "address", server: v.server, family: v.family }) : v.text), origin))
        .sort(),
    })),
  );
}

// ---------------------------------------------------------------- a config with every kind of record

/** A long TXT value (over 255 bytes, with UTF-8, a quote and a backslash). */
export const LONG_TXT = 'v=test1; café "quoted" back\\slash; ' + "abcdefghijklmnopqrstuvwxyz0123456789".repeat(9);

/**
 * Two zones added to production by its overlay: `café-asbl.be` in secondary
 * mode (served by our hidden primary ns-1; SSHFP allowed) and
 * `bücher-asbl.be` in primary mode (Hetzner's rrsets): IDN zone names and
 * owners, wildcards, long and multi-string TXT, CAA with the critical flag,
 * TLSA, SRV with a "." target, SSHFP, MX, literal and server addresses.
 */
export const EXTRA_ZONES_YAML = `
zones:
  - name: café-asbl.be
    mode: secondary
    ttl: 1800
    primary: { server: ns-1, tsig_key: cafe-asbl-transfer }
    records:
      - { name: "@", type: A, ttl: 600, values: [web-1.ipv4, 198.51.100.7] }
      - { name: "@", type: AAAA, ttl: 600, values: [web-2.ipv6, "2001:DB8:0:0:0:0:0:77"] }
      - { name: "@", type: MX, values: ["10 mx", "20 mail.all2all.org."] }
      - { name: mx, type: A, values: [mail-1.ipv4] }
      - { name: mx, type: AAAA, values: [mail-1.ipv6] }
      - name: "@"
        type: TXT
        comment: "a long value; split for you"
        values:
          - ${JSON.stringify(LONG_TXT)}
          - '"part one" "part two"'
      - { name: "*.cdn", type: CNAME, values: ["@"] }
      - { name: www, type: A, values: [web-1.ipv4] }
      - { name: ns-1, type: A, values: [ns-1.ipv4] }
      - { name: ns-1, type: AAAA, values: [ns-1.ipv6] }
      - { name: sip, type: AAAA, values: [web-2.ipv6] }
      - { name: _sip._udp, type: SRV, values: ["10 60 5060 sip", "20 0 5060 ."] }
      - { name: _443._tcp.www, type: TLSA, values: ["3 1 1 8935477CEEF0DF65A530600F8B8FCC929E159FF3ECBDE32EFBEF9317D213C058"] }
      - { name: "@", type: CAA, values: ['128 issue "letsencrypt.org; validationmethods=dns-01"', '0 iodef "https://café-asbl.be/caa"'] }
      - { name: www, type: SSHFP, values: ["1 1 024f4af6232b14dbc9f60540a3cf40d897f9d627", "4 2 8935477ceef0df65a530600f8b8fcc929e159ff3ecbde32efbef9317d213c058"] }
      - { name: ünïcode, type: TXT, values: ["idn owner"] }
  - name: bücher-asbl.be
    mode: primary
    ttl: 7200
    records:
      - { name: "@", type: A, values: [web-1.ipv4, web-2.ipv4] }
      - { name: "@", type: AAAA, values: [web-1.ipv6] }
      - { name: "@", type: MX, values: ["10 mail.all2all.org."] }
      - { name: "@", type: TXT, ttl: 300, values: [${JSON.stringify(LONG_TXT)}, "v=spf1 include:all2all.org -all"] }
      - { name: "*.dev", type: A, values: [192.0.2.99] }
      - { name: www, type: CNAME, values: ["@"] }
      - { name: _submissions._tcp, type: SRV, values: ["0 1 465 mail.all2all.org."] }
      - { name: _25._tcp.mail, type: TLSA, values: ["2 0 2 90f425f46c51e5fb2a991610652f33cc502b669b041cffa278e8e8bb419e1ebabae30184823f35362c53dc4d2b169a80d01afc90f89a28abaec028523cf4a813"] }
      - { name: mail, type: A, values: [mail-1.ipv4] }
      - { name: "@", type: CAA, values: ['0 issue "letsencrypt.org"', '128 issuewild ";"'] }
      - { name: lëser, type: TXT, values: ["idn owner in a primary zone"] }
      - { name: sub, type: NS, values: [hydrogen.ns.hetzner.com., oxygen.ns.hetzner.com.] }
`;

/** A copy of the default config whose production also has EXTRA_ZONES_YAML. */
export function extraZonesWorkspace(): Workspace {
  const ws = workspace();
  const file = "config/environments/production.yaml";
  ws.write(file, `${ws.read(file).trimEnd()}\n${EXTRA_ZONES_YAML}`);
  return ws;
}

// ---------------------------------------------------------------- running the command

/** A fixed date for serials: 2026-01-02 (SOURCE_DATE_EPOCH). */
export const FIXED_EPOCH = "1767312000";

export interface ZonefileRun {
  readonly code: number;
  readonly stdout: string[];
  readonly stderr: string[];
  /** The output directory. */
  readonly out: string;
  /** Relative paths of the files written, sorted. */
  readonly files: string[];
}

/** Lists the files below a directory, relative, sorted. */
export function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string, prefix: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(d, e.name), `${prefix}${e.name}/`);
      else out.push(`${prefix}${e.name}`);
    }
  };
  walk(dir, "");
  return out.sort();
}

/** Runs `all2all zonefile` in-process (cwd `cwd`), with a fixed date unless `env` says otherwise. */
export async function zonefile(
  options: { config?: string; env?: string; zone?: string; out?: string; knot?: boolean; addresses?: string; zonesRoot?: string },
  cwd: string,
  env: Record<string, string | undefined> = { SOURCE_DATE_EPOCH: FIXED_EPOCH },
): Promise<ZonefileRun> {
  // Imported here so that helpers without the command stay light.
  const { runZonefile } = await import("../cli/zonefile");
  const { captureIo } = await import("../cli/io");
  const io = captureIo(env, cwd);
  const code = await runZonefile(options, io);
  const out = path.resolve(cwd, options.out ?? path.join(options.zonesRoot ?? "zones", options.env ?? ""));
  return { code, stdout: io.stdout, stderr: io.stderr, out, files: listFiles(out) };
}

/**
 * A copy of a rendered Knot configuration ready for `knotc conf-check`: the
 * configuration as knot.conf and, next to it, a key file with a random
 * secret for every key it includes (as operators create them on the server).
 */
export function knotCheckDir(configFile: string, dir: string): { conf: string; keys: string[] } {
  const text = fs.readFileSync(configFile, "utf8");
  fs.mkdirSync(dir, { recursive: true });
  const conf = path.join(dir, "knot.conf");
  fs.writeFileSync(conf, text);
  const keys: string[] = [];
  for (const match of text.matchAll(/^include: "([^"]+)"$/gm)) {
    const file = path.join(dir, match[1]);
    const name = path.basename(file, ".conf");
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const secret = randomBytes(32).toString("base64");
    fs.writeFileSync(file, `key:\n  - id: ${name}\n    algorithm: hmac-sha256\n    secret: ${secret}\n`, { mode: 0o640 });
    keys.push(name);
  }
  return { conf, keys };
}

/** The cases the tool tests render: every environment of the default config, and production with the extra zones. */
export interface RenderCase {
  readonly label: string;
  readonly config: string;
  readonly env: string;
}

export function renderCases(defaultConfigDir: string, extraConfigDir: string): RenderCase[] {
  return [
    { label: "production", config: defaultConfigDir, env: "production" },
    { label: "staging", config: defaultConfigDir, env: "staging" },
    { label: "dr", config: defaultConfigDir, env: "dr" },
    { label: "production with the extra zones", config: extraConfigDir, env: "production" },
  ];
}

/** Renders every case with --knot into `<dir>/<label>`; throws on a non-zero exit. */
export async function renderAll(cases: readonly RenderCase[], dir: string): Promise<Map<string, ZonefileRun>> {
  const runs = new Map<string, ZonefileRun>();
  for (const c of cases) {
    const run = await zonefile({ config: c.config, env: c.env, out: path.join(dir, c.label.replace(/ /g, "-")), knot: true }, dir);
    if (run.code !== 0) throw new Error(`zonefile ${c.label} exited ${run.code}:\n${run.stderr.join("\n")}`);
    runs.set(c.label, run);
  }
  return runs;
}

/** The zone files of a run: origin (ASCII zone name) and path. */
export function zoneFilesOf(run: ZonefileRun): { origin: string; file: string }[] {
  return run.files.filter((f) => f.endsWith(".zone")).map((f) => ({ origin: path.basename(f, ".zone"), file: path.join(run.out, f) }));
}

// ---------------------------------------------------------------- a running Knot

export const KNOTD: DnsTool = { name: "knotd", pkg: "knot" };
export const KDIG: DnsTool = { name: "kdig", pkg: "knot-dnsutils" };

/** A free TCP port on the loopback interface (the UDP port of the same number is almost always free too). */
export async function freePort(): Promise<number> {
  const net = await import("node:net");
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/**
 * Turns a rendered Knot configuration into one that runs unprivileged in a
 * test directory: the server section's run directory, user and listen
 * address, and the storage, are replaced; everything else (keys, ACLs,
 * policy, template, zones) is kept as rendered.
 */
export function localKnotConfig(text: string, dir: string, port: number): string {
  const replaced = text
    .replace(/^    rundir: .*$/m, `    rundir: ${JSON.stringify(path.join(dir, "run"))}`)
    .replace(/^    user: .*\n/m, "")
    .replace(/^    listen: .*$/m, `    listen: [ 127.0.0.1@${port} ]`)
    .replace(/^    storage: .*$/gm, `    storage: ${JSON.stringify(path.join(dir, "storage"))}`)
    .replace(/^  - target: syslog$/m, "  - target: stderr");
  for (const [what, pattern] of [
    ["rundir", /rundir: "\/run\/knot"/],
    ["user", /user: knot/],
    ["listen", /0\.0\.0\.0@/],
    ["storage", /"\/var\/lib\/knot"/],
  ] as const) {
    if (pattern.test(replaced)) throw new Error(`localKnotConfig: ${what} was not replaced`);
  }
  return replaced;
}
