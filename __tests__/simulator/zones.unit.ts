/**
 * The simulated DNS API (zones and rrsets on the Cloud API): shapes the
 * provider reads, Hetzner's automatic SOA/NS rrsets, and every check with the
 * error it answers.
 */
import { inProcessApi } from "../../testing/simulator";
import { ApiError } from "../../simulator/core";
import { registerDns } from "../../simulator/resources/dns";
import { nextSerial } from "../../simulator/resources/zones";
import { parseZonefile } from "../../simulator/resources/zones-zonefile";

const simulator = () => inProcessApi("cloud", registerDns);

type Call = ReturnType<typeof simulator>;

const primary = (call: Call, name = "example.org", extra: Record<string, unknown> = {}) =>
  call("POST", "/zones", { name, mode: "primary", ttl: 3600, ...extra });

const secondary = (call: Call, name = "example.be", nameservers: unknown = [{ address: "203.0.113.10" }]) =>
  call("POST", "/zones", { name, mode: "secondary", primary_nameservers: nameservers });

/** The first field error of an `invalid_input` answer, as `field: message`. */
const fieldError = (r: { json: any }): string => {
  const f = r.json.error.details.fields[0];
  return `${f.name}: ${f.messages[0]}`;
};

/** The field message of the `invalid_input` that `fn` throws. */
function thrownMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof ApiError) return (e.details as any).fields[0].messages[0];
    throw e;
  }
  throw new Error("nothing was thrown");
}

const rrset = (
  call: Call,
  zone: string,
  name: string,
  type: string,
  records: unknown[],
  extra: Record<string, unknown> = {},
) => call("POST", `/zones/${zone}/rrsets`, { name, type, records, ...extra });

