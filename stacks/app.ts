/**
 * The composition of the whole network: one App, the stacks of every
 * environment given. Pure: it builds the construct tree from already loaded
 * and checked descriptions, and writes nothing until the caller runs
 * `app.synth()`.
 */
import { App } from "cdktn";
import type { NetworkSpec } from "../description";
import { EnvironmentStacks, type EnvironmentStacksOptions } from "./environment";

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
  /** One backend for every stack, whatever the description says (the rehearsal on a loopback S3 server). */
  readonly state?: EnvironmentStacksOptions["state"];
  /** State and plan encryption. @default on, no rotation */
  readonly encryption?: EnvironmentStacksOptions["encryption"];
}

export interface BuiltApp {
  readonly app: App;
  readonly environments: EnvironmentStacks[];
}

/**
 * cdktn records a stack trace for every token it creates, to point at the line
 * that made a bad one; that costs more than half of a large synth. Off unless
 * the environment says otherwise (CDKTN_DISABLE_CREATION_STACK=0 brings them
 * back). The one place this is decided: buildApp applies it to this process,
 * and diff to the processes that build another ref's code.
 */
export function withCdktnDefaults(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...env, CDKTN_DISABLE_CREATION_STACK: env.CDKTN_DISABLE_CREATION_STACK ?? "1" };
}

export function buildApp(specs: readonly NetworkSpec[], options: BuildAppOptions = {}): BuiltApp {
  process.env.CDKTN_DISABLE_CREATION_STACK = withCdktnDefaults(process.env).CDKTN_DISABLE_CREATION_STACK;
  const app = new App({ outdir: options.outdir, context: options.context, stackTraces: false });
  const environments = specs.map(
    (spec) =>
      new EnvironmentStacks(app, spec, {
        localStateDir: options.localStateDir,
        localState: options.localState,
        state: options.state,
        encryption: options.encryption,
      }),
  );
  return { app, environments };
}
