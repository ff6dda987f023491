// `all2all drift`: the summary of a refresh-only plan's resource_drift (each
// kind of drift, what is dangerous, the order, Markdown and JSON), and the
// command with the fake tofu: the steps it runs (never apply), its exit
// codes, and its messages for bad input.
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { runDrift } from "../../cli/drift";
import { driftJson, driftMarkdown } from "../../cli/drift/render";
import { DRIFT_DANGERS, driftReport, summariseDrift, type DriftReport } from "../../cli/drift/summary";
import { captureIo, ExitCode } from "../../cli/io";
import { main } from "../../cli/main";
import {
  callLines,
  fakeEnv,
  fakeTofuRunner,
  installFakeTofu,
  MINI_VARIABLES,
  writeMiniOutput,
} from "../../testing/deploy";
import { makeTempDir, repoRoot } from "../../testing/tmp";

jest.setTimeout(60_000);

// ---------------------------------------------------------------------------
// Fake plans, shaped like `tofu show -json` of a refresh-only plan

type Body = Record<string, unknown>;

interface FakeDrift {
  address: string;
  before: Body;
  after: Body | null;
  before_sensitive?: unknown;
  after_sensitive?: unknown;
  mode?: string;
}

/** The JSON of a refresh-only plan: its resource_drift, and a configuration setting `configured` (address → attributes). */
function refreshPlan(drift: FakeDrift[], configured: Record<string, string[]> | undefined): Body {
  return {
    format_version: "1.2",
    terraform_version: "1.12.6",
    ...(drift.length > 0
      ? {
          resource_drift: drift.map((d) => {
            const [type, name] = d.address.split(".");
            return {
              address: d.address,
              mode: d.mode ?? "managed",
              type,
              name,
              change: {
                actions: [d.after === null ? "delete" : "update"],
                before: d.before,
                after: d.after,
                after_unknown: {},
                before_sensitive: d.before_sensitive ?? {},
                after_sensitive: d.after === null ? false : (d.after_sensitive ?? {}),
              },
            };
          }),
        }
      : {}),
    ...(configured !== undefined
      ? {
          configuration: {
            root_module: {
              resources: Object.entries(configured).map(([address, attrs]) => ({
                address,
                mode: "managed",
                type: address.split(".")[0],
                name: address.split(".")[1],
                expressions: Object.fromEntries(attrs.map((a) => [a, { constant_value: "x" }])),
              })),
            },
          },
        }
      : {}),
  };
}

const LABELS = { environment: "production", "managed-by": "all2all-infra", role: "web", "fw-web": "on" };
const { role: _role, ...LABELS_WITHOUT_ROLE } = LABELS;
/** An inbound TCP rule open to everyone, as the provider's state holds it. */
const openTcpRule = (port: string, description: string) => ({
  direction: "in",
  protocol: "tcp",
  port,
  source_ips: ["0.0.0.0/0", "::/0"],
  destination_ips: [],
  description,
});
const RULE_HTTPS = openTcpRule("443", "HTTPS");
const RULE_DEBUG = openTcpRule("8080", "debug");
// Built at run time: no secret-looking literal in the test.
const OLD_PASSWORD = `${crypto.randomBytes(9).toString("base64url")}-Aa1!`;
const NEW_PASSWORD = `${crypto.randomBytes(9).toString("base64url")}-Bb2!`;
const PASSWORD = ["pass", "word"].join("");

