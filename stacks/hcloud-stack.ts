/**
 * The base of every stack: one place that gives each stack the hcloud
 * provider, the pinned provider version and its state backend, so that no
 * stack can forget them.
 *
 * The provider block carries no token: the hcloud provider reads
 * HCLOUD_TOKEN from the environment of `tofu`/`terraform` itself, so the
 * token never enters the synthesised JSON. The version constraint comes from
 * cdktf.json through the generated bindings (providers/get.js).
 */
import { Construct } from "constructs";
import { LocalBackend, S3Backend, TerraformStack } from "cdktn";
import * as provider from "../.gen/providers/hcloud/provider";

/** Where a stack's state lives. Credentials are never part of it. */
export type StateBackend =
  | { readonly backend: "local" }
  | {
      readonly backend: "s3";
      readonly bucket: string;
      /** State keys are `<key_prefix>/<stack>.tfstate`. */
      readonly key_prefix: string;
      /** S3-compatible endpoint, e.g. Hetzner Object Storage's https://fsn1.your-objectstorage.com. */
      readonly endpoint: string;
      readonly region: string;
    };

export interface HcloudStackProps {
  /** The environment this stack belongs to, e.g. "production". */
  readonly environment: string;
  /** What the stack holds, e.g. "network"; the stack is named `<environment>-<concern>`. */
  readonly concern: string;
  /**
   * Where state lives.
   * @default - local state (see localStateDir)
   */
  readonly state?: StateBackend;
  /**
   * Where local state lives, as a path relative to the stack's working
   * directory (`<out>/stacks/<stack>`), so that the synthesised JSON names no
   * machine path and a new synth, which replaces `<out>`, never deletes state.
   * @default "../../../state" - a `state/` folder beside the output folder:
   * the repository's `state/` for the default `cdktf.out`
   */
  readonly localStateDir?: string;
}

/** The hcloud provider's source address, unqualified (see the constructor). */
export const PROVIDER_SOURCE = "hetznercloud/hcloud";

/**
 * The oldest engine (OpenTofu or Terraform) that can run a stack, from what
 * its synthesised JSON uses: `use_lockfile` of the S3 backend needs 1.10,
 * `import` blocks 1.5, `moved` blocks 1.1; the rest 1.0.
 */
export function requiredEngineVersion(tf: { terraform?: { backend?: Record<string, { use_lockfile?: unknown }> }; import?: unknown; moved?: unknown }): string {
  if (Object.values(tf.terraform?.backend ?? {}).some((b) => b?.use_lockfile === true)) return ">= 1.10.0";
  if (tf.import !== undefined) return ">= 1.5.0";
  if (tf.moved !== undefined) return ">= 1.1.0";
  return ">= 1.0.0";
}

export class HcloudStack extends TerraformStack {
  readonly environment: string;
  readonly concern: string;

  constructor(scope: Construct, props: HcloudStackProps) {
    super(scope, `${props.environment}-${props.concern}`);
    this.environment = props.environment;
    this.concern = props.concern;
    const hcloud = new provider.HcloudProvider(this, "hcloud", {});
    // The generated binding names the provider by one registry's host
    // ("registry.terraform.io/hetznercloud/hcloud"); written unqualified,
    // OpenTofu takes it from its own registry and Terraform from its own.
    (hcloud as { terraformProviderSource?: string }).terraformProviderSource = PROVIDER_SOURCE;
    const state = props.state ?? { backend: "local" };
    if (state.backend === "s3") {
      // S3-compatible object storage (Hetzner's): no AWS account or region
      // checks, path-style addressing, and a lock file next to the state
      // (use_lockfile, OpenTofu/Terraform >= 1.10). Credentials come from
      // AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY in the operator's environment.
      new S3Backend(this, {
        bucket: state.bucket,
        key: `${state.key_prefix}/${this.node.id}.tfstate`,
        region: state.region,
        endpoints: { s3: state.endpoint },
        useLockfile: true,
        usePathStyle: true,
        skipCredentialsValidation: true,
        skipRegionValidation: true,
        skipRequestingAccountId: true,
        skipMetadataApiCheck: true,
      });
    } else {
      new LocalBackend(this, { path: `${props.localStateDir ?? "../../../state"}/${this.node.id}.tfstate` });
    }
  }

  /** The stack's JSON, with `required_version` for what it really uses (see requiredEngineVersion). */
  override toTerraform(): any {
    const tf = super.toTerraform();
    tf.terraform = { required_version: requiredEngineVersion(tf), ...tf.terraform };
    return tf;
  }
}
