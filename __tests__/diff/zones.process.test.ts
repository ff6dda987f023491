// The self-hosted zones in `all2all diff`: zone files parsed as RFC 1035 files, compared record set by
// record set, DNS changes that break service classed as dangerous; then end to end on a clone, each side
// rendered by its own `all2all zonefile --knot` (an old base without --knot too).
import * as fs from "node:fs";
import * as path from "node:path";
import type { DiffOptions } from "../../cli/diff";
import type { ZonesReport } from "../../cli/diff/change-types";
import { DIFF_REFUSED } from "../../cli/diff/output";
import { toMarkdown } from "../../cli/diff/render";
import { renderZones, type Side } from "../../cli/diff/sides";
import {
  compareZones,
  knotZones,
  lineDiff,
  type ParsedZone,
  parseZoneFile,
  reverseDnsNames,
  type ZoneRendering,
} from "../../cli/diff/zones";
import { ExitCode } from "../../cli/io";
import { cloneForTests, diffIn } from "../../testing/diff";
import { makeTempDir } from "../../testing/tmp";

jest.setTimeout(180_000);

const HETZNER = ["hydrogen.ns.hetzner.com.", "oxygen.ns.hetzner.com.", "helium.ns.hetzner.de."];

/** A zone file as `all2all zonefile` writes one (the layout matters little: the parser reads RFC 1035). */
function zoneFile(
  zone: string,
  records: string[],
  options: { secondary?: boolean; mname?: string; serial?: number; ns?: string[]; expire?: number } = {},
): string {
  const secondary = options.secondary ?? true;
  const ns = options.ns ?? HETZNER;
  const mname = options.mname ?? (secondary ? `ns-1.${zone}.` : HETZNER[0]);
  return [
    `; Zone ${zone}, environment production.`,
    secondary
      ? `; secondary mode: served by hetzner (${ns.join(" ")}), transferred from the hidden primary ns-1`
      : "; primary mode: served by Hetzner from its API (this file is a copy, " +
        "e.g. for a self-run server after a disaster)",
    "; addresses are placeholders: documentation addresses (192.0.2.0/24, " +
      "2001:db8::/32), NOT FOR SERVING; render with --addresses FILE",
    `$ORIGIN ${zone}.`,
    "$TTL 3600",
    "",
    `${zone}.                                3600 IN SOA    ${mname} hostmaster.${zone}. (`,
    `                                                           ${options.serial ?? 2026120700} ; serial`,
    "                                                           3600 ; refresh",
    "                                                           900 ; retry",
    `                                                           ${options.expire ?? 1209600} ; expire`,
    "                                                           300 ) ; minimum (negative caching TTL)",
    ...ns.map((n) => `${zone}.                                3600 IN NS     ${n}`),
    "",
    ...records,
    "",
  ].join("\n");
}

const ORG = [
  "all2all.org.                                 300 IN A      192.0.2.2 ; web-1.ipv4",
  "all2all.org.                                3600 IN MX     10 mail.all2all.org.",
  'all2all.org.                                3600 IN TXT    "v=spf1 mx -all"',
  "_imaps._tcp.all2all.org.                    3600 IN SRV    0 1 993 mail.all2all.org.",
  "lists.all2all.org.                          3600 IN A      192.0.2.5 ; lists-1.ipv4",
  "lists.all2all.org.                          3600 IN MX     10 lists.all2all.org.",
  "mail.all2all.org.                           3600 IN A      192.0.2.3 ; mail-1.ipv4",
  "mail.all2all.org.                           3600 IN AAAA   2001:db8:0:3::1 ; mail-1.ipv6",
  'mail._domainkey.all2all.org.                3600 IN TXT    ( "v=DKIM1; k=rsa; p=MIIB"',
  '                                                             "IDAQAB" )',
  "ns-1.all2all.org.                           3600 IN A      192.0.2.6 ; ns-1.ipv4",
  "old.all2all.org.                            3600 IN A      192.0.2.4 ; web-2.ipv4",
  "www.all2all.org.                            3600 IN CNAME  all2all.org.",
];

