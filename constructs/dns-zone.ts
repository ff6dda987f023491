/**
 * DnsZone: an `hcloud_zone` served by Hetzner's name servers, either as
 * primary (records managed here, one `hcloud_zone_rrset` per name and type)
 * or as secondary (transferred from your own primary name servers, optionally
 * TSIG-signed with a key from a sensitive variable).
 *
 * Address scheme, for `new DnsZone(stack, "all2all-org", { name: "all2all.org", … })`:
 *
 *   hcloud_zone.all2all-org
 *   hcloud_zone_rrset.all2all-org-<name>-<type>   one per (name, type), e.g.
 *       "@" MX                → all2all-org-apex-mx
 *       "www" CNAME           → all2all-org-www-cname
 *       "mail._domainkey" TXT → all2all-org-mail__domainkey-txt   ("." → "_")
 *       "*.dev" A             → all2all-org-wildcard_dev-a
 *   variable dns_tsig_key_all2all_org              secondary mode with TSIG (TF_VAR_dns_tsig_key_all2all_org)
 *
 * The address of an rrset is its identity (name and type replace it anyway),
 * so it never moves while the record set exists.
 *
 * Safe defaults: protect: true → delete_protection and prevent_destroy on the
 * zone (replacing a zone deletes every record in it; a change of `name` or
 * `mode` replaces it). Record sets carry the zone's labels and no protection.
 *
 * Values: record values that reference servers are passed as tokens
 * (`server.ipv4Address`, `server.ipv6Address`), also from another stack
 * (cdktn then wires an output and a remote-state lookup). Literal values are
 * checked (A: IPv4, AAAA: IPv6, MX "<priority> <host>", SRV "<priority>
 * <weight> <port> <host>", CNAME alone at its name and single). TXT values are
 * given as plain text and formatted the way the provider expects: the whole
 * value as quoted strings of at most 255 bytes each, `"` and `\` escaped,
 * long values split (`"v=DKIM1; … " "…"`); a value already in that form is
 * kept. TXT values that are tokens are passed unchanged (format them yourself).
 *
 * Secrets: the TSIG key is never a prop: `tsig_key` is `${var.<name>}` of a
 * sensitive variable (the provider does not mark `tsig_key` sensitive, so a
 * literal would be printed in plans). It is still stored in state: encrypt it.
 */
import { Construct } from "constructs";
import { Token } from "cdktn";
import * as zone from "../.gen/providers/hcloud/zone";
import * as zoneRrset from "../.gen/providers/hcloud/zone-rrset";
import {
  ConstructPropsError,
  Labels,
  checkHostname,
  checkInteger,
  checkLabels,
  checkName,
  describeConstruct,
  importExisting,
  isToken,
  literal,
  pinAddress,
  protectedLifecycle,
  sensitiveVariable,
  show,
  snake,
} from "./common";
import { parseIp, parseIpv4, parseIpv6 } from "../primitives/ip";
import { TXT_STRING_BYTES, splitUtf8 } from "../primitives/txt";

/** Record types a Hetzner zone accepts in rrsets (SOA and apex NS are managed by Hetzner). */
export const RRSET_TYPES = ["A", "AAAA", "CAA", "CNAME", "DS", "HINFO", "HTTPS", "MX", "NS", "PTR", "RP", "SRV", "SVCB", "TLSA", "TXT"] as const;
export type RrsetType = (typeof RRSET_TYPES)[number];

/** TSIG algorithms for zone transfers from a primary name server. */
export type TsigAlgorithm = "hmac-md5" | "hmac-sha1" | "hmac-sha256";
const TSIG_ALGORITHMS: readonly TsigAlgorithm[] = ["hmac-md5", "hmac-sha1", "hmac-sha256"];

/** Hetzner's TTL bounds. */
export const MIN_TTL = 60;
export const MAX_TTL = 2147483647;

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
   * Adopt an existing rrset with an import block (`<zone>/<name>/<type>`), when adopting a zone that already has it.
   * @default false - the rrset is created
   */
  readonly importExisting?: boolean;
}

