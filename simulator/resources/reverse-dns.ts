/**
 * Reverse DNS, shared by primary IPs, floating IPs and servers: the PTR
 * entries of one IPv4 address or of an IPv6 /64 network, how a
 * `change_dns_ptr` sets or resets one, and the route that answers it.
 */
import { type Sim, type SimRequest, invalidInput, ok } from "../core";
import type { ResourceNames } from "../crud";
import { canonicalIp, defaultPtr, inNetwork64 } from "./ip-addresses";

export interface DnsPtr {
  ip: string;
  dns_ptr: string;
}

/** What carries reverse DNS: one IPv4 address, or an IPv6 /64 network. */
export interface PtrHolder {
  type: "ipv4" | "ipv6";
  /** The address (IPv4) or the network with its prefix (IPv6). */
  ip: string;
  dns_ptr: DnsPtr[];
}

/** The PTR list a new address starts with: the default name for IPv4, nothing for IPv6. */
export function initialPtrs(type: "ipv4" | "ipv6", ip: string): DnsPtr[] {
  return type === "ipv4" ? [{ ip, dns_ptr: defaultPtr(ip) }] : [];
}

const HOSTNAME =
  /^(?=.{1,253}\.?$)([A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)(\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\.?$/;

/** The canonical address `ipText` if it belongs to `holder`, else `invalid_input` on `ip`. */
export function addressOf(holder: PtrHolder, ipText: unknown): string {
  if (typeof ipText !== "string") throw invalidInput("ip", "is required");
  const ip = canonicalIp(ipText);
  if (ip === undefined) throw invalidInput("ip", `${JSON.stringify(ipText)} is not an IP address`);
  const belongs = holder.type === "ipv4" ? ip === holder.ip : ip.includes(":") && inNetwork64(ip, holder.ip);
  if (!belongs) throw invalidInput("ip", `${ip} does not belong to ${holder.ip}`);
  return ip;
}

/**
 * Sets (or with `null` resets) the PTR of one address of `holder`: reading it
 * back gives exactly the name set. IPv4 resets to the default name; IPv6 loses
 * the entry. `invalid_input` for an address outside the holder, a name that is
 * no hostname, or a 101st IPv6 entry.
 */
export function changePtr(holder: PtrHolder, ipText: unknown, ptr: unknown): void {
  const ip = addressOf(holder, ipText);
  if (ptr !== null && (typeof ptr !== "string" || !HOSTNAME.test(ptr))) {
    throw invalidInput("dns_ptr", `${JSON.stringify(ptr)} is not a valid hostname`);
  }
  const rest = holder.dns_ptr.filter((p) => p.ip !== ip);
  if (ptr === null) {
    holder.dns_ptr = holder.type === "ipv4" ? [{ ip, dns_ptr: defaultPtr(ip) }] : rest;
    return;
  }
  if (holder.type === "ipv6" && rest.length >= 100)
    throw invalidInput("ip", "at most 100 reverse DNS entries per IPv6 network");
  holder.dns_ptr = [...rest, { ip, dns_ptr: ptr }];
}

/**
 * Registers `POST /<plural>/:id/actions/change_dns_ptr` for a resource that
 * carries its own reverse DNS (primary and floating IPs): {@link changePtr}
 * with the body's `ip` and `dns_ptr`, answered with an action on the record.
 */
export function changePtrRoute<T extends PtrHolder & { id: number }>(
  sim: Sim,
  names: ResourceNames,
  get: (req: SimRequest) => T,
): void {
  sim.route("cloud", "POST", `/${names.plural}/:id/actions/change_dns_ptr`, (req) => {
    const record = get(req);
    changePtr(record, req.body.ip, req.body.dns_ptr ?? null);
    return ok({ action: sim.action("change_dns_ptr", [{ id: record.id, type: names.singular }]) }, 201);
  });
}

/** Copies of the PTR entries, as the API lists them. */
export function ptrView(holder: PtrHolder): DnsPtr[] {
  return holder.dns_ptr.map((p) => ({ ...p }));
}
