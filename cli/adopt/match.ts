/**
 * Matching for `all2all adopt`: each resource the stacks would create, in
 * {@link ORDER} (parents first), against what exists (api.ts): by its
 * Hetzner name, SSH keys by public key first, primary IPs through their
 * server, and what hangs on a parent through that parent.
 */
import { CREATE, type AdoptConcern } from "../../description";
import type { Existing } from "./api";
/** The synthesised stacks of one environment: resources by type and name, and what the overlay already imports. */
export interface StackDoc {
  readonly concern: AdoptConcern;
  readonly name: string;
  readonly resources: Record<string, Record<string, Record<string, any>>>;
  readonly imported: ReadonlySet<string>;
}

/** An address matched to an existing resource: its import id, and how it was found. */
export interface Match {
  readonly concern: AdoptConcern;
  readonly address: string;
  readonly id: string;
  readonly matched: string;
}

/** What {@link matchExisting} found. */
export interface Lookup {
  readonly matches: Match[];
  /** Addresses with nothing found: created by the next apply. */
  readonly notFound: { concern: AdoptConcern; address: string; why: string }[];
  /** Addresses already imported by the environment's overlay (import_id). */
  readonly overlay: string[];
  /** Names that match two or more resources: nothing may be written. */
  readonly conflicts: string[];
  /** What exists but no resource of the config describes: listed, never destroyed. */
  readonly unmanaged: string[];
}

const REF = /^\$\{([a-z_]+)\.([A-Za-z0-9_-]+)\.[a-z_]+\}$/;

/** `hcloud_server.web-1` from `${hcloud_server.web-1.id}`, else undefined. */
function refOf(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const m = REF.exec(value);
  return m ? `${m[1]}.${m[2]}` : undefined;
}

/** The order in which types are looked up: parents before what hangs on them. */
const ORDER = [
  "hcloud_ssh_key",
  "hcloud_network",
  "hcloud_network_subnet",
  "hcloud_network_route",
  "hcloud_firewall",
  "hcloud_placement_group",
  "hcloud_server",
  "hcloud_primary_ip",
  "hcloud_rdns",
  "hcloud_server_network",
  "hcloud_volume",
  "hcloud_volume_attachment",
  "hcloud_floating_ip",
  "hcloud_floating_ip_assignment",
  "hcloud_zone",
  "hcloud_zone_rrset",
  "hcloud_storage_box",
  "hcloud_storage_box_subaccount",
];

const keyPart = (publicKey: unknown): string =>
  typeof publicKey === "string" ? publicKey.trim().split(/\s+/).slice(0, 2).join(" ") : "";

/** The ::1 host of an IPv6 /64 ("2001:db8:1:2::/64" → "2001:db8:1:2::1"), the address the Server construct's reverse DNS uses. */
function ipv6Host(network: string): string | undefined {
  const m = /^([0-9a-fA-F:]+)::\/64$/.exec(network);
  return m ? `${m[1]}::1` : undefined;
}

/**
 * Matches the resources of the stacks against what exists. Pure: the
 * lookups, conflicts and leftovers, for printing and for the file.

/** An API object matched to an address: its import id and how it was found. */
interface Hit {
  readonly object: any;
  readonly id: string;
  readonly matched: string;
}

/** Said by a matcher that recorded the outcome itself (a conflict, a resource to create): nothing more to do. */
const RECORDED = Symbol("recorded");

/** What a matcher found: a hit, why nothing was (undefined: the default reason, no such name), or {@link RECORDED}. */
type Outcome = Hit | { readonly why: string } | typeof RECORDED | undefined;

