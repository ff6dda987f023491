/**
 * The base of every stack: one place that gives each stack the hcloud
 * provider and its labels, so no stack can forget them.
 *
 * The provider block carries no token: the hcloud provider reads
 * HCLOUD_TOKEN from the environment of `tofu`/`terraform` itself, so the
 * token never enters the synthesised JSON.
 */
import { Construct } from "constructs";
import { LocalBackend, TerraformStack } from "cdktn";
import { provider } from "../.gen/providers/hcloud";

export interface HcloudStackProps {
  /** The environment this stack belongs to, e.g. "production". */
  readonly environment: string;
  /** What the stack holds, e.g. "network"; the stack is named `<environment>-<concern>`. */
  readonly concern: string;
  /**
   * Where local state lives, as a path relative to the stack's working
   * directory (`<out>/stacks/<stack>`), so that the synthesised JSON names no
   * machine path and a new synth, which replaces `<out>`, never deletes state.
   * @default "../../../state" - a `state/` folder beside the output folder:
   * the repository's `state/` for the default `cdktf.out`
   */
  readonly localStateDir?: string;
}

/** Labels that every labelled resource of a stack carries. */
export interface BaseLabels {
  readonly "managed-by": string;
  readonly environment: string;
}

export class HcloudStack extends TerraformStack {
  readonly environment: string;
  readonly concern: string;
  readonly baseLabels: BaseLabels;

  constructor(scope: Construct, props: HcloudStackProps) {
    super(scope, `${props.environment}-${props.concern}`);
    this.environment = props.environment;
    this.concern = props.concern;
    this.baseLabels = { "managed-by": "all2all-infra", environment: props.environment };
    new provider.HcloudProvider(this, "hcloud", {});
    new LocalBackend(this, { path: `${props.localStateDir ?? "../../../state"}/${this.node.id}.tfstate` });
  }

  /** The base labels plus the ones given, e.g. `{ role: "web" }`. */
  labels(extra: Record<string, string>): Record<string, string> {
    return { ...this.baseLabels, ...extra };
  }
}
