/**
 * IPv4 and IPv6 addresses and CIDR ranges as big integers: parse, contain,
 * overlap. Strict on purpose: no leading zeros in IPv4 (`010.0.0.1` is octal
 * to some tools), no zone ids, no host bits set in a range.
 */

// The address parsers and the RFC 5952 formatter are shared with the
// construct library (a pure module, no dependencies).
import { formatIp, parseIpv4, parseIpv6 } from "../constructs/ip";

export { parseIpv4, parseIpv6 };

export type Family = "ipv4" | "ipv6";

export interface Address {
  readonly family: Family;
  readonly value: bigint;
}

export interface Cidr {
  readonly family: Family;
  /** The network address (host bits are zero when `hostBitsSet` is false). */
  readonly base: bigint;
  readonly prefix: number;
  /** The text was given with host bits set (`10.0.0.1/8`); `base` is masked anyway. */
  readonly hostBitsSet: boolean;
  /** The canonical text, e.g. `10.0.0.0/8`, `2001:db8::/32`. */
  readonly text: string;
}

const BITS: Record<Family, number> = { ipv4: 32, ipv6: 128 };

export function parseAddress(text: string): Address | undefined {
  const v4 = parseIpv4(text);
  if (v4 !== undefined) return { family: "ipv4", value: v4 };
  const v6 = parseIpv6(text);
  if (v6 !== undefined) return { family: "ipv6", value: v6 };
  return undefined;
}

export function formatAddress(family: Family, value: bigint): string {
  return formatIp(family === "ipv4" ? 4 : 6, value);
}

function mask(family: Family, prefix: number): bigint {
  const bits = BITS[family];
  return ((1n << BigInt(bits)) - 1n) ^ ((1n << BigInt(bits - prefix)) - 1n);
}

/** `10.0.0.0/8`, `2001:db8::/32`; a bare address is not a range here. */
export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf("/");
  if (slash < 0) return undefined;
  const address = parseAddress(text.slice(0, slash));
  const prefixText = text.slice(slash + 1);
  if (!address || !/^(0|[1-9][0-9]{0,2})$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  if (prefix > BITS[address.family]) return undefined;
  const base = address.value & mask(address.family, prefix);
  return {
    family: address.family,
    base,
    prefix,
    hostBitsSet: base !== address.value,
    text: `${formatAddress(address.family, base)}/${prefix}`,
  };
}

export function lastAddress(cidr: Cidr): bigint {
  return cidr.base | ((1n << BigInt(BITS[cidr.family] - cidr.prefix)) - 1n);
}

export function cidrContains(outer: Cidr, inner: Cidr | Address): boolean {
  if (outer.family !== inner.family) return false;
  if ("prefix" in inner) {
    return inner.prefix >= outer.prefix && inner.base >= outer.base && lastAddress(inner) <= lastAddress(outer);
  }
  return inner.value >= outer.base && inner.value <= lastAddress(outer);
}

export function cidrOverlaps(a: Cidr, b: Cidr): boolean {
  return a.family === b.family && a.base <= lastAddress(b) && b.base <= lastAddress(a);
}

const RFC1918 = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"].map((t) => parseCidr(t) as Cidr);

export function isRfc1918(cidr: Cidr): boolean {
  return RFC1918.some((range) => cidrContains(range, cidr));
}

/** The documentation ranges of RFC 5737 and RFC 3849: safe placeholders. */
export const DOCUMENTATION_RANGES = ["192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32"].map(
  (t) => parseCidr(t) as Cidr,
);

export function isDocumentationRange(cidr: Cidr): boolean {
  return DOCUMENTATION_RANGES.some((range) => cidrContains(range, cidr));
}
