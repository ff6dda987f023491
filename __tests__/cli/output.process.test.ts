// `all2all output`: the outputs of applied stacks, read by the engine (here
// the fake tofu, spawned as the real one would be), in the shape that
// zonefile and inventory --addresses read; init only where needed; the
// sensitive values masked; bad input and unapplied stacks refused.
import * as fs from "node:fs";
import * as path from "node:path";
import { parseServerOutputs } from "../../zonefile/addresses";
import { runCli } from "../../testing/cli";
import { expectPrinted, fakeTofuCases } from "../../testing/cli-process";
import { callLines, writeMiniOutput } from "../../testing/deploy";
import { defaultConfig } from "../../testing/tmp";

// Each case spawns the fake tofu a few times (a node start each): a generous limit, not a timed assertion.
jest.setTimeout(60_000);

/** A synthesised output for `dr` whose servers stack declares web-1's addresses (and a sensitive output in backup). */
const setup = fakeTofuCases("all2all-output-", (out) => {
  const servers = path.join(out, "stacks", "dr-servers", "cdk.tf.json");
  const doc = JSON.parse(fs.readFileSync(servers, "utf8"));
  doc.output = { "web-1-ipv4": { value: "${x}" }, "web-1-ipv6": { value: "${y}" } };
  fs.writeFileSync(servers, JSON.stringify(doc));
  const backup = path.join(out, "stacks", "dr-backup", "cdk.tf.json");
  const bdoc = JSON.parse(fs.readFileSync(backup, "utf8"));
  bdoc.output = { "backup-host": { value: "${h}" }, "backup-password": { value: "${p}", sensitive: true } };
  fs.writeFileSync(backup, JSON.stringify(bdoc));
});

test("--format json --stack servers prints exactly tofu's output -json, which zonefile --addresses reads", async () => {
  const { dir, fake, env } = setup();
  const r = await runCli(
    ["output", "--env", "dr", "--stack", "servers", "--format", "json", "--out", "cdktf.out"],
    dir,
    env,
  );
  expect(r.stderr.filter((l) => l.startsWith("output:"))).toEqual([
    "output: dr-servers: not initialised: $ tofu init -input=false",
  ]);
  expect(r.code).toBe(0);
  const doc = JSON.parse(r.stdout.join("\n"));
  expect(doc).toEqual({
    "web-1-ipv4": { sensitive: false, type: "string", value: "203.0.113.1" },
    "web-1-ipv6": { sensitive: false, type: "string", value: "2001:db8:0:2::1" },
  });
  expect(callLines(fake)).toEqual(["dr-servers: init -input=false", "dr-servers: output -json"]);
  const parsed = parseServerOutputs(
    r.stdout.join("\n"),
    "dr-servers.json",
    [{ kind: "address", server: "web-1", family: "ipv6" }],
    "dr-servers",
  );
  expect(parsed.ok && parsed.book.address({ kind: "address", server: "web-1", family: "ipv6" })).toBe(
    "2001:db8:0:2::1",
  );

  // Initialised now: output alone.
  const again = await runCli(
    ["output", "--env", "dr", "--stack", "dr-servers", "--format", "json", "--out", "cdktf.out"],
    dir,
    env,
  );
  expect(again.code).toBe(0);
  expect(callLines(fake).slice(2)).toEqual(["dr-servers: output -json"]);
});

test("text, every stack: `name = value` under a line per stack, in dependency order; sensitive values masked", async () => {
  const { dir, env } = setup();
  const r = await runCli(["output", "--env", "dr", "--out", "cdktf.out"], dir, env);
  expectPrinted(r, 0, [
    "# dr-backup",
    "backup-host = fake-backup-host",
    "backup-password = (sensitive)",
    "# dr-network",
    "network-marker = fake-network-marker",
    "# dr-servers",
    "web-1-ipv4 = 203.0.113.1",
    "web-1-ipv6 = 2001:db8:0:2::1",
    "# dr-dns",
    "dns-marker = fake-dns-marker",
  ]);
  const shown = await runCli(
    ["output", "--env", "dr", "--stack", "backup", "--show-sensitive", "--out", "cdktf.out"],
    dir,
    env,
  );
  expect(shown.stdout).toEqual(["backup-host = fake-backup-host", "backup-password = fake-backup-password"]);
});

test("json of every stack is keyed by stack, and --addresses reads the servers stack's part of it", async () => {
  const { dir, env } = setup();
  const r = await runCli(["output", "--env", "dr", "--format", "json", "--out", "cdktf.out"], dir, env);
  expect(r.code).toBe(0);
  const doc = JSON.parse(r.stdout.join("\n"));
  expect(Object.keys(doc)).toEqual(["dr-backup", "dr-network", "dr-servers", "dr-dns"]);
  expect(doc["dr-backup"]["backup-password"]).toEqual({ sensitive: true, type: "string", value: "(sensitive)" });
  const parsed = parseServerOutputs(
    r.stdout.join("\n"),
    "all.json",
    [{ kind: "address", server: "web-1", family: "ipv4" }],
    "dr-servers",
  );
  expect(parsed.ok && parsed.book.address({ kind: "address", server: "web-1", family: "ipv4" })).toBe("203.0.113.1");
});

