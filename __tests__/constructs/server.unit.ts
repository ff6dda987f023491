import * as fs from "node:fs";
import * as path from "node:path";
import { Construct } from "constructs";
import { App, Lazy, type TerraformStack, Token } from "cdktn";
import { MAX_USER_DATA_BYTES, Server, type ServerProps } from "../../constructs";
import {
  LABELS,
  PROTECTED,
  inFreshStack,
  labelledProtected,
  makeStack,
  resolveIn,
} from "../../testing/construct-stacks";
import { addressesOf, importsOf, resourcesOf, synth } from "../../testing/synth-json";
import { expectRefused, expectResourceAmong, expectSchemaValid } from "../../testing/construct-expect";
import { makeTempDir } from "../../testing/tmp";

const BASE: ServerProps = { serverType: "cx22", location: "fsn1", labels: LABELS, sshKeys: ["alice"] };

function build(props: Partial<ServerProps> = {}, id = "web-1"): { stack: TerraformStack; server: Server; json: any } {
  const { stack, construct: server } = inFreshStack(Server, BASE, props, id);
  return { stack, server, json: synth(stack) };
}

describe("Server", () => {
  it("defaults: protected, durable, IPv6 only through an explicit primary IP, rebuild attributes ignored", () => {
    const { json } = build();
    expectResourceAmong(json, ["hcloud_primary_ip.web-1-ipv6", "hcloud_server.web-1"], "hcloud_server", "web-1", {
      name: "web-1",
      server_type: "cx22",
      image: "debian-13",
      location: "fsn1",
      labels: LABELS,
      backups: true,
      keep_disk: true,
      shutdown_before_deletion: true,
      delete_protection: true,
      rebuild_protection: true,
      ssh_keys: ["alice"],
      public_net: [{ ipv4_enabled: false, ipv6_enabled: true, ipv6: "${hcloud_primary_ip.web-1-ipv6.id}" }],
      lifecycle: { prevent_destroy: true, ignore_changes: ["image", "ssh_keys", "user_data"] },
    });
    expect(resourcesOf(json, "hcloud_primary_ip")["web-1-ipv6"]).toEqual({
      name: "web-1-ipv6",
      type: "ipv6",
      location: "fsn1",
      auto_delete: false,
      delete_protection: true,
      labels: LABELS,
      lifecycle: { prevent_destroy: true },
    });
    expect(JSON.stringify(json)).not.toContain("datacenter");
    expect(json.import).toBeUndefined();
  });

  it("synthesises schema-valid JSON, with defaults and with every feature", () => {
    expectSchemaValid(build().json);
    const { json } = build({
      ipv4: true,
      reverseDns: { ipv4: "web-1.all2all.org", ipv6: "web-1.all2all.org" },
      userData: "#cloud-config\n",
      placementGroupId: 42,
      firewallIds: [7],
      networks: [
        { name: "internal", subnetId: "1-10.20.1.0/24", ip: "10.20.1.21" },
        { name: "backend", networkId: 2 },
      ],
      volumes: [{ name: "web-1-data", sizeGb: 50 }],
      floatingIps: [
        { type: "ipv4", reverseDns: "www.all2all.org", description: "www failover" },
        { type: "ipv6", reverseDns: "www.all2all.org" },
      ],
      importId: "123",
      importPrimaryIpIds: { ipv4: "5", ipv6: "6" },
    });
    expectSchemaValid(json);
  });

  it("keeps its addresses when nested deeper in the construct tree", () => {
    const stack = makeStack();
    new Server(new Construct(new Construct(stack, "servers"), "web"), "web-1", {
      ...BASE,
      ipv4: true,
      reverseDns: { ipv6: "web-1.all2all.org" },
    });
    expect(addressesOf(synth(stack))).toEqual([
      "hcloud_primary_ip.web-1-ipv4",
      "hcloud_primary_ip.web-1-ipv6",
      "hcloud_rdns.web-1-ipv6",
      "hcloud_server.web-1",
    ]);
  });

  it("ipv4: true adds a primary IPv4 linked through public_net", () => {
    const { json, server, stack } = build({ ipv4: true });
    expect(resourcesOf(json, "hcloud_primary_ip")["web-1-ipv4"]).toEqual({
      name: "web-1-ipv4",
      type: "ipv4",
      location: "fsn1",
      auto_delete: false,
      delete_protection: true,
      labels: LABELS,
      lifecycle: { prevent_destroy: true },
    });
    expect(resourcesOf(json, "hcloud_server")["web-1"].public_net).toEqual([
      {
        ipv4_enabled: true,
        ipv4: "${hcloud_primary_ip.web-1-ipv4.id}",
        ipv6_enabled: true,
        ipv6: "${hcloud_primary_ip.web-1-ipv6.id}",
      },
    ]);
    expect(resolveIn(stack, server.ipv4Address)).toBe("${hcloud_primary_ip.web-1-ipv4.ip_address}");
  });

  it("exposes typed outputs for other constructs: addresses, network, id", () => {
    const { server, stack } = build({ networks: [{ name: "internal", subnetId: "1-10.20.1.0/24" }] });
    expect(server.ipv4Address).toBeUndefined();
    expect(server.ipv4PrimaryIp).toBeUndefined();
    expect(resolveIn(stack, server.ipv6Address)).toBe("${cidrhost(hcloud_primary_ip.web-1-ipv6.ip_network, 1)}");
    expect(resolveIn(stack, server.ipv6Network)).toBe("${hcloud_primary_ip.web-1-ipv6.ip_network}");
    expect(Token.isUnresolved(server.serverId)).toBe(true);
    expect(resolveIn(stack, server.serverId)).toBe("${hcloud_server.web-1.id}");
    expect(resolveIn(stack, server.privateIp("internal"))).toBe("${hcloud_server_network.web-1-internal.ip}");
    expect(server.name).toBe("web-1");
    expect(() => server.privateIp("other")).toThrow(
      'Server "web-1": no network attached as "other" (attached: internal)',
    );
  });

  it("sets reverse DNS on the IPv4 and on host ::1 of the IPv6 /64", () => {
    const { json } = build({ ipv4: true, reverseDns: { ipv4: "web-1.all2all.org", ipv6: "web-1.all2all.org" } });
    expect(resourcesOf(json, "hcloud_rdns")).toEqual({
      "web-1-ipv4": {
        primary_ip_id: "${hcloud_primary_ip.web-1-ipv4.id}",
        ip_address: "${hcloud_primary_ip.web-1-ipv4.ip_address}",
        dns_ptr: "web-1.all2all.org",
      },
      "web-1-ipv6": {
        primary_ip_id: "${hcloud_primary_ip.web-1-ipv6.id}",
        ip_address: "${cidrhost(hcloud_primary_ip.web-1-ipv6.ip_network, 1)}",
        dns_ptr: "web-1.all2all.org",
      },
    });
  });

  it("ipv6HostNumber picks another host of the /64 for the address and its reverse DNS", () => {
    const { json, server, stack } = build({ ipv6HostNumber: 25, reverseDns: { ipv6: "mail.all2all.org" } });
    expect(resourcesOf(json, "hcloud_rdns")["web-1-ipv6"].ip_address).toBe(
      "${cidrhost(hcloud_primary_ip.web-1-ipv6.ip_network, 25)}",
    );
    expect(resolveIn(stack, server.ipv6Address)).toBe("${cidrhost(hcloud_primary_ip.web-1-ipv6.ip_network, 25)}");
  });

  it("protect: false lifts every protection (staging)", () => {
    const { json } = build({
      protect: false,
      ipv4: true,
      volumes: [{ name: "web-1-data", sizeGb: 10 }],
      floatingIps: [{ type: "ipv4" }],
    });
    const srv = resourcesOf(json, "hcloud_server")["web-1"];
    expect({ d: srv.delete_protection, r: srv.rebuild_protection, l: srv.lifecycle }).toEqual({
      d: false,
      r: false,
      l: { prevent_destroy: false, ignore_changes: ["image", "ssh_keys", "user_data"] },
    });
    for (const [type, name] of [
      ["hcloud_primary_ip", "web-1-ipv4"],
      ["hcloud_primary_ip", "web-1-ipv6"],
      ["hcloud_volume", "web-1-data"],
      ["hcloud_floating_ip", "web-1-floating-ipv4"],
    ] as const) {
      const resource = resourcesOf(json, type)[name];
      expect({
        address: `${type}.${name}`,
        delete_protection: resource.delete_protection,
        lifecycle: resource.lifecycle,
      }).toEqual({
        address: `${type}.${name}`,
        delete_protection: false,
        lifecycle: { prevent_destroy: false },
      });
    }
  });

  it("protects every stateful resource in production (the default)", () => {
    const { json } = build({
      ipv4: true,
      volumes: [{ name: "web-1-data", sizeGb: 10 }],
      floatingIps: [{ type: "ipv6" }],
    });
    const stateful = [
      ["hcloud_server", "web-1"],
      ["hcloud_primary_ip", "web-1-ipv4"],
      ["hcloud_primary_ip", "web-1-ipv6"],
      ["hcloud_volume", "web-1-data"],
      ["hcloud_floating_ip", "web-1-floating-ipv6"],
    ] as const;
    for (const [type, name] of stateful) {
      const resource = resourcesOf(json, type)[name];
      expect([`${type}.${name}`, resource.delete_protection, resource.lifecycle.prevent_destroy]).toEqual([
        `${type}.${name}`,
        true,
        true,
      ]);
    }
    expect(resourcesOf(json, "hcloud_server")["web-1"].rebuild_protection).toBe(true);
  });

  it(
    "allowRebuild: true lets image, ssh_keys and user_data changes through " +
      "and lifts prevent_destroy on the server alone",
    () => {
      const { json } = build({ allowRebuild: true, ipv4: true, volumes: [{ name: "web-1-data", sizeGb: 10 }] });
      expect(resourcesOf(json, "hcloud_server")["web-1"].lifecycle).toEqual({ prevent_destroy: false });
      // Its addresses and data stay protected: the rebuilt server gets them back.
      expect(resourcesOf(json, "hcloud_primary_ip")["web-1-ipv4"].lifecycle).toEqual({ prevent_destroy: true });
      expect(resourcesOf(json, "hcloud_primary_ip")["web-1-ipv6"].lifecycle).toEqual({ prevent_destroy: true });
      expect(resourcesOf(json, "hcloud_volume")["web-1-data"].lifecycle).toEqual({ prevent_destroy: true });
      expect(resourcesOf(json, "hcloud_server")["web-1"].delete_protection).toBe(true);
    },
  );

  it("passes the server's own props through", () => {
    const { json } = build({
      name: "web-1.all2all.org",
      image: "debian-12",
      userData: "#cloud-config\npackages: [nginx]\n",
      sshKeys: ["${hcloud_ssh_key.alice.id}", "bob"],
      placementGroupId: 42,
      firewallIds: [7, 8],
      backups: false,
      keepDisk: false,
      shutdownBeforeDeletion: false,
    });
    const srv = resourcesOf(json, "hcloud_server")["web-1"];
    expect(srv).toMatchObject({
      name: "web-1.all2all.org",
      image: "debian-12",
      user_data: "#cloud-config\npackages: [nginx]\n",
      ssh_keys: ["${hcloud_ssh_key.alice.id}", "bob"],
      placement_group_id: 42,
      firewall_ids: [7, 8],
      backups: false,
      keep_disk: false,
      shutdown_before_deletion: false,
    });
    expect(resourcesOf(json, "hcloud_primary_ip")["web-1-ipv6"].name).toBe("web-1.all2all.org-ipv6");
  });

  it("attaches private networks as hcloud_server_network resources, never inline blocks, alias_ips unset", () => {
    const { json, server } = build({ networks: [{ name: "internal", subnetId: "1-10.20.1.0/24", ip: "10.20.1.21" }] });
    const extra = server.attachToNetwork({ name: "backend", networkId: 2 });
    expect(extra.node.path).toBe("test/web-1/network-backend");
    const again = synth(server.node.scope as TerraformStack);
    expect(resourcesOf(again, "hcloud_server_network")).toEqual({
      "web-1-internal": { server_id: "${hcloud_server.web-1.id}", subnet_id: "1-10.20.1.0/24", ip: "10.20.1.21" },
      "web-1-backend": { server_id: "${hcloud_server.web-1.id}", network_id: 2 },
    });
    expect(resourcesOf(json, "hcloud_server")["web-1"].network).toBeUndefined();
  });

  it("creates volumes in the server's location, protected, ext4 and automounted by default", () => {
    const { json } = build({
      volumes: [
        { name: "web-1-data", sizeGb: 50 },
        { name: "web-1-logs", sizeGb: 10, format: "xfs", automount: false, labels: { tier: "logs" } },
      ],
    });
    expect(resourcesOf(json, "hcloud_volume")).toEqual({
      "web-1-data": labelledProtected({ name: "web-1-data", size: 50, format: "ext4", location: "fsn1" }),
      "web-1-logs": {
        name: "web-1-logs",
        size: 10,
        format: "xfs",
        location: "fsn1",
        labels: { ...LABELS, tier: "logs" },
        ...PROTECTED,
      },
    });
    expect(resourcesOf(json, "hcloud_volume_attachment")).toEqual({
      "web-1-data": {
        volume_id: "${hcloud_volume.web-1-data.id}",
        server_id: "${hcloud_server.web-1.id}",
        automount: true,
      },
      "web-1-logs": {
        volume_id: "${hcloud_volume.web-1-logs.id}",
        server_id: "${hcloud_server.web-1.id}",
        automount: false,
      },
    });
  });

  it("creates floating IPs in the server's location, assigned, with reverse DNS (IPv6 on its ::1 host)", () => {
    const { json, server, stack } = build({
      floatingIps: [{ type: "ipv4", description: "www failover address", reverseDns: "www.all2all.org" }],
    });
    const v6 = server.addFloatingIp({ type: "ipv6", name: "www-v6", reverseDns: "www.all2all.org" });
    expect(resolveIn(stack, v6.address)).toBe("${cidrhost(hcloud_floating_ip.web-1-floating-ipv6.ip_network, 1)}");
    expect(resourcesOf(json, "hcloud_floating_ip")["web-1-floating-ipv4"]).toEqual(
      labelledProtected({
        name: "web-1-floating-ipv4",
        type: "ipv4",
        home_location: "fsn1",
        description: "www failover address",
      }),
    );
    const after = synth(stack);
    expect(resourcesOf(after, "hcloud_floating_ip")["web-1-floating-ipv6"].name).toBe("www-v6");
    expect(resourcesOf(after, "hcloud_floating_ip_assignment")).toEqual({
      "web-1-floating-ipv4": {
        floating_ip_id: "${hcloud_floating_ip.web-1-floating-ipv4.id}",
        server_id: "${hcloud_server.web-1.id}",
      },
      "web-1-floating-ipv6": {
        floating_ip_id: "${hcloud_floating_ip.web-1-floating-ipv6.id}",
        server_id: "${hcloud_server.web-1.id}",
      },
    });
    expect(resourcesOf(after, "hcloud_rdns")).toEqual({
      "web-1-floating-ipv4": {
        floating_ip_id: "${hcloud_floating_ip.web-1-floating-ipv4.id}",
        ip_address: "${hcloud_floating_ip.web-1-floating-ipv4.ip_address}",
        dns_ptr: "www.all2all.org",
      },
      "web-1-floating-ipv6": {
        floating_ip_id: "${hcloud_floating_ip.web-1-floating-ipv6.id}",
        ip_address: "${cidrhost(hcloud_floating_ip.web-1-floating-ipv6.ip_network, 1)}",
        dns_ptr: "www.all2all.org",
      },
    });
  });

  describe("import (adopting an existing server)", () => {
    it("emits import blocks for the server and its current primary IPs", () => {
      const { json } = build({ ipv4: true, importId: "123", importPrimaryIpIds: { ipv4: "5", ipv6: "6" } });
      expect(importsOf(json)).toEqual(
        expect.arrayContaining([
          { to: "hcloud_server.web-1", id: "123" },
          { to: "hcloud_primary_ip.web-1-ipv4", id: "5" },
          { to: "hcloud_primary_ip.web-1-ipv6", id: "6" },
        ]),
      );
      expect(importsOf(json)).toHaveLength(3);
      expect(resourcesOf(json, "hcloud_server")["web-1"].lifecycle.ignore_changes).toEqual([
        "image",
        "ssh_keys",
        "user_data",
        "public_net",
      ]); // public_net: not read back after an import (IGNORED_AFTER_IMPORT)
    });

    it('"create" makes a new primary IP on purpose instead of importing one', () => {
      const { json } = build({ ipv4: true, importId: "123", importPrimaryIpIds: { ipv4: "create", ipv6: "6" } });
      expect(importsOf(json)).toEqual(
        expect.arrayContaining([
          { to: "hcloud_server.web-1", id: "123" },
          { to: "hcloud_primary_ip.web-1-ipv6", id: "6" },
        ]),
      );
      expect(importsOf(json)).toHaveLength(2);
    });

    it("imports volumes and floating IPs given an importId", () => {
      const { json } = build({
        volumes: [{ name: "web-1-data", sizeGb: 50, importId: "77" }],
        floatingIps: [{ type: "ipv4", importId: "88" }],
      });
      expect(importsOf(json)).toEqual([
        { to: "hcloud_volume.web-1-data", id: "77" },
        { to: "hcloud_floating_ip.web-1-floating-ipv4", id: "88" },
      ]);
    });

    it("import blocks run no process at synth (cdktn's importFrom would run `terraform version`)", () => {
      // The module object cdktn itself requires (an ES import would give a copy under swc's interop).
      const childProcess = require("node:child_process") as typeof import("child_process");
      const execSync = jest.spyOn(childProcess, "execSync");
      const { dir, cleanup } = makeTempDir("server-import-test-");
      try {
        const app = new App({ outdir: dir, stackTraces: false });
        new Server(makeStack("adopt", app), "web-1", { ...BASE, importId: "123", importPrimaryIpIds: { ipv6: "6" } });
        app.synth();
        const json = JSON.parse(fs.readFileSync(path.join(dir, "stacks/adopt/cdk.tf.json"), "utf8"));
        expect(importsOf(json)).toEqual([
          { to: "hcloud_primary_ip.web-1-ipv6", id: "6" },
          { to: "hcloud_server.web-1", id: "123" },
        ]);
        expect(execSync).not.toHaveBeenCalled();
        expectSchemaValid(json, "adopt");
      } finally {
        execSync.mockRestore();
        cleanup();
      }
    });

    it("fails without the primary IPs of the adopted server", () => {
      expectRefused(build, [
        [
          { importId: "123" },
          'Server "web-1": importId is set but importPrimaryIpIds.ipv6 is missing: adopting a server without ' +
            "its current primary IPV6 would link a new address and delete the current one",
        ],
        [{ ipv4: true, importId: "123", importPrimaryIpIds: { ipv6: "6" } }, "importPrimaryIpIds.ipv4 is missing"],
      ]);
    });

    it("fails when the adopted server's IPv4 would be released", () => {
      expect(() => build({ importId: "123", importPrimaryIpIds: { ipv4: "5", ipv6: "6" } })).toThrow(
        'Server "web-1": importPrimaryIpIds.ipv4 is given but ipv4 is false: set ipv4: true to keep the server\'s IPv4',
      );
    });

    it("fails on ids that are not Hetzner ids, and on importPrimaryIpIds without importId", () => {
      expectRefused(build, [
        [{ importId: "web-1" }, 'Server "web-1": importId "web-1" is not a Hetzner id: give the numeric id'],
        [{ importId: "123", importPrimaryIpIds: { ipv6: "x" } }, 'importPrimaryIpIds.ipv6 "x" is not a Hetzner id'],
        [{ importPrimaryIpIds: { ipv6: "6" } }, 'Server "web-1": importPrimaryIpIds is only meaningful with importId'],
      ]);
    });
  });

  describe("labels", () => {
    it("puts the given labels on the server, primary IPs, volumes and floating IPs", () => {
      const { json } = build({
        ipv4: true,
        volumes: [{ name: "web-1-data", sizeGb: 10 }],
        floatingIps: [{ type: "ipv4" }],
      });
      for (const type of ["hcloud_server", "hcloud_primary_ip", "hcloud_volume", "hcloud_floating_ip"]) {
        for (const resource of Object.values(resourcesOf(json, type))) expect(resource.labels).toEqual(LABELS);
      }
    });

    it("accepts prefixed keys, empty values and token values", () => {
      const token = Lazy.stringValue({ produce: () => "web" });
      const { json } = build({ labels: { "all2all.org/service": "web", backup: "", role: token } });
      expect(resourcesOf(json, "hcloud_server")["web-1"].labels).toEqual({
        "all2all.org/service": "web",
        backup: "",
        role: "web",
      });
    });

    it("fails on an invalid label key", () => {
      expectRefused(build, [
        [
          { labels: { "-role": "web" } },
          'Server "web-1": labels: label key "-role" must start and end with a letter or digit, ' +
            'with only letters, digits, "-", "_" and "." between (Hetzner labels:',
        ],
        [
          { labels: { "hetzner.cloud/x": "y" } },
          'label key "hetzner.cloud/x": its prefix "hetzner.cloud" is reserved by Hetzner',
        ],
        [{ labels: { ["k".repeat(64)]: "v" } }, `label key "${"k".repeat(64)}" is 64 characters long (at most 63)`],
      ]);
    });

    it("fails on an invalid label value", () => {
      expectRefused(build, [
        [
          { labels: { role: "web server" } },
          'Server "web-1": labels: label "role": label value "web server" must ' +
            "be empty or start and end with a letter or digit",
        ],
        [{ labels: { role: "x".repeat(64) } }, `labels: label "role": label value is 64 characters long (at most 63)`],
      ]);
    });

    it("fails on an invalid volume label", () => {
      expect(() => build({ volumes: [{ name: "web-1-data", sizeGb: 10, labels: { "a b": "c" } }] })).toThrow(
        'Server "web-1", volume "web-1-data": labels: label key "a b" must start and end',
      );
    });
  });

  describe("validation", () => {
    it("fails on a construct id that cannot be an address", () => {
      expect(() => build({}, "Web_1")).toThrow(
        'Server "Web_1": the construct id "Web_1" is not a valid name: use lower-case letters, digits and ' +
          'inner hyphens, starting with a letter, at most 63 characters (e.g. "web-1")',
      );
    });

    it("fails on a server name that is not a host name", () => {
      expect(() => build({ name: "web 1" })).toThrow('Server "web-1": name "web 1" is not a valid host name');
    });

    it("fails on empty type, location or image", () => {
      expectRefused(build, [
        [{ serverType: "" }, 'Server "web-1": serverType must be a non-empty string (got ""), e.g. "cx23"'],
        [{ location: " " }, 'Server "web-1": location must be a non-empty string (got " "), e.g. "fsn1"'],
        [{ image: "" }, 'Server "web-1": image must be a non-empty string (got "")'],
      ]);
    });

    it("fails on reverse DNS for an IPv4 the server does not have", () => {
      expect(() => build({ reverseDns: { ipv4: "web-1.all2all.org" } })).toThrow(
        'Server "web-1": reverseDns.ipv4 is "web-1.all2all.org" but the server ' +
          "has no IPv4; set ipv4: true or drop reverseDns.ipv4",
      );
    });

    it("fails on a reverse DNS name that is not a host name", () => {
      expectRefused(build, [
        [
          { reverseDns: { ipv6: "web-1.all2all.org." } },
          'Server "web-1": reverseDns.ipv6 "web-1.all2all.org." is not a valid host name: drop the trailing dot',
        ],
        [{ reverseDns: { ipv6: "web-1" } }, 'reverseDns.ipv6 "web-1" is not a valid host name'],
      ]);
    });

    it("fails on user data over Hetzner's limit", () => {
      expect(() => build({ userData: "x".repeat(MAX_USER_DATA_BYTES + 1) })).toThrow(
        `Server "web-1": userData is ${MAX_USER_DATA_BYTES + 1} bytes (Hetzner accepts at most ${MAX_USER_DATA_BYTES})`,
      );
    });

    it("fails on an ssh key entry that is not an id or name", () => {
      expect(() => build({ sshKeys: ["alice", ""] })).toThrow(
        'Server "web-1": sshKeys[1] must be an ssh key id or name (got "")',
      );
    });

    it("fails on an ipv6HostNumber that is not a positive integer", () => {
      expect(() => build({ ipv6HostNumber: 0 })).toThrow('Server "web-1": ipv6HostNumber must be an integer from 1 to');
    });

    it("fails on a network attachment naming both or neither of subnet and network", () => {
      expectRefused(build, [
        [
          { networks: [{ name: "internal" }] },
          'Server "web-1", network "internal": give exactly one of subnetId (preferred: ' +
            "it orders the attachment after the subnet) and networkId",
        ],
        [{ networks: [{ name: "internal", subnetId: "s", networkId: 1 }] }, "give exactly one of subnetId"],
      ]);
    });

    it("fails on a private IP that is not IPv4, and on a network attached twice", () => {
      expectRefused(build, [
        [
          { networks: [{ name: "internal", networkId: 1, ip: "10.20.1.300" }] },
          'Server "web-1", network "internal": ip "10.20.1.300" is not an ' +
            "IPv4 address (private networks are IPv4 only)",
        ],
        [
          {
            networks: [
              { name: "internal", networkId: 1 },
              { name: "internal", networkId: 2 },
            ],
          },
          'Server "web-1": the network "internal" is attached twice',
        ],
      ]);
    });

    it("fails on volume sizes outside 10-10240 GB, bad formats and duplicate volumes", () => {
      expectRefused(build, [
        [
          { volumes: [{ name: "web-1-data", sizeGb: 5 }] },
          'Server "web-1", volume "web-1-data": sizeGb must be an integer from 10 to 10240 (got 5)',
        ],
        [
          { volumes: [{ name: "web-1-data", sizeGb: 10, format: "btrfs" as never }] },
          'format must be "ext4" or "xfs" (got "btrfs")',
        ],
        [
          {
            volumes: [
              { name: "data", sizeGb: 10 },
              { name: "data", sizeGb: 10 },
            ],
          },
          'Server "web-1": the volume "data" is declared twice',
        ],
      ]);
    });

    it("fails on two floating IPs of one type", () => {
      expect(() => build({ floatingIps: [{ type: "ipv4" }, { type: "ipv4" }] })).toThrow(
        'Server "web-1": a floating ipv4 is already declared',
      );
    });

    it("refuses a second resource with the same address in a stack", () => {
      const stack = makeStack();
      new Server(stack, "web-1", { ...BASE, volumes: [{ name: "shared-data", sizeGb: 10 }] });
      expect(() => new Server(stack, "web-2", { ...BASE, volumes: [{ name: "shared-data", sizeGb: 10 }] })).toThrow(
        "test/web-2/volume-shared-data: the address hcloud_volume.shared-data is " +
          'already used in stack "test" by test/web-1/volume-shared-data',
      );
    });
  });
});