/** The SPF record's TTL and text changed, and a CNAME added: one edit, in the files compared and on the clone. */
const SPF_CHANGED = {
  owner: "all2all.org.",
  type: "TXT",
  action: "change",
  before: { ttl: 3600, values: ['"v=spf1 mx -all"'] },
  after: { ttl: 300, values: ['"v=spf1 a mx -all"'] },
  dangers: [],
};
const BLOG_ADDED = {
  owner: "blog.all2all.org.",
  type: "CNAME",
  action: "add",
  after: { ttl: 3600, values: ["web-1.all2all.org."] },
  dangers: [],
};

const ASBL = [
  "exemple-asbl.be.                            3600 IN MX     10 mail.all2all.org.",
  "mail._domainkey.exemple-asbl.be.            3600 IN CNAME  mail._domainkey.all2all.org.",
];

const KNOT = [
  "# Knot DNS configuration of ns-1, the hidden primary of environment production.",
  "acl:",
  "  - id: hetzner-transfer-all2all-org-transfer",
  "    address: [ 203.0.113.53, 203.0.113.54 ]",
  "    key: all2all-org-transfer",
  "    action: transfer",
  "",
  "zone:",
  "  # all2all.org: served by hetzner; TSIG key all2all-org-transfer",
  "  - domain: all2all.org",
  '    file: "zones/all2all.org.zone"',
  "",
].join("\n");

/** One environment's rendering (production); `null`: without a Knot configuration (old code without --knot). */
function rendering(
  zones: Record<string, string>,
  knot: Record<string, string> | null = { "knot/ns-1.conf": KNOT },
): ZoneRendering {
  return {
    zones: new Map([["production", new Map(Object.entries(zones))]]),
    knot: knot === null ? new Map() : new Map([["production", new Map(Object.entries(knot))]]),
    unavailable: new Map(),
    notes: [],
  };
}

/** The head's stacks: the mail server's reverse DNS names mail.all2all.org. */
const DOCS = new Map<string, Record<string, unknown>>([
  [
    "production-servers",
    {
      resource: {
        hcloud_rdns: {
          "mail-1-ipv4-rdns": {
            dns_ptr: "mail.all2all.org",
            ip_address: "${hcloud_primary_ip.mail-1-ipv4.ip_address}",
          },
        },
      },
    },
  ],
]);

function compare(
  base: string[],
  head: string[],
  options: {
    baseZone?: Parameters<typeof zoneFile>[2];
    headZone?: Parameters<typeof zoneFile>[2];
    headAsbl?: string[];
  } = {},
): ZonesReport {
  return compareZones(
    rendering({
      "all2all.org": zoneFile("all2all.org", base, options.baseZone),
      "exemple-asbl.be": zoneFile("exemple-asbl.be", ASBL, { secondary: false }),
    }),
    rendering({
      "all2all.org": zoneFile("all2all.org", head, { serial: 2026120701, ...options.headZone }),
      "exemple-asbl.be": zoneFile("exemple-asbl.be", options.headAsbl ?? ASBL, { secondary: false }),
    }),
    DOCS,
  );
}

function without(records: string[], ...prefixes: string[]): string[] {
  return records.filter(
    (r) => !prefixes.some((p) => r.startsWith(p) || (p.startsWith("mail._domainkey") && r.startsWith("      "))),
  );
}

function dangers(report: ZonesReport): string[] {
  return report.zones.flatMap((z) =>
    z.changes.flatMap((c) => c.dangers.map((d) => `${c.owner} ${c.type} ${c.action}: ${d.class}`)),
  );
}

/** The parsed zone's record set at `owner` and `type` is exactly this one. */
function expectSet(z: ParsedZone, owner: string, type: string, ttl: number, values: string[]): void {
  expect(z.sets.get(`${owner}\t${type}`)).toEqual({ owner, type, ttl, values });
}

/** The parsed zone's SOA is this one: its TTL, and its data as a zone file writes it (mname rname serial timers). */
function expectSoa(z: ParsedZone, ttl: number, data: string): void {
  const [mname, rname, serial, ...timers] = data.split(" ");
  expect(z.soa).toEqual({ ttl, mname, rname, serial: Number(serial), timers });
}

