// Public addresses and backups: IPv4 only where the role needs it, reverse
// DNS confirmed by a forward record, backups for stateful servers.
import type { DnsZone } from "../../constructs";
import type { Workspace } from "../../testing/description";
import { expectRule, findingsOf, PRODUCTION, replaceIn, ruleFindings, sharedSynth } from "../../testing/policies";
import { joinRegExp } from "../../primitives/regexp";

const baseline = sharedSynth(PRODUCTION);
/** ns-1 given a role that needs no public IPv4 (nor the DNS ports it is open on). */
const nsAsMonitoring = replaceIn("config/network.yaml", ["    role: dns\n", "    role: monitoring\n"]);
/** lists-1, which holds a volume, without Hetzner backups. */
const listsWithoutBackups = replaceIn("config/network.yaml", [
  "    role: lists\n",
  "    role: lists\n    backups: false\n",
]);

describe("public-ipv4-role", () => {
  test("fires for a public IPv4 on a role that does not need one", () => {
    expectRule(ruleFindings("public-ipv4-role", { edit: nsAsMonitoring }), "public-ipv4-role", [
      ["warning", "production-servers", "hcloud_server.ns-1", "server/ns-1"],
      expect.stringMatching(
        joinRegExp(
          /^server ns-1 \(hcloud_server\.ns-1 in production-servers\) has a public IPv4 but its role /,
          /"monitoring" does not need one \(policies\/roles\.ts\).*Set public\.ipv4: false in config/,
        ),
      ),
    ]);
  });

  test("does not fire for roles that need IPv4 (the default config), nor for a server with IPv4 disabled", () => {
    expect(findingsOf(baseline.findings, "public-ipv4-role")).toEqual([]);
    const ipv4Disabled = ruleFindings("public-ipv4-role", {
      edit: nsAsMonitoring,
      extend: ({ environments }) => {
        const ns = environments[0]!.server("ns-1");
        ns.server.putPublicNet([{ ipv4Enabled: false, ipv6Enabled: true, ipv6: ns.ipv6PrimaryIp.id }]);
      },
    });
    expect(ipv4Disabled).toEqual([]);
  });
});

describe("rdns-forward", () => {
  test(
    "fires for a reverse name without a forward record, a mismatched " +
      "one, one outside the zones, and a missing one",
    () => {
      const found = ruleFindings("rdns-forward", {
        edit: replaceIn(
          "config/network.yaml",
          [
            "rdns: { ipv4: lists.all2all.org, ipv6: lists.all2all.org }",
            "rdns: { ipv4: list.all2all.org, ipv6: lists.all2all.org }",
          ],
          [
            "rdns: { ipv4: web-2.all2all.org, ipv6: web-2.all2all.org }",
            "rdns: { ipv4: web-1.all2all.org, ipv6: web-2.all2all.org }",
          ],
          [
            "rdns: { ipv4: ns-1.all2all.org, ipv6: ns-1.all2all.org }",
            "rdns: { ipv4: ns-1.all2all.org, ipv6: ns-1.example.net }",
          ],
          ["rdns: { ipv4: mail.all2all.org, ipv6: mail.all2all.org }", "rdns: { ipv4: mail.all2all.org }"],
        ),
      });
      expect(found.map((f) => [f.severity, f.stack, f.address, f.subject])).toEqual([
        ["warning", "production-servers", "hcloud_primary_ip.lists-1-ipv4", "server/lists-1"],
        ["warning", "production-servers", "hcloud_primary_ip.mail-1-ipv6", "server/mail-1"],
        ["warning", "production-servers", "hcloud_primary_ip.ns-1-ipv6", "server/ns-1"],
        ["warning", "production-servers", "hcloud_primary_ip.web-2-ipv4", "server/web-2"],
      ]);
      expect(found[0]!.message).toBe(
        "primary IP lists-1-ipv4 (hcloud_primary_ip.lists-1-ipv4 in production-servers) of server/lists-1 has " +
          "reverse DNS list.all2all.org, but list.all2all.org has no A record: forward-confirmed reverse DNS fails " +
          '(mail from it is scored as spam). Fix: add { name: "list", type: A, values: [lists-1.ipv4] } to zone ' +
          "all2all.org, or change servers[lists-1].public.rdns.ipv4.",
      );
      expect(found[1]!.message).toMatch(
        joinRegExp(
          /^primary IP mail-1-ipv6 .* has no reverse DNS: it answers with Hetzner's generic /,
          /name.* Set servers\[mail-1\]\.public\.rdns\.ipv6 in config/,
        ),
      );
      expect(found[2]!.message).toMatch(
        joinRegExp(
          /has reverse DNS ns-1\.example\.net, which is in no zone of environment /,
          /production, so no forward record can confirm it/,
        ),
      );
      expect(found[3]!.message).toMatch(
        joinRegExp(
          /has reverse DNS web-1\.all2all\.org, but web-1\.all2all\.org has A /,
          /hcloud_primary_ip\.web-1-ipv4\.ip_address, not this address/,
        ),
      );
    },
  );

  test("fires in a primary zone, where the records are resources read across stacks", () => {
    const found = ruleFindings(
      "rdns-forward",
      {
        edit: replaceIn("config/environments/staging.yaml", [
          "rdns: { ipv4: web-1.all2all-staging.org, ipv6: web-1.all2all-staging.org }",
          "rdns: { ipv4: mail.all2all-staging.org, ipv6: web-1.all2all-staging.org }",
        ]),
      },
      { envs: ["staging"] },
    );
    expect(found.map((f) => [f.address, f.message.replace(/^.*, but /, "")])).toEqual([
      [
        "hcloud_primary_ip.web-1-ipv4",
        expect.stringMatching(
          /^mail\.all2all-staging\.org has A hcloud_primary_ip\.mail-1-ipv4\.ip_address, not this address/,
        ),
      ],
    ]);
  });

  test(
    "does not fire when every reverse name has its forward record, in " +
      "secondary (production) and primary (staging) zones",
    () => {
      expect(findingsOf(baseline.findings, "rdns-forward")).toEqual([]);
      const { findings } = sharedSynth({ envs: ["staging"] });
      expect(findingsOf(findings, "rdns-forward")).toEqual([]);
    },
  );
});

