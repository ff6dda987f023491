// Small things an operator meets: --version, a path shown as given, an
// environment name close to a known one.
import { runCli } from "../../testing/cli";
import * as path from "node:path";
import { readJson, makeTempDir, repoRoot } from "../../testing/tmp";
import { writeMiniOutput } from "../../testing/deploy";

const t = makeTempDir("all2all-messages-");
afterAll(() => t.cleanup());

const cli = (argv: string[], env: Record<string, string> = {}) => runCli(argv, t.dir, env);

test("--version prints the package's version", async () => {
  const r = await cli(["--version"]);
  expect(r.code).toBe(0);
  expect(r.stdout).toEqual([readJson(path.join(repoRoot, "package.json")).version]);
});

test("validate names a missing --out as it was given", async () => {
  const r = await cli(["validate", "--out", "/nonexistent-out-dir"]);
  expect(r.code).toBe(2);
  expect(r.stderr).toEqual([
    "validate: /nonexistent-out-dir does not exist (run `all2all synth` first, or name the directory with --out)",
  ]);
});

test("plan --env prod suggests production, as check does", async () => {
  const out = writeMiniOutput(path.join(t.dir, "out"), "production");
  const r = await cli(["plan", "--env", "prod", "--out", out], { HCLOUD_TOKEN: "x" });
  expect(r.code).toBe(2);
  expect(r.stderr.join("\n")).toMatch(
    /holds no stack of environment prod \(it holds environments production; did you mean "production"\?\)/,
  );
});
