/**
 * Commands that run the engine (OpenTofu or Terraform) on the synthesised
 * stacks, or read Hetzner: plan, deploy, drift, adopt, output and unlock.
 * Each function registers one command; its action loads the command's
 * module only when the command runs.
 */
import { type Command, Option } from "commander";
import { type CommandContext, exitCodeAction, optionsAction } from "./context";
// Types only: each command's module is still loaded when the command runs.
import type { AdoptOptions } from "../adopt";

/** Where the engine runs: the synthesised output and the binary (every command that runs the engine). */
function engineOptions(command: Command): Command {
  return command
    .option("--out <dir>", "the synthesised output (default: the repository's cdktf.out; run all2all synth first)")
    .option("--binary <path>", "the OpenTofu or Terraform binary (default: tofu on PATH, else terraform)");
}

/** The options of every command that runs the engine on an environment's stacks (StackRunOptions). */
function stackRunOptions(command: Command): Command {
  return engineOptions(
    command
      .option("--env <name>", "the environment (required)")
      .option(
        "--stack <stack>",
        "only this stack of the environment: its name (production-dns) or its part (network, servers, dns, backup)",
      ),
  ).option(
    "--allow-missing-lock",
    "run stacks that have no provider lock file (.terraform.lock.hcl); init then chooses and locks a provider itself",
  );
}

/** plan's and deploy's options: the stacks', and the digest of the reviewed synth. */
function tofuOptions(command: Command): Command {
  return stackRunOptions(command).option(
    "--expect-digest <digest>",
    "refuse unless the environment's synthesised stacks are exactly those reviewed: the sha256:… that all2all diff printed for it",
  );
}

export function registerPlan(program: Command, ctx: CommandContext): void {
  tofuOptions(
    program
      .command("plan")
      .description(
        "Plan the stacks of one environment with tofu (else terraform), in dependency order: in cdktf.out/stacks/<stack>, " +
          "`init -input=false`, `plan -input=false -out=plan.tfplan`, `show -json plan.tfplan > plan.json`, and a summary " +
          "(replacements and destructions of stateful resources first). Changes nothing. Needs HCLOUD_TOKEN, the S3 state keys, " +
          "TF_VAR_state_passphrase (state encryption, at least 16 characters) and the stacks' TF_VAR_ variables (docs/deploy.md); exit 3 when a stateful resource would be replaced or destroyed.",
      ),
  ).action(optionsAction(ctx, async () => (await import("../deploy.js")).runPlan));
}

export function registerDeploy(program: Command, ctx: CommandContext): void {
  tofuOptions(
    program
      .command("deploy")
      .description(
        "Plan and apply the stacks of one environment, stack by stack in dependency order: init, plan to plan.tfplan, a summary, " +
          "then, once the environment's name is typed on the terminal, `apply -input=false plan.tfplan` (exactly the saved plan). " +
          "A failing step stops the run; later stacks are not touched. See docs/deploy.md and docs/first-deploy.md.",
      ),
  )
    .option(
      "--auto-approve",
      "apply without asking (automation); a plan replacing or destroying a stateful resource is still not applied (exit 3)",
    )
    .option(
      "--reencrypt",
      "write the state of every stack with an empty plan again (apply -refresh=false), encrypted with the key of TF_VAR_state_passphrase: the last step of a key rotation (docs/deploy.md)",
    )
    .action(optionsAction(ctx, async () => (await import("../deploy.js")).runDeploy));
}

export function registerDrift(program: Command, ctx: CommandContext): void {
  stackRunOptions(program.command("drift"))
    .description(
      "Check what changed at Hetzner outside the code since the last apply: for each stack of one environment, in dependency order, " +
        "`init -input=false`, a refresh-only plan (`plan -refresh-only -input=false -lock-timeout=5m -out=drift.tfplan`, never applied: nothing changes " +
        "at Hetzner and no state is written) and `show -json drift.tfplan > drift.json`, whose resource_drift is reported per stack, " +
        "resource and attribute (`rule[3]`, `labels.role`, a deleted resource as such), dangerous drift first (a stateful resource or a " +
        "firewall deleted, firewall rules changed, protection removed, a stateful resource changed), values marked sensitive masked. " +
        "Attributes the code does not set are listed apart, not as drift. The report goes to standard output (or --report), the commands " +
        "and tofu's messages to standard error. Needs what plan needs (HCLOUD_TOKEN, the S3 state keys, TF_VAR_state_passphrase, the stacks' TF_VAR_ variables). " +
        "Exit 0 nothing drifted, 5 something drifted, 1 a step failed (the report names the stacks not checked), 2 bad input. See docs/drift.md.",
    )
    .option("--format <format>", "md (Markdown, the default) or json (its structure: docs/drift.md)")
    .option(
      "--report <file>",
      "write the report to FILE (atomically; its folder must exist) instead of standard output",
    )
    .action(optionsAction(ctx, async () => (await import("../drift.js")).runDrift));
}

