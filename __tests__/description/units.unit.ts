/** Unit tests of the building blocks: addresses, keys, names, suggestions, DNS values, merge, formatting. */
import { createHash, generateKeyPairSync } from "node:crypto";
import { didYouMean, levenshtein, suggest } from "../../description/catalogue";
import { checkRecords, type RecordInput, type RecordValue, type ZoneContext } from "../../description/dns";
import { combineShared, mergeOverlay } from "../../description/merge";
import {
  cidrContains,
  cidrsOverlap,
  formatAddress,
  isRfc1918,
  parseCidr,
  parseIpv4,
  parseIpv6,
} from "../../primitives/ip";
import {
  kebabGuess,
  labelKeyProblem,
  labelValueProblem,
  parseDomainName,
  tsigEnvVar,
} from "../../description/domain-names";
import { formatConfigProblems, formatPath } from "../../description/problems";
import { looksLikePrivateKey, parseSshPublicKey } from "../../description/sshkeys";
import { originAt, parseYaml, toPlain } from "../../description/yaml";
import { MAX_ALIAS_NODES } from "../../description/yaml-events";
import { ed25519PublicKey, pastedPrivateKey, rsaPublicKey } from "../../testing/description";

describe("addresses and ranges", () => {
  test("parse strictly", () => {
    expect(parseIpv4("10.20.1.10")).toBe(0x0a14010an);
    expect(parseIpv4("010.0.0.1")).toBeUndefined();
    expect(parseIpv4("256.0.0.1")).toBeUndefined();
    expect(parseIpv6("2001:db8::1")).toBe(0x20010db8000000000000000000000001n);
    expect(parseIpv6("::ffff:192.0.2.1")).toBe(0xffffc0000201n);
    expect(parseIpv6("1::2::3")).toBeUndefined();
    expect(parseIpv6("1:2:3:4:5:6:7:8:9")).toBeUndefined();
  });

  test("format IPv6 canonically (RFC 5952)", () => {
    expect(formatAddress("ipv6", parseIpv6("2001:0db8:0000:0000:0001:0000:0000:0001")!)).toBe("2001:db8::1:0:0:1");
    expect(formatAddress("ipv6", 0n)).toBe("::");
  });

  test("contain, overlap and classify ranges", () => {
    const net = parseCidr("10.20.0.0/16")!;
    expect(cidrContains(net, parseCidr("10.20.1.0/24")!)).toBe(true);
    expect(cidrContains(net, parseCidr("10.21.0.0/24")!)).toBe(false);
    expect(cidrsOverlap(parseCidr("10.20.1.0/24")!, parseCidr("10.20.1.128/25")!)).toBe(true);
    expect(cidrsOverlap(parseCidr("10.20.1.0/24")!, parseCidr("10.20.2.0/24")!)).toBe(false);
    expect(isRfc1918(parseCidr("172.16.5.0/24")!)).toBe(true);
    expect(isRfc1918(parseCidr("172.32.0.0/16")!)).toBe(false);
    expect(parseCidr("10.0.0.1/8")).toMatchObject({ hostBitsSet: true, text: "10.0.0.0/8" });
    expect(parseCidr("10.0.0.0/33")).toBeUndefined();
  });
});

