// Destruction guards: protection of stateful resources in protected
// environments, production protected, public addresses as primary IPs that
// outlive their server, no silent replacement of a server.
import type { BackupStorage, DnsZone } from "../../constructs";
import {
  expectRule,
  findingsOf,
  PRODUCTION,
  replaceIn,
  ruleFindings,
  synthEdited,
  sharedSynth,
} from "../../testing/policies";
import { joinRegExp } from "../../primitives/regexp";

const baseline = sharedSynth(PRODUCTION);

describe("protect-stateful", () => {
  test("fires for each stateful resource of a protected environment that lacks a protection", () => {
    const found = ruleFindings("protect-stateful", {
      extend: ({ environments }) => {
        const env = environments[0]!;
        env.server("web-1").volumes.get("web-1-data")!.volume.deleteProtection = false;
        env.server("mail-1").server.addOverride("lifecycle.prevent_destroy", false);
        env.server("admin-1").server.rebuildProtection = false;
        env.server("ns-1").ipv4PrimaryIp!.addOverride("lifecycle.prevent_destroy", false);
      },
    });
    expect(found.map((f) => [f.severity, f.stack, f.address, f.subject])).toEqual([
      ["error", "production-servers", "hcloud_primary_ip.ns-1-ipv4", "server/ns-1"],
      ["error", "production-servers", "hcloud_server.admin-1", "server/admin-1"],
      ["error", "production-servers", "hcloud_server.mail-1", "server/mail-1"],
      ["error", "production-servers", "hcloud_volume.web-1-data", "volume/web-1-data"],
    ]);
    expect(found[3]!.message).toBe(
      "volume web-1-data (hcloud_volume.web-1-data in production-servers) of protected environment production " +
        "lacks delete_protection: Hetzner's delete protection alone does not stop a destroy (the provider lifts it " +
        "first), prevent_destroy alone does not stop the console or API. Create it with protect: true (the " +
        "library's default, which the stacks take from environment.protect).",
    );
    expect(found[1]!.message).toMatch(
      joinRegExp(
        /^server admin-1 \(hcloud_server\.admin-1 in production-servers\) of /,
        /protected environment production lacks rebuild_protection:/,
      ),
    );
    expect(found[2]!.message).toMatch(/lacks lifecycle\.prevent_destroy:/);
  });

  test("fires for a zone and a storage box", () => {
    const found = ruleFindings("protect-stateful", {
      extend: ({ environments }) => {
        const env = environments[0]!;
        (env.dns.node.findChild("exemple-asbl-be") as DnsZone).zone.deleteProtection = false;
        (env.backup.node.findChild("backup") as BackupStorage).storageBox.lifecycle = { ignoreChanges: ["ssh_keys"] };
      },
    });
    expect(found.map((f) => [f.address, f.subject, f.message.replace(/:.*/, "")])).toEqual([
      [
        "hcloud_storage_box.backup",
        "storage-box/backup",
        "storage box backup (hcloud_storage_box.backup in production-backup) of " +
          "protected environment production lacks lifecycle.prevent_destroy",
      ],
      [
        "hcloud_zone.exemple-asbl-be",
        "zone/exemple-asbl.be",
        "zone exemple-asbl.be (hcloud_zone.exemple-asbl-be in production-dns) of " +
          "protected environment production lacks delete_protection",
      ],
    ]);
  });

  test("does not fire in production and dr as configured, nor in the unprotected staging", () => {
    const { findings } = sharedSynth();
    expect(findingsOf(findings, "protect-stateful")).toEqual([]);
    expect(findingsOf(baseline.findings, "protect-stateful")).toEqual([]);
  });
});

describe("production-protect", () => {
  test("fires for an environment named production with protect: false", () => {
    const unprotected = replaceIn("config/environments/production.yaml", ["  protect: true\n", "  protect: false\n"]);
    expectRule(ruleFindings("production-protect", { edit: unprotected }), "production-protect", [
      ["error", "production", "", "environment/production"],
      expect.stringMatching(
        joinRegExp(
          /^environment production has protect: false: .* Set /,
          /environment\.protect: true in config\/environments\/production\.yaml/,
        ),
      ),
    ]);
  });

  test("does not fire for a protected production nor for an unprotected staging", () => {
    const { findings } = sharedSynth({ envs: ["production", "staging"] });
    expect(findingsOf(findings, "production-protect")).toEqual([]);
  });
});

