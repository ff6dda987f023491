/**
 * `all2all adopt --env NAME [--config DIR] [--dry-run]`: finds, through the
 * Hetzner APIs, the resources of an environment that already exist, and
 * writes their import ids into the environment's adoption file
 * (config/adopt/<env>.yaml, spec/adopt.ts), to be reviewed and committed;
 * synth then writes `import` blocks and the plan adopts them.
 *
 * Steps: load the description, synthesise it in memory (a temporary folder,
 * removed), list what exists in the project (Cloud API and storage box API,
 * token from HCLOUD_TOKEN, endpoints HCLOUD_ENDPOINT / HETZNER_ENDPOINT),
 * match each resource the stacks would create by its Hetzner name (SSH keys
 * by public key first; primary IPs through their server; subnets, routes,
 * attachments, record sets and subaccounts through their parent), and
 * write the file atomically. Nothing at Hetzner is changed.
 *
 * Exit codes: 0 written (or printed with --dry-run); 1 an API call failed;
 * 2 bad input: configuration, no HCLOUD_TOKEN, or a name that matches two
 * resources (both ids are printed; nothing is written).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ADOPT_DIR, CREATE, formatAdoption, type AdoptConcern } from "../spec";
import { writeFileAtomic } from "../primitives/atomic";
import { configDirOf, loadForCommand, type CheckOptions } from "./check";
import { ExitCode, type Io } from "./io";
import { readProjectConfig } from "./project";

export interface AdoptOptions extends CheckOptions {
  /** Print the file instead of writing it. */
  readonly dryRun?: boolean;
}

export type Api = "cloud" | "hetzner";
/** One GET of an API: status and parsed JSON body. */
export type ApiGet = (api: Api, route: string, query: Record<string, string>) => Promise<{ status: number; body: any }>;

export interface AdoptDeps {
  /** Answers GET requests; default: Node's fetch against the endpoints of the environment variables. */
  readonly get?: ApiGet;
}

export const DEFAULT_CLOUD_ENDPOINT = "https://api.hetzner.cloud/v1";
export const DEFAULT_HETZNER_ENDPOINT = "https://api.hetzner.com/v1";

/** GET through fetch, with the bearer token. */
export function fetchGet(env: Readonly<Record<string, string | undefined>>, token: string): ApiGet {
  const base = { cloud: env.HCLOUD_ENDPOINT || DEFAULT_CLOUD_ENDPOINT, hetzner: env.HETZNER_ENDPOINT || DEFAULT_HETZNER_ENDPOINT };
  return async (api, route, query) => {
    const url = `${base[api].replace(/\/+$/, "")}${route}?${new URLSearchParams(query).toString()}`;
    const res = await fetch(url, { headers: { authorization: `Bearer ${token}`, accept: "application/json" } });
    const text = await res.text();
    let body: any;
    try {
      body = text === "" ? {} : JSON.parse(text);
    } catch {
      body = { error: { message: text.slice(0, 200) } };
    }
    return { status: res.status, body };
  };
}

class ApiFailure extends Error {}

const MAX_PAGES = 200;

/** Every item of a paginated list (bounded). */
async function listAll(get: ApiGet, api: Api, route: string, key: string): Promise<any[]> {
  const items: any[] = [];
  for (let page = 1; page <= MAX_PAGES; page++) {
    const r = await get(api, route, { per_page: "50", page: String(page) });
    if (r.status !== 200) {
      const e = r.body?.error;
      throw new ApiFailure(`GET ${route} answered ${r.status}${e?.code ? ` ${e.code}` : ""}${e?.message ? `: ${e.message}` : ""}`);
    }
    items.push(...((r.body?.[key] as any[] | undefined) ?? []));
    const next = r.body?.meta?.pagination?.next_page;
    if (next === null || next === undefined) return items;
  }
  throw new ApiFailure(`GET ${route}: more than ${MAX_PAGES} pages`);
}

