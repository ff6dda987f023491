// Zone files from the typed record model: layout, names, ordering, values,
// SOA and NS defaults, placeholders, serials and the addresses file. No
// external tool needed (tools.process.test.ts runs BIND's and Knot's checkers).
import * as path from "node:path";
import { loadNetwork, type NetworkSpec, type ZoneSpec } from "../../description";
import { DEFAULT_CONFIG } from "../../testing/description";
import { readZoneText } from "../../testing/zone-reader";
import { canonicalSets, specSets } from "../../testing/zone-sets";
import { extraZonesWorkspace, LONG_TXT } from "../../testing/zonefile-command";
import {
  chooseSerial,
  compareNames,
  dateSerial,
  HETZNER_NAMESERVERS,
  parseServerOutputs,
  placeholderAddress,
  placeholderAddresses,
  renderZone,
  SERIAL_TOKEN,
  serialOf,
  servingOf,
  withSerial,
  type AddressBook,
} from "../../zonefile";
import { joinRegExp } from "../../primitives/regexp";

function load(configDir: string, env: string): NetworkSpec {
  const result = loadNetwork(configDir, { env });
  if (!result.ok) throw new Error(`config does not load: ${JSON.stringify(result.problems.slice(0, 3))}`);
  return result.specs[0]!;
}

const production = load(DEFAULT_CONFIG, "production");
const ws = extraZonesWorkspace();
afterAll(() => ws.remove());
const extra = load(path.join(ws.root, "config"), "production");

const zoneOf = (spec: NetworkSpec, name: string) => spec.zones.find((z) => z.name === name) as ZoneSpec;
const book = (spec: NetworkSpec) => placeholderAddresses(spec.servers);
const render = (spec: NetworkSpec, name: string, addresses: AddressBook = book(spec)) =>
  renderZone(zoneOf(spec, name), { environment: spec.environment.name, addresses });
const lines = (text: string) => text.split("\n");