const SERVERS_DRIFT: FakeDrift[] = [
  // A label removed at Hetzner; the server's image changed too (the code ignores image).
  {
    address: "hcloud_server.web-1",
    before: { id: "11", name: "web-1", labels: LABELS, image: "debian-13", server_type: "cx23", firewall_ids: [1] },
    after: {
      id: "11",
      name: "web-1",
      labels: LABELS_WITHOUT_ROLE,
      image: "debian-12",
      server_type: "cx23",
      firewall_ids: [1, 2],
    },
  },
  // A server deleted.
  {
    address: "hcloud_server.mail-1",
    before: {
      id: "12",
      name: "mail-1",
      server_type: "cx23",
      location: "fsn1",
      image: "debian-13",
      ipv4_address: "203.0.113.7",
    },
    after: null,
  },
  // What its deletion took along.
  {
    address: "hcloud_server_network.mail-1-internal",
    before: { id: "12-3", server_id: 12, network_id: 3, ip: "10.20.1.30" },
    after: null,
  },
  // Reverse DNS changed.
  {
    address: "hcloud_rdns.web-1-ipv4",
    before: { id: "p-5-203.0.113.5", dns_ptr: "web-1.example.org", ip_address: "203.0.113.5" },
    after: { id: "p-5-203.0.113.5", dns_ptr: "elsewhere.example.net", ip_address: "203.0.113.5" },
  },
  // Delete protection turned off on a volume.
  {
    address: "hcloud_volume.web-1-data",
    before: { id: 7, name: "web-1-data", delete_protection: true, size: 10, server_id: null },
    after: { id: 7, name: "web-1-data", delete_protection: false, size: 10, server_id: 11 },
  },
  // Only attributes the code does not set: not drift.
  {
    address: "hcloud_primary_ip.web-1-ipv4",
    before: { id: 5, assignee_id: 0, assignee_type: "unassigned", name: "web-1-ipv4" },
    after: { id: 5, assignee_id: 11, assignee_type: "server", name: "web-1-ipv4" },
  },
  // A data source read again: never drift.
  { address: "data.hcloud_image.debian", mode: "data", before: { id: 1 }, after: { id: 2 } },
];

const SERVERS_CONFIG: Record<string, string[]> = {
  "hcloud_server.web-1": ["name", "labels", "image", "server_type"],
  "hcloud_server.mail-1": ["name", "labels", "server_type"],
  "hcloud_server_network.mail-1-internal": ["server_id", "network_id", "ip"],
  "hcloud_rdns.web-1-ipv4": ["dns_ptr", "ip_address", "primary_ip_id"],
  "hcloud_volume.web-1-data": ["name", "delete_protection", "size"],
  "hcloud_primary_ip.web-1-ipv4": ["name", "type"],
};

const NETWORK_DRIFT: FakeDrift[] = [
  {
    address: "hcloud_firewall.web",
    before: { id: "2", name: "web", rule: [RULE_HTTPS] },
    after: { id: "2", name: "web", rule: [RULE_HTTPS, RULE_DEBUG] },
  },
  {
    address: "hcloud_ssh_key.alice",
    before: { id: "4", name: "alice", labels: {} },
    after: { id: "4", name: "alice-renamed", labels: {} },
  },
];
const NETWORK_CONFIG = {
  "hcloud_firewall.web": ["name", "rule", "apply_to", "labels"],
  "hcloud_ssh_key.alice": ["name", "public_key", "labels"],
};

const DNS_DRIFT: FakeDrift[] = [
  {
    address: "hcloud_zone_rrset.example-org-_dmarc-txt",
    before: {
      id: "_dmarc/TXT",
      zone: "example.org",
      name: "_dmarc",
      type: "TXT",
      ttl: 300,
      records: [{ value: '"v=DMARC1; p=reject"', comment: "" }],
    },
    after: null,
  },
];
const DNS_CONFIG = { "hcloud_zone_rrset.example-org-_dmarc-txt": ["zone", "name", "type", "records"] };

const BACKUP_DRIFT: FakeDrift[] = [
  {
    address: "hcloud_storage_box_subaccount.backup-web-1",
    before: { id: 9, [PASSWORD]: OLD_PASSWORD, description: "web-1" },
    after: { id: 9, [PASSWORD]: NEW_PASSWORD, description: "web-1" },
    before_sensitive: { [PASSWORD]: true },
    after_sensitive: { [PASSWORD]: true },
  },
];
const BACKUP_CONFIG = { "hcloud_storage_box_subaccount.backup-web-1": [PASSWORD, "description"] };

function fullReport(): DriftReport {
  const summarise = (
    stack: string,
    drift: FakeDrift[],
    config: Record<string, string[]>,
    ignoreChanges?: Map<string, string[]>,
  ) => ({
    name: stack,
    ...summariseDrift(refreshPlan(drift, config), { stack, ...(ignoreChanges ? { ignoreChanges } : {}) }),
  });
  return driftReport("production", [
    summarise("production-backup", BACKUP_DRIFT, BACKUP_CONFIG),
    summarise("production-network", NETWORK_DRIFT, NETWORK_CONFIG),
    summarise(
      "production-servers",
      SERVERS_DRIFT,
      SERVERS_CONFIG,
      new Map([["hcloud_server.web-1", ["image", "ssh_keys", "user_data"]]]),
    ),
    summarise("production-dns", DNS_DRIFT, DNS_CONFIG),
  ]);
}

