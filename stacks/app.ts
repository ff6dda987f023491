/**
 * The composition of the whole network: one App, the stacks of every
 * environment given. Pure: it builds the construct tree from already loaded
 * and checked descriptions, and writes nothing until the caller runs
 * `app.synth()`.
 */
import { App } from "cdktn";
import type { NetworkSpec } from "../spec";
import { EnvironmentStacks } from "./environment";

export interface BuildAppOptions {
  /** Where `app.synth()` writes; the CLI passes a temporary directory. */
  readonly outdir?: string;
  /** cdktf.json's `context` (including `targetVersions`), as the cdktn CLI would pass it. */
  readonly context?: Record<string, unknown>;
  /**
   * The local state folder relative to each stack's working directory
   * (`<out>/stacks/<stack>`).
   * @default "../../../state" - beside the output folder
   */
  readonly localStateDir?: string;
  /** Local state for every stack, whatever the description says (the rehearsal). @default false */
  readonly localState?: boolean;
}

export interface BuiltApp {
  readonly app: App;
  readonly environments: EnvironmentStacks[];
}

export function buildApp(specs: readonly NetworkSpec[], options: BuildAppOptions = {}): BuiltApp {
  const app = new App({ outdir: options.outdir, context: options.context, stackTraces: false });
  const environments = specs.map((spec) => new EnvironmentStacks(app, spec, { localStateDir: options.localStateDir, localState: options.localState }));
  return { app, environments };
}
