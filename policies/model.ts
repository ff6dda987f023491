/**
 * The environment model the rules read: every resource of an environment's
 * four stacks with its configuration as synthesised (read from the stacks'
 * cdk.tf.json documents, so that nothing is resolved twice), the config item
 * that owns it ("server/web-1"), references followed across stacks, firewall
 * membership, reverse DNS entries and every DNS record set (from the record
 * set resources of primary zones, and from the description for secondary
 * zones, whose records are not resources).
 *
 * Built once per environment after synth, in time linear in the number of
 * resources: lookups go through maps, firewall label selectors through an
 * index of the servers' labels.
 */
import type { IConstruct } from "constructs";
import { TerraformResource, TerraformStack } from "cdktn";
import { BackupStorage, DnsZone, FirewallPolicy, PrivateNetwork, Server, SshKeys } from "../constructs";
import type { NetworkSpec } from "../spec";
import type { EnvironmentStacks } from "../stacks/environment";
import { resolveIn } from "./documents";
import { indexKey, labelIndexKey, matches, parseSelector } from "./selectors";

/** One resource block as it will be written. */
export interface ResourceEntry {
  readonly stackName: string;
  readonly type: string;
  /** The block's name (`friendlyUniqueId`). */
  readonly name: string;
  /** `<type>.<name>`. */
  readonly address: string;
  /** The block's body as the stack's cdk.tf.json holds it. */
  readonly body: Record<string, any>;
  /** The owning config item, "<kind>/<name>". */
  readonly subject: string;
  /** The construct that writes the block (suppressions are attached to it). */
  readonly construct: TerraformResource;
}

/** A record set, from a resource or from the description. */
export interface RecordSetModel {
  readonly zone: string;
  /** Relative name, "@" for the apex, lower case. */
  readonly name: string;
  /** Absolute name without the final dot, lower case. */
  readonly fqdn: string;
  readonly type: string;
  readonly ttl?: number;
  /** Values as written (TXT in presentation form, targets as given). */
  readonly values: readonly string[];
  /** Values in canonical form (references followed across stacks, literals as `lit:<text>`). */
  readonly canonical: readonly string[];
  /** Where it is declared: an address, or the config path for records of secondary zones. */
  readonly source: string;
  /** The resource declaring it, when there is one. */
  readonly entry?: ResourceEntry;
}

export interface ZoneModel {
  /** ASCII name, lower case, no final dot. */
  readonly name: string;
  /** The hcloud_zone resource (findings about the zone attach to it). */
  entry?: ResourceEntry;
  /** Record sets by "<name> <type>" (more than one entry is a dns-rrset-ttl finding). */
  readonly sets: Map<string, RecordSetModel[]>;
}

/** A synthesised stack document (cdk.tf.json), as far as the model reads it. */
export interface StackDocument {
  "//"?: Record<string, unknown>;
  resource?: Record<string, Record<string, Record<string, any>>>;
  output?: Record<string, { value?: unknown }>;
  [key: string]: unknown;
}

