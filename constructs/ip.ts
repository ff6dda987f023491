/**
 * IPv4/IPv6 addresses and CIDR blocks, parsed strictly, for the constructs'
 * early checks (firewall sources, network ranges, record values). Pure
 * functions, no dependencies; unresolved tokens are the caller's business
 * (every construct skips them with `Token.isUnresolved` before calling here).
 */

/** An address or a block: family, the address as a 32/128-bit integer, the prefix length. */
export interface Cidr {
  /** 4 or 6. */
  readonly family: 4 | 6;
  /** The address as an unsigned 32- or 128-bit integer. */
  readonly address: bigint;
  /** Prefix length (32 or 128 for a single address). */
  readonly prefix: number;
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

/** An address of either family, as a host block (/32 or /128); undefined when invalid. */
export function parseIp(text: string): Cidr | undefined {
  const v4 = parseIpv4(text);
  if (v4 !== undefined) return { family: 4, address: v4, prefix: 32 };
  const v6 = parseIpv6(text);
  if (v6 !== undefined) return { family: 6, address: v6, prefix: 128 };
  return undefined;
}

/** `10.0.0.0/16` or `2001:db8::/32`; undefined when the text is not `<address>/<prefix>`. */
export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf("/");
  if (slash < 0 || slash !== text.lastIndexOf("/")) return undefined;
  const ip = parseIp(text.slice(0, slash));
  const prefixText = text.slice(slash + 1);
  if (ip === undefined || !/^(0|[1-9][0-9]{0,2})$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  if (prefix > (ip.family === 4 ? 32 : 128)) return undefined;
  return { family: ip.family, address: ip.address, prefix };
}

function bits(family: 4 | 6): number {
  return family === 4 ? 32 : 128;
}

/** The mask of the host part of a block (`/24` → `0xff`). */
function hostMask(cidr: Cidr): bigint {
  return (1n << BigInt(bits(cidr.family) - cidr.prefix)) - 1n;
}

/** True when the host part is zero (`10.0.0.0/16`, not `10.0.0.1/16`). */
export function isNetworkAddress(cidr: Cidr): boolean {
  return (cidr.address & hostMask(cidr)) === 0n;
}

/** The block with its host part cleared: the form to suggest when the user wrote `10.0.0.1/16`. */
export function networkOf(cidr: Cidr): Cidr {
  return { ...cidr, address: cidr.address & ~hostMask(cidr) };
}

/** True when `inner` lies entirely inside `outer` (same family). */
export function cidrContains(outer: Cidr, inner: Cidr): boolean {
  if (outer.family !== inner.family || inner.prefix < outer.prefix) return false;
  const mask = ~hostMask(outer);
  return (outer.address & mask) === (inner.address & mask);
}

/** True when the two blocks share at least one address. */
export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  return cidrContains(a, b) || cidrContains(b, a);
}

/** Text form: dotted quad, or RFC 5952 IPv6 (lower case, longest zero run compressed). */
export function formatCidr(cidr: Cidr): string {
  return `${formatIp(cidr.family, cidr.address)}/${cidr.prefix}`;
}

export function formatIp(family: 4 | 6, address: bigint): string {
  if (family === 4) {
    return [24n, 16n, 8n, 0n].map((shift) => String((address >> shift) & 0xffn)).join(".");
  }
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((address >> BigInt(i * 16)) & 0xffffn));
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

/** RFC 1918 blocks: the only ranges Hetzner accepts for a private network. */
export const RFC1918: readonly Cidr[] = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"].map((text) => parseCidr(text) as Cidr);
