// What Hetzner cannot do is dangerous, in `all2all diff` and `all2all
// plan-summary` alike: a volume made smaller, a network's range narrowed (or
// leaving out a subnet), a server moved to a type with a smaller disk, a
// location changed. Each message says what Hetzner does and cites where that
// is written; docs/review.md lists every class.
import * as fs from "node:fs";
import * as path from "node:path";
import { catalogue } from "../../catalogue/catalogue";
import { HETZNER_SOURCES } from "../../cli/diff/classify";
import { CLASS_LABELS, DANGER_CLASSES, WARNING_CLASSES } from "../../cli/diff/change-types";
import { toMarkdown } from "../../cli/diff/render";
import { clone, compareStacks, onlyChange, planChanges, resourceChange, server, stackDoc } from "../../testing/diff";
import { repoRoot } from "../../testing/tmp";
import { joinRegExp } from "../../primitives/regexp";

const volume = (size: number, extra: Record<string, unknown> = {}) => ({
  name: "web-1-data",
  size,
  location: "fsn1",
  delete_protection: true,
  ...extra,
});

describe("a volume made smaller", () => {
  const servers = (size: number, extra?: Record<string, unknown>) => ({
    "production-servers": stackDoc({ hcloud_volume: { "web-1-data": volume(size, extra) } }),
  });

  test("is dangerous: Hetzner volumes only grow, and the apply fails at the resize", () => {
    const c = onlyChange(compareStacks(servers(50), servers(20)), "hcloud_volume.web-1-data");
    expect(c.action).toBe("update");
    expect(c.dangers.map((d) => [d.class, d.attribute, d.source])).toEqual([
      ["destructive-update", "size", HETZNER_SOURCES.volumeResize],
    ]);
    const message = c.dangers[0]!.message;
    expect(message).toMatch(/^`size` 50 → 20: Hetzner volumes only grow \("downsizing a Volume is not possible"/);
    expect(message).toMatch(
      /tofu plans an update in place — and the apply fails at the resize call, leaving the volume at 50 GB/,
    );
    expect(message).toContain(
      "docs.hetzner.cloud, Volume Actions: Resize Volume; " +
        "hetznercloud/hcloud 1.68.0, internal/volume/resource.go:38, :288",
    );
    expect(message).toMatch(/create it, copy the data/);
  });

  test("a volume made bigger is not; nor is a smaller size in lifecycle.ignore_changes", () => {
    expect(onlyChange(compareStacks(servers(20), servers(50)), "hcloud_volume.web-1-data").dangers).toEqual([]);
    const ignored = onlyChange(
      compareStacks(servers(50), servers(20, { lifecycle: { ignore_changes: ["size"] } })),
      "hcloud_volume.web-1-data",
    );
    expect(ignored.dangers).toEqual([]);
  });

  test("plan-summary: the same danger from the plan's update in place", () => {
    const c = planChanges(
      resourceChange("hcloud_volume.web-1-data", ["update"], { id: "8", ...volume(50) }, { id: "8", ...volume(20) }),
    )[0]!;
    expect(c.dangers.map((d) => d.class)).toEqual(["destructive-update"]);
    expect(c.dangers[0]!.message).toMatch(/^`size` 50 → 20: Hetzner volumes only grow/);
  });
});

describe("a network's range changed", () => {
  const network = (ipRange: string, subnet = "10.20.1.0/24") => ({
    "production-network": stackDoc({
      hcloud_network: { internal: { name: "internal", ip_range: ipRange, delete_protection: true } },
      hcloud_network_subnet: {
        "internal-1": {
          network_id: "${hcloud_network.internal.id}",
          type: "cloud",
          network_zone: "eu-central",
          ip_range: subnet,
        },
      },
    }),
  });

  test("narrowed: replaced, and the message says Hetzner only extends a range", () => {
    const c = onlyChange(compareStacks(network("10.20.0.0/16"), network("10.20.0.0/20")), "hcloud_network.internal");
    expect(c.action).toBe("replace");
    expect(c.dangers.map((d) => d.class)).toEqual(["replace"]);
    const message = c.dangers[0]!.message;
    expect(message).toMatch(
      joinRegExp(
        /^`ip_range` "10.20.0.0\/16" → "10.20.0.0\/20" forces replacement \(hetznercloud\/hcloud 1.68.0, /,
        /internal\/network\/resource.go:40\); the replacement destroys the network/,
      ),
    );
    expect(message).toContain(
      "Hetzner cannot narrow a network's range or move its first address " +
        "(change_ip_range only extends a range from the same first address)",
    );
    expect(message).toContain("the subnets and server attachments that take its id are replaced with it");
    expect(message).toContain(HETZNER_SOURCES.changeIpRange);
  });

  test("moved to another first address: the same", () => {
    const c = onlyChange(
      compareStacks(network("10.20.0.0/16"), network("10.40.0.0/16", "10.40.1.0/24")),
      "hcloud_network.internal",
    );
    expect(c.dangers.map((d) => d.class)).toEqual(["replace"]);
    expect(c.dangers[0]!.message).toContain("Hetzner cannot narrow a network's range or move its first address");
  });

  test("widened from the same first address: Hetzner could, the provider replaces anyway", () => {
    const c = onlyChange(compareStacks(network("10.20.0.0/16"), network("10.20.0.0/15")), "hcloud_network.internal");
    expect(c.action).toBe("replace");
    expect(c.dangers[0]!.message).toContain(
      "Hetzner could extend this range in place (change_ip_range keeps the first " +
        "address and lowers the prefix), but the provider never calls it",
    );
  });

  test("a subnet left outside the new range: a reason of its own, Hetzner refuses it in the new network", () => {
    const c = onlyChange(compareStacks(network("10.20.0.0/16"), network("10.30.0.0/16")), "hcloud_network.internal");
    expect(c.dangers.map((d) => d.class)).toEqual(["replace", "replace"]);
    expect(c.dangers[1]).toEqual({
      class: "replace",
      attribute: "ip_range",
      source: HETZNER_SOURCES.networkSubnets,
      message:
        "hcloud_network_subnet.internal-1 (10.20.1.0/24) lies outside the new range 10.30.0.0/16: a network's " +
        "range must span all its subnets, so Hetzner refuses it in the new network and the apply fails after " +
        "tofu has destroyed the old one (docs.hetzner.cloud, Networks: ip_range must span all included subnets)",
    });
  });

  test("plan-summary: replaced from replace_paths, with Hetzner's limit as a note", () => {
    const c = planChanges(
      resourceChange(
        "hcloud_network.internal",
        ["delete", "create"],
        { id: "7", name: "internal", ip_range: "10.20.0.0/16" },
        { name: "internal", ip_range: "10.20.0.0/24" },
        {
          after_unknown: { id: true },
          replace_paths: [["ip_range"]],
        },
      ),
    )[0]!;
    expect(c.dangers.map((d) => d.class)).toEqual(["replace"]);
    expect(c.notes).toContainEqual(
      expect.stringMatching(/^Hetzner cannot narrow a network's range or move its first address/),
    );
  });
});

describe("a server moved to a type with a smaller disk", () => {
  // Two server types of the catalogue with the same storage type and different disks: never hard-coded.
  const types = catalogue().server_types;
  const [small, big] = (() => {
    for (const a of types)
      for (const b of types)
        if (a.storage_type === b.storage_type && a.architecture === b.architecture && a.disk_gb < b.disk_gb)
          return [a, b];
    throw new Error("the catalogue has no two server types with different disks");
  })();
  const servers = (type: string, extra: Record<string, unknown> = {}) => ({
    "production-servers": stackDoc({ hcloud_server: { "web-1": server("web-1", { server_type: type, ...extra }) } }),
  });

  test("is dangerous: Hetzner cannot shrink a disk; a downgrade works only on a disk never upgraded", () => {
    const c = onlyChange(compareStacks(servers(big.name), servers(small.name)), "hcloud_server.web-1");
    expect(c.action).toBe("update");
    expect(c.dangers.map((d) => [d.class, d.attribute, d.source])).toEqual([
      ["destructive-update", "server_type", HETZNER_SOURCES.changeType],
    ]);
    const message = c.dangers[0]!.message;
    expect(message).toContain(
      `\`server_type\` ${big.name} → ${small.name}: ${small.name}'s disk (${small.disk_gb} GB) is smaller ` +
        `than ${big.name}'s (${big.disk_gb} GB, catalogue/hetzner.json), and Hetzner cannot shrink a disk`,
    );
    expect(message).toContain('"Shrinking disks is not possible as it might destroy data"');
    expect(message).toContain(
      `created with a disk of at most ${small.disk_gb} GB, and every type change since made with keep_disk = true`,
    );
    expect(message).toContain(
      "Hetzner refuses the change (`invalid_server_type`) after the provider has " +
        "powered the server off: the apply fails and the server stays off",
    );
    expect(message).toContain("internal/server/resource.go:587");
    // The type change's own warning stays.
    expect(c.warnings.map((w) => [w.class, w.attribute])).toEqual([["disruptive-update", "server_type"]]);
  });

  test("a bigger disk is not dangerous: the type change is a warning only", () => {
    const c = onlyChange(compareStacks(servers(small.name), servers(big.name)), "hcloud_server.web-1");
    expect(c.dangers).toEqual([]);
    expect(c.warnings.map((w) => [w.class, w.attribute])).toEqual([["disruptive-update", "server_type"]]);
  });

  test("a type the catalogue does not know: said in the warning, not guessed", () => {
    const c = onlyChange(compareStacks(servers(big.name), servers("cx9000")), "hcloud_server.web-1");
    expect(c.dangers).toEqual([]);
    expect(c.warnings).toHaveLength(1);
    expect(c.warnings[0]!.message).toMatch(
      new RegExp(
        `; cx9000 is not among the server types of catalogue/hetzner.json: whether ` +
          `cx9000's disk is smaller than ${big.name}'s is not checked`,
      ),
    );
  });

  test("a retired type: the warning says it is retired and names its successor", () => {
    const retired = catalogue().retired_server_types[0]!;
    const c = onlyChange(compareStacks(servers(big.name), servers(retired.name)), "hcloud_server.web-1");
    expect(c.dangers).toEqual([]);
    expect(c.warnings[0]!.message).toContain(
      `${retired.name} is not among the server types of catalogue/hetzner.json (retired: ` +
        `unavailable after ${retired.unavailable_after}, successor ${retired.successor})`,
    );
  });

  test("server_type in lifecycle.ignore_changes: nothing applied, nothing said", () => {
    const c = onlyChange(
      compareStacks(servers(big.name), servers(small.name, { lifecycle: { ignore_changes: ["server_type"] } })),
      "hcloud_server.web-1",
    );
    expect(c.dangers.filter((d) => d.attribute === "server_type")).toEqual([]);
  });

  test("plan-summary: the state's type against the planned one", () => {
    const state = { id: "4711", name: "web-1", server_type: big.name, location: "fsn1", labels: {} };
    const c = planChanges(
      resourceChange("hcloud_server.web-1", ["update"], state, { ...state, server_type: small.name }),
    )[0]!;
    expect(c.dangers.map((d) => d.class)).toEqual(["destructive-update"]);
    expect(c.dangers[0]!.message).toContain("Hetzner cannot shrink a disk");
  });
});

describe("a location changed: replaced, and nothing is moved", () => {
  test("a server: a new one elsewhere, its backups deleted, its primary IPs left behind", () => {
    const base = { s: stackDoc({ hcloud_server: { "web-1": server("web-1") } }) };
    const head = clone(base) as any;
    head.s.resource.hcloud_server["web-1"].location = "nbg1";
    const c = onlyChange(compareStacks(base, head), "hcloud_server.web-1");
    expect(c.dangers.map((d) => d.class)).toEqual(["replace"]);
    const message = c.dangers[0]!.message;
    // The reason, the loss, then what Hetzner does, then the refusal of prevent_destroy.
    expect(message).toContain(
      '`location` "fsn1" → "nbg1" forces replacement (hetznercloud/hcloud 1.68.0, ' +
        "internal/server/resource.go:70); the replacement destroys the server's disk",
    );
    expect(message).toContain(
      "Hetzner cannot move a server to another location: tofu deletes the one in fsn1 and creates a new one in " +
        "nbg1 (a fresh disk, installed again from its image and user data); nothing is moved or copied, and its " +
        "backups are deleted with it",
    );
    expect(message).toContain("Hetzner assigns a primary IP only to a server in its own location");
    expect(message).toMatch(/; lifecycle\.prevent_destroy is set, so tofu refuses the plan until it is lifted$/);
  });

  test.each([
    ["hcloud_volume", "location", "a volume", "an empty volume"],
    ["hcloud_primary_ip", "location", "a primary IP", "another address"],
    ["hcloud_floating_ip", "home_location", "a floating IP", "another address"],
    ["hcloud_storage_box", "location", "a storage box", "an empty storage box, without the backups of the old one"],
  ])("%s %s: the replacement is a new one elsewhere", (type, attribute, what, becomes) => {
    const body = { name: "x", type: "ipv4", [attribute]: "fsn1" };
    const base = { s: stackDoc({ [type]: { x: body } }) };
    const head = { s: stackDoc({ [type]: { x: { ...body, [attribute]: "hel1" } } }) };
    const c = onlyChange(compareStacks(base, head), `${type}.x`);
    expect(c.action).toBe("replace");
    expect(c.dangers[0]!.class).toBe("replace");
    expect(c.dangers[0]!.message).toContain(
      `Hetzner cannot move ${what} to another location: tofu deletes the one in fsn1 and ` +
        `creates a new one in hel1 (${becomes}); nothing is moved or copied`,
    );
  });

  test("plan-summary: the reason is tofu's, what Hetzner does is a note", () => {
    const state = { id: "9", name: "web-1-data", size: 50, location: "fsn1" };
    const c = planChanges(
      resourceChange(
        "hcloud_volume.web-1-data",
        ["delete", "create"],
        state,
        { ...state, id: null, location: "nbg1" },
        { after_unknown: { id: true }, replace_paths: [["location"]] },
      ),
    )[0]!;
    expect(c.dangers.map((d) => d.message)).toEqual([
      '`location` "fsn1" → "nbg1" forces replacement (hetznercloud/hcloud 1.68.0, ' +
        "internal/volume/resource.go:46); the replacement destroys the volume's data",
    ]);
    expect(c.notes).toContain(
      "Hetzner cannot move a volume to another location: tofu deletes the one in fsn1 and " +
        "creates a new one in nbg1 (an empty volume); nothing is moved or copied",
    );
  });
});

test("the Markdown report puts each of them among the dangerous changes", () => {
  const base = { s: stackDoc({ hcloud_volume: { v: volume(50) } }) };
  const head = { s: stackDoc({ hcloud_volume: { v: volume(20) } }) };
  const changes = compareStacks(base, head);
  const md = toMarkdown({ command: "diff", base: "b", head: "h", stacks: ["s"], changes, notes: [] });
  expect(md).toContain("## all2all diff: 1 dangerous change (1 to change)");
  expect(md).toContain("- **DESTRUCTIVE UPDATE**: `size` 50 → 20: Hetzner volumes only grow");
});

test("docs/review.md lists every danger class and every warning, by its label", () => {
  const docs = fs.readFileSync(path.join(repoRoot, "docs", "review.md"), "utf8");
  for (const c of DANGER_CLASSES) expect(docs).toContain(`| **${CLASS_LABELS[c]}** |`);
  for (const w of WARNING_CLASSES) expect(docs).toContain(`| ${CLASS_LABELS[w]} |`);
  // The limits of Hetzner are documented with what Hetzner does.
  expect(docs).toContain("### What Hetzner cannot do");
  for (const what of [
    "a volume made smaller",
    "a server moved to a type with a smaller disk",
    "a network's range changed",
    "a location changed",
  ])
    expect(docs).toContain(`| ${what}`);
});
