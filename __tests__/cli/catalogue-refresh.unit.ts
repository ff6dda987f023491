/**
 * `all2all catalogue refresh` against the simulated Hetzner Cloud, in this
 * process (async fetch only): the file it writes is a valid catalogue of what
 * the simulator serves; changes between two refreshes are in the summary and
 * the file; types that leave the offer are retired; bad answers (made by a
 * small rewriting proxy on loopback in front of the simulator) are reported
 * with their endpoint and JSON path, and nothing is written.
 */
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { catalogueProblems, type Catalogue } from "../../catalogue/catalogue";
import { runCatalogueRefresh } from "../../cli/catalogue";
import { nearestType } from "../../cli/catalogue/retired";
import { closeHttpServer } from "../../primitives/http-server";
import { captureIo } from "../../cli/io";
import { OFFER } from "../../simulator/resources/offer";
import { PRICING } from "../../simulator/resources/pricing";
import { STORAGE_BOX_TYPES } from "../../simulator/resources/storage-box-offer";
import { startSimulator, type RunningSimulator } from "../../simulator/server";
import { makeTempDir, readJson, repoRoot } from "../../testing/tmp";
import { joinRegExp } from "../../primitives/regexp";

const TOKEN = "t".repeat(64);
const NOW = new Date("2026-12-07T15:30:00Z");
const TODAY = "2026-12-07";
const COMMITTED = readJson<Catalogue>(path.join(repoRoot, "catalogue", "hetzner.json"));

// ---------------------------------------------------------------------------
// A proxy in front of the simulator that can rewrite answers (and page sizes).

interface Answer {
  status: number;
  /** Parsed JSON, or a string sent as it is (an answer that is not JSON). */
  body: any;
}

/** Rewrites the simulator's answer to `path` (below /v1 or /hetzner/v1). */
type Rewrite = (path: string, answer: Answer, query: URLSearchParams) => Answer;

interface Proxy {
  readonly cloudUrl: string;
  readonly hetznerUrl: string;
  rewrite?: Rewrite;
  /** Forces this page size on list requests. */
  perPage?: number;
  close(): Promise<void>;
}

