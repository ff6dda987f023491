/**
 * Assertions on runs of the `all2all` command (testing/cli.ts), and the
 * cases of the engine commands' tests, shared by the command tests.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { captureIo } from "../cli/io";
import { main } from "../cli/main";
import type { CliRun } from "./cli";
import { type FakeTofu, fakeEnv, installFakeTofu, writeMiniOutput } from "./deploy";
import { defaultConfig, makeTempDir, repoRoot } from "./tmp";

/** Asserts a run's exit code and standard output together: a wrong exit code shows what was printed too. */
export function expectPrinted(run: CliRun, code: number, stdout: readonly unknown[]): void {
  expect({ code: run.code, stdout: run.stdout }).toEqual({ code, stdout });
}

/**
 * `all2all synth --no-validate` of the default config's environment `env`
 * into `out` (the output written even where validate would refuse it),
 * run in `cwd` for the project in `root`; asserts that it exits 0.
 */
export async function expectUnvalidatedSynth(env: string, out: string, cwd: string, root = repoRoot): Promise<void> {
  const argv = ["synth", "--config", defaultConfig, "--env", env, "--out", out, "--no-validate"];
  expect(await main(argv, captureIo({}, cwd), root)).toBe(0);
}

/** One case of an engine command's test: its folder, the synthesised output in it, the fake tofu, its environment. */
export interface FakeTofuCase {
  readonly dir: string;
  /** `<dir>/cdktf.out`. */
  readonly out: string;
  readonly fake: FakeTofu;
  readonly env: Record<string, string | undefined>;
}

/**
 * The cases of an engine command's test file, each in a folder of its own
 * under one temporary folder removed after the file's tests: a mini
 * synthesised output of environment `dr` (cdktf.out), which `prepare` may
 * edit, then the fake tofu, run with `extra` in its environment.
 */
export function fakeTofuCases(
  tmpPrefix: string,
  prepare: (out: string) => void = () => {},
): (extra?: Record<string, string>) => FakeTofuCase {
  const t = makeTempDir(tmpPrefix);
  afterAll(() => t.cleanup());
  let n = 0;
  return (extra = {}) => {
    const dir = path.join(t.dir, `case-${++n}`);
    fs.mkdirSync(dir);
    const out = writeMiniOutput(path.join(dir, "cdktf.out"), "dr");
    prepare(out);
    const fake = installFakeTofu(dir);
    return { dir, out, fake, env: fakeEnv(fake, extra) };
  };
}
