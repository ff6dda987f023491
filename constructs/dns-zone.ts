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
import { ConstructPropsError, checkInteger, isToken, literal, show } from "./common";
import { checkHostname, snake } from "./names";
import { type Labels, checkLabels } from "./labels";
import { protectedLifecycle } from "./protection";
import { sensitiveVariable } from "./secrets";
import { constructWhere, pinnedResource } from "./construct-setup";
import { parseIp } from "../primitives/ip";
import {
  RRSET_TYPES,
  type RecordSetOptions,
  type RrsetType,
  checkRecordName,
  recordSlug,
  recordValues,
} from "./dns-records";

export { RRSET_TYPES, formatTxtValue, recordSlug } from "./dns-records";
export type { RecordSetOptions, RrsetType, ZoneRecord } from "./dns-records";

/** TSIG algorithms for zone transfers from a primary name server. */
export type TsigAlgorithm = "hmac-md5" | "hmac-sha1" | "hmac-sha256";
const TSIG_ALGORITHMS: readonly TsigAlgorithm[] = ["hmac-md5", "hmac-sha1", "hmac-sha256"];

/** Hetzner's TTL bounds. */
export const MIN_TTL = 60;
export const MAX_TTL = 2147483647;

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
    this.where = constructWhere("DnsZone", id);
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
    checkNameserverMode(this.where, this.mode, nameservers, props.tsigKeyVariable);
    let tsigKey: string | undefined;
    if (nameservers.some((ns) => ns.tsigAlgorithm !== undefined)) {
      this.tsigKeyVariableName = props.tsigKeyVariable ?? `dns_tsig_key_${snake(id)}`;
      tsigKey = sensitiveVariable(
        this,
        this.tsigKeyVariableName,
        `TSIG key (base64) for transfers of the zone ${props.name}; set TF_VAR_${this.tsigKeyVariableName}`,
      ).stringValue;
    }
    const primaryNameservers = primaryNameserverBlocks(this.where, nameservers, tsigKey);

    this.zone = new zone.Zone(this, "zone", {
      name: props.name,
      mode: this.mode,
      ttl: props.ttl,
      labels: this.labels,
      deleteProtection: this.protect,
      primaryNameservers: primaryNameservers.length > 0 ? primaryNameservers : undefined,
      lifecycle: protectedLifecycle(this.protect),
    });
    pinnedResource(this.zone, id, props.importId);
    this.zoneId = Token.asNumber(this.zone.id);
  }

  /** Declares the record set of one (name, type) (`hcloud_zone_rrset.<zone>-<name>-<type>`) and returns it. */
  addRecordSet(options: RecordSetOptions): zoneRrset.ZoneRrset {
    const where = `${this.where}, ${options.type} ${show(options.name)}`;
    if (this.mode !== "primary") {
      throw new ConstructPropsError(
        where,
        `the zone is a secondary: its records come from the primary name servers, not from record sets here`,
      );
    }
    checkRecordName(where, this.name, options.name);
    if (!(RRSET_TYPES as readonly string[]).includes(options.type)) {
      const hint = (options.type as string) === "SOA" ? "; the SOA record is managed by Hetzner" : "";
      throw new ConstructPropsError(where, `type ${show(options.type)} is not one of ${RRSET_TYPES.join(", ")}${hint}`);
    }
    if (options.type === "NS" && options.name === "@") {
      throw new ConstructPropsError(
        where,
        `the apex NS records are managed by Hetzner (the zone's authoritative name ` +
          `servers); NS record sets are for delegating subdomains`,
      );
    }
    const key = `${options.name}/${options.type}`;
    if (this.rrsets.has(key)) {
      throw new ConstructPropsError(
        where,
        `a record set for ${options.type} ${show(options.name)} already exists; ` +
          `give every value of one (name, type) in one call`,
      );
    }
    const others = [...(this.typesByName.get(options.name) ?? [])];
    if (options.type === "CNAME" && others.length > 0) {
      throw new ConstructPropsError(
        where,
        `a CNAME cannot share its name with other records (${others.join(", ")} exist for ${show(options.name)})`,
      );
    }
    if (options.type !== "CNAME" && others.includes("CNAME")) {
      throw new ConstructPropsError(
        where,
        `${show(options.name)} already has a CNAME, which cannot share its name with other records`,
      );
    }
    if (options.type === "CNAME" && options.name === "@") {
      throw new ConstructPropsError(
        where,
        `a CNAME cannot be at the zone apex (it would conflict with the SOA and NS records); use A/AAAA records`,
      );
    }
    if (!Array.isArray(options.records) || options.records.length === 0) {
      throw new ConstructPropsError(where, `records must list at least one value (got ${show(options.records)})`);
    }
    if (options.type === "CNAME" && options.records.length > 1) {
      throw new ConstructPropsError(where, `a CNAME has exactly one value (got ${options.records.length})`);
    }
    checkInteger(where, "ttl", options.ttl, MIN_TTL, MAX_TTL, "give seconds, e.g. 300");
    const records = recordValues(where, options);

    const rrset = new zoneRrset.ZoneRrset(this, `${options.name}/${options.type}`.replace(/\//g, " "), {
      zone: this.zone.name,
      name: options.name,
      type: options.type,
      ttl: options.ttl,
      labels: this.labels,
      // What the engine must pass on unchanged: `${` and `%{` escaped (see literal).
      records: records.map((r) =>
        r.comment === undefined
          ? { value: literal(r.value) }
          : { value: literal(r.value), comment: literal(r.comment) },
      ),
    });
    pinnedResource(
      rrset,
      `${this.baseName}-${recordSlug(options.name)}-${options.type.toLowerCase()}`,
      options.importExisting === true ? `${this.name}/${options.name}/${options.type}` : undefined,
    );
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
}