/** What exists in the project, as the APIs list it. */
export interface Existing {
  readonly ssh_keys: any[];
  readonly networks: any[];
  readonly firewalls: any[];
  readonly placement_groups: any[];
  readonly servers: any[];
  readonly primary_ips: any[];
  readonly volumes: any[];
  readonly floating_ips: any[];
  readonly zones: any[];
  /** Record sets per zone id. */
  readonly rrsets: Map<number, any[]>;
  readonly storage_boxes: any[];
  /** Subaccounts per storage box id. */
  readonly subaccounts: Map<number, any[]>;
}

export async function listExisting(get: ApiGet): Promise<Existing> {
  const cloud = (route: string, key: string) => listAll(get, "cloud", route, key);
  const [ssh_keys, networks, firewalls, placement_groups, servers, primary_ips, volumes, floating_ips, zones, storage_boxes] = await Promise.all([
    cloud("/ssh_keys", "ssh_keys"),
    cloud("/networks", "networks"),
    cloud("/firewalls", "firewalls"),
    cloud("/placement_groups", "placement_groups"),
    cloud("/servers", "servers"),
    cloud("/primary_ips", "primary_ips"),
    cloud("/volumes", "volumes"),
    cloud("/floating_ips", "floating_ips"),
    cloud("/zones", "zones"),
    listAll(get, "hetzner", "/storage_boxes", "storage_boxes"),
  ]);
  const rrsets = new Map<number, any[]>();
  for (const z of zones) rrsets.set(z.id, await cloud(`/zones/${z.id}/rrsets`, "rrsets"));
  const subaccounts = new Map<number, any[]>();
  for (const b of storage_boxes) subaccounts.set(b.id, await listAll(get, "hetzner", `/storage_boxes/${b.id}/subaccounts`, "subaccounts"));
  return { ssh_keys, networks, firewalls, placement_groups, servers, primary_ips, volumes, floating_ips, zones, rrsets, storage_boxes, subaccounts };
}

/** The synthesised stacks of one environment: resources by type and name, and what the overlay already imports. */
export interface StackDoc {
  readonly concern: AdoptConcern;
  readonly name: string;
  readonly resources: Record<string, Record<string, Record<string, any>>>;
  readonly imported: ReadonlySet<string>;
}

export interface Match {
  readonly concern: AdoptConcern;
  readonly address: string;
  readonly id: string;
  readonly matched: string;
}

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

const keyPart = (publicKey: unknown): string => (typeof publicKey === "string" ? publicKey.trim().split(/\s+/).slice(0, 2).join(" ") : "");

