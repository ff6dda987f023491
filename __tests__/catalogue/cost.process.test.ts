// The cost estimate, with a fixed catalogue: each priced resource type, the
// backups' share, what cannot be priced, totals per stack and environment;
// the committed catalogue is valid; all2all cost and the budget policy.
import { runCli } from "../../testing/cli";
import * as path from "node:path";
import { catalogue, catalogueProblems, formatEuros, toTenThousandths, type Catalogue } from "../../catalogue/catalogue";
import { estimate } from "../../catalogue/estimate";
import { priceResource } from "../../catalogue/price";
import { copyConfig, editFile } from "../../testing/rehearsal";
import { makeTempDir, repoRoot } from "../../testing/tmp";
import { joinRegExp } from "../../primitives/regexp";
import type { Change } from "../../cli/diff/change-types";
import { changeOf } from "../../testing/diff";

const m = (net: string, gross: string) => ({ net, gross });
const FIXED: Catalogue = {
  taken: "2026-01-02",
  source: "test fixture",
  currency: "EUR",
  locations: [{ name: "fsn1", city: "Falkenstein", country: "DE", network_zone: "eu-central", eu: true }],
  server_types: [
    {
      name: "cx33",
      architecture: "x86",
      cores: 4,
      memory_gb: 8,
      disk_gb: 80,
      cpu_type: "shared",
      storage_type: "local",
      locations: [{ name: "fsn1", available: true }],
      prices: [
        { location: "fsn1", monthly: m("10.0000", "12.1000"), hourly: m("0.0160", "0.0194"), included_traffic_tb: 20 },
      ],
    },
  ],
  retired_server_types: [],
  images: [{ name: "debian-13", os_flavor: "debian", os_version: "13", architectures: ["x86"], deprecated: null }],
  volumes: { min_gb: 10, max_gb: 10240, price_per_gb_month: m("0.0500", "0.0605") },
  primary_ips: [
    { type: "ipv4", location: "fsn1", monthly: m("0.5000", "0.6050"), hourly: m("0.0008", "0.0010") },
    { type: "ipv6", location: "fsn1", monthly: m("0.0000", "0.0000"), hourly: m("0.0000", "0.0000") },
  ],
  floating_ips: [{ type: "ipv4", location: "fsn1", monthly: m("3.0000", "3.6300") }],
  server_backups: { percentage: "20" },
  storage_box_types: [
    {
      name: "bx11",
      size_tb: 1,
      subaccounts_limit: 100,
      snapshot_limit: 10,
      prices: [{ location: "fsn1", monthly: m("3.2000", "3.8720"), hourly: m("0.0051", "0.0062") }],
    },
  ],
};

