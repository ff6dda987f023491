/**
 * Hetzner's rules for a private network, its subnets and its routes, once:
 * the description's checks (description/checks/) report them with the file and
 * path, the PrivateNetwork construct throws them. Each check takes the text
 * as written and what is already known of the network, and returns the parsed
 * block or the problem (a message naming the value, and what would be valid).
 */
import { cidrContains, cidrOf, cidrsOverlap, isRfc1918, parseAddress, parseCidr, parseIpv4, type Cidr } from "./ip";

export interface RuleProblem {
  readonly message: string;
  readonly hint?: string;
  /** The subnet or route (its index in the list given) that the value collides with. */
  readonly conflict?: { readonly kind: "subnet" | "route"; readonly index: number };
}

export type Checked<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly problem: RuleProblem };

/** Hetzner's servers use 172.31.1.1 as their public default gateway. */
export const HETZNER_PUBLIC_GATEWAY = "172.31.1.1";
const PUBLIC_GATEWAY = cidrOf("ipv4", parseIpv4(HETZNER_PUBLIC_GATEWAY) as bigint);

const ok = <T>(value: T): Checked<T> => ({ ok: true, value });
const fail = <T>(message: string, hint?: string, conflict?: RuleProblem["conflict"]): Checked<T> => ({
  ok: false,
  problem: { message, ...(hint === undefined ? {} : { hint }), ...(conflict === undefined ? {} : { conflict }) },
});

/** An IPv4 block written as its network address, or the problem with it. */
function ipv4Block(what: string, text: string, example: string): Checked<Cidr> {
  const trimmed = text.trim();
  const cidr = parseCidr(trimmed);
  if (cidr === undefined) {
    const bare = parseAddress(trimmed);
    const hint = bare
      ? `write ${trimmed}/${bare.family === "ipv4" ? 32 : 128} for a single address`
      : `e.g. ${example}`;
    return fail(`${what} ${JSON.stringify(text)} is not a CIDR range`, hint);
  }
  if (cidr.hostBitsSet) return fail(`${what} ${JSON.stringify(text)} has host bits set`, `did you mean ${cidr.text}?`);
  if (cidr.family !== "ipv4")
    return fail(`${what} ${cidr.text} is not IPv4`, `private networks are IPv4 (RFC 1918), e.g. ${example}`);
  return ok(cidr);
}

/** The network's range: IPv4, RFC 1918, at least a /24, not holding Hetzner's public gateway. */
export function checkNetworkRange(text: string): Checked<Cidr> {
  const block = ipv4Block("network range", text, "10.20.0.0/16");
  if (!block.ok) return block;
  const cidr = block.value;
  if (!isRfc1918(cidr)) {
    return fail(
      `network range ${cidr.text} is not a private (RFC 1918) range`,
      "use part of 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16",
    );
  }
  if (cidr.prefix > 24)
    return fail(
      `network range ${cidr.text} is too small (at most /24)`,
      "Hetzner's minimum is a /24; a /16 leaves room to grow",
    );
  if (cidrContains(cidr, PUBLIC_GATEWAY)) {
    return fail(
      `network range ${cidr.text} contains ${HETZNER_PUBLIC_GATEWAY}, the ` +
        `default gateway of every Hetzner Cloud server`,
      "choose another range, e.g. in 10.0.0.0/8",
    );
  }
  return block;
}

/**
 * A subnet's range: IPv4, at most a /30, inside the network's range (when
 * known) and overlapping none of the subnets before it.
 */
export function checkSubnetRange(text: string, network: Cidr | undefined, before: readonly Cidr[]): Checked<Cidr> {
  const block = ipv4Block("subnet", text, "10.20.1.0/24");
  if (!block.ok) return block;
  const cidr = block.value;
  if (cidr.prefix > 30) return fail(`subnet ${cidr.text} is too small (at most /30)`, "a /24 is usual");
  if (network !== undefined && !cidrContains(network, cidr)) {
    return fail(
      `subnet ${cidr.text} is outside its network's range ${network.text}`,
      "pick a block inside it, or widen the network",
    );
  }
  const other = before.findIndex((o) => cidrsOverlap(o, cidr));
  if (other >= 0)
    return fail(`subnet ${cidr.text} overlaps subnet ${before[other]!.text}`, "subnets of a network may not overlap", {
      kind: "subnet",
      index: other,
    });
  return block;
}

/** A route's destination: IPv4, covering no subnet and overlapping no route before it. */
export function checkRouteDestination(text: string, subnets: readonly Cidr[], before: readonly Cidr[]): Checked<Cidr> {
  const block = ipv4Block("route destination", text, "10.30.0.0/24");
  if (!block.ok) return block;
  const cidr = block.value;
  const subnet = subnets.findIndex((s) => cidrsOverlap(s, cidr));
  if (subnet >= 0) {
    return fail(
      `route destination ${cidr.text} overlaps subnet ${subnets[subnet]!.text}`,
      "a route cannot cover a subnet of its network",
      { kind: "subnet", index: subnet },
    );
  }
  const other = before.findIndex((r) => cidrsOverlap(r, cidr));
  if (other >= 0)
    return fail(
      `route destination ${cidr.text} overlaps route ${before[other]!.text}`,
      "give each destination one route",
      { kind: "route", index: other },
    );
  return block;
}

/**
 * A route's gateway: an IPv4 address of the network (when its range is known),
 * not the network's first address (Hetzner's router there), not Hetzner's
 * public gateway, and inside one of the subnets (when they are known: pass
 * undefined while some are not).
 */
export function checkRouteGateway(
  text: string,
  network: Cidr | undefined,
  subnets: readonly Cidr[] | undefined,
): Checked<bigint> {
  const trimmed = text.trim();
  const gateway = parseIpv4(trimmed);
  if (gateway === undefined)
    return fail(
      `route gateway ${JSON.stringify(text)} is not an IPv4 address`,
      "e.g. 10.20.1.10, the fixed IP of the server that forwards the traffic",
    );
  if (trimmed === HETZNER_PUBLIC_GATEWAY)
    return fail(
      `route gateway ${trimmed} is Hetzner's public gateway`,
      "use the fixed IP of the server that forwards the traffic",
    );
  if (network === undefined) return ok(gateway);
  const host = cidrOf("ipv4", gateway);
  if (!cidrContains(network, host))
    return fail(
      `route gateway ${trimmed} is outside the network ${network.text}`,
      "the gateway must be an address of this network (a server's fixed IP)",
    );
  if (gateway === network.base + 1n)
    return fail(
      `route gateway ${trimmed} is the network's own router address`,
      "use the fixed IP of the server that forwards the traffic",
    );
  if (subnets !== undefined && !subnets.some((s) => cidrContains(s, host))) {
    return fail(
      `route gateway ${trimmed} is in no subnet of the network`,
      `subnets: ${subnets.map((s) => s.text).join(", ") || "none"}`,
    );
  }
  return ok(gateway);
}
