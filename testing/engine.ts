/**
 * Helpers for the end-to-end tests: the engine that `npm run engine` built
 * (never a tofu found elsewhere on the machine), run in a folder of the
 * test's own, against a simulator the test started.
 *
 * The tests need the engine: without it they fail, saying how to build it,
 * unless ALL2ALL_SKIP_E2E=1, which skips them with a printed notice.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { ENGINE_HINT, engineEnv, findEngine, type Engine } from "../engine/engine";
import { runCollected } from "../engine/go";
import type { RunningSimulator } from "../simulator/server";

export const SKIP_E2E = process.env.ALL2ALL_SKIP_E2E === "1";

/** `describe`, or `describe.skip` with a printed notice when ALL2ALL_SKIP_E2E=1. */
export function describeE2e(title: string, body: () => void): void {
  if (SKIP_E2E) {
    process.stderr.write(`NOTICE: skipping "${title}": ALL2ALL_SKIP_E2E=1\n`);
    describe.skip(`${title} [SKIPPED: ALL2ALL_SKIP_E2E=1]`, body);
    return;
  }
  describe(title, body);
}

/** The cached engine; throws (failing the test) when it is not built. */
export function requireEngine(): Engine {
  const e = findEngine(process.env);
  if (!e)
    throw new Error(
      `the engine is not built: ${ENGINE_HINT} (npm test builds it; ALL2ALL_SKIP_E2E=1 skips these tests)`,
    );
  return e;
}

/** A 64-character token, as the provider requires; the simulator accepts any. */
export const TEST_TOKEN = "0123456789abcdef".repeat(4);

export interface TofuResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the engine's tofu in `dir`, pointed at `sim` (when given), offline,
 * without colours. Asynchronous: a simulator in the test's own process must
 * keep answering while tofu runs.
 */
export function tofu(
  engine: Pick<Engine, "tofu">,
  dir: string,
  args: readonly string[],
  sim?: Pick<RunningSimulator, "cloudUrl" | "hetznerUrl">,
  extraEnv: Record<string, string> = {},
): Promise<TofuResult> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? "",
    TMPDIR: process.env.TMPDIR ?? "/tmp",
    ...("cliConfig" in engine ? engineEnv(engine as Engine) : {}),
    TF_CLI_ARGS: "-no-color",
    HCLOUD_TOKEN: TEST_TOKEN,
    ...(sim ? { HCLOUD_ENDPOINT: sim.cloudUrl, HETZNER_ENDPOINT: sim.hetznerUrl } : {}),
    ...extraEnv,
  };
  return runCollected(engine.tofu, args, { cwd: dir, env }, (child) => {
    // Bounded: a hung engine fails the test instead of holding it.
    const timer = setTimeout(() => child.kill("SIGKILL"), 300_000);
    return () => clearTimeout(timer);
  });
}

/** Like {@link tofu}, but throws with the engine's output when the exit code is not `expect`. */
export async function tofuOk(
  engine: Engine,
  dir: string,
  args: readonly string[],
  sim?: Pick<RunningSimulator, "cloudUrl" | "hetznerUrl">,
  expect = 0,
  extraEnv: Record<string, string> = {},
): Promise<TofuResult> {
  const r = await tofu(engine, dir, args, sim, extraEnv);
  if (r.code !== expect)
    throw new Error(
      `tofu ${args.join(" ")} exited ${r.code} (expected ${expect}) in ${dir}:\n${r.stdout}\n${r.stderr}`,
    );
  return r;
}

/** Writes `main.tf.json` (pinned to the built provider) with `doc` into `dir` and runs `tofu init`. */
export async function initConfig(engine: Engine, dir: string, doc: Record<string, unknown>): Promise<void> {
  fs.mkdirSync(dir, { recursive: true });
  const v = engine.versions.provider.version.replace(/^v/, "");
  const tf = {
    ...doc,
    terraform: { required_providers: { hcloud: { source: engine.versions.provider.source, version: v } } },
  };
  fs.writeFileSync(path.join(dir, "main.tf.json"), JSON.stringify(tf, null, 2));
  await tofuOk(engine, dir, ["init", "-input=false"]);
}
