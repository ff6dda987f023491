// DNS: CAA on every zone, SPF and DMARC wherever mail is received, one TTL
// per record set, TXT values in the provider's form. Primary zones are read
// from their record set resources, secondary zones from the description.
import type { DnsZone } from "../../constructs";
import * as zoneRecord from "../../.gen/providers/hcloud/zone-record";
import * as zoneRrset from "../../.gen/providers/hcloud/zone-rrset";
import { expectRule, findingsOf, PRODUCTION, replaceIn, ruleFindings, sharedSynth } from "../../testing/policies";
import { joinRegExp } from "../../primitives/regexp";

const baseline = sharedSynth(PRODUCTION);
const exemple = (env: { dns: { node: { findChild(id: string): unknown } } }) =>
  env.dns.node.findChild("exemple-asbl-be") as DnsZone;

describe("dns-caa", () => {
  test("fires for a primary zone without CAA", () => {
    const withoutCaa = replaceIn("config/dns.yaml", [
      `      - { name: "@", type: CAA, values: ['0 issue "letsencrypt.org"', ` +
        `'0 iodef "mailto:hostmaster@all2all.org"'] }\n`,
      "",
    ]);
    expectRule(ruleFindings("dns-caa", { edit: withoutCaa }), "dns-caa", [
      ["error", "production-dns", "hcloud_zone.exemple-asbl-be", "zone/exemple-asbl.be"],
      "zone exemple-asbl.be (hcloud_zone.exemple-asbl-be in production-dns) has no CAA record with an issue " +
        'property at its apex: any certificate authority may issue certificates for it. Add { name: "@", type: ' +
        "CAA, values: ['0 issue \"letsencrypt.org\"'] } (or the CA you use).",
    ]);
  });

  test("fires for a secondary zone whose description has no CAA", () => {
    const emptyCaa = replaceIn("config/dns.yaml", [
      '      - name: "@"\n        type: CAA\n        values:\n          - 0 ' +
        'issue "letsencrypt.org"\n          - 0 issuewild ";"\n',
      '      - name: "@"\n        type: CAA\n        values:\n',
    ]);
    expect(ruleFindings("dns-caa", { edit: emptyCaa }).map((f) => [f.address, f.subject])).toEqual([
      ["hcloud_zone.all2all-org", "zone/all2all.org"],
    ]);
  });

  test("does not fire when every zone has CAA (the default config)", () => {
    expect(findingsOf(baseline.findings, "dns-caa")).toEqual([]);
  });
});

