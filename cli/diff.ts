/**
 * `all2all diff --base <git-ref> [--head <git-ref>]`: what a change to this
 * repository would do to the infrastructure, without credentials. Both sides
 * are synthesised (the head defaults to the working tree; a ref is exported
 * with `git archive` and synthesised with its own code, see
 * cli/diff/sides.ts), then compared stack by stack: resources added,
 * removed, replaced and changed, with attribute paths and values (secrets
 * masked), dangerous changes first (see cli/diff/classify.ts and
 * docs/review.md).
 *
 * Beside the stacks: the zones served from a hidden primary (secondary mode
 * at Hetzner), whose records are in its zone files, not in the stacks, are
 * rendered by each side's own `all2all zonefile --knot` and compared
 * (cli/diff/zones.ts); and the digest of the head's stacks per environment
 * (cli/digest.ts), which `all2all plan|deploy --expect-digest` checks.
 *
 * Before anything, the working tree's compiled code must be the build of its
 * sources: when it is stale, the working tree is built and the diff runs
 * again with the new code (cli/diff/fresh.ts).
 *
 * Exit codes: 0 nothing dangerous; 3 dangerous changes (CI can then require
 * an approval); 4 the head cannot be synthesised: `all2all synth` refuses
 * it (configuration, synthesis, validation or policy errors, listed first;
 * before 3); 2 bad input (unknown ref, a base that cannot be synthesised,
 * a working tree that does not build, bad options or config); 1 an
 * unexpected failure.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { configDirOf } from "./check";
import { catalogue, type Catalogue } from "../catalogue/catalogue";
import { compareOutputs } from "./diff/compare";
import { asCatalogue, withCosts } from "./diff/cost";
import { fileInCommit, repositoryOf, resolveCommit } from "./diff/git";
import { ensureCurrentBuild, REBUILT_ENV } from "./diff/fresh";
import { emitReport, parseFormat } from "./diff/output";
import {
  renderZones,
  stackOrderOf,
  synthSide,
  zoneEpoch,
  type Side,
  type SideContext,
  type SideOutput,
  type SideSpec,
} from "./diff/sides";
import { loadReplaceTables, type ReplaceTables } from "./diff/tables";
import { compareZones, environmentOfStack } from "./diff/zones";
import type { Change, DiffReport, ZonesReport } from "./diff/change-types";
import { stacksDigest } from "./digest";
import { InputError } from "./errors";
import type { Io } from "./io";

export interface DiffOptions {
  /** The git ref to compare against (required). */
  readonly base?: string;
  /** The git ref of the change; default the working tree. */
  readonly head?: string;
  /** `md` (default) or `json`. */
  readonly format?: string;
  /** Write the report to this file (atomically) instead of standard output. */
  readonly out?: string;
  /** Compare one environment's stacks only. */
  readonly env?: string;
  /**
   * Configuration directory; default $ALL2ALL_CONFIG, else `defaultConfig`. Inside the repository, each ref's own copy
   * is used.
   */
  readonly config?: string;
  readonly defaultConfig?: string;
}

/** The command line that runs these options again (after building the working tree). */
function argvOf(options: DiffOptions): string[] {
  const pairs: [string, string | undefined][] = [
    ["--base", options.base],
    ["--head", options.head],
    ["--format", options.format],
    ["--out", options.out],
    ["--env", options.env],
    ["--config", options.config],
  ];
  return pairs.flatMap(([flag, value]) => (value === undefined ? [] : [flag, value]));
}

/** Per environment, the digest of the head's stacks: what `all2all synth` writes for it (cli/digest.ts). */
export function digestsOf(docs: ReadonlyMap<string, unknown>): Record<string, string> {
  const byEnv = new Map<string, [string, unknown][]>();
  for (const [name, doc] of docs) {
    const env = environmentOfStack(name);
    byEnv.set(env, [...(byEnv.get(env) ?? []), [name, doc]]);
  }
  return Object.fromEntries([...byEnv.keys()].sort().map((env) => [env, stacksDigest(byEnv.get(env)!)]));
}