describe("public-ip-primary", () => {
  test("fires for a primary IP with auto_delete, a server without public_net, and an auto-created IPv6", () => {
    const found = ruleFindings("public-ip-primary", {
      extend: ({ environments }) => {
        const env = environments[0]!;
        env.server("web-1").ipv4PrimaryIp!.autoDelete = true;
        env.server("web-2").server.resetPublicNet();
        const mail = env.server("mail-1");
        mail.server.putPublicNet([{ ipv4Enabled: true, ipv4: mail.ipv4PrimaryIp!.id, ipv6Enabled: true }]);
      },
    });
    expect(found.map((f) => [f.severity, f.address, f.subject])).toEqual([
      ["error", "hcloud_primary_ip.web-1-ipv4", "server/web-1"],
      ["error", "hcloud_server.mail-1", "server/mail-1"],
      ["error", "hcloud_server.web-2", "server/web-2"],
    ]);
    expect(found[0]!.message).toMatch(
      joinRegExp(
        /^primary IP web-1-ipv4 \(hcloud_primary_ip\.web-1-ipv4 in production-servers\) has auto_delete /,
        /true: the address would be deleted with its server.* Set auto_delete = false/,
      ),
    );
    expect(found[1]!.message).toMatch(
      joinRegExp(
        /^server mail-1 \(hcloud_server\.mail-1 in production-servers\) has public IPV6 /,
        /enabled without a primary IP \(public_net\.ipv6 is unset\)/,
      ),
    );
    expect(found[2]!.message).toMatch(
      joinRegExp(
        /^server web-2 .* has no public_net block: Hetzner then creates an /,
        /IPv4 and an IPv6 that are deleted with the server/,
      ),
    );
  });

  test(
    "does not fire for servers whose addresses are linked primary IPs " + "with auto_delete false (the default config)",
    () => {
      expect(findingsOf(baseline.findings, "public-ip-primary")).toEqual([]);
      const servers = baseline.stacks.get("production-servers").resource;
      expect(servers.hcloud_server["web-1"].public_net).toEqual([
        {
          ipv4: "${hcloud_primary_ip.web-1-ipv4.id}",
          ipv4_enabled: true,
          ipv6: "${hcloud_primary_ip.web-1-ipv6.id}",
          ipv6_enabled: true,
        },
      ]);
    },
  );
});

describe("server-replace-guard and server-rebuild-allowed", () => {
  test("server-replace-guard fires when a change of SSH keys or user data would replace the server", () => {
    const found = ruleFindings("server-replace-guard", {
      extend: ({ environments }) => {
        environments[0]!.server("web-1").server.lifecycle = { preventDestroy: true, ignoreChanges: ["image"] };
      },
    });
    expectRule(found, "server-replace-guard", [
      ["error", "production-servers", "hcloud_server.web-1", "server/web-1"],
      "server web-1 (hcloud_server.web-1 in production-servers) would be destroyed and recreated (its disk " +
        "wiped) by a change of ssh_keys and user_data: with this provider they replace the server. Keep them in " +
        "lifecycle.ignore_changes (the Server construct does unless allowRebuild), and rebuild deliberately with " +
        "allow_rebuild: true in config.",
    ]);
  });

  test("allow_rebuild: true turns the error into the server-rebuild-allowed reminder", () => {
    const { findings } = synthEdited(
      (ws) =>
        ws.write(
          "config/environments/production.yaml",
          `${ws.read("config/environments/production.yaml")}\nservers:\n  - name: web-2\n    allow_rebuild: true\n`,
        ),
      PRODUCTION,
    );
    expect(findingsOf(findings, "server-replace-guard")).toEqual([]);
    // The server gives up prevent_destroy for the rebuild, on purpose; its addresses and volumes keep theirs.
    expect(findingsOf(findings, "protect-stateful")).toEqual([]);
    expect(findingsOf(findings, "server-rebuild-allowed")).toEqual([
      expect.objectContaining({
        severity: "warning",
        address: "hcloud_server.web-2",
        subject: "server/web-2",
        message: expect.stringMatching(
          joinRegExp(
            /is declared allow_rebuild: true: a change of its image, SSH keys or user data now /,
            /destroys and recreates it.*set allow_rebuild back to false/,
          ),
        ),
      }),
    ]);
  });

  test("neither fires when image, ssh_keys and user_data are ignored (the default config)", () => {
    expect(findingsOf(baseline.findings, "server-replace-guard")).toEqual([]);
    expect(findingsOf(baseline.findings, "server-rebuild-allowed")).toEqual([]);
  });
});