/** What a matcher reads for one address, and where it records conflicts and creations. */
interface MatchContext {
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

/**
 * Matches the resources of the stacks against what exists. Pure: the
 * lookups, conflicts and leftovers, for printing and for the file.
 */
export function matchExisting(stacks: readonly StackDoc[], existing: Existing): Lookup {
  const matches: Match[] = [];
  const notFound: Lookup["notFound"] = [];
  const overlay: string[] = [];
  const conflicts: string[] = [];
  /** The API object each address was matched to. */
  const found = new Map<string, any>();
  const used = new Set<any>();
  const attrsOf = new Map<string, Record<string, any>>();
  const concernOf = new Map<string, AdoptConcern>();
  for (const s of stacks) {
    for (const [type, byName] of Object.entries(s.resources)) {
      for (const [name, attrs] of Object.entries(byName)) {
        attrsOf.set(`${type}.${name}`, attrs);
        concernOf.set(`${type}.${name}`, s.concern);
      }
    }
  }

  const byName = (list: any[], what: string, name: unknown, address: string): any | undefined => {
    const hits = list.filter((x) => x.name === name);
    if (hits.length > 1) {
      conflicts.push(
        `${address}: ${hits.length} ${what}s are named ${JSON.stringify(name)} (ids ${hits.map((h) => h.id).join(", ")}): rename or delete all but one in the Console, then run adopt again`,
      );
      return undefined;
    }
    return hits[0];
  };

  const addresses = [...attrsOf.keys()].sort((a, b) => {
    const ta = ORDER.indexOf(a.split(".")[0]!);
    const tb = ORDER.indexOf(b.split(".")[0]!);
    return (ta < 0 ? 99 : ta) - (tb < 0 ? 99 : tb) || a.localeCompare(b);
  });
  for (const address of addresses) {
    const concern = concernOf.get(address)!;
    const type = address.split(".")[0]!;
    const a = attrsOf.get(address)!;
    if (stacks.find((s) => s.concern === concern)!.imported.has(address)) {
      overlay.push(address);
      continue;
    }
    const parent = (attr: string): any | undefined => {
      const ref = refOf(a[attr]);
      return ref ? found.get(ref) : undefined;
    };
    const ctx: MatchContext = {
      address,
      type,
      concern,
      a,
      existing,
      attrsOf,
      found,
      conflicts,
      matches,
      byName,
      parent,
    };
    const outcome = (MATCHERS[type] ?? (() => ({ why: `${type} is not looked up` })))(ctx);
    if (outcome === RECORDED) continue;
    if (outcome !== undefined && "object" in outcome) {
      if (used.has(outcome.object)) {
        conflicts.push(`${address}: ${outcome.matched} is matched by another resource of the config too`);
        continue;
      }
      used.add(outcome.object);
      found.set(address, outcome.object);
      matches.push({ concern, address, id: outcome.id, matched: outcome.matched });
    } else {
      const why =
        outcome?.why ?? `no ${type.replace(/^hcloud_/, "").replace(/_/g, " ")} named ${JSON.stringify(a.name)}`;
      notFound.push({ concern, address, why });
    }
  }
  return { matches, notFound, overlay, conflicts, unmanaged: unmanagedOf(existing, used) };
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

/** SSH keys: Hetzner refuses a public key twice, so the key itself decides; a key of that name holding another public key makes it ambiguous. */
function matchSshKey({ address, a, existing, conflicts, byName }: MatchContext): Outcome {
  const sameKey = existing.ssh_keys.find((k) => keyPart(k.public_key) === keyPart(a.public_key));
  const named = byName(existing.ssh_keys, "SSH key", a.name, address);
  if (sameKey && named && named !== sameKey) {
    conflicts.push(
      `${address}: the SSH key with this public key is named ${JSON.stringify(sameKey.name)} (id ${sameKey.id}), and another key is named ${JSON.stringify(a.name)} (id ${named.id}): delete or rename one in the Console, then run adopt again`,
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
      `${address}: ${subs.length} subaccounts of ${box.name} are named ${JSON.stringify(a.name)} (ids ${subs.map((s) => s.id).join(", ")})`,
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

/** The matcher of each type looked up. */
const MATCHERS: Readonly<Record<string, (ctx: MatchContext) => Outcome>> = {
  hcloud_ssh_key: matchSshKey,
  ...Object.fromEntries(Object.keys(NAMED).map((type) => [type, matchNamed])),
  hcloud_network_subnet: matchSubnetOrRoute,
  hcloud_network_route: matchSubnetOrRoute,
  hcloud_primary_ip: matchPrimaryIp,
  hcloud_rdns: matchRdns,
  hcloud_server_network: matchServerNetwork,
  hcloud_volume_attachment: matchAttachment,
  hcloud_floating_ip_assignment: matchAttachment,
  hcloud_zone_rrset: matchRrset,
  hcloud_storage_box_subaccount: matchSubaccount,
};

/** What exists but no resource of the config describes (`used` holds what was matched): listed, never destroyed. */
function unmanagedOf(existing: Existing, used: ReadonlySet<any>): string[] {
  const unmanaged: string[] = [];
  const left = (list: any[], what: string, describe: (x: any) => string = (x) => x.name) => {
    for (const x of list) if (!used.has(x)) unmanaged.push(`${what} ${describe(x)} (id ${x.id})`);
  };
  left(existing.ssh_keys, "SSH key");
  left(existing.networks, "network");
  left(existing.firewalls, "firewall");
  left(existing.placement_groups, "placement group");
  left(existing.servers, "server");
  left(existing.primary_ips, "primary IP", (p) => `${p.name} ${p.ip}`);
  left(existing.volumes, "volume");
  left(existing.floating_ips, "floating IP", (f) => `${f.name} ${f.ip}`);
  left(existing.zones, "zone");
  for (const z of existing.zones) {
    if (!used.has(z)) continue;
    for (const r of existing.rrsets.get(z.id) ?? []) {
      // Hetzner's own: the SOA and the apex NS.
      if (r.type === "SOA" || (r.type === "NS" && r.name === "@")) continue;
      if (!used.has(r)) unmanaged.push(`record set ${r.name} ${r.type} of zone ${z.name}`);
    }
  }
  left(existing.storage_boxes, "storage box");
  for (const b of existing.storage_boxes) {
    if (!used.has(b)) continue;
    for (const s of existing.subaccounts.get(b.id) ?? [])
      if (!used.has(s)) unmanaged.push(`subaccount ${s.name ?? s.username} of storage box ${b.name} (id ${s.id})`);
  }
  return unmanaged;
}
