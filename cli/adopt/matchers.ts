/**
 * The matcher of each resource type `all2all adopt` looks up (match.ts runs
 * them): by its Hetzner name, SSH keys by public key first, primary IPs
 * through their server, and what hangs on a parent through that parent.
 */
import { CREATE, type AdoptConcern } from "../../description";
import type { Existing } from "./api";
import type { Match } from "./match";

const REF = /^\$\{([a-z_]+)\.([A-Za-z0-9_-]+)\.[a-z_]+\}$/;

/** `hcloud_server.web-1` from `${hcloud_server.web-1.id}`, else undefined. */
export function refOf(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const m = REF.exec(value);
  return m ? `${m[1]}.${m[2]}` : undefined;
}

const keyPart = (publicKey: unknown): string =>
  typeof publicKey === "string" ? publicKey.trim().split(/\s+/).slice(0, 2).join(" ") : "";

/**
 * The ::1 host of an IPv6 /64 ("2001:db8:1:2::/64" → "2001:db8:1:2::1"), the address the Server construct's reverse DNS
 * uses.
 */
function ipv6Host(network: string): string | undefined {
  const m = /^([0-9a-fA-F:]+)::\/64$/.exec(network);
  return m ? `${m[1]}::1` : undefined;
}

/** An API object matched to an address: its import id and how it was found. */
export interface Hit {
  readonly object: any;
  readonly id: string;
  readonly matched: string;
}

/** Said by a matcher that recorded the outcome itself (a conflict, a resource to create): nothing more to do. */
export const RECORDED = Symbol("recorded");

/** What a matcher found: a hit, why nothing was (undefined: the default reason, no such name), or {@link RECORDED}. */
export type Outcome = Hit | { readonly why: string } | typeof RECORDED | undefined;

/** What a matcher reads for one address, and where it records conflicts and creations. */
export interface MatchContext {
  readonly address: string;
  readonly type: string;
  readonly concern: AdoptConcern;
  /** The address's attributes in the synthesised stacks. */
  readonly a: Record<string, any>;
  readonly existing: Existing;
  readonly attrsOf: ReadonlyMap<string, Record<string, any>>;
  /** The API object each address looked up so far was matched to. */
  readonly found: ReadonlyMap<string, any>;
  readonly conflicts: string[];
  readonly matches: Match[];
  /** The one item of `list` with this name (a conflict is recorded for two or more). */
  byName(list: any[], what: string, name: unknown, address: string): any | undefined;
  /** The API object the reference in attribute `attr` was matched to. */
  parent(attr: string): any | undefined;
}

/** The types found by their Hetzner name, with their lists and what each is called. */
const NAMED: Readonly<Record<string, readonly [keyof Existing, string]>> = {
  hcloud_network: ["networks", "network"],
  hcloud_firewall: ["firewalls", "firewall"],
  hcloud_placement_group: ["placement_groups", "placement group"],
  hcloud_server: ["servers", "server"],
  hcloud_volume: ["volumes", "volume"],
  hcloud_floating_ip: ["floating_ips", "floating IP"],
  hcloud_zone: ["zones", "zone"],
  hcloud_storage_box: ["storage_boxes", "storage box"],
};

/**
 * SSH keys: Hetzner refuses a public key twice, so the key itself decides; a key of that name holding another public
 * key makes it ambiguous.
 */
function matchSshKey({ address, a, existing, conflicts, byName }: MatchContext): Outcome {
  const sameKey = existing.ssh_keys.find((k) => keyPart(k.public_key) === keyPart(a.public_key));
  const named = byName(existing.ssh_keys, "SSH key", a.name, address);
  if (sameKey && named && named !== sameKey) {
    conflicts.push(
      `${address}: the SSH key with this public key is named ${JSON.stringify(sameKey.name)} (id ${sameKey.id}), ` +
        `and another key is named ${JSON.stringify(a.name)} (id ${named.id}): delete or rename one in the Console, ` +
        `then run adopt again`,
    );
    return RECORDED;
  }
  const o = sameKey ?? named;
  if (o)
    return {
      object: o,
      id: String(o.id),
      matched: sameKey
        ? `same public key (fingerprint ${o.fingerprint}), named ${o.name}`
        : `SSH key named ${o.name}, holding another public key: the plan replaces it with config's`,
    };
  return undefined;
}