describe("SSH public keys", () => {
  test("accept ed25519 with its SHA256 fingerprint", () => {
    const line = ed25519PublicKey("alice@laptop");
    const result = parseSshPublicKey(line);
    const blob = Buffer.from(line.split(" ")[1]!, "base64");
    const fingerprint = `SHA256:${createHash("sha256").update(blob).digest("base64").replace(/=+$/, "")}`;
    expect(result).toEqual({
      ok: true,
      key: { type: "ssh-ed25519", bits: 256, fingerprint, comment: "alice@laptop", text: line },
    });
  });

  test("accept ECDSA and RSA of 3072 bits, refuse RSA of 2048", () => {
    const { publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const jwk = publicKey.export({ format: "jwk" });
    const point = Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x!, "base64url"), Buffer.from(jwk.y!, "base64url")]);
    const str = (b: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, b.length]), b]);
    const blob = Buffer.concat([str(Buffer.from("ecdsa-sha2-nistp256")), str(Buffer.from("nistp256")), str(point)]);
    expect(parseSshPublicKey(`ecdsa-sha2-nistp256 ${blob.toString("base64")}`)).toMatchObject({
      ok: true,
      key: { bits: 256 },
    });
    expect(parseSshPublicKey(rsaPublicKey(3072))).toMatchObject({ ok: true, key: { type: "ssh-rsa", bits: 3072 } });
    expect(parseSshPublicKey(rsaPublicKey(2048))).toMatchObject({
      ok: false,
      message: "RSA key of 2048 bits is too short (at least 3072)",
    });
  });

  test(
    "accept FIDO security-key types (sk-ssh-ed25519, sk-ecdsa), whose data " +
      "ends with the application; refuse them without it",
    () => {
      /** An SSH wire-format string: a 32-bit length, then the bytes. */
      const str = (b: Buffer) => {
        const length = Buffer.alloc(4);
        length.writeUInt32BE(b.length);
        return Buffer.concat([length, b]);
      };
      // the 32-byte key
      const ed = Buffer.from(ed25519PublicKey().split(" ")[1]!, "base64").subarray(4 + "ssh-ed25519".length + 4);
      const skEd = (withApplication: boolean) =>
        Buffer.concat([
          str(Buffer.from("sk-ssh-ed25519@openssh.com")),
          str(ed),
          ...(withApplication ? [str(Buffer.from("ssh:"))] : []),
        ]).toString("base64");
      const ok = parseSshPublicKey(`sk-ssh-ed25519@openssh.com ${skEd(true)} alice@yubikey`);
      expect(ok).toMatchObject({
        ok: true,
        key: { type: "sk-ssh-ed25519@openssh.com", bits: 256, comment: "alice@yubikey" },
      });
      expect(parseSshPublicKey(`sk-ssh-ed25519@openssh.com ${skEd(false)}`)).toMatchObject({
        ok: false,
        message: "the sk-ssh-ed25519@openssh.com key data is malformed (expected a 32-byte key)",
      });
      const { publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
      const jwk = publicKey.export({ format: "jwk" });
      const point = Buffer.concat([
        Buffer.from([4]),
        Buffer.from(jwk.x!, "base64url"),
        Buffer.from(jwk.y!, "base64url"),
      ]);
      const skEc = Buffer.concat([
        str(Buffer.from("sk-ecdsa-sha2-nistp256@openssh.com")),
        str(Buffer.from("nistp256")),
        str(point),
        str(Buffer.from("ssh:")),
      ]);
      expect(parseSshPublicKey(`sk-ecdsa-sha2-nistp256@openssh.com ${skEc.toString("base64")}`)).toMatchObject({
        ok: true,
        key: { bits: 256 },
      });
    },
  );

  test("refuse a blob of another type than declared, and junk", () => {
    const ed = ed25519PublicKey().split(" ")[1];
    expect(parseSshPublicKey(`ssh-rsa ${ed}`)).toMatchObject({
      ok: false,
      message: "the key data does not hold a ssh-rsa key",
    });
    expect(parseSshPublicKey("ssh-ed25519 !!!")).toMatchObject({
      ok: false,
      message: "the ssh-ed25519 key data is not valid base64",
    });
    expect(parseSshPublicKey('from="10.0.0.1" ssh-ed25519 AAAA')).toMatchObject({ ok: false });
  });

  test("recognise a pasted private key, loudly", () => {
    expect(looksLikePrivateKey(pastedPrivateKey())).toBe(true);
    expect(parseSshPublicKey(pastedPrivateKey())).toMatchObject({
      ok: false,
      privateKey: true,
      message: expect.stringMatching(/^a PRIVATE key is pasted here/),
    });
  });
});

