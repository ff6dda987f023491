/**
 * The `all2all` command line: parses arguments with commander and hands each
 * command its options and an Io. Bad arguments exit 2, like bad config.
 */
import { version as PACKAGE_VERSION } from "../package.json";
import * as path from "node:path";
import { Command, CommanderError, Option } from "commander";
import { InputError } from "./errors";
import { ExitCode, Io } from "./io";

/** The repository root: dist/cli/main.js lives two levels below it. */
export const projectRoot = path.resolve(__dirname, "..", "..");

export async function main(argv: string[], io: Io, root = projectRoot): Promise<number> {
  let exitCode: number = ExitCode.ok;
  // Defaults name the repository's folders, wherever the command runs from.
  const defaultConfig = path.relative(io.cwd, path.join(root, "config")) || ".";
  const program = new Command("all2all")
    .description("The all2all network on Hetzner Cloud, as code: check, synthesise, validate, review, list, plan and deploy it, and render its zone files.")
    .version(PACKAGE_VERSION, "-V, --version", "print the version of all2all-infra")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.out(s.replace(/\n$/, "")),
      writeErr: (s) => io.err(s.replace(/\n$/, "")),
    });

  program
    .command("check")
    .description(
      "Validate the network description and print what each environment holds, then run the policy rules on its stacks " +
        "(synthesised in a temporary folder; nothing is written). Every problem is printed as `file:line:col  path  message (hint)`; " +
        "exit 2 on any problem in the description, 1 on a policy error (what synth would refuse).",
    )
    .option("--config <dir>", "configuration directory (default: $ALL2ALL_CONFIG, else the repository's config/)")
    .option("--env <name>", "check one environment (default: all of them)")
    .option("--no-policies", "check the description only, without the policy rules (no synthesis)")
    .action(async (opts: { config?: string; env?: string; policies: boolean }) => {
      // Each command loads only what it needs (check loads cdktn only for the policy rules).
      const { runCheck } = await import("./check");
      exitCode = await runCheck({ ...opts, defaultConfig }, io, root);
    });

  program
    .command("synth")
    .description(
      "Synthesise every stack to <out>/stacks/<stack>/cdk.tf.json and <out>/manifest.json, validate them against " +
        "the provider schemas, check the policy rules (docs/policies.md), and move them into place only when complete, " +
        "valid and free of unsuppressed policy errors.",
    )
    .option("--config <dir>", "configuration directory (default: $ALL2ALL_CONFIG, else the repository's config/)")
    .option("--env <name>", "synthesise one environment (default: all of them)")
    .option("--out <dir>", "output directory, replaced as a whole (default: the repository's cdktf.out)")
    .option("--no-validate", "skip schema validation and write the output even if invalid")
    .option("--policy-report <file>", "also write the policy findings (rule, severity, resource, message, suppression reason) as JSON to FILE")
    .option(
      "--local-state",
      "local state for every stack (state/<stack>.tfstate), whatever the environment's backend: for drills and rehearsals against the simulated cloud " +
        "(docs/disaster-recovery.md, \"Drill\"; all2all rehearse --serve), never for a real deploy",
    )
    .action(async (opts: { config?: string; env?: string; out?: string; validate: boolean; policyReport?: string; localState?: boolean }) => {
      const { runSynth } = await import("./synth");
      exitCode = await runSynth({ ...opts, defaultConfig }, io, root);
    });

  program
    .command("validate")
    .description(
      "Check every resource, data source and provider block of a synthesised output against providers/*/schema.json, " +
        "offline. Prints `<stack> <address> <attribute path>: <problem>`; exit 1 on any error (warnings do not fail).",
    )
    .option("--out <dir>", "synthesised output directory (default: the repository's cdktf.out)")
    .action(async (opts: { out?: string }) => {
      const { runValidate } = await import("./validate");
      exitCode = await runValidate(opts, io, root);
    });

  program
    .command("zonefile")
    .description(
      "Render the zones of one environment as RFC 1035 zone files (<out>/<zone>.zone: SOA with a serial that changes only " +
        "with the content, NS, every record) and, with --knot, the Knot DNS configuration of each hidden primary " +
        "(<out>/knot/<server>.conf). Nothing secret is written. See docs/dns.md.",
    )
    .option("--config <dir>", "configuration directory (default: $ALL2ALL_CONFIG, else the repository's config/)")
    .option("--env <name>", "the environment to render (required)")
    .option("--zone <zone>", "render only this zone (ASCII or Unicode name); the other files in the output stay as they are")
    .option("--out <dir>", "output folder, replaced as a whole unless --zone is given; its parent must exist (default: the repository's zones/<env>)")
    .option(
      "--addresses <file>",
      "the servers' public addresses: `all2all output --env <env> --stack servers --format json` saved to a file (default: placeholder documentation addresses, not for serving)",
    )
    .option("--knot", "also render the Knot DNS configuration of each hidden primary (knot/<server>.conf)")
    .action(async (opts: { config?: string; env?: string; zone?: string; out?: string; addresses?: string; knot?: boolean }) => {
      const { runZonefile } = await import("./zonefile");
      exitCode = await runZonefile({ ...opts, defaultConfig, zonesRoot: path.relative(io.cwd, path.join(root, "zones")) || "." }, io);
    });

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
    .option("--head <ref>", "the git ref of the change (default: the working tree, built first when its compiled code is older than its sources)")
    .option("--format <format>", "md (Markdown, the default) or json")
    .option("--out <file>", "write the report to FILE (atomically) instead of standard output")
    .option("--env <name>", "compare one environment's stacks (default: all of them)")
    .option("--config <dir>", "configuration directory (default: $ALL2ALL_CONFIG, else the repository's config/); inside the repository, each side reads its own copy")
    .action(async (opts: { base: string; head?: string; format?: string; out?: string; env?: string; config?: string }) => {
      const { runDiff } = await import("./diff");
      exitCode = await runDiff({ ...opts, defaultConfig }, io, root);
    });

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
    .option("--stack <name>", "the stack of a single plan (default: the folder under stacks/ it sits in, else its file name)")
    .action(async (files: string[], opts: { format?: string; out?: string; stack?: string }) => {
      const { runPlanSummary } = await import("./plan-summary");
      exitCode = await runPlanSummary(files, opts, io, root);
    });

  program
    .command("inventory")
    .description(
      "List what the stacks of an environment hold, from the description only (no synth, no network): every server " +
        "(role, type, location, addresses, reverse DNS, firewalls, backups, volumes, storage subaccount), network, firewall policy, " +
        "zone and record set, storage box and the secrets to set, each with the stack that owns it and its Terraform address. " +
        "See docs/inventory.md.",
    )
    .option("--config <dir>", "configuration directory (default: $ALL2ALL_CONFIG, else the repository's config/)")
    .option("--env <name>", "one environment (default: all of them)")
    .addOption(new Option("--format <format>", "md (Markdown tables) or json").choices(["md", "json"]).default("md"))
    .option("--out <file>", "write to FILE, atomically (its folder must exist), instead of standard output")
    .option(
      "--addresses <file>",
      "the servers' public addresses: `all2all output --env <env> --stack servers --format json` saved to a file (needs --env; default: the names of the outputs to read)",
    )
    .action(async (opts: { config?: string; env?: string; format?: string; out?: string; addresses?: string }) => {
      const { runInventory } = await import("./inventory");
      exitCode = await runInventory({ ...opts, defaultConfig }, io);
    });

  const tofuOptions = (command: Command): Command =>
    command
      .option("--env <name>", "the environment (required)")
      .option("--stack <stack>", "only this stack of the environment: its name (production-dns) or its part (network, servers, dns, backup)")
      .option("--out <dir>", "the synthesised output (default: the repository's cdktf.out; run all2all synth first)")
      .option("--binary <path>", "the OpenTofu or Terraform binary (default: tofu on PATH, else terraform)")
      .option("--allow-missing-lock", "run stacks that have no provider lock file (.terraform.lock.hcl); init then chooses and locks a provider itself")
      .option("--expect-digest <digest>", "refuse unless the environment's synthesised stacks are exactly those reviewed: the sha256:… that all2all diff printed for it");

  tofuOptions(
    program
      .command("plan")
      .description(
        "Plan the stacks of one environment with tofu (else terraform), in dependency order: in cdktf.out/stacks/<stack>, " +
          "`init -input=false`, `plan -input=false -out=plan.tfplan`, `show -json plan.tfplan > plan.json`, and a summary " +
          "(replacements and destructions of stateful resources first). Changes nothing. Needs HCLOUD_TOKEN, the S3 state keys, " +
          "TF_VAR_state_passphrase (state encryption, at least 16 characters) and the stacks' TF_VAR_ variables (docs/deploy.md); exit 3 when a stateful resource would be replaced or destroyed.",
      ),
  ).action(async (opts: { env?: string; stack?: string; out?: string; binary?: string; allowMissingLock?: boolean; expectDigest?: string }) => {
    const { runPlan } = await import("./deploy");
    exitCode = await runPlan(opts, io, root);
  });

  tofuOptions(
    program
      .command("deploy")
      .description(
        "Plan and apply the stacks of one environment, stack by stack in dependency order: init, plan to plan.tfplan, a summary, " +
          "then, once the environment's name is typed on the terminal, `apply -input=false plan.tfplan` (exactly the saved plan). " +
          "A failing step stops the run; later stacks are not touched. See docs/deploy.md and docs/first-deploy.md.",
      ),
  )
    .option("--auto-approve", "apply without asking (automation); a plan replacing or destroying a stateful resource is still not applied (exit 3)")
    .option(
      "--reencrypt",
      "write the state of every stack with an empty plan again (apply -refresh=false), encrypted with the key of TF_VAR_state_passphrase: the last step of a key rotation (docs/deploy.md)",
    )
    .action(async (opts: { env?: string; stack?: string; out?: string; binary?: string; autoApprove?: boolean; reencrypt?: boolean; allowMissingLock?: boolean; expectDigest?: string }) => {
      const { runDeploy } = await import("./deploy");
      exitCode = await runDeploy(opts, io, root);
    });

  const catalogueCommand = program.command("catalogue").description("Hetzner's offer and prices as data (catalogue/hetzner.json): see docs/config.md, \"The catalogue\".");
  catalogueCommand
    .command("refresh")
    .description(
      "Read Hetzner's offer and prices from the API (HCLOUD_TOKEN; HCLOUD_ENDPOINT and HETZNER_ENDPOINT when set: locations, server types with " +
        "their prices and per-location deprecations, system images, the prices of IPs, volumes and backups, storage box types) and rewrite " +
        "catalogue/hetzner.json, so that the change is a reviewed diff. A bad answer (an HTTP error, a missing or malformed price) is reported " +
        "and nothing is written (exit 1); an unknown field is a warning.",
    )
    .option("--out <file>", "write the catalogue to FILE instead of catalogue/hetzner.json")
    .action(async (opts: { out?: string }) => {
      const { runCatalogueRefresh } = await import("./catalogue");
      exitCode = await runCatalogueRefresh(opts, io, root);
    });

  program
    .command("cost")
    .description(
      "The monthly cost of every priced resource (servers and their backups, primary and floating IPs, volumes, storage boxes) of the " +
        "environments' stacks, per stack and environment, and the total, net and gross, with the date of the catalogue it is priced from " +
        "(catalogue/hetzner.json). Synthesises in a temporary folder; needs no credentials.",
    )
    .option("--env <name>", "one environment (default: all of them)")
    .option("--config <dir>", "configuration directory (default: $ALL2ALL_CONFIG, else the repository's config/)")
    .option("--format <format>", "md (default) or json")
    .option("--out <file>", "write the report to FILE instead of standard output")
    .action(async (opts: { env?: string; config?: string; format?: string; out?: string }) => {
      const { runCost } = await import("./cost");
      exitCode = runCost({ ...opts, defaultConfig }, io, root);
    });

  program
    .command("rehearse")
    .description(
      "Deploy one environment to a simulated Hetzner Cloud on loopback, with the real engine (`npm run engine`) and local state " +
        "(or, with --state s3, the S3 backend and its lock file on versitygw on loopback): " +
        "synth, then the code path of deploy (init, plan, summary, apply, stack by stack), then plan every stack again, which must want no change. " +
        "Prints what each stack created and what its second plan still wants; exit 0 only when all applied and every second plan is empty. " +
        "No Hetzner account, token or network needed. See docs/rehearsal.md.",
    )
    .option("--env <name>", "the environment (required)")
    .option("--config <dir>", "configuration directory (default: $ALL2ALL_CONFIG, else the repository's config/)")
    .option("--state <where>", "local (state files in the work folder; the default) or s3 (the S3 backend as synthesised, with use_lockfile, on versitygw on loopback, built by `npm run engine`)")
    .option("--report <file>", 'also write the result as JSON: { "environment", "state", "stacks": [{ "name", "created", "changes_after_apply" }] }')
    .option("--keep <dir>", "keep the work folder (stacks, state, plans) in this new or empty folder instead of a temporary one")
    .option("--serve", "keep the simulated cloud running afterwards and print the `export` lines to plan, deploy or run tofu against it, until interrupted")
    .action(async (opts: { env?: string; config?: string; state?: string; report?: string; keep?: string; serve?: boolean }) => {
      const { runRehearse } = await import("./rehearse");
      exitCode = await runRehearse({ ...opts, defaultConfig }, io, root);
    });

  program
    .command("drift")
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
    .option("--env <name>", "the environment (required)")
    .option("--stack <stack>", "only this stack of the environment: its name (production-dns) or its part (network, servers, dns, backup)")
    .option("--out <dir>", "the synthesised output (default: the repository's cdktf.out; run all2all synth first)")
    .option("--binary <path>", "the OpenTofu or Terraform binary (default: tofu on PATH, else terraform)")
    .option("--allow-missing-lock", "run stacks that have no provider lock file (.terraform.lock.hcl); init then chooses and locks a provider itself")
    .option("--format <format>", "md (Markdown, the default) or json (its structure: docs/drift.md)")
    .option("--report <file>", "write the report to FILE (atomically; its folder must exist) instead of standard output")
    .action(async (opts: { env?: string; stack?: string; out?: string; binary?: string; allowMissingLock?: boolean; format?: string; report?: string }) => {
      const { runDrift } = await import("./drift");
      exitCode = await runDrift(opts, io, root);
    });

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
    .action(async (opts: { env?: string; config?: string; dryRun?: boolean }) => {
      const { runAdopt } = await import("./adopt");
      exitCode = await runAdopt({ ...opts, defaultConfig }, io, root);
    });

  program
    .command("output")
    .description(
      "Print the outputs of an environment's applied stacks (the servers' public addresses, the storage box's host), read from their state " +
        "with tofu (else terraform): in cdktf.out/stacks/<stack>, `init -input=false` when not initialised yet, then `output -json`. " +
        "The engine's messages go to standard error, the values alone to standard output. Needs the state credentials where state is in a bucket and TF_VAR_state_passphrase (the state is encrypted). " +
        "Exit 1 when a stack is not applied yet or the engine fails, 2 on bad input.",
    )
    .option("--env <name>", "the environment (required)")
    .option("--stack <stack>", "only this stack: its name (dr-servers) or its part (network, servers, dns, backup); default: every stack of the environment")
    .addOption(
      new Option(
        "--format <format>",
        "text: `name = value` lines (a `# <stack>` line before each stack's); json: with --stack, exactly `tofu output -json` " +
          "(what zonefile and inventory --addresses read), else one such object per stack, keyed by its name",
      )
        .choices(["text", "json"])
        .default("text"),
    )
    .option("--out <dir>", "the synthesised output (default: the repository's cdktf.out; run all2all synth first)")
    .option("--binary <path>", "the OpenTofu or Terraform binary (default: tofu on PATH, else terraform)")
    .option("--show-sensitive", `print the values of sensitive outputs (default: each is printed as ${JSON.stringify("(sensitive)")}); they are secrets: mind where they go`)
    .action(async (opts: { env?: string; stack?: string; format?: string; out?: string; binary?: string; showSensitive?: boolean }) => {
      const { runOutput } = await import("./output");
      exitCode = await runOutput(opts, io, root);
    });

  program
    .command("unlock")
    .description(
      "Show the lock held on one stack's state and release it: the lock a killed run left (with the S3 backend, the object <key>.tflock " +
        "beside the state), which makes every later plan and apply fail with \"Error acquiring the state lock\". In cdktf.out/stacks/<stack>: " +
        "`init -input=false` when not initialised yet, `plan -input=false -refresh=false -lock-timeout=0s` (changes nothing; it only asks for the lock " +
        "and prints it: ID, path, operation, who, when), then, once the stack's name is typed on the terminal (or with --yes), `force-unlock -force <ID>`. " +
        "Release a lock only when the run that holds it is gone. Needs what plan needs (the S3 state keys, HCLOUD_TOKEN). " +
        "Exit 0 released, or no lock held (said so); 1 the engine failed or the release was not confirmed; 2 bad input. See docs/deploy.md, \"State locking\".",
    )
    .option("--env <name>", "the environment (required)")
    .option("--stack <stack>", "the stack (required): its name (dr-network) or its part (network, servers, dns, backup)")
    .option("--yes", "release without asking (automation): only when the run that holds the lock is known to be gone")
    .option("--out <dir>", "the synthesised output (default: the repository's cdktf.out; run all2all synth first)")
    .option("--binary <path>", "the OpenTofu or Terraform binary (default: tofu on PATH, else terraform)")
    .action(async (opts: { env?: string; stack?: string; yes?: boolean; out?: string; binary?: string }) => {
      const { runUnlock } = await import("./unlock");
      exitCode = await runUnlock(opts, io, root);
    });

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