describe("zone files, parsed", () => {
  test("every record set of a rendered file, a server's address as its reference, the SOA apart", () => {
    const z = parseZoneFile(zoneFile("all2all.org", ORG), "all2all.org");
    expectSoa(z, 3600, "ns-1.all2all.org. hostmaster.all2all.org. 2026120700 3600 900 1209600 300");
    expect(z.hiddenPrimary).toBe("ns-1");
    expectSet(z, "all2all.org.", "NS", 3600, HETZNER);
    expectSet(z, "all2all.org.", "A", 300, ["web-1.ipv4"]);
    expect(z.sets.get("mail.all2all.org.\tAAAA")?.values).toEqual(["mail-1.ipv6"]);
    expect(z.sets.get("mail._domainkey.all2all.org.\tTXT")?.values).toEqual(['"v=DKIM1; k=rsa; p=MIIB" "IDAQAB"']);
    expect(z.sets.get("_imaps._tcp.all2all.org.\tSRV")?.values).toEqual(["0 1 993 mail.all2all.org."]);
    expect(z.sets.size).toBe(ORG.length - 1 + 1); // the TXT's two lines are one record; the apex NS is one set
  });

  test("any RFC 1035 file: relative names, @, blank owners, $ORIGIN, class before TTL, comments, parentheses", () => {
    const text = [
      "$ORIGIN example.org.",
      "$TTL 600",
      "@ IN SOA ns1 hostmaster ( 7 3600 ; refresh",
      "  900 604800 60 )",
      "@ IN NS ns1",
      "  IN NS ns2.example.net.",
      "ns1 IN 300 A 192.0.2.1",
      'txt TXT "a; not a comment" ; a comment',
      "$ORIGIN sub.example.org.",
      "www CNAME @",
      "mx MX 10 mail",
    ].join("\n");
    const z = parseZoneFile(text, "example.org");
    expectSoa(z, 600, "ns1.example.org. hostmaster.example.org. 7 3600 900 604800 60");
    expect(z.sets.get("example.org.\tNS")?.values).toEqual(["ns1.example.org.", "ns2.example.net."]);
    expectSet(z, "ns1.example.org.", "A", 300, ["192.0.2.1"]);
    expect(z.sets.get("txt.example.org.\tTXT")?.values).toEqual(['"a; not a comment"']);
    expect(z.sets.get("www.sub.example.org.\tCNAME")?.values).toEqual(["sub.example.org."]);
    expect(z.sets.get("mx.sub.example.org.\tMX")?.values).toEqual(["10 mail.sub.example.org."]);
  });

  test("the zones of a Knot configuration; reverse DNS names of the head's stacks", () => {
    expect(knotZones(KNOT)).toEqual(["all2all.org"]);
    expect(reverseDnsNames(DOCS, "production")).toEqual(
      new Map([["mail.all2all.org.", ["the reverse DNS hcloud_rdns.mail-1-ipv4-rdns (production-servers)"]]]),
    );
    expect(reverseDnsNames(DOCS, "staging").size).toBe(0);
  });

  test("a line diff: changed lines with one line of context, … between hunks", () => {
    const a = ["a", "b", "c", "d", "e", "f", "g"].join("\n");
    const b = ["a", "B", "c", "d", "e", "f", "g", "h"].join("\n");
    expect(lineDiff(a, b)).toEqual({ added: 2, removed: 1, lines: ["  a", "- b", "+ B", "  c", "…", "  g", "+ h"] });
    expect(lineDiff(a, a)).toEqual({ added: 0, removed: 0, lines: [] });
  });
});