export function registerAdopt(program: Command, ctx: CommandContext): void {
  program
    .command("adopt")
    .description(
      "Find the resources of one environment that already exist in its Hetzner project and write their import ids to " +
        "<config>/adopt/<env>.yaml, to review and commit; synth then writes import blocks and plan shows the imports. " +
        "Each resource the stacks would create is looked up by its Hetzner name (SSH keys by public key; primary IPs through " +
        "their server; subnets, attachments, record sets and subaccounts through their parent). Prints what was matched, what " +
        "was not found (created by the next deploy) and what exists but is not in the config (listed, never destroyed). " +
        "Only reads from Hetzner. Token from HCLOUD_TOKEN; HCLOUD_ENDPOINT and HETZNER_ENDPOINT override the API addresses. " +
        "Exit 0 written; 1 an API call failed; 2 bad input (configuration, no token, a name that matches two resources: nothing written). " +
        "See docs/adopting.md.",
    )
    .option("--env <name>", "the environment (required)")
    .option("--config <dir>", "configuration directory (default: $ALL2ALL_CONFIG, else the repository's config/)")
    .option("--dry-run", "print the file instead of writing it")
    .action(
      exitCodeAction(ctx, async (opts: Omit<AdoptOptions, "defaultConfig">) =>
        (await import("../adopt.js")).runAdopt({ ...opts, defaultConfig: ctx.defaultConfig }, ctx.io, ctx.root),
      ),
    );
}

export function registerOutput(program: Command, ctx: CommandContext): void {
  engineOptions(
    program
      .command("output")
      .description(
        "Print the outputs of an environment's applied stacks (the servers' public addresses, the storage box's host), read from their state " +
          "with tofu (else terraform): in cdktf.out/stacks/<stack>, `init -input=false` when not initialised yet, then `output -json`. " +
          "The engine's messages go to standard error, the values alone to standard output. Needs the state credentials where state is in a bucket and TF_VAR_state_passphrase (the state is encrypted). " +
          "Exit 1 when a stack is not applied yet or the engine fails, 2 on bad input.",
      )
      .option("--env <name>", "the environment (required)")
      .option(
        "--stack <stack>",
        "only this stack: its name (dr-servers) or its part (network, servers, dns, backup); default: every stack of the environment",
      )
      .addOption(
        new Option(
          "--format <format>",
          "text: `name = value` lines (a `# <stack>` line before each stack's); json: with --stack, exactly `tofu output -json` " +
            "(what zonefile and inventory --addresses read), else one such object per stack, keyed by its name",
        )
          .choices(["text", "json"])
          .default("text"),
      ),
  )
    .option(
      "--show-sensitive",
      `print the values of sensitive outputs (default: each is printed as ${JSON.stringify("(sensitive)")}); they are secrets: mind where they go`,
    )
    .action(optionsAction(ctx, async () => (await import("../output.js")).runOutput));
}

export function registerUnlock(program: Command, ctx: CommandContext): void {
  engineOptions(
    program
      .command("unlock")
      .description(
        "Show the lock held on one stack's state and release it: the lock a killed run left (with the S3 backend, the object <key>.tflock " +
          'beside the state), which makes every later plan and apply fail with "Error acquiring the state lock". In cdktf.out/stacks/<stack>: ' +
          "`init -input=false` when not initialised yet, `plan -input=false -refresh=false -lock-timeout=0s` (changes nothing; it only asks for the lock " +
          "and prints it: ID, path, operation, who, when), then, once the stack's name is typed on the terminal (or with --yes), `force-unlock -force <ID>`. " +
          "Release a lock only when the run that holds it is gone. Needs what plan needs (the S3 state keys, HCLOUD_TOKEN). " +
          'Exit 0 released, or no lock held (said so); 1 the engine failed or the release was not confirmed; 2 bad input. See docs/deploy.md, "State locking".',
      )
      .option("--env <name>", "the environment (required)")
      .option(
        "--stack <stack>",
        "the stack (required): its name (dr-network) or its part (network, servers, dns, backup)",
      )
      .option(
        "--yes",
        "release without asking (automation): only when the run that holds the lock is known to be gone",
      ),
  ).action(optionsAction(ctx, async () => (await import("../unlock.js")).runUnlock));
}
