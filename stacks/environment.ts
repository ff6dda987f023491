/**
 * The stacks of one environment, built from its NetworkSpec. This is the only
 * place that knows both the description (description/) and the constructs: it
 * translates one into the props of the other.
 *
 * Stacks, split by how often things change and what a mistake would cost:
 *
 *   <env>-network  SSH keys, private networks, firewall policies, placement
 *                  groups: changed rarely, used by everything else.
 *   <env>-servers  servers with their primary IPs, reverse DNS, private
 *                  attachments, volumes and floating IPs (after network).
 *   <env>-dns      zones and record sets; record values that name a server
 *                  address come from the servers stack (after servers).
 *   <env>-backup   storage boxes and their subaccounts: independent of the
 *                  rest, so a backup change never plans against servers.
 *
 * Firewalls select servers by label (`fw-<policy>=on`), not by id: the
 * network stack then needs nothing from the servers stack (no cycle), and a
 * rebuilt server is covered the moment it exists.
 */
import type { Construct } from "constructs";
import { TerraformOutput, TerraformResource, Token } from "cdktn";
import * as placementGroup from "../.gen/providers/hcloud/placement-group";
import {
  BackupStorage,
  DnsZone,
  FirewallPolicy,
  PrivateNetwork,
  Server,
  SshKeys,
  type FirewallProtocol,
  type NetworkZone,
  type RrsetType,
  type ServerNetworkOptions,
} from "../constructs";
import { importExisting, importIdOf, pinAddress } from "../constructs/common";
import { cidrContains, parseCidr } from "../primitives/ip";
import { suggestionHint } from "../description/catalogue";
import {
  CREATE,
  entryProblem,
  type AddressRef,
  type ConfigProblem,
  type NetworkSpec,
  type RecordValue,
} from "../description";
import { HcloudStack, type StateBackend, type StateEncryption } from "./hcloud-stack";

/** The label a server carries for each firewall policy it is in. */
export function firewallLabel(policy: string): string {
  return `fw-${policy}`;
}
const FIREWALL_LABEL_VALUE = "on";

export interface EnvironmentStacksOptions {
  /** Local state folder relative to each stack's working directory (see HcloudStack). */
  readonly localStateDir?: string;
  /** Local state for every stack, whatever the description says (the rehearsal's sandbox). @default false */
  readonly localState?: boolean;
  /** This backend for every stack, whatever the description says (the rehearsal on a loopback S3 server); wins over localState. */
  readonly state?: StateBackend;
  /** State and plan encryption (see HcloudStack). @default on, no rotation */
  readonly encryption?: StateEncryption;
}

/** The concerns of an environment, one stack each (`<env>-<concern>`), in deployment order. */
export const STACK_CONCERNS = ["network", "servers", "dns", "backup"] as const;
/** One of STACK_CONCERNS. */
export type StackConcern = (typeof STACK_CONCERNS)[number];

/** The Terraform address of a resource in its stack: `<type>.<name>` (`hcloud_server.web-1`). */
export function terraformAddress(resource: TerraformResource): string {
  return `${resource.terraformResourceType}.${resource.friendlyUniqueId}`;
}

/** What was built for one environment, for tests and reports. */
export class EnvironmentStacks {
  readonly network: HcloudStack;
  readonly servers: HcloudStack;
  readonly dns: HcloudStack;
  readonly backup: HcloudStack;
  private readonly serverConstructs = new Map<string, Server>();
  private readonly networkConstructs = new Map<string, PrivateNetwork>();
  private readonly firewallConstructs = new Map<string, FirewallPolicy>();
  private readonly placementGroupConstructs = new Map<string, placementGroup.PlacementGroup>();
  private readonly zoneConstructs = new Map<string, DnsZone>();
  private readonly storageConstructs = new Map<string, BackupStorage>();
  /** The operators' SSH keys (`hcloud_ssh_key.<name>` each), in the network stack. */
  readonly sshKeys: SshKeys;
  /** The zone name of each zone and record set resource (their import ids are names). */
  private readonly zoneOf = new Map<TerraformResource, string>();
  /** Problems of the environment's adoption file (config/adopt/<env>.yaml): entries that name no resource, or the wrong one. */
  readonly adoptionProblems: ConfigProblem[];

