/**
 * Synthesising one side of `all2all diff` into a temporary directory.
 *
 * - The working tree: in this process, with the project's compiled code
 *   (as `all2all synth` does), its config and its cdktf.json.
 * - A git ref: checked out in a git worktree kept between runs
 *   (worktree.ts; a temporary one when another run holds it). When its code
 *   (everything but config, docs and tests) is the working tree's, its
 *   config is synthesised in this process like the working tree's, since the
 *   same code gives the same output. Otherwise it is built and synthesised
 *   with its own code: the current node_modules is linked in when its
 *   package-lock.json is the same (else `npm ci`, slow and needing the npm
 *   registry), `npm run build` (the normal incremental build, whose output
 *   and build info stay in the worktree, so that it compiles only what
 *   changed since the ref built there last), then its own
 *   `all2all synth --out … --no-validate`. A ref whose synth refuses its
 *   output because of policy errors is synthesised again through its
 *   compiled modules, without the refusal, so that the diff still shows
 *   what it would do.
 * - A configuration synthesised in this process is not synthesised again
 *   when its files, environment and cdktf.json context are the same (an
 *   unchanged tree, a change of docs or tests only): same code, same inputs,
 *   same output.
 *
 * Policy errors never stop a side here: the diff reports what a change
 * would do, and says when synth would refuse it. The head is checked as
 * `all2all synth` checks it (configuration, synthesis, schema validation,
 * policy errors: its `refusals`, which make the diff exit 4); a base only
 * gets a note.
 *
 * A side also renders its zone files with its own code (renderZones): the
 * working tree and a ref of the same code with this process's `all2all
 * zonefile`, a built copy with its own command (kept until the side is
 * disposed of).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { InputError } from "../errors";
import { inputsDigest } from "./config-digest";

import type { StackDocument } from "./blocks";
import { existsInCommit, resolveCommit, sameAsWorkingTree } from "./git";
import { checkoutRef, type RefCheckout } from "./worktree";
import type { RefusalError } from "./change-types";
import { deploymentOrder } from "./sort";

import { buildAndSynth, copyEnv } from "./built-ref";
import {
  emptySide,
  readSynthOutput,
  refusedSide,
  configurationErrors,
  policyError,
  policyNote,
  NOT_CODE,
  type BlockingFinding,
  type Side,
  type SideContext,
  type SideOutput,
  type SideSpec,
} from "./side-output";
export {
  configurationErrors,
  readSynthOutput,
  synthErrors,
  type Side,
  type SideContext,
  type SideOutput,
  type SideSpec,
  type ZoneRenderer,
} from "./side-output";
export { renderZones, zoneEpoch } from "./side-zones";

/**
 * Synthesises a configuration with the code of this process, policy errors
 * reported but not refused. `root` gives cdktf.json (the App's context).
 */
