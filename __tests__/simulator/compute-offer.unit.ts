/**
 * The simulated offer: only what Hetzner sells today is listed, in the
 * locations it is sold in, with prices per location; images filter as the
 * provider asks for them; the removed datacenters endpoints answer 410.
 */
import { Sim } from "../../simulator/core";
import { registerActions } from "../../simulator/resources/actions";
import { registerCompute } from "../../simulator/resources/compute";
import { OFFER, findImage, orderableIn, withoutNotes } from "../../simulator/resources/offer";

function setup() {
  const sim = new Sim();
  sim.warn = () => {};
  registerActions(sim);
  registerCompute(sim);
  const call = (method: string, path: string, query = "", body: Record<string, any> = {}) =>
    sim.handle("cloud", method, path, new URLSearchParams(query), body) as { status: number; body: any };
  return { sim, call };
}

const CURRENT = [
  "cx23",
  "cx33",
  "cx43",
  "cx53",
  "cpx12",
  "cpx22",
  "cpx32",
  "cpx42",
  "cpx52",
  "cpx62",
  "cax11",
  "cax21",
  "cax31",
  "cax41",
  "ccx13",
  "ccx23",
  "ccx33",
  "ccx43",
  "ccx53",
  "ccx63",
];
const RETIRED = ["cx22", "cx32", "cx42", "cx52", "cpx11", "cpx21", "cpx31", "cpx41", "cpx51"];
const EU = ["fsn1", "hel1", "nbg1"];

