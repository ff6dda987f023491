/**
 * `all2all rehearse --env NAME [--state local|s3] [--report FILE] [--keep DIR] [--serve]`:
 * a whole deploy of one environment, tried without a Hetzner account. It
 * starts the simulated Hetzner Cloud (simulator/) on loopback, synthesises
 * the environment with local state (or, with `--state s3`, with the S3
 * backend and its lock file, on versitygw on loopback: engine/s3.ts), then
 * takes the code path of
 * `all2all deploy` (init through the engine's provider mirror, plan, summary,
 * apply, stack by stack in dependency order) with the engine that
 * `npm run engine` built, and finally plans every stack again: a second plan
 * that still wants changes is a perpetual diff, which a real deploy would
 * show on every run.
 *
 * Exit codes: 0 everything applied and every second plan is empty; 1 a step
 * failed, a second plan is not empty, a state lock was left in the bucket, or
 * the provider called a route that the simulator lacks; 2 bad input or no
 * engine (or no versitygw, for --state s3); 3 deploy refused a dangerous plan.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ENGINE_HINT, findEngine, findVersitygw, VERSITYGW_HINT, type Engine } from "../engine/engine";
import { startS3, type S3Server } from "../engine/s3";
import { startSimulator, type RunningSimulator } from "../simulator/server";
import { writeFileAtomic } from "../primitives/atomic";
import type { CheckOptions } from "./check";
import { runDeploy, runPlan } from "./deploy";
import { PLAN_JSON } from "./deploy/steps";
import { environmentStacks, requiredVariables, type SynthStack } from "./deploy/output";
import { summarisePlan } from "./deploy/summary";
import { ExitCode, type Io } from "./io";
import { PASSPHRASE_VARIABLE, type StateBackend } from "../stacks/hcloud-stack";
import { PASSPHRASE_FILE, sandboxEnv, serveSandbox, type Sandbox } from "./rehearse/sandbox";
import { runSynth } from "./synth";

export interface RehearseOptions extends CheckOptions {
  /**
   * Where the stacks keep their state: `local` (the default) or `s3` (the S3 backend on versitygw on loopback, with
   * locking).
   */
  readonly state?: string;
  /** Write the result as JSON here (relative to the working directory). */
  readonly report?: string;
  /**
   * Keep the work folder (synthesised stacks, state, plans) here instead of a temporary one; it must be new or empty.
   */
  readonly keep?: string;
  /** Keep the simulator running after the rehearsal and print the environment to use it, until interrupted. */
  readonly serve?: boolean;
}

export interface RehearseDeps {
  /** Resolves when a --serve session should end; default: SIGINT or SIGTERM. Tests work in the sandbox here. */
  readonly untilInterrupted?: (sandbox: Sandbox) => Promise<void>;
}

export interface RehearsalStack {
  readonly name: string;
  /** Addresses of the resources the apply created. */
  readonly created: string[];
  /** How many resources the second plan would still change (0 when the stack is stable). */
  readonly changes_after_apply: number;
  /** Those resources, with what the plan would do to them. */
  readonly changed?: string[];
  /** The step that failed, when it did. */
  readonly failed?: string;
}

export interface RehearsalReport {
  readonly environment: string;
  /** Where the state was: `local`, or `s3` (a bucket on versitygw on loopback). */
  readonly state: RehearsalState;
  /** With --state s3: lock objects (`<key>.tflock`) still in the bucket at the end (each one fails the rehearsal). */
  readonly locks_left?: string[];
  readonly stacks: RehearsalStack[];
  /** Routes the provider called that the simulator lacks (each a gap that fails the rehearsal). */
  readonly missing_routes: string[];
  readonly ok: boolean;
}

export type RehearsalState = "local" | "s3";
export const REHEARSAL_STATES: readonly RehearsalState[] = ["local", "s3"];

/**
 * The bucket and region of the rehearsal's S3 server; state keys are `all2all/<env>/<stack>.tfstate`, as a real
 * environment's are.
 */
export const REHEARSAL_BUCKET = "all2all-tfstate-rehearsal";
export const REHEARSAL_REGION = "hel1";