describe("names and labels", () => {
  test("label keys and values follow Hetzner's rules", () => {
    expect(labelKeyProblem("owner")).toBeUndefined();
    expect(labelKeyProblem("all2all.org/team")).toBeUndefined();
    expect(labelKeyProblem("a".repeat(63))).toBeUndefined();
    expect(labelKeyProblem("a".repeat(64))).toMatch(/64 characters long/);
    expect(labelKeyProblem("-x")).toMatch(/must start and end/);
    expect(labelKeyProblem("Bad_Prefix/x")).toMatch(/prefix/);
    expect(labelKeyProblem("hetzner.cloud/x")).toMatch(/reserved/);
    expect(labelValueProblem("")).toBeUndefined();
    expect(labelValueProblem("a.b_c-d")).toBeUndefined();
    expect(labelValueProblem("x".repeat(64))).toMatch(/64 characters/);
    expect(labelValueProblem("a b")).toMatch(/must be empty or start and end/);
  });

  test("international domain names become punycode", () => {
    expect(parseDomainName("Café-ASBL.be.", { minLabels: 2 })).toEqual({
      ok: true,
      name: { ascii: "xn--caf-asbl-d1a.be", unicode: "café-asbl.be" },
    });
    expect(parseDomainName("localhost", { minLabels: 2 })).toMatchObject({ ok: false });
    expect(parseDomainName("a..b")).toMatchObject({ ok: false, reason: "has an empty label (two dots in a row?)" });
  });

  test("TSIG secrets come from a predictable environment variable", () => {
    expect(tsigEnvVar("all2all-org-transfer")).toBe("TF_VAR_tsig_all2all_org_transfer");
    expect(tsigEnvVar("xfr.all2all.org.")).toBe("TF_VAR_tsig_xfr_all2all_org");
  });

  test("a bad name gets a kebab-case guess", () => {
    expect(kebabGuess("Web_1")).toBe("web-1");
    expect(kebabGuess("1web")).toBe("web");
    expect(kebabGuess("web-1")).toBeUndefined();
  });
});

describe("suggestions", () => {
  test("Levenshtein distance", () => {
    expect(levenshtein("cx2", "cx22")).toBe(1);
    expect(levenshtein("kitten", "sitting")).toBe(3);
  });

  test("the nearest known names, or nothing when nothing is near", () => {
    expect(suggest("cx2", ["cx22", "cx32", "ccx13", "cax11"])[0]).toBe("cx22");
    expect(didYouMean("wbe", ["web", "base", "mail"])).toBe('did you mean "web"?');
    expect(didYouMean("zzzzzz", ["web", "base"])).toBeUndefined();
  });
});

