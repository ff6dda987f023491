/**
 * What `all2all plan|deploy` reads of a synthesised output (cdktf.out): the
 * stacks of one environment from manifest.json, in dependency order, and the
 * facts of each stack's cdk.tf.json that decide what the operator must
 * provide (state backend, variables without a default).
 */
import { didYouMean } from "../../description/catalogue";
import * as fs from "node:fs";
import * as path from "node:path";
import { STACK_CONCERNS } from "../inventory/items";
import { dependencyOrder } from "../synth";

export interface SynthStack {
  readonly name: string;
  /** The stack's working directory, absolute: where tofu runs. */
  readonly dir: string;
  /** Its cdk.tf.json, absolute. */
  readonly file: string;
  readonly dependencies: string[];
}

export interface StackVariable {
  readonly name: string;
  readonly description?: string;
  /** No default: tofu needs a value (TF_VAR_<name>), and with -input=false it stops without one. */
  readonly required: boolean;
  /** Declared sensitive: its value is masked in plan.json. */
  readonly sensitive?: boolean;
}

export interface StackFacts {
  /** The state backend type (`s3`, `local`, …), or undefined when the stack names none (local state). */
  readonly backend?: string;
  /** For an s3 backend: the bucket, for messages. */
  readonly bucket?: string;
  readonly variables: readonly StackVariable[];
  /** The stack has OpenTofu's `encryption` block (state and plans encrypted). */
  readonly encrypted?: boolean;
}

/** A problem with the synthesised output: the command exits 2 with this message. */
export class OutputProblem extends Error {}

interface ManifestEntry {
  name?: string;
  synthesizedStackPath?: string;
  workingDirectory?: string;
  dependencies?: string[];
}

function synthHint(env: string): string {
  return `run \`all2all synth --env ${env}\` (or \`npm run synth\`) first`;
}

/**
 * The stacks of environment `env` in `outDir`, in deployment order. Refuses
 * (OutputProblem) a missing or unreadable manifest and an output without all
 * of the environment's stacks.
 */
export function environmentStacks(outDir: string, outLabel: string, env: string): SynthStack[] {
  const manifestFile = path.join(outDir, "manifest.json");
  if (!fs.existsSync(manifestFile)) {
    throw new OutputProblem(
      `no synthesised output in ${outLabel} (${path.join(outLabel, "manifest.json")} is missing): ${synthHint(env)}`,
    );
  }
  let manifest: { stacks?: Record<string, ManifestEntry> };
  try {
    manifest = JSON.parse(fs.readFileSync(manifestFile, "utf8"));
  } catch (err) {
    throw new OutputProblem(
      `${path.join(outLabel, "manifest.json")} is not readable JSON (${(err as Error).message}): ${synthHint(env)}`,
    );
  }
  const entries = Object.entries(manifest.stacks ?? {});
  const wanted = STACK_CONCERNS.map((c) => `${env}-${c}`);
  const found = entries.filter(([name]) => wanted.includes(name));
  if (found.length === 0) {
    const envs = [...new Set(entries.map(([name]) => name.replace(/-[^-]+$/, "")))].sort();
    throw new OutputProblem(
      `${outLabel} holds no stack of environment ${env} (it holds ` +
        (envs.length > 0 ? `environments ${envs.join(", ")}` : "no stacks") +
        (envs.length > 0 && didYouMean(env, envs) ? `; ${didYouMean(env, envs)}` : "") +
        `): ${synthHint(env)}`,
    );
  }
  const missing = wanted.filter((name) => !found.some(([n]) => n === name));
  if (missing.length > 0) {
    throw new OutputProblem(`${outLabel} lacks ${missing.join(", ")} of environment ${env}: ${synthHint(env)}`);
  }
  const stacks = found.map(([name, entry]) => {
    const dir = path.join(outDir, entry.workingDirectory ?? path.join("stacks", name));
    const file = path.join(outDir, entry.synthesizedStackPath ?? path.join("stacks", name, "cdk.tf.json"));
    if (!fs.existsSync(file))
      throw new OutputProblem(`${path.relative(outDir, file)} is missing in ${outLabel}: ${synthHint(env)}`);
    return { name, dir, file, dependencies: [...(entry.dependencies ?? [])] };
  });
  return dependencyOrder(stacks);
}

/** The backend and the variables of one stack's cdk.tf.json. */
export function stackFacts(stack: SynthStack): StackFacts {
  let doc: {
    variable?: Record<string, { default?: unknown; description?: string; sensitive?: unknown }>;
    terraform?: { backend?: Record<string, { bucket?: string }>; encryption?: unknown };
  };
  try {
    doc = JSON.parse(fs.readFileSync(stack.file, "utf8"));
  } catch (err) {
    throw new OutputProblem(`${stack.file} is not readable JSON (${(err as Error).message})`);
  }
  const backends = Object.keys(doc.terraform?.backend ?? {});
  const backend = backends[0];
  const variables = Object.entries(doc.variable ?? {})
    .map(([name, v]) => ({
      name,
      ...(typeof v?.description === "string" ? { description: v.description } : {}),
      required: v === null || typeof v !== "object" || !Object.hasOwn(v, "default"),
      ...(v?.sensitive === true ? { sensitive: true } : {}),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
  return {
    ...(backend !== undefined ? { backend } : {}),
    ...(backend !== undefined && typeof doc.terraform?.backend?.[backend]?.bucket === "string"
      ? { bucket: doc.terraform!.backend![backend].bucket }
      : {}),
    variables,
    encrypted: doc.terraform?.encryption !== undefined,
  };
}

/** The variables the stacks declare without a default, each once, sorted: those a TF_VAR_ must give. */
export function requiredVariables(stacks: readonly SynthStack[]): string[] {
  return [
    ...new Set(
      stacks.flatMap((s) =>
        stackFacts(s)
          .variables.filter((v) => v.required)
          .map((v) => v.name),
      ),
    ),
  ].sort();
}
