/**
 * The simulated GET /pricing: the API's shape (hcloud-go schema.Pricing),
 * the fixture's figures, server type prices equal to /server_types', an IP
 * price in every location, gross prices consistent with the VAT rate.
 */
import { Sim } from "../../simulator/core";
import { registerActions } from "../../simulator/resources/actions";
import { registerCompute } from "../../simulator/resources/compute";
import { OFFER } from "../../simulator/resources/offer";
import { registerPricing } from "../../simulator/resources/pricing";

function setup() {
  const sim = new Sim();
  sim.warn = () => {};
  registerActions(sim);
  registerCompute(sim);
  registerPricing(sim);
  return (method: string, path: string, query = "") =>
    sim.handle("cloud", method, path, new URLSearchParams(query), {}) as { status: number; body: any };
}

const LOCATIONS = OFFER.locations.map((l) => l.name);

/** Every {net, gross} object in a JSON value, with its path. */
function prices(value: unknown, path = "pricing"): { path: string; net: string; gross: string }[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => prices(v, `${path}[${i}]`));
  if (value === null || typeof value !== "object") return [];
  const o = value as Record<string, unknown>;
  if (typeof o.net === "string" && typeof o.gross === "string") return [{ path, net: o.net, gross: o.gross }];
  return Object.entries(o).flatMap(([k, v]) => prices(v, `${path}.${k}`));
}

test("answers the pricing in the API's shape, with no fixture notes", () => {
  const r = setup()("GET", "/pricing");
  expect(r.status).toBe(200);
  const p = r.body.pricing;
  expect(Object.keys(p).sort()).toEqual(
    [
      "currency",
      "vat_rate",
      "image",
      "floating_ip",
      "floating_ips",
      "primary_ips",
      "traffic",
      "server_backup",
      "server_types",
      "load_balancer_types",
      "volume",
    ].sort(),
  );
  expect(p.currency).toBe("EUR");
  expect(p.vat_rate).toBe("21.00");
  expect(JSON.stringify(r.body)).not.toContain('"$');
});

test(
  "the figures of the catalogue: IPv4 0.50, IPv6 free, floating IPs " + "3.00, volumes 0.0440 per GB, backups 20 %",
  () => {
    const p = setup()("GET", "/pricing").body.pricing;
    const primary = (type: string) => p.primary_ips.find((g: any) => g.type === type).prices;
    for (const price of primary("ipv4")) {
      expect(price.price_monthly).toEqual({ net: "0.5000000000", gross: "0.6050000000000000" });
      expect(price.price_hourly.net).toBe("0.0008000000");
    }
    for (const price of primary("ipv6")) expect(price.price_monthly.net).toBe("0.0000000000");
    for (const group of p.floating_ips)
      for (const price of group.prices) expect(price.price_monthly.net).toBe("3.0000000000");
    expect(p.volume.price_per_gb_month.net).toBe("0.0440000000");
    expect(p.server_backup.percentage).toBe("20.00");
  },
);

test("primary and floating IPs have a price for each type in every location of the offer, and nothing else", () => {
  const p = setup()("GET", "/pricing").body.pricing;
  for (const key of ["primary_ips", "floating_ips"]) {
    expect(p[key].map((g: any) => g.type)).toEqual(["ipv4", "ipv6"]);
    for (const group of p[key]) expect(group.prices.map((x: any) => x.location)).toEqual(LOCATIONS);
  }
  // The datacenter of primary IP prices is gone from the API.
  expect(p.primary_ips[0].prices[0]).not.toHaveProperty("datacenter");
});

test("server type prices are those GET /server_types answers, for every type sold", () => {
  const call = setup();
  const pricing = call("GET", "/pricing").body.pricing;
  const types = call("GET", "/server_types", "per_page=50").body.server_types;
  expect(pricing.server_types).toEqual(types.map((t: any) => ({ id: t.id, name: t.name, prices: t.prices })));
  expect(pricing.server_types.length).toBe(OFFER.server_types.length);
});

test("every gross price is the net plus the VAT rate (to a ten-thousandth)", () => {
  const p = setup()("GET", "/pricing").body.pricing;
  const rate = 1 + Number(p.vat_rate) / 100;
  const all = prices(p);
  expect(all.length).toBeGreaterThan(50);
  for (const x of all) {
    expect({ path: x.path, gross: Math.round(Number(x.gross) * 10_000) }).toEqual({
      path: x.path,
      gross: Math.round(Number(x.net) * rate * 10_000),
    });
  }
});

test("only GET is served", () => {
  const r = setup()("POST", "/pricing");
  expect(r.status).toBe(404);
  expect(r.body.error.code).toBe("not_found");
});
