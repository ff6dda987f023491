/**
 * Helpers for the end-to-end tests that rehearse an environment: a copy of
 * the default config to edit, `all2all rehearse` run in-process with its
 * output captured, and a sandbox kept running while the test works in it.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { captureIo, type Io } from "../cli/io";
import { runRehearse, type RehearsalReport } from "../cli/rehearse";
import type { Sandbox } from "../cli/rehearse/sandbox";
import { defaultConfig, readJson, repoRoot } from "./tmp";

export interface Captured {
  readonly code: number;
  readonly stdout: string[];
  readonly stderr: string[];
}

/** A copy of config/ in `dir`, to edit with {@link editFile}. */
export function copyConfig(dir: string): string {
  fs.cpSync(defaultConfig, dir, { recursive: true });
  return dir;
}

/** Replaces exactly one occurrence of `from` in `file` (throws otherwise: the test would not test what it says). */
export function editFile(file: string, from: string, to: string): void {
  const text = fs.readFileSync(file, "utf8");
  const count = text.split(from).length - 1;
  if (count !== 1) throw new Error(`expected exactly one ${JSON.stringify(from)} in ${file}, found ${count}`);
  fs.writeFileSync(
    file,
    text.replace(from, () => to),
  );
}

export interface Rehearsed extends Captured {
  readonly report: RehearsalReport;
}

/**
 * Rehearses `env` with `--keep work --report work/report.json --serve` (and
 * `--state` when given); while
 * it serves, `inSandbox` runs, then the sandbox stops.
 */
export async function rehearse(
  env: string,
  opts: { config: string; work: string; state?: "local" | "s3" },
  inSandbox?: (sandbox: Sandbox) => Promise<void>,
): Promise<Rehearsed> {
  const io = captureIo({ ...process.env }, repoRoot);
  const report = path.join(path.dirname(opts.work), `${path.basename(opts.work)}-report.json`);
  const code = await runRehearse(
    {
      env,
      config: opts.config,
      keep: opts.work,
      report,
      serve: inSandbox !== undefined,
      ...(opts.state ? { state: opts.state } : {}),
    },
    io,
    repoRoot,
    { untilInterrupted: async (sandbox) => inSandbox?.(sandbox) },
  );
  const result = { code, stdout: io.stdout, stderr: io.stderr };
  if (!fs.existsSync(report))
    throw new Error(`rehearse wrote no report (exit ${code}):\n${[...io.stdout, ...io.stderr].join("\n")}`);
  return { ...result, report: readJson(report) };
}

/** Runs a function of the CLI with an Io on `env`, capturing its output. */
export async function capture(
  env: Readonly<Record<string, string | undefined>>,
  fn: (io: Io) => Promise<number>,
): Promise<Captured> {
  const io = captureIo({ ...env }, repoRoot);
  const code = await fn(io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

/** Every request body the simulator received, with its method and path. */
export function writes(sandbox: Sandbox): { method: string; path: string; body: any }[] {
  return sandbox.sim.sim.log
    .filter((e) => e.method !== "GET")
    .map((e) => ({ method: e.method, path: e.path, body: (e as { body?: unknown }).body }));
}
