/**
 * Zone files and name server configuration from the network description:
 * the same typed record sets that become `hcloud_zone_rrset`s, rendered as
 * RFC 1035 zone files a real name server serves, and the Knot DNS
 * configuration of the hidden primary. Pure functions: the command line
 * (cli/zonefile.ts) reads and writes the files. See docs/dns.md.
 */
export {
  outputName,
  parseServerOutputs,
  placeholderAddress,
  placeholderAddresses,
  type AddressBook,
  type AddressFileResult,
} from "./addresses";
export {
  compareNames,
  renderZone,
  sortRecordSets,
  txtStrings,
  SERIAL_TOKEN,
  type RenderedRecordSet,
  type RenderedZone,
  type RenderOptions,
} from "./render";
export { chooseSerial, dateSerial, serialOf, withSerial, MAX_SERIAL, type SerialChoice } from "./serial";
export {
  HETZNER_NAMESERVERS,
  secondariesOf,
  SOA_TIMERS,
  isPlaceholderAddress,
  primaryHostName,
  servingOf,
  type SecondaryServers,
  type SoaTimers,
  type ZoneServing,
} from "./serving";
export { POLICY_ID, renderKnotConfigs, type KnotOptions, type RenderedKnotConfig } from "./knot";
