// `all2all plan-summary` on plans written to the documented JSON output format
// (`tofu show -json plan.out`): replacements and destructions of stateful
// resources first, sensitive and unknown values, bad input, exit codes.
import * as fs from "node:fs";
import * as path from "node:path";
import { ExitCode, captureIo } from "../../cli/io";
import { summarisePlans, maskedAt, parsePlan } from "../../cli/diff/plan";
import { runPlanSummary, stackLabel } from "../../cli/plan-summary";
import { exitCodeOf, planDoc, resourceChange, tables } from "../../testing/diff";
import { makeTempDir, repoRoot } from "../../testing/tmp";

const T = tables();

const serverState = {
  id: "4711",
  name: "web-1",
  server_type: "cx32",
  location: "fsn1",
  image: "debian-13",
  backups: true,
  delete_protection: true,
  rebuild_protection: true,
  labels: { role: "web", "fw-web": "on" },
  public_net: [{ ipv4: 111, ipv4_enabled: true, ipv6: 112, ipv6_enabled: true }],
  ipv4_address: "192.0.2.10",
};

/** A plan of production-servers with one change of each kind. */
function servesPlan() {
  return planDoc([
    // A server replaced because its location changes.
    resourceChange(
      "hcloud_server.web-1",
      ["delete", "create"],
      serverState,
      { ...serverState, id: null, location: "nbg1", ipv4_address: null },
      {
        after_unknown: { id: true, ipv4_address: true },
        replace_paths: [["location"]],
        action_reason: "replace_because_cannot_update",
      },
    ),
    // A volume destroyed.
    resourceChange(
      "hcloud_volume.web-2-data",
      ["delete"],
      { id: "9", name: "web-2-data", size: 50, location: "fsn1" },
      null,
      { action_reason: "delete_because_no_resource_config" },
    ),
    // A new primary IPv4.
    resourceChange(
      "hcloud_primary_ip.web-3-ipv4",
      ["create"],
      null,
      { name: "web-3-ipv4", type: "ipv4", location: "fsn1", auto_delete: false },
      { after_unknown: { id: true, ip_address: true } },
    ),
    // An imported primary IPv4: adopted, not new.
    resourceChange(
      "hcloud_primary_ip.old-ipv4",
      ["no-op"],
      { id: "5", name: "old-ipv4", type: "ipv4" },
      { id: "5", name: "old-ipv4", type: "ipv4" },
      { importing: { id: "5" } },
    ),
    // Protection lifted in place.
    resourceChange(
      "hcloud_volume.web-1-data",
      ["update"],
      { id: "8", name: "web-1-data", delete_protection: true },
      { id: "8", name: "web-1-data", delete_protection: false },
    ),
    // An update with a sensitive value.
    resourceChange(
      "hcloud_storage_box_subaccount.backup-web-1",
      ["update"],
      { id: "3", password: "old-password-value", description: "web" },
      { id: "3", password: "new-password-value", description: "web sites" },
      { before_sensitive: { password: true }, after_sensitive: { password: true } },
    ),
    // Nothing to do, and a data source read: not reported.
    resourceChange("hcloud_ssh_key.alice", ["no-op"], { id: "1", name: "alice" }, { id: "1", name: "alice" }),
    {
      ...resourceChange("data.terraform_remote_state.network", ["read"], null, {}),
      mode: "data",
      type: "terraform_remote_state",
    },
  ]);
}

