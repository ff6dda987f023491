/**
 * Commands that read the description or a synthesised output, offline: check, synth,
 * validate, zonefile, inventory, cost, and catalogue refresh (which reads Hetzner's offer).
 * Each function registers one command; its action loads the command's
 * module only when the command runs.
 */
import * as path from "node:path";
import { type Command, Option } from "commander";
import { type CommandContext, exitCodeAction, optionsAction } from "./context";
// Types only: each command's module is still loaded when the command runs.
import type { ZonefileOptions } from "../zonefile";

export function registerCheck(program: Command, ctx: CommandContext): void {
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
    .action(
      // Each command loads only what it needs (check loads cdktn only for the policy rules).
      exitCodeAction(ctx, async (opts: { config?: string; env?: string; policies: boolean }) =>
        (await import("../check.js")).runCheck({ ...opts, defaultConfig: ctx.defaultConfig }, ctx.io, ctx.root),
      ),
    );
}

export function registerSynth(program: Command, ctx: CommandContext): void {
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
    .option(
      "--policy-report <file>",
      "also write the policy findings (rule, severity, resource, message, suppression reason) as JSON to FILE",
    )
    .option(
      "--local-state",
      "local state for every stack (state/<stack>.tfstate), whatever the environment's backend: for drills and rehearsals against the simulated cloud " +
        '(docs/disaster-recovery.md, "Drill"; all2all rehearse --serve), never for a real deploy',
    )
    .action(
      exitCodeAction(
        ctx,
        async (opts: {
          config?: string;
          env?: string;
          out?: string;
          validate: boolean;
          policyReport?: string;
          localState?: boolean;
        }) => (await import("../synth.js")).runSynth({ ...opts, defaultConfig: ctx.defaultConfig }, ctx.io, ctx.root),
      ),
    );
}

export function registerValidate(program: Command, ctx: CommandContext): void {
  program
    .command("validate")
    .description(
      "Check every resource, data source and provider block of a synthesised output against providers/*/schema.json, " +
        "offline. Prints `<stack> <address> <attribute path>: <problem>`; exit 1 on any error (warnings do not fail).",
    )
    .option("--out <dir>", "synthesised output directory (default: the repository's cdktf.out)")
    .action(optionsAction(ctx, async () => (await import("../validate.js")).runValidate));
}

export function registerZonefile(program: Command, ctx: CommandContext): void {
  program
    .command("zonefile")
    .description(
      "Render the zones of one environment as RFC 1035 zone files (<out>/<zone>.zone: SOA with a serial that changes only " +
        "with the content, NS, every record) and, with --knot, the Knot DNS configuration of each hidden primary " +
        "(<out>/knot/<server>.conf). Nothing secret is written. See docs/dns.md.",
    )
    .option("--config <dir>", "configuration directory (default: $ALL2ALL_CONFIG, else the repository's config/)")
    .option("--env <name>", "the environment to render (required)")
    .option(
      "--zone <zone>",
      "render only this zone (ASCII or Unicode name); the other files in the output stay as they are",
    )
    .option(
      "--out <dir>",
      "output folder, replaced as a whole unless --zone is given; its parent must exist (default: the repository's zones/<env>)",
    )
    .option(
      "--addresses <file>",
      "the servers' public addresses: `all2all output --env <env> --stack servers --format json` saved to a file (default: placeholder documentation addresses, not for serving)",
    )
    .option("--knot", "also render the Knot DNS configuration of each hidden primary (knot/<server>.conf)")
    .action(
      exitCodeAction(ctx, async (opts: Omit<ZonefileOptions, "defaultConfig" | "zonesRoot">) =>
        (await import("../zonefile.js")).runZonefile(
          {
            ...opts,
            defaultConfig: ctx.defaultConfig,
            zonesRoot: path.relative(ctx.io.cwd, path.join(ctx.root, "zones")) || ".",
          },
          ctx.io,
        ),
      ),
    );
}

export function registerInventory(program: Command, ctx: CommandContext): void {
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
    .action(
      exitCodeAction(
        ctx,
        async (opts: { config?: string; env?: string; format?: string; out?: string; addresses?: string }) =>
          (await import("../inventory.js")).runInventory({ ...opts, defaultConfig: ctx.defaultConfig }, ctx.io),
      ),
    );
}

export function registerCost(program: Command, ctx: CommandContext): void {
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
    .action(
      exitCodeAction(ctx, async (opts: { env?: string; config?: string; format?: string; out?: string }) =>
        (await import("../cost.js")).runCost({ ...opts, defaultConfig: ctx.defaultConfig }, ctx.io, ctx.root),
      ),
    );
}

export function registerCatalogue(program: Command, ctx: CommandContext): void {
  const catalogueCommand = program
    .command("catalogue")
    .description('Hetzner\'s offer and prices as data (catalogue/hetzner.json): see docs/config.md, "The catalogue".');
  catalogueCommand
    .command("refresh")
    .description(
      "Read Hetzner's offer and prices from the API (HCLOUD_TOKEN; HCLOUD_ENDPOINT and HETZNER_ENDPOINT when set: locations, server types with " +
        "their prices and per-location deprecations, system images, the prices of IPs, volumes and backups, storage box types) and rewrite " +
        "catalogue/hetzner.json, so that the change is a reviewed diff. A bad answer (an HTTP error, a missing or malformed price) is reported " +
        "and nothing is written (exit 1); an unknown field is a warning.",
    )
    .option("--out <file>", "write the catalogue to FILE instead of catalogue/hetzner.json")
    .action(optionsAction(ctx, async () => (await import("../catalogue.js")).runCatalogueRefresh));
}