async function startProxy(target: RunningSimulator): Promise<Proxy> {
  const upstream = `http://127.0.0.1:${target.port}`;
  const server = http.createServer((req, res) => {
    void (async () => {
      try {
        const url = new URL(req.url ?? "/", upstream);
        if (proxy.perPage !== undefined && url.searchParams.has("per_page"))
          url.searchParams.set("per_page", String(proxy.perPage));
        const r = await fetch(url, { headers: { authorization: req.headers.authorization ?? "" } });
        let answer: Answer = { status: r.status, body: JSON.parse(await r.text()) };
        if (proxy.rewrite)
          answer = proxy.rewrite(url.pathname.replace(/^(\/hetzner)?\/v1/, ""), answer, url.searchParams);
        const text = typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body);
        res.writeHead(answer.status, { "content-type": "application/json" });
        res.end(text);
      } catch (err) {
        res.writeHead(599);
        res.end(String(err));
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const proxy: Proxy = {
    cloudUrl: `${base}/v1`,
    hetznerUrl: `${base}/hetzner/v1`,
    close: () => closeHttpServer(server),
  };
  return proxy;
}

// ---------------------------------------------------------------------------

let sim: RunningSimulator;
let proxy: Proxy;
const t = makeTempDir("all2all-catalogue-refresh-");

beforeAll(async () => {
  sim = await startSimulator({ warn: () => {} });
  proxy = await startProxy(sim);
});
afterAll(async () => {
  await proxy.close();
  await sim.close();
  t.cleanup();
});
beforeEach(() => {
  proxy.rewrite = undefined;
  proxy.perPage = undefined;
});

let files = 0;
/** A new output path in the temporary folder (not created). */
const newFile = (): string => path.join(t.dir, `catalogue-${++files}.json`);

async function refresh(
  out: string,
  opts: { via?: "simulator" | "proxy"; env?: Record<string, string | undefined> } = {},
) {
  const api = opts.via === "proxy" ? proxy : sim;
  const env = { HCLOUD_TOKEN: TOKEN, HCLOUD_ENDPOINT: api.cloudUrl, HETZNER_ENDPOINT: api.hetznerUrl, ...opts.env };
  const io = captureIo(env, t.dir);
  const code = await runCatalogueRefresh({ out: path.relative(t.dir, out), now: NOW }, io, repoRoot);
  return { code, stdout: io.stdout.join("\n"), stderr: io.stderr.join("\n") };
}

const read = (file: string): Catalogue => readJson<Catalogue>(file);

/** The simulator's server type by name. */
const simType = (name: string) => OFFER.server_types.find((x) => x.name === name)!;

describe("a refresh from the simulator", () => {
  let out: string;
  let result: Awaited<ReturnType<typeof refresh>>;
  let doc: Catalogue;
  beforeAll(async () => {
    out = newFile();
    result = await refresh(out);
    doc = read(out);
  });

  test("exits 0 and writes a valid catalogue dated opts.now, from the API, with no unverified notes", () => {
    expect(result.code).toBe(0);
    expect(result.stderr).toBe("");
    expect(catalogueProblems(doc)).toEqual([]);
    expect(doc.taken).toBe(TODAY);
    expect(doc.source).toBe(`Hetzner Cloud API (${sim.cloudUrl}), ${TODAY}`);
    expect(fs.readFileSync(out, "utf8")).not.toMatch(/"(primary_ips_)?unverified":/);
    expect(doc.$comment).toEqual(COMMITTED.$comment);
    expect(fs.readdirSync(t.dir).filter((f) => f.includes(".tmp-"))).toEqual([]);
  });

  test("prints what it wrote, with counts and the changes since the committed file", () => {
    expect(result.stdout).toMatch(/^catalogue refresh: wrote catalogue-\d+\.json \(Hetzner Cloud API/);
    expect(result.stdout).toMatch(
      joinRegExp(
        /6 locations, 20 server types \(0 with a deprecation\), 9 retired, 4 images, 4 storage box /,
        /types, 12 primary IP and 12 floating IP prices; gross prices with 21 % VAT/,
      ),
    );
    expect(result.stdout).toMatch(/"unverified" notes of .*hetzner\.json dropped/);
    // The committed file lists images the simulator does not serve.
    expect(result.stdout).toMatch(/images removed: alma-10, /);
  });

  test("the server types and their prices are what the simulator serves", () => {
    expect(doc.server_types.map((x) => x.name).sort()).toEqual(OFFER.server_types.map((x) => x.name).sort());
    for (const entry of doc.server_types) {
      const api = simType(entry.name);
      expect({ ...entry, prices: undefined, locations: undefined }).toEqual({
        name: api.name,
        category: api.category,
        architecture: api.architecture,
        cores: api.cores,
        memory_gb: api.memory,
        disk_gb: api.disk,
        cpu_type: api.cpu_type,
        storage_type: api.storage_type,
        deprecation: null,
        prices: undefined,
        locations: undefined,
      });
      expect(entry.locations).toEqual(
        api.locations.map((l) => ({ name: l.name, available: l.available, deprecation: null })),
      );
      expect(entry.prices.map((p) => p.location)).toEqual(api.prices.map((p) => p.location));
      entry.prices.forEach((p, i) => {
        const a = api.prices[i]!;
        expect(Number(p.monthly.net)).toBe(Number(a.price_monthly.net));
        expect(Number(p.hourly.net)).toBe(Number(a.price_hourly.net));
        expect(Math.abs(Number(p.monthly.gross) - Number(a.price_monthly.gross))).toBeLessThanOrEqual(0.00005);
        expect(Math.abs(Number(p.hourly.gross) - Number(a.price_hourly.gross))).toBeLessThanOrEqual(0.00005);
        expect(p.included_traffic_tb * 2 ** 40).toBe(a.included_traffic);
      });
    }
  });

  test("prices have four decimals, rounded half up (10.2728999… is 10.2729)", () => {
    const cx23 = doc.server_types.find((x) => x.name === "cx23")!.prices[0]!;
    expect(cx23).toEqual({
      location: "fsn1",
      monthly: { net: "5.4900", gross: "6.6429" },
      hourly: { net: "0.0088", gross: "0.0106" },
      included_traffic_tb: 20,
    });
    expect(doc.server_types.find((x) => x.name === "cx33")!.prices[0]!.monthly.gross).toBe("10.2729");
    // Equal to the committed file's figures wherever that one took them from the simulator's fixtures.
    expect(doc.server_types.find((x) => x.name === "ccx13")!.prices).toEqual(
      COMMITTED.server_types.find((x) => x.name === "ccx13")!.prices.map(({ unverified: _, ...p }) => p),
    );
  });

  test("locations are in the EU by their country; images are grouped by name with their architectures", () => {
    expect(doc.locations.map((l) => [l.name, l.country, l.eu])).toEqual([
      ["fsn1", "DE", true],
      ["nbg1", "DE", true],
      ["hel1", "FI", true],
      ["ash", "US", false],
      ["hil", "US", false],
      ["sin", "SG", false],
    ]);
    expect(doc.images).toEqual(
      ["debian-12", "debian-13", "ubuntu-22.04", "ubuntu-24.04"].map((name) => ({
        name,
        os_flavor: name.split("-")[0],
        os_version: name.split("-")[1],
        architectures: ["x86", "arm"],
        deprecated: null,
      })),
    );
  });

  test("IP, volume and backup prices come from GET /pricing; storage box types from the Hetzner API", () => {
    expect(doc.primary_ips).toHaveLength(2 * OFFER.locations.length);
    expect(doc.primary_ips.slice(0, 2)).toEqual([
      {
        type: "ipv4",
        location: "fsn1",
        monthly: { net: "0.5000", gross: "0.6050" },
        hourly: { net: "0.0008", gross: "0.0010" },
      },
      {
        type: "ipv6",
        location: "fsn1",
        monthly: { net: "0.0000", gross: "0.0000" },
        hourly: { net: "0.0000", gross: "0.0000" },
      },
    ]);
    expect(doc.primary_ips).toEqual(COMMITTED.primary_ips);
    expect(doc.floating_ips).toEqual(COMMITTED.floating_ips);
    expect(doc.volumes).toEqual({
      min_gb: COMMITTED.volumes.min_gb,
      max_gb: COMMITTED.volumes.max_gb,
      price_per_gb_month: { net: "0.0440", gross: "0.0532" },
    });
    expect(doc.server_backups).toEqual({ percentage: "20" });
    expect(PRICING.server_backup.percentage).toBe("20.00");
    expect(doc.storage_box_types.map((b) => [b.name, b.size_tb, b.subaccounts_limit, b.snapshot_limit])).toEqual(
      STORAGE_BOX_TYPES.map((b) => [b.name, b.size / 2 ** 40, b.subaccounts_limit, b.snapshot_limit]),
    );
    expect(doc.storage_box_types[0]!.prices[0]).toEqual({
      location: "fsn1",
      monthly: { net: "3.2000", gross: "3.8720" },
      hourly: { net: "0.0051", gross: "0.0062" },
    });
  });

  test("the retired server types of the previous file are kept", () => {
    expect(doc.retired_server_types).toEqual(COMMITTED.retired_server_types);
  });

  test("every endpoint was read", () => {
    const paths = sim.sim.log.map((l) => `${l.api} ${l.path}`);
    for (const p of [
      "cloud /locations",
      "cloud /server_types",
      "cloud /images",
      "cloud /pricing",
      "hetzner /storage_box_types",
    ])
      expect(paths).toContain(p);
  });
});

describe("two refreshes", () => {
  test("without a change in between, the second says so", async () => {
    const out = newFile();
    expect((await refresh(out)).code).toBe(0);
    const first = fs.readFileSync(out, "utf8");
    const again = await refresh(out);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/no change of the offer or prices since catalogue-\d+\.json/);
    expect(fs.readFileSync(out, "utf8")).toBe(first);
  });

  test("a price change in between is in the summary and in the file", async () => {
    const out = newFile();
    expect((await refresh(out, { via: "proxy" })).code).toBe(0);
    proxy.rewrite = (p, a) => {
      if (p === "/server_types") {
        const price = a.body.server_types
          .find((x: any) => x.name === "cx23")
          .prices.find((x: any) => x.location === "fsn1");
        price.price_monthly = { net: "5.9900000000", gross: "7.2479000000000000" };
      }
      if (p === "/pricing") {
        a.body.pricing.primary_ips[0].prices[0].price_monthly = { net: "0.6000000000", gross: "0.7260000000000000" };
        a.body.pricing.server_backup.percentage = "25.00";
      }
      return a;
    };
    const r = await refresh(out, { via: "proxy" });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("prices changed (EUR, net unless named):");
    expect(r.stdout).toContain("cx23 fsn1: monthly 5.4900 → 5.9900");
    expect(r.stdout).toContain("primary IP ipv4 fsn1: monthly 0.5000 → 0.6000");
    expect(r.stdout).toContain("server backups: 20 % → 25 % of the server's price");
    expect(r.stdout).not.toMatch(/cx23 nbg1/);
    const doc = read(out);
    const cx23 = doc.server_types.find((x) => x.name === "cx23")!;
    expect(cx23.prices.find((p) => p.location === "fsn1")!.monthly).toEqual({ net: "5.9900", gross: "7.2479" });
    expect(cx23.prices.find((p) => p.location === "nbg1")!.monthly).toEqual({ net: "5.4900", gross: "6.6429" });
    expect(doc.primary_ips[0]!.monthly).toEqual({ net: "0.6000", gross: "0.7260" });
    expect(doc.server_backups.percentage).toBe("25");
  });

  test(
    "a deprecated type keeps its deprecation; once gone it is retired " + "with it, and its nearest type succeeds it",
    async () => {
      const out = newFile();
      const deprecation = { announced: "2026-06-01T00:00:00+00:00", unavailable_after: "2026-12-31T00:00:00+00:00" };
      proxy.rewrite = (p, a) => {
        if (p === "/server_types") {
          const cx43 = a.body.server_types.find((x: any) => x.name === "cx43");
          cx43.deprecated = true;
          cx43.deprecation = deprecation;
          cx43.locations[0].deprecation = deprecation;
        }
        return a;
      };
      const first = await refresh(out, { via: "proxy" });
      expect(first.code).toBe(0);
      expect(first.stdout).toMatch(/20 server types \(1 with a deprecation\)/);
      const cx43 = read(out).server_types.find((x) => x.name === "cx43")!;
      expect(cx43.deprecation).toEqual(deprecation);
      expect(cx43.locations[0]).toEqual({ name: "fsn1", available: true, deprecation });

      // cx43 and cax41 leave the offer.
      proxy.rewrite = (p, a) => {
        if (p === "/server_types")
          a.body.server_types = a.body.server_types.filter((x: any) => x.name !== "cx43" && x.name !== "cax41");
        if (p === "/pricing")
          a.body.pricing.server_types = a.body.pricing.server_types.filter(
            (x: any) => x.name !== "cx43" && x.name !== "cax41",
          );
        return a;
      };
      const second = await refresh(out, { via: "proxy" });
      expect(second.code).toBe(0);
      const doc = read(out);
      expect(catalogueProblems(doc)).toEqual([]);
      expect(doc.server_types.map((x) => x.name)).not.toContain("cx43");
      // The previous retired types are kept; cx42's successor cx43 is gone, so cx43's successor replaces it.
      expect(doc.retired_server_types.slice(0, COMMITTED.retired_server_types.length)).toEqual(
        COMMITTED.retired_server_types.map((r) => (r.name === "cx42" ? { ...r, successor: "cx53" } : r)),
      );
      expect(doc.retired_server_types.slice(COMMITTED.retired_server_types.length)).toEqual([
        // Dated by its deprecation; cx33 and cx53 are as near (half and twice the size): the larger wins.
        { name: "cx43", announced: "2026-06-01", unavailable_after: "2026-12-31", successor: "cx53" },
        // No deprecation: dated today; the nearest arm cost-optimised type.
        { name: "cax41", announced: TODAY, unavailable_after: TODAY, successor: "cax31" },
      ]);
      expect(second.stdout).toContain("server types removed: cx43, cax41");
      expect(second.stdout).toContain(
        "retired: cx43 (unavailable after 2026-12-31, successor cx53), cax41 " +
          "(unavailable after 2026-12-07, successor cax31)",
      );
      expect(second.stdout).toContain("successors changed: cx42 cx43 → cx53");
    },
  );

  test("a retired type whose successor leaves too gets that one's successor", async () => {
    const out = newFile();
    proxy.rewrite = (p, a) => {
      if (p === "/server_types") a.body.server_types = a.body.server_types.filter((x: any) => x.name !== "cx23");
      return a;
    };
    const r = await refresh(out, { via: "proxy" });
    expect(r.code).toBe(0);
    const retired = read(out).retired_server_types;
    expect(retired.find((x) => x.name === "cx23")).toEqual({
      name: "cx23",
      announced: TODAY,
      unavailable_after: TODAY,
      successor: "cx33",
    });
    expect(retired.find((x) => x.name === "cx22")!.successor).toBe("cx33");
    expect(r.stdout).toContain("successors changed: cx22 cx23 → cx33");
  });
});

describe("the nearest current type", () => {
  const current = COMMITTED.server_types;
  test.each([
    [{ architecture: "x86", category: "cost_optimized", cpu_type: "shared", cores: 2, memory_gb: 4 }, "cx23"],
    [{ architecture: "x86", category: "regular_purpose", cpu_type: "shared", cores: 3, memory_gb: 6 }, "cpx32"],
    [{ architecture: "arm", category: "cost_optimized", cpu_type: "shared", cores: 64, memory_gb: 128 }, "cax41"],
    // No dedicated category of that name: the same architecture and CPU type.
    [{ architecture: "x86", category: "storage_optimized", cpu_type: "dedicated", cores: 8, memory_gb: 32 }, "ccx33"],
  ] as const)("of %j is %s", (gone, expected) => {
    expect(nearestType(gone, current)?.name).toBe(expected);
  });
});

test("pages are followed to the last one", async () => {
  const direct = newFile();
  const paged = newFile();
  expect((await refresh(direct)).code).toBe(0);
  proxy.perPage = 3;
  const r = await refresh(paged, { via: "proxy" });
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  const { source: _a, ...a } = read(direct);
  const { source: _b, ...b } = read(paged);
  expect(b).toEqual(a);
});

describe("bad answers are reported with endpoint and path, and nothing is written", () => {
  const cases: [string, Rewrite, RegExp][] = [
    [
      "a server type without a price where it is available",
      (p, a) => {
        if (p === "/server_types") {
          const t = a.body.server_types.find((x: any) => x.name === "cx33");
          t.prices = t.prices.filter((x: any) => x.location !== "hel1");
        }
        return a;
      },
      /^ {2}GET \/server_types server_types\[\d+\]\.prices: cx33 has no price for hel1, where it is available$/m,
    ],
    [
      "a missing price",
      (p, a) => {
        if (p === "/server_types") delete price(a, "cx23", "fsn1").price_monthly;
        return a;
      },
      /^ {2}GET \/server_types server_types\[\d+\]\.prices\[0\]\.price_monthly: missing$/m,
    ],
    [
      "a malformed price (a comma)",
      (p, a) => {
        if (p === "/server_types") price(a, "cx23", "nbg1").price_monthly.net = "5,49";
        return a;
      },
      joinRegExp(
        /^ {2}GET \/server_types server_types\[\d+\]\.prices\[1\]\.price_monthly\.net: a /m,
        /decimal number as a string, e\.g\. "5\.4900" \(got "5,49"\)$/m,
      ),
    ],
    [
      "a malformed price (a number)",
      (p, a) => {
        if (p === "/pricing") a.body.pricing.volume.price_per_gb_month.gross = 0.0532;
        return a;
      },
      joinRegExp(
        /^ {2}GET \/pricing pricing\.volume\.price_per_gb_month\.gross: /m,
        /.*expected string, received number \(got 0\.0532\)$/m,
      ),
    ],
    [
      "a storage box type price missing its gross",
      (p, a) => {
        if (p === "/storage_box_types") delete a.body.storage_box_types[2].prices[1].price_hourly.gross;
        return a;
      },
      /^ {2}GET \/storage_box_types storage_box_types\[2\]\.prices\[1\]\.price_hourly\.gross: missing$/m,
    ],
    [
      "HTTP 401 with Hetzner's error",
      (p, a) =>
        p === "/locations"
          ? { status: 401, body: { error: { code: "unauthorized", message: "unable to authenticate", details: {} } } }
          : a,
      /^ {2}GET \/locations: HTTP 401 unauthorized: unable to authenticate$/m,
    ],
    [
      "HTTP 500 with Hetzner's error",
      (p, a) =>
        p === "/storage_box_types"
          ? {
              status: 500,
              body: { error: { code: "server_error", message: "an internal error occurred", details: {} } },
            }
          : a,
      /^ {2}GET \/storage_box_types: HTTP 500 server_error: an internal error occurred$/m,
    ],
    [
      "an answer that is not JSON",
      (p, a) => (p === "/pricing" ? { status: 502, body: "<html>Bad Gateway</html>" } : a),
      /^ {2}GET \/pricing: HTTP 502, and the answer is not JSON: "<html>Bad Gateway<\/html>"$/m,
    ],
    [
      "an unexpected shape",
      (p, a) => {
        if (p === "/images") a.body.images = { debian: 13 };
        return a;
      },
      /^ {2}GET \/images\?type=system images: .*expected array, received object/m,
    ],
    [
      "a location no GET /locations lists",
      (p, a) => {
        if (p === "/pricing") a.body.pricing.floating_ips[1].prices[0].location = "xyz1";
        return a;
      },
      joinRegExp(
        /^ {2}GET \/pricing pricing\.floating_ips\[1\]\.prices\[0\]\.location: /m,
        /location "xyz1" is not one GET \/locations lists$/m,
      ),
    ],
    [
      "prices in another currency",
      (p, a) => {
        if (p === "/pricing") a.body.pricing.currency = "USD";
        return a;
      },
      /^ {2}GET \/pricing pricing\.currency: the catalogue is in EUR; this account's prices are in USD$/m,
    ],
  ];

  test.each(cases)("%s: exit 1, the file not written", async (_name, rewrite, message) => {
    const out = newFile();
    proxy.rewrite = rewrite;
    const r = await refresh(out, { via: "proxy" });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      joinRegExp(
        /^catalogue refresh: 1 problem in Hetzner's answers \(http:\/\/127\.0\.0\.1:\d+\/v1, /m,
        /http:\/\/127\.0\.0\.1:\d+\/hetzner\/v1\); catalogue-\d+\.json was not written:$/m,
      ),
    );
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe("");
    expect(fs.existsSync(out)).toBe(false);
  });

  test("an existing file is left as it was, and every problem is listed", async () => {
    const out = newFile();
    expect((await refresh(out)).code).toBe(0);
    const before = fs.readFileSync(out, "utf8");
    proxy.rewrite = (p, a) => {
      if (p === "/server_types") price(a, "cpx22", "sin").price_hourly.net = "-1";
      if (p === "/storage_box_types")
        return { status: 503, body: { error: { code: "maintenance", message: "down for maintenance", details: {} } } };
      return a;
    };
    const r = await refresh(out, { via: "proxy" });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/2 problems in Hetzner's answers/);
    expect(r.stderr).toMatch(
      /GET \/server_types server_types\[\d+\]\.prices\[3\]\.price_hourly\.net: a decimal number as a string/,
    );
    expect(r.stderr).toMatch(/GET \/storage_box_types: HTTP 503 maintenance: down for maintenance/);
    expect(fs.readFileSync(out, "utf8")).toBe(before);
  });

  test("a list that never ends is cut after 100 pages", async () => {
    const out = newFile();
    proxy.rewrite = (p, a, q) => {
      if (p === "/locations") a.body.meta.pagination.next_page = Number(q.get("page")) + 1;
      return a;
    };
    const r = await refresh(out, { via: "proxy" });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/GET \/locations meta\.pagination: more than 100 pages: stopped following next_page/);
    expect(fs.existsSync(out)).toBe(false);
  });

  test("no answer at all (nothing listens) is reported", async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", () => resolve()));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const out = newFile();
    const r = await refresh(out, { env: { HETZNER_ENDPOINT: `http://127.0.0.1:${port}/v1` } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      new RegExp(
        `GET /storage_box_types: no answer from ` +
          `http://127\\.0\\.0\\.1:${port}/v1/storage_box_types\\?per_page=50&page=1: ` +
          `.*ECONNREFUSED`,
      ),
    );
    expect(fs.existsSync(out)).toBe(false);
  });
});

test("a field Hetzner added is a warning only: the file is written", async () => {
  const out = newFile();
  proxy.rewrite = (p, a) => {
    if (p === "/locations") a.body.locations[0].shiny = true;
    if (p === "/server_types") price(a, "cx23", "fsn1").price_monthly.currency = "EUR";
    return a;
  };
  const r = await refresh(out, { via: "proxy" });
  expect(r.code).toBe(0);
  const lines = r.stderr.split("\n");
  expect(lines).toHaveLength(2);
  expect(lines).toContain(
    'warning: GET /locations locations[0]: unknown field "shiny" (not in hcloud-go v2.47.0\'s schema), ignored',
  );
  expect(r.stderr).toMatch(
    joinRegExp(
      /^warning: GET \/server_types server_types\[\d+\]\.prices\[0\]\.price_monthly: unknown /m,
      /field "currency" \(not in hcloud-go v2\.47\.0's schema\), ignored$/m,
    ),
  );
  expect(r.stdout).toMatch(/; 2 warnings above/);
  const doc = read(out);
  expect(catalogueProblems(doc)).toEqual([]);
  expect(JSON.stringify(doc)).not.toContain("shiny");
});

/** The price of a server type in a location, in an answer of GET /server_types. */
function price(a: Answer, type: string, location: string): any {
  return a.body.server_types.find((x: any) => x.name === type).prices.find((x: any) => x.location === location);
}

describe("bad input: exit 2 before any request", () => {
  test.each([
    ["HCLOUD_TOKEN unset", { HCLOUD_TOKEN: undefined }, /^catalogue refresh: HCLOUD_TOKEN is not set: .*API token/],
    ["HCLOUD_TOKEN empty", { HCLOUD_TOKEN: "" }, /^catalogue refresh: HCLOUD_TOKEN is not set/],
    [
      "HCLOUD_ENDPOINT not a URL",
      { HCLOUD_ENDPOINT: "api.hetzner.cloud" },
      /^catalogue refresh: HCLOUD_ENDPOINT is not a URL: "api\.hetzner\.cloud"/,
    ],
    [
      "HETZNER_ENDPOINT not http(s)",
      { HETZNER_ENDPOINT: "ftp://example.org/v1" },
      /^catalogue refresh: HETZNER_ENDPOINT must be an http\(s\) URL, got "ftp:\/\/example\.org\/v1"/,
    ],
  ])("%s", async (_name, env, message) => {
    const requests = sim.sim.log.length;
    const out = newFile();
    const r = await refresh(out, { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(sim.sim.log.length).toBe(requests);
    expect(fs.existsSync(out)).toBe(false);
  });

  test("a previous file that is not a valid catalogue", async () => {
    const out = newFile();
    fs.writeFileSync(out, JSON.stringify({ taken: "yesterday" }));
    const r = await refresh(out);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      joinRegExp(
        /catalogue-\d+\.json: the previous catalogue is not valid \(restore it /,
        /from git first\): taken: a date is YYYY-MM-DD/,
      ),
    );
    expect(fs.readFileSync(out, "utf8")).toBe(JSON.stringify({ taken: "yesterday" }));
  });
});