describe("summarisePlans", () => {
  const changes = summarisePlans([{ stack: "production-servers", plan: parsePlan(servesPlan(), "plan.json") }], T);

  test("stateful replacement and destruction first, then the other dangers, then the rest", () => {
    expect(changes.map((c) => [c.address, c.action, c.dangers.map((d) => d.class)])).toEqual([
      ["hcloud_volume.web-2-data", "delete", ["destroy-stateful"]],
      ["hcloud_server.web-1", "replace", ["replace"]],
      ["hcloud_volume.web-1-data", "update", ["protection-removed"]],
      ["hcloud_primary_ip.web-3-ipv4", "create", ["public-ipv4"]],
      ["hcloud_primary_ip.old-ipv4", "import", []],
      ["hcloud_storage_box_subaccount.backup-web-1", "update", []],
    ]);
  });

  test("a replacement cites replace_paths and the provider source; unknown values show as known after apply", () => {
    const web = changes.find((c) => c.address === "hcloud_server.web-1")!;
    expect(web.dangers[0]!.message).toBe(
      '`location` "fsn1" → "nbg1" forces replacement (hetznercloud/hcloud 1.68.0, ' +
        "internal/server/resource.go:70); the replacement destroys the server's disk and its addresses unless " +
        "they are separate primary IPs",
    );
    expect(web.attributes).toContainEqual({ path: "location", old: '"fsn1"', new: '"nbg1"', forcesReplacement: true });
    expect(web.attributes).toContainEqual({ path: "ipv4_address", old: '"192.0.2.10"', new: "(known after apply)" });
  });

  test("a destruction says why tofu destroys it", () => {
    const volume = changes.find((c) => c.address === "hcloud_volume.web-2-data")!;
    expect(volume.notes).toContain("destroyed because its block is gone from the configuration");
    expect(volume.dangers[0]!.message).toBe("tofu destroys it, and with it the volume's data");
  });

  test("values marked sensitive in the plan are masked", () => {
    const sub = changes.find((c) => c.address === "hcloud_storage_box_subaccount.backup-web-1")!;
    expect(sub.attributes).toEqual([
      { path: "description", old: '"web"', new: '"web sites"' },
      { path: "password", old: "(sensitive)", new: "(sensitive)" },
    ]);
  });

  test("a replacement without replace_paths gives tofu's reason; one outside the table says so", () => {
    const plan = planDoc([
      resourceChange(
        "hcloud_zone.z",
        ["create", "delete"],
        { name: "a.org", mode: "primary" },
        { name: "a.org", mode: "primary" },
        { action_reason: "replace_because_tainted" },
      ),
      resourceChange(
        "hcloud_firewall.f",
        ["delete", "create"],
        { name: "f" },
        { name: "g" },
        { replace_paths: [["name"]] },
      ),
    ]);
    const [zone, fw] = summarisePlans([{ stack: "s", plan: parsePlan(plan, "p") }], T);
    expect(zone!.dangers[0]!.message).toMatch(
      /^the resource is tainted .*; the replacement destroys the zone and every record in it$/,
    );
    expect(fw!.dangers[0]!.message).toMatch(/not in the replacement table of hetznercloud\/hcloud 1.68.0/);
  });

  test(
    "firewall rules opened to the world, and servers newly under such a " +
      "firewall, from prior_state and planned_values",
    () => {
      const fwBefore = {
        name: "ssh",
        labels: {},
        apply_to: [{ label_selector: "fw-ssh=on" }],
        rule: [{ direction: "in", protocol: "tcp", port: "22", source_ips: ["192.0.2.0/24"] }],
      };
      const fwAfter = {
        ...fwBefore,
        rule: [{ direction: "in", protocol: "tcp", port: "22", source_ips: ["0.0.0.0/0"] }],
      };
      const web = { name: "web-1", labels: { "fw-ssh": "on" } };
      const mail = { name: "mail-1", labels: {} };
      const mailAfter = { name: "mail-1", labels: { "fw-ssh": "on" } };
      const plan = planDoc(
        [
          resourceChange("hcloud_firewall.ssh", ["update"], fwBefore, fwAfter),
          resourceChange("hcloud_server.mail-1", ["update"], mail, mailAfter),
        ],
        {
          prior_state: {
            values: { root_module: { resources: [fw("ssh", fwBefore), srv("web-1", web), srv("mail-1", mail)] } },
          },
          planned_values: {
            root_module: { resources: [fw("ssh", fwAfter), srv("web-1", web), srv("mail-1", mailAfter)] },
          },
        },
      );
      const changes2 = summarisePlans([{ stack: "production-network", plan: parsePlan(plan, "p") }], T);
      const firewall = changes2.find((c) => c.address === "hcloud_firewall.ssh")!;
      expect(firewall.dangers.map((d) => d.message)).toEqual([
        "opens tcp 22 (SSH) from 0.0.0.0/0 to the whole Internet — a port never to open to " +
          "the world (docs/policies.md, firewall-world-sensitive-port)",
      ]);
      const server = changes2.find((c) => c.address === "hcloud_server.mail-1")!;
      expect(server.dangers.map((d) => d.class)).toEqual(["world-open"]);
    },
  );

  test("maskedAt follows list indexes and whole-object marks", () => {
    expect(maskedAt({ a: [{ b: true }] }, ["a", 0, "b"])).toBe(true);
    expect(maskedAt({ a: true }, ["a", 3, "c"])).toBe(true);
    expect(maskedAt({ a: [{ b: false }] }, ["a", 0, "b"])).toBe(false);
    expect(maskedAt(true, [])).toBe(true);
  });
});

function fw(name: string, values: Record<string, unknown>) {
  return { address: `hcloud_firewall.${name}`, mode: "managed", type: "hcloud_firewall", name, values };
}
function srv(name: string, values: Record<string, unknown>) {
  return { address: `hcloud_server.${name}`, mode: "managed", type: "hcloud_server", name, values };
}