describe("server types", () => {
  test("the list is exactly the types sold today, by id", () => {
    const { call } = setup();
    const r = call("GET", "/server_types", "per_page=50");
    expect(r.status).toBe(200);
    const names: string[] = r.body.server_types.map((t: any) => t.name);
    expect([...names].sort()).toEqual([...CURRENT].sort());
    const ids: number[] = r.body.server_types.map((t: any) => t.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
  });

  test.each(RETIRED)("the retired %s is not listed", (name) => {
    const { call } = setup();
    expect(call("GET", "/server_types", `name=${name}`).body.server_types).toEqual([]);
    // cx22 was id 104 (hcloud-go's own test fixture).
    if (name === "cx22") expect(call("GET", "/server_types/104").body.error.code).toBe("not_found");
  });

  test("cost-optimised x86 and arm types are EU-only; dedicated ones are sold everywhere", () => {
    for (const t of OFFER.server_types) {
      const where = t.locations.map((l) => l.name).sort();
      if (t.name.startsWith("cx") || t.name.startsWith("cax")) expect(where).toEqual(EU);
      if (t.name.startsWith("ccx")) expect(where).toHaveLength(6);
      if (t.name.startsWith("cax")) expect(t.architecture).toBe("arm");
      else expect(t.architecture).toBe("x86");
    }
  });

  test("cpx22 is as the provider's acceptance test describes it", () => {
    const { call } = setup();
    const t = call("GET", "/server_types/109").body.server_type;
    expect(t).toMatchObject({
      name: "cpx22",
      category: "regular_purpose",
      cores: 2,
      memory: 4,
      disk: 80,
      storage_type: "local",
      cpu_type: "shared",
      architecture: "x86",
    });
    expect(t.locations).toHaveLength(4);
    expect(t.locations[0]).toMatchObject({ id: 1, name: "fsn1", deprecation: null });
  });

  test("every type has one price per location it is sold in, gross being net plus 21 % VAT", () => {
    for (const t of OFFER.server_types) {
      const prices = t.prices;
      expect(prices.map((p) => p.location).sort()).toEqual(t.locations.map((l) => l.name).sort());
      for (const p of prices) {
        for (const price of [p.price_hourly, p.price_monthly, p.price_per_tb_traffic]) {
          expect(Number(price.gross)).toBeCloseTo(Number(price.net) * 1.21, 8);
        }
        if (EU.includes(p.location)) expect(p.included_traffic).toBe(20 * 1024 ** 4);
      }
    }
  });

  test("a type is orderable only where it is listed", () => {
    const cx23 = OFFER.server_types.find((t) => t.name === "cx23")!;
    const loc = (n: string) => OFFER.locations.find((l) => l.name === n)!;
    expect(orderableIn(cx23, loc("fsn1"))).toBe(true);
    expect(orderableIn(cx23, loc("ash"))).toBe(false);
  });
});

describe("locations", () => {
  test("six locations with their network zones", () => {
    const { call } = setup();
    const zones = Object.fromEntries(
      call("GET", "/locations").body.locations.map((l: any) => [l.name, l.network_zone]),
    );
    expect(zones).toEqual({
      fsn1: "eu-central",
      nbg1: "eu-central",
      hel1: "eu-central",
      ash: "us-east",
      hil: "us-west",
      sin: "ap-southeast",
    });
    expect(call("GET", "/locations", "name=hel1").body.locations[0]).toMatchObject({
      id: 3,
      city: "Helsinki",
      country: "FI",
    });
    expect(call("GET", "/locations/3").body.location.name).toBe("hel1");
  });

  test("an unknown location id is not_found", () => {
    const { call } = setup();
    const r = call("GET", "/locations/99");
    expect(r.status).toBe(404);
    expect(r.body.error.code).toBe("not_found");
  });
});

describe("images", () => {
  test("name and architecture pick one system image, as the provider asks for it", () => {
    const { call } = setup();
    const r = call("GET", "/images", "name=debian-13&architecture=x86&include_deprecated=true");
    expect(r.body.images).toHaveLength(1);
    expect(r.body.images[0]).toMatchObject({
      id: 310554929,
      name: "debian-13",
      type: "system",
      os_flavor: "debian",
      architecture: "x86",
    });
    const arm = call("GET", "/images", "name=ubuntu-24.04&architecture=arm").body.images;
    expect(arm).toHaveLength(1);
    expect(arm[0].architecture).toBe("arm");
  });

  test("every system image exists for both architectures", () => {
    for (const name of ["debian-12", "debian-13", "ubuntu-22.04", "ubuntu-24.04"]) {
      expect(findImage(name, "x86")?.architecture).toBe("x86");
      expect(findImage(name, "arm")?.architecture).toBe("arm");
    }
  });

  test("type and bound_to filter", () => {
    const { call } = setup();
    expect(call("GET", "/images", "type=snapshot").body.images).toEqual([]);
    expect(call("GET", "/images", "type=system").body.images.length).toBe(8);
    expect(call("GET", "/images", "bound_to=1").body.images).toEqual([]);
  });

  test("an unknown architecture is invalid_input", () => {
    const { call } = setup();
    const r = call("GET", "/images", "architecture=sparc");
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe("invalid_input");
    expect(r.body.error.details.fields[0].name).toBe("architecture");
  });

  test("an image by id, and an unknown id not_found", () => {
    const { call } = setup();
    expect(call("GET", "/images/161547269").body.image.name).toBe("ubuntu-24.04");
    expect(call("GET", "/images/1").body.error.code).toBe("not_found");
  });
});

describe("datacenters", () => {
  test.each(["/datacenters", "/datacenters/1"])(
    "%s answers 410 deprecated_api_endpoint, as after 2026-10-01",
    (path) => {
      const { call } = setup();
      const r = call("GET", path);
      expect(r.status).toBe(410);
      expect(r.body.error.code).toBe("deprecated_api_endpoint");
      expect(r.body.error.details.announcement).toMatch(/^https:\/\/docs\.hetzner\.cloud\/changelog#/);
    },
  );
});

describe("the fixture's notes", () => {
  test("keys starting with $ are dropped at every depth", () => {
    expect(withoutNotes({ a: 1, $n: "x", b: [{ $u: "y", c: 2 }] })).toEqual({ a: 1, b: [{ c: 2 }] });
  });

  test("no note reaches a response", () => {
    const { call } = setup();
    for (const path of ["/server_types", "/locations", "/images", "/isos"]) {
      expect(JSON.stringify(call("GET", path, "per_page=50").body)).not.toContain('"$');
    }
  });
});
