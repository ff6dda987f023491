/**
 * The one synthesis of the project: a loaded description in; the App built,
 * the policy pack applied, the stacks written by cdktn (with the
 * suppressions already in them), optionally validated against the provider
 * schemas, the findings out. `all2all synth`, `check`, `diff`, `rehearse`
 * (through synth), main.ts (the cdktn CLI's app) and the tests all call it,
 * so that there is one order of the steps:
 *
 *   build → policies (an aspect) → app.synth() → finish (reads only) → validate
 *
 * It writes only into `outdir`, through cdktn; what to do with the output
 * (move it into place, print the table, refuse it) is the caller's.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { applyPolicies, type Finding, type PolicyRun } from "../policies";
import type { NetworkSpec } from "../description";
import { buildApp, type BuildAppOptions, type BuiltApp } from "../stacks/app";
import { validateSynthOutput, type Problem, type ProviderSchemas } from "../validate";

export interface SynthesiseOptions extends BuildAppOptions {
  /**
   * Validate the written stacks against these provider schemas.
   * @default no validation
   */
  readonly schemas?: ProviderSchemas;
  /** Adds or changes constructs after the stacks are built, before the policies are applied (tests). */
  readonly extend?: (built: BuiltApp) => void;
}

/** What a synthesis gives back. */
export interface Synthesis {
  readonly built: BuiltApp;
  /** Where cdktn wrote (manifest.json, stacks/<stack>/cdk.tf.json). */
  readonly outdir: string;
  /** Every written stack's cdk.tf.json, parsed, by stack name (sorted by name). */
  readonly stacks: ReadonlyMap<string, unknown>;
  /** Every finding of the policy pack, suppressed ones included, sorted (policies' `finish`). */
  readonly findings: Finding[];
  /** The schema validation, when schemas were given: the stacks validated and every problem. */
  readonly validation?: { readonly stacks: readonly string[]; readonly problems: readonly Problem[] };
  /** The policy run (its models, for tests and benchmarks). */
  readonly run: PolicyRun;
}

/**
 * A construct that refused its props, or a validation of cdktn's own, while
 * the App was built or written: its message is meant for people. Other
 * errors (a bug) are thrown as they are.
 */
export class SynthesisError extends Error {
  constructor(cause: Error) {
    super(cause.message, { cause });
    this.name = "SynthesisError";
  }
}

/**
 * Builds the App of `specs`, applies the policy pack, synthesises it into
 * `options.outdir` (default: cdktn's, `cdktf.out`), validates it when
 * schemas are given, and finishes the policy run on what was written. Throws
 * a SynthesisError when building or writing fails. Policy errors and
 * validation problems are returned, not thrown: the caller decides.
 */
export function synthesise(specs: readonly NetworkSpec[], options: SynthesiseOptions = {}): Synthesis {
  const { schemas, extend, ...buildOptions } = options;
  let built: BuiltApp;
  let run: PolicyRun;
  try {
    built = buildApp(specs, buildOptions);
    extend?.(built);
    run = applyPolicies(built.app, built.environments);
    built.app.synth();
  } catch (err) {
    throw new SynthesisError(err as Error);
  }
  const outdir = built.app.outdir;
  const stacks = new Map<string, unknown>();
  let validation: Synthesis["validation"];
  if (schemas !== undefined) {
    const collected = new Map<string, unknown>();
    validation = validateSynthOutput(outdir, schemas, (stack, doc) => collected.set(stack, doc));
    for (const name of [...collected.keys()].sort()) stacks.set(name, collected.get(name));
  } else {
    const dir = path.join(outdir, "stacks");
    for (const name of fs.existsSync(dir) ? fs.readdirSync(dir).sort() : []) {
      const file = path.join(dir, name, "cdk.tf.json");
      if (fs.existsSync(file)) stacks.set(name, JSON.parse(fs.readFileSync(file, "utf8")));
    }
  }
  const findings = run.finish(outdir, stacks);
  return { built, outdir, stacks, findings, ...(validation ? { validation } : {}), run };
}