describe("zones", () => {
  test("a primary zone gets Hetzner's SOA and three NS records, and is found by id and by name", () => {
    const call = simulator();
    const created = primary(call, "example.org", { labels: { env: "test" } });
    expect(created.status).toBe(201);
    expect(created.json.action).toMatchObject({ command: "create_zone", status: "running" });
    const zone = created.json.zone;
    expect(zone).toMatchObject({
      name: "example.org",
      mode: "primary",
      ttl: 3600,
      labels: { env: "test" },
      protection: { delete: false },
      primary_nameservers: [],
      record_count: 4,
      status: "ok",
      authoritative_nameservers: {
        assigned: ["hydrogen.ns.hetzner.com.", "oxygen.ns.hetzner.com.", "helium.ns.hetzner.de."],
      },
    });
    expect(call("GET", "/zones/example.org").json.zone).toEqual(call("GET", `/zones/${zone.id}`).json.zone);
    const sets = call("GET", "/zones/example.org/rrsets").json.rrsets;
    expect(sets.map((s: any) => s.id)).toEqual(["@/NS", "@/SOA"]);
    const soa = sets.find((s: any) => s.type === "SOA");
    expect(soa.ttl).toBeNull();
    expect(soa.records[0].value).toMatch(
      /^hydrogen\.ns\.hetzner\.com\. dns\.hetzner\.com\. \d{10} 86400 10800 3600000 3600$/,
    );
    expect(call("GET", "/zones/missing.org").json.error.code).toBe("not_found");
  });

  test("zone names are unique", () => {
    const call = simulator();
    primary(call);
    const again = primary(call);
    expect(again.status).toBe(409);
    expect(again.json.error.code).toBe("uniqueness_error");
  });

  test.each([
    ["Example.org", "must be in lower case"],
    ["example.org.", "must not end with a dot"],
    ["www.example.org", "subdomains are not supported; create the zone example.org instead"],
    ["staging.all2all.org", "subdomains are not supported"],
    ["café.org", "Punycode"],
    ["org", "must have a public suffix"],
    ["exa_mple.org", 'the label "exa_mple" is not a valid host name label'],
  ])("the zone name %s is refused", (name, message) => {
    const r = primary(simulator(), name);
    expect(r.status).toBe(400);
    expect(r.json.error.code).toBe("invalid_input");
    expect(fieldError(r)).toContain("name: ");
    expect(fieldError(r)).toContain(message);
  });

  test("names below a known multi-label public suffix are zones, one label deeper they are subdomains", () => {
    const call = simulator();
    expect(primary(call, "example.co.uk").status).toBe(201);
    expect(primary(call, "www.example.co.uk").json.error.code).toBe("invalid_input");
  });

  test("mode and TTL are checked", () => {
    const call = simulator();
    expect(fieldError(call("POST", "/zones", { name: "a.org", mode: "tertiary" }))).toBe(
      'mode: must be primary or secondary, got "tertiary"',
    );
    expect(fieldError(primary(call, "b.org", { ttl: 59 }))).toBe(
      "ttl: must be an integer from 60 to 2147483647 (seconds), got 59",
    );
    expect(primary(call, "c.org", { ttl: undefined }).json.zone.ttl).toBe(3600);
  });

  test("a secondary zone keeps its primary nameservers as sent, port 53 by default, and has no rrsets", () => {
    const call = simulator();
    const key = "c2VjcmV0LWtleQ==";
    const r = secondary(call, "example.be", [
      { address: "203.0.113.10", port: 5353, tsig_algorithm: "hmac-sha256", tsig_key: key },
      { address: "2001:db8::10" },
    ]);
    expect(r.status).toBe(201);
    expect(r.json.zone.primary_nameservers).toEqual([
      { address: "203.0.113.10", port: 5353, tsig_algorithm: "hmac-sha256", tsig_key: key },
      { address: "2001:db8::10", port: 53 },
    ]);
    expect(r.json.zone.record_count).toBe(0);
    const list = call("GET", "/zones/example.be/rrsets");
    expect(list.status).toBe(422);
    expect(list.json.error.code).toBe("incorrect_zone_mode");
    expect(rrset(call, "example.be", "www", "A", [{ value: "192.0.2.1" }]).json.error.code).toBe("incorrect_zone_mode");
  });

  test.each([
    [null, "primary_nameservers: a secondary zone needs at least one primary nameserver"],
    [
      [{ address: "ns1.example.net" }],
      'primary_nameservers[0].address: must be an IPv4 or IPv6 address, got "ns1.example.net"',
    ],
    [
      [{ address: "203.0.113.1", port: 70000 }],
      "primary_nameservers[0].port: must be a port from 1 to 65535, got 70000",
    ],
    [
      [{ address: "203.0.113.1", tsig_key: "a2V5" }],
      "primary_nameservers[0].tsig_algorithm: a TSIG key and its algorithm are given together",
    ],
    [
      [{ address: "203.0.113.1", tsig_algorithm: "hmac-sha512", tsig_key: "a2V5" }],
      'primary_nameservers[0].tsig_algorithm: must be one of hmac-md5, hmac-sha1, hmac-sha256, got "hmac-sha512"',
    ],
    [
      [{ address: "203.0.113.1", tsig_algorithm: "hmac-sha256", tsig_key: "not base64!" }],
      "primary_nameservers[0].tsig_key: must be a base64 TSIG secret",
    ],
  ])("the primary nameservers %j are refused", (nameservers, message) => {
    const r = secondary(simulator(), "example.be", nameservers);
    expect(r.json.error.code).toBe("invalid_input");
    expect(fieldError(r)).toBe(message);
  });

  test("a primary zone refuses primary nameservers, and change_primary_nameservers is for secondary zones", () => {
    const call = simulator();
    expect(fieldError(primary(call, "a.org", { primary_nameservers: [{ address: "203.0.113.1" }] }))).toBe(
      "primary_nameservers: only applicable for zones in secondary mode",
    );
    primary(call, "b.org");
    expect(
      call("POST", "/zones/b.org/actions/change_primary_nameservers", {
        primary_nameservers: [{ address: "203.0.113.1" }],
      }).json.error.code,
    ).toBe("incorrect_zone_mode");
    secondary(call, "c.be");
    const changed = call("POST", "/zones/c.be/actions/change_primary_nameservers", {
      primary_nameservers: [{ address: "203.0.113.2", port: 5353 }],
    });
    expect(changed.json.action.command).toBe("change_primary_nameservers");
    expect(call("GET", "/zones/c.be").json.zone.primary_nameservers).toEqual([{ address: "203.0.113.2", port: 5353 }]);
  });

  test("delete protection refuses a delete until it is lifted; deleting a zone deletes its rrsets", () => {
    const call = simulator();
    const id = primary(call).json.zone.id;
    rrset(call, "example.org", "www", "A", [{ value: "192.0.2.1" }]);
    expect(call("POST", "/zones/example.org/actions/change_protection", { delete: true }).json.action.command).toBe(
      "change_protection",
    );
    const refused = call("DELETE", "/zones/example.org");
    expect(refused.status).toBe(423);
    expect(refused.json.error.code).toBe("protected");
    call("POST", `/zones/${id}/actions/change_protection`, { delete: false });
    expect(call("DELETE", `/zones/${id}`).json.action.command).toBe("delete_zone");
    expect(call("GET", "/zones/example.org").status).toBe(404);
    expect(primary(call).json.zone.record_count).toBe(4);
  });

  test("labels are updated with PUT and filter the list with the name and mode filters", () => {
    const call = simulator();
    primary(call, "a.org");
    secondary(call, "b.be");
    expect(call("PUT", "/zones/a.org", { labels: { team: "dns" } }).json.zone.labels).toEqual({ team: "dns" });
    expect(call("GET", "/zones?label_selector=team%3Ddns").json.zones.map((z: any) => z.name)).toEqual(["a.org"]);
    expect(call("GET", "/zones?mode=secondary").json.zones.map((z: any) => z.name)).toEqual(["b.be"]);
    expect(call("GET", "/zones?name=b.be").json.zones).toHaveLength(1);
    expect(call("PUT", "/zones/a.org", { labels: { "bad key!": "x" } }).json.error.code).toBe("invalid_input");
  });

  test("change_ttl changes the default TTL and raises the SOA serial", () => {
    const call = simulator();
    primary(call);
    const serial = () =>
      Number(call("GET", "/zones/example.org/rrsets/@/SOA").json.rrset.records[0].value.split(" ")[2]);
    const before = serial();
    call("POST", "/zones/example.org/actions/change_ttl", { ttl: 600 });
    expect(call("GET", "/zones/example.org").json.zone.ttl).toBe(600);
    expect(serial()).toBe(before + 1);
    expect(fieldError(call("POST", "/zones/example.org/actions/change_ttl", {}))).toBe("ttl: is required");
  });

  test("the SOA serial follows YYYYMMDDnn", () => {
    const day = new Date("2026-03-04T10:00:00Z");
    expect(nextSerial(0, day)).toBe(2026030401);
    expect(nextSerial(2026030401, day)).toBe(2026030402);
    expect(nextSerial(2025010199, day)).toBe(2026030401);
  });
});

