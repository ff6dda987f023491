// `all2all unlock`: the lock held on a stack's state shown (as the engine
// prints it, here the fake tofu's) and released only once confirmed; bad
// input refused with what is valid; "no lock" said as such.
import * as fs from "node:fs";
import * as path from "node:path";
import { captureIo } from "../../cli/io";
import { parseLockInfo, runUnlock } from "../../cli/unlock";
import { runCli } from "../../testing/cli";
import { expectPrinted, fakeTofuCases } from "../../testing/cli-process";
import { callLines } from "../../testing/deploy";
import { repoRoot } from "../../testing/tmp";

jest.setTimeout(60_000);

const setup = fakeTofuCases("all2all-unlock-");

test("a held lock is shown, then released with --yes by its ID", async () => {
  const { dir, fake, env } = setup({ FAKE_TOFU_LOCKED: "dr-network" });
  const r = await runCli(["unlock", "--env", "dr", "--stack", "network", "--out", "cdktf.out", "--yes"], dir, env);
  expectPrinted(r, 0, [
    "The state of dr-network is locked:",
    "  ID:        fake-lock-dr-network",
    "  Path:      fake-bucket/dr-network.tfstate",
    "  Operation: OperationTypeApply",
    "  Who:       operator@ci-runner",
    "  Version:   1.12.6",
    "  Created:   2026-01-02 03:04:05.123456789 +0000 UTC",
    expect.stringContaining("Release it only when the run that holds it is gone"),
    "unlock: released the lock fake-lock-dr-network of dr-network",
  ]);
  expect(callLines(fake).filter((l) => !l.includes(" init "))).toEqual(
    expect.arrayContaining([
      expect.stringContaining("plan -input=false -refresh=false -lock-timeout=0s"),
      expect.stringContaining("force-unlock -force fake-lock-dr-network"),
    ]),
  );
});

test("without --yes the stack's name must be typed; anything else releases nothing (exit 1)", async () => {
  const { dir, fake, env } = setup({ FAKE_TOFU_LOCKED: "dr-network" });
  const asked: string[] = [];
  const io = captureIo(env, dir);
  const code = await runUnlock({ env: "dr", stack: "network", out: "cdktf.out" }, io, repoRoot, {
    confirm: async (q) => {
      asked.push(q);
      return "dr";
    },
  });
  expect(code).toBe(1);
  expect(asked[0]).toContain("Type the stack's name (dr-network)");
  expect(io.stderr.join("\n")).toContain("not confirmed: the lock fake-lock-dr-network is still held");
  expect(callLines(fake).some((l) => l.includes("force-unlock"))).toBe(false);

  const io2 = captureIo(env, dir);
  const ok = await runUnlock({ env: "dr", stack: "network", out: "cdktf.out" }, io2, repoRoot, {
    confirm: async () => "dr-network",
  });
  expect(ok).toBe(0);
  expect(callLines(fake).filter((l) => l.includes("force-unlock"))).toHaveLength(1);
});

test("no lock held: said so, exit 0, nothing released", async () => {
  const { dir, fake, env } = setup();
  const r = await runCli(["unlock", "--env", "dr", "--stack", "dr-network", "--out", "cdktf.out", "--yes"], dir, env);
  expect(r.code).toBe(0);
  expect(r.stdout).toEqual(["unlock: no lock is held on the state of dr-network: nothing to release"]);
  expect(callLines(fake).some((l) => l.includes("force-unlock"))).toBe(false);
});

test("without a terminal and without --yes it refuses before running anything (exit 2)", async () => {
  const { dir, fake, env } = setup({ FAKE_TOFU_LOCKED: "dr-network" });
  const io = captureIo(env, dir);
  const code = await runUnlock({ env: "dr", stack: "network", out: "cdktf.out" }, io, repoRoot, { stdinIsTTY: false });
  expect(code).toBe(2);
  expect(io.stderr.join("\n")).toContain("pass --yes");
  expect(callLines(fake)).toEqual([]);
});

test.each([
  [["unlock", "--stack", "network"], /--env is required/],
  [["unlock", "--env", "dr"], /--stack is required: .*dr-network.*network, servers, dns, backup/],
  [
    ["unlock", "--env", "dr", "--stack", "mail"],
    /--stack mail is not a stack of environment dr; its stacks: .*dr-network.*\(or network, servers, dns, backup\)/,
  ],
])("bad input %j exits 2 naming what is valid", async (argv, message) => {
  const { dir, fake, env } = setup();
  const r = await runCli([...argv, "--out", "cdktf.out", "--yes"], dir, env);
  expect(r.code).toBe(2);
  expect(r.stderr.join("\n")).toMatch(message);
  expect(callLines(fake)).toEqual([]);
});

test("an engine failure that names no lock is not taken for one (exit 1, its output shown)", async () => {
  const { dir, env } = setup({ FAKE_TOFU_FAIL: "dr-network:plan" });
  const r = await runCli(["unlock", "--env", "dr", "--stack", "network", "--out", "cdktf.out", "--yes"], dir, env);
  expect(r.code).toBe(1);
  expect(r.stderr.join("\n")).toContain("fake failure of plan in dr-network");
  expect(r.stderr.join("\n")).toContain("names no lock");
});

test("parseLockInfo reads OpenTofu's Lock Info block and nothing else", () => {
  const real = [
    "Error: Error acquiring the state lock",
    "Lock Info:",
    "  ID:        e7f47484-c2a7-118b-249d-03440e238a5c",
    "  Path:      tfstate/x/a.tfstate",
    "  Operation: OperationTypeApply",
    "  Who:       root@vm",
    "  Version:   1.12.6",
    "  Created:   2026-12-07 12:14:51.49444029 +0000 UTC",
    "  Info:      ",
    "",
    "OpenTofu acquires a state lock to protect the state",
  ].join("\n");
  expect(parseLockInfo(real)).toEqual({
    ID: "e7f47484-c2a7-118b-249d-03440e238a5c",
    Path: "tfstate/x/a.tfstate",
    Operation: "OperationTypeApply",
    Who: "root@vm",
    Version: "1.12.6",
    Created: "2026-12-07 12:14:51.49444029 +0000 UTC",
    Info: "",
  });
  expect(parseLockInfo("Error: something else")).toBeUndefined();
  expect(parseLockInfo("Lock Info:\n  Path: x\n")).toBeUndefined();
});

test("an encrypted state's passphrase missing is refused before the engine runs (exit 2, named)", async () => {
  const { dir, fake, env } = setup({ FAKE_TOFU_LOCKED: "dr-network" });
  const file = path.join(dir, "cdktf.out", "stacks", "dr-network", "cdk.tf.json");
  const doc = JSON.parse(fs.readFileSync(file, "utf8"));
  doc.variable = { ...doc.variable, state_passphrase: { type: "string", sensitive: true } };
  fs.writeFileSync(file, JSON.stringify(doc));
  const r = await runCli(["unlock", "--env", "dr", "--stack", "network", "--out", "cdktf.out", "--yes"], dir, env);
  expect(r.code).toBe(2);
  expect(r.stderr.join("\n")).toContain("TF_VAR_state_passphrase");
  expect(callLines(fake)).toEqual([]);
});
