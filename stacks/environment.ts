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
import { TerraformResource } from "cdktn";
import type * as placementGroup from "../.gen/providers/hcloud/placement-group";
import type { BackupStorage, DnsZone, FirewallPolicy, PrivateNetwork, Server, SshKeys } from "../constructs";
import type { ConfigProblem, NetworkSpec } from "../description";
import { adoptExisting } from "./adoption";
import { buildBackupStack } from "./backup-stack";
import { buildDnsStack } from "./dns-stack";
import { HcloudStack, type StateBackend, type StateEncryption } from "./hcloud-stack";
import { buildNetworkStack } from "./network-stack";
import { buildServersStack } from "./servers-stack";

export { firewallLabel } from "./network-stack";

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

/**
 * What was built for one environment, for tests and reports. Each stack is
 * built by its own module (network-stack.ts, servers-stack.ts, dns-stack.ts,
 * backup-stack.ts), in deployment order; then the adoption file's import
 * blocks are added (adoption.ts).
 */
export class EnvironmentStacks {
  readonly network: HcloudStack;
  readonly servers: HcloudStack;
  readonly dns: HcloudStack;
  readonly backup: HcloudStack;
  private readonly serverConstructs: ReadonlyMap<string, Server>;
  private readonly networkConstructs: ReadonlyMap<string, PrivateNetwork>;
  private readonly firewallConstructs: ReadonlyMap<string, FirewallPolicy>;
  private readonly placementGroupConstructs: ReadonlyMap<string, placementGroup.PlacementGroup>;
  private readonly zoneConstructs: ReadonlyMap<string, DnsZone>;
  private readonly storageConstructs: ReadonlyMap<string, BackupStorage>;
  /** The operators' SSH keys (`hcloud_ssh_key.<name>` each), in the network stack. */
  readonly sshKeys: SshKeys;
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

    const network = buildNetworkStack(this.network, spec);
    this.sshKeys = network.sshKeys;
    this.networkConstructs = network.networks;
    this.firewallConstructs = network.firewalls;
    this.placementGroupConstructs = network.placementGroups;
    this.serverConstructs = buildServersStack(this.servers, spec, network);
    const dns = buildDnsStack(this.dns, spec, (name) => this.server(name));
    this.zoneConstructs = dns.zones;
    this.storageConstructs = buildBackupStack(this.backup, spec);
    // Adoption: import blocks for what already exists (config/adopt/<env>.yaml).
    this.adoptionProblems = adoptExisting(spec.adoption, {
      resources: (concern) => this.resources(concern),
      stackName: (concern) => this[concern].node.id,
      zoneOf: dns.zoneOf,
      servers: [...this.serverConstructs.values()],
    });
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
}
