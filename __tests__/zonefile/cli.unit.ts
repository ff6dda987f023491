// `all2all zonefile` (runZonefile): what it writes, where, when the serial
// changes, the addresses file, and every refusal (exit 2) with its message.
import * as fs from "node:fs";
import * as path from "node:path";
import { loadNetwork } from "../../description";
import { DEFAULT_CONFIG } from "../../testing/description";
import { makeTempDir } from "../../testing/tmp";
import { extraZonesWorkspace, listFiles, zonefile } from "../../testing/zonefile-command";
import { serialOf } from "../../zonefile";
import { joinRegExp } from "../../primitives/regexp";

const t = makeTempDir("all2all-zonefile-cli-");
/** What the summary says of a zone: its record sets as check counts them, with the SOA and apex NS. */
function besidesSoa(configDir: string, env: string, zone: string): string {
  const loaded = loadNetwork(configDir, { env });
  if (!loaded.ok) throw new Error(`${configDir} does not load`);
  const count = loaded.specs[0]!.zones.find((z) => z.name === zone)!.records.length;
  return `${count} record sets of the description, with the SOA and the apex NS`;
}
afterAll(() => t.cleanup());
let n = 0;
const fresh = (name = "out") => path.join(t.dir, `${name}-${++n}`);

describe("rendering an environment", () => {
  test(
    "writes every zone file (and with --knot the Knot configuration) " + "into zones/<env> and says what it wrote",
    async () => {
      const cwd = fresh("cwd");
      fs.mkdirSync(cwd);
      const run = await zonefile({ config: DEFAULT_CONFIG, env: "production", knot: true }, cwd);
      expect(run.code).toBe(0);
      expect(run.out).toBe(path.join(cwd, "zones", "production"));
      expect(run.files).toEqual(["all2all.org.zone", "exemple-asbl.be.zone", "knot/ns-1.conf"]);
      expect(run.stdout).toEqual([
        "zonefile: environment production, 3 files in zones/production/",
        `  all2all.org.zone: secondary zone, serial 2026010200 ` +
          `(new), ${besidesSoa(DEFAULT_CONFIG, "production", "all2all.org")}`,
        `  exemple-asbl.be.zone: primary zone, serial 2026010200 ` +
          `(new), ${besidesSoa(DEFAULT_CONFIG, "production", "exemple-asbl.be")}`,
        "  knot/ns-1.conf: Knot DNS on ns-1 for all2all.org; TSIG keys included from " +
          "keys/all2all-org-transfer.conf (secret from TF_VAR_tsig_all2all_org_transfer)",
        "  addresses: placeholders (documentation addresses 192.0.2.0/24 and " +
          "2001:db8::/32, one per server in config order)",
      ]);
      expect(run.stderr).toEqual([
        "zonefile: warning: knot/ns-1.conf: the secondaries' addresses are placeholders: " +
          "every transfer is refused until they are replaced (docs/dns.md)",
        "zonefile: warning: addresses are placeholders (documentation addresses): not for serving; give " +
          "--addresses FILE (`all2all output --env production --stack servers --format json`)",
      ]);
      // Nothing left behind next to the output.
      expect(fs.readdirSync(path.join(cwd, "zones"))).toEqual(["production"]);
    },
  );

  test("without --out, writes into <zonesRoot>/<env> (the command line passes the repository's zones/)", async () => {
    const cwd = fresh("cwd");
    fs.mkdirSync(cwd);
    const run = await zonefile(
      { config: DEFAULT_CONFIG, env: "staging", zonesRoot: path.join(cwd, "repo", "zones") },
      cwd,
    );
    expect(run.code).toBe(0);
    expect(run.stdout[0]).toBe("zonefile: environment staging, 1 file in repo/zones/staging/");
    expect(listFiles(path.join(cwd, "repo", "zones"))).toEqual(["staging/all2all-staging.org.zone"]);
  });

  test("never writes a TSIG secret, even when it is in the environment", async () => {
    const out = fresh();
    const secret = "c2VjcmV0LXRoYXQtbXVzdC1uZXZlci1iZS13cml0dGVuLTAxMjM0NTY3ODk=";
    const run = await zonefile({ config: DEFAULT_CONFIG, env: "production", out, knot: true }, t.dir, {
      SOURCE_DATE_EPOCH: "1767312000",
      TF_VAR_tsig_all2all_org_transfer: secret,
    });
    expect(run.code).toBe(0);
    for (const f of run.files) expect(fs.readFileSync(path.join(out, f), "utf8")).not.toContain(secret);
    expect(fs.readFileSync(path.join(out, "knot", "ns-1.conf"), "utf8")).toMatch(
      /^include: "keys\/all2all-org-transfer\.conf"$/m,
    );
  });

  test("replaces the whole directory: a zone no longer in config disappears", async () => {
    const out = fresh();
    await zonefile({ config: DEFAULT_CONFIG, env: "production", out }, t.dir);
    fs.writeFileSync(path.join(out, "old-zone.be.zone"), "; from an earlier run\n");
    const run = await zonefile({ config: DEFAULT_CONFIG, env: "production", out }, t.dir);
    expect(run.code).toBe(0);
    expect(run.files).toEqual(["all2all.org.zone", "exemple-asbl.be.zone"]);
    expect(fs.readdirSync(path.dirname(out)).filter((e) => e.startsWith(path.basename(out)))).toEqual([
      path.basename(out),
    ]);
  });

  test("refuses to replace a directory holding anything else, and changes nothing in it", async () => {
    const out = fresh();
    await zonefile({ config: DEFAULT_CONFIG, env: "production", out, knot: true }, t.dir);
    fs.mkdirSync(path.join(out, "knot", "keys"));
    fs.writeFileSync(path.join(out, "knot", "keys", "all2all-org-transfer.conf"), "key: []\n");
    fs.writeFileSync(path.join(out, "README"), "mine\n");
    const before = listFiles(out);
    const run = await zonefile({ config: DEFAULT_CONFIG, env: "production", out }, t.dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toEqual([
      expect.stringMatching(
        /^zonefile: refusing to replace .*: it holds README, knot\/keys, which `all2all zonefile` did not write/,
      ),
    ]);
    expect(listFiles(out)).toEqual(before);
  });
});

describe("the serial", () => {
  const ws = extraZonesWorkspace();
  afterAll(() => ws.remove());
  const config = path.join(ws.root, "config");
  const out = fresh();
  const serial = (zone: string) => serialOf(fs.readFileSync(path.join(out, `${zone}.zone`), "utf8"));
  const day = (iso: string) => ({ SOURCE_DATE_EPOCH: String(Date.parse(iso) / 1000) });

  test("is today's YYYYMMDD00 for a new file, and stays while the content stays, on later days too", async () => {
    expect((await zonefile({ config, env: "production", out }, t.dir, day("2026-02-03T08:00:00Z"))).code).toBe(0);
    expect(serial("all2all.org")).toBe(2026020300);
    const again = await zonefile({ config, env: "production", out }, t.dir, day("2026-02-10T08:00:00Z"));
    expect(again.stdout).toContain(
      `  all2all.org.zone: secondary zone, serial 2026020300 ` +
        `(unchanged), ${besidesSoa(config, "production", "all2all.org")}`,
    );
    expect(serial("all2all.org")).toBe(2026020300);
  });

  test("grows when the zone changes, and only in the zone that changed", async () => {
    ws.replace("config/dns.yaml", '["v=spf1 mx -all"]', '["v=spf1 mx ~all"]');
    const run = await zonefile({ config, env: "production", out }, t.dir, day("2026-02-10T08:00:00Z"));
    expect(run.stdout).toContain(
      `  all2all.org.zone: secondary zone, serial 2026021000 (changed, was ` +
        `2026020300), ${besidesSoa(config, "production", "all2all.org")}`,
    );
    expect(serial("exemple-asbl.be")).toBe(2026020300);
    ws.replace("config/dns.yaml", '["v=spf1 mx ~all"]', '["v=spf1 mx -all"]');
    await zonefile({ config, env: "production", out }, t.dir, day("2026-02-10T09:00:00Z"));
    expect(serial("all2all.org")).toBe(2026021001);
  });

  test("with --zone, only that zone's file is written (by its Unicode name too); the others stay", async () => {
    ws.replace("config/environments/production.yaml", '["idn owner"]', '["idn owner, changed"]');
    const before = fs.readFileSync(path.join(out, "all2all.org.zone"), "utf8");
    const run = await zonefile(
      { config, env: "production", out, zone: "café-asbl.be" },
      t.dir,
      day("2026-02-11T08:00:00Z"),
    );
    expect(run.code).toBe(0);
    expect(run.stdout[0]).toMatch(/^zonefile: environment production, 1 file in /);
    expect(serial("xn--caf-asbl-d1a.be")).toBe(2026021100);
    expect(fs.readFileSync(path.join(out, "all2all.org.zone"), "utf8")).toBe(before);
    expect(listFiles(out)).toEqual([
      "all2all.org.zone",
      "exemple-asbl.be.zone",
      "xn--bcher-asbl-9db.be.zone",
      "xn--caf-asbl-d1a.be.zone",
    ]);
  });

  test("a bad SOURCE_DATE_EPOCH is refused", async () => {
    const run = await zonefile({ config, env: "production", out: fresh() }, t.dir, { SOURCE_DATE_EPOCH: "yesterday" });
    expect(run).toMatchObject({
      code: 2,
      stderr: ['zonefile: SOURCE_DATE_EPOCH must be a number of seconds since 1970 (got "yesterday")'],
    });
  });
});

describe("the addresses file", () => {
  const spec = (() => {
    const loaded = loadNetwork(DEFAULT_CONFIG, { env: "production" });
    if (!loaded.ok) throw new Error("default config does not load");
    return loaded.specs[0]!;
  })();
  const outputs: Record<string, { sensitive: boolean; type: string; value: string }> = {};
  spec.servers.forEach((s, i) => {
    if (s.public.ipv4) outputs[`${s.name}-ipv4`] = { sensitive: false, type: "string", value: `203.0.113.${i + 1}` };
    outputs[`${s.name}-ipv6`] = { sensitive: false, type: "string", value: `2a01:4f8:1:${i + 1}::1` };
  });
  const write = (content: unknown) => {
    const file = path.join(t.dir, `outputs-${++n}.json`);
    fs.writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content));
    return file;
  };

  test("gives the real addresses, and then nothing says placeholders", async () => {
    const out = fresh();
    const run = await zonefile({ config: DEFAULT_CONFIG, env: "production", out, addresses: write(outputs) }, t.dir);
    expect(run.code).toBe(0);
    expect(run.stderr).toEqual([]);
    expect(run.stdout).toContain("  addresses: outputs of the production-servers stack");
    const text = fs.readFileSync(path.join(out, "all2all.org.zone"), "utf8");
    const ns1 = spec.servers.findIndex((s) => s.name === "ns-1") + 1;
    expect(text).toMatch(
      new RegExp(`^ns-1\\.all2all\\.org\\.\\s+3600 IN A\\s+203\\.0\\.113\\.${ns1} ; ns-1\\.ipv4$`, "m"),
    );
    expect(text).toMatch(
      new RegExp(`^ns-1\\.all2all\\.org\\.\\s+3600 IN AAAA\\s+2a01:4f8:1:${ns1}::1 ; ns-1\\.ipv6$`, "m"),
    );
    expect(text).not.toContain("addresses are placeholders");
  });

  test("every problem in it is printed with the file and the output, exit 2, nothing written", async () => {
    const bad = { ...outputs, "web-1-ipv4": { value: "web-1" }, "mail-1-ipv6": { value: "192.0.2.1" } } as Record<
      string,
      unknown
    >;
    delete bad["ns-1-ipv6"];
    const file = write(bad);
    const out = fresh();
    const run = await zonefile({ config: DEFAULT_CONFIG, env: "production", out, addresses: file }, t.dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toEqual([
      `zonefile: ${file}: output "web-1-ipv4": "web-1" is not an IPv4 address`,
      `zonefile: ${file}: output "mail-1-ipv6": "192.0.2.1" is not an IPv6 address`,
      `zonefile: ${file}: output "ns-1-ipv6" is missing (the public IPv6 of ns-1); is this ` +
        `the output of production-servers, applied with this config?`,
      "zonefile: write it with `all2all output --env production --stack servers " +
        "--format json > FILE` after applying production-servers",
    ]);
    expect(fs.existsSync(out)).toBe(false);
  });

  test("a file that cannot be read, or is not JSON, is refused with exit 2", async () => {
    const missing = await zonefile(
      { config: DEFAULT_CONFIG, env: "production", out: fresh(), addresses: "no-such-file.json" },
      t.dir,
    );
    expect(missing.code).toBe(2);
    expect(missing.stderr[0]).toMatch(/^zonefile: cannot read the addresses file no-such-file\.json: ENOENT/);
    const file = write("{ not json");
    const notJson = await zonefile({ config: DEFAULT_CONFIG, env: "production", out: fresh(), addresses: file }, t.dir);
    expect(notJson.code).toBe(2);
    expect(notJson.stderr[0]).toMatch(
      new RegExp(`^zonefile: ${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: not JSON`),
    );
  });
});

