/**
 * The config item that owns a resource, as findings and suppressions name
 * it (`server/web-1`, `zone/all2all.org`, `storage-box/backup`): its nearest
 * library construct (constructs/), else its type and name.
 */
import { TerraformStack, type TerraformResource } from "cdktn";
import { BackupStorage, DnsZone, FirewallPolicy, PrivateNetwork, Server, SshKeys } from "../constructs";
import { isExpression } from "./blocks";

/** The config item owning a resource: its nearest library construct, else its type and name. */
export function subjectOf(node: TerraformResource, type: string, name: string, body: Record<string, any>): string {
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
