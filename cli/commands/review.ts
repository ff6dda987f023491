/**
 * Commands for reviewers: diff (two sides synthesised and compared) and
 * plan-summary (saved plans classified).
 * Each function registers one command; its action loads the command's
 * module only when the command runs.
 */
import type { Command } from "commander";
import { type CommandContext, exitCodeAction } from "./context";

export function registerDiff(program: Command, ctx: CommandContext): void {
  program
    .command("diff")
    .description(
      "Compare what a change does, without credentials: synthesise a git ref (--base) and the working tree (or --head), " +
        "and list stack by stack the resources added, destroyed, replaced and changed, with attribute paths and values (secrets masked). " +
        "Dangerous changes come first: destruction or replacement of stateful resources, replacements (hcloud's replacement table, " +
        "providers/hcloud/replace.json), protection removed, data lost in place, firewall rules or servers newly open to the world, " +
        "new public IPv4, a firewall's name or labels changed with its rules, what Hetzner cannot do (a volume made smaller, a smaller disk, " +
        "a range narrowed, a location changed). Also the records of the zones the hidden primary serves (rendered with each side's code), " +
        "each change's monthly cost and the total, and each environment's digest for plan/deploy --expect-digest. " +
        "Markdown for a pull-request comment, or JSON. Exit 4 when synth refuses the head (its errors first), 3 when something is dangerous, " +
        "0 otherwise. See docs/review.md.",
    )
    .requiredOption("--base <ref>", "the git ref to compare against, e.g. origin/main (synthesised with its own code)")
    .option(
      "--head <ref>",
      "the git ref of the change (default: the working tree, built first when its compiled code is older than its sources)",
    )
    .option("--format <format>", "md (Markdown, the default) or json")
    .option("--out <file>", "write the report to FILE (atomically) instead of standard output")
    .option("--env <name>", "compare one environment's stacks (default: all of them)")
    .option(
      "--config <dir>",
      "configuration directory (default: $ALL2ALL_CONFIG, else the repository's config/); inside the repository, each side reads its own copy",
    )
    .action(
      exitCodeAction(
        ctx,
        async (opts: { base: string; head?: string; format?: string; out?: string; env?: string; config?: string }) =>
          (await import("../diff.js")).runDiff({ ...opts, defaultConfig: ctx.defaultConfig }, ctx.io, ctx.root),
      ),
    );
}

export function registerPlanSummary(program: Command, ctx: CommandContext): void {
  program
    .command("plan-summary")
    .description(
      "Classify the changes of saved plans as `all2all diff` does, for operators with credentials: replacements and destructions " +
        "of stateful resources first, then the other dangerous changes, then every change, values the plan marks sensitive masked. " +
        "Reads the JSON of each plan (`tofu show -json plan.tfplan > plan.json`; `all2all plan` writes cdktf.out/stacks/<stack>/plan.json). " +
        "Exit 3 when something is dangerous, 0 otherwise. See docs/review.md.",
    )
    .argument("<plan.json...>", "the JSON of one or more saved plans, one per stack")
    .option("--format <format>", "md (Markdown, the default) or json")
    .option("--out <file>", "write the report to FILE (atomically) instead of standard output")
    .option(
      "--stack <name>",
      "the stack of a single plan (default: the folder under stacks/ it sits in, else its file name)",
    )
    .action(
      exitCodeAction(ctx, async (files: string[], opts: { format?: string; out?: string; stack?: string }) =>
        (await import("../plan-summary.js")).runPlanSummary(files, opts, ctx.io, ctx.root),
      ),
    );
}