/** Throws unless the primary name servers fit the mode, and a TSIG key variable is asked only for signed transfers. */
function checkNameserverMode(
  where: string,
  mode: "primary" | "secondary",
  nameservers: readonly PrimaryNameserver[],
  tsigKeyVariable: string | undefined,
): void {
  if (mode === "primary" && nameservers.length > 0) {
    throw new ConstructPropsError(
      where,
      `primaryNameservers are only for mode "secondary" (a primary zone's records ` +
        `are managed here); set mode: "secondary" or drop them`,
    );
  }
  if (mode === "secondary" && nameservers.length === 0) {
    throw new ConstructPropsError(
      where,
      `mode "secondary" needs at least one of primaryNameservers (the servers Hetzner transfers the zone from)`,
    );
  }
  if (tsigKeyVariable !== undefined && !nameservers.some((ns) => ns.tsigAlgorithm !== undefined)) {
    throw new ConstructPropsError(
      where,
      "tsigKeyVariable is set but no primary name server has a tsigAlgorithm; give the algorithm or drop the variable",
    );
  }
}

/** The zone's `primary_nameservers` blocks, each checked; the signed ones get `tsigKey`. */
function primaryNameserverBlocks(
  zoneWhere: string,
  nameservers: readonly PrimaryNameserver[],
  tsigKey: string | undefined,
) {
  return nameservers.map((ns, i) => {
    const where = `${zoneWhere}, primaryNameservers[${i}]`;
    if (!isToken(ns.address) && parseIp(ns.address) === undefined) {
      throw new ConstructPropsError(
        where,
        `address ${show(ns.address)} is not an IPv4 or IPv6 address (Hetzner needs ` +
          `the primary's public address, e.g. server.ipv6Address)`,
      );
    }
    checkInteger(where, "port", ns.port, 1, 65535, "53 is the default");
    if (ns.tsigAlgorithm !== undefined && !TSIG_ALGORITHMS.includes(ns.tsigAlgorithm)) {
      throw new ConstructPropsError(
        where,
        `tsigAlgorithm must be one of ${TSIG_ALGORITHMS.join(", ")} (got ${show(ns.tsigAlgorithm)})`,
      );
    }
    return {
      address: ns.address,
      port: ns.port,
      tsigAlgorithm: ns.tsigAlgorithm,
      tsigKey: ns.tsigAlgorithm !== undefined ? tsigKey : undefined,
    };
  });
}