/** A resource found by its name (the zone's import id is its name). */
function matchNamed({ address, type, a, existing, byName }: MatchContext): Outcome {
  const [key, what] = NAMED[type]!;
  const o = byName(existing[key] as any[], what, a.name, address);
  if (o)
    return {
      object: o,
      id: type === "hcloud_zone" ? String(o.name) : String(o.id),
      matched: `${what} named ${o.name} (id ${o.id})`,
    };
  return undefined;
}

/** A subnet or route: through its network. */
function matchSubnetOrRoute({ type, a, parent }: MatchContext): Outcome {
  const net = parent("network_id");
  if (!net) return { why: "its network is not adopted" };
  const key = type === "hcloud_network_subnet" ? "ip_range" : "destination";
  const o = (type === "hcloud_network_subnet" ? net.subnets : net.routes)?.find((x: any) => x[key] === a[key]);
  if (o)
    return {
      object: o,
      id: `${net.id}-${a[key]}`,
      matched: `${key === "ip_range" ? "subnet" : "route"} ${a[key]} of network ${net.name}`,
    };
  return { why: `network ${net.name} has no ${key === "ip_range" ? "subnet" : "route to"} ${a[key]}` };
}

/** A primary IP: through the server that links it, the address it has now, whatever its name. */
function matchPrimaryIp({ address, concern, a, existing, attrsOf, found, matches, byName }: MatchContext): Outcome {
  const serverAddress = [...attrsOf.entries()].find(
    ([addr, attrs]) =>
      addr.startsWith("hcloud_server.") &&
      [attrs.public_net?.[0]?.ipv4, attrs.public_net?.[0]?.ipv6].some((v) => refOf(v) === address),
  )?.[0];
  const server = serverAddress ? found.get(serverAddress) : undefined;
  const family = a.type === "ipv4" ? "ipv4" : "ipv6";
  if (server) {
    const current = server.public_net?.[family];
    const o =
      current?.id !== undefined && current?.id !== null
        ? existing.primary_ips.find((p) => p.id === current.id)
        : undefined;
    if (o)
      return {
        object: o,
        id: String(o.id),
        matched: `the primary ${family.toUpperCase()} of server ${server.name} (${o.ip}, named ${o.name})`,
      };
    matches.push({
      concern,
      address,
      id: CREATE,
      matched: `server ${server.name} has no ${family.toUpperCase()}: a new primary IP is created and linked`,
    });
    return RECORDED;
  }
  const o = byName(existing.primary_ips, "primary IP", a.name, address);
  if (o) return { object: o, id: String(o.id), matched: `primary IP named ${o.name} (${o.ip})` };
  return undefined;
}

/** Reverse DNS: through its primary or floating IP. */
function matchRdns({ a, parent }: MatchContext): Outcome {
  const ip = parent("primary_ip_id") ?? parent("floating_ip_id");
  if (!ip) return { why: "its address is not adopted" };
  const prefix = refOf(a.primary_ip_id) ? "p" : "f";
  const host = ip.type === "ipv6" ? ipv6Host(ip.ip) : ip.ip;
  const ptr = (ip.dns_ptr as { ip: string; dns_ptr: string }[] | undefined)?.find((d) => d.ip === host);
  if (host && ptr)
    return { object: ptr, id: `${prefix}-${ip.id}-${host}`, matched: `reverse DNS of ${host}: ${ptr.dns_ptr}` };
  return { why: `no reverse DNS set on ${host ?? ip.ip}` };
}

