/**
 * Addresses as the simulator hands them out and as the provider compares
 * them: parsing, the canonical text of an address (Go's: RFC 5952 for IPv6),
 * whether an IPv6 address lies in a /64, the default PTR of an IPv4 address,
 * and fresh addresses for primary and floating IPs.
 *
 * Addresses: IPv4 from 203.0.113.0/24, then 198.18.0.0/15 (RFC 5737 and 2544:
 * never routed); IPv6 networks 2001:db8:1:N::/64 (RFC 3849), so none falls in
 * a range the project's configuration uses as an admin range.
 */
import { formatAddress } from "../../primitives/ip";
import { ApiError, type Sim } from "../core";

/** The 8 groups of an IPv6 address, or undefined when `text` is not one. */
export function parseIPv6(text: string): number[] | undefined {
  let s = text;
  const tail: number[] = [];
  const dotted = s.match(/^(.*:)(\d+\.\d+\.\d+\.\d+)$/);
  if (dotted) {
    const v4 = parseIPv4(dotted[2]!);
    if (!v4) return undefined;
    tail.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
    s = dotted[1]!.endsWith("::") ? dotted[1]! : dotted[1]!.slice(0, -1);
  }
  const halves = s.split("::");
  if (halves.length > 2) return undefined;
  const part = (h: string): number[] | undefined => {
    if (h === "") return [];
    const groups = h.split(":");
    if (!groups.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
    return groups.map((g) => parseInt(g, 16));
  };
  const head = part(halves[0]!);
  const rest = halves.length === 2 ? part(halves[1]!) : [];
  if (!head || !rest) return undefined;
  const given = head.length + rest.length + tail.length;
  if (halves.length === 1) return given === 8 ? [...head, ...tail] : undefined;
  if (given > 7) return undefined;
  return [...head, ...new Array<number>(8 - given).fill(0), ...rest, ...tail];
}

export function parseIPv4(text: string): number[] | undefined {
  const parts = text.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255)) return undefined;
  return parts.map(Number);
}

/** An IPv6 address as Go prints it (RFC 5952: lower case, the longest run of two or more zero groups as `::`). */
export function formatIPv6(groups: readonly number[]): string {
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return [groups[6]! >> 8, groups[6]! & 255, groups[7]! >> 8, groups[7]! & 255].join(".");
  }
  return formatAddress(
    "ipv6",
    groups.reduce((value, g) => (value << 16n) | BigInt(g), 0n),
  );
}

/** The canonical text of an IPv4 or IPv6 address, or undefined when `text` is neither. */
export function canonicalIp(text: string): string | undefined {
  const v4 = parseIPv4(text);
  if (v4) return v4.join(".");
  const v6 = parseIPv6(text);
  return v6 ? formatIPv6(v6) : undefined;
}

/** Whether `address` (IPv6) lies in the /64 `network` (`x:y:z:w::/64`). */
export function inNetwork64(address: string, network: string): boolean {
  const a = parseIPv6(address);
  const n = parseIPv6(network.replace(/\/64$/, ""));
  return a !== undefined && n !== undefined && a.slice(0, 4).every((g, i) => g === n[i]);
}

/** Hetzner's reverse name of an IPv4 address before anyone sets one. */
export function defaultPtr(ipv4: string): string {
  return `static.${ipv4.split(".").reverse().join(".")}.clients.your-server.de`;
}

interface Allocator {
  v4: number;
  v6: number;
}
const allocators = new WeakMap<Sim, Allocator>();

function allocator(sim: Sim): Allocator {
  let a = allocators.get(sim);
  if (!a) {
    a = { v4: 0, v6: 0 };
    allocators.set(sim, a);
  }
  return a;
}

/** A fresh IPv4 address (never handed out twice by one simulator). */
export function allocateIPv4(sim: Sim): string {
  const n = allocator(sim).v4++;
  if (n < 254) return `203.0.113.${n + 1}`;
  const m = n - 254 + 1;
  if (m >= 2 ** 17 - 1)
    throw new ApiError(422, "resource_unavailable", "no IPv4 address left in the simulator's ranges");
  return `198.${18 + (m >> 16)}.${(m >> 8) & 255}.${m & 255}`;
}

/** A fresh IPv6 /64 network, as the API writes it (`2001:db8:1:5::/64`). */
export function allocateIPv6Network(sim: Sim): string {
  const n = allocator(sim).v6++;
  const groups = [0x2001, 0xdb8, 1 + Math.floor(n / 0xffff), (n % 0xffff) + 1, 0, 0, 0, 0];
  return `${formatIPv6(groups)}/64`;
}

// ---------------------------------------------------------------------------