/** The environments a side's stacks belong to. */
function environmentsOf(side: SideOutput): string[] {
  return [...new Set([...side.docs.keys()].map(environmentOfStack))].sort();
}

/** What both sides are synthesised with: the repository, the configuration (inside the repository or not). */
function sideContextOf(options: DiffOptions, io: Io, root: string, processEnv: NodeJS.ProcessEnv): SideContext {
  const { top, prefix } = repositoryOf(root);
  const realRoot = fs.realpathSync(root);
  const configDir = path.resolve(io.cwd, configDirOf(options, io));
  const configReal = fs.existsSync(configDir) ? fs.realpathSync(configDir) : configDir;
  const rel = path.relative(realRoot, configReal);
  const configRel =
    rel !== "" && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel.split(path.sep).join("/") : undefined;
  return {
    root: realRoot,
    top,
    prefix,
    configDir: configReal,
    configRel,
    env: options.env,
    processEnv,
    progress: (line) => io.err(line),
  };
}

/** The note of a diff run again after building the working tree (cli/diff/fresh.ts), else none. */
function rebuiltNotes(io: Io): string[] {
  return io.env[REBUILT_ENV] === "1"
    ? [
        "the working tree's compiled code was older than its sources: it was built " +
          "first (npm run build), and this diff ran with the new build",
      ]
    : [];
}

/** The report of a head that synth refuses before it writes any stack: its errors, nothing compared. */
function refusedReport(baseRef: string, ctx: SideContext, head: Side, rebuilt: readonly string[]): DiffReport {
  const commit = resolveCommit(ctx.top, baseRef);
  return {
    command: "diff",
    base: `${baseRef} (${commit.slice(0, 10)})`,
    head: head.name,
    stacks: [],
    changes: [],
    notes: [...rebuilt, ...head.output.notes],
    refusal: { errors: head.output.refusals ?? [] },
    digests: {},
  };
}

/** A side's own catalogue: the working tree's, or its commit's (undefined when it has none, or not as JSON). */
function catalogueOf(spec: SideSpec, ctx: SideContext): Catalogue | undefined {
  if (spec.kind === "worktree") return catalogue();
  const { top, prefix } = ctx;
  const text = fileInCommit(
    top,
    resolveCommit(top, spec.ref),
    `${prefix === "" ? "" : `${prefix}/`}catalogue/hetzner.json`,
  );
  try {
    return text === undefined ? undefined : asCatalogue(JSON.parse(text));
  } catch {
    return undefined;
  }
}

/** The changes priced, each side with its own catalogue (a base from before the catalogue existed: the head's). */
function pricedChanges(
  compared: readonly Change[],
  sides: { readonly base: Side; readonly head: Side },
  specs: { readonly base: SideSpec; readonly head: SideSpec },
  ctx: SideContext,
  notes: string[],
): ReturnType<typeof withCosts> {
  const headCat = catalogueOf(specs.head, ctx) ?? catalogue();
  const baseCat = catalogueOf(specs.base, ctx) ?? headCat;
  const priced = withCosts(compared, sides.base.output.docs, sides.head.output.docs, baseCat, headCat);
  if (baseCat.taken !== headCat.taken || JSON.stringify(baseCat) !== JSON.stringify(headCat)) {
    notes.push(
      `the catalogue differs between base (taken ${baseCat.taken}) and head (taken ${headCat.taken}): each ` +
        `side is priced with its own, so the monthly cost delta includes price changes`,
    );
  }
  return priced;
}

/**
 * The self-hosted zones: each side rendered by its own code, the head's
 * files over the base's (the serial changes with the content only);
 * undefined, with a note, when they cannot be rendered and compared.
 */