describe("rrsets", () => {
  test("records come back exactly as sent: quotes, backslashes, ${…}, %{…} and non-ASCII text", () => {
    const call = simulator();
    primary(call);
    const values = ['"v=spf1 include:${x} %{y} -all"', '"quote \\" backslash \\\\ café ✉"', '"one" "two"'];
    const created = rrset(
      call,
      "example.org",
      "@",
      "TXT",
      [{ value: values[0], comment: "literal ${x}" }, { value: values[1] }, { value: values[2] }],
      { labels: { k: "v" } },
    );
    expect(created.status).toBe(201);
    expect(created.json.action.command).toBe("create_rrset");
    expect(created.json.rrset).toMatchObject({
      id: "@/TXT",
      name: "@",
      type: "TXT",
      ttl: null,
      labels: { k: "v" },
      protection: { change: false },
    });
    const read = call("GET", "/zones/example.org/rrsets/@/TXT").json.rrset;
    expect(read.records).toEqual([
      { value: values[0], comment: "literal ${x}" },
      { value: values[1], comment: "" },
      { value: values[2], comment: "" },
    ]);
    expect(read.zone).toBe(created.json.rrset.zone);
  });

  test("every record type the stacks use is accepted with its usual value", () => {
    const call = simulator();
    primary(call);
    const sets: [string, string, string][] = [
      ["@", "A", "192.0.2.10"],
      ["@", "AAAA", "2001:db8::1"],
      ["@", "MX", "10 mail.example.org."],
      ["@", "CAA", '0 issue "letsencrypt.org"'],
      ["www", "CNAME", "example.org."],
      ["_imaps._tcp", "SRV", "0 1 993 mail.example.org."],
      ["_443._tcp.www", "TLSA", "3 1 1 add50e4c54a20a447722a0b63b0b7a39003ede9417ba1b81952e6597c174352a"],
      ["*.dev", "A", "192.0.2.11"],
      ["sub", "NS", "ns1.example.net."],
      ["sub", "DS", "12345 13 2 ABCDEF0123"],
    ];
    for (const [name, type, value] of sets)
      expect(rrset(call, "example.org", name, type, [{ value }]).status).toBe(201);
    expect(call("GET", "/zones/example.org").json.zone.record_count).toBe(4 + sets.length);
    expect(call("GET", "/zones/example.org/rrsets?type=A&type=AAAA").json.rrsets.map((s: any) => s.id)).toEqual([
      "*.dev/A",
      "@/A",
      "@/AAAA",
    ]);
  });

  test.each<[string, string, unknown[], string, Record<string, unknown>?]>([
    [
      "www",
      "SPF",
      [{ value: '"x"' }],
      'type: invalid rrset type "SPF"; allowed: A, AAAA, CAA, CNAME, DS, HINFO, ' +
        "HTTPS, MX, NS, PTR, RP, SOA, SRV, SVCB, TLSA, TXT",
    ],
    ["www", "a", [{ value: "192.0.2.1" }], 'type: invalid rrset type "a"'],
    ["WWW", "A", [{ value: "192.0.2.1" }], 'name: invalid rrset name "WWW": must be in lower case'],
    ["www.", "A", [{ value: "192.0.2.1" }], 'name: invalid rrset name "www.": must not end with a dot'],
    ["www.example.org", "A", [{ value: "192.0.2.1" }], "must not end with the zone name example.org"],
    ["www", "A", [], "records: must not be empty"],
    [
      "www",
      "A",
      [{ value: "192.0.2.1" }, { value: "192.0.2.1" }],
      'records: must only contain distinct record values; "192.0.2.1" is listed twice',
    ],
    [
      "www",
      "A",
      [{ value: "192.0.2.300" }],
      'records[0].value: invalid A record value "192.0.2.300": must be an IPv4 address',
    ],
    ["www", "AAAA", [{ value: "192.0.2.1" }], "must be an IPv6 address"],
    ["@", "MX", [{ value: "mail.example.org." }], "must be <priority> <host>"],
    ["_x._tcp", "SRV", [{ value: "0 1 mail.example.org." }], "must be <priority> <weight> <port> <target>"],
    ["@", "CAA", [{ value: "0 issue letsencrypt.org" }], 'must be <flags> <tag> "<value>"'],
    [
      "www",
      "CNAME",
      [{ value: "a.example.net." }, { value: "b.example.net." }],
      "records: a CNAME rrset holds exactly one record (got 2)",
    ],
    ["www", "A", [{ value: "192.0.2.1" }], "ttl: must be an integer from 60 to 2147483647", { ttl: 30 }],
  ])("the rrset %s %s %j is refused", (...row) => {
    // A rest parameter: jest would take a fifth named parameter for a `done` callback.
    const [name, type, records, message, extra] = row;
    const call = simulator();
    primary(call);
    const r = rrset(call, "example.org", name, type, records, extra ?? {});
    expect(r.status).toBe(400);
    expect(r.json.error.code).toBe("invalid_input");
    expect(fieldError(r)).toContain(message);
  });

  test("TXT values must be quoted strings of at most 255 bytes each", () => {
    const call = simulator();
    primary(call);
    const unquoted = rrset(call, "example.org", "@", "TXT", [{ value: "v=spf1 -all" }]);
    expect(fieldError(unquoted)).toContain("must be one or more quoted strings");
    const long = rrset(call, "example.org", "a", "TXT", [{ value: `"${"x".repeat(256)}"` }]);
    expect(fieldError(long)).toContain("a quoted string holds 256 bytes, at most 255 are allowed per string");
    const wide = rrset(call, "example.org", "b", "TXT", [{ value: `"${"é".repeat(128)}"` }]);
    expect(fieldError(wide)).toContain("holds 256 bytes");
    expect(
      rrset(call, "example.org", "c", "TXT", [{ value: `"${"x".repeat(255)}" "${"y".repeat(255)}"` }]).status,
    ).toBe(201);
    expect(fieldError(rrset(call, "example.org", "d", "TXT", [{ value: '"unbalanced' }]))).toContain("quoted strings");
  });

  test("a CNAME cannot share its name with another type, nor sit at the apex", () => {
    const call = simulator();
    primary(call);
    rrset(call, "example.org", "www", "A", [{ value: "192.0.2.1" }]);
    const beside = rrset(call, "example.org", "www", "CNAME", [{ value: "example.org." }]);
    expect(fieldError(beside)).toBe(
      'type: a CNAME record cannot coexist with other records: "www" already has a A rrset',
    );
    rrset(call, "example.org", "alias", "CNAME", [{ value: "example.org." }]);
    expect(fieldError(rrset(call, "example.org", "alias", "TXT", [{ value: '"x"' }]))).toBe(
      'type: a CNAME record cannot coexist with other records: "alias" already has a CNAME rrset',
    );
    expect(fieldError(rrset(call, "example.org", "@", "CNAME", [{ value: "example.net." }]))).toContain(
      "the zone apex already has",
    );
  });

  test("an rrset exists once per name and type", () => {
    const call = simulator();
    primary(call);
    rrset(call, "example.org", "www", "A", [{ value: "192.0.2.1" }]);
    const again = rrset(call, "example.org", "www", "A", [{ value: "192.0.2.2" }]);
    expect(again.status).toBe(409);
    expect(again.json.error.code).toBe("uniqueness_error");
  });

  test("set_records, change_ttl, labels and delete, each raising the SOA serial", () => {
    const call = simulator();
    primary(call);
    rrset(call, "example.org", "www", "A", [{ value: "192.0.2.1" }], { ttl: 300 });
    const serial = () =>
      Number(call("GET", "/zones/example.org/rrsets/@/SOA").json.rrset.records[0].value.split(" ")[2]);
    const s0 = serial();
    call("POST", "/zones/example.org/rrsets/www/A/actions/set_records", {
      records: [{ value: "192.0.2.2", comment: "new" }],
    });
    call("POST", "/zones/example.org/rrsets/www/A/actions/change_ttl", { ttl: null });
    expect(call("PUT", "/zones/example.org/rrsets/www/A", { labels: { a: "b" } }).json.rrset.labels).toEqual({
      a: "b",
    });
    expect(call("GET", "/zones/example.org/rrsets/www/A").json.rrset).toMatchObject({
      ttl: null,
      records: [{ value: "192.0.2.2", comment: "new" }],
    });
    expect(serial()).toBe(s0 + 2);
    expect(call("DELETE", "/zones/example.org/rrsets/www/A").json.action.command).toBe("delete_rrset");
    expect(call("GET", "/zones/example.org/rrsets/www/A").status).toBe(404);
  });

  test("change protection refuses record, TTL and delete operations but not label updates", () => {
    const call = simulator();
    primary(call);
    rrset(call, "example.org", "www", "A", [{ value: "192.0.2.1" }]);
    call("POST", "/zones/example.org/rrsets/www/A/actions/change_protection", { change: true });
    for (const [method, path, body] of [
      ["POST", "actions/set_records", { records: [{ value: "192.0.2.2" }] }],
      ["POST", "actions/change_ttl", { ttl: 600 }],
      ["POST", "actions/add_records", { records: [{ value: "192.0.2.3" }] }],
      ["POST", "actions/remove_records", { records: [{ value: "192.0.2.1" }] }],
      ["DELETE", "", {}],
    ] as const) {
      const r = call(method, `/zones/example.org/rrsets/www/A${path ? `/${path}` : ""}`, body);
      expect([r.status, r.json.error.code]).toEqual([423, "protected"]);
    }
    expect(call("PUT", "/zones/example.org/rrsets/www/A", { labels: { a: "b" } }).status).toBe(200);
    call("POST", "/zones/example.org/rrsets/www/A/actions/change_protection", { change: false });
    expect(call("DELETE", "/zones/example.org/rrsets/www/A").status).toBe(200);
  });

  test("the SOA keeps Hetzner's serial when its records are set, and the SOA and apex NS cannot be deleted", () => {
    const call = simulator();
    primary(call);
    const before = call("GET", "/zones/example.org/rrsets/@/SOA").json.rrset.records[0].value.split(" ")[2];
    call("POST", "/zones/example.org/rrsets/@/SOA/actions/set_records", {
      records: [{ value: "hydrogen.ns.hetzner.com. dns.hetzner.com. 0 86400 10800 3600000 600" }],
    });
    const after = call("GET", "/zones/example.org/rrsets/@/SOA").json.rrset.records[0].value.split(" ");
    expect(Number(after[2])).toBe(Number(before) + 1);
    expect(after[6]).toBe("600");
    expect(fieldError(call("DELETE", "/zones/example.org/rrsets/@/SOA"))).toBe(
      "type: the SOA rrset of the zone apex is managed by Hetzner and cannot be deleted",
    );
    expect(fieldError(call("DELETE", "/zones/example.org/rrsets/@/NS"))).toContain("managed by Hetzner");
    const dropped = call("POST", "/zones/example.org/rrsets/@/NS/actions/remove_records", {
      records: [{ value: "helium.ns.hetzner.de." }],
    });
    expect(fieldError(dropped)).toBe(
      "records: the apex NS rrset must keep the assigned Hetzner nameservers (missing helium.ns.hetzner.de.)",
    );
  });

  test(
    "add_records creates a missing rrset, remove_records deletes an " + "emptied one, update_records changes comments",
    () => {
      const call = simulator();
      primary(call);
      call("POST", "/zones/example.org/rrsets/mail/A/actions/add_records", {
        records: [{ value: "192.0.2.1" }],
        ttl: 120,
      });
      call("POST", "/zones/example.org/rrsets/mail/A/actions/add_records", { records: [{ value: "192.0.2.2" }] });
      expect(call("GET", "/zones/example.org/rrsets/mail/A").json.rrset).toMatchObject({
        ttl: 120,
        records: [{ value: "192.0.2.1" }, { value: "192.0.2.2" }],
      });
      const dup = call("POST", "/zones/example.org/rrsets/mail/A/actions/add_records", {
        records: [{ value: "192.0.2.2" }],
      });
      expect(fieldError(dup)).toBe('records: the rrset mail/A already has the record "192.0.2.2"');
      call("POST", "/zones/example.org/rrsets/mail/A/actions/update_records", {
        records: [{ value: "192.0.2.2", comment: "backup MX" }],
      });
      expect(call("GET", "/zones/example.org/rrsets/mail/A").json.rrset.records[1].comment).toBe("backup MX");
      expect(
        fieldError(
          call("POST", "/zones/example.org/rrsets/mail/A/actions/update_records", {
            records: [{ value: "192.0.2.9", comment: "x" }],
          }),
        ),
      ).toBe('records: the rrset mail/A has no record "192.0.2.9"');
      call("POST", "/zones/example.org/rrsets/mail/A/actions/remove_records", {
        records: [{ value: "192.0.2.1" }, { value: "192.0.2.2" }],
      });
      expect(call("GET", "/zones/example.org/rrsets/mail/A").status).toBe(404);
    },
  );

  test("a zone file is exported with every record and imported in place of the rrsets", () => {
    const call = simulator();
    primary(call);
    rrset(call, "example.org", "www", "A", [{ value: "192.0.2.1", comment: "web" }], { ttl: 300 });
    const exported = call("GET", "/zones/example.org/zonefile").json.zonefile as string;
    expect(exported).toContain("$ORIGIN\texample.org.");
    expect(exported).toContain("www\t300\tIN\tA\t192.0.2.1 ; web");
    const file = [
      "$ORIGIN example.org.",
      "$TTL 7200",
      "@ IN SOA hydrogen.ns.hetzner.com. dns.hetzner.com. ( 1 86400 10800",
      "  3600000 3600 )",
      "@ IN NS hydrogen.ns.hetzner.com.",
      "@ IN NS oxygen.ns.hetzner.com.",
      "@ IN NS helium.ns.hetzner.de.",
      "; a comment on its own line",
      'txt 60 IN TXT "a;b" "c" ; the comment',
      "mail.example.org. IN MX 10 mx.example.net.",
    ].join("\n");
    expect(call("POST", "/zones/example.org/actions/import_zonefile", { zonefile: file }).json.action.command).toBe(
      "import_zonefile",
    );
    const ids = call("GET", "/zones/example.org/rrsets").json.rrsets.map((s: any) => s.id);
    expect(ids).toEqual(["@/NS", "@/SOA", "mail/MX", "txt/TXT"]);
    expect(call("GET", "/zones/example.org").json.zone.ttl).toBe(7200);
    expect(call("GET", "/zones/example.org/rrsets/txt/TXT").json.rrset).toMatchObject({
      ttl: 60,
      records: [{ value: '"a;b" "c"', comment: "the comment" }],
    });
    const noSoa = call("POST", "/zones/example.org/actions/import_zonefile", {
      zonefile: "@ IN NS hydrogen.ns.hetzner.com.",
    });
    expect(fieldError(noSoa)).toBe("zonefile: the zone file must contain an SOA record");
    expect(thrownMessage(() => parseZonefile("$ORIGIN other.org.\n", "example.org"))).toBe(
      "line 1: $ORIGIN must be the zone's name with a final dot (example.org.)",
    );
    expect(thrownMessage(() => parseZonefile('@ CH TXT "x"\n', "example.org"))).toBe(
      "line 1: only class IN is allowed, not CH",
    );
  });
});
