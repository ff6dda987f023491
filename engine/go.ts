/**
 * Go builds for the engine's cache (engine.ts): a process run with its output
 * collected, `go mod download` and `go build` of a pinned module, and a
 * folder of the cache built in a temporary sibling, moved into place when complete.
 */
import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import type { ModulePin } from "./engine";

export type Log = (line: string) => void;

/** What a process printed, and its exit code (1 when killed). */
export interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Spawns `cmd` and collects what it prints. `watch` is called with the child
 * when it starts (a heartbeat, a time limit) and returns what stops watching,
 * called once the child is done.
 */
export function runCollected(
  cmd: string,
  args: readonly string[],
  opts: { readonly cwd: string; readonly env: NodeJS.ProcessEnv },
  watch: (child: ChildProcess) => () => void = () => () => undefined,
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, [...args], { cwd: opts.cwd, env: opts.env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
    const unwatch = watch(child);
    child.on("error", (err) => {
      unwatch();
      reject(err);
    });
    child.on("close", (code) => {
      unwatch();
      resolve({ code: code ?? 1, stdout, stderr });
    });
  });
}

function run(
  cmd: string,
  args: string[],
  opts: { cwd: string; env: NodeJS.ProcessEnv; log: Log; label: string },
): Promise<Run> {
  const started = Date.now();
  return runCollected(cmd, args, opts, () => {
    // A build gives no output for minutes: say that it is still going.
    const beat = setInterval(
      () => opts.log(`  … ${opts.label}: ${Math.round((Date.now() - started) / 1000)} s`),
      30_000,
    );
    return () => clearInterval(beat);
  });
}

/** `go mod download -json module@version` → the folder of the module's source in the module cache. */
export async function download(pin: ModulePin, goEnv: NodeJS.ProcessEnv, cwd: string, log: Log): Promise<string> {
  const r = await run("go", ["mod", "download", "-json", `${pin.module}@${pin.version}`], {
    cwd,
    env: goEnv,
    log,
    label: `downloading ${pin.module}`,
  });
  let info: { Dir?: string; Error?: string } = {};
  try {
    info = JSON.parse(r.stdout) as typeof info;
  } catch {
    /* reported below */
  }
  if (r.code !== 0 || !info.Dir) {
    throw new Error(
      `go mod download ${pin.module}@${pin.version} failed: ${info.Error ?? (r.stderr.trim() || `exit ${r.code}`)}`,
    );
  }
  return info.Dir;
}

export async function build(
  pin: ModulePin,
  srcDir: string,
  out: string,
  goEnv: NodeJS.ProcessEnv,
  log: Log,
): Promise<void> {
  const args = ["build", "-trimpath", "-o", out];
  if (pin.ldflags) args.push("-ldflags", pin.ldflags);
  args.push(pin.package);
  // Every module the build needs is fetched here: a module the proxy does not serve fails this step, by name.
  const r = await run("go", args, { cwd: srcDir, env: { ...goEnv, ...pin.env }, log, label: `building ${pin.module}` });
  if (r.code !== 0) throw new Error(`go build of ${pin.module}@${pin.version} failed:\n${r.stderr.trim()}`);
}

/**
 * Builds `final` (a folder of the cache) in a temporary sibling folder that
 * `fill` writes into with Go's environment, after checking Go; moved into
 * place only when complete, so an interrupted build never leaves half of one.
 */
export async function buildIntoCache(
  final: string,
  env: NodeJS.ProcessEnv,
  log: Log,
  fill: (tmp: string, goEnv: NodeJS.ProcessEnv) => Promise<void>,
): Promise<void> {
  const root = path.dirname(final);
  fs.mkdirSync(root, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(root, `.build-${path.basename(final)}-`));
  const goEnv = goEnvironment(env);
  try {
    await checkGo(goEnv, tmp, log);
    await fill(tmp, goEnv);
    fs.rmSync(final, { recursive: true, force: true });
    fs.renameSync(tmp, final);
  } catch (err) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}

function goEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return {
    ...env,
    GOFLAGS: [env.GOFLAGS ?? "", "-buildvcs=false"].join(" ").trim(),
    CGO_ENABLED: env.CGO_ENABLED ?? "0",
  };
}

async function checkGo(goEnv: NodeJS.ProcessEnv, cwd: string, log: Log): Promise<void> {
  const check = await run("go", ["version"], { cwd, env: goEnv, log, label: "go version" }).catch(() => undefined);
  if (check?.code !== 0)
    throw new Error(
      "Go is not on PATH: install Go 1.26 (https://go.dev/doc/install; " +
        "Debian: golang) with access to the Go module proxy",
    );
  log(`using ${check.stdout.trim()}`);
}