describe("prices, with a fixed catalogue", () => {
  test("a server with backups: its price and 20 % of it", () => {
    expect(priceResource(FIXED, "hcloud_server", { server_type: "cx33", location: "fsn1", backups: true })).toEqual([
      { what: "server cx33 in fsn1", net: 100_000, gross: 121_000 },
      { what: "backups (20 %)", net: 20_000, gross: 24_200 },
    ]);
    expect(
      priceResource(FIXED, "hcloud_server", { server_type: "cx33", location: "fsn1", backups: false }),
    ).toHaveLength(1);
  });
  test("addresses, volumes per GB, storage boxes; free resources cost nothing", () => {
    expect(priceResource(FIXED, "hcloud_primary_ip", { type: "ipv4", location: "fsn1" })).toEqual([
      { what: "primary ipv4 in fsn1", net: 5000, gross: 6050 },
    ]);
    expect(priceResource(FIXED, "hcloud_floating_ip", { type: "ipv4", home_location: "fsn1" })).toEqual([
      { what: "floating ipv4 in fsn1", net: 30_000, gross: 36_300 },
    ]);
    expect(priceResource(FIXED, "hcloud_volume", { size: 50 })).toEqual([
      { what: "volume 50 GB", net: 25_000, gross: 30_250 },
    ]);
    expect(priceResource(FIXED, "hcloud_storage_box", { storage_box_type: "bx11", location: "fsn1" })).toEqual([
      { what: "storage box bx11 in fsn1", net: 32_000, gross: 38_720 },
    ]);
    expect(priceResource(FIXED, "hcloud_firewall", { name: "x" })).toEqual([]);
  });
  test("what the catalogue cannot price is said, never counted as zero", () => {
    expect(priceResource(FIXED, "hcloud_server", { server_type: "cx99", location: "fsn1" })).toEqual({
      reason: "server type cx99 is not in the catalogue",
    });
    expect(priceResource(FIXED, "hcloud_server", { server_type: "cx33", location: "sin" })).toEqual({
      reason: "no price of cx33 in sin in the catalogue",
    });
    expect(priceResource(FIXED, "hcloud_volume", { size: "${var.size}" })).toEqual({
      reason: "volume size not known before apply",
    });
  });
  test("totals per stack and environment", () => {
    const e = estimate(FIXED, [
      {
        name: "p-servers",
        environment: "p",
        doc: {
          resource: {
            hcloud_server: { a: { server_type: "cx33", location: "fsn1", backups: true } },
            hcloud_volume: { v: { size: 10 } },
          },
        },
      },
      {
        name: "p-backup",
        environment: "p",
        doc: { resource: { hcloud_storage_box: { b: { storage_box_type: "bx11", location: "fsn1" } } } },
      },
      {
        name: "s-servers",
        environment: "s",
        doc: {
          resource: {
            hcloud_server: {
              a: { server_type: "cx33", location: "fsn1" },
              bad: { server_type: "cx99", location: "fsn1" },
            },
          },
        },
      },
    ]);
    expect(e.stacks.map((s) => [s.name, formatEuros(s.gross)])).toEqual([
      ["p-servers", "€15.13"],
      ["p-backup", "€3.87"],
      ["s-servers", "€12.10"],
    ]);
    expect(e.environments.map((x) => [x.name, formatEuros(x.net)])).toEqual([
      ["p", "€15.70"],
      ["s", "€10.00"],
    ]);
    expect(formatEuros(e.gross)).toBe("€31.10");
    expect(e.unpriced).toEqual([
      { stack: "s-servers", address: "hcloud_server.bad", reason: "server type cx99 is not in the catalogue" },
    ]);
  });
  test("amounts: decimal strings to ten-thousandths, euros with a sign for deltas", () => {
    expect(toTenThousandths("5.49")).toBe(54_900);
    expect(toTenThousandths("0.0088")).toBe(88);
    expect(formatEuros(119_000, { sign: true })).toBe("+€11.90");
    expect(formatEuros(-119_000, { sign: true })).toBe("-€11.90");
  });
});

describe("the committed catalogue", () => {
  test("is valid, dated, and prices every server type where it is sold", () => {
    const c = catalogue();
    expect(catalogueProblems(c)).toEqual([]);
    expect(c.taken).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    for (const t of c.server_types)
      for (const l of t.locations.filter((x) => x.available))
        expect(t.prices.some((p) => p.location === l.name)).toBe(true);
  });
  test("a bad catalogue is reported with the path of each problem", () => {
    const bad = {
      ...FIXED,
      taken: "yesterday",
      volumes: { ...FIXED.volumes, price_per_gb_month: { net: 0.05, gross: "x" } },
    };
    expect(catalogueProblems(bad)).toEqual([
      "taken: a date is YYYY-MM-DD",
      expect.stringMatching(/^volumes\.price_per_gb_month\.net: /),
      'volumes.price_per_gb_month.gross: a price is a decimal number as a string, e.g. "5.4900"',
    ]);
  });
});

