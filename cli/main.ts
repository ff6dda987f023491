/**
 * The `all2all` command line: parses arguments with commander and hands each
 * command its options and an Io. Bad arguments exit 2, like bad config.
 */
import { version as PACKAGE_VERSION } from "../package.json";
import * as path from "node:path";
import { Command, CommanderError, Option } from "commander";
import { InputError } from "./errors";
import { ExitCode, type Io } from "./io";
import {
  registerCatalogue,
  registerCheck,
  registerCost,
  registerInventory,
  registerSynth,
  registerValidate,
  registerZonefile,
} from "./commands/description";
import { registerDiff, registerPlanSummary } from "./commands/review";
import {
  registerAdopt,
  registerDeploy,
  registerDrift,
  registerOutput,
  registerPlan,
  registerUnlock,
} from "./commands/engine";
import { registerRehearse } from "./commands/sandbox";
import type { CommandContext, Registration } from "./commands/context";

/** Every command, in the order --help lists them. */
const COMMANDS: readonly Registration[] = [
  registerCheck,
  registerSynth,
  registerValidate,
  registerZonefile,
  registerDiff,
  registerPlanSummary,
  registerInventory,
  registerPlan,
  registerDeploy,
  registerCatalogue,
  registerCost,
  registerRehearse,
  registerDrift,
  registerAdopt,
  registerOutput,
  registerUnlock,
];

/** The repository root: dist/cli/main.js lives two levels below it. */
export const projectRoot = path.resolve(__dirname, "..", "..");

export async function main(argv: string[], io: Io, root = projectRoot): Promise<number> {
  let exitCode: number = ExitCode.ok;
  // Defaults name the repository's folders, wherever the command runs from.
  const defaultConfig = path.relative(io.cwd, path.join(root, "config")) || ".";
  const program = new Command("all2all")
    .description(
      "The all2all network on Hetzner Cloud, as code: check, synthesise, validate, " +
        "review, list, plan and deploy it, and render its zone files.",
    )
    .version(PACKAGE_VERSION, "-V, --version", "print the version of all2all-infra")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.out(s.replace(/\n$/, "")),
      writeErr: (s) => io.err(s.replace(/\n$/, "")),
    });

  const ctx: CommandContext = { io, root, defaultConfig, setExit: (code) => (exitCode = code) };
  for (const register of COMMANDS) register(program, ctx);

  program.addOption(new Option("--no-color", "accepted for compatibility; output is never coloured").hideHelp());

  try {
    await program.parseAsync(argv, { from: "user" });
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here with exit code 0.
      return err.exitCode === 0 ? ExitCode.ok : ExitCode.badInput;
    }
    if (err instanceof InputError) {
      io.err(`all2all: ${err.message}`);
      return ExitCode.badInput;
    }
    throw err;
  }
  return exitCode;
}