  constructor(
    scope: Construct,
    readonly spec: NetworkSpec,
    options: EnvironmentStacksOptions = {},
  ) {
    const env = spec.environment;
    const stack = (concern: StackConcern) =>
      new HcloudStack(scope, {
        environment: env.name,
        concern,
        state: options.state ?? (options.localState ? { backend: "local" } : env.state),
        localStateDir: options.localStateDir,
        encryption: options.encryption,
      });
    this.network = stack("network");
    this.servers = stack("servers");
    this.dns = stack("dns");
    this.backup = stack("backup");

    this.sshKeys = this.buildNetwork();
    this.buildServers();
    this.buildDns();
    this.buildBackup();
    // Adoption: import blocks for what already exists (config/adopt/<env>.yaml).
    this.adoptionProblems = this.adopt();
  }

  /** The labels of every resource of a role that has no labels of its own in the description. */
  private baseLabels(role: string): Record<string, string> {
    const env = this.spec.environment;
    return { "managed-by": "all2all-infra", environment: env.name, role, ...env.labels };
  }

  /** The network stack: the operators' SSH keys, private networks, firewall policies, placement groups. */
  private buildNetwork(): SshKeys {
    const spec = this.spec;
    const protect = spec.environment.protect;
    const keys = new SshKeys(this.network, "operators", {
      labels: this.baseLabels("operator"),
      keys: spec.operators.ssh_keys.map((k) => ({ name: k.name, publicKey: k.public_key, labels: k.labels })),
    });
    for (const n of spec.networks) {
      const network = new PrivateNetwork(this.network, n.name, {
        ipRange: n.ip_range,
        // Checked against the catalogue by the loader; the construct checks it again.
        networkZone: n.zone as NetworkZone,
        labels: n.labels,
        protect,
        subnets: n.subnets.map((s) => ({ ipRange: s.ip_range })),
        routes: n.routes.map((r) => ({ destination: r.destination, gateway: r.gateway })),
      });
      this.networkConstructs.set(n.name, network);
    }
    for (const policy of spec.firewall_policies) {
      const fw = new FirewallPolicy(this.network, policy.name, {
        labels: policy.labels,
        labelSelectors: [`${firewallLabel(policy.name)}=${FIREWALL_LABEL_VALUE}`],
      });
      for (const rule of policy.rules) {
        const protocol = rule.protocol as FirewallProtocol;
        const port = rule.port === "any" ? "any" : rule.port;
        if (rule.direction === "in") fw.allowFrom(rule.source_ips, protocol, port, rule.description);
        else fw.allowOutboundTo(rule.destination_ips, protocol, port, rule.description);
      }
      this.firewallConstructs.set(policy.name, fw);
    }
    for (const pg of spec.placement_groups) {
      const group = new placementGroup.PlacementGroup(this.network, `placement-group-${pg.name}`, {
        name: pg.name,
        type: pg.type,
        labels: pg.labels,
      });
      pinAddress(group, pg.name);
      this.placementGroupConstructs.set(pg.name, group);
    }
    return keys;
  }