function readPlan(stack: SynthStack): ReturnType<typeof summarisePlan> | undefined {
  try {
    return summarisePlan(JSON.parse(fs.readFileSync(path.join(stack.dir, PLAN_JSON), "utf8")));
  } catch {
    return undefined;
  }
}

function prepareWorkDir(keep: string | undefined, cwd: string): string {
  if (keep === undefined) return fs.mkdtempSync(path.join(os.tmpdir(), "all2all-rehearse-"));
  const dir = path.resolve(cwd, keep);
  if (fs.existsSync(dir)) {
    if (!fs.statSync(dir).isDirectory())
      throw new RehearseInputError(`--keep ${keep} is a file: give a new or empty folder`);
    if (fs.readdirSync(dir).length > 0)
      throw new RehearseInputError(
        `--keep ${keep} is not empty: give a new or empty folder (the rehearsal writes its stacks and state there)`,
      );
  } else {
    const parent = path.dirname(dir);
    if (!fs.existsSync(parent)) throw new RehearseInputError(`--keep ${keep}: the folder ${parent} does not exist`);
    fs.mkdirSync(dir);
  }
  return dir;
}

class RehearseInputError extends Error {}

export async function runRehearse(
  opts: RehearseOptions,
  io: Io,
  root: string,
  deps: RehearseDeps = {},
): Promise<number> {
  const setup = rehearsalSetup(opts, io);
  if (typeof setup === "number") return setup;
  const { env, stateKind, engine, work } = setup;
  const out = path.join(work, "out");
  const keepWork = opts.keep !== undefined || opts.serve === true;
  io.out(`rehearse: environment ${env} on a simulated Hetzner Cloud (loopback), with the engine in ${engine.dir}`);
  const removed = keepWork ? "" : " (removed at the end; --keep DIR keeps it)";

  let sim: RunningSimulator | undefined;
  let s3: S3Server | undefined;
  let serving = false;
  try {
    // 1. Synthesise, as `all2all synth` does (policies and validation included), with the rehearsal's state: never the
    // environment's own backend.
    let state: StateBackend = { backend: "local" };
    if (stateKind === "s3") {
      s3 = await startS3({ dir: path.join(work, "s3"), bucket: REHEARSAL_BUCKET, region: REHEARSAL_REGION });
      state = {
        backend: "s3",
        bucket: s3.bucket,
        key_prefix: `all2all/${env}`,
        endpoint: s3.endpoint,
        region: s3.region,
      };
      io.out(
        `rehearse: state is in bucket ${s3.bucket} of an S3-compatible server on loopback ` +
          `(versitygw, ${s3.endpoint}), with the S3 backend's lock file; its files are in ${s3.root}${removed}`,
      );
    } else {
      io.out(`rehearse: state is local, in ${path.join(work, "state")}, never the environment's own backend${removed}`);
    }
    const stacks = await synthRehearsal(opts, env, out, state, io, root);
    if (typeof stacks === "number") return stacks;
    const variables = requiredVariables(stacks);
    io.out(`rehearse: synthesised ${stacks.length} stacks: ${stacks.map((s) => s.name).join(", ")}`);

    // 2. The simulated cloud, and the environment that points the engine at it.
    sim = await startSimulator({ instantActions: true, warn: (line) => io.err(line) });
    const extra = { ...sandboxEnv(engine, sim, variables), ...(s3?.env ?? {}) };
    const passphrase = extra[`TF_VAR_${PASSPHRASE_VARIABLE}`];
    if (passphrase !== undefined)
      fs.writeFileSync(path.join(work, PASSPHRASE_FILE), `${passphrase}\n`, { mode: 0o600 });

    // 3. The deploy, by `all2all deploy`'s own code, applied without a prompt, and 4. every stack planned again.
    const common = { env, out, binary: engine.tofu, allowMissingLock: true, engineEnv: extra };
    const runs = await deployAndPlanAgain(common, stacks, io, root);
    const report = rehearsalReport(env, stateKind, stacks, runs, sim, s3);
    printReport(report, io);
    if (opts.report !== undefined)
      writeFileAtomic(path.resolve(io.cwd, opts.report), `${JSON.stringify(report, null, 2)}\n`);
    const code = rehearsalExit(report, runs.deployCode, io);

    if (opts.serve) {
      serving = true;
      const served = { env, sim, ...(s3 ? { s3 } : {}), extra, tofu: engine.tofu, work, out };
      await serveSandbox(served, io, deps.untilInterrupted);
    }
    return code;
  } finally {
    if (sim) await sim.close();
    if (s3) await s3.stop();
    if (!keepWork && !serving) fs.rmSync(work, { recursive: true, force: true });
  }
}

