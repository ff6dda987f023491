/**
 * What the network stack holds, for the inventory: private networks with
 * their subnets and routes, firewall policies, placement groups and the
 * operators' SSH keys, each address read from its construct.
 */
import type { NetworkSpec } from "../../description";
import { terraformAddress, type EnvironmentStacks } from "../../stacks/environment";
import { located, required } from "./built";
import type { Inventory, InventoryFirewall, InventoryNetwork } from "./items";

/** Every private network of the description, with its subnets, routes and attached servers. */
export function inventoryNetworks(spec: NetworkSpec, stacks: EnvironmentStacks): InventoryNetwork[] {
  return spec.networks.map((n) => {
    const net = stacks.privateNetwork(n.name);
    const subnets = [...net.subnets.values()];
    const routes = [...net.routes.values()];
    return {
      name: n.name,
      ip_range: n.ip_range,
      zone: n.zone,
      ...located(net.network),
      subnets: n.subnets.map((sub) => {
        const subnet = required(
          subnets.find((b) => b.ipRangeInput === sub.ip_range),
          `subnet ${sub.ip_range}`,
        );
        return { ip_range: sub.ip_range, resource: terraformAddress(subnet) };
      }),
      routes: n.routes.map((r) => {
        const route = required(
          routes.find((b) => b.destinationInput === r.destination),
          `route to ${r.destination}`,
        );
        return { destination: r.destination, gateway: r.gateway, resource: terraformAddress(route) };
      }),
      servers: spec.servers.flatMap((s) =>
        s.networks
          .filter((a) => a.network === n.name)
          .map((a) => ({ server: s.name, ...(a.ip !== undefined ? { ip: a.ip } : {}) })),
      ),
    };
  });
}

/** Every firewall policy of the description, with the label that applies it and its rules. */
export function inventoryFirewalls(spec: NetworkSpec, stacks: EnvironmentStacks): InventoryFirewall[] {
  return spec.firewall_policies.map((p) => {
    const policy = stacks.firewallPolicy(p.name);
    return {
      name: p.name,
      ...(p.description !== undefined ? { description: p.description } : {}),
      ...located(policy.firewall),
      applies_to: policy.labelSelectors.join(", "),
      servers: spec.servers.filter((s) => s.firewall_policies.includes(p.name)).map((s) => s.name),
      rules: p.rules.map((r) => ({
        direction: r.direction,
        protocol: r.protocol,
        ...(r.port !== undefined ? { port: r.port } : {}),
        addresses: [...(r.direction === "in" ? r.source_ips : r.destination_ips)],
        ...(r.description !== undefined ? { description: r.description } : {}),
      })),
    };
  });
}

/** Every placement group of the description, with its servers. */
export function inventoryPlacementGroups(spec: NetworkSpec, stacks: EnvironmentStacks): Inventory["placement_groups"] {
  return spec.placement_groups.map((pg) => ({
    name: pg.name,
    type: pg.type,
    ...located(stacks.placementGroup(pg.name)),
    servers: spec.servers.filter((s) => s.placement_group === pg.name).map((s) => s.name),
  }));
}

/** The operators' SSH keys. */
export function inventorySshKeys(spec: NetworkSpec, stacks: EnvironmentStacks): Inventory["ssh_keys"] {
  return spec.operators.ssh_keys.map((k) => ({
    name: k.name,
    type: k.type,
    fingerprint: k.fingerprint,
    ...located(required(stacks.sshKeys.key(k.name), `SSH key ${k.name}`)),
  }));
}