test("the json of a real environment's servers stack gives zonefile its addresses", async () => {
  // production's servers, as the fake prints them (documentation addresses), read by zonefile.
  const { dir, env } = setup();
  const out = writeMiniOutput(path.join(dir, "prod.out"), "production");
  const servers = path.join(out, "stacks", "production-servers", "cdk.tf.json");
  const doc = JSON.parse(fs.readFileSync(servers, "utf8"));
  doc.output = Object.fromEntries(
    ["admin-1", "web-1", "web-2", "mail-1", "lists-1", "ns-1"].flatMap((s) =>
      [`${s}-ipv4`, `${s}-ipv6`].map((o) => [o, { value: "${x}" }]),
    ),
  );
  fs.writeFileSync(servers, JSON.stringify(doc));
  const r = await runCli(
    ["output", "--env", "production", "--stack", "servers", "--format", "json", "--out", "prod.out"],
    dir,
    env,
  );
  expect(r.code).toBe(0);
  fs.writeFileSync(path.join(dir, "production-servers.json"), r.stdout.join("\n"));
  const z = await runCli(
    [
      "zonefile",
      "--config",
      defaultConfig,
      "--env",
      "production",
      "--out",
      "zones-prod",
      "--addresses",
      "production-servers.json",
    ],
    dir,
    env,
  );
  expect(z.stderr).toEqual([]);
  expect(z.code).toBe(0);
  expect(z.stdout).toContain("  addresses: outputs of the production-servers stack");
});

describe("bad input", () => {
  test("no --env (exit 2)", async () => {
    const { dir, env } = setup();
    const r = await runCli(["output", "--out", "cdktf.out"], dir, env);
    expect(r).toEqual({
      code: 2,
      stdout: [],
      stderr: ["output: --env is required: outputs are read from one environment's stacks (e.g. --env dr)"],
    });
  });

  test.each([
    {
      what: "an unknown environment names the synthesised ones",
      args: ["--env", "dx", "--out", "cdktf.out"],
      stderr:
        'output: cdktf.out holds no stack of environment dx (it holds environments dr; did you mean "dr"?): ' +
        "run `all2all synth --env dx` (or `npm run synth`) first",
    },
    {
      what: "an unknown stack lists the environment's",
      args: ["--env", "dr", "--stack", "storage", "--out", "cdktf.out"],
      stderr:
        "output: --stack storage is not a stack of environment dr; " +
        "its stacks: dr-backup, dr-network, dr-servers, dr-dns (or network, servers, dns, backup)",
    },
    {
      what: "no synthesised output",
      args: ["--env", "dr", "--out", "nowhere"],
      stderr:
        "output: no synthesised output in nowhere (nowhere/manifest.json is missing): " +
        "run `all2all synth --env dr` (or `npm run synth`) first",
    },
  ])("$what (exit 2)", async ({ args, stderr }) => {
    const { dir, env } = setup();
    const r = await runCli(["output", ...args], dir, env);
    expect(r.code).toBe(2);
    expect(r.stderr).toEqual([stderr]);
  });

  test("a format other than text or json (exit 2)", async () => {
    const { dir, env } = setup();
    const r = await runCli(["output", "--env", "dr", "--format", "yaml", "--out", "cdktf.out"], dir, env);
    expect(r.code).toBe(2);
    expect(r.stderr.join("\n")).toMatch(/argument 'yaml' is invalid. Allowed choices are text, json/);
  });

  test("no engine on PATH (exit 2)", async () => {
    const { dir, env } = setup();
    const r = await runCli(["output", "--env", "dr", "--out", "cdktf.out"], dir, {
      ...env,
      PATH: path.join(dir, "empty"),
    });
    expect(r.code).toBe(2);
    expect(r.stderr[0]).toMatch(/^output: neither tofu nor terraform is on PATH: install OpenTofu/);
  });

  test.each([
    {
      what: "a stack not applied yet: said so, nothing printed",
      args: ["--env", "dr", "--format", "json", "--out", "cdktf.out"],
      fake: { FAKE_TOFU_UNAPPLIED: "dr-dns" },
      last:
        "output: dr-dns is not applied yet: its state holds none of its outputs (dns-marker); " +
        "deploy it first (`all2all deploy --env dr --stack dr-dns`), " +
        "or check that the state credentials point at its state; nothing printed",
    },
    {
      what: "the engine failing: its message, then which step failed",
      args: ["--env", "dr", "--stack", "servers", "--out", "cdktf.out"],
      fake: { FAKE_TOFU_FAIL: "dr-servers:output" },
      last: "output: dr-servers: `tofu output -json` exited with 1 in cdktf.out/stacks/dr-servers; nothing printed",
    },
  ])("$what (exit 1)", async ({ args, fake, last }) => {
    const { dir, env } = setup();
    const r = await runCli(["output", ...args], dir, { ...env, ...fake });
    expect(r.code).toBe(1);
    expect(r.stdout).toEqual([]);
    expect(r.stderr[r.stderr.length - 1]).toBe(last);
  });
});