describe("self-hosted zones, compared", () => {
  test("unchanged: the zone is listed, with its serial, and nothing else; primary-mode zones are not compared", () => {
    const r = compareZones(
      rendering({ "all2all.org": zoneFile("all2all.org", ORG) }),
      rendering({ "all2all.org": zoneFile("all2all.org", ORG) }),
      DOCS,
    );
    expect(r.zones).toEqual([
      {
        environment: "production",
        zone: "all2all.org",
        server: "ns-1",
        selfHosted: { base: true, head: true },
        serial: { base: 2026120700, head: 2026120700 },
        changes: [],
        notes: [],
      },
    ]);
    expect(r.knot).toEqual([]);
  });

  test(
    "added, removed and changed record sets, none dangerous: a new " + "name, a TTL, a TXT, a record nobody names",
    () => {
      const head = [
        ...without(ORG, "old.", "all2all.org.                                3600 IN TXT"),
        'all2all.org.                                 300 IN TXT    "v=spf1 a mx -all"',
        "blog.all2all.org.                           3600 IN CNAME  web-1.all2all.org.",
      ];
      const r = compare(ORG, head);
      const zone = r.zones[0]!;
      expect(zone.serial).toEqual({ base: 2026120700, head: 2026120701 });
      expect(zone.changes).toEqual([
        SPF_CHANGED,
        BLOG_ADDED,
        {
          owner: "old.all2all.org.",
          type: "A",
          action: "remove",
          before: { ttl: 3600, values: ["web-2.ipv4"] },
          dangers: [],
        },
      ]);
      expect(dangers(r)).toEqual([]);
    },
  );

  test(
    "placeholder addresses that move (a server added before the others) " +
      "are not a change: the reference is compared",
    () => {
      const head = ORG.map((r) =>
        r
          .replace("192.0.2.3 ; mail-1.ipv4", "192.0.2.4 ; mail-1.ipv4")
          .replace("192.0.2.6 ; ns-1.ipv4", "192.0.2.7 ; ns-1.ipv4"),
      );
      expect(compare(ORG, head).zones[0]!.changes).toEqual([]);
    },
  );

  test("the apex NS changes: dangerous", () => {
    const r = compare(ORG, ORG, { headZone: { ns: [...HETZNER.slice(0, 2), "ns.example.net."] } });
    expect(dangers(r)).toEqual(["all2all.org. NS change: dns-apex"]);
    expect(r.zones[0]!.changes[0]!.dangers[0]!.message).toMatch(
      /^the apex NS of all2all.org change \(.* helium\.ns\.hetzner\.de\. → .* ns\.example\.net\.\): the delegation/,
    );
  });

  test("the SOA changes (MNAME, a timer): dangerous; its serial alone is not a change", () => {
    expect(dangers(compare(ORG, ORG, { headZone: { mname: "hydrogen.ns.hetzner.com." } }))).toEqual([
      "all2all.org. SOA change: dns-apex",
    ]);
    const timer = compare(ORG, ORG, { headZone: { expire: 604800 } });
    expect(timer.zones[0]!.changes).toEqual([
      {
        owner: "all2all.org.",
        type: "SOA",
        action: "change",
        before: {
          ttl: 3600,
          values: ["ns-1.all2all.org.", "hostmaster.all2all.org.", "3600", "900", "1209600", "300"],
        },
        after: { ttl: 3600, values: ["ns-1.all2all.org.", "hostmaster.all2all.org.", "3600", "900", "604800", "300"] },
        dangers: [expect.objectContaining({ class: "dns-apex" })],
      },
    ]);
    expect(compare(ORG, ORG, { headZone: { serial: 2026120799 } }).zones[0]!.changes).toEqual([]);
  });

  test("an MX removed: dangerous; a preference changed on the same host is not", () => {
    const r = compare(ORG, without(ORG, "lists.all2all.org.                          3600 IN MX"));
    expect(dangers(r)).toEqual(["lists.all2all.org. MX remove: dns-mx-removed"]);
    expect(r.zones[0]!.changes[0]!.dangers[0]!.message).toBe(
      "mail for lists.all2all.org. is no longer delivered to lists.all2all.org. (MX 10 lists.all2all.org. removed)",
    );
    const pref = compare(
      ORG,
      ORG.map((l) => l.replace("IN MX     10 mail.all2all.org.", "IN MX     20 mail.all2all.org.")),
    );
    expect(pref.zones[0]!.changes.map((c) => [c.owner, c.type, c.action])).toEqual([["all2all.org.", "MX", "change"]]);
    expect(dangers(pref)).toEqual([]);
  });

  test(
    "a record removed that an MX, an SRV, another zone's MX or a server's " +
      "reverse DNS still names: dangerous, with every one named",
    () => {
      const r = compare(ORG, without(ORG, "mail.all2all.org.                           3600 IN A "));
      expect(dangers(r)).toEqual(["mail.all2all.org. A remove: dns-target-removed"]);
      expect(r.zones[0]!.changes[0]!.dangers[0]!.message).toBe(
        "removes the A of mail.all2all.org., which the MX of all2all.org., the SRV _imaps._tcp.all2all.org., the " +
          "MX of exemple-asbl.be. and the reverse DNS hcloud_rdns.mail-1-ipv4-rdns (production-servers) still name",
      );
      // A CNAME's target loses any record set: what the alias resolves to goes with it.
      const dkim = compare(ORG, without(ORG, "mail._domainkey.all2all.org."));
      expect(dangers(dkim)).toEqual(["mail._domainkey.all2all.org. TXT remove: dns-target-removed"]);
      expect(dkim.zones[0]!.changes[0]!.dangers[0]!.message).toContain("the CNAME mail._domainkey.exemple-asbl.be.");
      // Removed together with what names it (here the other zone's MX is moved away too): not dangerous for that
      // reason.
      const both = compare(
        ORG,
        without(ORG, "mail.all2all.org.", "all2all.org.                                3600 IN MX", "_imaps"),
        {
          headAsbl: ["exemple-asbl.be.                            3600 IN MX     10 mx.example.net."],
        },
      );
      const mailA = both.zones[0]!.changes.find((c) => c.owner === "mail.all2all.org." && c.type === "A");
      expect(mailA?.dangers.map((d) => d.message)).toEqual([
        "removes the A of mail.all2all.org., which the reverse DNS " +
          "hcloud_rdns.mail-1-ipv4-rdns (production-servers) still names",
      ]);
    },
  );

  test("an address of a name server (the SOA MNAME) changed or removed: dangerous", () => {
    const moved = compare(
      ORG,
      ORG.map((l) => l.replace("192.0.2.6 ; ns-1.ipv4", "192.0.2.2 ; web-1.ipv4")),
    );
    expect(dangers(moved)).toEqual(["ns-1.all2all.org. A change: dns-nameserver-address"]);
    expect(moved.zones[0]!.changes[0]!.dangers[0]!.message).toBe(
      "changes the A of ns-1.all2all.org., the SOA MNAME of all2all.org (ns-1.ipv4 → web-1.ipv4)",
    );
    expect(dangers(compare(ORG, without(ORG, "ns-1.")))).toEqual([
      "ns-1.all2all.org. A remove: dns-nameserver-address",
    ]);
    // A new address beside the old one removes nothing.
    expect(
      dangers(
        compare(ORG, [
          ...ORG,
          "ns-1.all2all.org.                           3600 IN AAAA   2001:db8:0:6::1 ; ns-1.ipv6",
        ]),
      ),
    ).toEqual([]);
  });

  test(
    "a zone newly served from the hidden primary: compared with its " +
      "primary-mode rendering, its SOA changes (dangerous)",
    () => {
      const r = compareZones(
        rendering({ "all2all.org": zoneFile("all2all.org", ORG, { secondary: false }) }, {}),
        rendering({ "all2all.org": zoneFile("all2all.org", ORG) }),
        DOCS,
      );
      expect(r.zones[0]!.selfHosted).toEqual({ base: false, head: true });
      expect(r.zones[0]!.notes).toEqual([
        expect.stringMatching(/^newly served from the hidden primary ns-1: it was in primary mode/),
      ]);
      expect(dangers(r)).toEqual(["all2all.org. SOA change: dns-apex"]);
      expect(r.knot).toEqual([
        {
          environment: "production",
          file: "knot/ns-1.conf",
          added: KNOT.split("\n").length - 1,
          removed: 0,
          lines: expect.any(Array),
        },
      ]);
    },
  );

  test("the Knot configuration changes: its changed lines; a base without one (old code) is said", () => {
    const head = KNOT.replace("    address: [ 203.0.113.53, 203.0.113.54 ]", "    address: [ 203.0.113.53 ]");
    const r = compareZones(
      rendering({ "all2all.org": zoneFile("all2all.org", ORG) }),
      rendering({ "all2all.org": zoneFile("all2all.org", ORG) }, { "knot/ns-1.conf": head }),
      DOCS,
    );
    expect(r.knot).toEqual([
      {
        environment: "production",
        file: "knot/ns-1.conf",
        added: 1,
        removed: 1,
        lines: [
          "    - id: hetzner-transfer-all2all-org-transfer",
          "-     address: [ 203.0.113.53, 203.0.113.54 ]",
          "+     address: [ 203.0.113.53 ]",
          "      key: all2all-org-transfer",
        ],
      },
    ]);
    const old = compareZones(
      rendering({ "all2all.org": zoneFile("all2all.org", ORG) }, null),
      rendering({ "all2all.org": zoneFile("all2all.org", ORG) }),
      DOCS,
    );
    expect(old.knot).toEqual([]);
    expect(old.notes).toEqual([
      "production: the base rendered no Knot configuration (its `all2all " +
        "zonefile` has no --knot): the head's is not compared",
    ]);
    // Its zones are still found from the files' headers.
    expect(old.zones.map((z) => z.zone)).toEqual(["all2all.org"]);
  });

  test("a base whose zone files cannot be rendered: said, nothing compared", () => {
    const base: ZoneRendering = {
      zones: new Map(),
      knot: new Map(),
      unavailable: new Map([["production", "its code has no `all2all zonefile`"]]),
      notes: [],
    };
    const r = compareZones(base, rendering({ "all2all.org": zoneFile("all2all.org", ORG) }), DOCS);
    expect(r.zones).toEqual([
      expect.objectContaining({
        zone: "all2all.org",
        changes: [],
        notes: ["the base's zone files could not be rendered (its code has no `all2all zonefile`): not compared"],
      }),
    ]);
  });

  test(
    "Markdown: dangerous DNS changes among the dangerous changes, the " +
      "zone's changes with its serial, the Knot lines",
    () => {
      const zones = compare(ORG, without(ORG, "lists.all2all.org.                          3600 IN MX"));
      const text = toMarkdown({
        command: "diff",
        base: "HEAD (1a2b3c4d5e)",
        head: "the working tree",
        stacks: ["production-dns"],
        changes: [],
        notes: [],
        zones,
        digests: { production: `sha256:${"0".repeat(64)}` },
        refusal: { errors: [] },
      });
      expect(text).toContain("## all2all diff: 1 dangerous change (1 DNS record change)\n");
      expect(text).toContain(
        "The synthesised stacks are identical; the zone files of the hidden primary change (below)",
      );
      expect(text).toContain(
        "### Dangerous changes (1)\n\n- `lists.all2all.org.` MX in the self-hosted zone `all2all.org` " +
          "(production) — remove\n  - **MX REMOVED**: mail for lists.all2all.org.",
      );
      expect(text).toContain(
        "#### `all2all.org` in production, served by `ns-1`: 1 removed; serial 2026120700 → 2026120701\n\n- " +
          "`-` `lists.all2all.org.` MX: 3600 `10 lists.all2all.org.`\n  - **MX REMOVED**",
      );
      expect(text).toContain(`\`\`\`\ndigest production: sha256:${"0".repeat(64)}\n\`\`\``);
    },
  );
});

