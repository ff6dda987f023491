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
import type { Construct } from "constructs";
import { LocalBackend, S3Backend, TerraformStack, TerraformVariable } from "cdktn";
import * as provider from "../.gen/providers/hcloud/provider";
import { forgetStack, prepareKeepingResolved } from "./resolve-once";
import { stackDocument } from "./write-once";

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

/**
 * OpenTofu's state and plan encryption (docs/deploy.md, "State encryption").
 * The key is derived (PBKDF2) from a passphrase that only the operator's
 * environment holds: TF_VAR_state_passphrase. The synthesised JSON names the
 * variable, never its value.
 */
export interface StateEncryption {
  /**
   * Encrypt state and plan files (enforced: tofu refuses to write them in
   * clear). Off only for an engine that lacks it (Terraform).
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * Key rotation: also declare `state_passphrase_previous`, whose key reads
   * state and plans still encrypted with it (the fallback); everything is
   * written with the key of `state_passphrase` (see KEY_SLOTS).
   * @default false
   */
  readonly rotating?: boolean;
}

/** The variable that holds the state passphrase (TF_VAR_state_passphrase). */
export const PASSPHRASE_VARIABLE = "state_passphrase";
/** The variable that holds the previous passphrase during a key rotation (TF_VAR_state_passphrase_previous). */
export const PREVIOUS_PASSPHRASE_VARIABLE = "state_passphrase_previous";
/** What pbkdf2 accepts: OpenTofu refuses a shorter passphrase. */
export const PASSPHRASE_MIN_LENGTH = 16;

/**
 * The names of the two pbkdf2 key providers (and their aes_gcm methods).
 * OpenTofu stores a key provider's name with what it encrypted, and reads
 * only with a provider of that name: a rotation cannot rename. So the names
 * are slots, not roles: normally both derive their key from
 * `state_passphrase`, `current` writes and `next` reads what a rotation
 * wrote; during a rotation `current` holds `state_passphrase_previous` (it
 * reads what is still encrypted with the old passphrase) and `next` writes
 * with the new one. The first write after the rotation (deploy
 * --reencrypt) moves everything back to `current`.
 */
export const KEY_SLOTS = { current: "current", next: "next" } as const;

/**
 * The `terraform.encryption` block, in OpenTofu's JSON syntax: pbkdf2 key
 * providers from the passphrase variables, AES-GCM, enforced for state and
 * plans (tofu refuses to write either in clear), and the same methods for
 * terraform_remote_state data sources, should a stack ever read another's
 * state. In the JSON syntax a `method` is a bare reference (a static
 * traversal, no `${}`); `keys` and `passphrase` are expressions. Only the
 * variables' names are written, never a value.
 */
export function encryptionBlock(rotating: boolean): Record<string, unknown> {
  const { current, next } = KEY_SLOTS;
  const variable = (name: string) => `\${var.${name}}`;
  const keyProvider = {
    [current]: { passphrase: variable(rotating ? PREVIOUS_PASSPHRASE_VARIABLE : PASSPHRASE_VARIABLE) },
    [next]: { passphrase: variable(PASSPHRASE_VARIABLE) },
  };
  const method = {
    [current]: { keys: `\${key_provider.pbkdf2.${current}}` },
    [next]: { keys: `\${key_provider.pbkdf2.${next}}` },
  };
  const [writes, reads] = rotating ? [next, current] : [current, next];
  const target = (enforced: boolean): Record<string, unknown> => ({
    method: `method.aes_gcm.${writes}`,
    ...(enforced ? { enforced: true } : {}),
    fallback: { method: `method.aes_gcm.${reads}` },
  });
  return {
    key_provider: { pbkdf2: keyProvider },
    method: { aes_gcm: method },
    state: target(true),
    plan: target(true),
    remote_state_data_sources: { default: target(false) },
  };
}

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
  /**
   * State and plan encryption (OpenTofu).
   * @default - on, no rotation
   */
  readonly encryption?: StateEncryption;
}

/** The hcloud provider's source address, unqualified (see the constructor). */
export const PROVIDER_SOURCE = "hetznercloud/hcloud";

/**
 * The oldest engine (OpenTofu or Terraform) that can run a stack, from what
 * its synthesised JSON uses: `use_lockfile` of the S3 backend needs 1.10,
 * state encryption with variables (OpenTofu's early evaluation) 1.8,
 * `import` blocks 1.5, `moved` blocks 1.1; the rest 1.0.
 */
export function requiredEngineVersion(tf: {
  terraform?: { backend?: Record<string, { use_lockfile?: unknown }>; encryption?: unknown };
  import?: unknown;
  moved?: unknown;
}): string {
  if (Object.values(tf.terraform?.backend ?? {}).some((b) => b?.use_lockfile === true)) return ">= 1.10.0";
  if (tf.terraform?.encryption !== undefined) return ">= 1.8.0";
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
    if (props.encryption?.enabled !== false) {
      const rotating = props.encryption?.rotating === true;
      new TerraformVariable(this, PASSPHRASE_VARIABLE, {
        type: "string",
        sensitive: true,
        nullable: false,
        description:
          `the passphrase that encrypts this stack's state and plans (OpenTofu state encryption, at ` +
          `least ${PASSPHRASE_MIN_LENGTH} characters; docs/deploy.md, "State encryption"); set ` +
          `TF_VAR_${PASSPHRASE_VARIABLE}`,
      });
      if (rotating) {
        new TerraformVariable(this, PREVIOUS_PASSPHRASE_VARIABLE, {
          type: "string",
          sensitive: true,
          nullable: false,
          description:
            `the passphrase being replaced, read as a fallback during a key rotation (docs/deploy.md, ` +
            `"Rotating the state key"); set TF_VAR_${PREVIOUS_PASSPHRASE_VARIABLE}`,
        });
      }
      this.addOverride("terraform.encryption", encryptionBlock(rotating));
    }
  }

  /** cdktn's preparing pass, each resource's resolved block kept for the write (resolve-once.ts). */
  override prepareStack(): void {
    prepareKeepingResolved(this, () => super.prepareStack());
  }

  /**
   * The stack's JSON, with `required_version` for what it really uses (see requiredEngineVersion): cdktn's
   * document, built without resolving the kept blocks again (write-once.ts).
   */
  override toTerraform(): any {
    let tf: any;
    try {
      tf = stackDocument(this);
    } finally {
      forgetStack(this);
    }
    tf.terraform = { required_version: requiredEngineVersion(tf), ...tf.terraform };
    return tf;
  }
}
