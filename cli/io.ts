/**
 * What a command may touch of the outside world, passed in so that commands
 * are testable without spawning processes: output streams, the environment
 * and the working directory. Only bin/all2all.js binds it to the real process.
 */
import * as path from "node:path";

/**
 * A file as a message shows it: relative to the working directory when it is
 * inside it ("." for the directory itself), else its absolute path.
 */
export function shownPath(io: Pick<Io, "cwd">, file: string): string {
  const rel = path.relative(io.cwd, file);
  return rel === "" ? "." : rel.startsWith("..") ? file : rel;
}

export interface Io {
  /** Writes one line (without its newline) to standard output. */
  out(line: string): void;
  /** Writes one line (without its newline) to standard error. */
  err(line: string): void;
  /** The environment variables (HCLOUD_TOKEN, ALL2ALL_CONFIG, ...). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The directory relative paths are resolved against. */
  readonly cwd: string;
}

/** Exit codes shared by every command. */
export const ExitCode = {
  ok: 0,
  /** Synthesised output is invalid (validate) or a command failed. */
  failed: 1,
  /** Bad input: configuration, arguments or files given by the user. */
  badInput: 2,
  /** A diff found dangerous changes. */
  dangerous: 3,
  /** diff: synth refuses the head (configuration, policy or validation errors); the gate refuses too. */
  refused: 4,
  /** drift: something changed at Hetzner outside the code since the last apply (docs/drift.md). */
  drifted: 5,
} as const;

/** An Io that records what a command printed, for tests and nested use. */
export function captureIo(
  env: Record<string, string | undefined> = {},
  cwd = process.cwd(),
): Io & {
  readonly stdout: string[];
  readonly stderr: string[];
} {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    env,
    cwd,
    out: (line) => stdout.push(line),
    err: (line) => stderr.push(line),
  };
}
