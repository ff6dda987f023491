/**
 * DNS record sets: names, per-type value checks, normalisation to zone-file
 * presentation (what Hetzner's rrset API takes), and the zone-wide rules
 * (CNAME alone at its name, one record set per name and type with one TTL,
 * in-zone targets that exist).
 */
export { checkRecords } from "./records";
export {
  CAA_TAGS,
  HETZNER_RECORD_TYPES,
  TXT_CHUNK_BYTES,
  TXT_MAX_BYTES,
  type AddressRef,
  type RecordInput,
  type RecordSetSpec,
  type RecordValue,
  type ServerAddresses,
  type TextValue,
  type ZoneContext,
} from "./types";