describe("self-hosted zones in all2all diff, on a clone", () => {
  const repo = cloneForTests();
  // A fixed day: every serial is 2026-12-07's.
  const EPOCH = "1796601600";
  const diff = (options: DiffOptions) => diffIn(repo, options, { SOURCE_DATE_EPOCH: EPOCH });
  /** Edits of config/dns.yaml: each `[from, to]`, in turn. The SPF record's TTL and value changed, a CNAME added. */
  const SPF_AND_BLOG: [from: string, to: string][] = [
    [
      '{ name: "@", type: TXT, values: ["v=spf1 mx -all"] }',
      '{ name: "@", type: TXT, ttl: 300, values: ["v=spf1 a mx -all"] }',
    ],
    [
      "      - { name: collab, type: CNAME",
      "      - { name: blog, type: CNAME, values: [web-1] }\n      - { name: collab, type: CNAME",
    ],
  ];
  /** One secondary fewer: helium.ns.hetzner.de. out of the apex NS, one address left to notify. */
  const FEWER_SECONDARIES: [from: string, to: string][] = [
    [
      "nameservers: [hydrogen.ns.hetzner.com., oxygen.ns.hetzner.com., helium.ns.hetzner.de.]",
      "nameservers: [hydrogen.ns.hetzner.com., oxygen.ns.hetzner.com.]",
    ],
    [
      'notify: [203.0.113.53, 203.0.113.54, 203.0.113.55, "2001:db8:53::53", "2001:db8:53::54", "2001:db8:53::55"]',
      "notify: [203.0.113.53]",
    ],
  ];
  /**
   * With the clone's config/dns.yaml edited (`edits`): diffs production as JSON, expects exit `code`, hands
   * `check` the parsed report (it may edit and diff further); then resets the clone.
   */
  async function withDnsEdits(
    edits: [from: string, to: string][],
    code: number,
    check: (json: any) => Promise<void>,
  ): Promise<void> {
    for (const [from, to] of edits) repo.edit("config/dns.yaml", from, to);
    try {
      const r = await diff({ base: "HEAD", format: "json", env: "production" });
      expect(r.code).toBe(code);
      await check(JSON.parse(r.text));
    } finally {
      repo.reset();
    }
  }

  test(
    "an unchanged tree: every self-hosted zone compared (production's " + "and dr's all2all.org), no changes, exit 0",
    async () => {
      const r = await diff({ base: "HEAD", format: "json" });
      expect(r.code).toBe(ExitCode.ok);
      const json = JSON.parse(r.text);
      expect(json.zones.summary).toEqual({ added: 0, removed: 0, changed: 0, dangerous: 0, knot_changed: 0 });
      expect(
        json.zones.compared.map((z: any) => `${z.environment} ${z.zone} ${z.server} ${z.serial.base}/${z.serial.head}`),
      ).toEqual(["dr all2all.org ns-1 2026120700/2026120700", "production all2all.org ns-1 2026120700/2026120700"]);
      const md = await diff({ base: "HEAD" });
      expect(md.stdout[0]).toBe("## all2all diff: no changes");
      expect(md.text).toContain("### Self-hosted zones: no changes");
      expect(md.text).toContain(
        "- `all2all.org` in production, served by `ns-1`: no changes, serial 2026120700 (unchanged)",
      );
    },
  );

  test(
    "records of the self-hosted zone edited: listed beside the " +
      "(unchanged) stacks; an MX removed is dangerous (exit 3)",
    async () => {
      await withDnsEdits(SPF_AND_BLOG, ExitCode.ok, async (json) => {
        expect(json.changes).toEqual([]); // secondary mode: nothing of it is in the stacks
        expect(json.zones.summary).toEqual({ added: 1, removed: 0, changed: 1, dangerous: 0, knot_changed: 0 });
        expect(json.zones.compared[0]).toMatchObject({
          environment: "production",
          zone: "all2all.org",
          serial: { base: 2026120700, head: 2026120701 },
        });
        expect(json.zones.compared[0].changes).toEqual([SPF_CHANGED, BLOG_ADDED]);

        repo.edit("config/dns.yaml", '      - { name: lists, type: MX, values: ["10 lists"] }\n', "");
        const md = await diff({ base: "HEAD", env: "production" });
        expect(md.code).toBe(ExitCode.dangerous);
        expect(md.stdout[0]).toBe("## all2all diff: 1 dangerous change (3 DNS record changes)");
        expect(md.text).toContain(
          "**MX REMOVED**: mail for lists.all2all.org. is no longer delivered to " +
            "lists.all2all.org. (MX 10 lists.all2all.org. removed)",
        );
        expect(md.text).toContain(
          "#### `all2all.org` in production, served by `ns-1`: 1 added, 1 " +
            "removed, 1 changed; serial 2026120700 → 2026120701",
        );
        expect(md.text).toContain("- `+` `blog.all2all.org.` CNAME: 3600 `web-1.all2all.org.`");
      });
    },
  );

  test("the secondaries change: the Knot configuration's lines, and the apex NS (dangerous)", async () => {
    await withDnsEdits(FEWER_SECONDARIES, ExitCode.dangerous, async (json) => {
      const ns = json.zones.compared[0].changes.find((c: any) => c.type === "NS");
      expect(ns).toMatchObject({ owner: "all2all.org.", action: "change", dangers: [{ class: "dns-apex" }] });
      expect(json.zones.knot).toEqual([expect.objectContaining({ environment: "production", file: "knot/ns-1.conf" })]);
      expect(json.zones.knot[0].lines).toEqual(
        expect.arrayContaining([expect.stringMatching(/^- {3}- id: hetzner-notify-2-/)]),
      );
    });
  });

  test("a base built with its own code renders its zones with its own `all2all zonefile`", async () => {
    // A code change in the head commit (the SOA's negative caching TTL): only the head's own code renders it.
    const branch = repo.git("rev-parse", "--abbrev-ref", "HEAD").trim();
    const original = repo.git("rev-parse", "HEAD").trim();
    repo.edit("zonefile/serving.ts", "expire: 1209600, minimum: 300 }", "expire: 1209600, minimum: 600 }");
    const head = repo.commit("negative caching 600 s");
    repo.git("checkout", "--quiet", "HEAD~1");
    try {
      const r = await diff({ base: "HEAD", head, format: "json", env: "production" });
      expect(r.stderr.join("\n")).toContain("building its code (npm run build)");
      const json = JSON.parse(r.text);
      const soa = json.zones.compared[0].changes.find((c: any) => c.type === "SOA");
      expect(soa).toMatchObject({
        action: "change",
        before: { values: expect.arrayContaining(["300"]) },
        after: { values: expect.arrayContaining(["600"]) },
        dangers: [{ class: "dns-apex" }],
      });
      expect(r.code).toBe(ExitCode.dangerous);
    } finally {
      repo.git("checkout", "--quiet", branch);
      repo.git("reset", "--quiet", "--hard", original);
    }
  });
});

