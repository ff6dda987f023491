/**
 * `all2all unlock --env NAME --stack S [--yes] [--out DIR] [--binary PATH]`:
 * shows the lock held on a stack's state and releases it. A lock outlives the
 * run that took it when that run is killed (SIGKILL, a lost machine, a CI job
 * cancelled hard): with the S3 backend's use_lockfile it is the object
 * `<key>.tflock` beside the state, and every later plan or apply fails with
 * "Error acquiring the state lock" until it is released. In the stack's
 * working directory cdktf.out/stacks/<stack>:
 *
 *   <bin> init -input=false                         only when not initialised yet (no .terraform/)
 *   <bin> plan -input=false -refresh=false -lock-timeout=0s
 *                                                   only to ask for the lock: it fails at once when a lock is held,
 *                                                   printing the lock (ID, Path, Operation, Who, Version, Created);
 *  it changes nothing either way (a plan applies nothing, and saves none)
 *   <bin> force-unlock -force <ID>                  after the operator typed the stack's name, or with --yes
 *
 * Release a lock only when the run that holds it is gone: releasing the lock
 * of a run still going lets a second run write the same state at once.
 *
 * Exit codes: 0 the lock was released, or no lock is held (said as such);
 * 1 the engine failed, or the release was not confirmed; 2 bad input
 * (arguments, no synthesised output, unknown environment or stack, no binary,
 * no or a short state passphrase where the state is encrypted, no terminal to
 * confirm on without --yes).
 */
import * as path from "node:path";
import { runCaptured, type Captured } from "./deploy/runner";
import { stdinConfirm, stdinIsTerminal, type Confirm } from "./deploy/confirm";
import { stackFacts, type SynthStack } from "./deploy/output";
import { STACK_CONCERNS } from "./inventory/items";
import { ExitCode, type Io } from "./io";
import { type Engine, engineFor, initIfNeeded, namedStacks, reportCaptured, synthOutput } from "./stack-engine";

export interface UnlockOptions {
  readonly env?: string;
  /** The stack: its name (`dr-network`) or its part (`network`). Required. */
  readonly stack?: string;
  /** Release without asking (automation). */
  readonly yes?: boolean;
  readonly out?: string;
  readonly binary?: string;
}

export interface UnlockDeps {
  /** Asks for the confirmation; default: a line from standard input. */
  readonly confirm?: Confirm;
  /** Whether the confirmation can be typed; default: true with `confirm`, else whether standard input is a terminal. */
  readonly stdinIsTTY?: boolean;
}

/** A lock as the engine prints it under "Lock Info:". */
export interface LockInfo {
  readonly ID: string;
  readonly Path?: string;
  readonly Operation?: string;
  readonly Who?: string;
  readonly Version?: string;
  readonly Created?: string;
  readonly Info?: string;
}

const FIELDS = ["ID", "Path", "Operation", "Who", "Version", "Created", "Info"] as const;

/** The words of the engine's message when another run holds the lock (OpenTofu and Terraform alike). */
export const LOCK_ERROR = "Error acquiring the state lock";

/**
 * The lock in the engine's output of a command that could not take it, or
 * undefined when the output names no lock (no "Lock Info:" with an ID).
 */
export function parseLockInfo(output: string): LockInfo | undefined {
  const at = output.indexOf("Lock Info:");
  if (at < 0) return undefined;
  const info: Record<string, string> = {};
  // The block is the indented `Field: value` lines after "Lock Info:", up to the first other line.
  for (const line of output
    .slice(at + "Lock Info:".length)
    .split("\n")
    .slice(1, 1 + FIELDS.length + 1)) {
    const m = /^\s+([A-Za-z]+):\s*(.*?)\s*$/.exec(line.replace(/\r$/, ""));
    if (!m) break;
    if ((FIELDS as readonly string[]).includes(m[1]!)) info[m[1]!] = m[2]!;
  }
  return info.ID ? (info as unknown as LockInfo) : undefined;
}

/** The lock as shown to the operator: one `Field: value` line each, aligned. */
export function renderLock(lock: LockInfo): string[] {
  return FIELDS.filter((f) => lock[f] !== undefined && lock[f] !== "").map((f) => `  ${`${f}:`.padEnd(10)} ${lock[f]}`);
}

const PREFIX = "unlock";

/** Where a stack's engine runs, as said in its messages. */
interface StackRun {
  readonly stack: SynthStack;
  readonly engine: Engine;
  /** The stack's folder, relative to the working directory. */
  readonly dir: string;
}

function failed(at: StackRun, args: readonly string[], result: Captured, what: string, io: Io): number {
  return reportCaptured(PREFIX, at.stack.name, at.engine, { args, result, dir: at.dir }, what, io);
}

