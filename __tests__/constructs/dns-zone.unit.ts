import * as fs from "node:fs";
import * as path from "node:path";
import * as fc from "fast-check";
import { App, LocalBackend, type TerraformStack, TerraformVariable } from "cdktn";
import {
  DnsZone,
  type DnsZoneProps,
  type RecordSetOptions,
  Server,
  formatTxtValue,
  recordSlug,
  splitUtf8,
} from "../../constructs";
import { LABELS, inFreshStack, labelledProtected, makeStack, resolveIn } from "../../testing/construct-stacks";
import { addressesOf, importsOf, resourcesOf, synth, variableReferences } from "../../testing/synth-json";
import { expectRefused, expectSchemaValid, expectSoleResource, hcloudSchemas } from "../../testing/construct-expect";
import { makeTempDir } from "../../testing/tmp";
import { formatProblem, validateSynthOutput } from "../../validate";

const BASE: DnsZoneProps = { name: "all2all.org", labels: LABELS };

function build(props: Partial<DnsZoneProps> = {}, id = "all2all-org"): { stack: TerraformStack; zone: DnsZone } {
  const { stack, construct: zone } = inFreshStack(DnsZone, BASE, props, id);
  return { stack, zone };
}

/**
 * Expects `zone.addRecordSet` (a fresh zone's by default) to refuse each record set (expectRefused);
 * returns the zone.
 */
function expectRecordSetsRefused(
  refusals: ReadonlyArray<readonly [props: RecordSetOptions, message: string | RegExp]>,
  zone: DnsZone = build().zone,
): DnsZone {
  expectRefused(zone.addRecordSet.bind(zone), refusals);
  return zone;
}

const SECONDARY: Partial<DnsZoneProps> = {
  mode: "secondary",
  primaryNameservers: [
    { address: "2001:db8::53", tsigAlgorithm: "hmac-sha256" },
    { address: "192.0.2.53", port: 5353, tsigAlgorithm: "hmac-sha256" },
  ],
};