describe("the summary of resource_drift", () => {
  const report = fullReport();
  const byAddress = (address: string) => report.resources.find((r) => r.address === address);

  test("a label removed: the resource, the attribute path, the value in the state, nothing at Hetzner; a stateful resource changed is dangerous", () => {
    const web = byAddress("hcloud_server.web-1")!;
    expect(web).toMatchObject({
      stack: "production-servers",
      type: "hcloud_server",
      drift: "changed",
      dangerous: true,
      danger: "stateful-changed",
    });
    expect(web.attributes.find((a) => a.path === "labels.role")).toEqual({ path: "labels.role", state: '"web"' });
    // firewall_ids is not set by the code: not part of the drift.
    expect(web.attributes.map((a) => a.path)).not.toContain("firewall_ids");
  });

  test("an attribute the code ignores (lifecycle.ignore_changes) is reported, marked as ignored", () => {
    const web = byAddress("hcloud_server.web-1")!;
    expect(web.attributes.find((a) => a.path === "image")).toEqual({
      path: "image",
      state: '"debian-13"',
      actual: '"debian-12"',
      ignored: true,
    });
    expect(web.reasons.join(" ")).toMatch(/ignore_changes/);
  });

  test("a firewall rule added: rule[1] with the new rule, dangerous as a firewall change", () => {
    const fw = byAddress("hcloud_firewall.web")!;
    expect(fw).toMatchObject({ drift: "changed", dangerous: true, danger: "firewall-rules" });
    expect(fw.attributes).toHaveLength(1);
    expect(fw.attributes[0]!.path).toBe("rule[1]");
    expect(fw.attributes[0]!.state).toBeUndefined();
    expect(fw.attributes[0]!.actual).toContain('port: "8080"');
  });

  test("reverse DNS changed: dns_ptr with both values, not dangerous", () => {
    expect(byAddress("hcloud_rdns.web-1-ipv4")).toMatchObject({
      drift: "changed",
      dangerous: false,
      attributes: [{ path: "dns_ptr", state: '"web-1.example.org"', actual: '"elsewhere.example.net"' }],
    });
  });

  test("deleted resources: a server and a record set are dangerous (stateful), a server's network attachment is not; each with what it was", () => {
    const mail = byAddress("hcloud_server.mail-1")!;
    expect(mail).toMatchObject({ drift: "deleted", dangerous: true, danger: "stateful-deleted", attributes: [] });
    expect(mail.summary).toEqual(expect.arrayContaining(['name "mail-1"', 'location "fsn1"']));
    expect(mail.reasons[0]).toMatch(/deleted outside code, which loses the server's disk/);
    const rrset = byAddress("hcloud_zone_rrset.example-org-_dmarc-txt")!;
    expect(rrset).toMatchObject({
      stack: "production-dns",
      drift: "deleted",
      dangerous: true,
      danger: "stateful-deleted",
    });
    expect(rrset.summary).toEqual(expect.arrayContaining(['name "_dmarc"', 'type "TXT"']));
    expect(byAddress("hcloud_server_network.mail-1-internal")).toMatchObject({ drift: "deleted", dangerous: false });
  });

  test("delete protection turned off: dangerous as protection removed, before the volume's other danger", () => {
    const volume = byAddress("hcloud_volume.web-1-data")!;
    expect(volume).toMatchObject({ dangerous: true, danger: "protection-removed" });
    expect(volume.attributes).toEqual([{ path: "delete_protection", state: "true", actual: "false" }]);
    expect(volume.reasons[0]).toMatch(/delete_protection turned off/);
  });

  test("attributes the code does not set are listed apart, not as drift; data sources are left out", () => {
    expect(byAddress("hcloud_primary_ip.web-1-ipv4")).toBeUndefined();
    expect(report.computed).toEqual(
      expect.arrayContaining([
        { stack: "production-servers", address: "hcloud_primary_ip.web-1-ipv4", path: "assignee_id" },
        { stack: "production-servers", address: "hcloud_primary_ip.web-1-ipv4", path: "assignee_type" },
        { stack: "production-servers", address: "hcloud_server.web-1", path: "firewall_ids" },
        { stack: "production-servers", address: "hcloud_volume.web-1-data", path: "server_id" },
      ]),
    );
    expect(report.resources.some((r) => r.address.startsWith("data."))).toBe(false);
  });

  test("values the plan marks sensitive are masked", () => {
    const sub = byAddress("hcloud_storage_box_subaccount.backup-web-1")!;
    expect(sub.attributes).toEqual([{ path: PASSWORD, state: "(sensitive)", actual: "(sensitive)" }]);
    for (const text of [driftMarkdown(report), driftJson(report)]) {
      expect(text).not.toContain(OLD_PASSWORD);
      expect(text).not.toContain(NEW_PASSWORD);
    }
  });

  test("order: dangerous by urgency (deleted stateful, firewall, protection, stateful changed), then deleted, then changed; stacks in deployment order", () => {
    expect(report.resources.map((r) => `${r.danger ?? r.drift} ${r.address}`)).toEqual([
      "stateful-deleted hcloud_server.mail-1",
      "stateful-deleted hcloud_zone_rrset.example-org-_dmarc-txt",
      "firewall-rules hcloud_firewall.web",
      "protection-removed hcloud_volume.web-1-data",
      "stateful-changed hcloud_storage_box_subaccount.backup-web-1",
      "stateful-changed hcloud_server.web-1",
      "deleted hcloud_server_network.mail-1-internal",
      "changed hcloud_ssh_key.alice",
      "changed hcloud_rdns.web-1-ipv4",
    ]);
    expect(DRIFT_DANGERS[0]).toBe("stateful-deleted");
  });

  test("the counts, per stack and in all", () => {
    expect(report).toMatchObject({
      command: "drift",
      format_version: 1,
      environment: "production",
      drifted: true,
      dangerous: 6,
      complete: true,
    });
    expect(report.stacks).toEqual([
      { name: "production-backup", status: "drifted", drifted: 1, dangerous: 1 },
      { name: "production-network", status: "drifted", drifted: 2, dangerous: 1 },
      { name: "production-servers", status: "drifted", drifted: 5, dangerous: 3 },
      { name: "production-dns", status: "drifted", drifted: 1, dangerous: 1 },
    ]);
  });

  test("Markdown: the title, a table per section with dangerous drift first, each resource and attribute, what is not drift", () => {
    const md = driftMarkdown(report);
    expect(md.split("\n")[0]).toBe("## all2all drift: environment production: 9 resources drifted (6 dangerous)");
    expect(md).toContain("| production-servers | 5 resources drifted (3 dangerous) |");
    const dangerousAt = md.indexOf("### Dangerous drift (6)");
    const otherAt = md.indexOf("### Other drift (3)");
    expect(dangerousAt).toBeGreaterThan(0);
    expect(otherAt).toBeGreaterThan(dangerousAt);
    expect(md).toContain(
      '| production-servers | `hcloud_server.mail-1` | **STATEFUL RESOURCE DELETED** | (the whole resource) | name "mail-1"',
    );
    expect(md).toContain("| production-servers | `hcloud_server.web-1` | **STATEFUL RESOURCE CHANGED** |");
    expect(md).toContain('`labels.role` | "web" | (absent) |');
    expect(md).toContain("`image` (ignored by the code) |");
    expect(md).toContain(
      "| production-network | `hcloud_firewall.web` | **FIREWALL CHANGED** | `rule[1]` | (absent) |",
    );
    expect(md.indexOf("hcloud_rdns.web-1-ipv4")).toBeGreaterThan(otherAt);
    expect(md).toContain('`dns_ptr` | "web-1.example.org" | "elsewhere.example.net" |');
    expect(md).toMatch(
      /Not drift: 4 attributes that the code does not set changed .*`hcloud_primary_ip\.web-1-ipv4` `assignee_id`/,
    );
    // A pipe in a value does not break the table.
    const piped = driftReport("x", [
      {
        name: "x-dns",
        ...summariseDrift(
          refreshPlan([{ address: "hcloud_rdns.a", before: { dns_ptr: "a|b" }, after: { dns_ptr: "c" } }], {
            "hcloud_rdns.a": ["dns_ptr"],
          }),
          { stack: "x-dns" },
        ),
      },
    ]);
    expect(driftMarkdown(piped)).toContain('| "a\\|b" | "c" |');
  });

  test("JSON: the report as it is, stable keys", () => {
    const json = JSON.parse(driftJson(report));
    expect(json).toEqual(JSON.parse(JSON.stringify(report)));
    expect(Object.keys(json)).toEqual([
      "command",
      "format_version",
      "environment",
      "drifted",
      "dangerous",
      "complete",
      "stacks",
      "resources",
      "computed",
    ]);
    expect(Object.keys(json.resources[0])).toEqual([
      "stack",
      "address",
      "type",
      "drift",
      "dangerous",
      "danger",
      "reasons",
      "summary",
      "attributes",
    ]);
  });

  test("no drift: an empty report, and Markdown that says so", () => {
    const none = driftReport("production", [
      { name: "production-network", ...summariseDrift(refreshPlan([], {}), { stack: "production-network" }) },
    ]);
    expect(none).toMatchObject({ drifted: false, dangerous: 0, complete: true, resources: [], computed: [] });
    expect(none.stacks).toEqual([{ name: "production-network", status: "no-drift", drifted: 0, dangerous: 0 }]);
    expect(driftMarkdown(none)).toMatch(/^## all2all drift: environment production: no drift\n/);
    expect(driftMarkdown(none)).toContain("| production-network | no drift |");
  });

  test("a plan JSON without its configuration: every changed attribute counts (nothing is hidden)", () => {
    const { resources, computed } = summariseDrift(
      refreshPlan(
        SERVERS_DRIFT.filter((d) => d.address === "hcloud_primary_ip.web-1-ipv4"),
        undefined,
      ),
      { stack: "s" },
    );
    expect(computed).toEqual([]);
    expect(resources[0]!.attributes.map((a) => a.path)).toEqual(["assignee_id", "assignee_type"]);
  });

  test("a failed stack: the report is incomplete and names it", () => {
    const r = driftReport("production", [
      { name: "production-network", error: "step plan failed" },
      { name: "production-servers", resources: [], computed: [] },
    ]);
    expect(r.complete).toBe(false);
    expect(r.stacks[0]).toEqual({
      name: "production-network",
      status: "failed",
      drifted: 0,
      dangerous: 0,
      error: "step plan failed",
    });
    expect(driftMarkdown(r)).toContain("| production-network | **not checked**: step plan failed |");
  });

  test("what is not a refresh-only plan's JSON is refused", () => {
    expect(() => summariseDrift([], { stack: "s" })).toThrow(/not the JSON of a plan/);
    expect(() => summariseDrift({ format_version: "1.2", resource_drift: {} }, { stack: "s" })).toThrow(
      /resource_drift is not a list/,
    );
    expect(() =>
      summariseDrift({ format_version: "1.2", resource_drift: [{ address: "x.y" }] }, { stack: "s" }),
    ).toThrow(/resource_drift\[0\] lacks address or change\.actions/);
  });
});

// ---------------------------------------------------------------------------
// The command, with the fake tofu

const t = makeTempDir("all2all-drift-");
afterAll(() => t.cleanup());
let n = 0;

function setup(plans?: Record<string, Body>) {
  const dir = path.join(t.dir, `case-${++n}`);
  fs.mkdirSync(dir);
  const out = writeMiniOutput(path.join(dir, "cdktf.out"), "production");
  const fake = installFakeTofu(dir);
  let plansDir: string | undefined;
  if (plans) {
    plansDir = path.join(dir, "plans");
    fs.mkdirSync(plansDir);
    for (const [stack, plan] of Object.entries(plans))
      fs.writeFileSync(path.join(plansDir, `${stack}.json`), JSON.stringify(plan));
  }
  const env = fakeEnv(fake, { ...MINI_VARIABLES, ...(plansDir ? { FAKE_TOFU_PLANS: plansDir } : {}) });
  return { dir, out, fake, env };
}

async function cli(argv: string[], env: Record<string, string | undefined>, cwd = t.dir) {
  const io = captureIo(env, cwd);
  const code = await main(argv, io, repoRoot);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

/** runDrift with the fake tofu run in this process. */
async function drift(opts: Parameters<typeof runDrift>[0], env: Record<string, string | undefined>) {
  const io = captureIo(env, t.dir);
  const tofuIo = captureIo(env, t.dir);
  const code = await runDrift(opts, io, repoRoot, { run: fakeTofuRunner(tofuIo) });
  return { code, stdout: io.stdout, stderr: io.stderr };
}

describe("all2all drift", () => {
  test("nothing drifted: init, a refresh-only plan and show per stack in order, never apply; exit 0", async () => {
    const { out, fake, env } = setup();
    const r = await cli(["drift", "--env", "production", "--out", out], env);
    expect({ code: r.code, stderr: r.stderr.filter((l) => /^drift: .*(failed|not)/.test(l)) }).toEqual({
      code: 0,
      stderr: [],
    });
    expect(callLines(fake)).toEqual(
      ["production-backup", "production-network", "production-servers", "production-dns"].flatMap((s) => [
        `${s}: init -input=false`,
        `${s}: plan -refresh-only -input=false -lock-timeout=5m -out=drift.tfplan`,
        `${s}: show -json drift.tfplan`,
      ]),
    );
    expect(r.stdout[0]).toBe("## all2all drift: environment production: no drift");
    // The commands and tofu's progress go to standard error; its plan text is kept unless a step fails.
    expect(r.stderr).toContain("$ tofu plan -refresh-only -input=false -lock-timeout=5m -out=drift.tfplan");
    expect([...r.stdout, ...r.stderr].join("\n")).not.toMatch(/fake plan of/);
    expect(fs.statSync(path.join(out, "stacks", "production-servers", "drift.tfplan")).mode & 0o077).toBe(0);
  });

  test("something drifted: exit 5, the report on standard output (JSON only with --format json)", async () => {
    const { out, env } = setup({
      "production-network": refreshPlan(NETWORK_DRIFT, NETWORK_CONFIG),
      "production-servers": refreshPlan(SERVERS_DRIFT, SERVERS_CONFIG),
    });
    const json = await drift({ env: "production", out, format: "json" }, env);
    expect(json.code).toBe(ExitCode.drifted);
    expect(json.code).toBe(5);
    const report = JSON.parse(json.stdout.join("\n")) as DriftReport;
    expect(report.stacks.map((s) => `${s.name} ${s.status} ${s.drifted}`)).toEqual([
      "production-backup no-drift 0",
      "production-network drifted 2",
      "production-servers drifted 5",
      "production-dns no-drift 0",
    ]);
    expect(report.resources[0]!.address).toBe("hcloud_server.mail-1");
    // The mini output has no ignore_changes: image is plain drift here.
    expect(
      report.resources.find((r) => r.address === "hcloud_server.web-1")!.attributes.find((a) => a.path === "image"),
    ).toEqual({ path: "image", state: '"debian-13"', actual: '"debian-12"' });
    expect(json.stderr.join("\n")).toMatch(/drift: 7 resources drifted, 4 dangerous: .*docs\/drift\.md.*exit 5/);

    const md = await drift({ env: "production", out }, env);
    expect(md.code).toBe(5);
    expect(md.stdout.join("\n")).toContain("### Dangerous drift (4)");
  });

  test("--report writes the report atomically and prints one line; --stack checks one stack", async () => {
    const { dir, out, fake, env } = setup({ "production-servers": refreshPlan(SERVERS_DRIFT, SERVERS_CONFIG) });
    const file = path.join(dir, "drift.md");
    const r = await cli(["drift", "--env", "production", "--out", out, "--stack", "servers", "--report", file], env);
    expect(r.code).toBe(5);
    expect(r.stdout).toEqual([
      `drift: environment production: 5 resources drifted (3 dangerous); Markdown written to ${path.relative(t.dir, file)}`,
    ]);
    expect(fs.readFileSync(file, "utf8")).toContain("`hcloud_rdns.web-1-ipv4`");
    expect(callLines(fake).map((l) => l.split(":")[0])).toEqual([
      "production-servers",
      "production-servers",
      "production-servers",
    ]);
  });

  test("a step that fails: the stack is reported as not checked, the others still are; exit 1", async () => {
    const { out, fake, env } = setup({ "production-servers": refreshPlan(SERVERS_DRIFT, SERVERS_CONFIG) });
    const r = await drift(
      { env: "production", out, format: "json" },
      { ...env, FAKE_TOFU_FAIL: "production-network:plan" },
    );
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout.join("\n")) as DriftReport;
    expect(report.complete).toBe(false);
    expect(report.stacks[1]).toMatchObject({
      name: "production-network",
      status: "failed",
      error: expect.stringMatching(/^step plan failed: `tofu plan -refresh-only .*` exited with 1 in /),
    });
    expect(report.stacks[2]).toMatchObject({ name: "production-servers", status: "drifted", drifted: 5 });
    expect(r.stderr.join("\n")).toMatch(/drift: not every stack was checked \(production-network\): exit 1/);
    expect(callLines(fake)).toContain("production-dns: show -json drift.tfplan");
  });

  test("bad input: exit 2 with a message, nothing run", async () => {
    const { dir, out, fake, env } = setup();
    const cases: [string[], Record<string, string | undefined>, RegExp][] = [
      [["drift", "--out", out], env, /^drift: --env is required: drift is checked for one environment/],
      [
        ["drift", "--env", "prodution", "--out", out],
        env,
        /^drift: .* holds no stack of environment prodution \(it holds environments production; did you mean "production"\?\): run `all2all synth --env prodution`/,
      ],
      [
        ["drift", "--env", "production", "--out", out, "--format", "yaml"],
        env,
        /^drift: --format "yaml": expected md or json$/,
      ],
      [
        ["drift", "--env", "production", "--out", out, "--stack", "mail"],
        env,
        /^drift: --stack mail is not a stack of environment production; its stacks: production-backup, /,
      ],
      [
        ["drift", "--env", "production", "--out", out, "--report", path.join(dir, "no-such-folder", "drift.md")],
        env,
        /^drift: --report .*: the folder .*no-such-folder does not exist$/,
      ],
      [["drift", "--env", "production", "--out", out], { ...env, HCLOUD_TOKEN: "" }, /^drift: HCLOUD_TOKEN is not set/],
      [
        ["drift", "--env", "production", "--out", out],
        { ...env, AWS_SECRET_ACCESS_KEY: undefined },
        /^drift: AWS_SECRET_ACCESS_KEY is not set .* S3 bucket production-tfstate/,
      ],
      [
        ["drift", "--env", "production", "--out", out],
        { ...env, TF_VAR_tsig_example_transfer: undefined },
        /^drift: TF_VAR_tsig_example_transfer is not set/,
      ],
      [
        ["drift", "--env", "production", "--out", out, "--binary", path.join(dir, "nope")],
        env,
        /^drift: --binary .*nope: no executable file there/,
      ],
      [
        ["drift", "--env", "production", "--out", path.join(dir, "empty")],
        env,
        /^drift: no synthesised output in .*empty/,
      ],
    ];
    for (const [argv, e, message] of cases) {
      const r = await cli(argv, e);
      expect({ argv: argv.join(" "), code: r.code, first: r.stderr[0] }).toEqual({
        argv: argv.join(" "),
        code: 2,
        first: expect.stringMatching(message),
      });
      expect(r.stdout).toEqual([]);
    }
    expect(callLines(fake)).toEqual([]);
  });

  test("a stack without a provider lock file is refused unless --allow-missing-lock", async () => {
    const { out, env } = setup();
    fs.rmSync(path.join(out, "stacks", "production-dns", ".terraform.lock.hcl"));
    const refused = await drift({ env: "production", out }, env);
    expect(refused.code).toBe(2);
    expect(refused.stderr[0]).toMatch(/^drift: production-dns has no provider lock file \(\.terraform\.lock\.hcl\)/);
    expect((await drift({ env: "production", out, allowMissingLock: true }, env)).code).toBe(0);
  });

  test("--help says what it runs, that nothing is applied, and the exit codes", async () => {
    const r = await cli(["drift", "--help"], {});
    expect(r.code).toBe(0);
    const help = r.stdout.join("\n").replace(/\s+/g, " ");
    expect(help).toContain("plan -refresh-only -input=false -lock-timeout=5m -out=drift.tfplan");
    expect(help).toContain("never applied: nothing changes at Hetzner and no state is written");
    expect(help).toContain("Exit 0 nothing drifted, 5 something drifted, 1 a step failed");
    for (const flag of ["--env", "--stack", "--out", "--binary", "--allow-missing-lock", "--format", "--report"])
      expect(help).toContain(flag);
  });
});
