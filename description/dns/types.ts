/**
 * The data of DNS record sets: what a zone's records are checked against
 * (the zone, the servers' public addresses) and what they resolve to, in
 * zone-file presentation (what Hetzner's rrset API takes).
 */
import type { Family } from "../../primitives/ip";
import { TXT_STRING_BYTES } from "../../primitives/txt";
import { CONFIG_RECORD_TYPES, type RecordType } from "../schemas/dns";
import type { PathSegment } from "../problems";

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

export const CAA_TAGS = [
  "issue",
  "issuewild",
  "iodef",
  "issuemail",
  "issuevmc",
  "contactemail",
  "contactphone",
] as const;

/** Hetzner DNS serves these types; the others (SSHFP) only exist on our own (hidden primary) servers. */
export const HETZNER_RECORD_TYPES: readonly RecordType[] = CONFIG_RECORD_TYPES.filter((type) => type !== "SSHFP");

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
