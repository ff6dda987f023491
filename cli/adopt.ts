/**
 * `all2all adopt --env NAME [--config DIR] [--dry-run]`: finds, through the
 * Hetzner APIs, the resources of an environment that already exist, and
 * writes their import ids into the environment's adoption file
 * (config/adopt/<env>.yaml, description/adopt.ts), to be reviewed and committed;
 * synth then writes `import` blocks and the plan adopts them.
 *
 * Steps: load the description, synthesise it in memory (a temporary folder,
 * removed), list what exists in the project (Cloud API and storage box API,
 * token from HCLOUD_TOKEN, endpoints HCLOUD_ENDPOINT / HETZNER_ENDPOINT),
 * match each resource the stacks would create by its Hetzner name (SSH keys
 * by public key first; primary IPs through their server; subnets, routes,
 * attachments, record sets and subaccounts through their parent), and
 * write the file atomically. Nothing at Hetzner is changed.
 *
 * Exit codes: 0 written (or printed with --dry-run); 1 an API call failed;
 * 2 bad input: configuration, no HCLOUD_TOKEN, or a name that matches two
 * resources (both ids are printed; nothing is written).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ADOPT_DIR, formatAdoption, type AdoptConcern } from "../description";
import { writeFileAtomic } from "../primitives/atomic";
import { configDirOf, loadForCommand, type CheckOptions } from "./check";
import { ExitCode, type Io } from "./io";
import { readProjectConfig } from "./project";
import { ApiFailure, fetchGet, listExisting, type ApiGet, type Existing } from "./adopt/api";
import { matchExisting, type Lookup, type StackDoc } from "./adopt/match";

export {
  DEFAULT_CLOUD_ENDPOINT,
  DEFAULT_HETZNER_ENDPOINT,
  fetchGet,
  listExisting,
  type Api,
  type ApiGet,
  type Existing,
} from "./adopt/api";
export { matchExisting, type Lookup, type Match, type StackDoc } from "./adopt/match";

export interface AdoptOptions extends CheckOptions {
  /** Print the file instead of writing it. */
  readonly dryRun?: boolean;
}

export interface AdoptDeps {
  /** Answers GET requests; default: Node's fetch against the endpoints of the environment variables. */
  readonly get?: ApiGet;
}

/** Synthesises the environment into a temporary folder (removed) and reads its stacks. */
function synthStacks(
  spec: Parameters<typeof import("../stacks/app.js").buildApp>[0][number],
  root: string,
): StackDoc[] {
  const { buildApp } = require("../stacks/app") as typeof import("../stacks/app.js");
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "all2all-adopt-"));
  try {
    const built = buildApp([spec], { outdir: tmp, context: readProjectConfig(root).context });
    built.app.synth();
    const env = spec.environment.name;
    return (["network", "servers", "dns", "backup"] as const).map((concern) => {
      const name = `${env}-${concern}`;
      const doc = JSON.parse(fs.readFileSync(path.join(tmp, "stacks", name, "cdk.tf.json"), "utf8")) as {
        resource?: StackDoc["resources"];
        import?: { to: string }[];
      };
      return { concern, name, resources: doc.resource ?? {}, imported: new Set((doc.import ?? []).map((i) => i.to)) };
    });
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

export async function runAdopt(opts: AdoptOptions, io: Io, root: string, deps: AdoptDeps = {}): Promise<number> {
  const env = opts.env?.trim();
  if (env === undefined || env === "") {
    io.err(
      "adopt: --env is required: adoption looks up one environment's " +
        "resources in its Hetzner project (e.g. --env production)",
    );
    return ExitCode.badInput;
  }
  const token = io.env.HCLOUD_TOKEN;
  if (deps.get === undefined && (token === undefined || token.trim() === "")) {
    io.err(
      "adopt: HCLOUD_TOKEN is not set: export the API token of the environment's " +
        "Hetzner project (read access is enough), then run adopt again",
    );
    return ExitCode.badInput;
  }
  const specs = loadForCommand({ ...opts, env }, io);
  if (!specs) return ExitCode.badInput;
  const spec = specs[0]!;
  let stacks: StackDoc[];
  try {
    // Without the current adoption file: its imports are what is being redone.
    stacks = synthStacks({ ...spec, adoption: undefined }, root);
  } catch (err) {
    io.err(`adopt: synth: ${(err as Error).message}`);
    return ExitCode.failed;
  }
  const total = stacks.reduce(
    (n, s) => n + Object.values(s.resources).reduce((m, r) => m + Object.keys(r).length, 0),
    0,
  );
  io.out(
    `adopt: ${env}: ${total} resources in ${stacks.length} stacks; looking them up in the project of HCLOUD_TOKEN`,
  );
  let existing: Existing;
  try {
    existing = await listExisting(deps.get ?? fetchGet(io.env, token!));
  } catch (err) {
    io.err(
      `adopt: ${err instanceof ApiFailure ? err.message : `the API could not be reached: ${(err as Error).message}`}`,
    );
    io.err("adopt: nothing written");
    return ExitCode.failed;
  }
  const lookup = matchExisting(stacks, existing);
  if (lookup.conflicts.length > 0) {
    for (const c of lookup.conflicts) io.err(`adopt: ${c}`);
    io.err(
      `adopt: ${lookup.conflicts.length} name${lookup.conflicts.length === 1 ? "" : "s"} ` +
        `match${lookup.conflicts.length === 1 ? "es" : ""} more than one resource: nothing written`,
    );
    return ExitCode.badInput;
  }
  printLookup(env, lookup, io);

  const configDir = path.resolve(io.cwd, configDirOf(opts, io));
  const file = path.join(configDir, ADOPT_DIR, `${env}.yaml`);
  const shown = path.relative(io.cwd, file) || file;
  const text = formatAdoption(env, lookup.matches);
  if (opts.dryRun === true) {
    io.out(`--dry-run: ${shown} not written; it would hold:`);
    for (const line of text.trimEnd().split("\n")) io.out(`  ${line}`);
    return ExitCode.ok;
  }
  writeFileAtomic(file, text);
  io.out(
    `wrote ${shown} (${lookup.matches.length} entr${lookup.matches.length === 1 ? "y" : "ies"}): review it, ` +
      `then all2all synth --env ${env} and all2all plan --env ${env} (only imports expected)`,
  );
  return ExitCode.ok;
}

/** What the lookup found, for the operator: to import, to create, adopted already, and left alone. */
function printLookup(env: string, lookup: Lookup, io: Io): void {
  const stackName = (c: AdoptConcern) => `${env}-${c}`;
  const width = Math.max(0, ...lookup.matches.map((m) => m.address.length));
  io.out(`matched, to import (${lookup.matches.length}):`);
  for (const m of lookup.matches)
    io.out(
      `  ${stackName(m.concern).padEnd(env.length + 8)} ${m.address.padEnd(width)}  ${m.id.padEnd(8)}  ${m.matched}`,
    );
  io.out(`not found, to create (${lookup.notFound.length}):`);
  for (const n of lookup.notFound) io.out(`  ${stackName(n.concern).padEnd(env.length + 8)} ${n.address}: ${n.why}`);
  if (lookup.overlay.length > 0) {
    io.out(`already adopted by the overlay's import_id (${lookup.overlay.length}), left out of the file:`);
    for (const a of lookup.overlay) io.out(`  ${a}`);
  }
  io.out(
    `in the project but not in the config (${lookup.unmanaged.length}): left alone, never ` +
      `destroyed; describe them in config or delete them in the Console`,
  );
  for (const u of lookup.unmanaged) io.out(`  ${u}`);
}