/**
 * The options checked (--env, --state), the engine (and versitygw) found, and
 * the work folder made; else the exit code.
 */
function rehearsalSetup(
  opts: RehearseOptions,
  io: Io,
): { env: string; stateKind: RehearsalState; engine: Engine; work: string } | number {
  const env = opts.env?.trim();
  if (env === undefined || env === "") {
    io.err("rehearse: --env is required: a rehearsal deploys one environment (e.g. --env staging)");
    return ExitCode.badInput;
  }
  const stateKind = opts.state ?? "local";
  if (!(REHEARSAL_STATES as readonly string[]).includes(stateKind)) {
    io.err(
      `rehearse: --state ${JSON.stringify(stateKind)}: give local (state files in the work folder, the default) ` +
        `or s3 (the S3 backend, with its lock file, on an S3-compatible server on loopback)`,
    );
    return ExitCode.badInput;
  }
  const engine = findEngine(io.env);
  if (!engine) {
    io.err(`rehearse: the engine (OpenTofu and the hcloud provider) is not built: ${ENGINE_HINT}`);
    return ExitCode.badInput;
  }
  if (stateKind === "s3" && !findVersitygw(io.env)) {
    io.err(`rehearse: --state s3 needs versitygw, which is not built: ${VERSITYGW_HINT}`);
    return ExitCode.badInput;
  }
  try {
    return { env, stateKind: stateKind as RehearsalState, engine, work: prepareWorkDir(opts.keep, io.cwd) };
  } catch (err) {
    if (!(err instanceof RehearseInputError)) throw err;
    io.err(`rehearse: ${err.message}`);
    return ExitCode.badInput;
  }
}

/**
 * `all2all synth` of the environment into `out` with the rehearsal's state,
 * its output kept back unless it fails: the stacks, or synth's exit code.
 */
async function synthRehearsal(
  opts: RehearseOptions,
  env: string,
  out: string,
  state: StateBackend,
  io: Io,
  root: string,
): Promise<SynthStack[] | number> {
  const synthLines: string[] = [];
  const quiet: Io = { ...io, out: (line) => synthLines.push(line) };
  // Encrypted as a real deploy is, with the sandbox's own passphrase; never a rotation (whatever the operator's
  // environment holds).
  const synthCode = await runSynth(
    {
      config: opts.config,
      defaultConfig: opts.defaultConfig,
      env,
      out,
      state,
      stateEncryption: true,
      rotateStateKey: false,
    },
    quiet,
    root,
  );
  if (synthCode !== ExitCode.ok) {
    for (const line of synthLines) io.out(line);
    io.err(`rehearse: synth of ${env} failed: nothing was deployed`);
    return synthCode;
  }
  return environmentStacks(out, out, env);
}

/**
 * What the deploy and the second plan gave: their exit codes (no second plan
 * after a failed deploy), and what the apply created.
 */
interface Runs {
  readonly deployCode: number;
  readonly planCode: number | undefined;
  /** The addresses each stack's applied plan created. */
  readonly created: ReadonlyMap<string, string[]>;
}

