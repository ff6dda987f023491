/**
 * SshKeys: the operators' public SSH keys as `hcloud_ssh_key` resources, so
 * servers can name them in `ssh_keys` (by id, or by name).
 *
 * Address scheme (one resource per key, named after the key only):
 *
 *   new SshKeys(stack, "operators", { keys: [{ name: "alice", ... }] })
 *     hcloud_ssh_key.alice
 *
 * The construct id is not part of the address (keys are few and their names
 * unique per Hetzner project); two keys with the same name in one stack are
 * refused.
 *
 * Things to know:
 * - Changing `public_key` replaces the key resource. Servers keep their keys
 *   (`ssh_keys` is in the Server's `ignore_changes`), so a key rotation does
 *   not rebuild servers; it changes only what new servers receive.
 * - Hetzner refuses two keys with the same name or the same fingerprint in one
 *   project: declare each key once per project (e.g. in one shared stack, or
 *   one project per environment).
 */
import { Construct } from "constructs";
import * as sshKey from "../.gen/providers/hcloud/ssh-key";
import { ConstructPropsError, isToken, literal, show } from "./common";
import { type Labels, checkLabels } from "./labels";
import { checkNumericImportId } from "./import-blocks";
import { constructWhere, newItemWhere, pinnedResource } from "./construct-setup";
import { parseSshPublicKey } from "../primitives/ssh-key";

/**
 * Why an OpenSSH public key line is unusable, or undefined: the shared
 * parser's reason (constructs/ssh-key-format.ts: the blob decoded and checked
 * against its type, a private key recognised), with its hint.
 */
export function sshPublicKeyProblem(text: string): string | undefined {
  const parsed = parseSshPublicKey(text);
  if (parsed.ok) return undefined;
  return parsed.hint !== undefined ? `${parsed.message} (${parsed.hint})` : parsed.message;
}

/** A public key as the engine must receive it: one space between its fields (see literal), tokens as they are. */
export function publicKeyLiteral(text: string): string {
  return isToken(text) ? text : literal(text.trim().split(/\s+/).join(" "));
}

/** One operator key. */
export interface SshKeyOptions {
  /** The key's name at Hetzner and its Terraform name (`hcloud_ssh_key.<name>`), e.g. "alice". */
  readonly name: string;
  /** The one-line contents of the `.pub` file: `<type> <base64> [comment]`. */
  readonly publicKey: string;
  /**
   * Labels added to the construct's labels for this key.
   * @default - the construct's labels only
   */
  readonly labels?: Labels;
  /**
   * The id of an existing key to adopt with an `import` block instead of
   * uploading it again (Hetzner refuses a second key with the same fingerprint).
   * @default - the key is created
   */
  readonly importId?: string;
}

export interface SshKeysProps {
  /**
   * The keys to declare now; more can be added with `addKey()`.
   * @default - none
   */
  readonly keys?: readonly SshKeyOptions[];
  /** Labels of every key, e.g. `{ "managed-by": "all2all-infra", environment: "production", role: "operator" }`. */
  readonly labels: Labels;
}

export class SshKeys extends Construct {
  private readonly where: string;
  private readonly labels: Record<string, string>;
  private readonly byName = new Map<string, sshKey.SshKey>();

  constructor(scope: Construct, id: string, props: SshKeysProps) {
    super(scope, id);
    this.where = constructWhere("SshKeys", id);
    this.labels = checkLabels(this.where, props.labels);
    for (const key of props.keys ?? []) this.addKey(key);
  }

  /** Declares one key (`hcloud_ssh_key.<name>`) and returns it. */
  addKey(options: SshKeyOptions): sshKey.SshKey {
    const where = newItemWhere(this.where, "key", options.name, this.byName);
    if (!isToken(options.publicKey)) {
      const problem = sshPublicKeyProblem(options.publicKey);
      if (problem !== undefined) throw new ConstructPropsError(where, `publicKey is not usable: ${problem}`);
    }
    checkNumericImportId(where, "importId", options.importId);
    const labels = { ...this.labels, ...checkLabels(where, options.labels ?? {}) };
    const key = new sshKey.SshKey(this, options.name, {
      name: options.name,
      publicKey: publicKeyLiteral(options.publicKey),
      labels,
    });
    pinnedResource(key, options.name, options.importId);
    this.byName.set(options.name, key);
    return key;
  }

  /** The ids of every key declared so far, in order: what a Server's `sshKeys` takes. */
  get ids(): string[] {
    return [...this.byName.values()].map((key) => key.id);
  }

  /** The names of every key declared so far, in order (Server `sshKeys` also accepts names). */
  get names(): string[] {
    return [...this.byName.keys()];
  }

  /** The id of one key; throws when no key has that name. */
  idOf(name: string): string {
    const key = this.byName.get(name);
    if (key === undefined) {
      throw new ConstructPropsError(
        this.where,
        `no key named ${show(name)} (declared: ${this.names.join(", ") || "none"})`,
      );
    }
    return key.id;
  }

  /** The resource of one key, or undefined. */
  key(name: string): sshKey.SshKey | undefined {
    return this.byName.get(name);
  }
}