  /** The servers stack: each server with its addresses, attachments, volumes, floating IP; its addresses as outputs. */
  private buildServers(): void {
    const protect = this.spec.environment.protect;
    for (const s of this.spec.servers) {
      const attachments: ServerNetworkOptions[] = s.networks.map((a) => {
        const net = this.networkConstructs.get(a.network)!;
        return { name: a.network, subnetId: subnetFor(net, a.ip).id, ip: a.ip };
      });
      const fwLabels = Object.fromEntries(s.firewall_policies.map((p) => [firewallLabel(p), FIREWALL_LABEL_VALUE]));
      const group = s.placement_group ? this.placementGroupConstructs.get(s.placement_group)! : undefined;
      const server = new Server(this.servers, s.name, {
        serverType: s.type,
        location: s.location,
        image: s.image,
        labels: { ...s.labels, ...fwLabels },
        sshKeys: s.ssh_keys.map((name) => this.sshKeys.idOf(name)),
        userData: s.user_data?.content,
        protect,
        backups: s.backups,
        ipv4: s.public.ipv4,
        reverseDns: { ipv4: s.public.rdns.ipv4, ipv6: s.public.rdns.ipv6 },
        placementGroupId: group ? Token.asNumber(group.id) : undefined,
        networks: attachments,
        volumes: s.volumes.map((v) => ({
          name: v.name,
          sizeGb: v.size,
          format: v.filesystem,
          automount: v.automount,
          labels: v.labels,
        })),
        floatingIps: s.floating_ip
          ? [
              {
                type: s.floating_ip.type,
                description: s.floating_ip.description,
                reverseDns: s.floating_ip.rdns,
                labels: s.floating_ip.labels,
              },
            ]
          : [],
        allowRebuild: s.allow_rebuild,
        importId: s.import_id,
        importPrimaryIpIds: s.import_primary_ips,
      });
      this.serverConstructs.set(s.name, server);
      if (server.ipv4Address) {
        new TerraformOutput(this.servers, `${s.name}-ipv4`, {
          value: server.ipv4Address,
          description: `public IPv4 of ${s.name}`,
        });
      }
      new TerraformOutput(this.servers, `${s.name}-ipv6`, {
        value: server.ipv6Address,
        description: `public IPv6 of ${s.name}`,
      });
    }
  }

  /** The dns stack: each zone; the record sets of primary zones, whose values may name servers' addresses. */
  private buildDns(): void {
    const protect = this.spec.environment.protect;
    for (const z of this.spec.zones) {
      const zoneId = z.name.replace(/\./g, "-");
      let zone: DnsZone;
      if (z.mode === "primary") {
        zone = new DnsZone(this.dns, zoneId, { name: z.name, labels: z.labels, ttl: z.ttl, protect, mode: "primary" });
        for (const rs of z.records) {
          // The config check allows only Hetzner's record types in primary zones (SSHFP only in secondary ones).
          zone.addRecordSet({
            name: rs.name,
            type: rs.type as RrsetType,
            ttl: rs.ttl,
            comment: rs.comment,
            records: rs.values.map((v) => this.recordValue(v)),
          });
        }
      } else {
        const primary = z.primary!;
        zone = new DnsZone(this.dns, zoneId, {
          name: z.name,
          labels: z.labels,
          ttl: z.ttl,
          protect,
          mode: "secondary",
          tsigKeyVariable: primary.tsig.variable,
          primaryNameservers: primary.addresses.map((a) => ({
            address: this.address(a),
            port: primary.port,
            tsigAlgorithm: primary.tsig.algorithm,
          })),
        });
      }
      this.noteZone(zone);
      this.zoneConstructs.set(z.name, zone);
    }
  }

