/**
 * The composition of the whole network: one App, the stacks of every
 * environment. Pure: it builds the construct tree and writes nothing until
 * the caller runs `app.synth()`.
 */
import { App } from "cdktn";
import { PlaceholderStack } from "./placeholder";

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
}

export function buildApp(options: BuildAppOptions = {}): App {
  const app = new App({ outdir: options.outdir, context: options.context, stackTraces: false });
  new PlaceholderStack(app, "staging", options.localStateDir);
  return app;
}