describe("DnsZone", () => {
  it("defaults: a protected primary zone, labelled, no records", () => {
    const { stack } = build();
    const json = synth(stack);
    expectSoleResource(json, "hcloud_zone", "all2all-org", labelledProtected({ name: "all2all.org", mode: "primary" }));
    expect(json.variable).toBeUndefined();
  });

  it("synthesises schema-valid JSON, primary with records and secondary with TSIG", () => {
    const { stack, zone } = build({ ttl: 3600 });
    zone.addRecordSet({ name: "@", type: "A", records: ["192.0.2.10"], ttl: 300 });
    zone.addRecordSet({ name: "@", type: "TXT", records: ["v=spf1 mx -all"] });
    zone.addRecordSet({ name: "www", type: "CNAME", records: [{ value: "@", comment: "the site" }] });
    expectSchemaValid(synth(stack));
    expectSchemaValid(synth(build(SECONDARY).stack));
  });

  it("protect: false lifts delete protection and prevent_destroy (staging)", () => {
    const zone = resourcesOf(synth(build({ protect: false }).stack), "hcloud_zone")["all2all-org"];
    expect({ delete_protection: zone.delete_protection, lifecycle: zone.lifecycle }).toEqual({
      delete_protection: false,
      lifecycle: { prevent_destroy: false },
    });
  });

  it("passes the zone TTL through and adopts an existing zone with an import block", () => {
    const json = synth(build({ ttl: 7200, importId: "all2all.org" }).stack);
    expect(resourcesOf(json, "hcloud_zone")["all2all-org"].ttl).toBe(7200);
    expect(importsOf(json)).toEqual([{ to: "hcloud_zone.all2all-org", id: "all2all.org" }]);
  });

  describe("record sets (primary mode)", () => {
    it("creates one rrset per (name, type) with a stable address, and returns it", () => {
      const { stack, zone } = build();
      const mx = zone.addRecordSet({ name: "@", type: "MX", records: ["10 mail"] });
      zone.addRecordSet({ name: "www", type: "CNAME", records: ["@"] });
      zone.addRecordSet({ name: "mail._domainkey", type: "TXT", records: ["v=DKIM1; p=abc"] });
      zone.addRecordSet({ name: "*.dev", type: "A", records: ["192.0.2.10"] });
      zone.addRecordSet({ name: "_25._tcp.mail", type: "TLSA", records: ["3 1 1 ae7e1b2c"] });
      expect(zone.recordSet("@", "MX")).toBe(mx);
      const json = synth(stack);
      expect(addressesOf(json)).toEqual([
        "hcloud_zone.all2all-org",
        "hcloud_zone_rrset.all2all-org-_25__tcp_mail-tlsa",
        "hcloud_zone_rrset.all2all-org-apex-mx",
        "hcloud_zone_rrset.all2all-org-mail__domainkey-txt",
        "hcloud_zone_rrset.all2all-org-wildcard_dev-a",
        "hcloud_zone_rrset.all2all-org-www-cname",
      ]);
      expect(resourcesOf(json, "hcloud_zone_rrset")["all2all-org-apex-mx"]).toEqual({
        zone: "${hcloud_zone.all2all-org.name}",
        name: "@",
        type: "MX",
        labels: LABELS,
        records: [{ value: "10 mail" }],
      });
    });

    it("passes TTL and comments through (record comments win over the set's)", () => {
      const { stack, zone } = build();
      zone.addRecordSet({
        name: "@",
        type: "A",
        ttl: 300,
        comment: "web servers",
        records: ["192.0.2.10", { value: "192.0.2.11", comment: "web-2" }],
      });
      expect(resourcesOf(synth(stack), "hcloud_zone_rrset")["all2all-org-apex-a"]).toMatchObject({
        ttl: 300,
        records: [
          { value: "192.0.2.10", comment: "web servers" },
          { value: "192.0.2.11", comment: "web-2" },
        ],
      });
    });

    it("accepts server addresses as tokens in the same stack", () => {
      const { stack, zone } = build();
      const web = new Server(stack, "web-1", {
        serverType: "cx22",
        location: "fsn1",
        labels: LABELS,
        sshKeys: [],
        ipv4: true,
      });
      zone.addRecordSet({ name: "web-1", type: "A", records: [web.ipv4Address as string] });
      zone.addRecordSet({ name: "web-1", type: "AAAA", records: [web.ipv6Address] });
      const json = synth(stack);
      const rrsets = resourcesOf(json, "hcloud_zone_rrset");
      expect(rrsets["all2all-org-web-1-a"].records).toEqual([{ value: "${hcloud_primary_ip.web-1-ipv4.ip_address}" }]);
      expect(rrsets["all2all-org-web-1-aaaa"].records).toEqual([
        { value: "${cidrhost(hcloud_primary_ip.web-1-ipv6.ip_network, 1)}" },
      ]);
      expectSchemaValid(json);
    });

    it("references servers of another stack through cdktn's cross-stack outputs (full synth, schema-valid)", () => {
      const { dir, cleanup } = makeTempDir("dns-zone-test-");
      try {
        const app = new App({ outdir: dir, stackTraces: false });
        const servers = makeStack("production-servers", app);
        new LocalBackend(servers, { path: "servers.tfstate" });
        const dns = makeStack("production-dns", app);
        new LocalBackend(dns, { path: "dns.tfstate" });
        const web = new Server(servers, "web-1", {
          serverType: "cx22",
          location: "fsn1",
          labels: LABELS,
          sshKeys: [],
          ipv4: true,
        });
        const zone = new DnsZone(dns, "all2all-org", BASE);
        zone.addRecordSet({ name: "@", type: "A", records: [web.ipv4Address as string] });
        zone.addRecordSet({ name: "@", type: "AAAA", records: [web.ipv6Address] });
        app.synth();
        const json = JSON.parse(fs.readFileSync(path.join(dir, "stacks/production-dns/cdk.tf.json"), "utf8"));
        const rrsets = resourcesOf(json, "hcloud_zone_rrset");
        const input = "data.terraform_remote_state.cross-stack-reference-input-production-servers.outputs";
        expect(rrsets["all2all-org-apex-a"].records).toEqual([
          { value: `\${${input}.cross-stack-output-hcloud_primary_ipweb-1-ipv4ip_address}` },
        ]);
        expect(rrsets["all2all-org-apex-aaaa"].records).toEqual([
          { value: `\${cidrhost(${input}.cross-stack-output-hcloud_primary_ipweb-1-ipv6ip_network, 1)}` },
        ]);
        expect(validateSynthOutput(dir, hcloudSchemas()).problems.map(formatProblem)).toEqual([]);
      } finally {
        cleanup();
      }
    });

    it("adopts existing rrsets with an import block when asked", () => {
      const { stack, zone } = build({ importId: "12345" });
      zone.addRecordSet({ name: "@", type: "MX", records: ["10 mail"], importExisting: true });
      zone.addRecordSet({ name: "www", type: "A", records: ["192.0.2.10"] });
      expect(importsOf(synth(stack))).toEqual([
        { to: "hcloud_zone.all2all-org", id: "12345" },
        { to: "hcloud_zone_rrset.all2all-org-apex-mx", id: "all2all.org/@/MX" },
      ]);
    });

    it("formats TXT values as quoted strings of at most 255 bytes", () => {
      const { stack, zone } = build();
      const dkim = `v=DKIM1; k=rsa; p=${"A".repeat(392)}`;
      zone.addRecordSet({ name: "@", type: "TXT", records: ["v=spf1 mx -all", 'say "hi" \\o/', '"already" "quoted"'] });
      zone.addRecordSet({ name: "mail._domainkey", type: "TXT", records: [dkim] });
      const rrsets = resourcesOf(synth(stack), "hcloud_zone_rrset");
      expect(rrsets["all2all-org-apex-txt"].records).toEqual([
        { value: '"v=spf1 mx -all"' },
        { value: '"say \\"hi\\" \\\\o/"' },
        { value: '"already" "quoted"' },
      ]);
      expect(rrsets["all2all-org-mail__domainkey-txt"].records).toEqual([
        { value: `"${dkim.slice(0, 255)}" "${dkim.slice(255)}"` },
      ]);
    });

    it("formatTxtValue: every chunk fits 255 bytes and the chunks join back to the text (property)", () => {
      const unquote = (formatted: string): string[] =>
        (formatted.match(/"(?:[^"\\]|\\.)*"/g) ?? []).map((q) => q.slice(1, -1).replace(/\\(.)/g, "$1"));
      fc.assert(
        fc.property(fc.string({ unit: "binary", maxLength: 1200 }), (text) => {
          fc.pre(!/^"/.test(text));
          const chunks = unquote(formatTxtValue(text));
          expect(chunks.join("")).toBe(text);
          for (const chunk of chunks) expect(Buffer.byteLength(chunk, "utf8")).toBeLessThanOrEqual(255);
        }),
      );
    });

    it(
      "splitUtf8 never cuts a character: a 2-byte character that would " + "straddle 255 bytes starts the next piece",
      () => {
        const text = `${"a".repeat(254)}é${"b".repeat(3)}`;
        expect(splitUtf8(text).map((p) => [p.length, Buffer.byteLength(p, "utf8")])).toEqual([
          [254, 254],
          [4, 5],
        ]);
        expect(splitUtf8("")).toEqual([""]);
        expect(splitUtf8("😀😀", 4)).toEqual(["😀", "😀"]);
        expect(formatTxtValue(text)).toBe(`"${"a".repeat(254)}" "é${"b".repeat(3)}"`);
      },
    );

    it("recordSlug gives distinct Terraform-safe names to distinct record names (property)", () => {
      const label = fc.stringMatching(/^[a-z0-9_](?:[a-z0-9_-]{0,8}[a-z0-9_])?$/);
      const name = fc.oneof(
        fc.constant("@"),
        fc.array(label, { minLength: 1, maxLength: 4 }).map((labels) => labels.join(".")),
      );
      fc.assert(
        fc.property(name, (n) => {
          expect(recordSlug(n)).toMatch(/^[a-z0-9_][a-z0-9_-]*$/);
        }),
      );
      expect(recordSlug("@")).toBe("apex");
      expect(recordSlug("*.dev")).toBe("wildcard_dev");
    });
  });

  describe("secondary mode", () => {
    it("transfers from the primaries with a TSIG key taken only from a sensitive variable", () => {
      const { stack, zone } = build(SECONDARY);
      const json = synth(stack);
      expect(resourcesOf(json, "hcloud_zone")["all2all-org"]).toEqual(
        labelledProtected({
          name: "all2all.org",
          mode: "secondary",
          primary_nameservers: [
            { address: "2001:db8::53", tsig_algorithm: "hmac-sha256", tsig_key: "${var.dns_tsig_key_all2all_org}" },
            {
              address: "192.0.2.53",
              port: 5353,
              tsig_algorithm: "hmac-sha256",
              tsig_key: "${var.dns_tsig_key_all2all_org}",
            },
          ],
        }),
      );
      expect(json.variable).toEqual({
        dns_tsig_key_all2all_org: {
          type: "string",
          sensitive: true,
          nullable: false,
          description: "TSIG key (base64) for transfers of the zone all2all.org; set TF_VAR_dns_tsig_key_all2all_org",
        },
      });
      expect(variableReferences(json)).toEqual(["${var.dns_tsig_key_all2all_org}"]);
      expect(zone.tsigKeyVariableName).toBe("dns_tsig_key_all2all_org");
    });

    it("shares one key variable between zones that name it", () => {
      const stack = makeStack();
      new DnsZone(stack, "all2all-org", { ...BASE, ...SECONDARY, tsigKeyVariable: "dns_tsig_key_transfer" });
      new DnsZone(stack, "all2all-be", {
        ...BASE,
        name: "all2all.be",
        ...SECONDARY,
        tsigKeyVariable: "dns_tsig_key_transfer",
      });
      const json = synth(stack);
      expect(Object.keys(json.variable)).toEqual(["dns_tsig_key_transfer"]);
      expectSchemaValid(json);
    });

    it("transfers without TSIG when no algorithm is given, and accepts a server address token", () => {
      const stack = makeStack();
      const ns = new Server(stack, "ns-1", { serverType: "cx22", location: "fsn1", labels: LABELS, sshKeys: [] });
      new DnsZone(stack, "all2all-org", {
        ...BASE,
        mode: "secondary",
        primaryNameservers: [{ address: ns.ipv6Address }],
      });
      const json = synth(stack);
      expect(resourcesOf(json, "hcloud_zone")["all2all-org"].primary_nameservers).toEqual([
        { address: "${cidrhost(hcloud_primary_ip.ns-1-ipv6.ip_network, 1)}" },
      ]);
      expect(json.variable).toBeUndefined();
    });

    it("fails when the TSIG variable name is taken by something that is not a sensitive variable", () => {
      const stack = makeStack();
      new TerraformVariable(stack, "dns_tsig_key_all2all_org", { type: "string" });
      expect(() => new DnsZone(stack, "all2all-org", { ...BASE, ...SECONDARY })).toThrow(
        'test/all2all-org: stack "test" already has a construct "dns_tsig_key_all2all_org" that ' +
          "is not a sensitive variable; the secret variable needs that id",
      );
    });

    it("fails on record sets in a secondary zone", () => {
      expect(() => build(SECONDARY).zone.addRecordSet({ name: "www", type: "A", records: ["192.0.2.10"] })).toThrow(
        'DnsZone "all2all-org", A "www": the zone is a secondary: its records come ' +
          "from the primary name servers, not from record sets here",
      );
    });

    it("fails on a secondary without primaries, primaries on a primary zone, and stray TSIG settings", () => {
      expectRefused(build, [
        [{ mode: "secondary" }, 'DnsZone "all2all-org": mode "secondary" needs at least one of primaryNameservers'],
        [
          { primaryNameservers: [{ address: "192.0.2.53" }] },
          'DnsZone "all2all-org": primaryNameservers are only for mode "secondary"',
        ],
        [
          { mode: "secondary", primaryNameservers: [{ address: "192.0.2.53" }], tsigKeyVariable: "x" },
          "tsigKeyVariable is set but no primary name server has a tsigAlgorithm",
        ],
      ]);
    });

    it("fails on bad primary addresses, ports and algorithms", () => {
      expectRefused(build, [
        [
          { mode: "secondary", primaryNameservers: [{ address: "ns1.all2all.org" }] },
          'DnsZone "all2all-org", primaryNameservers[0]: address "ns1.all2all.org" is not an IPv4 or IPv6 address',
        ],
        [
          { mode: "secondary", primaryNameservers: [{ address: "192.0.2.53", port: 0 }] },
          "port must be an integer from 1 to 65535 (got 0)",
        ],
        [
          {
            mode: "secondary",
            primaryNameservers: [{ address: "192.0.2.53", tsigAlgorithm: "hmac-sha512" as never }],
          },
          'tsigAlgorithm must be one of hmac-md5, hmac-sha1, hmac-sha256 (got "hmac-sha512")',
        ],
      ]);
    });
  });

  describe("labels", () => {
    it("labels the zone and every record set", () => {
      const { stack, zone } = build();
      zone.addRecordSet({ name: "@", type: "A", records: ["192.0.2.10"] });
      const json = synth(stack);
      expect(resourcesOf(json, "hcloud_zone")["all2all-org"].labels).toEqual(LABELS);
      expect(resourcesOf(json, "hcloud_zone_rrset")["all2all-org-apex-a"].labels).toEqual(LABELS);
    });

    it("fails on an invalid label", () => {
      expectRefused(build, [
        [
          { labels: { "all2all.org/": "x" } },
          'DnsZone "all2all-org": labels: label key "all2all.org/" has an empty name after its prefix',
        ],
        [
          { labels: { zone: "all2all.org." } },
          'DnsZone "all2all-org": labels: label "zone": label value "all2all.org." must be empty or start and end',
        ],
      ]);
    });
  });

  describe("validation", () => {
    it("fails on a zone name that is not an ASCII domain", () => {
      expectRefused(build, [
        [
          { name: "all2all.org." },
          'DnsZone "all2all-org": name "all2all.org." is not a valid host name: drop the trailing dot',
        ],
        [
          { name: "localhost" },
          'name "localhost" is not a valid host name: use lower-case labels of letters, ' +
            "digits and inner hyphens separated by dots, at least 2 labels",
        ],
        [
          { name: "exämple.be" },
          'name "exämple.be" is not a valid host name: write international names in their ASCII (punycode) form',
        ],
        [{ name: "All2All.org" }, 'use lower case ("all2all.org")'],
      ]);
    });

    it("fails on mode and TTL values outside Hetzner's", () => {
      expect(() => build({ mode: "slave" as never })).toThrow(
        'DnsZone "all2all-org": mode must be "primary" or "secondary" (got "slave")',
      );
      expect(() => build({ ttl: 30 })).toThrow(
        'DnsZone "all2all-org": ttl must be an integer from 60 to 2147483647 (got 30)',
      );
      expect(() => build().zone.addRecordSet({ name: "@", type: "A", records: ["192.0.2.10"], ttl: 59 })).toThrow(
        'DnsZone "all2all-org", A "@": ttl must be an integer from 60',
      );
    });

    it("fails on record names that are absolute, invalid or misplaced", () => {
      expectRecordSetsRefused([
        [
          { name: "www.all2all.org", type: "A", records: ["192.0.2.10"] },
          'DnsZone "all2all-org", A "www.all2all.org": record names are relative to the ' +
            'zone all2all.org: write "www" instead of "www.all2all.org"',
        ],
        [{ name: "all2all.org.", type: "A", records: ["192.0.2.10"] }, 'write "@" instead of "all2all.org."'],
        [{ name: "WWW", type: "A", records: ["192.0.2.10"] }, 'the record name "WWW" is not valid'],
        [{ name: "a.*", type: "A", records: ["192.0.2.10"] }, '"*" only as the first label'],
      ]);
    });

    it("fails on record types Hetzner manages or does not know", () => {
      const zone = expectRecordSetsRefused([
        [{ name: "@", type: "SOA" as never, records: ["x"] }, 'type "SOA" is not one of A, AAAA, CAA, CNAME'],
        [{ name: "@", type: "SOA" as never, records: ["x"] }, "the SOA record is managed by Hetzner"],
        [{ name: "@", type: "NS", records: ["ns1.example.org."] }, "the apex NS records are managed by Hetzner"],
      ]);
      zone.addRecordSet({ name: "staging", type: "NS", records: ["hydrogen.ns.hetzner.com."] });
    });

    it("fails on values that do not fit their type", () => {
      expectRecordSetsRefused([
        [
          { name: "@", type: "A", records: ["2001:db8::1"] },
          'DnsZone "all2all-org", A "@": the value "2001:db8::1" is not an IPv4 address ' +
            '(e.g. "192.0.2.10"; for a server use server.ipv4Address)',
        ],
        [{ name: "@", type: "AAAA", records: ["192.0.2.1"] }, 'the value "192.0.2.1" is not an IPv6 address'],
        [
          { name: "@", type: "MX", records: ["mail"] },
          'the value "mail" is not "<priority> <mail host>" (e.g. "10 mail")',
        ],
        [{ name: "_imaps._tcp", type: "SRV", records: ["0 1 993"] }, 'is not "<priority> <weight> <port> <target>"'],
        [{ name: "@", type: "CAA", records: [""] }, 'the value "" is not a value (it is empty)'],
        [{ name: "@", type: "A", records: [] }, "records must list at least one value (got [])"],
        [{ name: "@", type: "A", records: ["192.0.2.1", "192.0.2.1"] }, 'the value "192.0.2.1" is listed twice'],
      ]);
    });

    it("fails on CNAMEs that share their name, sit at the apex or have several values", () => {
      const { zone } = build();
      zone.addRecordSet({ name: "www", type: "CNAME", records: ["@"] });
      expect(() => zone.addRecordSet({ name: "www", type: "TXT", records: ["x"] })).toThrow(
        'DnsZone "all2all-org", TXT "www": "www" already has a CNAME, which cannot share its name with other records',
      );
      zone.addRecordSet({ name: "mail", type: "A", records: ["192.0.2.25"] });
      expectRecordSetsRefused(
        [
          [
            { name: "mail", type: "CNAME", records: ["@"] },
            'a CNAME cannot share its name with other records (A exist for "mail")',
          ],
          [{ name: "@", type: "CNAME", records: ["www"] }, "a CNAME cannot be at the zone apex"],
          [{ name: "lists", type: "CNAME", records: ["a", "b"] }, "a CNAME has exactly one value (got 2)"],
        ],
        zone,
      );
    });

    it("fails on a second record set for the same (name, type)", () => {
      const { zone } = build();
      zone.addRecordSet({ name: "@", type: "A", records: ["192.0.2.10"] });
      expect(() => zone.addRecordSet({ name: "@", type: "A", records: ["192.0.2.11"] })).toThrow(
        'DnsZone "all2all-org", A "@": a record set for A "@" already exists; ' +
          "give every value of one (name, type) in one call",
      );
    });

    it("fails on a pre-quoted TXT string over 255 bytes", () => {
      expect(() => build().zone.addRecordSet({ name: "@", type: "TXT", records: [`"${"a".repeat(256)}"`] })).toThrow(
        'DnsZone "all2all-org", TXT "@": the quoted string "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa…" is 256 ' +
          "bytes long (at most 255 per string); give the value unquoted and it is split for you",
      );
    });

    it("exposes the assigned name servers for the registrar", () => {
      const { zone, stack } = build();
      expect(resolveIn(stack, zone.authoritativeNameservers)).toBe(
        "${hcloud_zone.all2all-org.authoritative_nameservers.assigned}",
      );
    });
  });
});