describe("DNS record sets", () => {
  function run(records: RecordInput[], mode: "primary" | "secondary" = "primary") {
    const problems: string[] = [];
    const ctx: ZoneContext = {
      zone: "example.be",
      mode,
      defaultTtl: 3600,
      servers: new Map([
        ["web-1", { index: 0, ipv4: true, ipv6: true }],
        ["ns-1", { index: 1, ipv4: false, ipv6: true }],
      ]),
      path: ["zones", 0],
      report: (path, message, hint) => problems.push(`${path.join(".")}: ${message}${hint ? ` (${hint})` : ""}`),
    };
    return { sets: checkRecords(ctx, records, (i) => 10 + i), problems };
  }

  test("TXT: split at 255 bytes without cutting a character, quotes escaped", () => {
    const exactly = run([{ name: "a", type: "TXT", values: ["x".repeat(255)] }]);
    expect((exactly.sets[0]!.values[0] as { text: string }).text).toBe(`"${"x".repeat(255)}"`);
    const long = run([{ name: "a", type: "TXT", values: [`${"x".repeat(254)}é"`] }]);
    expect((long.sets[0]!.values[0] as { text: string }).text).toBe(`"${"x".repeat(254)}" "\\195\\169\\""`);
    expect(long.problems).toEqual([]);
  });

  test("TXT: explicit strings are kept, each checked", () => {
    const ok = run([{ name: "a", type: "TXT", values: ['"one" "two \\" three"'] }]);
    expect((ok.sets[0]!.values[0] as { text: string }).text).toBe('"one" "two \\" three"');
    expect(run([{ name: "a", type: "TXT", values: ['"unterminated'] }]).problems[0]).toMatch(
      /not a list of quoted strings/,
    );
  });

  /** Record sets checked together: the problems reported, and what the sets hold when that is the point. */
  interface RecordSetsCase {
    readonly title: string;
    readonly records: RecordInput[];
    /** The values of the first record set. */
    readonly firstValues?: RecordValue[];
    /** The absolute names of the record sets kept. */
    readonly fqdns?: string[];
    readonly problems: string[];
  }

  const recordSetsCases: RecordSetsCase[] = [
    {
      title: "A and AAAA: literals and typed references",
      records: [
        { name: "@", type: "A", values: ["192.0.2.1", "web-1.ipv4"] },
        { name: "v6", type: "AAAA", values: ["ns-1.ipv6"] },
        { name: "v4", type: "A", values: ["ns-1.ipv4"] },
      ],
      firstValues: [
        { kind: "text", text: "192.0.2.1" },
        { kind: "address", server: "web-1", family: "ipv4" },
      ],
      problems: [
        "zones.0.records.2.values.0: ns-1.ipv4: server ns-1 has no public IPv4 " +
          "(set servers[1].public.ipv4: true, or drop this value)",
      ],
    },
    {
      title: "names: relative, @, wildcard; absolute or doubled zone names are refused",
      records: [
        { name: "*", type: "CNAME", values: ["www.example.org."] },
        { name: "*.cdn", type: "CNAME", values: ["www.example.org."] },
        { name: "www.example.be", type: "A", values: ["192.0.2.1"] },
        { name: "a.*", type: "A", values: ["192.0.2.1"] },
      ],
      fqdns: ["*.example.be.", "*.cdn.example.be."],
      problems: [
        'zones.0.records.2.name: record name "www.example.be" is relative, so ' +
          'it means www.example.be.example.be (write "www")',
        'zones.0.records.3.name: record name "a.*" has a "*" that is not the first label',
      ],
    },
    {
      title: "zone-wide rules: CNAME at the apex, NS at the apex, null MX, in-zone targets",
      records: [
        { name: "@", type: "CNAME", values: ["www.example.org."] },
        { name: "@", type: "NS", values: ["ns.example.org."] },
        { name: "m", type: "MX", values: ["0 .", "10 mail"] },
        { name: "x", type: "MX", values: ["10 nowhere"] },
        { name: "_sip._tcp", type: "SRV", values: ["0 0 0 ."] },
        { name: "w", type: "CNAME", values: ["missing"] },
      ],
      problems: [
        "zones.0.records.0.name: a CNAME cannot be at the zone apex (it would hide the SOA " +
          "and NS records) (use A/AAAA records referencing the server)",
        "zones.0.records.1.name: the apex NS records are managed by Hetzner (its authoritative " +
          "name servers) (NS records here are for delegating a sub-zone)",
        'zones.0.records.2.values.0: a null MX ("0 .") must have priority 0 and be the only MX value (RFC 7505)',
        "zones.0.records.3.values.0: MX target nowhere.example.be. has no A or AAAA record in " +
          "this zone (add one (e.g. values: [mail-1.ipv4]) or fix the name)",
        "zones.0.records.5.values.0: CNAME target missing.example.be. has no record " +
          "in this zone (add it, or point to an existing name)",
      ],
    },
    {
      title: "a name delegated with NS is not checked for targets",
      records: [
        { name: "sub", type: "NS", values: ["ns1.example.org."] },
        { name: "@", type: "MX", values: ["10 mx.sub"] },
      ],
      problems: [],
    },
    {
      title: "CAA values are normalised, iodef checked",
      records: [
        { name: "@", type: "CAA", values: ["0 issue letsencrypt.org", '128 ISSUEWILD ";"'] },
        { name: "x", type: "CAA", values: ['0 iodef "hostmaster@example.be"'] },
        { name: "y", type: "CAA", values: ['1 issue "letsencrypt.org"'] },
      ],
      firstValues: [
        { kind: "text", text: '0 issue "letsencrypt.org"' },
        { kind: "text", text: '128 issuewild ";"' },
      ],
      problems: [
        'zones.0.records.1.values.0: CAA iodef value "hostmaster@example.be" must be a ' +
          'mailto: or https: URL (e.g. "mailto:hostmaster@all2all.org")',
        'zones.0.records.2.values.0: CAA flag "1" must be 0, or 128 (critical)',
      ],
    },
  ];

  test.each(recordSetsCases)("$title", ({ records, firstValues, fqdns, problems }) => {
    const result = run(records);
    if (firstValues) expect(result.sets[0]!.values).toEqual(firstValues);
    if (fqdns) expect(result.sets.map((s) => s.fqdn)).toEqual(fqdns);
    expect(result.problems).toEqual(problems);
  });
});