describe("rdns-forward-floating", () => {
  test("fires for the floating IP whose reverse name points at the primary addresses (the default production)", () => {
    expectRule(findingsOf(baseline.findings, "rdns-forward-floating"), "rdns-forward-floating", [
      ["warning", "production-servers", "hcloud_floating_ip.web-1-floating-ipv4", "server/web-1"],
      "floating IP web-1-floating-ipv4 (hcloud_floating_ip.web-1-floating-ipv4 in production-servers) of " +
        "server/web-1 has reverse DNS www.all2all.org, but all2all.org has A " +
        "hcloud_primary_ip.web-1-ipv4.ip_address and hcloud_primary_ip.web-2-ipv4.ip_address, not this address " +
        "(followed www.all2all.org → all2all.org): forward-confirmed reverse DNS fails (mail from it is scored " +
        "as spam). Fix: point an A record at the floating address or change servers[web-1].floating_ip.rdns.",
    ]);
  });

  test("fires for a floating IP without reverse DNS", () => {
    const found = ruleFindings("rdns-forward-floating", {
      edit: replaceIn("config/network.yaml", ["      rdns: www.all2all.org\n", ""]),
    });
    expect(found.map((f) => f.message)).toEqual([
      expect.stringMatching(
        /^floating IP web-1-floating-ipv4 .* has no reverse DNS.* Set servers\[web-1\]\.floating_ip\.rdns in config/,
      ),
    ]);
  });

  test("does not fire when a forward record points at the floating address", () => {
    const found = ruleFindings("rdns-forward-floating", {
      edit: replaceIn("config/network.yaml", [
        "      rdns: www.all2all.org\n",
        "      rdns: failover.exemple-asbl.be\n",
      ]),
      extend: ({ environments }) => {
        const env = environments[0]!;
        const floating = env.server("web-1").floatingIps.get("ipv4")!;
        (env.dns.node.findChild("exemple-asbl-be") as DnsZone).addRecordSet({
          name: "failover",
          type: "A",
          records: [floating.address],
        });
      },
    });
    expect(found).toEqual([]);
  });
});

describe("stateful-backups", () => {
  test("fires for a stateful server without Hetzner backups or a subaccount", () => {
    const withoutSubaccount = (ws: Workspace) => {
      listsWithoutBackups(ws);
      ws.replace(
        "config/backup.yaml",
        "      - { name: lists-1, server: lists-1, home_directory: servers/lists-1, " +
          "description: list archives and collaboration data }\n",
        "",
      );
    };
    expectRule(ruleFindings("stateful-backups", { edit: withoutSubaccount }), "stateful-backups", [
      ["warning", "production-servers", "hcloud_server.lists-1", "server/lists-1"],
      "server lists-1 (hcloud_server.lists-1 in production-servers) has no backup: it has 1 volume, but " +
        "Hetzner backups are off and no storage-box subaccount names it. Set backups: true (the default) or add " +
        "a subaccount with server: lists-1 to a storage box.",
    ]);
  });

  test("does not fire with backups on (the default config) or with a subaccount only", () => {
    expect(findingsOf(baseline.findings, "stateful-backups")).toEqual([]);
    expect(ruleFindings("stateful-backups", { edit: listsWithoutBackups })).toEqual([]);
  });
});
