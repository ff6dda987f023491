/**
 * Assertions on runs of the `all2all` command (testing/cli.ts) shared by
 * the command tests.
 */
import { captureIo } from "../cli/io";
import { main } from "../cli/main";
import type { CliRun } from "./cli";
import { defaultConfig, repoRoot } from "./tmp";

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