describe("YAML with positions, and the environment merge", () => {
  const base = parseYaml(
    "net.yaml",
    [
      "servers:",
      "  - name: web-1",
      "    type: cx22",
      "    labels: { a: x }",
      "  - name: web-2",
      "    type: cx22",
      "environment:",
      "  location: fsn1",
      "operators:",
      "  admin_ranges: [192.0.2.0/24]",
    ].join("\n"),
  ).root!;
  const merge = (overlayText: string) => {
    const problems: Parameters<typeof mergeOverlay>[2] = [];
    const overlay = parseYaml("env.yaml", overlayText).root!;
    const root = mergeOverlay(combineShared([base], problems), overlay, problems);
    return { root, plain: toPlain(root) as Record<string, unknown>, problems };
  };

  test("lists of named items merge by name; new items are appended; origins are kept", () => {
    const { root, plain } = merge("servers:\n  - name: web-2\n    type: cx32\n  - name: web-3\n    type: cx22\n");
    expect(plain.servers).toEqual([
      { name: "web-1", type: "cx22", labels: { a: "x" } },
      { name: "web-2", type: "cx32" },
      { name: "web-3", type: "cx22" },
    ]);
    expect(originAt(root, ["servers", 1, "type"])).toEqual({ file: "env.yaml", line: 3, col: 11 });
    expect(originAt(root, ["servers", 0, "type"])).toEqual({ file: "net.yaml", line: 3, col: 11 });
    expect(originAt(root, ["servers", 2, "type"])).toEqual({ file: "env.yaml", line: 5, col: 11 });
  });

  test("$remove removes an item; null removes a key; other lists are replaced", () => {
    const { plain, problems } = merge(
      "servers:\n  - { name: web-1, $remove: true }\n  - { name: web-2, type: " +
        "null }\noperators:\n  admin_ranges: [198.51.100.0/24]\n",
    );
    expect(problems).toEqual([]);
    expect(plain.servers).toEqual([{ name: "web-2" }]);
    expect(plain.operators).toEqual({ admin_ranges: ["198.51.100.0/24"] });
  });

  test("a removal must name an existing item and say nothing else", () => {
    const { problems } = merge(
      "servers:\n  - { name: web-9, $remove: true }\n  - { name: web-1, type: cx32, $remove: true }\n",
    );
    expect(problems.map((p) => `${p.file}:${p.line} ${p.message}`)).toEqual([
      "env.yaml:2 cannot remove name: web-9: the shared description has no such item in servers",
      'env.yaml:3 an item with $remove: true may only give its name, not "type"',
    ]);
  });

  test("YAML aliases are expanded; a self-referencing alias is a problem, not a crash", () => {
    const ok = parseYaml("a.yaml", "x: &r [1, 2]\ny: *r\n");
    expect(toPlain(ok.root!)).toEqual({ x: [1, 2], y: [1, 2] });
    const loop = parseYaml("a.yaml", "x: &r [1, *r]\n");
    expect(loop.problems.map((p) => p.message)).toEqual(["YAML alias *r refers to a node that contains it"]);
  });

  test("an alias to no anchor is a problem at the alias", () => {
    const parsed = parseYaml("a.yaml", "x: 1\ny: *nowhere\n");
    expect(parsed.root).toBeUndefined();
    expect(parsed.problems).toEqual([
      { file: "a.yaml", line: 2, col: 4, path: "", message: "YAML alias *nowhere refers to no anchor" },
    ]);
  });

  test("scalars follow the YAML 1.2 core schema: yes, on and 1_000 stay text; 0x1F, 0o17 and 012 are numbers", () => {
    const parsed = parseYaml(
      "a.yaml",
      "a: yes\nb: on\nc: 1_000\nd: 0x1F\ne: 0o17\nf: ~\ng: TRUE\nh: 1e3\ni: " +
        "'12'\nj: !!str 12\nk: ! 12\nl: !!int '7'\nm: 012\n",
    );
    expect(parsed.problems).toEqual([]);
    expect(toPlain(parsed.root!)).toEqual({
      a: "yes",
      b: "on",
      c: "1_000",
      d: 31,
      e: 15,
      f: null,
      g: true,
      h: 1000,
      i: "12",
      j: "12",
      k: "12",
      l: 7,
      m: 12,
    });
  });

  test("custom tags and values that do not fit their tag are problems", () => {
    expect(parseYaml("a.yaml", "x: 1\ny: !secret abc\n").problems).toEqual([
      {
        file: "a.yaml",
        line: 2,
        col: 4,
        path: "",
        message: "YAML: the tag !secret is not supported here",
        hint: "config is plain data: no custom tags",
      },
    ]);
    expect(parseYaml("a.yaml", "x: !!binary aGk=\n").problems.map((p) => p.message)).toEqual([
      "YAML: the tag !!binary is not supported here",
    ]);
    expect(parseYaml("a.yaml", "x: !!set { a }\n").problems.map((p) => p.message)).toEqual([
      "YAML: the tag !!set is not supported here",
    ]);
    expect(parseYaml("a.yaml", "x: !!int twelve\n").problems).toEqual([
      { file: "a.yaml", line: 1, col: 10, path: "", message: 'YAML: "twelve" cannot be read as !!int' },
    ]);
  });

  test("syntax errors name the line and give a hint; one document per file", () => {
    expect(parseYaml("a.yaml", "a:\n\tb: 1\n").problems).toEqual([
      {
        file: "a.yaml",
        line: 2,
        col: 1,
        path: "",
        message: "YAML syntax error: tab characters must not be used in indentation",
        hint: "indent with spaces, not tabs",
      },
    ]);
    expect(parseYaml("a.yaml", "a: [1, 2\nb: 3\n").problems.map((p) => [p.line, p.hint])).toEqual([
      [2, "check the indentation and brackets on this line and the one before"],
    ]);
    expect(parseYaml("a.yaml", 'a: "bad \\q escape"\n').problems.map((p) => [p.line, p.message])).toEqual([
      [1, "YAML syntax error: unknown escape sequence"],
    ]);
    expect(parseYaml("a.yaml", "a: 1\n---\nb: 2\n").problems).toEqual([
      {
        file: "a.yaml",
        line: 2,
        col: 1,
        path: "",
        message: "YAML: the file holds more than one document",
        hint: "one YAML document per file: remove the `---` separator",
      },
    ]);
    expect(parseYaml("a.yaml", "a: 1\nb: x\0y\n").problems.map((p) => p.line)).toEqual([2]);
  });

  test("an empty file, or one with only comments or a document marker, is an empty mapping", () => {
    for (const text of ["", "# nothing yet\n", "---\n", "--- # start\n...\n"]) {
      const parsed = parseYaml("a.yaml", text);
      expect({ text, problems: parsed.problems, plain: toPlain(parsed.root!) }).toEqual({
        text,
        problems: [],
        plain: {},
      });
    }
  });

  test(
    "origins: keys and plain values where they start, quoted values at the " +
      "quote, block scalars at | or >, empty values at their key",
    () => {
      const root = parseYaml(
        "a.yaml",
        [
          "a: plain",
          "b: 'single'",
          'c: "double"',
          "d: |",
          "  one",
          "  two",
          "e: >- # folded",
          "",
          "  text",
          "f:",
          "g: [x, { h: y }]",
          "list:",
          "  - first",
          "  - k: v",
        ].join("\n"),
      ).root!;
      const where = (...path: (string | number)[]) => {
        const o = originAt(root, path);
        return `${o.line}:${o.col}`;
      };
      expect([
        where("a"),
        where("b"),
        where("c"),
        where("d"),
        where("e"),
        where("f"),
        where("g"),
        where("g", 1, "h"),
        where("list"),
        where("list", 0),
        where("list", 1, "k"),
      ]).toEqual(["1:4", "2:4", "3:4", "4:4", "7:4", "10:1", "11:4", "11:13", "13:3", "13:5", "14:8"]);
      expect(originAt(root, ["list", 1, "k"], "key")).toEqual({ file: "a.yaml", line: 14, col: 5 });
      expect((toPlain(root) as Record<string, unknown>).e).toBe("\ntext");
    },
  );

  test("an alias bomb is stopped", () => {
    const lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
    for (let i = 0; i < 5; i++)
      lines.push(
        `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10)
          .fill(`*${String.fromCharCode(97 + i)}`)
          .join(", ")}]`,
      );
    const parsed = parseYaml("bomb.yaml", lines.join("\n"));
    expect(parsed.root).toBeUndefined();
    expect(parsed.problems.map((p) => p.message)).toContain(
      "YAML aliases in this file expand to more than 100000 nodes (alias bomb?)",
    );
  });

  test("a large file without aliases is not mistaken for an alias bomb", () => {
    // Each item is five nodes (a map, two keys, two values): more nodes in all than aliases may expand to.
    const count = Math.ceil(MAX_ALIAS_NODES / 4);
    const text = `items:\n${Array.from({ length: count }, (_, i) => `  - { name: n${i}, v: ${i} }`).join("\n")}\n`;
    const parsed = parseYaml("large.yaml", text);
    expect(parsed.problems).toEqual([]);
    expect((toPlain(parsed.root!) as { items: unknown[] }).items).toHaveLength(count);
  });
});

describe("problem formatting", () => {
  test("paths quote keys that are not identifiers", () => {
    expect(formatPath(["servers", 1, "labels", "app.io/name"])).toBe('servers[1].labels["app.io/name"]');
  });

  test("grouped by file, sorted by line, with header and hint", () => {
    expect(
      formatConfigProblems([
        { file: "config/b.yaml", line: 3, col: 1, path: "x", message: "second" },
        {
          file: "config/a.yaml",
          line: 9,
          col: 5,
          path: "servers[1].type",
          message: 'unknown server type "cx2"',
          hint: 'did you mean "cx22"?',
        },
        { file: "config/a.yaml", line: 2, col: 1, path: "", message: "first", environments: ["staging"] },
      ]),
    ).toEqual([
      "config/a.yaml has 2 problems:",
      "  config/a.yaml:2:1  first [environment staging]",
      '  config/a.yaml:9:5  servers[1].type  unknown server type "cx2" (did you mean "cx22"?)',
      "config/b.yaml has 1 problem:",
      "  config/b.yaml:3:1  x  second",
    ]);
  });
});
