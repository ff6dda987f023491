/**
 * The servers stack of an environment (`<env>-servers`, after network): each
 * server with its primary IPs, reverse DNS, private attachments, volumes and
 * floating IP, and its public addresses as outputs.
 */
import { TerraformOutput, Token } from "cdktn";
import { type PrivateNetwork, Server, type ServerNetworkOptions, type ServerProps } from "../constructs";
import { cidrContains, parseCidr } from "../primitives/ip";
import type { NetworkSpec } from "../description";
import type { HcloudStack } from "./hcloud-stack";
import { FIREWALL_LABEL_VALUE, firewallLabel, type NetworkStackConstructs } from "./network-stack";

type ServerSpec = NetworkSpec["servers"][number];

/** Builds the servers stack's constructs in `stack`; the Server constructs by name. */
export function buildServersStack(
  stack: HcloudStack,
  spec: NetworkSpec,
  network: NetworkStackConstructs,
): Map<string, Server> {
  const servers = new Map<string, Server>();
  for (const s of spec.servers) {
    const server = new Server(stack, s.name, serverProps(s, spec.environment.protect, network));
    servers.set(s.name, server);
    if (server.ipv4Address) {
      new TerraformOutput(stack, `${s.name}-ipv4`, {
        value: server.ipv4Address,
        description: `public IPv4 of ${s.name}`,
      });
    }
    new TerraformOutput(stack, `${s.name}-ipv6`, {
      value: server.ipv6Address,
      description: `public IPv6 of ${s.name}`,
    });
  }
  return servers;
}

/** The Server construct's props for one server of the description. */
function serverProps(s: ServerSpec, protect: boolean, network: NetworkStackConstructs): ServerProps {
  const attachments: ServerNetworkOptions[] = s.networks.map((a) => {
    const net = network.networks.get(a.network)!;
    return { name: a.network, subnetId: subnetFor(net, a.ip).id, ip: a.ip };
  });
  const fwLabels = Object.fromEntries(s.firewall_policies.map((p) => [firewallLabel(p), FIREWALL_LABEL_VALUE]));
  const group = s.placement_group ? network.placementGroups.get(s.placement_group)! : undefined;
  return {
    serverType: s.type,
    location: s.location,
    image: s.image,
    labels: { ...s.labels, ...fwLabels },
    sshKeys: s.ssh_keys.map((name) => network.sshKeys.idOf(name)),
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
  };
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
