/**
 * Synthesises the default network description with a full `app.synth()`
 * (as the CLI does, so Aspects and cross-stack references run) into a
 * temporary directory, for tests of the stacks.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { readProjectConfig } from "../cli/project";
import { loadNetwork, type NetworkSpec } from "../description";
import { buildApp, type BuiltApp } from "../stacks/app";
import { defaultConfig, makeTempDir, readJson, repoRoot } from "./tmp";

export interface SynthResult {
  readonly specs: NetworkSpec[];
  readonly built: BuiltApp;
  readonly outdir: string;
  /** Every stack's cdk.tf.json, parsed, by stack name. */
  readonly stacks: Map<string, any>;
  /** Every stack's cdk.tf.json as written, by stack name. */
  readonly raw: Map<string, string>;
  readonly cleanup: () => void;
}

export function synthDefault(configDir = defaultConfig): SynthResult {
  const loaded = loadNetwork(configDir);
  if (!loaded.ok) throw new Error(`the default config does not load: ${JSON.stringify(loaded.problems.slice(0, 3))}`);
  const t = makeTempDir("all2all-stacks-");
  const outdir = path.join(t.dir, "cdktf.out");
  const built = buildApp(loaded.specs, { outdir, context: readProjectConfig(repoRoot).context });
  built.app.synth();
  const stacks = new Map<string, any>();
  const raw = new Map<string, string>();
  for (const name of fs.readdirSync(path.join(outdir, "stacks")).sort()) {
    const file = path.join(outdir, "stacks", name, "cdk.tf.json");
    raw.set(name, fs.readFileSync(file, "utf8"));
    stacks.set(name, readJson(file));
  }
  return { specs: loaded.specs, built, outdir, stacks, raw, cleanup: t.cleanup };
}

/** The resource names of one type in a stack, sorted. */
export function names(tf: any, type: string): string[] {
  return Object.keys(tf?.resource?.[type] ?? {}).sort();
}