describe("all2all cost and the budget", () => {
  const t = makeTempDir("all2all-cost-");
  afterAll(() => t.cleanup());
  const cli = (argv: string[]) => runCli(argv, t.dir);

  test("prints each environment's cost per stack and the total, as Markdown and JSON", async () => {
    const md = await cli(["cost", "--env", "staging"]);
    expect(md.code).toBe(0);
    expect(md.stdout[0]).toBe("# Monthly cost");
    expect(md.stdout.join("\n")).toMatch(/^## staging: €\d+\.\d\d gross \(€\d+\.\d\d net\)$/m);
    expect(md.stdout.join("\n")).toMatch(
      /\| staging-servers \| `hcloud_server\.web-1` \| server cx23 in fsn1 \| €5\.49 \|/,
    );
    const json = JSON.parse((await cli(["cost", "--format", "json"])).stdout.join("\n"));
    expect(json.environments.map((e: { name: string }) => e.name)).toEqual(["dr", "production", "staging"]);
    const sum = json.environments.reduce((a: number, e: { monthly: { gross: number } }) => a + e.monthly.gross, 0);
    expect(Math.abs(sum - json.monthly.gross)).toBeLessThan(0.02);
    expect(json.catalogue.taken).toBe(catalogue().taken);
  });

  test("--format other than md or json is refused (exit 2)", async () => {
    const r = await cli(["cost", "--format", "html"]);
    expect(r.code).toBe(2);
    expect(r.stderr.join("\n")).toMatch(/--format "html": expected md or json/);
  });

  test("an environment over its budget_monthly gets a budget-monthly warning in synth", async () => {
    const config = copyConfig(path.join(t.dir, "config"));
    editFile(path.join(config, "environments", "production.yaml"), "  budget_monthly: 120\n", "  budget_monthly: 20\n");
    const r = await cli(["synth", "--config", config, "--env", "production", "--out", path.join(t.dir, "out")]);
    expect(r.code).toBe(0);
    const text = r.stdout.join("\n");
    expect(text).toMatch(/^warning\s+budget-monthly\s+production\s+environment\/production$/m);
    expect(text.replace(/\n {4}/g, " ")).toMatch(
      joinRegExp(
        /environment production is estimated at €\d+\.\d\d per month \(VAT included; /,
        /catalogue of \d{4}-\d{2}-\d{2}\), over its budget_monthly of €20\.00/,
      ),
    );
    const within = await cli(["synth", "--env", "production", "--out", path.join(t.dir, "out2")]);
    expect(within.stdout.join("\n")).not.toMatch(/budget-monthly/);
  });

  test("budget_monthly must be a positive number", async () => {
    const config = copyConfig(path.join(t.dir, "config-bad"));
    editFile(path.join(config, "environments", "production.yaml"), "  budget_monthly: 120\n", "  budget_monthly: -5\n");
    const r = await cli(["check", "--config", config, "--env", "production"]);
    expect(r.code).toBe(2);
    expect(r.stderr.join("\n")).toMatch(
      /production\.yaml:\d+:\d+\s+environment\.budget_monthly\s+-5 is out of range: must be more than 0/,
    );
  });
});

describe("cost in diff and plan-summary, with a fixed catalogue", () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { withCosts, costEvents, deltaText } =
    require("../../cli/diff/cost") as typeof import("../../cli/diff/cost.js");
  const server = (type: string) => ({ server_type: type, location: "fsn1", backups: true });
  const docs = (resources: Record<string, Record<string, unknown>>) =>
    new Map([["p-servers", { resource: resources }]]);
  const change = (address: string, type: string, action: string) =>
    changeOf({ stack: "p-servers", address, type, name: address.split(".")[1], action } as Partial<Change>);

  test("each change gets its monthly delta, the report the total", () => {
    const bigger: Catalogue = {
      ...FIXED,
      server_types: [
        ...FIXED.server_types,
        {
          ...FIXED.server_types[0]!,
          name: "cx43",
          prices: [{ ...FIXED.server_types[0]!.prices[0]!, monthly: m("20.0000", "24.2000") }],
        },
      ],
    };
    const base = docs({ hcloud_server: { a: server("cx33") }, hcloud_volume: { v: { size: 10 } } });
    const head = docs({ hcloud_server: { a: server("cx43") }, hcloud_volume: { v: { size: 10 }, w: { size: 20 } } });
    const r = withCosts(
      [change("hcloud_server.a", "hcloud_server", "update"), change("hcloud_volume.w", "hcloud_volume", "create")],
      base,
      head,
      bigger,
      bigger,
    );
    expect(r.changes.map((c) => c.notes)).toEqual([
      ["monthly cost +€14.52 (€14.52 → €29.04, VAT included)"],
      ["monthly cost +€1.21 (€0.00 → €1.21, VAT included)"],
    ]);
    expect(deltaText(r.cost)).toBe("+€15.73/month");
  });

  test("a price change between base and head shows in the total, though no resource changed", () => {
    const dearer: Catalogue = {
      ...FIXED,
      taken: "2026-06-01",
      server_types: [
        {
          ...FIXED.server_types[0]!,
          prices: [{ ...FIXED.server_types[0]!.prices[0]!, monthly: m("11.0000", "13.3100") }],
        },
      ],
    };
    const same = docs({ hcloud_server: { a: server("cx33") } });
    const r = withCosts([], same, same, FIXED, dearer);
    expect(r.cost).toEqual({
      before: 145_200,
      after: 159_720,
      delta: 14_520,
      baseTaken: "2026-01-02",
      headTaken: "2026-06-01",
    });
    expect(deltaText(r.cost)).toBe("+€1.45/month");
  });

  test("plan-summary: a replaced or resized server is a cost event at today's price; other updates are not", () => {
    const rc = (address: string, actions: string[], before: unknown, after: unknown) => ({
      address,
      type: "hcloud_server",
      change: { actions, before, after },
    });
    const events = costEvents(
      [
        {
          stack: "p-servers",
          plan: {
            resource_changes: [
              rc("hcloud_server.moved", ["delete", "create"], server("cx33"), server("cx33")),
              rc("hcloud_server.resized", ["update"], server("cx33"), { ...server("cx33"), server_type: "cx33x" }),
              rc("hcloud_server.labels", ["update"], server("cx33"), server("cx33")),
            ],
          },
        },
      ],
      FIXED,
    );
    expect([...events.keys()]).toEqual(["p-servers hcloud_server.moved", "p-servers hcloud_server.resized"]);
    expect(events.get("p-servers hcloud_server.moved")).toBe(
      "cost event: a replaced server is a new server, billed at today's price: " +
        "€14.52/month VAT included (was €14.52; catalogue of 2026-01-02)",
    );
    expect(events.get("p-servers hcloud_server.resized")).toMatch(
      /^cost event: a server rescaled to cx33x, billed at today's price: €0\.00\/month/,
    );
  });

  test("the inventory's estimate, from the description only, equals the synthesised one", async () => {
    const { loadNetwork } = await import("../../description/index.js");
    const { buildInventory } = await import("../../cli/inventory/items.js");
    const { inventoryCost } = await import("../../cli/inventory/cost.js");
    const { estimateEnvironments } = await import("../../cli/cost.js");
    const loaded = loadNetwork(path.join(repoRoot, "config"));
    if (!loaded.ok) throw new Error("the default config does not load");
    const synthesised = estimateEnvironments(loaded.specs, repoRoot);
    for (const spec of loaded.specs) {
      const inv = inventoryCost(buildInventory(spec));
      expect([spec.environment.name, inv.net, inv.gross]).toEqual([
        spec.environment.name,
        synthesised.environments.find((e) => e.name === spec.environment.name)!.net,
        synthesised.environments.find((e) => e.name === spec.environment.name)!.gross,
      ]);
    }
  });
});
