/**
 * What a command's registration needs from main: the Io, the repository
 * root, the default config folder, and where the action's exit code goes.
 */
import type { Command } from "commander";
import type { Io } from "../io";

export interface CommandContext {
  readonly io: Io;
  /** The repository root (where config/, cdktf.out/ and zones/ are by default). */
  readonly root: string;
  /** The repository's config/ as a path from the working directory. */
  readonly defaultConfig: string;
  /** Records the exit code of the command that ran. */
  setExit(code: number): void;
}

/** Adds one command (its options, help and action) to the program. */
export type Registration = (program: Command, ctx: CommandContext) => void;

/**
 * A command's action: runs the command (a function that loads the command's
 * module when called, so that each command loads only what it needs) with
 * the arguments commander passes, and records its exit code.
 */
export function exitCodeAction<A extends unknown[]>(
  ctx: CommandContext,
  run: (...args: A) => Promise<number> | number,
): (...args: A) => Promise<void> {
  return async (...args: A) => ctx.setExit(await run(...args));
}

/**
 * The action of a command whose run takes its options (as commander parses
 * them), the Io and the repository root; `load` loads the command's module.
 */
export function optionsAction<O>(
  ctx: CommandContext,
  load: () => Promise<(opts: O, io: Io, root: string) => Promise<number> | number>,
): (opts: O) => Promise<void> {
  return exitCodeAction(ctx, async (opts: O) => (await load())(opts, ctx.io, ctx.root));
}