  /** The backup stack: each storage box with its subaccounts; its host name as an output. */
  private buildBackup(): void {
    const spec = this.spec;
    for (const b of spec.storage_boxes) {
      const box = new BackupStorage(this.backup, b.name, {
        storageBoxType: b.type,
        location: b.location,
        labels: b.labels,
        protect: spec.environment.protect,
        access: {
          ssh: b.access.ssh,
          samba: b.access.samba,
          webdav: b.access.webdav,
          zfs: b.access.zfs,
          reachableExternally: b.access.reachable_externally,
        },
        snapshotPlan: b.snapshot_plan.enabled
          ? {
              maxSnapshots: b.snapshot_plan.max_snapshots,
              hour: b.snapshot_plan.hour,
              minute: b.snapshot_plan.minute,
              // The description counts 1 (Monday) to 7 (Sunday); the provider 0 (Sunday) to 6.
              dayOfWeek: b.snapshot_plan.day_of_week === undefined ? undefined : b.snapshot_plan.day_of_week % 7,
              dayOfMonth: b.snapshot_plan.day_of_month,
            }
          : false,
        sshKeys: b.ssh_keys.map((name) => spec.operators.ssh_keys.find((k) => k.name === name)!.public_key),
      });
      for (const sub of b.subaccounts) {
        box.addSubaccount({
          name: sub.name,
          homeDirectory: sub.home_directory,
          readonly: sub.readonly,
          description: sub.description,
          labels: sub.labels,
          access: {
            ssh: sub.access.ssh,
            samba: sub.access.samba,
            webdav: sub.access.webdav,
            reachableExternally: sub.access.reachable_externally,
          },
        });
      }
      new TerraformOutput(this.backup, `${b.name}-host`, {
        value: box.storageBox.server,
        description: `host name of storage box ${b.name} (subaccounts log in as <box user>-<n>@ this host)`,
      });
      this.storageConstructs.set(b.name, box);
    }
  }

  /**
   * Every resource of one stack by its address (`hcloud_server.web-1`).
   */
  resources(concern: StackConcern): Map<string, TerraformResource> {
    const out = new Map<string, TerraformResource>();
    for (const c of this[concern].node.findAll()) {
      if (c instanceof TerraformResource) out.set(terraformAddress(c), c);
    }
    return out;
  }

  /**
   * The adoption file's entries become import blocks in their stacks. Each
   * entry must name a resource of its stack, once, with an id that fits it;
   * an adopted server needs its primary IPs adopted too (or "create" said on
   * purpose), since linking new ones would delete its current addresses.
   */
  private adopt(): ConfigProblem[] {
    const adoption = this.spec.adoption;
    if (!adoption || adoption.entries.length === 0) return [];
    const problems: ConfigProblem[] = [];
    const byConcern = new Map<string, Map<string, TerraformResource>>();
    const adopted = new Set<string>();
    for (const entry of adoption.entries) {
      let resources = byConcern.get(entry.concern);
      if (!resources) {
        resources = this.resources(entry.concern);
        byConcern.set(entry.concern, resources);
      }
      const stackName = this[entry.concern].node.id;
      const resource = resources.get(entry.address);
      if (!resource) {
        const sameType = [...resources.keys()].filter((a) => a.startsWith(`${entry.type}.`));
        problems.push(
          entryProblem(
            entry,
            `stack ${stackName} has no resource ${entry.address}`,
            suggestionHint(entry.address, sameType, `${entry.type} addresses`),
          ),
        );
        continue;
      }
      const before = importIdOf(resource);
      if (before !== undefined) {
        problems.push(
          entryProblem(
            entry,
            `${entry.address} is already adopted by the environment's overlay (import_id / import_primary_ips: ${before})`,
            "keep one of the two: remove the entry here, or the ids in the overlay",
          ),
        );
        continue;
      }
      const mismatch = this.idMismatch(entry.type, entry.id, resource);
      if (mismatch) {
        problems.push(
          entryProblem(entry, `${JSON.stringify(entry.id)} is not the import id of ${entry.address}: ${mismatch}`),
        );
        continue;
      }
      adopted.add(entry.address);
      if (entry.id !== CREATE) importExisting(resource, entry.id);
    }
    // An adopted server without its primary IPs would get new ones linked, and lose its own.
    for (const entry of adoption.entries) {
      if (entry.type !== "hcloud_server" || !adopted.has(entry.address)) continue;
      const server = [...this.serverConstructs.values()].find(
        (s) => s.server.friendlyUniqueId === entry.address.split(".")[1],
      );
      if (!server) continue;
      for (const ip of [server.ipv6PrimaryIp, server.ipv4PrimaryIp]) {
        if (!ip) continue;
        const address = `hcloud_primary_ip.${ip.friendlyUniqueId}`;
        if (!adopted.has(address) && importIdOf(ip) === undefined) {
          problems.push(
            entryProblem(
              entry,
              `${entry.address} is adopted without ${address}: linking a new primary IP to an existing server deletes its current address`,
              `add servers.${address} with the id of the server's current address (all2all adopt finds it), or id: create if it has none of that family`,
            ),
          );
        }
      }
    }
    return problems;
  }