async function comparedZones(
  base: Side,
  head: Side,
  zonesDir: string,
  processEnv: NodeJS.ProcessEnv,
  notes: string[],
): Promise<ZonesReport | undefined> {
  try {
    const epoch = zoneEpoch(processEnv);
    // Each side into its own folder, the head's started from the base's files.
    const render = (side: Side, role: "base" | "head", previous: string | undefined) =>
      renderZones(
        side,
        environmentsOf(side.output),
        path.join(zonesDir, role),
        previous,
        epoch,
        `${role} ${side.name}`,
      );
    const baseZones = await render(base, "base", undefined);
    const headZones = await render(head, "head", path.join(zonesDir, "base"));
    return compareZones(baseZones, headZones, head.output.docs);
  } catch (err) {
    notes.push(`the zone files could not be rendered and compared: ${(err as Error).message}`);
    return undefined;
  }
}

/** Both sides synthesised, compared: their stacks' changes priced, their self-hosted zones, the head's digests. */
async function comparedReport(
  sides: { readonly base: Side; readonly head: Side },
  specs: { readonly base: SideSpec; readonly head: SideSpec },
  ctx: SideContext,
  tables: ReplaceTables,
  rebuilt: readonly string[],
  zonesDir: string,
): Promise<DiffReport> {
  const { base, head } = sides;
  const compared = compareOutputs(base.output.docs, head.output.docs, tables, {
    stackOrder: stackOrderOf(base.output, head.output),
  });
  const notes = [...rebuilt, ...base.output.notes, ...head.output.notes];
  const { changes, cost } = pricedChanges(compared, sides, specs, ctx, notes);
  if (ctx.configRel === undefined)
    notes.push(
      `the configuration ${ctx.configDir} is outside the repository: both ` +
        `sides read it as it is now, so only code differs`,
    );
  const stacks = stackOrderOf(base.output, head.output);
  const zones = await comparedZones(base, head, zonesDir, ctx.processEnv, notes);
  const refusals = head.output.refusals ?? [];
  return {
    command: "diff",
    base: base.name,
    head: head.name,
    stacks,
    changes,
    notes,
    cost,
    refusal: { errors: refusals },
    ...(zones !== undefined ? { zones } : {}),
    // What was reviewed, for `plan|deploy --expect-digest`; none for a head synth refuses (it writes nothing).
    digests: refusals.length > 0 ? {} : digestsOf(head.output.docs),
  };
}

export async function runDiff(options: DiffOptions, io: Io, root: string): Promise<number> {
  if (options.base === undefined || options.base.trim() === "")
    throw new InputError("diff: --base <git-ref> is required (e.g. --base origin/main)");
  const format = parseFormat(options.format);
  const processEnv: NodeJS.ProcessEnv = {
    ...process.env,
    ...Object.fromEntries(Object.entries(io.env).filter(([, v]) => v !== undefined)),
  };
  // Never stale: the working tree's code is this process's; a build older than its sources is built first.
  const again = await ensureCurrentBuild(root, argvOf(options), io, processEnv);
  if (again !== undefined) return again;
  const tables = loadReplaceTables(root);
  const ctx = sideContextOf(options, io, root, processEnv);
  const specs: { base: SideSpec; head: SideSpec } = {
    base: { kind: "ref", ref: options.base },
    head: options.head === undefined ? { kind: "worktree" } : { kind: "ref", ref: options.head },
  };
  const rebuilt = rebuiltNotes(io);
  const sides: Side[] = [];
  const zonesDir = fs.mkdtempSync(path.join(os.tmpdir(), "all2all-diff-zones-"));
  try {
    // The head first: when synth refuses it before writing any stack, there is nothing to compare it with.
    const head = await synthSide(specs.head, ctx, "head");
    sides.push(head);
    if ((head.output.refusals ?? []).length > 0 && head.output.docs.size === 0)
      return emitReport(refusedReport(options.base, ctx, head, rebuilt), format, options.out, io);
    const base = await synthSide(specs.base, ctx, "base");
    sides.push(base);
    const report = await comparedReport({ base, head }, specs, ctx, tables, rebuilt, zonesDir);
    return emitReport(report, format, options.out, io);
  } finally {
    for (const side of sides) side.dispose();
    fs.rmSync(zonesDir, { recursive: true, force: true });
  }
}
