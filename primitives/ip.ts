/**
 * IPv4 and IPv6 addresses and CIDR blocks as big integers: parse, format,
 * contain, overlap. The one model of addresses for every layer (the
 * description's checks, the constructs, the zone files, diff). Strict on
 * purpose: no leading zeros in IPv4 (`010.0.0.1` is octal to some tools), no
 * zone ids. Pure, no dependencies; unresolved tokens are the caller's business.
 */

export type Family = "ipv4" | "ipv6";

/** One address. */
export interface Address {
  readonly family: Family;
  readonly value: bigint;
}

/** A block, as written and as its network. */
export interface Cidr {
  readonly family: Family;
  /** The address as written (`10.0.0.1` of `10.0.0.1/16`). */
  readonly address: bigint;
  /** The network address: `address` with the host bits cleared. */
  readonly base: bigint;
  /** Prefix length (32 or 128 for a single address). */
  readonly prefix: number;
  /** The text was given with host bits set (`10.0.0.1/8`). */
  readonly hostBitsSet: boolean;
  /** The canonical text of the network, e.g. `10.0.0.0/8`, `2001:db8::/32`. */
  readonly text: string;
}

const BITS: Readonly<Record<Family, number>> = { ipv4: 32, ipv6: 128 };

/** 32 or 128. */
export function bitsOf(family: Family): number {
  return BITS[family];
}

/** `192.0.2.1` → its 32-bit value; undefined when not a strict dotted quad (no leading zeros). */
export function parseIpv4(text: string): bigint | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(part)) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    value = (value << 8n) | BigInt(n);
  }
  return value;
}

/** `2001:db8::1` → its 128-bit value; undefined when not a valid IPv6 address (zone ids are rejected). */
export function parseIpv6(text: string): bigint | undefined {
  if (text.length === 0 || text.length > 45 || !/^[0-9A-Fa-f:.]+$/.test(text)) return undefined;
  let head = text;
  let tailV4: bigint | undefined;
  const lastColon = text.lastIndexOf(":");
  if (text.includes(".")) {
    tailV4 = parseIpv4(text.slice(lastColon + 1));
    if (tailV4 === undefined) return undefined;
    head = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const doubleColon = head.indexOf("::");
  if (doubleColon !== head.lastIndexOf("::")) return undefined;
  const groupsOf = (s: string): string[] => (s === "" ? [] : s.split(":"));
  let groups: string[];
  if (doubleColon >= 0) {
    const left = groupsOf(head.slice(0, doubleColon));
    const right = groupsOf(head.slice(doubleColon + 2));
    const missing = 8 - left.length - right.length;
    if (missing < 1) return undefined;
    groups = [...left, ...Array<string>(missing).fill("0"), ...right];
  } else {
    groups = head.split(":");
  }
  if (groups.length !== 8) return undefined;
  let value = 0n;
  for (const group of groups) {
    if (!/^[0-9A-Fa-f]{1,4}$/.test(group)) return undefined;
    value = (value << 16n) | BigInt(parseInt(group, 16));
  }
  if (tailV4 !== undefined) value = (value & ~0xffffffffn) | tailV4;
  return value;
}

/** An address of either family; undefined when invalid. */
export function parseAddress(text: string): Address | undefined {
  const v4 = parseIpv4(text);
  if (v4 !== undefined) return { family: "ipv4", value: v4 };
  const v6 = parseIpv6(text);
  if (v6 !== undefined) return { family: "ipv6", value: v6 };
  return undefined;
}

/** The mask of the host part of a block (`/24` → `0xff`). */
function hostMask(family: Family, prefix: number): bigint {
  return (1n << BigInt(BITS[family] - prefix)) - 1n;
}

/** The block of `address` with `prefix` bits (default: the single address, /32 or /128). */
export function cidrOf(family: Family, address: bigint, prefix = BITS[family]): Cidr {
  const base = address & ~hostMask(family, prefix);
  return {
    family,
    address,
    base,
    prefix,
    hostBitsSet: base !== address,
    text: `${formatAddress(family, base)}/${prefix}`,
  };
}

/** An address of either family, as a host block (/32 or /128); undefined when invalid. */
export function parseIp(text: string): Cidr | undefined {
  const a = parseAddress(text);
  return a === undefined ? undefined : cidrOf(a.family, a.value);
}

/**
 * `10.0.0.0/16` or `2001:db8::/32`; undefined when the text is not `<address>/<prefix>` (a bare address is not a
 * block).
 */
export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf("/");
  if (slash < 0 || slash !== text.lastIndexOf("/")) return undefined;
  const address = parseAddress(text.slice(0, slash));
  const prefixText = text.slice(slash + 1);
  if (address === undefined || !/^(0|[1-9][0-9]{0,2})$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  if (prefix > BITS[address.family]) return undefined;
  return cidrOf(address.family, address.value, prefix);
}

/** True when the host part is zero (`10.0.0.0/16`, not `10.0.0.1/16`). */
export function isNetworkAddress(cidr: Cidr): boolean {
  return !cidr.hostBitsSet;
}

/** The block with its host part cleared: the form to suggest when the user wrote `10.0.0.1/16`. */
export function networkOf(cidr: Cidr): Cidr {
  return cidrOf(cidr.family, cidr.base, cidr.prefix);
}

/** The block's last address. */
export function lastAddress(cidr: Cidr): bigint {
  return cidr.base | hostMask(cidr.family, cidr.prefix);
}

/** True when `inner` (a block or an address) lies entirely inside `outer` (same family). */
export function cidrContains(outer: Cidr, inner: Cidr | Address): boolean {
  if (outer.family !== inner.family) return false;
  if ("prefix" in inner)
    return inner.prefix >= outer.prefix && inner.base >= outer.base && lastAddress(inner) <= lastAddress(outer);
  return inner.value >= outer.base && inner.value <= lastAddress(outer);
}

/** True when the two blocks share at least one address. */
export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  return a.family === b.family && a.base <= lastAddress(b) && b.base <= lastAddress(a);
}

/** Text form of a block as written: `10.0.0.1/16` stays so (`networkOf` first for the network). */
export function formatCidr(cidr: Cidr): string {
  return `${formatAddress(cidr.family, cidr.address)}/${cidr.prefix}`;
}

/** Dotted quad, or RFC 5952 IPv6 (lower case, longest zero run of two groups or more compressed). */
export function formatAddress(family: Family, value: bigint): string {
  if (family === "ipv4") return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 0xffn)).join(".");
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((value >> BigInt(i * 16)) & 0xffffn));
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(":");
  return `${hex.slice(0, bestStart).join(":")}::${hex.slice(bestStart + bestLength).join(":")}`;
}

const blocks = (texts: readonly string[]): readonly Cidr[] => texts.map((t) => parseCidr(t) as Cidr);

/** RFC 1918 blocks: the only ranges Hetzner accepts for a private network. */
export const RFC1918: readonly Cidr[] = blocks(["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"]);

export function isRfc1918(cidr: Cidr): boolean {
  return RFC1918.some((range) => cidrContains(range, cidr));
}

/** The documentation ranges of RFC 5737 and RFC 3849: safe placeholders. */
export const DOCUMENTATION_RANGES: readonly Cidr[] = blocks([
  "192.0.2.0/24",
  "198.51.100.0/24",
  "203.0.113.0/24",
  "2001:db8::/32",
]);

export function isDocumentationRange(cidr: Cidr): boolean {
  return DOCUMENTATION_RANGES.some((range) => cidrContains(range, cidr));
}
