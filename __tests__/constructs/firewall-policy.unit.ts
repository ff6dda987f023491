import type { TerraformStack } from "cdktn";
import { ANYWHERE, FirewallPolicy, type FirewallPolicyProps, Server } from "../../constructs";
import { LABELS, inFreshStack, resolveIn } from "../../testing/construct-stacks";
import { importsOf, resourcesOf, synth } from "../../testing/synth-json";
import { expectRefused, expectSchemaValid, expectSoleResource } from "../../testing/construct-expect";

const ADMIN = ["192.0.2.0/24", "2001:db8:a11::/48"];

function build(props: Partial<FirewallPolicyProps> = {}, id = "web"): { stack: TerraformStack; fw: FirewallPolicy } {
  const { stack, construct: fw } = inFreshStack(FirewallPolicy, { labels: LABELS }, props, id);
  return { stack, fw };
}

describe("FirewallPolicy", () => {
  it("defaults: no rule (inbound denied), no target, labelled, one resource", () => {
    const { stack } = build();
    const json = synth(stack);
    expectSoleResource(json, "hcloud_firewall", "web", { name: "web", labels: LABELS });
  });

  it("synthesises schema-valid JSON with rules, selectors and an attachment", () => {
    const { stack, fw } = build({ labelSelectors: ["role=web"] });
    fw.allowFrom(ANYWHERE, "tcp", 443, "HTTPS");
    fw.allowFrom(ANYWHERE, "icmp", undefined, "ping");
    fw.allowSshFrom(ADMIN);
    fw.allowOutboundTo(ANYWHERE, "udp", "53", "DNS");
    fw.attachToServers([
      new Server(stack, "web-1", { serverType: "cx22", location: "fsn1", labels: LABELS, sshKeys: [] }).serverId,
    ]);
    expectSchemaValid(synth(stack));
  });

  it("allowFrom adds inbound rules and returns them", () => {
    const { stack, fw } = build();
    const https = fw.allowFrom(ANYWHERE, "tcp", 443, "HTTPS");
    const range = fw.allowFrom(["198.51.100.0/24"], "udp", "60000-61000", "mosh");
    const ping = fw.allowFrom(ANYWHERE, "icmp", undefined, "ping and path MTU discovery");
    expect(https).toEqual({
      direction: "in",
      protocol: "tcp",
      port: "443",
      sourceIps: ["0.0.0.0/0", "::/0"],
      description: "HTTPS",
    });
    expect(fw.rules).toEqual([https, range, ping]);
    expect(resourcesOf(synth(stack), "hcloud_firewall").web.rule).toEqual([
      { direction: "in", protocol: "tcp", port: "443", source_ips: ["0.0.0.0/0", "::/0"], description: "HTTPS" },
      { direction: "in", protocol: "udp", port: "60000-61000", source_ips: ["198.51.100.0/24"], description: "mosh" },
      {
        direction: "in",
        protocol: "icmp",
        source_ips: ["0.0.0.0/0", "::/0"],
        description: "ping and path MTU discovery",
      },
    ]);
  });

  it("allowSshFrom opens SSH to the admin ranges only", () => {
    const { stack, fw } = build();
    fw.allowSshFrom(ADMIN);
    fw.allowSshFrom(["203.0.113.0/24"], 2222);
    expect(resourcesOf(synth(stack), "hcloud_firewall").web.rule).toEqual([
      { direction: "in", protocol: "tcp", port: "22", source_ips: ADMIN, description: "SSH from the admin ranges" },
      {
        direction: "in",
        protocol: "tcp",
        port: "2222",
        source_ips: ["203.0.113.0/24"],
        description: "SSH from the admin ranges",
      },
    ]);
    expect(() => fw.allowSshFrom(["192.0.2.0/24", "0.0.0.0/0"])).toThrow(
      'FirewallPolicy "web": allowSshFrom got ["192.0.2.0/24","0.0.0.0/0"]: SSH from anywhere is not an admin range',
    );
  });

  it("allowOutboundTo adds outbound rules with destinations (outbound becomes deny-by-default)", () => {
    const { stack, fw } = build();
    fw.allowOutboundTo(ANYWHERE, "tcp", "any", "all TCP out");
    expect(resourcesOf(synth(stack), "hcloud_firewall").web.rule).toEqual([
      {
        direction: "out",
        protocol: "tcp",
        port: "any",
        destination_ips: ["0.0.0.0/0", "::/0"],
        description: "all TCP out",
      },
    ]);
  });

  it("applies to servers by label selector (the default mechanism)", () => {
    const { stack, fw } = build({ labelSelectors: ["role=web"] });
    expect(fw.applyToLabelSelector("environment=production,role in (mail,lists)")).toBe(
      "environment=production,role in (mail,lists)",
    );
    const json = synth(stack);
    expect(resourcesOf(json, "hcloud_firewall").web.apply_to).toEqual([
      { label_selector: "role=web" },
      { label_selector: "environment=production,role in (mail,lists)" },
    ]);
    expect(resourcesOf(json, "hcloud_firewall_attachment")).toEqual({});
    expect(fw.labelSelectors).toEqual(["role=web", "environment=production,role in (mail,lists)"]);
  });

  it("attaches to servers by id through one hcloud_firewall_attachment", () => {
    const { stack, fw } = build();
    const server = (id: string) =>
      new Server(stack, id, { serverType: "cx22", location: "fsn1", labels: LABELS, sshKeys: [] });
    const first = fw.attachToServers([server("web-1").serverId]);
    const second = fw.attachToServers([server("web-2").serverId]);
    expect(second).toBe(first);
    expect(resourcesOf(synth(stack), "hcloud_firewall_attachment")).toEqual({
      web: {
        firewall_id: "${hcloud_firewall.web.id}",
        server_ids: ["${hcloud_server.web-1.id}", "${hcloud_server.web-2.id}"],
      },
    });
  });

  it("exposes its id for a Server's firewallIds", () => {
    const { stack, fw } = build();
    new Server(stack, "web-1", {
      serverType: "cx22",
      location: "fsn1",
      labels: LABELS,
      sshKeys: [],
      firewallIds: [fw.firewallId],
    });
    expect(resourcesOf(synth(stack), "hcloud_server")["web-1"].firewall_ids).toEqual(["${hcloud_firewall.web.id}"]);
    expect(resolveIn(stack, fw.firewallId)).toBe("${hcloud_firewall.web.id}");
  });

  it("passes the name through and adopts an existing firewall with an import block", () => {
    const { stack } = build({ name: "all2all-web", importId: "99" });
    const json = synth(stack);
    expect(resourcesOf(json, "hcloud_firewall").web.name).toBe("all2all-web");
    expect(importsOf(json)).toEqual([{ to: "hcloud_firewall.web", id: "99" }]);
  });

  describe("labels", () => {
    it("fails on an invalid label", () => {
      expectRefused(build, [
        [
          { labels: { "my label": "x" } },
          'FirewallPolicy "web": labels: label key "my label" must start and end with a letter or digit',
        ],
        [
          { labels: { role: "web_" } },
          'FirewallPolicy "web": labels: label "role": label value "web_" must be empty or start and end',
        ],
      ]);
    });
  });

  describe("validation", () => {
    it("fails on a port for a protocol without ports", () => {
      expect(() => build().fw.allowFrom(ANYWHERE, "icmp", 8, "ping")).toThrow(
        'FirewallPolicy "web", inbound "icmp" rule "ping": port 8 is only ' +
          "meaningful for tcp and udp, not icmp; drop it",
      );
      expect(() => build().fw.allowFrom(ANYWHERE, "esp", "any")).toThrow(
        'port "any" is only meaningful for tcp and udp, not esp',
      );
    });

    it("fails on tcp/udp rules without a port", () => {
      expect(() => build().fw.allowFrom(ANYWHERE, "tcp", undefined, "web")).toThrow(
        'FirewallPolicy "web", inbound "tcp" rule "web": a tcp rule needs a port: "443", a range "8000-8080", or "any"',
      );
    });

    it("fails on malformed ports and ranges", () => {
      for (const port of ["0", "65536", "80-", "8080-8000", "80-80", "http", "1-2-3", "080"]) {
        expect(() => build().fw.allowFrom(ANYWHERE, "tcp", port, "x")).toThrow(
          `port "${port}" is not a port ("443"), an ascending range ("8000-8080") of ports 1 to 65535, or "any"`,
        );
      }
      for (const port of ["1", "65535", "1-65535", "any"])
        expect(() => build().fw.allowFrom(ANYWHERE, "udp", port, "x")).not.toThrow();
    });

    it("fails on sources that are not CIDR blocks", () => {
      expect(() => build().fw.allowFrom(["192.0.2.10"], "tcp", 22, "x")).toThrow(
        'sources: "192.0.2.10" is not a CIDR block (a single address is "192.0.2.10/32")',
      );
      expect(() => build().fw.allowFrom(["2001:db8::1"], "tcp", 22, "x")).toThrow(
        '"2001:db8::1" is not a CIDR block (a single address is "2001:db8::1/128")',
      );
      expect(() => build().fw.allowFrom(["192.0.2.0/33"], "tcp", 22, "x")).toThrow(
        '"192.0.2.0/33" is not a CIDR block (e.g. "192.0.2.0/24" or "2001:db8::/32")',
      );
      expect(() => build().fw.allowFrom(["admins"], "tcp", 22, "x")).toThrow('"admins" is not a CIDR block');
      expect(() => build().fw.allowFrom([], "tcp", 22, "x")).toThrow(
        "sources must list at least one CIDR block (got []); use ANYWHERE for every address",
      );
    });

    it("fails on sources with host bits set, suggesting the block", () => {
      expect(() => build().fw.allowFrom(["192.0.2.1/24"], "tcp", 22, "x")).toThrow(
        'sources: "192.0.2.1/24" has host bits set; write "192.0.2.0/24" (or "/32" for one address)',
      );
      expect(() => build().fw.allowFrom(["2001:db8::1/48"], "tcp", 22, "x")).toThrow(
        '"2001:db8::1/48" has host bits set; write "2001:db8::/48" (or "/128" for one address)',
      );
    });

    it("fails on outbound destinations that are not CIDR blocks", () => {
      expect(() => build().fw.allowOutboundTo(["example.org"], "tcp", 443, "x")).toThrow(
        'FirewallPolicy "web", outbound "tcp" rule "x": destinations: "example.org" is not a CIDR block',
      );
    });

    it("fails on duplicate sources, duplicate rules, unknown protocols and long descriptions", () => {
      expect(() => build().fw.allowFrom(["192.0.2.0/24", "192.0.2.0/24"], "tcp", 22)).toThrow(
        'sources: "192.0.2.0/24" is listed twice',
      );
      const { fw } = build();
      fw.allowFrom(ANYWHERE, "tcp", 443, "HTTPS");
      expect(() => fw.allowFrom(["::/0", "0.0.0.0/0"], "tcp", "443", "again")).toThrow(
        'FirewallPolicy "web": the inbound tcp 443 rule for ["::/0","0.0.0.0/0"] is declared twice',
      );
      expect(() => fw.allowFrom(ANYWHERE, "sctp" as never, 1)).toThrow(
        'protocol must be one of tcp, udp, icmp, esp, gre (got "sctp")',
      );
      expect(() => fw.allowFrom(ANYWHERE, "tcp", 80, "x".repeat(256))).toThrow(
        "description is 256 characters long (at most 255)",
      );
    });

    it("fails on empty or duplicate label selectors and empty attachments", () => {
      expect(() => build({ labelSelectors: [" role=web"] })).toThrow(
        'FirewallPolicy "web": label selector " role=web" must be a non-empty selector without surrounding spaces',
      );
      expect(() => build({ labelSelectors: ["role=web", "role=web"] })).toThrow(
        'label selector "role=web" is given twice',
      );
      expect(() => build().fw.attachToServers([])).toThrow(
        "attachToServers needs at least one server id (Server.serverId)",
      );
      expect(() => build().fw.attachToServers([1.5])).toThrow(
        "attachToServers got 1.5, not a server id; pass Server.serverId",
      );
    });
  });
});
