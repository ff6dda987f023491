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
 * Exit codes: 0 nothing dangerous; 3 dangerous changes (CI can then require
 * an approval); 2 bad input (unknown ref, a ref that cannot be synthesised,
 * bad options or config); 1 an unexpected failure.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { configDirOf } from "./check";
import { catalogue, type Catalogue } from "../catalogue/catalogue";
import { compareOutputs } from "./diff/compare";
import { asCatalogue, withCosts } from "./diff/cost";
import { fileInCommit, repositoryOf, resolveCommit } from "./diff/git";
import { emitReport, parseFormat } from "./diff/output";
import { stackOrderOf, synthSide, type SideContext, type SideSpec } from "./diff/sides";
import { loadReplaceTables } from "./diff/tables";
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
  /** Configuration directory; default $ALL2ALL_CONFIG, else `defaultConfig`. Inside the repository, each ref's own copy is used. */
  readonly config?: string;
  readonly defaultConfig?: string;
}

export async function runDiff(options: DiffOptions, io: Io, root: string): Promise<number> {
  if (options.base === undefined || options.base.trim() === "") throw new InputError("diff: --base <git-ref> is required (e.g. --base origin/main)");
  const format = parseFormat(options.format);
  const tables = loadReplaceTables(root);
  const { top, prefix } = repositoryOf(root);
  const realRoot = fs.realpathSync(root);
  const configDir = path.resolve(io.cwd, configDirOf(options, io));
  const configReal = fs.existsSync(configDir) ? fs.realpathSync(configDir) : configDir;
  const rel = path.relative(realRoot, configReal);
  const configRel = rel !== "" && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel.split(path.sep).join("/") : undefined;
  const ctx: SideContext = {
    root: realRoot,
    top,
    prefix,
    configDir: configReal,
    configRel,
    env: options.env,
    processEnv: { ...process.env, ...Object.fromEntries(Object.entries(io.env).filter(([, v]) => v !== undefined)) },
    progress: (line) => io.err(line),
  };
  const baseSpec: SideSpec = { kind: "ref", ref: options.base };
  const headSpec: SideSpec = options.head === undefined ? { kind: "worktree" } : { kind: "ref", ref: options.head };
  const base = await synthSide(baseSpec, ctx, "base");
  const head = await synthSide(headSpec, ctx, "head");
  const compared = compareOutputs(base.output.docs, head.output.docs, tables, { stackOrder: stackOrderOf(base.output, head.output) });
  const notes = [...base.output.notes, ...head.output.notes];
  // Each side priced with its own catalogue (a base from before the catalogue existed: the head's).
  const catalogueOf = (spec: SideSpec): Catalogue | undefined => {
    if (spec.kind === "worktree") return catalogue();
    const text = fileInCommit(top, resolveCommit(top, spec.ref), `${prefix === "" ? "" : `${prefix}/`}catalogue/hetzner.json`);
    try {
      return text === undefined ? undefined : asCatalogue(JSON.parse(text));
    } catch {
      return undefined;
    }
  };
  const headCat = catalogueOf(headSpec) ?? catalogue();
  const baseCat = catalogueOf(baseSpec) ?? headCat;
  const { changes, cost } = withCosts(compared, base.output.docs, head.output.docs, baseCat, headCat);
  if (baseCat.taken !== headCat.taken || JSON.stringify(baseCat) !== JSON.stringify(headCat)) {
    notes.push(`the catalogue differs between base (taken ${baseCat.taken}) and head (taken ${headCat.taken}): each side is priced with its own, so the monthly cost delta includes price changes`);
  }
  if (configRel === undefined) notes.push(`the configuration ${configReal} is outside the repository: both sides read it as it is now, so only code differs`);
  const stacks = stackOrderOf(base.output, head.output);
  return emitReport(
    {
      command: "diff",
      base: base.name,
      head: head.name,
      stacks,
      changes,
      notes,
      cost,
    },
    format,
    options.out,
    io,
  );
}