const REMOTE_STATE_PREFIX = "cross-stack-reference-input-";
const REFERENCE = /data\.terraform_remote_state\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)|\b(hcloud_[a-z0-9_]+)\.([A-Za-z0-9_-]+)/g;
const SINGLE_REFERENCE = /^\$\{([^/{}\s]+)\/(hcloud_[a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([a-z0-9_]+)\}$/;

/** Label map of a body ({} when missing or not an object). */
export function labelsOf(body: Record<string, any>): Record<string, unknown> {
  const labels = body.labels;
  return labels !== null && typeof labels === "object" && !Array.isArray(labels) ? labels : {};
}

/** The first block of a block list (the JSON form of a nested block), or the block itself. */
export function firstBlock(value: unknown): Record<string, any> | undefined {
  const block = Array.isArray(value) ? value[0] : value;
  return block !== null && typeof block === "object" ? (block as Record<string, any>) : undefined;
}

/** A list attribute as an array (a single value becomes a list of one). */
export function listOf(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** True for a string holding a Terraform expression (not a literal). */
export function isExpression(value: unknown): boolean {
  return typeof value === "string" && value.includes("${");
}

/** `web-1.all2all.org.` → `web-1.all2all.org`. */
function normaliseName(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, "");
}

export class EnvModel {
  readonly name: string;
  readonly protect: boolean;
  readonly entries: ResourceEntry[] = [];
  readonly stackNames: readonly string[];

  private readonly byKey = new Map<string, ResourceEntry>();
  private readonly byType = new Map<string, ResourceEntry[]>();
  private readonly outputs = new Map<string, Map<string, unknown>>();
  private readonly serverConstructs = new Map<string, { server: Server; stack: TerraformStack }>();
  private readonly firewalls = new Map<ResourceEntry, Set<ResourceEntry>>();
  private readonly reverse = new Map<ResourceEntry, ResourceEntry[]>();
  private readonly volumeCount = new Map<ResourceEntry, number>();
  private readonly canonicalCache = new Map<string, string>();
  private serverSpecs?: Map<string, NetworkSpec["servers"][number]>;
  readonly zones = new Map<string, ZoneModel>();
  /** Record sets by "<fqdn> <type>", across every zone. */
  private readonly records = new Map<string, RecordSetModel[]>();
  /** Names of servers a storage-box subaccount of the description backs up. */
  readonly backedUpServers: ReadonlySet<string>;
  /** Work done matching firewall label selectors against servers (for the scaling test). */
  selectorTests = 0;

  /**
   * @param documents every stack of the environment, synthesised: its
   *   cdk.tf.json document by stack name.
   */
  constructor(
    readonly environment: EnvironmentStacks,
    documents: ReadonlyMap<string, StackDocument>,
  ) {
    const spec = environment.spec;
    this.name = spec.environment.name;
    this.protect = spec.environment.protect;
    const stacks = environment.stacks;
    this.stackNames = stacks.map((s) => s.node.id);
    const docOf = (stack: TerraformStack): StackDocument => {
      const doc = documents.get(stack.node.id);
      if (doc === undefined) throw new Error(`policies: no synthesised document for stack ${stack.node.id}`);
      return doc;
    };

    // Outputs first: cross-stack references are read through them.
    for (const stack of stacks) {
      const values = new Map<string, unknown>();
      for (const [id, block] of Object.entries(docOf(stack).output ?? {})) values.set(id, block?.value);
      this.outputs.set(stack.node.id, values);
    }

    // Every resource with its owner: the construct tree says who owns what, the document what is written.
    const volumeSubjects = new Map<IConstruct, string>();
    for (const stack of stacks) {
      const stackName = stack.node.id;
      const written = docOf(stack).resource ?? {};
      for (const node of stack.node.findAll()) {
        if (node instanceof Server) {
          this.serverConstructs.set(node.node.id, { server: node, stack });
          for (const [volumeName, v] of node.volumes) {
            volumeSubjects.set(v.volume, `volume/${volumeName}`);
            volumeSubjects.set(v.attachment, `volume/${volumeName}`);
          }
          continue;
        }
        if (!TerraformResource.isTerraformResource(node)) continue;
        const type = node.terraformResourceType;
        const name = node.friendlyUniqueId;
        const body = written[type]?.[name];
        if (body === undefined || body === null) continue; // moved away
        const entry: ResourceEntry = {
          stackName,
          type,
          name,
          address: `${type}.${name}`,
          body,
          subject: volumeSubjects.get(node) ?? subjectOf(node, type, name, body),
          construct: node,
        };
        this.entries.push(entry);
        this.byKey.set(`${stackName}/${entry.address}`, entry);
        const list = this.byType.get(type);
        if (list) list.push(entry);
        else this.byType.set(type, [entry]);
      }
    }

    this.indexFirewalls();
    this.indexReverseDns();
    this.indexVolumes();
    this.indexDns(spec);
    this.backedUpServers = new Set(spec.storage_boxes.flatMap((b) => b.subaccounts.map((s) => s.server).filter((s): s is string => s !== undefined)));
  }

  /** The spec of the environment. */
  get spec(): NetworkSpec {
    return this.environment.spec;
  }

  /** The description of a server by name, or undefined for a server added in code. */
  specServer(name: string): NetworkSpec["servers"][number] | undefined {
    if (this.serverSpecs === undefined) this.serverSpecs = new Map(this.spec.servers.map((s) => [s.name, s]));
    return this.serverSpecs.get(name);
  }

  /** Every resource of a type, in tree order. */
  ofType(type: string): readonly ResourceEntry[] {
    return this.byType.get(type) ?? [];
  }

  /** The entry of a resource by stack and address, or undefined. */
  byAddress(stackName: string, address: string): ResourceEntry | undefined {
    return this.byKey.get(`${stackName}/${address}`);
  }

  /**
   * A value in canonical form: every reference, also through another stack's
   * outputs, written as `<stack>/<type>.<name>.<attribute>`; a literal as
   * `lit:<value>`. Two values are the same address when their canonical
   * forms are equal.
   */
  canonical(value: unknown, stackName: string): string {
    if (typeof value !== "string") return `lit:${String(value)}`;
    if (!value.includes("${")) return `lit:${value}`;
    const key = `${stackName}\u0000${value}`;
    const cached = this.canonicalCache.get(key);
    if (cached !== undefined) return cached;
    const result = this.canonicalExpression(value, stackName, 0);
    this.canonicalCache.set(key, result);
    return result;
  }

  private canonicalExpression(text: string, stackName: string, depth: number): string {
    return text.replace(REFERENCE, (match, remote: string | undefined, output: string | undefined, type: string | undefined, name: string | undefined) => {
      if (type !== undefined) return `${stackName}/${type}.${name}`;
      if (remote === undefined || output === undefined || !remote.startsWith(REMOTE_STATE_PREFIX) || depth > 4) return match;
      const origin = remote.slice(REMOTE_STATE_PREFIX.length);
      const value = this.outputs.get(origin)?.get(output);
      if (typeof value !== "string") return match;
      const inner = /^\$\{([\s\S]*)\}$/.exec(value);
      return inner ? this.canonicalExpression(inner[1], origin, depth + 1) : match;
    });
  }

  /** The resource a value refers to (`${hcloud_primary_ip.x.id}`, also across stacks), with the attribute. */
  target(value: unknown, stackName: string): { entry: ResourceEntry; attribute: string } | undefined {
    if (!isExpression(value)) return undefined;
    const m = SINGLE_REFERENCE.exec(this.canonical(value, stackName));
    if (!m) return undefined;
    const entry = this.byKey.get(`${m[1]}/${m[2]}.${m[3]}`);
    return entry ? { entry, attribute: m[4] } : undefined;
  }

  /** Canonical form of a server's public address of one family, as record values referencing it resolve. */
  addressOf(serverName: string, family: "ipv4" | "ipv6"): string | undefined {
    const found = this.serverConstructs.get(serverName);
    if (!found) return undefined;
    const token = family === "ipv4" ? found.server.ipv4Address : found.server.ipv6Address;
    if (token === undefined) return undefined;
    return this.canonical(resolveIn(found.stack, token), found.stack.node.id);
  }

  // ---------------------------------------------------------------------------
  // Firewalls

  private indexFirewalls(): void {
    const servers = this.ofType("hcloud_server");
    const byLabel = new Map<string, ResourceEntry[]>();
    for (const server of servers) {
      for (const [key, value] of Object.entries(labelsOf(server.body))) {
        if (typeof value !== "string") continue;
        const k = labelIndexKey(key, value);
        const list = byLabel.get(k);
        if (list) list.push(server);
        else byLabel.set(k, [server]);
      }
    }
    const add = (server: ResourceEntry | undefined, firewall: ResourceEntry | undefined) => {
      if (!server || server.type !== "hcloud_server" || !firewall || firewall.type !== "hcloud_firewall") return;
      let set = this.firewalls.get(server);
      if (!set) this.firewalls.set(server, (set = new Set()));
      set.add(firewall);
    };
    const bySelector = (selector: unknown, firewall: ResourceEntry | undefined) => {
      if (typeof selector !== "string" || firewall === undefined) return;
      const requirements = parseSelector(selector);
      if (!requirements) return;
      const key = indexKey(requirements);
      // A selector without an equality has to be tested against every server (documented; rare).
      const candidates = key !== undefined ? (byLabel.get(key) ?? []) : servers;
      this.selectorTests += candidates.length;
      for (const server of candidates) if (matches(requirements, labelsOf(server.body))) add(server, firewall);
    };

    for (const fw of this.ofType("hcloud_firewall")) {
      for (const applyTo of listOf(fw.body.apply_to)) {
        const block = applyTo as Record<string, unknown>;
        bySelector(block?.label_selector, fw);
        if (block?.server !== undefined) add(this.target(block.server, fw.stackName)?.entry, fw);
      }
    }
    for (const attachment of this.ofType("hcloud_firewall_attachment")) {
      const fw = this.target(attachment.body.firewall_id, attachment.stackName)?.entry;
      for (const id of listOf(attachment.body.server_ids)) add(this.target(id, attachment.stackName)?.entry, fw);
      for (const selector of listOf(attachment.body.label_selectors)) bySelector(selector, fw);
    }
    for (const server of servers) {
      for (const id of listOf(server.body.firewall_ids)) add(server, this.target(id, server.stackName)?.entry);
    }
  }

  /** The firewalls that apply to a server, sorted by address. */
  firewallsOf(server: ResourceEntry): ResourceEntry[] {
    return [...(this.firewalls.get(server) ?? [])].sort((a, b) => compare(a.address, b.address));
  }

  // ---------------------------------------------------------------------------
  // Reverse DNS and volumes

  private indexReverseDns(): void {
    for (const rdns of this.ofType("hcloud_rdns")) {
      for (const attribute of ["primary_ip_id", "floating_ip_id", "server_id", "load_balancer_id"]) {
        const target = this.target(rdns.body[attribute], rdns.stackName)?.entry;
        if (!target) continue;
        const list = this.reverse.get(target);
        if (list) list.push(rdns);
        else this.reverse.set(target, [rdns]);
      }
    }
  }

  /** The hcloud_rdns entries pointing at a primary IP, floating IP or server. */
  reverseDnsOf(entry: ResourceEntry): readonly ResourceEntry[] {
    return this.reverse.get(entry) ?? [];
  }

  private indexVolumes(): void {
    for (const attachment of this.ofType("hcloud_volume_attachment")) {
      const server = this.target(attachment.body.server_id, attachment.stackName)?.entry;
      if (server) this.volumeCount.set(server, (this.volumeCount.get(server) ?? 0) + 1);
    }
    for (const volume of this.ofType("hcloud_volume")) {
      const server = this.target(volume.body.server_id, volume.stackName)?.entry;
      if (server) this.volumeCount.set(server, (this.volumeCount.get(server) ?? 0) + 1);
    }
  }

  /** How many volumes are attached to a server. */
  volumesOf(server: ResourceEntry): number {
    return this.volumeCount.get(server) ?? 0;
  }

  // ---------------------------------------------------------------------------
  // DNS

  private zone(name: string): ZoneModel {
    const key = normaliseName(name);
    let zone = this.zones.get(key);
    if (!zone) this.zones.set(key, (zone = { name: key, sets: new Map() }));
    return zone;
  }

  private addRecordSet(set: RecordSetModel): void {
    const zone = this.zone(set.zone);
    const key = `${set.name} ${set.type}`;
    const inZone = zone.sets.get(key);
    if (inZone) inZone.push(set);
    else zone.sets.set(key, [set]);
    const global = `${set.fqdn} ${set.type}`;
    const list = this.records.get(global);
    if (list) list.push(set);
    else this.records.set(global, [set]);
  }

  private indexDns(spec: NetworkSpec): void {
    for (const zone of this.ofType("hcloud_zone")) {
      if (typeof zone.body.name === "string" && !isExpression(zone.body.name)) this.zone(zone.body.name).entry = zone;
    }
    const zoneNameOf = (entry: ResourceEntry): string | undefined => {
      const value = entry.body.zone;
      const target = this.target(value, entry.stackName);
      if (target?.entry.type === "hcloud_zone") return typeof target.entry.body.name === "string" ? normaliseName(target.entry.body.name) : undefined;
      return typeof value === "string" && !isExpression(value) ? normaliseName(value) : undefined;
    };
    const relative = (name: unknown, zone: string): string | undefined => {
      if (typeof name !== "string" || isExpression(name)) return undefined;
      const n = name.trim().toLowerCase();
      if (n === "@" || n === "" || normaliseName(n) === zone) return "@";
      if (n.endsWith(".") && normaliseName(n).endsWith(`.${zone}`)) return normaliseName(n).slice(0, -zone.length - 1);
      return n;
    };
    const fqdnOf = (name: string, zone: string) => (name === "@" ? zone : `${name}.${zone}`);

    for (const rrset of this.ofType("hcloud_zone_rrset")) {
      const zone = zoneNameOf(rrset);
      const name = zone === undefined ? undefined : relative(rrset.body.name, zone);
      if (zone === undefined || name === undefined || typeof rrset.body.type !== "string") continue;
      const values = listOf(rrset.body.records).map((r) => (r as { value?: unknown })?.value).filter((v): v is string => typeof v === "string");
      this.addRecordSet({
        zone,
        name,
        fqdn: fqdnOf(name, zone),
        type: rrset.body.type.toUpperCase(),
        ttl: typeof rrset.body.ttl === "number" ? rrset.body.ttl : undefined,
        values,
        canonical: values.map((v) => this.canonical(v, rrset.stackName)),
        source: rrset.address,
        entry: rrset,
      });
    }
    for (const record of this.ofType("hcloud_zone_record")) {
      const zone = zoneNameOf(record);
      const name = zone === undefined ? undefined : relative(record.body.name, zone);
      if (zone === undefined || name === undefined || typeof record.body.type !== "string" || typeof record.body.value !== "string") continue;
      this.addRecordSet({
        zone,
        name,
        fqdn: fqdnOf(name, zone),
        type: record.body.type.toUpperCase(),
        values: [record.body.value],
        canonical: [this.canonical(record.body.value, record.stackName)],
        source: record.address,
        entry: record,
      });
    }
    // Secondary zones: the records are rendered into the hidden primary's zone file, not created at Hetzner.
    spec.zones.forEach((z, zi) => {
      if (z.mode !== "secondary") return;
      const zone = normaliseName(z.name);
      this.zone(zone);
      z.records.forEach((rs, ri) => {
        const values: string[] = [];
        const canonical: string[] = [];
        for (const v of rs.values) {
          if (v.kind === "text") {
            values.push(v.text);
            canonical.push(`lit:${v.text}`);
          } else {
            values.push(`${v.server}.${v.family}`);
            canonical.push(this.addressOf(v.server, v.family) ?? `ref:${v.server}.${v.family}`);
          }
        }
        const name = rs.name === "@" ? "@" : rs.name.toLowerCase();
        this.addRecordSet({ zone, name, fqdn: fqdnOf(name, zone), type: rs.type, ttl: rs.ttl, values, canonical, source: `config zones[${zi}].records[${ri}]` });
      });
    });
  }

  /** The zone of the environment holding a name (the longest matching zone), or undefined. */
  zoneHolding(fqdn: string): ZoneModel | undefined {
    const labels = normaliseName(fqdn).split(".");
    for (let i = 0; i < labels.length; i++) {
      const zone = this.zones.get(labels.slice(i).join("."));
      if (zone) return zone;
    }
    return undefined;
  }

  /** The record sets of one absolute name and type, across the environment's zones. */
  recordSets(fqdn: string, type: string): readonly RecordSetModel[] {
    return this.records.get(`${normaliseName(fqdn)} ${type}`) ?? [];
  }

  /**
   * Follows CNAMEs (at most 8) from a name and returns the record sets of
   * `type` found at the end, with the names visited.
   */
  lookup(fqdn: string, type: string): { sets: RecordSetModel[]; names: string[] } {
    const names: string[] = [];
    let name = normaliseName(fqdn);
    for (let hop = 0; hop < 8 && !names.includes(name); hop++) {
      names.push(name);
      const sets = this.recordSets(name, type);
      if (sets.length > 0) return { sets: [...sets], names };
      const cname = this.recordSets(name, "CNAME")[0];
      const target = cname?.values[0];
      if (cname === undefined || target === undefined || isExpression(target)) break;
      name = target === "@" ? cname.zone : target.endsWith(".") ? normaliseName(target) : `${normaliseName(target)}.${cname.zone}`;
    }
    return { sets: [], names };
  }
}

/** The config item owning a resource: its nearest library construct, else its type and name. */
function subjectOf(node: TerraformResource, type: string, name: string, body: Record<string, any>): string {
  for (let scope = node.node.scope; scope !== undefined; scope = scope.node.scope) {
    if (TerraformStack.isStack(scope)) break;
    if (scope instanceof Server) return `server/${scope.node.id}`;
    if (scope instanceof PrivateNetwork) return `network/${scope.node.id}`;
    if (scope instanceof FirewallPolicy) return `firewall-policy/${scope.node.id}`;
    if (scope instanceof DnsZone) return `zone/${scope.name}`;
    if (scope instanceof BackupStorage) return `storage-box/${scope.node.id}`;
    if (scope instanceof SshKeys) return `ssh-key/${typeof body.name === "string" ? body.name : node.node.id}`;
  }
  const kinds: Record<string, string> = {
    hcloud_server: "server",
    hcloud_volume: "volume",
    hcloud_network: "network",
    hcloud_firewall: "firewall-policy",
    hcloud_placement_group: "placement-group",
    hcloud_zone: "zone",
    hcloud_storage_box: "storage-box",
    hcloud_ssh_key: "ssh-key",
  };
  const kind = kinds[type];
  const itemName = typeof body.name === "string" && !isExpression(body.name) ? body.name : name;
  return kind !== undefined ? `${kind}/${itemName}` : `${type.replace(/^hcloud_/, "").replace(/_/g, "-")}/${name}`;
}

/** Code-point comparison, for sorting that does not depend on the locale. */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