describe("renderZones with a copy's own command", () => {
  /** A built copy whose `all2all zonefile` is old: it has no --knot (or no zonefile at all). */
  function fakeCopy(script: string): { side: Side; dir: string; cleanup: () => void } {
    const t = makeTempDir("all2all-diff-fake-copy-");
    fs.mkdirSync(path.join(t.dir, "tree", "bin"), { recursive: true });
    fs.writeFileSync(path.join(t.dir, "tree", "bin", "all2all.js"), script);
    const side: Side = {
      output: { docs: new Map(), dependencies: new Map(), notes: [] },
      name: "HEAD~9 (0123456789)",
      zones: {
        kind: "copy",
        tree: path.join(t.dir, "tree"),
        configDir: path.join(t.dir, "tree", "config"),
        env: process.env,
      },
      dispose: () => undefined,
    };
    return { side, dir: t.dir, cleanup: t.cleanup };
  }

  /** What renderZones answers for these environments on a fake copy whose `bin/all2all.js` is `script`. */
  async function renderedBy(script: string, environments: string[]): ReturnType<typeof renderZones> {
    const copy = fakeCopy(script);
    try {
      return await renderZones(
        copy.side,
        environments,
        path.join(copy.dir, "out"),
        undefined,
        "1796601600",
        "base HEAD~9 (0123456789)",
      );
    } finally {
      copy.cleanup();
    }
  }

  /** A copy's `all2all` whose `zonefile` has no --knot: without it, it writes one zone file. */
  const WITHOUT_KNOT = [
    'const fs = require("node:fs"), path = require("node:path");',
    "const args = process.argv.slice(2);",
    'if (args.includes("--knot")) { console.error("error: unknown option \'--knot\'"); process.exit(2); }',
    'const out = args[args.indexOf("--out") + 1];',
    "fs.mkdirSync(out, { recursive: true });",
    'fs.writeFileSync(path.join(out, "all2all.org.zone"), "; secondary mode: served by hetzner, transferred ' +
      'from the hidden primary ns-1\\n$ORIGIN all2all.org.\\n@ 3600 IN A 192.0.2.1 ; web-1.ipv4\\n");',
  ].join("\n");

  test("without --knot: rendered again without it, and said", async () => {
    const r = await renderedBy(WITHOUT_KNOT, ["production"]);
    expect(r.notes).toEqual([
      "base HEAD~9 (0123456789): its `all2all zonefile` has no --knot: its Knot configuration is not rendered",
    ]);
    expect([...(r.zones.get("production")?.keys() ?? [])]).toEqual(["all2all.org"]);
    expect(r.knot.get("production")).toBeUndefined();
  });

  test("without `all2all zonefile`: its zones are unavailable, and said", async () => {
    const r = await renderedBy("console.error(\"error: unknown command 'zonefile'\"); process.exit(2);", [
      "dr",
      "production",
    ]);
    expect(r.notes).toEqual([
      "base HEAD~9 (0123456789): its code has no `all2all zonefile`: its zone files cannot be rendered",
    ]);
    expect(r.unavailable).toEqual(
      new Map([
        ["dr", "its code has no `all2all zonefile`"],
        ["production", "its code has no `all2all zonefile`"],
      ]),
    );
  });

  test("DIFF_REFUSED is 4, beside 3 for dangerous changes", () => {
    expect(DIFF_REFUSED).toBe(4);
    expect(ExitCode.dangerous).toBe(3);
  });
});