/**
 * The lock held on the stack's state, asked for by a plan that waits for no
 * lock (after `init` when needed); `"free"` when none is held, an exit code
 * when the engine failed (printed).
 */
async function heldLock(at: StackRun, io: Io): Promise<LockInfo | "free" | number> {
  const { stack, engine } = at;
  const init = await initIfNeeded(PREFIX, stack, engine, io, "err-after");
  if (init !== undefined) return failed(at, init.args, init.result, "nothing released", io);
  const probe = ["plan", "-input=false", "-refresh=false", "-lock-timeout=0s"];
  io.err(`${PREFIX}: ${stack.name}: asking for the lock: $ ${engine.name} ${probe.join(" ")}`);
  const asked = await runCaptured(engine.path, probe, stack.dir, io, { stdout: "keep", stderr: "keep" });
  if (asked.code === 0) return "free";
  const lock = parseLockInfo(asked.output);
  if (asked.output.includes(LOCK_ERROR) && lock !== undefined) return lock;
  for (const line of asked.output.replace(/\n$/, "").split("\n")) io.err(line);
  return failed(at, probe, asked, "it names no lock (its output is above), so nothing was released", io);
}

/** Shows the lock, asks the operator to type the stack's name (unless --yes), and releases it. */
async function releaseLock(
  at: StackRun,
  lock: LockInfo,
  opts: UnlockOptions,
  deps: UnlockDeps,
  io: Io,
): Promise<number> {
  const { stack, engine } = at;
  io.out(`The state of ${stack.name} is locked:`);
  for (const line of renderLock(lock)) io.out(line);
  io.out(
    "Release it only when the run that holds it is gone (killed, or its machine lost): " +
      "releasing the lock of a run still going lets two runs write the state at once.",
  );
  if (!opts.yes) {
    const confirm = deps.confirm ?? stdinConfirm();
    const answer = await confirm(
      `Release the lock ${lock.ID} of ${stack.name}? ` +
        `Type the stack's name (${stack.name}) to release it, anything else stops here:`,
    );
    if (answer?.trim() !== stack.name) {
      io.err(`${PREFIX}: ${stack.name}: not confirmed: the lock ${lock.ID} is still held`);
      return ExitCode.failed;
    }
  }
  const release = ["force-unlock", "-force", lock.ID];
  io.err(`${PREFIX}: ${stack.name}: $ ${engine.name} ${release.join(" ")}`);
  const r = await runCaptured(engine.path, release, stack.dir, io, { stdout: "err-after", stderr: "err-after" });
  if (r.code !== 0) return failed(at, release, r, `the lock ${lock.ID} may still be held`, io);
  io.out(`${PREFIX}: released the lock ${lock.ID} of ${stack.name}`);
  return ExitCode.ok;
}

export async function runUnlock(opts: UnlockOptions, io: Io, root: string, deps: UnlockDeps = {}): Promise<number> {
  const env = opts.env?.trim();
  if (env === undefined || env === "") {
    io.err(`${PREFIX}: --env is required: a lock is on one stack of one environment (e.g. --env dr --stack network)`);
    return ExitCode.badInput;
  }
  const wanted = opts.stack?.trim();
  if (wanted === undefined || wanted === "") {
    io.err(
      `${PREFIX}: --stack is required: one stack's lock at a time, ` +
        `by its name (${env}-network) or its part (${STACK_CONCERNS.join(", ")})`,
    );
    return ExitCode.badInput;
  }
  const stack = namedStacks(PREFIX, synthOutput(opts.out, io, root), env, opts.stack, io)?.[0];
  if (stack === undefined) return ExitCode.badInput;
  const stdinIsTTY = deps.stdinIsTTY ?? (deps.confirm !== undefined || stdinIsTerminal());
  if (!opts.yes && !stdinIsTTY) {
    io.err(
      `${PREFIX}: standard input is not a terminal, so the release cannot be confirmed: ` +
        "run unlock in a terminal, or pass --yes",
    );
    return ExitCode.badInput;
  }
  // An encrypted state: tofu needs its passphrase already for init.
  const engine = engineFor(PREFIX, opts.binary, [{ name: stack.name, facts: stackFacts(stack) }], io);
  if (engine === undefined) return ExitCode.badInput;
  const at: StackRun = { stack, engine, dir: path.relative(io.cwd, stack.dir) || "." };
  const lock = await heldLock(at, io);
  if (typeof lock === "number") return lock;
  if (lock === "free") {
    io.out(`${PREFIX}: no lock is held on the state of ${stack.name}: nothing to release`);
    return ExitCode.ok;
  }
  return releaseLock(at, lock, opts, deps, io);
}