describe("a rendered zone file", () => {
  const org = render(production, "all2all.org");
  const text = withSerial(org.template, 2026010100);

  test("starts with the header, then $ORIGIN and $TTL", () => {
    const l = lines(text);
    expect(l[0]).toBe("; Zone all2all.org, environment production.");
    expect(l).toContain("$ORIGIN all2all.org.");
    expect(l).toContain("$TTL 3600");
    expect(l.indexOf("$ORIGIN all2all.org.")).toBeLessThan(l.findIndex((x) => x.includes(" IN SOA ")));
    expect(text).toContain(
      "; secondary mode: served by hetzner (hydrogen.ns.hetzner.com. oxygen.ns.hetzner.com. " +
        "helium.ns.hetzner.de.), transferred from the hidden primary ns-1",
    );
  });

  test("says plainly that placeholder addresses are placeholders", () => {
    expect(text).toMatch(/^; addresses are placeholders: documentation addresses .*NOT FOR SERVING/m);
    expect(org.placeholder).toBe(true);
  });

  test("has the SOA first (MNAME the hidden primary's name in the zone, RNAME hostmaster), then Hetzner's NS", () => {
    const records = readZoneText(text, "all2all.org.");
    expect(records[0]).toMatchObject({ owner: "all2all.org.", type: "SOA", ttl: 3600 });
    expect(records[0]!.rdata.map((t) => t.text)).toEqual([
      "ns-1.all2all.org.",
      "hostmaster.all2all.org.",
      "2026010100",
      "3600",
      "900",
      "1209600",
      "300",
    ]);
    expect(records.slice(1, 4).map((r) => [r.owner, r.type, r.rdata[0]!.text])).toEqual(
      HETZNER_NAMESERVERS.map((ns) => ["all2all.org.", "NS", ns]),
    );
  });

  test("writes every name absolute, with its final dot, and every TTL and class", () => {
    for (const r of readZoneText(text, "all2all.org.")) {
      expect(r.owner).toMatch(/\.all2all\.org\.$|^all2all\.org\.$/);
    }
    const recordLines = lines(text).filter((l) => / IN /.test(l));
    expect(recordLines.length).toBeGreaterThan(30);
    for (const l of recordLines) expect(l).toMatch(/^\S+\.\s+\d+ IN [A-Z]+\s+\S/);
    expect(text).toContain("10 mail.all2all.org.");
    expect(text).toContain("0 1 465 mail.all2all.org.");
    expect(text).toMatch(/^www\.all2all\.org\.\s+3600 IN CNAME\s+all2all\.org\.$/m);
  });

  test("orders record sets canonically (RFC 4034): apex first, a name's subtree after it, types in order", () => {
    const owners = readZoneText(text, "all2all.org.").map((r) => r.owner);
    const distinct = owners.filter((o, i) => owners.indexOf(o) === i);
    expect(distinct).toEqual([...distinct].sort(compareNames));
    expect(distinct.slice(0, 4)).toEqual([
      "all2all.org.",
      "_dmarc.all2all.org.",
      "exemple-asbl.be._report._dmarc.all2all.org.",
      "mail._domainkey.all2all.org.",
    ]);
    expect(distinct.indexOf("_25._tcp.mail.all2all.org.")).toBe(distinct.indexOf("mail.all2all.org.") + 1);
    const apexTypes = readZoneText(text, "all2all.org.")
      .filter((r) => r.owner === "all2all.org.")
      .map((r) => r.type);
    expect([...new Set(apexTypes)]).toEqual(["SOA", "NS", "A", "AAAA", "CAA", "MX", "TXT"]);
  });

  test("is stable: the same description renders the same bytes", () => {
    expect(render(production, "all2all.org").template).toBe(org.template);
    expect(render(load(DEFAULT_CONFIG, "production"), "all2all.org").template).toBe(org.template);
  });

  test("names the server behind each address, and puts a record set's comment before it", () => {
    expect(text).toMatch(/^ns-1\.all2all\.org\.\s+3600 IN A\s+192\.0\.2\.6 ; ns-1\.ipv4$/m);
    expect(text).toMatch(/^ns-1\.all2all\.org\.\s+3600 IN AAAA\s+2001:db8:0:6::1 ; ns-1\.ipv6$/m);
    const l = lines(text);
    const comment = l.indexOf("; mail client autoconfiguration");
    expect(l[comment + 1]).toMatch(/^autoconfig\.all2all\.org\.\s+3600 IN CNAME\s+mail\.all2all\.org\.$/);
  });

  test("keeps the DKIM key's 255-byte strings, one per line in parentheses", () => {
    const dkim = readZoneText(text, "all2all.org.").filter((r) => r.owner === "mail._domainkey.all2all.org.");
    expect(dkim).toHaveLength(1);
    expect(dkim[0]!.rdata.map((t) => t.quoted)).toEqual([true, true]);
    expect(Buffer.byteLength(dkim[0]!.rdata[0]!.text)).toBe(255);
    const start = lines(text).findIndex((l) => l.startsWith("mail._domainkey.all2all.org."));
    expect(lines(text)[start]).toMatch(/IN TXT\s+\( "v=DKIM1; k=rsa; p=/);
    expect(lines(text)[start + 1]).toMatch(/^\s+"[^"]+" \)$/);
  });

  test("holds exactly the config's record sets, plus SOA and apex NS", () => {
    const sets = canonicalSets(readZoneText(text, "all2all.org."), "all2all.org.");
    const withoutSoaNs = sets.filter((s) => !(s.owner === "all2all.org." && (s.type === "SOA" || s.type === "NS")));
    expect(withoutSoaNs).toEqual(specSets(zoneOf(production, "all2all.org"), book(production)));
  });
});

describe("every kind of record (the extra zones)", () => {
  const cafe = render(extra, "xn--caf-asbl-d1a.be");
  const text = withSerial(cafe.template, 1);
  const bucher = withSerial(render(extra, "xn--bcher-asbl-9db.be").template, 1);

  test("an IDN zone is written in ASCII, with its Unicode name in a comment", () => {
    expect(cafe.fileName).toBe("xn--caf-asbl-d1a.be.zone");
    expect(text).toContain("; Unicode name: café-asbl.be");
    expect(text).toContain("$ORIGIN xn--caf-asbl-d1a.be.");
    expect(text).toMatch(/^xn--ncode-cta3g\.xn--caf-asbl-d1a\.be\.\s+1800 IN TXT\s+"idn owner"$/m);
    // Only comments may hold non-ASCII characters.
    for (const l of lines(text).filter((x) => !x.startsWith(";"))) expect(l).toMatch(/^[\x20-\x7e]*$/);
  });

  test("TXT: long values split in quoted strings of at most 255 bytes, escapes kept, explicit strings kept", () => {
    const txt = readZoneText(text, "xn--caf-asbl-d1a.be.").filter(
      (r) => r.type === "TXT" && r.owner === "xn--caf-asbl-d1a.be.",
    );
    expect(txt).toHaveLength(2);
    expect(txt[0]!.rdata).toHaveLength(2);
    const bytes = Buffer.from(LONG_TXT, "utf8").length;
    expect(bytes).toBeGreaterThan(255);
    expect(text).toContain('"v=test1; caf\\195\\169 \\"quoted\\" back\\\\slash; ');
    expect(txt[1]!.rdata.map((t) => t.text)).toEqual(["part one", "part two"]);
    expect(text).toContain("; a long value; split for you");
  });

  test("CAA, TLSA, SRV, SSHFP, MX, wildcards and literal addresses", () => {
    expect(text).toMatch(/ IN CAA\s+128 issue "letsencrypt\.org; validationmethods=dns-01"$/m);
    expect(text).toMatch(/ IN CAA\s+0 iodef "https:\/\/caf\\195\\169-asbl\.be\/caa"$/m);
    expect(text).toMatch(
      joinRegExp(
        /^_443\._tcp\.www\.xn--caf-asbl-d1a\.be\.\s+1800 IN TLSA\s+3 1 1 /m,
        /8935477ceef0df65a530600f8b8fcc929e159ff3ecbde32efbef9317d213c058$/m,
      ),
    );
    expect(text).toMatch(
      /^_sip\._udp\.xn--caf-asbl-d1a\.be\.\s+1800 IN SRV\s+10 60 5060 sip\.xn--caf-asbl-d1a\.be\.$/m,
    );
    expect(text).toMatch(/^_sip\._udp\.xn--caf-asbl-d1a\.be\.\s+1800 IN SRV\s+20 0 5060 \.$/m);
    expect(text).toMatch(
      /^www\.xn--caf-asbl-d1a\.be\.\s+1800 IN SSHFP\s+1 1 024f4af6232b14dbc9f60540a3cf40d897f9d627$/m,
    );
    expect(text).toMatch(/^xn--caf-asbl-d1a\.be\.\s+1800 IN MX\s+10 mx\.xn--caf-asbl-d1a\.be\.$/m);
    expect(text).toMatch(/^\*\.cdn\.xn--caf-asbl-d1a\.be\.\s+1800 IN CNAME\s+xn--caf-asbl-d1a\.be\.$/m);
    expect(text).toMatch(/^xn--caf-asbl-d1a\.be\.\s+600 IN AAAA\s+2001:db8::77$/m);
    expect(bucher).toMatch(/^\*\.dev\.xn--bcher-asbl-9db\.be\.\s+7200 IN A\s+192\.0\.2\.99$/m);
    expect(bucher).toMatch(/^sub\.xn--bcher-asbl-9db\.be\.\s+7200 IN NS\s+hydrogen\.ns\.hetzner\.com\.$/m);
  });

  test("both zones hold exactly their config's record sets", () => {
    for (const [name, file] of [
      ["xn--caf-asbl-d1a.be", text],
      ["xn--bcher-asbl-9db.be", bucher],
    ] as const) {
      const sets = canonicalSets(readZoneText(file, `${name}.`), `${name}.`);
      expect(sets.filter((s) => !(s.owner === `${name}.` && (s.type === "SOA" || s.type === "NS")))).toEqual(
        specSets(zoneOf(extra, name), book(extra)),
      );
    }
  });

  test("a primary-mode zone's SOA names Hetzner's first name server", () => {
    expect(bucher).toMatch(/IN SOA\s+hydrogen\.ns\.hetzner\.com\. hostmaster\.xn--bcher-asbl-9db\.be\. \($/m);
    expect(bucher).toContain("; primary mode: served by Hetzner from its API");
  });
});

describe("SOA and NS defaults", () => {
  test("MNAME falls back to the first NS when no name in the zone holds the hidden primary's address", () => {
    const zone = zoneOf(production, "all2all.org");
    const without = {
      ...zone,
      records: zone.records.filter((r) => !r.values.some((v) => v.kind === "address" && v.server === "ns-1")),
    };
    expect(servingOf(without).mname).toBe(HETZNER_NAMESERVERS[0]);
    expect(servingOf(zone).mname).toBe("ns-1.all2all.org.");
    expect(servingOf(zone).rname).toBe("hostmaster.all2all.org.");
  });
});

describe("placeholder addresses", () => {
  test("are documentation addresses, one per server in config order, the same on every run", () => {
    const names = production.servers.map((s) => s.name);
    expect(names[0]).toBe("admin-1");
    const b = placeholderAddresses(production.servers);
    expect(b.address({ kind: "address", server: "admin-1", family: "ipv4" })).toBe("192.0.2.1");
    expect(b.address({ kind: "address", server: "ns-1", family: "ipv6" })).toBe(
      `2001:db8:0:${names.indexOf("ns-1") + 1}::1`,
    );
    expect(placeholderAddress(254, "ipv4")).toBe("192.0.2.254");
    expect(placeholderAddress(255, "ipv4")).toBe("198.51.100.1");
    expect(() => b.address({ kind: "address", server: "nope", family: "ipv4" })).toThrow(/unknown server "nope"/);
  });
});

describe("the SOA serial", () => {
  const day = new Date("2026-03-04T10:00:00Z");
  const template = render(production, "all2all.org").template;

  test("is YYYYMMDD00 for a new file", () => {
    expect(dateSerial(day)).toBe(2026030400);
    expect(chooseSerial(template, undefined, day)).toEqual({ serial: 2026030400, reason: "new" });
  });

  test("stays the same while the content stays the same, whatever the date", () => {
    const previous = withSerial(template, 2026010105);
    expect(chooseSerial(template, previous, day)).toEqual({
      serial: 2026010105,
      reason: "unchanged",
      previous: 2026010105,
    });
  });

  test("grows when the content changes: today's date, or the previous serial plus one", () => {
    const changed = template.replace("v=spf1 mx -all", "v=spf1 mx ~all");
    expect(chooseSerial(changed, withSerial(template, 2026010105), day)).toMatchObject({
      serial: 2026030400,
      reason: "changed",
    });
    expect(chooseSerial(changed, withSerial(template, 2026030400), day)).toMatchObject({
      serial: 2026030401,
      reason: "changed",
    });
    // A clock behind the previous serial still gives a larger one.
    expect(chooseSerial(changed, withSerial(template, 2026120100), day)).toMatchObject({ serial: 2026120101 });
    expect(() => chooseSerial(changed, withSerial(template, 4294967295), day)).toThrow(/cannot grow past 4294967295/);
  });

  test("is read back from a rendered file", () => {
    expect(serialOf(withSerial(template, 2026030407))).toBe(2026030407);
    expect(serialOf("no SOA here")).toBeUndefined();
    expect(template).toContain(SERIAL_TOKEN);
  });
});

describe("the addresses file (tofu output -json of the servers stack)", () => {
  const zone = zoneOf(production, "all2all.org");
  const refs = zone.records.flatMap((r) => r.values.filter((v) => v.kind === "address")) as {
    kind: "address";
    server: string;
    family: "ipv4" | "ipv6";
  }[];
  const servers = [...new Set(refs.map((r) => r.server))];
  const outputs: Record<string, unknown> = {
    "cross-stack-output-hcloud_primary_ipweb-1-ipv4ip_address": { sensitive: true, type: "string", value: "ignored" },
  };
  servers.forEach((s, i) => {
    outputs[`${s}-ipv4`] = { sensitive: false, type: "string", value: `203.0.113.${10 + i}` };
    outputs[`${s}-ipv6`] = { sensitive: false, type: "string", value: `2A01:4F8:C0C:${(i + 1).toString(16)}:0:0:0:1` };
  });

  test("gives the real addresses, canonical, and the file says where they come from", () => {
    const parsed = parseServerOutputs(JSON.stringify(outputs), "out.json", refs, "production-servers");
    if (!parsed.ok) throw new Error(parsed.problems.join("\n"));
    expect(parsed.book.placeholder).toBe(false);
    const file = withSerial(renderZone(zone, { environment: "production", addresses: parsed.book }).template, 1);
    expect(file).toContain("; addresses: outputs of the production-servers stack");
    expect(file).not.toContain("placeholders");
    const i = servers.indexOf("ns-1");
    expect(file).toMatch(
      new RegExp(
        `^ns-1\\.all2all\\.org\\.\\s+3600 IN AAAA\\s+2a01:4f8:c0c:${(i + 1).toString(16)}::1 ; ns-1\\.ipv6$`,
        "m",
      ),
    );
  });

  test("every problem is reported, naming the file and the output", () => {
    const bad = { ...outputs };
    delete bad["web-1-ipv4"];
    bad["web-2-ipv4"] = { value: "2001:db8::1" };
    bad["mail-1-ipv6"] = "2001:db8::1";
    bad["lists-1-ipv6"] = { value: 42 };
    const parsed = parseServerOutputs(JSON.stringify(bad), "out.json", refs, "production-servers");
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.problems).toEqual([
      'out.json: output "web-1-ipv4" is missing (the public IPv4 of web-1); is this ' +
        "the output of production-servers, applied with this config?",
      'out.json: output "web-2-ipv4": "2001:db8::1" is not an IPv4 address',
      'out.json: output "mail-1-ipv6": expected { "value": "<address>" }, got "2001:db8::1"',
      'out.json: output "lists-1-ipv6": expected { "value": "<address>" }, got a value of 42',
    ]);
  });

  test("a file that is not a JSON object of outputs is refused", () => {
    expect(parseServerOutputs("{", "x.json", refs)).toMatchObject({
      ok: false,
      problems: [expect.stringMatching(/^x\.json: not JSON/)],
    });
    expect(parseServerOutputs("[]", "x.json", refs)).toMatchObject({
      ok: false,
      problems: [expect.stringMatching(/^x\.json: expected a JSON object of outputs .* got a list$/)],
    });
  });
});