/** A primary name server a secondary zone transfers from. */
export interface PrimaryNameserver {
  /** Public IPv4 or IPv6 address (a token such as `server.ipv6Address` is accepted). */
  readonly address: string;
  /**
   * Port.
   * @default 53
   */
  readonly port?: number;
  /**
   * TSIG algorithm; when given, the zone's TSIG key variable signs the transfers.
   * @default - unsigned transfers
   */
  readonly tsigAlgorithm?: TsigAlgorithm;
}

export interface DnsZoneProps {
  /** The domain, in ASCII (punycode for international names), without a trailing dot, e.g. "all2all.org". */
  readonly name: string;
  /** Labels of the zone and its record sets (managed-by, environment, role). */
  readonly labels: Labels;
  /**
   * "primary": records are managed here. "secondary": Hetzner transfers the zone from `primaryNameservers`.
   * @default "primary"
   */
  readonly mode?: "primary" | "secondary";
  /**
   * Default TTL of the zone's records, in seconds.
   * @default - Hetzner's default (3600)
   */
  readonly ttl?: number;
  /**
   * Production protection: delete_protection and prevent_destroy on the zone.
   * @default true - safe; replacing a zone deletes all its records
   */
  readonly protect?: boolean;
  /**
   * Secondary mode only: the primary name servers (at least one).
   * @default - none (primary mode)
   */
  readonly primaryNameservers?: readonly PrimaryNameserver[];
  /**
   * Name of the sensitive variable holding the TSIG key (base64); operators set `TF_VAR_<name>`.
   * Several zones may share one key by giving the same name.
   * @default "dns_tsig_key_<construct id with _ for ->"
   */
  readonly tsigKeyVariable?: string;
  /**
   * Zone id or name to adopt an existing zone with an import block.
   * @default - the zone is created
   */
  readonly importId?: string;
}

export class DnsZone extends Construct {
  /** The hcloud_zone resource. */
  readonly zone: zone.Zone;
  /** The zone's domain. */
  readonly name: string;
  /** The zone id as a number. */
  readonly zoneId: number;
  /** "primary" or "secondary". */
  readonly mode: "primary" | "secondary";
  /** Whether the construct applies production protection. */
  readonly protect: boolean;
  /** The TSIG key variable name, when transfers are signed. */
  readonly tsigKeyVariableName?: string;

  private readonly where: string;
  private readonly baseName: string;
  private readonly labels: Record<string, string>;
  private readonly rrsets = new Map<string, zoneRrset.ZoneRrset>();
  /** The record types present at each name, for the CNAME rules without scanning every record set. */
  private readonly typesByName = new Map<string, Set<string>>();

