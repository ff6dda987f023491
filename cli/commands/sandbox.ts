/**
 * The rehearsal: a whole deploy to the simulated Hetzner Cloud on loopback.
 * Each function registers one command; its action loads the command's
 * module only when the command runs.
 */
import type { Command } from "commander";
import type { CommandContext } from "./context";

export function registerRehearse(program: Command, ctx: CommandContext): void {
  program
    .command("rehearse")
    .description(
      "Deploy one environment to a simulated Hetzner Cloud on loopback, with " +
        "the real engine (`npm run engine`) and local state " +
        "(or, with --state s3, the S3 backend and its lock file on versitygw on loopback): " +
        ("synth, then the code path of deploy (init, plan, summary, apply, stack by " +
          "stack), then plan every stack again, which must want no change. ") +
        ("Prints what each stack created and what its second plan still wants; exit 0 " +
          "only when all applied and every second plan is empty. ") +
        "No Hetzner account, token or network needed. See docs/rehearsal.md.",
    )
    .option("--env <name>", "the environment (required)")
    .option("--config <dir>", "configuration directory (default: $ALL2ALL_CONFIG, else the repository's config/)")
    .option(
      "--state <where>",
      "local (state files in the work folder; the default) or s3 (the S3 backend as synthesised, " +
        "with use_lockfile, on versitygw on loopback, built by `npm run engine`)",
    )
    .option(
      "--report <file>",
      'also write the result as JSON: { "environment", "state", "stacks": [{ ' +
        '"name", "created", "changes_after_apply" }] }',
    )
    .option(
      "--keep <dir>",
      "keep the work folder (stacks, state, plans) in this new or empty folder instead of a temporary one",
    )
    .option(
      "--serve",
      "keep the simulated cloud running afterwards and print the `export` lines to " +
        "plan, deploy or run tofu against it, until interrupted",
    )
    .action(
      async (opts: {
        env?: string;
        config?: string;
        state?: string;
        report?: string;
        keep?: string;
        serve?: boolean;
      }) => {
        const { runRehearse } = await import("../rehearse.js");
        ctx.setExit(await runRehearse({ ...opts, defaultConfig: ctx.defaultConfig }, ctx.io, ctx.root));
      },
    );
}