/** The ::1 host of an IPv6 /64 ("2001:db8:1:2::/64" → "2001:db8:1:2::1"), the address the Server construct's reverse DNS uses. */
function ipv6Host(network: string): string | undefined {
  const m = /^([0-9a-fA-F:]+)::\/64$/.exec(network);
  return m ? `${m[1]}::1` : undefined;
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
      conflicts.push(`${address}: ${hits.length} ${what}s are named ${JSON.stringify(name)} (ids ${hits.map((h) => h.id).join(", ")}): rename or delete all but one in the Console, then run adopt again`);
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
    let hit: { object: any; id: string; matched: string } | undefined;
    let why = `no ${type.replace(/^hcloud_/, "").replace(/_/g, " ")} named ${JSON.stringify(a.name)}`;
    switch (type) {
      case "hcloud_ssh_key": {
        // Hetzner refuses a public key twice, so the key itself decides; a key of
        // that name holding another public key makes it ambiguous.
        const sameKey = existing.ssh_keys.find((k) => keyPart(k.public_key) === keyPart(a.public_key));
        const named = byName(existing.ssh_keys, "SSH key", a.name, address);
        if (sameKey && named && named !== sameKey) {
          conflicts.push(
            `${address}: the SSH key with this public key is named ${JSON.stringify(sameKey.name)} (id ${sameKey.id}), and another key is named ${JSON.stringify(a.name)} (id ${named.id}): delete or rename one in the Console, then run adopt again`,
          );
          continue;
        }
        const o = sameKey ?? named;
        if (o) hit = { object: o, id: String(o.id), matched: sameKey ? `same public key (fingerprint ${o.fingerprint}), named ${o.name}` : `SSH key named ${o.name}, holding another public key: the plan replaces it with config's` };
        break;
      }
      case "hcloud_network":
      case "hcloud_firewall":
      case "hcloud_placement_group":
      case "hcloud_server":
      case "hcloud_volume":
      case "hcloud_floating_ip":
      case "hcloud_zone":
      case "hcloud_storage_box": {
        const [list, what] = {
          hcloud_network: [existing.networks, "network"],
          hcloud_firewall: [existing.firewalls, "firewall"],
          hcloud_placement_group: [existing.placement_groups, "placement group"],
          hcloud_server: [existing.servers, "server"],
          hcloud_volume: [existing.volumes, "volume"],
          hcloud_floating_ip: [existing.floating_ips, "floating IP"],
          hcloud_zone: [existing.zones, "zone"],
          hcloud_storage_box: [existing.storage_boxes, "storage box"],
        }[type] as [any[], string];
        const o = byName(list, what, a.name, address);
        if (o) hit = { object: o, id: type === "hcloud_zone" ? String(o.name) : String(o.id), matched: `${what} named ${o.name} (id ${o.id})` };
        break;
      }
      case "hcloud_network_subnet":
      case "hcloud_network_route": {
        const net = parent("network_id");
        if (!net) {
          why = "its network is not adopted";
          break;
        }
        const key = type === "hcloud_network_subnet" ? "ip_range" : "destination";
        const o = (type === "hcloud_network_subnet" ? net.subnets : net.routes)?.find((x: any) => x[key] === a[key]);
        if (o) hit = { object: o, id: `${net.id}-${a[key]}`, matched: `${key === "ip_range" ? "subnet" : "route"} ${a[key]} of network ${net.name}` };
        else why = `network ${net.name} has no ${key === "ip_range" ? "subnet" : "route to"} ${a[key]}`;
        break;
      }
      case "hcloud_primary_ip": {
        // Through the server that links it: the address it has now, whatever its name.
        const serverAddress = [...attrsOf.entries()].find(([addr, attrs]) => addr.startsWith("hcloud_server.") && [attrs.public_net?.[0]?.ipv4, attrs.public_net?.[0]?.ipv6].some((v) => refOf(v) === address))?.[0];
        const server = serverAddress ? found.get(serverAddress) : undefined;
        const family = a.type === "ipv4" ? "ipv4" : "ipv6";
        if (server) {
          const current = server.public_net?.[family];
          const o = current?.id !== undefined && current?.id !== null ? existing.primary_ips.find((p) => p.id === current.id) : undefined;
          if (o) hit = { object: o, id: String(o.id), matched: `the primary ${family.toUpperCase()} of server ${server.name} (${o.ip}, named ${o.name})` };
          else {
            matches.push({ concern, address, id: CREATE, matched: `server ${server.name} has no ${family.toUpperCase()}: a new primary IP is created and linked` });
            continue;
          }
        } else {
          const o = byName(existing.primary_ips, "primary IP", a.name, address);
          if (o) hit = { object: o, id: String(o.id), matched: `primary IP named ${o.name} (${o.ip})` };
        }
        break;
      }
      case "hcloud_rdns": {
        const ip = parent("primary_ip_id") ?? parent("floating_ip_id");
        if (!ip) {
          why = "its address is not adopted";
          break;
        }
        const prefix = refOf(a.primary_ip_id) ? "p" : "f";
        const host = ip.type === "ipv6" ? ipv6Host(ip.ip) : ip.ip;
        const ptr = (ip.dns_ptr as { ip: string; dns_ptr: string }[] | undefined)?.find((d) => d.ip === host);
        if (host && ptr) hit = { object: ptr, id: `${prefix}-${ip.id}-${host}`, matched: `reverse DNS of ${host}: ${ptr.dns_ptr}` };
        else why = `no reverse DNS set on ${host ?? ip.ip}`;
        break;
      }
      case "hcloud_server_network": {
        const server = parent("server_id");
        if (!server) {
          why = "its server is not adopted";
          break;
        }
        // The address is <server>-<network name of the config> (constructs/server.ts).
        const networkName = address.split(".")[1]!.slice(refOf(a.server_id)!.split(".")[1]!.length + 1);
        const net = found.get(`hcloud_network.${networkName}`);
        const attached = net ? server.private_net?.find((p: any) => p.network === net.id) : undefined;
        if (net && attached) hit = { object: attached, id: `${server.id}-${net.id}`, matched: `server ${server.name} attached to network ${net.name} (${attached.ip})` };
        else why = net ? `server ${server.name} is not attached to network ${net.name}` : `network ${networkName} is not adopted`;
        break;
      }
      case "hcloud_volume_attachment":
      case "hcloud_floating_ip_assignment": {
        const target = parent(type === "hcloud_volume_attachment" ? "volume_id" : "floating_ip_id");
        const server = parent("server_id");
        if (target && server && target.server === server.id) hit = { object: { attachment: target.id }, id: String(target.id), matched: `${target.name} is attached to server ${server.name}` };
        else why = !target ? "its volume or floating IP is not adopted" : !server ? "its server is not adopted" : `${target.name} is not attached to server ${server.name}`;
        break;
      }
      case "hcloud_zone_rrset": {
        const zone = parent("zone");
        if (!zone) {
          why = "its zone is not adopted";
          break;
        }
        const o = existing.rrsets.get(zone.id)?.find((r) => r.name === a.name && r.type === a.type);
        if (o) hit = { object: o, id: `${zone.name}/${a.name}/${a.type}`, matched: `record set ${a.name} ${a.type} of zone ${zone.name}` };
        else why = `zone ${zone.name} has no ${a.name} ${a.type} record set`;
        break;
      }
      case "hcloud_storage_box_subaccount": {
        const box = parent("storage_box_id");
        if (!box) {
          why = "its storage box is not adopted";
          break;
        }
        const subs = (existing.subaccounts.get(box.id) ?? []).filter((s) => s.name === a.name);
        if (subs.length > 1) conflicts.push(`${address}: ${subs.length} subaccounts of ${box.name} are named ${JSON.stringify(a.name)} (ids ${subs.map((s) => s.id).join(", ")})`);
        else if (subs[0]) hit = { object: subs[0], id: `${box.id}/${subs[0].id}`, matched: `subaccount ${subs[0].name} (${subs[0].username}) of storage box ${box.name}` };
        else why = `storage box ${box.name} has no subaccount named ${JSON.stringify(a.name)}`;
        break;
      }
      default:
        why = `${type} is not looked up`;
    }
    if (hit) {
      if (used.has(hit.object)) {
        conflicts.push(`${address}: ${hit.matched} is matched by another resource of the config too`);
        continue;
      }
      used.add(hit.object);
      found.set(address, hit.object);
      matches.push({ concern, address, id: hit.id, matched: hit.matched });
    } else notFound.push({ concern, address, why });
  }

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
    for (const s of existing.subaccounts.get(b.id) ?? []) if (!used.has(s)) unmanaged.push(`subaccount ${s.name ?? s.username} of storage box ${b.name} (id ${s.id})`);
  }
  return { matches, notFound, overlay, conflicts, unmanaged };
}

