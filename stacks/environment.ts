/**
 * The stacks of one environment, built from its NetworkSpec. This is the only
 * place that knows both the description (spec/) and the constructs: it
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
import { Construct } from "constructs";
import { TerraformOutput, Token } from "cdktn";
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
  type RecordType as ZoneRecordType,
  type ServerNetworkOptions,
} from "../constructs";
import { pinAddress } from "../constructs/common";
import { cidrContains, parseCidr } from "../constructs/ip";
import type { AddressRef, NetworkSpec, RecordValue } from "../spec";
import { HcloudStack } from "./hcloud-stack";

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
}

/** What was built for one environment, for tests and reports. */
export class EnvironmentStacks {
  readonly network: HcloudStack;
  readonly servers: HcloudStack;
  readonly dns: HcloudStack;
  readonly backup: HcloudStack;
  private readonly serverConstructs = new Map<string, Server>();

  constructor(scope: Construct, readonly spec: NetworkSpec, options: EnvironmentStacksOptions = {}) {
    const env = spec.environment;
    const stack = (concern: string) =>
      new HcloudStack(scope, { environment: env.name, concern, state: options.localState ? { backend: "local" } : env.state, localStateDir: options.localStateDir });
    this.network = stack("network");
    this.servers = stack("servers");
    this.dns = stack("dns");
    this.backup = stack("backup");

    const protect = env.protect;
    const baseLabels = (role: string): Record<string, string> => ({
      "managed-by": "all2all-infra",
      environment: env.name,
      role,
      ...env.labels,
    });

    // ---- network: keys, networks, firewalls, placement groups
    const keys = new SshKeys(this.network, "operators", {
      labels: baseLabels("operator"),
      keys: spec.operators.ssh_keys.map((k) => ({ name: k.name, publicKey: k.public_key, labels: k.labels })),
    });

    const networks = new Map<string, PrivateNetwork>();
    for (const n of spec.networks) {
      networks.set(
        n.name,
        new PrivateNetwork(this.network, n.name, {
          ipRange: n.ip_range,
          // Checked against the catalogue by the loader; the construct checks it again.
          networkZone: n.zone as NetworkZone,
          labels: n.labels,
          protect,
          subnets: n.subnets.map((s) => ({ ipRange: s.ip_range })),
          routes: n.routes.map((r) => ({ destination: r.destination, gateway: r.gateway })),
        }),
      );
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
    }

    const placementGroups = new Map<string, placementGroup.PlacementGroup>();
    for (const pg of spec.placement_groups) {
      const group = new placementGroup.PlacementGroup(this.network, `placement-group-${pg.name}`, {
        name: pg.name,
        type: pg.type,
        labels: pg.labels,
      });
      pinAddress(group, pg.name);
      placementGroups.set(pg.name, group);
    }

    // ---- servers
    for (const s of spec.servers) {
      const attachments: ServerNetworkOptions[] = s.networks.map((a) => {
        const net = networks.get(a.network)!;
        return { name: a.network, subnetId: subnetFor(net, a.ip).id, ip: a.ip };
      });
      const fwLabels = Object.fromEntries(s.firewall_policies.map((p) => [firewallLabel(p), FIREWALL_LABEL_VALUE]));
      const server = new Server(this.servers, s.name, {
        serverType: s.type,
        location: s.location,
        image: s.image,
        labels: { ...s.labels, ...fwLabels },
        sshKeys: s.ssh_keys.map((name) => keys.idOf(name)),
        userData: s.user_data?.content,
        protect,
        backups: s.backups,
        ipv4: s.public.ipv4,
        reverseDns: { ipv4: s.public.rdns.ipv4, ipv6: s.public.rdns.ipv6 },
        placementGroupId: s.placement_group ? Token.asNumber(placementGroups.get(s.placement_group)!.id) : undefined,
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
        new TerraformOutput(this.servers, `${s.name}-ipv4`, { value: server.ipv4Address, description: `public IPv4 of ${s.name}` });
      }
      new TerraformOutput(this.servers, `${s.name}-ipv6`, { value: server.ipv6Address, description: `public IPv6 of ${s.name}` });
    }

    // ---- dns
    for (const z of spec.zones) {
      const zoneId = z.name.replace(/\./g, "-");
      if (z.mode === "primary") {
        const zone = new DnsZone(this.dns, zoneId, { name: z.name, labels: z.labels, ttl: z.ttl, protect, mode: "primary" });
        for (const rs of z.records) {
          // The config check allows only Hetzner's record types in primary zones (SSHFP only in secondary ones).
          zone.addRecordSet({
            name: rs.name,
            type: rs.type as ZoneRecordType,
            ttl: rs.ttl,
            comment: rs.comment,
            records: rs.values.map((v) => this.recordValue(v)),
          });
        }
      } else {
        const primary = z.primary!;
        new DnsZone(this.dns, zoneId, {
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
    }

    // ---- backup
    for (const b of spec.storage_boxes) {
      const box = new BackupStorage(this.backup, b.name, {
        storageBoxType: b.type,
        location: b.location,
        labels: b.labels,
        protect,
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
    }
  }

  /** The Server construct of a server of the description. */
  server(name: string): Server {
    const s = this.serverConstructs.get(name);
    if (!s) throw new Error(`no server ${name} in environment ${this.spec.environment.name}`);
    return s;
  }

  /** The stacks, in deployment order. */
  get stacks(): HcloudStack[] {
    return [this.network, this.servers, this.dns, this.backup];
  }

  private address(ref: AddressRef): string {
    const server = this.server(ref.server);
    const value = ref.family === "ipv4" ? server.ipv4Address : server.ipv6Address;
    if (value === undefined) throw new Error(`server ${ref.server} has no public ${ref.family} (the config check should have refused this reference)`);
    return value;
  }

  private recordValue(v: RecordValue): string {
    return v.kind === "address" ? this.address(v) : v.text;
  }
}

/** The subnet of `net` that holds `ip`, or its first subnet when no fixed IP is asked. */
function subnetFor(net: PrivateNetwork, ip: string | undefined) {
  const subnets = [...net.subnets.values()];
  if (ip === undefined) return subnets[0];
  const address = parseCidr(`${ip}/32`);
  const found = subnets.find((s) => {
    const range = parseCidr(s.ipRangeInput ?? "");
    return range !== undefined && address !== undefined && cidrContains(range, address);
  });
  if (!found) throw new Error(`no subnet of network ${net.node.id} holds ${ip} (the config check should have refused it)`);
  return found;
}
