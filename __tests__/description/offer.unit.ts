// The description against Hetzner's offer (catalogue/hetzner.json): what is
// not sold is refused with the nearest current types, a retired type names
// its successor, a deprecated one is a warning with its date.
import { loadNetwork } from "../../description";
import { SERVER_TYPES, type ServerTypeInfo } from "../../description/catalogue";
import { nearestServerTypes, offerFindings, retiredServerType, type Offer } from "../../description/offer";
import { copyConfig, editFile } from "../../testing/rehearsal";
import { makeTempDir } from "../../testing/tmp";

const t = makeTempDir("all2all-offer-");
afterAll(() => t.cleanup());

const type = (over: Partial<ServerTypeInfo>): ServerTypeInfo => ({
  arch: "x86",
  family: "shared",
  cores: 2,
  memoryGb: 4,
  diskGb: 40,
  locations: {},
  ...over,
});
const FIXED: Offer = {
  types: {
    small: type({
      locations: {
        fsn1: { available: true },
        ash: { available: true, deprecation: { announced: "2026-11-01", unavailableAfter: "2027-02-01" } },
      },
    }),
    gone: type({
      locations: {
        fsn1: { available: true, deprecation: { announced: "2026-01-01", unavailableAfter: "2026-06-30" } },
      },
    }),
    bigger: type({ cores: 4, memoryGb: 8, locations: { fsn1: { available: true }, ash: { available: true } } }),
    armish: type({ arch: "arm", locations: { fsn1: { available: true } } }),
  },
  images: { "x86-only": ["x86"], both: ["x86", "arm"] },
};

describe("offerFindings, with a fixed catalogue", () => {
  test("a type deprecated in its location is a warning with its dates and the nearest current types", () => {
    expect(offerFindings({ type: "small", image: "both", location: "ash" }, "2026-12-07", FIXED)).toEqual([
      {
        field: "type",
        severity: "warning",
        message: 'server type "small" is deprecated in ash (announced 2026-11-01, not orderable after 2027-02-01)',
        hint: 'plan a move to "bigger"',
      },
    ]);
  });
  test.each([
    {
      title: "past its date it is refused",
      server: { type: "gone", image: "both", location: "fsn1" },
      refusal: {
        message: expect.stringContaining(
          'server type "gone" is not sold in fsn1 (deprecated 2026-01-01, not orderable after 2026-06-30)',
        ),
        hint: 'nearest current types in fsn1: "small", "bigger"',
      },
    },
    {
      title: "a type not sold in the location is refused, naming where it is sold",
      server: { type: "armish", image: "both", location: "ash" },
      refusal: { field: "type", message: 'server type "armish" is not sold in ash; Hetzner sells it in fsn1' },
    },
    {
      title: "an image without the type's architecture is refused",
      server: { type: "armish", image: "x86-only", location: "fsn1" },
      refusal: {
        field: "image",
        message: 'image "x86-only" has no arm build, which server type "armish" needs',
        hint: 'images for arm: "both"',
      },
    },
  ])("$title", ({ server, refusal }) => {
    const [f] = offerFindings(server, "2026-12-07", FIXED);
    expect(f).toMatchObject({ severity: "error", ...refusal });
  });
  test("a deprecated image is a warning with its date and the current images of its system", () => {
    const offer: Offer = {
      ...FIXED,
      images: { ...FIXED.images, "debian-12": ["x86"], "debian-13": ["x86"] },
      deprecatedImages: { "debian-12": "2026-08-01" },
    };
    expect(offerFindings({ type: "bigger", image: "debian-12", location: "fsn1" }, "2026-12-07", offer)).toEqual([
      {
        field: "image",
        severity: "warning",
        message:
          'image "debian-12" was deprecated by Hetzner on 2026-08-01: new servers cannot use it once it is removed',
        hint: 'a current one: "debian-13"',
      },
    ]);
  });
  test("a current type in its location is fine", () => {
    expect(offerFindings({ type: "bigger", image: "both", location: "ash" }, "2026-12-07", FIXED)).toEqual([]);
  });
  test("nearest types: same architecture, closest cores then memory, sold and not deprecated there", () => {
    expect(nearestServerTypes({ arch: "x86", cores: 4, memoryGb: 8 }, "fsn1", 3, FIXED.types)).toEqual([
      "bigger",
      "small",
    ]);
  });
});

describe("the committed catalogue", () => {
  test("the retired CX Gen 2 and CPX Gen 1 types name their successors", () => {
    expect(retiredServerType("cx22")).toEqual({
      message: 'server type "cx22" was retired by Hetzner (announced 2025-10-16, not orderable after 2025-12-31)',
      hint: expect.stringMatching(/^use its successor "cx23" \(2 vCPU, 4 GB, 40 GB disk\)$/),
    });
    expect(retiredServerType("cpx11")?.hint).toMatch(/"cpx12"/);
    expect(retiredServerType("cx23")).toBeUndefined();
    expect(SERVER_TYPES.cx22).toBeUndefined();
  });

  test(
    "check refuses a retired type with its successor, and an arm " + "type in a US location, at the file and line",
    () => {
      const dir = copyConfig(`${t.dir}/retired`);
      editFile(`${dir}/network.yaml`, "    role: bastion\n    type: cx23\n", "    role: bastion\n    type: cx22\n");
      const r = loadNetwork(dir, { env: "production" });
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.problems).toEqual([
        expect.objectContaining({
          path: "servers[0].type",
          line: 88,
          message: expect.stringContaining('"cx22" was retired by Hetzner'),
          hint: expect.stringContaining('"cx23"'),
        }),
      ]);

      const arm = copyConfig(`${t.dir}/arm`);
      editFile(
        `${arm}/network.yaml`,
        "  allowed_locations: [fsn1, nbg1, hel1]",
        "  allowed_locations: [fsn1, nbg1, hel1, ash]",
      );
      editFile(
        `${arm}/network.yaml`,
        "    role: bastion\n    type: cx23\n",
        "    role: bastion\n    type: cax11\n    location: ash\n",
      );
      const r2 = loadNetwork(arm, { env: "staging" });
      expect(r2.ok).toBe(false);
      if (r2.ok) return;
      expect(r2.problems.filter((p) => p.path === "servers[0].type").map((p) => [p.message, p.hint])).toEqual([
        // No arm type is sold in ash: no type to suggest.
        ['server type "cax11" is not sold in ash; Hetzner sells it in fsn1, nbg1, hel1', undefined],
      ]);
    },
  );
});

test("warnings are printed as warnings, with the file, line and path", async () => {
  const { formatConfigProblems } = await import("../../description/problems.js");
  expect(
    formatConfigProblems(
      [
        {
          file: "config/network.yaml",
          line: 88,
          col: 11,
          path: "servers[0].type",
          message: 'server type "x" is deprecated in fsn1',
          hint: 'plan a move to "y"',
        },
      ],
      "warning",
    ),
  ).toEqual([
    "config/network.yaml has 1 warning:",
    '  config/network.yaml:88:11  servers[0].type  server type "x" is deprecated in fsn1 (plan a move to "y")',
  ]);
});
