/**
 * The environment model the rules read: every resource of an environment's
 * four stacks with its configuration as cdktn writes it (each block resolved
 * once, before the stacks are written: documents.ts), the config item
 * that owns it ("server/web-1"), references followed across stacks, firewall
 * membership, reverse DNS entries and every DNS record set (from the record
 * set resources of primary zones, and from the description for secondary
 * zones, whose records are not resources).
 *
 * Built once per environment during synth, in time linear in the number of
 * resources: lookups go through maps, firewall label selectors through an
 * index of the servers' labels.
 */
import type { IConstruct } from "constructs";
import { TerraformResource, type TerraformStack } from "cdktn";
import { Server } from "../constructs";
import type { NetworkSpec } from "../description";
import type { EnvironmentStacks } from "../stacks/environment";
import { compare, isExpression, labelsOf, listOf } from "./blocks";
import { DnsIndex } from "./dns-index";
import { resolveIn } from "../stacks/resolve-once";
import { subjectOf } from "./subjects";
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

export { compare, firstBlock, isExpression, labelsOf, listOf } from "./blocks";

const REMOTE_STATE_PREFIX = "cross-stack-reference-input-";
const REFERENCE =
  /data\.terraform_remote_state\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)|\b(hcloud_[a-z0-9_]+)\.([A-Za-z0-9_-]+)/g;
const SINGLE_REFERENCE = /^\$\{([^/{}\s]+)\/(hcloud_[a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([a-z0-9_]+)\}$/;

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
  /** The environment's zones by ASCII name, lower case, without the final dot. */
  readonly zones: ReadonlyMap<string, ZoneModel>;
  private readonly dns: DnsIndex;
  /** Names of servers a storage-box subaccount of the description backs up. */
  readonly backedUpServers: ReadonlySet<string>;
  /** Work done matching firewall label selectors against servers (for the scaling test). */
  selectorTests = 0;

  /**
   * @param documents every stack of the environment, resolved as cdktn
   *   writes it: its document by stack name.
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
    this.dns = new DnsIndex(this, spec);
    this.zones = this.dns.zones;
    this.backedUpServers = new Set(
      spec.storage_boxes.flatMap((b) => b.subaccounts.map((s) => s.server).filter((s): s is string => s !== undefined)),
    );
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
    return text.replace(
      REFERENCE,
      (
        match,
        remote: string | undefined,
        output: string | undefined,
        type: string | undefined,
        name: string | undefined,
      ) => {
        if (type !== undefined) return `${stackName}/${type}.${name}`;
        if (remote === undefined || output === undefined || !remote.startsWith(REMOTE_STATE_PREFIX) || depth > 4)
          return match;
        const origin = remote.slice(REMOTE_STATE_PREFIX.length);
        const value = this.outputs.get(origin)?.get(output);
        if (typeof value !== "string") return match;
        const inner = /^\$\{([\s\S]*)\}$/.exec(value);
        return inner ? this.canonicalExpression(inner[1]!, origin, depth + 1) : match;
      },
    );
  }

  /** The resource a value refers to (`${hcloud_primary_ip.x.id}`, also across stacks), with the attribute. */
  target(value: unknown, stackName: string): { entry: ResourceEntry; attribute: string } | undefined {
    if (!isExpression(value)) return undefined;
    const m = SINGLE_REFERENCE.exec(this.canonical(value, stackName));
    if (!m) return undefined;
    const entry = this.byKey.get(`${m[1]}/${m[2]}.${m[3]}`);
    return entry ? { entry, attribute: m[4]! } : undefined;
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
      if (server?.type !== "hcloud_server" || !firewall || firewall.type !== "hcloud_firewall") return;
      let set = this.firewalls.get(server);
      if (!set) {
        set = new Set();
        this.firewalls.set(server, set);
      }
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
  // DNS (dns-index.ts)

  /** The zone of the environment holding a name (the longest matching zone), or undefined. */
  zoneHolding(fqdn: string): ZoneModel | undefined {
    return this.dns.zoneHolding(fqdn);
  }

  /** The record sets of one absolute name and type, across the environment's zones. */
  recordSets(fqdn: string, type: string): readonly RecordSetModel[] {
    return this.dns.recordSets(fqdn, type);
  }

  /** Follows CNAMEs (at most 8) from a name: the record sets of `type` at the end, and the names visited. */
  lookup(fqdn: string, type: string): { sets: RecordSetModel[]; names: string[] } {
    return this.dns.lookup(fqdn, type);
  }
}
