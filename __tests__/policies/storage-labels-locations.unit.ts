// Storage boxes locked down, labels on every resource, locations allowed.
import type { BackupStorage, FirewallPolicy } from "../../constructs";
import { expectRule, findingsOf, PRODUCTION, replaceIn, ruleFindings, sharedSynth } from "../../testing/policies";
import { joinRegExp } from "../../primitives/regexp";

const baseline = sharedSynth(PRODUCTION);

describe("storage-box-access", () => {
  test("fires for a box reachable from outside with Samba, and a subaccount with WebDAV", () => {
    const opened = replaceIn(
      "config/backup.yaml",
      ["      samba: false\n", "      samba: true\n"],
      [
        "      reachable_externally: false   # only from Hetzner's network (our servers)\n",
        "      reachable_externally: true\n",
      ],
      ["        readonly: true\n", "        readonly: true\n        access: { webdav: true }\n"],
    );
    expectRule(
      ruleFindings("storage-box-access", { edit: opened }),
      "storage-box-access",
      [
        ["error", "production-backup", "hcloud_storage_box.backup", "storage-box/backup"],
        "storage box backup (hcloud_storage_box.backup in production-backup) is reachable from outside Hetzner " +
          "(reachable_externally true) and has Samba on: backups over SSH from Hetzner servers need none of it, " +
          "and each is a way in for whoever gets the password. Set access: { reachable_externally: false, samba: " +
          "false, webdav: false } in config (the library's defaults).",
      ],
      [
        ["error", "production-backup", "hcloud_storage_box_subaccount.backup-restore", "storage-box/backup"],
        expect.stringMatching(
          joinRegExp(
            /^subaccount restore of storage box backup /,
            /\(hcloud_storage_box_subaccount\.backup-restore in production-backup\) has /,
            /WebDAV on:/,
          ),
        ),
      ],
    );
  });

  test("does not fire for the locked-down default box and subaccounts", () => {
    expect(findingsOf(baseline.findings, "storage-box-access")).toEqual([]);
  });
});

describe("storage-box-snapshots", () => {
  test("fires for a box without a snapshot plan", () => {
    const noSnapshots = replaceIn("config/backup.yaml", [
      "    snapshot_plan:                  # daily at 02:30 UTC, two weeks kept\n      hour: 2\n",
      "    snapshot_plan:\n      enabled: false\n      hour: 2\n",
    ]);
    expect(ruleFindings("storage-box-snapshots", { edit: noSnapshots })).toEqual([
      expect.objectContaining({
        severity: "error",
        stack: "production-backup",
        address: "hcloud_storage_box.backup",
        subject: "storage-box/backup",
        message: expect.stringMatching(
          joinRegExp(
            /^storage box backup \(hcloud_storage_box\.backup in production-backup\) has no snapshot plan: a /,
            /compromised server can delete its own backups.*Set snapshot_plan in config/,
          ),
        ),
      }),
    ]);
  });

  test("does not fire for the default daily plan", () => {
    expect(findingsOf(baseline.findings, "storage-box-snapshots")).toEqual([]);
  });
});

describe("storage-box-delete-protection", () => {
  test("fires for the unprotected box of the unprotected staging", () => {
    const { findings } = sharedSynth({ envs: ["staging"] });
    expectRule(findingsOf(findings, "storage-box-delete-protection"), "storage-box-delete-protection", [
      ["warning", "staging-backup", "hcloud_storage_box.backup", "storage-box/backup"],
      "storage box backup (hcloud_storage_box.backup in staging-backup) has no delete protection in " +
        "unprotected environment staging: one console click or API call deletes every backup in it. Protect it " +
        "(environment.protect: true), or suppress this warning for an environment whose backups are disposable.",
    ]);
  });

  test("does not fire where protect-stateful covers it (production), nor for a protected box in staging", () => {
    expect(findingsOf(baseline.findings, "storage-box-delete-protection")).toEqual([]);
    const protectedBox = ruleFindings(
      "storage-box-delete-protection",
      {
        extend: ({ environments }) => {
          (environments[0]!.backup.node.findChild("backup") as BackupStorage).storageBox.deleteProtection = true;
        },
      },
      { envs: ["staging"] },
    );
    expect(protectedBox).toEqual([]);
  });
});

describe("resource-labels", () => {
  test("fires for a wrong environment label, an empty role and an invalid key", () => {
    const found = ruleFindings("resource-labels", {
      extend: ({ environments }) => {
        const env = environments[0]!;
        env.server("web-1").volumes.get("web-1-data")!.volume.addOverride("labels.environment", "prod");
        const web = (env.network.node.findChild("web") as FirewallPolicy).firewall;
        web.addOverride("labels.role", "");
        web.addOverride("labels.-team", "ops");
      },
    });
    expectRule(
      found,
      "resource-labels",
      [
        ["error", "production-network", "hcloud_firewall.web", "firewall-policy/web"],
        expect.stringMatching(
          joinRegExp(
            /^hcloud_firewall\.web in production-network \(firewall-policy\/web\) has bad labels: role is /,
            /missing or empty; label key "-team" must start and end with a letter or digit.*pass the stacks' /,
            /base labels/,
          ),
        ),
      ],
      [
        ["error", "production-servers", "hcloud_volume.web-1-data", "volume/web-1-data"],
        expect.stringMatching(
          joinRegExp(
            /^hcloud_volume\.web-1-data in production-servers \(volume\/web-1-data\) has bad /,
            /labels: environment is "prod" \(expected "production"\)\./,
          ),
        ),
      ],
    );
  });

  test("does not fire: every labelled resource of every environment carries managed-by, environment and role", () => {
    const { findings } = sharedSynth();
    expect(findingsOf(findings, "resource-labels")).toEqual([]);
  });
});

describe("allowed-locations", () => {
  test("fires for a resource outside the environment's allowed locations", () => {
    const found = ruleFindings("allowed-locations", {
      extend: ({ environments }) => {
        environments[0]!.server("web-2").server.location = "ash";
        environments[0]!.server("web-2").ipv4PrimaryIp!.addOverride("datacenter", "hil-dc1");
      },
    });
    expect(found).toEqual([
      expect.objectContaining({
        severity: "error",
        stack: "production-servers",
        address: "hcloud_primary_ip.web-2-ipv4",
        subject: "server/web-2",
        message: expect.stringMatching(
          joinRegExp(
            /is in hil \(datacenter hil-dc1\), outside the allowed locations of /,
            /environment production \(fsn1, nbg1, hel1\)/,
          ),
        ),
      }),
      expect.objectContaining({
        severity: "error",
        stack: "production-servers",
        address: "hcloud_server.web-2",
        subject: "server/web-2",
        message:
          "hcloud_server.web-2 in production-servers (server/web-2) is in ash, outside the allowed locations of " +
          "environment production (fsn1, nbg1, hel1): data of the network's members stays where the environment " +
          "allows. Move it to an allowed location, or list ash in environment.allowed_locations deliberately.",
      }),
    ]);
  });

  test("does not fire for resources in allowed locations (the default config: fsn1, nbg1, hel1)", () => {
    expect(findingsOf(baseline.findings, "allowed-locations")).toEqual([]);
  });
});
