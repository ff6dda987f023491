/**
 * `all2all check [--config DIR] [--env NAME]`: validates the network
 * description only (no synthesis, no network access, nothing written) and
 * prints what each environment holds.
 *
 * Exit codes: 0 valid; 2 problems in the configuration (all printed).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { formatConfigProblems, loadNetwork, type ConfigProblem, type NetworkSpec } from "../description";
import { ExitCode, type Io } from "./io";

export interface CheckOptions {
  /** Config directory; default ALL2ALL_CONFIG, else `defaultConfig`. */
  readonly config?: string;
  /**
   * The directory used when neither --config nor ALL2ALL_CONFIG is given, as
   * shown in messages; the command line passes the repository's config/
   * (relative to the working directory), so commands work from any folder.
   * @default "config"
   */
  readonly defaultConfig?: string;
  /** One environment; default all of them. */
  readonly env?: string;
}

function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}

/** The counts per kind of one environment, in the order of the description. */
/** `3 in all2all.org, at Hetzner`: a zone's record sets and where it is served. */
function zoneRecords(zone: NetworkSpec["zones"][number]): string {
  const where = zone.mode === "secondary" ? "served from the hidden primary" : "at Hetzner";
  return `${zone.records.length} in ${zone.name}, ${where}`;
}

export function summarize(spec: NetworkSpec): string[] {
  const servers = spec.servers;
  const primaryIps = servers.reduce((n, s) => n + (s.public.ipv4 ? 1 : 0) + (s.public.ipv6 ? 1 : 0), 0);
  const subaccounts = spec.storage_boxes.reduce((n, b) => n + b.subaccounts.length, 0);
  return [
    count(servers.length, "server"),
    count(primaryIps, "primary IP"),
    count(servers.filter((s) => s.floating_ip).length, "floating IP"),
    count(
      servers.reduce((n, s) => n + s.volumes.length, 0),
      "volume",
    ),
    count(spec.placement_groups.length, "placement group"),
    count(spec.networks.length, "network"),
    count(
      spec.networks.reduce((n, net) => n + net.subnets.length, 0),
      "subnet",
    ),
    count(
      spec.networks.reduce((n, net) => n + net.routes.length, 0),
      "route",
    ),
    count(spec.firewall_policies.length, "firewall policy", "firewall policies"),
    count(
      spec.firewall_policies.reduce((n, p) => n + p.rules.length, 0),
      "firewall rule",
    ),
    count(spec.zones.length, "zone"),
    `${count(
      spec.zones.reduce((n, z) => n + z.records.length, 0),
      "record set",
    )}${spec.zones.length > 0 ? ` (${spec.zones.map(zoneRecords).join("; ")})` : ""}`,
    count(spec.storage_boxes.length, "storage box", "storage boxes"),
    count(subaccounts, "subaccount"),
    count(spec.operators.ssh_keys.length, "SSH key"),
    count(spec.operators.admin_ranges.length, "admin range"),
    count(spec.suppressions.length, "suppression"),
  ];
}

/** The config directory a command reads: --config, else $ALL2ALL_CONFIG, else the repository's config/. */
export function configDirOf(opts: CheckOptions, io: Io): string {
  return opts.config ?? io.env.ALL2ALL_CONFIG ?? opts.defaultConfig ?? "config";
}

/**
 * Loads the description for a command; on problems prints them all and
 * returns undefined (the command then exits 2).
 */
export function loadForCommand(opts: CheckOptions, io: Io): NetworkSpec[] | undefined {
  const result = loadNetwork(configDirOf(opts, io), { env: opts.env, cwd: io.cwd });
  // Warnings (a deprecated server type, with its date) are printed, never refused.
  for (const line of formatConfigProblems(result.warnings, "warning")) io.err(line);
  if (!result.ok) {
    for (const line of formatConfigProblems(result.problems)) io.err(line);
    return undefined;
  }
  const adoption = adoptionProblems(result.specs);
  if (adoption.length > 0) {
    for (const line of formatConfigProblems(adoption)) io.err(line);
    return undefined;
  }
  return result.specs;
}

/**
 * The entries of adoption files (config/adopt/<env>.yaml) that name no
 * resource of their stack, or the wrong one: only the stacks know the
 * addresses, so they are built (in memory, nothing written) to check them.
 */
export function adoptionProblems(specs: readonly NetworkSpec[]): ConfigProblem[] {
  const adopting = specs.filter((s) => (s.adoption?.entries.length ?? 0) > 0);
  if (adopting.length === 0) return [];
  // Loaded here only: the constructs are slow to load, and most commands adopt nothing.
  const { buildApp } = require("../stacks/app") as typeof import("../stacks/app.js");
  // cdktn's App creates its output folder: give it a temporary one, never the working directory's cdktf.out.
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "all2all-adoption-"));
  try {
    return buildApp(adopting, { outdir }).environments.flatMap((e) => e.adoptionProblems);
  } catch {
    // A construct refusing its props is reported by the command that synthesises.
    return [];
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/**
 * The policy rules on the environments' stacks, synthesised in a temporary
 * folder that is removed afterwards: what `synth` would refuse (docs/policies.md).
 */
export async function checkPolicies(
  specs: readonly NetworkSpec[],
  root: string,
): Promise<{ table: string[]; blocking: number }> {
  const fs = await import("node:fs");
  const os = await import("node:os");
  const path = await import("node:path");
  const { synthesise } = await import("./synthesise.js");
  const { blockingFindings, formatFindingsTable } = await import("../policies/index.js");
  const { readProjectConfig } = await import("./project.js");
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "all2all-check-"));
  try {
    const { findings } = synthesise(specs, { outdir: tmp, context: readProjectConfig(root).context });
    return { table: formatFindingsTable(findings), blocking: blockingFindings(findings).length };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

export async function runCheck(opts: CheckOptions & { policies?: boolean }, io: Io, root?: string): Promise<number> {
  const config = configDirOf(opts, io);
  const specs = loadForCommand(opts, io);
  if (!specs) return ExitCode.badInput;
  const result = { specs };
  for (const spec of result.specs) {
    const env = spec.environment;
    const protection = env.protect ? "protected" : "unprotected";
    io.out(`${env.name}: ${env.location} (${env.network_zone}), ${protection}, state ${env.state.backend}`);
    io.out(`  ${summarize(spec).join(", ")}`);
  }
  io.out(`${config}: ${count(result.specs.length, "environment")} valid`);
  if (opts.policies === false || root === undefined) return ExitCode.ok;
  let policies: { table: string[]; blocking: number };
  try {
    policies = await checkPolicies(result.specs, root);
  } catch (err) {
    // A construct refuses bad props with a message meant for people (as synth reports it).
    io.err(`check: ${(err as Error).message}`);
    return ExitCode.failed;
  }
  for (const line of policies.table) io.out(line);
  if (policies.blocking > 0) {
    io.err(
      `check: ${count(policies.blocking, "policy error")} (above): synth would refuse this; fix ` +
        `them, or suppress one with a reason in config (docs/policies.md)`,
    );
    return ExitCode.failed;
  }
  return ExitCode.ok;
}