describe("bad input", () => {
  test("--env is required; the message lists the environments", async () => {
    const run = await zonefile({ config: DEFAULT_CONFIG }, t.dir);
    expect(run).toMatchObject({
      code: 2,
      stderr: [
        "zonefile: --env is required: zone files are rendered for one environment (one of dr, production, staging)",
      ],
    });
  });

  test("an unknown environment is a config problem (exit 2)", async () => {
    const run = await zonefile({ config: DEFAULT_CONFIG, env: "prod" }, t.dir);
    expect(run.code).toBe(2);
    expect(run.stderr.join("\n")).toMatch(/unknown environment "prod"/);
  });

  test("an --out inside a folder that does not exist is refused, and no folder is made", async () => {
    const missing = path.join(t.dir, "no-such-folder");
    const run = await zonefile({ config: DEFAULT_CONFIG, env: "production", out: path.join(missing, "zones") }, t.dir);
    expect(run).toMatchObject({
      code: 2,
      stderr: ["zonefile: the folder no-such-folder does not exist: --out must name a folder inside an existing one"],
    });
    expect(fs.existsSync(missing)).toBe(false);
  });

  test("an unknown --zone is refused with the environment's zones", async () => {
    const out = fresh();
    const run = await zonefile({ config: DEFAULT_CONFIG, env: "production", zone: "all2all.com", out }, t.dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toEqual([
      `zonefile: unknown zone "all2all.com" in environment production ` +
        `(${DEFAULT_CONFIG}); its zones: all2all.org, exemple-asbl.be`,
    ]);
    expect(fs.existsSync(out)).toBe(false);
  });

  test("a configuration with problems is refused with every problem (exit 2)", async () => {
    const ws = extraZonesWorkspace();
    try {
      ws.replace(
        "config/dns.yaml",
        "{ name: autoconfig, type: CNAME, values: [mail]",
        "{ name: autoconfig, type: CNAME, values: [nowhere]",
      );
      const run = await zonefile({ config: path.join(ws.root, "config"), env: "production", out: fresh() }, t.dir);
      expect(run.code).toBe(2);
      expect(run.stderr.join("\n")).toMatch(
        joinRegExp(
          /config\/dns\.yaml:\d+:\d+ {2}zones\[0\]\.records\[\d+\]\.values\[0\] {2}CNAME /,
          /target nowhere\.all2all\.org\. has no record in this zone/,
        ),
      );
    } finally {
      ws.remove();
    }
  });
});