/** Synthesises the environment into a temporary folder (removed) and reads its stacks. */
function synthStacks(spec: Parameters<typeof import("../stacks/app.js").buildApp>[0][number], root: string): StackDoc[] {
  const { buildApp } = require("../stacks/app") as typeof import("../stacks/app.js");
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "all2all-adopt-"));
  try {
    const built = buildApp([spec], { outdir: tmp, context: readProjectConfig(root).context });
    built.app.synth();
    const env = spec.environment.name;
    return (["network", "servers", "dns", "backup"] as const).map((concern) => {
      const name = `${env}-${concern}`;
      const doc = JSON.parse(fs.readFileSync(path.join(tmp, "stacks", name, "cdk.tf.json"), "utf8")) as { resource?: StackDoc["resources"]; import?: { to: string }[] };
      return { concern, name, resources: doc.resource ?? {}, imported: new Set((doc.import ?? []).map((i) => i.to)) };
    });
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

export async function runAdopt(opts: AdoptOptions, io: Io, root: string, deps: AdoptDeps = {}): Promise<number> {
  const env = opts.env?.trim();
  if (env === undefined || env === "") {
    io.err("adopt: --env is required: adoption looks up one environment's resources in its Hetzner project (e.g. --env production)");
    return ExitCode.badInput;
  }
  const token = io.env.HCLOUD_TOKEN;
  if (deps.get === undefined && (token === undefined || token.trim() === "")) {
    io.err("adopt: HCLOUD_TOKEN is not set: export the API token of the environment's Hetzner project (read access is enough), then run adopt again");
    return ExitCode.badInput;
  }
  const specs = loadForCommand({ ...opts, env }, io);
  if (!specs) return ExitCode.badInput;
  const spec = specs[0]!;
  let stacks: StackDoc[];
  try {
    // Without the current adoption file: its imports are what is being redone.
    stacks = synthStacks({ ...spec, adoption: undefined }, root);
  } catch (err) {
    io.err(`adopt: synth: ${(err as Error).message}`);
    return ExitCode.failed;
  }
  const total = stacks.reduce((n, s) => n + Object.values(s.resources).reduce((m, r) => m + Object.keys(r).length, 0), 0);
  io.out(`adopt: ${env}: ${total} resources in ${stacks.length} stacks; looking them up in the project of HCLOUD_TOKEN`);
  let existing: Existing;
  try {
    existing = await listExisting(deps.get ?? fetchGet(io.env, token!));
  } catch (err) {
    io.err(`adopt: ${err instanceof ApiFailure ? err.message : `the API could not be reached: ${(err as Error).message}`}`);
    io.err("adopt: nothing written");
    return ExitCode.failed;
  }
  const lookup = matchExisting(stacks, existing);
  if (lookup.conflicts.length > 0) {
    for (const c of lookup.conflicts) io.err(`adopt: ${c}`);
    io.err(`adopt: ${lookup.conflicts.length} name${lookup.conflicts.length === 1 ? "" : "s"} match${lookup.conflicts.length === 1 ? "es" : ""} more than one resource: nothing written`);
    return ExitCode.badInput;
  }
  const stackName = (c: AdoptConcern) => `${env}-${c}`;
  const width = Math.max(0, ...lookup.matches.map((m) => m.address.length));
  io.out(`matched, to import (${lookup.matches.length}):`);
  for (const m of lookup.matches) io.out(`  ${stackName(m.concern).padEnd(env.length + 8)} ${m.address.padEnd(width)}  ${m.id.padEnd(8)}  ${m.matched}`);
  io.out(`not found, to create (${lookup.notFound.length}):`);
  for (const n of lookup.notFound) io.out(`  ${stackName(n.concern).padEnd(env.length + 8)} ${n.address}: ${n.why}`);
  if (lookup.overlay.length > 0) {
    io.out(`already adopted by the overlay's import_id (${lookup.overlay.length}), left out of the file:`);
    for (const a of lookup.overlay) io.out(`  ${a}`);
  }
  io.out(`in the project but not in the config (${lookup.unmanaged.length}): left alone, never destroyed; describe them in config or delete them in the Console`);
  for (const u of lookup.unmanaged) io.out(`  ${u}`);

  const configDir = path.resolve(io.cwd, configDirOf(opts, io));
  const file = path.join(configDir, ADOPT_DIR, `${env}.yaml`);
  const shown = path.relative(io.cwd, file) || file;
  const text = formatAdoption(env, lookup.matches);
  if (opts.dryRun === true) {
    io.out(`--dry-run: ${shown} not written; it would hold:`);
    for (const line of text.trimEnd().split("\n")) io.out(`  ${line}`);
    return ExitCode.ok;
  }
  writeFileAtomic(file, text);
  io.out(`wrote ${shown} (${lookup.matches.length} entr${lookup.matches.length === 1 ? "y" : "ies"}): review it, then all2all synth --env ${env} and all2all plan --env ${env} (only imports expected)`);
  return ExitCode.ok;
}