export async function synthHere(
  root: string,
  configDir: string,
  env: string | undefined,
  label: string,
  cwd: string,
  options: { readonly refuse?: boolean } = {},
): Promise<SideOutput> {
  // Loaded on demand: plan-summary and the tests of the comparison never load cdktn.
  const { loadNetwork, formatConfigProblems } = await import("../../description/index.js");
  const { SynthesisError, synthesise } = await import("../synthesise.js");
  const { blockingFindings } = await import("../../policies/index.js");
  const { readProjectConfig } = await import("../project.js");
  const project = readProjectConfig(root);
  const context = project.context;
  const key = inputsDigest(path.resolve(cwd, configDir), env, context);
  const done = key !== undefined ? synthesised.get(key) : undefined;
  if (done !== undefined)
    return sideOf(await withValidation(done, project.schemaFiles, options.refuse), label, options.refuse);
  // Problems name files relative to the project when the configuration is in it (config/network.yaml:41:17).
  const inside = path.relative(cwd, path.resolve(cwd, configDir));
  const shown = inside !== "" && !inside.startsWith("..") && !path.isAbsolute(inside) ? inside : configDir;
  const loaded = loadNetwork(shown, { env, cwd });
  if (!loaded.ok) {
    const lines = formatConfigProblems(loaded.problems);
    if (options.refuse) return refusedSide(configurationErrors(lines));
    throw new InputError(`${label}: the configuration does not load:\n${lines.join("\n")}`);
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "all2all-diff-out-"));
  try {
    const outdir = path.join(tmp, "cdktf.out");
    let findings: import("../../policies/index.js").Finding[];
    try {
      ({ findings } = synthesise(loaded.specs, { outdir, context }));
    } catch (err) {
      if (!(err instanceof SynthesisError)) throw err;
      if (options.refuse) return refusedSide([{ kind: "synth", message: err.message }]);
      throw new InputError(`${label}: synth fails: ${err.message}`);
    }
    const blocking = blockingFindings(findings).map((f) => ({
      rule: f.rule,
      stack: f.stack,
      address: f.address,
      message: f.message,
    }));
    const result: Synthesised = { ...readSynthOutput(outdir), blocking };
    if (key !== undefined) {
      synthesised.set(key, result);
      for (const old of synthesised.keys()) if (synthesised.size > SYNTHESISED_KEPT) synthesised.delete(old);
    }
    return sideOf(await withValidation(result, project.schemaFiles, options.refuse), label, options.refuse);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * The schema validation `all2all synth` does (providers/<name>/schema.json of
 * `root`), on a result of synthHere: its errors, once per result.
 */
async function withValidation(
  result: Synthesised,
  schemaFiles: readonly string[],
  wanted: boolean | undefined,
): Promise<Synthesised> {
  if (!wanted || result.validation !== undefined) return result;
  const { validateStack, formatProblem } = await import("../../validate/index.js");
  const { loadSchemas } = await import("../validate.js");
  const schemas = loadSchemas(schemaFiles);
  const validation: string[] = [];
  for (const [name, doc] of result.docs)
    for (const p of validateStack(name, doc, schemas)) if (p.severity === "error") validation.push(formatProblem(p));
  (result as { validation?: readonly string[] }).validation = validation;
  return result;
}

/**
 * What synthHere makes of some inputs: the stacks, the unsuppressed policy errors and (once asked) the schema
 * validation's errors.
 */
interface Synthesised {
  readonly docs: ReadonlyMap<string, StackDocument>;
  readonly dependencies: ReadonlyMap<string, string[]>;
  readonly blocking: readonly BlockingFinding[];
  readonly validation?: readonly string[];
}

/**
 * The sides synthHere made in this process, by the digest of their inputs
 * (inputsDigest): a base whose configuration is the working tree's (a
 * change of docs or tests only, or none) is synthesised once, not twice.
 * The last few only.
 */
const synthesised = new Map<string, Synthesised>();
const SYNTHESISED_KEPT = 4;

function sideOf(s: Synthesised, label: string, refuse: boolean | undefined): SideOutput {
  const refusals: RefusalError[] = refuse
    ? [
        ...(s.validation ?? []).map((message): RefusalError => ({ kind: "validation", message })),
        ...s.blocking.map(policyError),
      ]
    : [];
  return {
    docs: new Map(s.docs),
    dependencies: new Map([...s.dependencies].map(([k, v]) => [k, [...v]])),
    notes:
      s.blocking.length > 0
        ? [
            policyNote(
              label,
              s.blocking.map((f) => f.rule),
            ),
          ]
        : [],
    ...(refuse ? { refusals } : {}),
  };
}

export async function synthRef(
  commit: string,
  label: string,
  ctx: SideContext,
  options: { readonly refuse?: boolean; readonly role?: string } = {},
): Promise<Omit<Side, "name">> {
  const projectPath = (rel: string): string => (ctx.prefix === "" ? rel : `${ctx.prefix}/${rel}`);
  if (!existsInCommit(ctx.top, commit, projectPath("cdktf.json"))) {
    throw new InputError(
      `${label} cannot be synthesised: it has no ${projectPath("cdktf.json")} (the ref predates this project)`,
    );
  }
  if (ctx.configRel !== undefined && !existsInCommit(ctx.top, commit, projectPath(ctx.configRel))) {
    throw new InputError(
      `${label} cannot be synthesised: it has no ${projectPath(ctx.configRel)}/ (the ref predates the configuration)`,
    );
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "all2all-diff-"));
  let checkout: RefCheckout | undefined;
  const dispose = (): void => {
    fs.rmSync(tmp, { recursive: true, force: true });
    checkout?.release();
    checkout = undefined;
  };
  try {
    checkout = checkoutRef(ctx.top, commit, options.role ?? "base");
    const tree = ctx.prefix === "" ? checkout.dir : path.join(checkout.dir, ctx.prefix);
    const configDir = ctx.configRel !== undefined ? path.join(tree, ctx.configRel) : ctx.configDir;
    if (
      ctx.env !== undefined &&
      ctx.configRel !== undefined &&
      !fs.existsSync(path.join(configDir, "environments", `${ctx.env}.yaml`))
    ) {
      dispose();
      return {
        output: emptySide(
          `${label} has no environment ${ctx.env} ` +
            `(no ${ctx.configRel}/environments/${ctx.env}.yaml): everything in it ` +
            `is new`,
        ),
        zones: { kind: "none", reason: `it has no environment ${ctx.env}` },
        dispose: () => undefined,
      };
    }
    if (
      sameAsWorkingTree(ctx.root, commit, [
        ...NOT_CODE,
        ...(ctx.configRel !== undefined ? [`${ctx.configRel}/**`] : []),
      ])
    ) {
      const side = await synthHere(tree, configDir, ctx.env, label, tree, options);
      return {
        output: {
          ...side,
          notes: [
            `${label} was synthesised with the working tree's compiled code (its ` +
              `code is the same; only config, docs or tests differ)`,
            ...side.notes,
          ],
        },
        zones: { kind: "here", configDir, cwd: tree },
        dispose,
      };
    }
    const output = buildAndSynth(tree, tmp, configDir, label, ctx, {
      ...options,
      kept: checkout.kept,
      cache: checkout.cache,
    });
    return { output, zones: { kind: "copy", tree, configDir, env: copyEnv(ctx) }, dispose };
  } catch (err) {
    dispose();
    throw err;
  }
}