  /** Why an id cannot be the one of this resource (zones and record sets, whose ids are names), or undefined. */
  private idMismatch(type: string, id: string, resource: TerraformResource): string | undefined {
    if (id === CREATE && type !== "hcloud_primary_ip") return `"create" is only for primary IPs`;
    const zone = this.zoneOf.get(resource);
    if (zone === undefined) return undefined;
    const own = resource as unknown as { nameInput?: string; typeInput?: string };
    if (type === "hcloud_zone" && zone !== id) return `the zone is ${JSON.stringify(zone)}`;
    if (type === "hcloud_zone_rrset") {
      const expected = `${zone}/${own.nameInput}/${own.typeInput}`;
      if (expected !== id) return `this record set is ${JSON.stringify(expected)}`;
    }
    return undefined;
  }

  private noteZone(zone: DnsZone): void {
    const name = zone.zone.nameInput;
    if (name === undefined) return;
    for (const c of zone.node.findAll()) if (c instanceof TerraformResource) this.zoneOf.set(c, name);
  }

  /** The Server construct of a server of the description. */
  server(name: string): Server {
    return this.find(this.serverConstructs, "server", name);
  }

  /** The PrivateNetwork construct of a network of the description. */
  privateNetwork(name: string): PrivateNetwork {
    return this.find(this.networkConstructs, "network", name);
  }

  /** The FirewallPolicy construct of a firewall policy of the description. */
  firewallPolicy(name: string): FirewallPolicy {
    return this.find(this.firewallConstructs, "firewall policy", name);
  }

  /** The `hcloud_placement_group` resource of a placement group of the description. */
  placementGroup(name: string): placementGroup.PlacementGroup {
    return this.find(this.placementGroupConstructs, "placement group", name);
  }

  /** The DnsZone construct of a zone of the description, by its name (`all2all.org`). */
  zone(name: string): DnsZone {
    return this.find(this.zoneConstructs, "zone", name);
  }

  /** The BackupStorage construct of a storage box of the description. */
  storageBox(name: string): BackupStorage {
    return this.find(this.storageConstructs, "storage box", name);
  }

  private find<T>(built: ReadonlyMap<string, T>, kind: string, name: string): T {
    const found = built.get(name);
    if (found === undefined) throw new Error(`no ${kind} ${name} in environment ${this.spec.environment.name}`);
    return found;
  }

  /** The stacks, in deployment order. */
  get stacks(): HcloudStack[] {
    return STACK_CONCERNS.map((concern) => this[concern]);
  }

  private address(ref: AddressRef): string {
    const server = this.server(ref.server);
    const value = ref.family === "ipv4" ? server.ipv4Address : server.ipv6Address;
    if (value === undefined)
      throw new Error(
        `server ${ref.server} has no public ${ref.family} (the config check should have refused this reference)`,
      );
    return value;
  }

  private recordValue(v: RecordValue): string {
    return v.kind === "address" ? this.address(v) : v.text;
  }
}

/** The subnet of `net` that holds `ip`, or its first subnet when no fixed IP is asked. */
function subnetFor(net: PrivateNetwork, ip: string | undefined) {
  const subnets = [...net.subnets.values()];
  if (ip === undefined) {
    const first = subnets[0];
    if (!first) throw new Error(`network ${net.node.id} has no subnet (the config check should have refused it)`);
    return first;
  }
  const address = parseCidr(`${ip}/32`);
  const found = subnets.find((s) => {
    const range = parseCidr(s.ipRangeInput ?? "");
    return range !== undefined && address !== undefined && cidrContains(range, address);
  });
  if (!found)
    throw new Error(`no subnet of network ${net.node.id} holds ${ip} (the config check should have refused it)`);
  return found;
}
