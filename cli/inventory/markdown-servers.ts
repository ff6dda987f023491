/**
 * The servers' part of an environment's inventory section: the servers, their
 * addresses, their volumes and backup storage, and the Terraform addresses of
 * each.
 *
 * Imports: ./model, ./markdown-blocks.
 */
import { stackName, type Inventory, type InventoryServer, type PublicAddress } from "./items";
import { code, list, table, yesNo } from "./markdown-blocks";

/** The servers, their addresses, volumes and storage, and every address of each. */
export function renderServers(inv: Inventory): string[] {
  return [
    "### Servers",
    "",
    ...serversTable(inv.servers),
    "#### Addresses",
    "",
    ...(inv.addresses.known ? [] : addressesNotKnown(inv)),
    ...addressesTable(inv.servers),
    "#### Volumes and backup storage",
    "",
    ...storageTable(inv.servers),
    "#### Terraform addresses of each server",
    "",
    ...table(
      ["server", "stack", "resources"],
      inv.servers.map((s) => [s.name, code(s.stack), s.resources.map(code).join(", ")]),
    ),
  ];
}

function serversTable(servers: readonly InventoryServer[]): string[] {
  return table(
    [
      "server",
      "role",
      "type",
      "image",
      "location",
      "placement group",
      "firewalls",
      "Hetzner backups",
      "stack",
      "resource",
    ],
    servers.map((s) => [
      s.name,
      s.role,
      s.type,
      s.image,
      s.location,
      s.placement_group ?? "—",
      list(s.firewalls),
      yesNo(s.backups),
      code(s.stack),
      code(s.resource) +
        (s.import_id !== undefined ? ` (adopted: import id ${s.import_id})` : "") +
        (s.allow_rebuild ? " (allow_rebuild)" : ""),
    ]),
  );
}

/** Where the public addresses are, before the servers stack is applied. */
function addressesNotKnown(inv: Inventory): string[] {
  const serversStack = stackName(inv.environment.name, "servers");
  return [
    "Public addresses exist once the servers stack is applied: `output X` is the output of " +
      (`${code(serversStack)} holding it (\`all2all output ` +
        `--env ${inv.environment.name} --stack servers\` prints them all, or `) +
      `\`all2all inventory --addresses FILE\` with that command's \`--format json\` saved to FILE).`,
    "",
  ];
}

function addressesTable(servers: readonly InventoryServer[]): string[] {
  return table(
    ["server", "public IPv4", "public IPv6", "reverse DNS", "floating IP", "private networks", "stack"],
    servers.map((s) => [
      s.name,
      publicAddress(s, "ipv4"),
      publicAddress(s, "ipv6"),
      reverseDns(s.public),
      s.floating_ip
        ? `${s.floating_ip.type}${s.floating_ip.reverse_dns ? `, reverse DNS ${s.floating_ip.reverse_dns}` : ""} ` +
          `(${code(s.floating_ip.resource)})`
        : "—",
      list(s.private.map((n) => (n.ip !== undefined ? `${n.network} ${n.ip}` : `${n.network} (assigned)`))),
      code(s.stack),
    ]),
  );
}

function storageTable(servers: readonly InventoryServer[]): string[] {
  return table(
    ["server", "volumes", "storage subaccount", "stacks"],
    servers.map((s) => [
      s.name,
      list(
        s.volumes.map(
          (v) =>
            `${v.name}: ${v.size_gb} GB ${v.filesystem}${v.automount ? ", automounted" : ""} (${code(v.resource)})`,
        ),
      ),
      list(
        s.storage_subaccounts.map((a) => `${a.box}/${a.subaccount}, home ${a.home_directory} (${code(a.resource)})`),
        "none",
      ),
      [s.stack, ...new Set(s.storage_subaccounts.map((a) => a.stack))].map(code).join(", "),
    ]),
  );
}

function publicAddress(server: InventoryServer, family: "ipv4" | "ipv6"): string {
  const a = server.public.find((p) => p.family === family);
  if (!a) return "none";
  return a.value !== undefined ? code(a.value) : `output ${code(a.output)}`;
}

function reverseDns(addresses: readonly PublicAddress[]): string {
  const named = addresses.filter((a) => a.reverse_dns !== undefined);
  if (named.length === 0) return "Hetzner's default";
  if (named.length === addresses.length && new Set(named.map((a) => a.reverse_dns)).size === 1) {
    return named[0]!.reverse_dns!;
  }
  return named.map((a) => `${a.family}: ${a.reverse_dns}`).join(", ");
}
