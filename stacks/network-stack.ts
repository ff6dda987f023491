/**
 * The network stack of an environment (`<env>-network`): the operators' SSH
 * keys, private networks, firewall policies and placement groups, built from
 * the NetworkSpec. Changed rarely, used by everything else.
 */
import * as placementGroup from "../.gen/providers/hcloud/placement-group";
import { FirewallPolicy, PrivateNetwork, SshKeys, type FirewallProtocol, type NetworkZone } from "../constructs";
import { pinAddress } from "../constructs/addresses";
import type { NetworkSpec } from "../description";
import type { HcloudStack } from "./hcloud-stack";

/** The label a server carries for each firewall policy it is in. */
export function firewallLabel(policy: string): string {
  return `fw-${policy}`;
}
/** The value of a server's firewall labels (`fw-<policy>=on`). */
export const FIREWALL_LABEL_VALUE = "on";

/** What the network stack holds, by the names of the description. */
export interface NetworkStackConstructs {
  /** The operators' SSH keys (`hcloud_ssh_key.<name>` each). */
  readonly sshKeys: SshKeys;
  readonly networks: Map<string, PrivateNetwork>;
  readonly firewalls: Map<string, FirewallPolicy>;
  readonly placementGroups: Map<string, placementGroup.PlacementGroup>;
}

/** The labels of every resource of a role that has no labels of its own in the description. */
function baseLabels(spec: NetworkSpec, role: string): Record<string, string> {
  const env = spec.environment;
  return { "managed-by": "all2all-infra", environment: env.name, role, ...env.labels };
}

/** Builds the network stack's constructs in `stack`. */
export function buildNetworkStack(stack: HcloudStack, spec: NetworkSpec): NetworkStackConstructs {
  const sshKeys = new SshKeys(stack, "operators", {
    labels: baseLabels(spec, "operator"),
    keys: spec.operators.ssh_keys.map((k) => ({ name: k.name, publicKey: k.public_key, labels: k.labels })),
  });
  return {
    sshKeys,
    networks: buildNetworks(stack, spec),
    firewalls: buildFirewalls(stack, spec),
    placementGroups: buildPlacementGroups(stack, spec),
  };
}

function buildNetworks(stack: HcloudStack, spec: NetworkSpec): Map<string, PrivateNetwork> {
  const networks = new Map<string, PrivateNetwork>();
  for (const n of spec.networks) {
    const network = new PrivateNetwork(stack, n.name, {
      ipRange: n.ip_range,
      // Checked against the catalogue by the loader; the construct checks it again.
      networkZone: n.zone as NetworkZone,
      labels: n.labels,
      protect: spec.environment.protect,
      subnets: n.subnets.map((s) => ({ ipRange: s.ip_range })),
      routes: n.routes.map((r) => ({ destination: r.destination, gateway: r.gateway })),
    });
    networks.set(n.name, network);
  }
  return networks;
}

function buildFirewalls(stack: HcloudStack, spec: NetworkSpec): Map<string, FirewallPolicy> {
  const firewalls = new Map<string, FirewallPolicy>();
  for (const policy of spec.firewall_policies) {
    const fw = new FirewallPolicy(stack, policy.name, {
      labels: policy.labels,
      labelSelectors: [`${firewallLabel(policy.name)}=${FIREWALL_LABEL_VALUE}`],
    });
    for (const rule of policy.rules) {
      const protocol = rule.protocol as FirewallProtocol;
      const port = rule.port === "any" ? "any" : rule.port;
      if (rule.direction === "in") fw.allowFrom(rule.source_ips, protocol, port, rule.description);
      else fw.allowOutboundTo(rule.destination_ips, protocol, port, rule.description);
    }
    firewalls.set(policy.name, fw);
  }
  return firewalls;
}

function buildPlacementGroups(stack: HcloudStack, spec: NetworkSpec): Map<string, placementGroup.PlacementGroup> {
  const groups = new Map<string, placementGroup.PlacementGroup>();
  for (const pg of spec.placement_groups) {
    const group = new placementGroup.PlacementGroup(stack, `placement-group-${pg.name}`, {
      name: pg.name,
      type: pg.type,
      labels: pg.labels,
    });
    pinAddress(group, pg.name);
    groups.set(pg.name, group);
  }
  return groups;
}
