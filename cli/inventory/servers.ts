/**
 * The servers of the inventory: each with its addresses, attachments,
 * volumes, floating IP and storage subaccounts, every Terraform address read
 * from the Server construct the servers stack built for it.
 */
import type { Server } from "../../constructs";
import type { NetworkSpec } from "../../description";
import { terraformAddress, type EnvironmentStacks } from "../../stacks/environment";
import { outputName } from "../../zonefile/addresses";
import { addressesUnder, located, required, type AddressLookup } from "./built";
import type { InventoryServer, PublicAddress } from "./items";

type ServerSpec = NetworkSpec["servers"][number];
type Subaccounts = Map<string, InventoryServer["storage_subaccounts"][number][]>;

/** The subaccounts of every storage box that name a server, by server. */
function subaccountsByServer(spec: NetworkSpec, stacks: EnvironmentStacks): Subaccounts {
  const byServer: Subaccounts = new Map();
  for (const box of spec.storage_boxes) {
    const built = stacks.storageBox(box.name);
    for (const sub of box.subaccounts) {
      if (sub.server === undefined) continue;
      const subaccount = required(built.subaccounts.get(sub.name), `subaccount ${sub.name} of ${box.name}`).subaccount;
      const list = byServer.get(sub.server) ?? [];
      list.push({ box: box.name, subaccount: sub.name, home_directory: sub.home_directory, ...located(subaccount) });
      byServer.set(sub.server, list);
    }
  }
  return byServer;
}

/** Every server of the description, as the servers stack holds it. */
export function inventoryServers(
  spec: NetworkSpec,
  stacks: EnvironmentStacks,
  addressOf: AddressLookup,
): InventoryServer[] {
  const subaccounts = subaccountsByServer(spec, stacks);
  return spec.servers.map((s) => {
    const server = stacks.server(s.name);
    const floating = floatingIpOf(s, server);
    return {
      name: s.name,
      role: s.role,
      type: s.type,
      image: s.image,
      location: s.location,
      ...located(server.server),
      ...(s.placement_group !== undefined ? { placement_group: s.placement_group } : {}),
      private: s.networks.map((a) => ({
        network: a.network,
        ...(a.ip !== undefined ? { ip: a.ip } : {}),
        resource: terraformAddress(required(server.networkAttachments.get(a.network), `attachment to ${a.network}`)),
      })),
      public: publicAddresses(s, server, addressOf),
      ...(floating ? { floating_ip: floating } : {}),
      firewalls: [...s.firewall_policies],
      backups: s.backups,
      volumes: s.volumes.map((v) => {
        const built = required(server.volumes.get(v.name), `volume ${v.name}`);
        const [resource, attachment] = [terraformAddress(built.volume), terraformAddress(built.attachment)];
        const { name, size: size_gb, filesystem, automount } = v;
        return { name, size_gb, filesystem, automount, resource, attachment };
      }),
      storage_subaccounts: subaccounts.get(s.name) ?? [],
      ...(s.import_id !== undefined ? { import_id: String(s.import_id) } : {}),
      allow_rebuild: s.allow_rebuild,
      resources: addressesUnder(server),
    };
  });
}

function publicAddresses(s: ServerSpec, server: Server, addressOf: AddressLookup): PublicAddress[] {
  const families = (["ipv4", "ipv6"] as const).filter((family) => s.public[family]);
  return families.map((family) => {
    const rdns = s.public.rdns[family];
    const value = addressOf({ server: s.name, family });
    const primaryIp = family === "ipv4" ? server.ipv4PrimaryIp : server.ipv6PrimaryIp;
    const ptr = family === "ipv4" ? server.ipv4ReverseDns : server.ipv6ReverseDns;
    return {
      family,
      output: outputName({ server: s.name, family }),
      ...(value !== undefined ? { value } : {}),
      primary_ip: terraformAddress(required(primaryIp, `primary ${family} of ${s.name}`)),
      ...(rdns !== undefined
        ? { reverse_dns: rdns, reverse_dns_resource: terraformAddress(required(ptr, `reverse DNS of ${s.name}`)) }
        : {}),
    };
  });
}

function floatingIpOf(s: ServerSpec, server: Server): InventoryServer["floating_ip"] {
  if (!s.floating_ip) return undefined;
  const built = required(server.floatingIps.get(s.floating_ip.type), `floating IP of ${s.name}`);
  return {
    type: s.floating_ip.type,
    ...(s.floating_ip.description !== undefined ? { description: s.floating_ip.description } : {}),
    ...(s.floating_ip.rdns !== undefined
      ? { reverse_dns: s.floating_ip.rdns, reverse_dns_resource: terraformAddress(required(built.reverseDns, "PTR")) }
      : {}),
    resource: terraformAddress(built.floatingIp),
    assignment: terraformAddress(built.assignment),
  };
}