/**
 * Synthesises one side. `name` is what the report calls it (`HEAD~1
 * (1a2b3c4d5e)`, `the working tree`); messages say `base HEAD~1 (…)`. The
 * head is checked as `all2all synth` checks it (its `refusals`); a base
 * that synth refuses for policy errors is only noted.
 */
export async function synthSide(spec: SideSpec, ctx: SideContext, role: "base" | "head"): Promise<Side> {
  const refuse = role === "head";
  if (spec.kind === "worktree") {
    const name = "the working tree";
    if (
      refuse &&
      ctx.env !== undefined &&
      ctx.configRel !== undefined &&
      !fs.existsSync(path.join(ctx.configDir, "environments", `${ctx.env}.yaml`))
    ) {
      throw new InputError(
        `the working tree has no environment ${ctx.env} (no ${ctx.configRel}/environments/${ctx.env}.yaml)`,
      );
    }
    const output = await synthHere(ctx.root, ctx.configDir, ctx.env, `${role} (${name})`, ctx.root, { refuse });
    return { output, name, zones: { kind: "here", configDir: ctx.configDir, cwd: ctx.root }, dispose: () => undefined };
  }
  const commit = resolveCommit(ctx.top, spec.ref);
  const name = `${spec.ref} (${commit.slice(0, 10)})`;
  return { ...(await synthRef(commit, `${role} ${name}`, ctx, { refuse, role })), name };
}

/** Stack order of the two sides together. */
export function stackOrderOf(...sides: SideOutput[]): string[] {
  const deps = new Map<string, string[]>();
  for (const side of sides)
    for (const [name, d] of side.dependencies) deps.set(name, [...new Set([...(deps.get(name) ?? []), ...d])]);
  return deploymentOrder(deps);
}