/** A server's network attachment: through its server and network. */
function matchServerNetwork({ address, a, found, parent }: MatchContext): Outcome {
  const server = parent("server_id");
  if (!server) return { why: "its server is not adopted" };
  // The address is <server>-<network name of the config> (constructs/server.ts).
  const networkName = address.split(".")[1]!.slice(refOf(a.server_id)!.split(".")[1]!.length + 1);
  const net = found.get(`hcloud_network.${networkName}`);
  const attached = net ? server.private_net?.find((p: any) => p.network === net.id) : undefined;
  if (net && attached)
    return {
      object: attached,
      id: `${server.id}-${net.id}`,
      matched: `server ${server.name} attached to network ${net.name} (${attached.ip})`,
    };
  return {
    why: net ? `server ${server.name} is not attached to network ${net.name}` : `network ${networkName} is not adopted`,
  };
}

/** A volume attachment or floating IP assignment: its volume or IP, attached to its server. */
function matchAttachment({ type, parent }: MatchContext): Outcome {
  const target = parent(type === "hcloud_volume_attachment" ? "volume_id" : "floating_ip_id");
  const server = parent("server_id");
  if (target && server && target.server === server.id)
    return {
      object: { attachment: target.id },
      id: String(target.id),
      matched: `${target.name} is attached to server ${server.name}`,
    };
  return {
    why: !target
      ? "its volume or floating IP is not adopted"
      : !server
        ? "its server is not adopted"
        : `${target.name} is not attached to server ${server.name}`,
  };
}

/** A record set: through its zone. */
function matchRrset({ a, existing, parent }: MatchContext): Outcome {
  const zone = parent("zone");
  if (!zone) return { why: "its zone is not adopted" };
  const o = existing.rrsets.get(zone.id)?.find((r) => r.name === a.name && r.type === a.type);
  if (o)
    return {
      object: o,
      id: `${zone.name}/${a.name}/${a.type}`,
      matched: `record set ${a.name} ${a.type} of zone ${zone.name}`,
    };
  return { why: `zone ${zone.name} has no ${a.name} ${a.type} record set` };
}

/** A storage box subaccount: through its box, by name. */
function matchSubaccount({ address, a, existing, conflicts, parent }: MatchContext): Outcome {
  const box = parent("storage_box_id");
  if (!box) return { why: "its storage box is not adopted" };
  const subs = (existing.subaccounts.get(box.id) ?? []).filter((s) => s.name === a.name);
  if (subs.length > 1) {
    conflicts.push(
      `${address}: ${subs.length} subaccounts of ${box.name} are ` +
        `named ${JSON.stringify(a.name)} (ids ${subs.map((s) => s.id).join(", ")})`,
    );
    return undefined;
  }
  if (subs[0])
    return {
      object: subs[0],
      id: `${box.id}/${subs[0].id}`,
      matched: `subaccount ${subs[0].name} (${subs[0].username}) of storage box ${box.name}`,
    };
  return { why: `storage box ${box.name} has no subaccount named ${JSON.stringify(a.name)}` };
}

/**
 * The matcher of each type looked up, in the order of the lookups: parents
 * before what hangs on them (a type missing here is not looked up).
 */
export const MATCHERS: Readonly<Record<string, (ctx: MatchContext) => Outcome>> = {
  hcloud_ssh_key: matchSshKey,
  hcloud_network: matchNamed,
  hcloud_network_subnet: matchSubnetOrRoute,
  hcloud_network_route: matchSubnetOrRoute,
  hcloud_firewall: matchNamed,
  hcloud_placement_group: matchNamed,
  hcloud_server: matchNamed,
  hcloud_primary_ip: matchPrimaryIp,
  hcloud_rdns: matchRdns,
  hcloud_server_network: matchServerNetwork,
  hcloud_volume: matchNamed,
  hcloud_volume_attachment: matchAttachment,
  hcloud_floating_ip: matchNamed,
  hcloud_floating_ip_assignment: matchAttachment,
  hcloud_zone: matchNamed,
  hcloud_zone_rrset: matchRrset,
  hcloud_storage_box: matchNamed,
  hcloud_storage_box_subaccount: matchSubaccount,
};