describe("all2all plan-summary", () => {
  const t = makeTempDir("all2all-plan-");
  afterAll(() => t.cleanup());
  const write = (rel: string, content: string | Buffer): string => {
    const file = path.join(t.dir, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
    return file;
  };

  test("a dangerous plan: Markdown with dangerous changes first, exit 3, no sensitive value", async () => {
    const file = write("cdktf.out/stacks/production-servers/plan.json", JSON.stringify(servesPlan()));
    const io = captureIo({}, t.dir);
    expect(await runPlanSummary([file], {}, io, repoRoot)).toBe(ExitCode.dangerous);
    const text = io.stdout.join("\n");
    expect(io.stdout[0]).toBe(
      "## all2all plan-summary: 4 dangerous changes (1 to add, 1 to import, 1 to destroy, 1 to replace, 2 to change)",
    );
    expect(text.indexOf("### Dangerous changes (4)")).toBeLessThan(text.indexOf("### Changes by stack"));
    expect(text).toContain("- `hcloud_volume.web-2-data` in `production-servers` — destroy");
    expect(text).not.toContain("password-value");
  });

  test("a harmless plan exits 0; JSON written atomically to --out", async () => {
    const file = write(
      "harmless.json",
      JSON.stringify(
        planDoc([
          resourceChange("hcloud_ssh_key.bob", ["create"], null, { name: "bob", public_key: "ssh-ed25519 AAAA bob" }),
        ]),
      ),
    );
    const io = captureIo({}, t.dir);
    expect(
      await runPlanSummary([file], { format: "json", out: "report.json", stack: "production-network" }, io, repoRoot),
    ).toBe(ExitCode.ok);
    expect(io.stdout).toEqual(["plan-summary: nothing dangerous (1 to add); JSON written to report.json"]);
    const json = JSON.parse(fs.readFileSync(path.join(t.dir, "report.json"), "utf8"));
    expect(json).toMatchObject({
      version: 1,
      command: "plan-summary",
      dangerous: false,
      summary: { create: 1, dangerous: 0 },
      stacks: ["production-network"],
    });
    expect(json.changes[0]).toMatchObject({
      stack: "production-network",
      address: "hcloud_ssh_key.bob",
      action: "create",
      dangers: [],
    });
    expect(fs.readdirSync(t.dir).filter((f) => f.includes(".tmp-"))).toEqual([]);
  });

  test("a plan without changes", async () => {
    const file = write("empty.json", JSON.stringify(planDoc([])));
    const io = captureIo({}, t.dir);
    expect(await runPlanSummary([file], {}, io, repoRoot)).toBe(ExitCode.ok);
    expect(io.stdout).toContain("The plan changes nothing.");
  });

  test.each([
    [
      "a binary plan",
      Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0]),
      /is a binary plan file: give its JSON, made with `tofu show -json/,
    ],
    ["not JSON", "plan: yes", /not JSON/],
    ["a state", JSON.stringify({ format_version: "1.0", values: {} }), /this is the JSON of a state/],
    [
      "another format version",
      JSON.stringify({ format_version: "2.0", resource_changes: [] }),
      /format_version 2.0 is not supported/,
    ],
    ["no format version", JSON.stringify({ resource_changes: [] }), /no "format_version"/],
    [
      "a broken resource change",
      JSON.stringify({ format_version: "1.2", resource_changes: [{ address: "x" }] }),
      /resource_changes\[0\] lacks/,
    ],
  ])("%s is bad input (exit 2)", async (what, content, message) => {
    const file = write(`bad-${what.replace(/\W+/g, "-")}.json`, content);
    const io = captureIo({}, t.dir);
    const { code, stderr } = await exitCodeOf(() => runPlanSummary([file], {}, io, repoRoot), io);
    expect(code).toBe(ExitCode.badInput);
    expect(stderr.join("\n")).toMatch(message);
  });

  test("bad options are bad input", async () => {
    const file = write("ok.json", JSON.stringify(planDoc([])));
    const io = captureIo({}, t.dir);
    expect((await exitCodeOf(() => runPlanSummary([file], { format: "html" }, io, repoRoot), io)).code).toBe(
      ExitCode.badInput,
    );
    expect((await exitCodeOf(() => runPlanSummary([], {}, io, repoRoot), io)).code).toBe(ExitCode.badInput);
    expect((await exitCodeOf(() => runPlanSummary([file, file], { stack: "x" }, io, repoRoot), io)).code).toBe(
      ExitCode.badInput,
    );
    expect((await exitCodeOf(() => runPlanSummary(["missing.json"], {}, io, repoRoot), io)).code).toBe(
      ExitCode.badInput,
    );
  });

  test("a plan's stack is the folder under stacks/ it sits in, else its file name", () => {
    expect(stackLabel("/x/cdktf.out/stacks/production-dns/plan.json")).toBe("production-dns");
    expect(stackLabel("/x/production-dns.json")).toBe("production-dns");
  });
});