describe("dns-mail-auth", () => {
  test("fires for an MX without DMARC (primary zone) and an MX without SPF (secondary zone)", () => {
    const found = ruleFindings("dns-mail-auth", {
      edit: replaceIn(
        "config/dns.yaml",
        [
          '      - { name: _dmarc, type: TXT, values: ["v=DMARC1; ' +
            'p=quarantine; rua=mailto:dmarc-reports@all2all.org"] }\n',
          "",
        ],
        ['      - { name: lists, type: TXT, values: ["v=spf1 a -all"] }\n', ""],
      ),
    });
    expect(found.map((f) => [f.severity, f.address, f.subject])).toEqual([
      ["error", "hcloud_zone.all2all-org", "zone/all2all.org"],
      ["error", "hcloud_zone.exemple-asbl-be", "zone/exemple-asbl.be"],
    ]);
    expect(found[0]!.message).toBe(
      "zone all2all.org (hcloud_zone.all2all-org in production-dns) has an MX record set at lists.all2all.org " +
        'but no SPF record (TXT "v=spf1 …") at lists.all2all.org: without them anyone can send mail in its name. ' +
        'Add { name: "lists", type: TXT, values: ["v=spf1 mx -all"] } and { name: "_dmarc.lists", type: TXT, ' +
        'values: ["v=DMARC1; p=quarantine"] }.',
    );
    expect(found[1]!.message).toMatch(
      joinRegExp(
        /has an MX record set at exemple-asbl\.be but no DMARC record \(TXT "v=DMARC1; /,
        /…" at _dmarc\.exemple-asbl\.be or at a parent's _dmarc\)/,
      ),
    );
  });

  test("fires for two SPF records at one name", () => {
    const twoSpf = replaceIn("config/dns.yaml", [
      'values: ["v=spf1 include:all2all.org -all"]',
      'values: ["v=spf1 include:all2all.org -all", "v=spf1 mx -all"]',
    ]);
    expect(ruleFindings("dns-mail-auth", { edit: twoSpf }).map((f) => f.message)).toEqual([
      expect.stringMatching(/but 2 SPF records at exemple-asbl\.be \(receivers then treat SPF as a permanent error\)/),
    ]);
  });

  test(
    "does not fire when each MX has SPF and DMARC, lists.all2all.org " + "using the zone's _dmarc (the default config)",
    () => {
      expect(findingsOf(baseline.findings, "dns-mail-auth")).toEqual([]);
    },
  );
});

describe("dns-rrset-ttl", () => {
  test("fires for two record sets of one name and type", () => {
    const found = ruleFindings("dns-rrset-ttl", {
      extend: ({ environments }) => {
        const zone = exemple(environments[0]!);
        new zoneRrset.ZoneRrset(environments[0]!.dns, "www-again", {
          zone: zone.zone.name,
          name: "www",
          type: "CNAME",
          ttl: 60,
          records: [{ value: "exemple-asbl.be." }],
        });
      },
    });
    expect(found).toEqual([
      expect.objectContaining({
        severity: "error",
        stack: "production-dns",
        address: "hcloud_zone.exemple-asbl-be",
        subject: "zone/exemple-asbl.be",
        message: expect.stringMatching(
          joinRegExp(
            /^zone exemple-asbl\.be \(hcloud_zone\.exemple-asbl-be in production-dns\) declares the record set /,
            /CNAME www more than once: hcloud_zone_rrset\.exemple-asbl-be-www-cname \(ttl 3600\) and /,
            /hcloud_zone_rrset\.www-again \(ttl 60\)\. Hetzner keeps one record set per name and type, with /,
            /one TTL/,
          ),
        ),
      }),
    ]);
  });

  test("does not fire for one record set per name and type, nor for several hcloud_zone_record of one set", () => {
    expect(findingsOf(baseline.findings, "dns-rrset-ttl")).toEqual([]);
    const found = ruleFindings("dns-rrset-ttl", {
      extend: ({ environments }) => {
        const zone = exemple(environments[0]!);
        for (const [id, value] of [
          ["a1", "192.0.2.1"],
          ["a2", "192.0.2.2"],
        ] as const)
          new zoneRecord.ZoneRecord(environments[0]!.dns, id, {
            zone: zone.zone.name,
            name: "extra",
            type: "A",
            value,
          });
      },
    });
    expect(found).toEqual([]);
  });
});

describe("dns-txt-format", () => {
  test("fires for an unquoted TXT value and a string longer than 255 bytes", () => {
    const found = ruleFindings("dns-txt-format", {
      extend: ({ environments }) => {
        const zone = exemple(environments[0]!);
        zone.recordSet("@", "TXT")!.putRecords([{ value: "v=spf1 include:all2all.org -all" }]);
        zone.recordSet("_dmarc", "TXT")!.putRecords([{ value: `"${"a".repeat(300)}"` }]);
      },
    });
    expect(found.map((f) => [f.severity, f.address, f.subject])).toEqual([
      ["error", "hcloud_zone.exemple-asbl-be", "zone/exemple-asbl.be"],
      ["error", "hcloud_zone.exemple-asbl-be", "zone/exemple-asbl.be"],
    ]);
    expect(found.map((f) => f.message).sort()).toEqual([
      expect.stringMatching(
        joinRegExp(
          /^zone exemple-asbl\.be .*: the TXT value "\\"a{40,}.*of _dmarc /,
          /\(hcloud_zone_rrset\.exemple-asbl-be-_dmarc-txt\) is not in the provider's form.* Fix: \(.*is 300 /,
          /bytes long \(at most 255 per string\)/,
        ),
      ),
      'zone exemple-asbl.be (hcloud_zone.exemple-asbl-be in production-dns): the TXT value "v=spf1 ' +
        "include:all2all.org -all\" of @ (hcloud_zone_rrset.exemple-asbl-be-apex-txt) is not in the provider's " +
        'form, quoted strings of at most 255 bytes ("…" "…"): the API stores it differently and every plan shows a ' +
        'change. Fix: write it as "v=spf1 include:all2all.org -all"; DnsZone.addRecordSet formats plain text for ' +
        "you.",
    ]);
  });

  test("does not fire for TXT values formatted by the library, split DKIM keys included (the default config)", () => {
    expect(findingsOf(baseline.findings, "dns-txt-format")).toEqual([]);
    const spec = baseline.specs[0]!.zones.find((z) => z.name === "all2all.org")!;
    const dkim = spec.records.find((r) => r.name === "mail._domainkey")!.values[0]!;
    expect(dkim.kind === "text" && dkim.text.split('" "').length).toBe(2);
  });
});