async function deployAndPlanAgain(
  common: Parameters<typeof runPlan>[0],
  stacks: readonly SynthStack[],
  io: Io,
  root: string,
): Promise<Runs> {
  const deployCode = await runDeploy({ ...common, autoApprove: true }, io, root);
  const created = new Map<string, string[]>();
  for (const s of stacks)
    created.set(
      s.name,
      readPlan(s)
        ?.changes.filter((c) => c.kinds.includes("create"))
        .map((c) => c.address) ?? [],
    );
  // Every stack planned again: nothing may be left to change.
  let planCode: number | undefined;
  if (deployCode === ExitCode.ok) {
    io.out("");
    io.out("rehearse: planning every stack again (it must want no change)");
    planCode = await runPlan(common, io, root);
  }
  return { deployCode, planCode, created };
}

/**
 * The report of the rehearsal: per stack what was created and what a second
 * plan still changes, the gaps, the locks left.
 */
function rehearsalReport(
  env: string,
  stateKind: RehearsalState,
  stacks: readonly SynthStack[],
  runs: Runs,
  sim: RunningSimulator,
  s3: S3Server | undefined,
): RehearsalReport {
  const { deployCode, planCode, created } = runs;
  // A run that ended well releases its lock: one left in the bucket would block the next operator.
  const locksLeft =
    s3 === undefined
      ? undefined
      : stacks.map((s) => `all2all/${env}/${s.name}.tfstate.tflock`).filter((key) => s3.has(key));
  const report: RehearsalReport = {
    environment: env,
    state: stateKind,
    ...(locksLeft !== undefined ? { locks_left: locksLeft } : {}),
    stacks: stacks.map((s) => {
      const second = planCode === undefined ? undefined : readPlan(s);
      const changed = second?.changes.map((c) => `${c.address} (${c.kinds.join(", ")})`) ?? [];
      return {
        name: s.name,
        created: created.get(s.name) ?? [],
        changes_after_apply: second === undefined ? -1 : changed.length + second.outputs,
        ...(changed.length > 0 ? { changed } : {}),
        ...(second === undefined ? { failed: planCode === undefined ? "deploy" : "second plan" } : {}),
      };
    }),
    missing_routes: [...new Set(sim.sim.missing)],
    ok: false,
  };
  const stable = report.stacks.every((s) => s.changes_after_apply === 0);
  const ok =
    deployCode === ExitCode.ok &&
    planCode === ExitCode.ok &&
    stable &&
    report.missing_routes.length === 0 &&
    (locksLeft ?? []).length === 0;
  return { ...report, ok };
}

/** Each stack's outcome, the simulator's gaps and the locks left. */
function printReport(report: RehearsalReport, io: Io): void {
  io.out("");
  io.out(`rehearse: ${report.environment}`);
  for (const s of report.stacks) {
    const after =
      s.changes_after_apply < 0
        ? "not planned again"
        : s.changes_after_apply === 0
          ? "second plan empty"
          : `second plan still changes ${s.changes_after_apply}`;
    io.out(`  ${s.name}: created ${s.created.length}; ${after}`);
    for (const c of s.changed ?? []) io.out(`    ${c}`);
  }
  for (const r of report.missing_routes)
    io.err(`rehearse: the provider called ${r}, which the simulator lacks (a gap in simulator/)`);
  for (const key of report.locks_left ?? [])
    io.err(`rehearse: the state lock ${key} is still in the bucket after the run: the engine did not release it`);
}

/** The rehearsal's exit code (deploy's own when it failed), with what was not stable, and its last line. */
function rehearsalExit(report: RehearsalReport, deployCode: number, io: Io): number {
  const env = report.environment;
  let code: number;
  if (deployCode !== ExitCode.ok) code = deployCode;
  else if (!report.ok) {
    const unstable = report.stacks
      .filter((s) => s.changes_after_apply !== 0)
      .map((s) => `${s.name} (${(s.changed ?? []).join("; ") || "its plan failed"})`);
    if (unstable.length > 0)
      io.err(`rehearse: not stable: a second plan still wants changes in ${unstable.join(", ")}`);
    code = ExitCode.failed;
  } else code = ExitCode.ok;
  io.out(
    code === ExitCode.ok
      ? `rehearse: ${env} applied, and planned again with no changes`
      : `rehearse: ${env} failed (exit ${code})`,
  );
  return code;
}
