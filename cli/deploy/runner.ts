/**
 * Running one tofu/terraform step as a child process. The runner is passed
 * in (tests record the steps without spawning); the default one spawns the
 * binary with the command's environment (Io.env) in the stack's working
 * directory, forwards its output line by line to the Io, and can send its
 * standard output to a file (`show -json` → plan.json).
 */
import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Io } from "../io";

export type StepName = "init" | "plan" | "show" | "apply" | "reencrypt";

export interface Step {
  readonly stack: string;
  readonly step: StepName;
  /** The binary, absolute. */
  readonly bin: string;
  readonly args: readonly string[];
  /** The stack's working directory, absolute. */
  readonly cwd: string;
  /** The child's environment (Io.env): secrets pass through, never printed. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Write standard output to this file instead of forwarding it. */
  readonly stdoutFile?: string;
}

export interface StepResult {
  /** The exit code; null when killed by a signal. */
  readonly code: number | null;
  readonly signal?: string | null;
  /** Why the process could not be started at all. */
  readonly error?: string;
}

export type Runner = (step: Step) => Promise<StepResult>;

/** Step `step` of a stack, run in its working directory; `show` writes its standard output to `showFile` there. */
export function stackStep(
  stack: { readonly name: string; readonly dir: string },
  step: StepName,
  bin: string,
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  showFile: string,
): Step {
  return {
    stack: stack.name,
    step,
    bin,
    args,
    cwd: stack.dir,
    env,
    ...(step === "show" ? { stdoutFile: path.join(stack.dir, showFile) } : {}),
  };
}

/**
 * How a step that did not succeed ended, for messages: `could not start (…)`, `was killed (SIGTERM)`, `exited with 1`.
 */
export function stepFailure(result: StepResult): string {
  return result.error !== undefined
    ? `could not start (${result.error})`
    : result.code === null
      ? `was killed (${result.signal ?? "signal"})`
      : `exited with ${result.code}`;
}

/**
 * Cuts text that arrives in chunks into lines for `write`, without their
 * newline (`\r\n` too); `end` writes the last line even without its newline.
 * Shared with the tests' in-process runner, so that both forward alike.
 */
export function lineSplitter(write: (line: string) => void): { push(chunk: string): void; end(): void } {
  let rest = "";
  return {
    push(chunk) {
      rest += chunk;
      const lines = rest.split("\n");
      rest = lines.pop()!;
      for (const line of lines) write(line.replace(/\r$/, ""));
    },
    end() {
      if (rest !== "") write(rest.replace(/\r$/, ""));
      rest = "";
    },
  };
}

/** Forwards a stream line by line (the last line even without its newline). */
function forwardLines(stream: NodeJS.ReadableStream, write: (line: string) => void): () => void {
  const lines = lineSplitter(write);
  stream.setEncoding("utf8");
  stream.on("data", (chunk: string) => lines.push(chunk));
  return () => lines.end();
}

/**
 * Opens the step's `stdoutFile` for writing, if it has one, readable by its
 * owner only: plan.json holds the plan's sensitive values in clear (tofu show
 * -json). Else why it cannot be written. Shared with the tests' in-process runner.
 */
export function openStdoutFile(step: Pick<Step, "stdoutFile">): { fd: number | undefined } | { error: string } {
  if (step.stdoutFile === undefined) return { fd: undefined };
  try {
    const fd = fs.openSync(step.stdoutFile, "w", 0o600);
    fs.fchmodSync(fd, 0o600);
    return { fd };
  } catch (err) {
    return { error: `cannot write ${step.stdoutFile}: ${(err as Error).message}` };
  }
}

/** The variables of `env` that are set: a child's environment. */
export function definedEnv(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const defined: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) defined[k] = v;
  return defined;
}

/** The default runner: spawns the step, output forwarded to `io`. */
export function spawnRunner(io: Io): Runner {
  return (step) =>
    new Promise<StepResult>((resolve) => {
      const opened = openStdoutFile(step);
      if ("error" in opened) {
        resolve({ code: null, error: opened.error });
        return;
      }
      const { fd } = opened;
      const env = definedEnv(step.env);
      // Ctrl-C reaches tofu too (same process group): it stops safely and
      // releases the state lock; wait for it rather than leaving it orphaned.
      const onSignal = () => io.err(`all2all: interrupted: waiting for ${step.step} to stop safely`);
      process.on("SIGINT", onSignal);
      process.on("SIGTERM", onSignal);
      let finished = false;
      const done = (result: StepResult) => {
        if (finished) return;
        finished = true;
        process.off("SIGINT", onSignal);
        process.off("SIGTERM", onSignal);
        if (fd !== undefined) fs.closeSync(fd);
        resolve(result);
      };
      let child: ChildProcess;
      try {
        child = spawn(step.bin, [...step.args], { cwd: step.cwd, env, stdio: ["ignore", fd ?? "pipe", "pipe"] });
      } catch (err) {
        done({ code: null, error: (err as Error).message });
        return;
      }
      const flushOut = child.stdout ? forwardLines(child.stdout, io.out) : () => undefined;
      const flushErr = forwardLines(child.stderr!, io.err);
      child.on("error", (err) => {
        flushOut();
        flushErr();
        done({ code: null, error: err.message });
      });
      child.on("close", (code, signal) => {
        flushOut();
        flushErr();
        done({ code, signal });
      });
    });
}

/**
 * Where a stream of {@link runCaptured}'s child goes: kept in the result, kept and written to io.err line by line as it
 * comes, or both kept and written once the child is done.
 */
export type Capture = "keep" | "err" | "err-after";

export interface Captured {
  /** The exit code; null when killed by a signal or not started. */
  readonly code: number | null;
  readonly stdout: string;
  /** Standard output and standard error, interleaved as they came. */
  readonly output: string;
  /** Why the process could not be started at all. */
  readonly error?: string;
}

/**
 * Runs the engine in `cwd` with the command's environment (Io.env) and
 * collects what it prints; each stream also goes to io.err as `stdout` and
 * `stderr` say (commands that read the engine's answer: output, unlock).
 */
export function runCaptured(
  bin: string,
  args: readonly string[],
  cwd: string,
  io: Io,
  streams: { readonly stdout: Capture; readonly stderr: Capture },
): Promise<Captured> {
  return new Promise((resolve) => {
    const env = definedEnv(io.env);
    let stdout = "";
    let output = "";
    let after = "";
    let child: ChildProcess;
    try {
      child = spawn(bin, [...args], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    } catch (err) {
      resolve({ code: null, stdout: "", output: "", error: (err as Error).message });
      return;
    }
    const flushes: (() => void)[] = [];
    const listen = (stream: NodeJS.ReadableStream, how: Capture, isStdout: boolean) => {
      const live = how === "err" ? lineSplitter(io.err) : undefined;
      if (live) flushes.push(() => live.end());
      stream.setEncoding("utf8");
      stream.on("data", (chunk: string) => {
        output += chunk;
        if (isStdout) stdout += chunk;
        if (how === "err-after") after += chunk;
        live?.push(chunk);
      });
    };
    listen(child.stdout!, streams.stdout, true);
    listen(child.stderr!, streams.stderr, false);
    let finished = false;
    const done = (r: Captured) => {
      if (finished) return;
      finished = true;
      for (const flush of flushes) flush();
      for (const line of after.replace(/\n$/, "").split("\n")) if (line !== "") io.err(line.replace(/\r$/, ""));
      resolve(r);
    };
    child.on("error", (err) => done({ code: null, stdout, output, error: err.message }));
    child.on("close", (code) => done({ code, stdout, output }));
  });
}
