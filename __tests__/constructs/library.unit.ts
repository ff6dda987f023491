/**
 * Properties of the library as a whole, checked on one stack that uses every
 * construct with every feature: labels wherever the schema has them,
 * protection on every stateful resource, secrets only as variables, no
 * deprecated `datacenter`, schema-valid output.
 */
import * as path from "node:path";
import { ANYWHERE, BackupStorage, DnsZone, FirewallPolicy, PrivateNetwork, Server, SshKeys } from "../../constructs";
import { statefulTypes } from "../../constructs/stateful";
import { LABELS, makeStack } from "../../testing/construct-stacks";
import { addressesOf, resourcesOf, synth, variableReferences } from "../../testing/synth-json";
import { expectSchemaValid } from "../../testing/construct-expect";
import { readJson, repoRoot } from "../../testing/tmp";

const ALICE = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEh7oet/H9/fH/EUbz5hw/Nm495rjVRO26Mn+aIWybns alice@all2all";

function everything(protect?: boolean): any {
  const stack = makeStack();
  const keys = new SshKeys(stack, "operators", { labels: LABELS, keys: [{ name: "alice", publicKey: ALICE }] });
  const net = new PrivateNetwork(stack, "internal", {
    ipRange: "10.20.0.0/16",
    labels: LABELS,
    protect,
    subnets: [{ ipRange: "10.20.1.0/24" }],
    routes: [{ destination: "10.30.0.0/24", gateway: "10.20.1.10" }],
  });
  const fw = new FirewallPolicy(stack, "web", { labels: LABELS, labelSelectors: ["role=web"] });
  fw.allowFrom(ANYWHERE, "tcp", 443, "HTTPS");
  fw.allowSshFrom(["192.0.2.0/24"]);
  const web = new Server(stack, "web-1", {
    serverType: "cx22",
    location: "fsn1",
    labels: LABELS,
    protect,
    sshKeys: keys.ids,
    ipv4: true,
    reverseDns: { ipv4: "web-1.all2all.org", ipv6: "web-1.all2all.org" },
    networks: [{ name: "internal", subnetId: net.subnet("10-20-1-0-24").id, ip: "10.20.1.21" }],
    volumes: [{ name: "web-1-data", sizeGb: 50 }],
    floatingIps: [{ type: "ipv4", reverseDns: "www.all2all.org" }],
  });
  fw.attachToServers([web.serverId]);
  const zone = new DnsZone(stack, "all2all-org", { name: "all2all.org", labels: LABELS, protect });
  zone.addRecordSet({ name: "@", type: "A", records: [web.ipv4Address as string] });
  new DnsZone(stack, "all2all-be", {
    name: "all2all.be",
    labels: LABELS,
    protect,
    mode: "secondary",
    primaryNameservers: [{ address: web.ipv6Address, tsigAlgorithm: "hmac-sha256" }],
  });
  const backup = new BackupStorage(stack, "backup", {
    storageBoxType: "bx21",
    location: "hel1",
    labels: LABELS,
    protect,
  });
  backup.addSubaccount({ name: "web-1", homeDirectory: "servers/web-1" });
  return synth(stack);
}

const schema = readJson(path.join(repoRoot, "providers/hcloud/schema.json"));
const resourceSchemas: Record<string, any> = (Object.values(schema.provider_schemas)[0] as any).resource_schemas;
const LABELLED = Object.keys(resourceSchemas).filter(
  (type) => resourceSchemas[type].block.attributes?.labels !== undefined,
);

/** The resource types protection must guard (constructs/stateful.ts): losing one loses data or an address. */
const STATEFUL = statefulTypes("protect");

describe("the construct library", () => {
  const json = everything();

  it("uses every resource type it is meant to, at the documented addresses", () => {
    expect(addressesOf(json)).toEqual([
      "hcloud_firewall.web",
      "hcloud_firewall_attachment.web",
      "hcloud_floating_ip.web-1-floating-ipv4",
      "hcloud_floating_ip_assignment.web-1-floating-ipv4",
      "hcloud_network.internal",
      "hcloud_network_route.internal-route-10-30-0-0-24",
      "hcloud_network_subnet.internal-10-20-1-0-24",
      "hcloud_primary_ip.web-1-ipv4",
      "hcloud_primary_ip.web-1-ipv6",
      "hcloud_rdns.web-1-floating-ipv4",
      "hcloud_rdns.web-1-ipv4",
      "hcloud_rdns.web-1-ipv6",
      "hcloud_server.web-1",
      "hcloud_server_network.web-1-internal",
      "hcloud_ssh_key.alice",
      "hcloud_storage_box.backup",
      "hcloud_storage_box_subaccount.backup-web-1",
      "hcloud_volume.web-1-data",
      "hcloud_volume_attachment.web-1-data",
      "hcloud_zone.all2all-be",
      "hcloud_zone.all2all-org",
      "hcloud_zone_rrset.all2all-org-apex-a",
    ]);
  });

  it("passes the offline validator with 0 problems", () => {
    expectSchemaValid(json);
  });

  it("labels every resource whose schema takes labels", () => {
    const labelled = Object.keys(json.resource).filter((type) => LABELLED.includes(type));
    expect(labelled.length).toBeGreaterThanOrEqual(10);
    for (const type of labelled) {
      for (const [name, resource] of Object.entries(resourcesOf(json, type))) {
        expect({ address: `${type}.${name}`, labels: (resource as any).labels }).toEqual({
          address: `${type}.${name}`,
          labels: LABELS,
        });
      }
    }
  });

  it("protects every stateful resource by default, and none with protect: false", () => {
    const unprotected = everything(false);
    for (const type of STATEFUL) {
      for (const name of Object.keys(resourcesOf(json, type))) {
        const on = resourcesOf(json, type)[name];
        const off = resourcesOf(unprotected, type)[name];
        expect([`${type}.${name}`, on.delete_protection, on.lifecycle.prevent_destroy]).toEqual([
          `${type}.${name}`,
          true,
          true,
        ]);
        expect([`${type}.${name}`, off.delete_protection, off.lifecycle.prevent_destroy]).toEqual([
          `${type}.${name}`,
          false,
          false,
        ]);
      }
    }
  });

  it("keeps secrets out of the JSON: only sensitive ${var.…} references, no defaults", () => {
    expect(variableReferences(json)).toEqual([
      "${var.dns_tsig_key_all2all_be}",
      "${var.storage_box_password_backup}",
      "${var.storage_box_subaccount_password_backup_web_1}",
    ]);
    for (const [name, variable] of Object.entries(json.variable) as Array<[string, any]>) {
      expect({ name, sensitive: variable.sensitive, default: variable.default }).toEqual({
        name,
        sensitive: true,
        default: undefined,
      });
    }
  });

  it("never sets the deprecated datacenter, nor inline server networks", () => {
    expect(JSON.stringify(json)).not.toContain('"datacenter"');
    expect(resourcesOf(json, "hcloud_server")["web-1"].network).toBeUndefined();
  });
});
