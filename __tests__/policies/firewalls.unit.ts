// Firewall rules: every server in a firewall; no SSH, database or any-port
// open to the world; world-open ports only where the role serves them.
// Each test runs a full app.synth() with the policy aspects.
import { Token } from "cdktn";
import type { FirewallPolicy } from "../../constructs";
import * as firewallAttachment from "../../.gen/providers/hcloud/firewall-attachment";
import { expectRule, findingsOf, PRODUCTION, replaceIn, ruleFindings, sharedSynth } from "../../testing/policies";
import { joinRegExp } from "../../primitives/regexp";

const baseline = sharedSynth(PRODUCTION);
/** ns-1 without its firewall policies: no firewall's label selector matches it. */
const nsWithoutFirewalls = replaceIn("config/network.yaml", ["    firewall_policies: [base, dns-primary]\n", ""]);

describe("server-firewall", () => {
  test("fires for a server no firewall selects", () => {
    expectRule(ruleFindings("server-firewall", { edit: nsWithoutFirewalls }), "server-firewall", [
      ["error", "production-servers", "hcloud_server.ns-1", "server/ns-1"],
      expect.stringMatching(
        joinRegExp(
          /^server ns-1 \(hcloud_server\.ns-1 in production-servers\) is in no firewall: no firewall's label /,
          /selector matches its labels.*Give it firewall policies in config /,
          /\(servers\[\]\.firewall_policies, at least "base"\)/,
        ),
      ),
    ]);
  });

  test("names fw- labels that select no firewall", () => {
    const [finding] = ruleFindings("server-firewall", {
      extend: ({ environments }) => {
        const ns = environments[0]!.server("ns-1").server;
        ns.addOverride("labels.fw-base", "off");
        ns.addOverride("labels.fw-dns-primary", "off");
      },
    });
    expect(finding!.address).toBe("hcloud_server.ns-1");
    expect(finding!.message).toMatch(
      /its labels fw-base=off and fw-dns-primary=off select no firewall of environment production/,
    );
  });

  test("does not fire when every server is selected by label (the default config)", () => {
    expect(findingsOf(baseline.findings, "server-firewall")).toEqual([]);
  });

  test("does not fire for a server covered by a firewall attachment or by firewall_ids", () => {
    for (const how of ["attachment", "firewall_ids"] as const) {
      const found = ruleFindings("server-firewall", {
        edit: nsWithoutFirewalls,
        extend: ({ environments }) => {
          const env = environments[0]!;
          const base = env.network.node.findChild("base") as FirewallPolicy;
          const ns = env.server("ns-1");
          if (how === "attachment") {
            new firewallAttachment.FirewallAttachment(env.servers, "ns-1-base", {
              firewallId: Token.asNumber(base.firewall.id),
              serverIds: [ns.serverId],
            });
          } else {
            ns.server.firewallIds = [base.firewallId];
          }
        },
      });
      expect({ how, found }).toEqual({ how, found: [] });
    }
  });
});

describe("firewall-world-sensitive-port", () => {
  test("fires for SSH open to 0.0.0.0/0 and ::/0", () => {
    const sshToAll = replaceIn("config/network.yaml", ["port: 22, sources: [admin]", "port: 22, sources: [any]"]);
    expectRule(ruleFindings("firewall-world-sensitive-port", { edit: sshToAll }), "firewall-world-sensitive-port", [
      ["error", "production-network", "hcloud_firewall.ssh-admin", "firewall-policy/ssh-admin"],
      "firewall ssh-admin (hcloud_firewall.ssh-admin in production-network) opens tcp 22 (SSH) to the whole " +
        "Internet (inbound tcp 22 from 0.0.0.0/0 and ::/0): restrict the rule's sources to the operators' ranges " +
        "(sources: [admin] in config) or remove the rule; databases are reached over the private network.",
    ]);
  });

  test("fires for a range covering a database port and for every port", () => {
    const found = ruleFindings("firewall-world-sensitive-port", {
      edit: replaceIn("config/network.yaml", [
        "      - { direction: in, protocol: udp, port: 443, sources: [any], description: HTTP/3 }\n",
        "      - { direction: in, protocol: udp, port: 443, sources: [any], description: HTTP/3 }\n" +
          '      - { direction: in, protocol: tcp, port: "5000-5500", sources: [any], description: app ports }\n' +
          "      - { direction: in, protocol: udp, port: any, sources: [any], description: everything }\n",
      ]),
    });
    expect(found.map((f) => [f.address, f.subject])).toEqual([
      ["hcloud_firewall.web", "firewall-policy/web"],
      ["hcloud_firewall.web", "firewall-policy/web"],
    ]);
    expect(found.map((f) => f.message).sort()).toEqual([
      expect.stringContaining(
        "opens tcp 5432 (PostgreSQL) to the whole Internet (inbound tcp 5000-5500 from 0.0.0.0/0 and ::/0)",
      ),
      expect.stringContaining(
        "opens udp every port to the whole Internet (inbound udp (every port) from 0.0.0.0/0 and ::/0)",
      ),
    ]);
  });

  test("does not fire for public service ports or for SSH from the admin ranges (the default config)", () => {
    expect(findingsOf(baseline.findings, "firewall-world-sensitive-port")).toEqual([]);
  });
});

describe("firewall-public-port-role", () => {
  test("fires for a world-open port the server's role does not serve", () => {
    const web2WithSmtp = replaceIn("config/network.yaml", [
      "    firewall_policies: [base, web]\n    user_data: cloud-init/web.yaml\n\n  - name: mail-1",
      "    firewall_policies: [base, web, smtp-in]\n    user_data: cloud-init/web.yaml\n\n  - name: mail-1",
    ]);
    expectRule(ruleFindings("firewall-public-port-role", { edit: web2WithSmtp }), "firewall-public-port-role", [
      ["error", "production-servers", "hcloud_server.web-2", "server/web-2"],
      expect.stringMatching(
        joinRegExp(
          /^server web-2 \(hcloud_server\.web-2 in production-servers\) is open to the whole Internet on tcp /,
          /25 through firewall smtp-in \(hcloud_firewall\.smtp-in in production-network\), but role "web" /,
          /serves tcp 80, tcp 443 and udp 443 to the Internet: take the policy out of the server's /,
          /firewall_policies/,
        ),
      ),
    ]);
  });

  test("fires for every open port of a role missing from the role table", () => {
    const nsAsMonitoring = replaceIn("config/network.yaml", ["    role: dns\n", "    role: monitoring\n"]);
    const [finding, ...rest] = ruleFindings("firewall-public-port-role", { edit: nsAsMonitoring });
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ address: "hcloud_server.ns-1", subject: "server/ns-1" });
    expect(finding!.message).toMatch(
      joinRegExp(
        /on tcp 53 and udp 53 through firewall dns-primary .* its role "monitoring" is not in the role /,
        /table \(policies\/roles\.ts\), so it may expose no port to the Internet/,
      ),
    );
  });

  test(
    "does not fire where the role serves the port: lists-1 runs its own " +
      "MTA, mail-1 serves webmail (the default config)",
    () => {
      expect(findingsOf(baseline.findings, "firewall-public-port-role")).toEqual([]);
      const servers = baseline.stacks.get("production-servers").resource.hcloud_server;
      expect(servers["lists-1"].labels).toMatchObject({ role: "lists", "fw-smtp-in": "on", "fw-web": "on" });
      expect(servers["mail-1"].labels).toMatchObject({ role: "mail", "fw-web": "on" });
    },
  );
});