  constructor(scope: Construct, id: string, props: DnsZoneProps) {
    super(scope, id);
    this.where = describeConstruct("DnsZone", id);
    checkName(this.where, "the construct id", id);
    this.baseName = id;
    checkHostname(this.where, "name", props.name, { minLabels: 2 });
    this.name = props.name;
    this.labels = checkLabels(this.where, props.labels);
    this.mode = props.mode ?? "primary";
    if (this.mode !== "primary" && this.mode !== "secondary") {
      throw new ConstructPropsError(this.where, `mode must be "primary" or "secondary" (got ${show(this.mode)})`);
    }
    this.protect = props.protect ?? true;
    checkInteger(this.where, "ttl", props.ttl, MIN_TTL, MAX_TTL, "give seconds, e.g. 3600");
    if (props.importId !== undefined && !isToken(props.importId) && props.importId.trim() === "") {
      throw new ConstructPropsError(this.where, `importId must be the zone's id or name (got ${show(props.importId)})`);
    }

    const nameservers = props.primaryNameservers ?? [];
    if (this.mode === "primary" && nameservers.length > 0) {
      throw new ConstructPropsError(this.where, `primaryNameservers are only for mode "secondary" (a primary zone's records are managed here); set mode: "secondary" or drop them`);
    }
    if (this.mode === "secondary" && nameservers.length === 0) {
      throw new ConstructPropsError(this.where, `mode "secondary" needs at least one of primaryNameservers (the servers Hetzner transfers the zone from)`);
    }
    if (props.tsigKeyVariable !== undefined && !nameservers.some((ns) => ns.tsigAlgorithm !== undefined)) {
      throw new ConstructPropsError(this.where, "tsigKeyVariable is set but no primary name server has a tsigAlgorithm; give the algorithm or drop the variable");
    }
    let tsigKey: string | undefined;
    if (nameservers.some((ns) => ns.tsigAlgorithm !== undefined)) {
      this.tsigKeyVariableName = props.tsigKeyVariable ?? `dns_tsig_key_${snake(id)}`;
      tsigKey = sensitiveVariable(this, this.tsigKeyVariableName, `TSIG key (base64) for transfers of the zone ${props.name}; set TF_VAR_${this.tsigKeyVariableName}`).stringValue;
    }
    const primaryNameservers = nameservers.map((ns, i) => {
      const where = `${this.where}, primaryNameservers[${i}]`;
      if (!isToken(ns.address) && parseIp(ns.address) === undefined) {
        throw new ConstructPropsError(where, `address ${show(ns.address)} is not an IPv4 or IPv6 address (Hetzner needs the primary's public address, e.g. server.ipv6Address)`);
      }
      checkInteger(where, "port", ns.port, 1, 65535, "53 is the default");
      if (ns.tsigAlgorithm !== undefined && !TSIG_ALGORITHMS.includes(ns.tsigAlgorithm)) {
        throw new ConstructPropsError(where, `tsigAlgorithm must be one of ${TSIG_ALGORITHMS.join(", ")} (got ${show(ns.tsigAlgorithm)})`);
      }
      return {
        address: ns.address,
        port: ns.port,
        tsigAlgorithm: ns.tsigAlgorithm,
        tsigKey: ns.tsigAlgorithm !== undefined ? tsigKey : undefined,
      };
    });

    this.zone = new zone.Zone(this, "zone", {
      name: props.name,
      mode: this.mode,
      ttl: props.ttl,
      labels: this.labels,
      deleteProtection: this.protect,
      primaryNameservers: primaryNameservers.length > 0 ? primaryNameservers : undefined,
      lifecycle: protectedLifecycle(this.protect),
    });
    pinAddress(this.zone, id);
    if (props.importId !== undefined) importExisting(this.zone, props.importId);
    this.zoneId = Token.asNumber(this.zone.id);
  }

  /** Declares the record set of one (name, type) (`hcloud_zone_rrset.<zone>-<name>-<type>`) and returns it. */
  addRecordSet(options: RecordSetOptions): zoneRrset.ZoneRrset {
    const where = `${this.where}, ${options.type} ${show(options.name)}`;
    if (this.mode !== "primary") {
      throw new ConstructPropsError(where, `the zone is a secondary: its records come from the primary name servers, not from record sets here`);
    }
    this.checkRecordName(where, options.name);
    if (!(RRSET_TYPES as readonly string[]).includes(options.type)) {
      const hint = (options.type as string) === "SOA" ? "; the SOA record is managed by Hetzner" : "";
      throw new ConstructPropsError(where, `type ${show(options.type)} is not one of ${RRSET_TYPES.join(", ")}${hint}`);
    }
    if (options.type === "NS" && options.name === "@") {
      throw new ConstructPropsError(where, `the apex NS records are managed by Hetzner (the zone's authoritative name servers); NS record sets are for delegating subdomains`);
    }
    const key = `${options.name}/${options.type}`;
    if (this.rrsets.has(key)) {
      throw new ConstructPropsError(where, `a record set for ${options.type} ${show(options.name)} already exists; give every value of one (name, type) in one call`);
    }
    const others = [...(this.typesByName.get(options.name) ?? [])];
    if (options.type === "CNAME" && others.length > 0) {
      throw new ConstructPropsError(where, `a CNAME cannot share its name with other records (${others.join(", ")} exist for ${show(options.name)})`);
    }
    if (options.type !== "CNAME" && others.includes("CNAME")) {
      throw new ConstructPropsError(where, `${show(options.name)} already has a CNAME, which cannot share its name with other records`);
    }
    if (options.type === "CNAME" && options.name === "@") {
      throw new ConstructPropsError(where, `a CNAME cannot be at the zone apex (it would conflict with the SOA and NS records); use A/AAAA records`);
    }
    if (!Array.isArray(options.records) || options.records.length === 0) {
      throw new ConstructPropsError(where, `records must list at least one value (got ${show(options.records)})`);
    }
    if (options.type === "CNAME" && options.records.length > 1) {
      throw new ConstructPropsError(where, `a CNAME has exactly one value (got ${options.records.length})`);
    }
    checkInteger(where, "ttl", options.ttl, MIN_TTL, MAX_TTL, "give seconds, e.g. 300");
    const seen = new Set<string>();
    const records = options.records.map((record) => {
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

    const rrset = new zoneRrset.ZoneRrset(this, `${options.name}/${options.type}`.replace(/\//g, " "), {
      zone: this.zone.name,
      name: options.name,
      type: options.type,
      ttl: options.ttl,
      labels: this.labels,
      // What the engine must pass on unchanged: `${` and `%{` escaped (see literal).
      records: records.map((r) => (r.comment === undefined ? { value: literal(r.value) } : { value: literal(r.value), comment: literal(r.comment) })),
    });
    pinAddress(rrset, `${this.baseName}-${recordSlug(options.name)}-${options.type.toLowerCase()}`);
    if (options.importExisting === true) importExisting(rrset, `${this.name}/${options.name}/${options.type}`);
    this.rrsets.set(key, rrset);
    const types = this.typesByName.get(options.name) ?? new Set<string>();
    types.add(options.type);
    this.typesByName.set(options.name, types);
    return rrset;
  }

  /** The record set of one (name, type), or undefined. */
  recordSet(name: string, type: RrsetType): zoneRrset.ZoneRrset | undefined {
    return this.rrsets.get(`${name}/${type}`);
  }

  /** Record sets declared so far, keyed "<name>/<type>". */
  get recordSets(): ReadonlyMap<string, zoneRrset.ZoneRrset> {
    return this.rrsets;
  }

  /** The Hetzner name servers assigned to the zone (a token list): what the registrar needs. */
  get authoritativeNameservers(): string[] {
    return this.zone.authoritativeNameservers.assigned;
  }

  private checkRecordName(where: string, name: string): void {
    if (typeof name !== "string" || isToken(name)) {
      throw new ConstructPropsError(where, "the record name must be a literal (it becomes part of the address)");
    }
    if (name === "@") return;
    if (name.endsWith(".") || name === this.name || name.endsWith(`.${this.name}`)) {
      const relative = name.replace(/\.$/, "").replace(new RegExp(`\\.?${this.name.replace(/\./g, "\\.")}$`), "") || "@";
      throw new ConstructPropsError(where, `record names are relative to the zone ${this.name}: write ${show(relative)} instead of ${show(name)}`);
    }
    const labels = name.split(".");
    const ok =
      name.length <= 253 &&
      labels.every((label, i) => (label === "*" && i === 0) || /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/.test(label));
    if (!ok) {
      throw new ConstructPropsError(
        where,
        `the record name ${show(name)} is not valid: "@" or lower-case labels of letters, digits, "_" and inner "-" separated by dots, "*" only as the first label${name !== name.toLowerCase() ? ` (write ${show(name.toLowerCase())})` : ""}`,
      );
    }
  }
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
        throw new ConstructPropsError(where, `the quoted string ${quoted.slice(0, 40)}…" is ${bytes} bytes long (at most ${TXT_STRING_BYTES} per string); give the value unquoted and it is split for you`);
      }
    }
    return text;
  }
  return splitUtf8(text, TXT_STRING_BYTES).map((chunk) => `"${chunk.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`).join(" ");
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
      if (parseIpv4(value) === undefined) fail('an IPv4 address (e.g. "192.0.2.10"; for a server use server.ipv4Address)');
      break;
    case "AAAA":
      if (parseIpv6(value) === undefined) fail('an IPv6 address (e.g. "2001:db8::10"; for a server use server.ipv6Address)');
      break;
    case "MX":
      if (!/^(0|[1-9][0-9]{0,4}) \S+$/.test(value) || Number(value.split(" ")[0]) > 65535) fail('"<priority> <mail host>" (e.g. "10 mail")');
      break;
    case "SRV":
      if (!/^[0-9]{1,5} [0-9]{1,5} [0-9]{1,5} \S+$/.test(value) || value.split(" ").slice(0, 3).some((n) => Number(n) > 65535)) {
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
