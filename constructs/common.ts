/**
 * What every construct of the library shares: Hetzner label checks, name
 * checks, the address scheme (one helper pins a resource's Terraform name),
 * protection lifecycles, sensitive variables and import ids.
 *
 * ## Addresses
 *
 * cdktn names a resource after its construct path: a resource "server" inside
 * a construct "web-1" would be `hcloud_server.web-1_server_1A2B3C4D` (the
 * path components joined by "_" plus an MD5 hash of the path; see
 * cdktn/lib/private/unique.ts, `makeUniqueId`). Only a resource directly in
 * the stack, or one whose ids below the stack are all "Default", keeps its
 * plain id. Such names move whenever a construct is nested differently, and a
 * moved address is a destroyed and recreated resource.
 *
 * So every resource of this library is named explicitly by `pinAddress`
 * (`overrideLogicalId`): the Terraform name is derived from the construct id
 * (and the names given in props) only, never from the tree, e.g. Server
 * "web-1" → `hcloud_server.web-1`, `hcloud_primary_ip.web-1-ipv6`. Nesting a
 * construct deeper does not move anything. Two constructs that would produce
 * the same address in one stack are refused when the second one is created,
 * instead of one silently overwriting the other in the JSON.
 */
import type { Construct } from "constructs";
import {
  TerraformElement,
  type TerraformResource,
  type TerraformResourceLifecycle,
  TerraformStack,
  TerraformVariable,
  Token,
} from "cdktn";
import { NAME_PATTERN, kebabGuess, labelKeyProblem, labelValueProblem } from "../primitives/item-names";

/** Hetzner labels: keys `[prefix/]name`, values possibly empty. */
export type Labels = Readonly<Record<string, string>>;

/** Thrown for every invalid prop: the message names the construct, the value received and the fix. */
export class ConstructPropsError extends Error {
  constructor(where: string, message: string) {
    super(`${where}: ${message}`);
    this.name = "ConstructPropsError";
  }
}

/** `Server "web-1"`: how messages name a construct. */
export function describeConstruct(kind: string, id: string): string {
  return `${kind} "${id}"`;
}

/** JSON text of a received value, for messages. */
export function show(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

/** True when the value (or any string in it) is an unresolved token: checks are skipped for those. */
export function isToken(value: unknown): boolean {
  return Token.isUnresolved(value);
}

/**
 * Text written by a person, as the engine must receive it to pass it on
 * unchanged: Terraform's template syntax reads `${…}` as an interpolation and
 * `%{…}` as a directive even in JSON, so both are escaped (`$${`, `%%{`).
 * Tokens that cdktn embeds in the text (`${TfToken[…]}`) are left as they
 * are, so a value mixing a reference and literal text keeps the reference.
 */
export function literal(text: string): string;
export function literal(text: string | undefined): string | undefined;
export function literal(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  return text.replace(/\$\{(?!TfToken\[)/g, "$$${").replace(/%\{/g, "%%{");
}

// ---------------------------------------------------------------------------
// Names

export { NAME_PATTERN, kebabGuess, labelKeyProblem, labelValueProblem };

/** A name used only after a prefix in addresses (`internal-10-20-1-0-24`): may start with a digit. */
export const SUFFIX_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * Throws unless `value` is a kebab-case name (see NAME_PATTERN); with
 * `suffix`, a name that only follows a prefix in addresses may start with a digit.
 */
export function checkName(where: string, what: string, value: string, options: { suffix?: boolean } = {}): void {
  if (typeof value !== "string" || isToken(value)) {
    throw new ConstructPropsError(
      where,
      `${what} must be a literal name ` +
        `(got ${isToken(value) ? "a token" : show(value)}): it becomes part of a ` +
        `Terraform address`,
    );
  }
  const pattern = options.suffix === true ? SUFFIX_PATTERN : NAME_PATTERN;
  if (!pattern.test(value)) {
    const guess = kebabGuess(value);
    throw new ConstructPropsError(
      where,
      `${what} ${show(value)} is not a valid name: use lower-case letters, digits and inner ` +
        `hyphens, ${options.suffix === true ? "starting with a letter or digit" : "starting with a letter"}, at ` +
        `most 63 characters${guess ? ` (e.g. "${guess}")` : ""}`,
    );
  }
}

/** `web-1` → `web_1`: the form used in variable names, so that `TF_VAR_<name>` is a valid shell variable. */
export function snake(name: string): string {
  return name.replace(/[^A-Za-z0-9_]/g, "_");
}

const HOSTNAME_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** Throws unless `value` is a host name (RFC 1123 labels, lower case, optional trailing dot refused). */
export function checkHostname(where: string, what: string, value: string, options: { minLabels?: number } = {}): void {
  if (isToken(value)) return;
  const labels = value.split(".");
  const ok =
    value.length <= 253 &&
    labels.length >= (options.minLabels ?? 1) &&
    labels.every((label) => HOSTNAME_LABEL.test(label));
  if (!ok) {
    const hint = value.endsWith(".")
      ? "drop the trailing dot"
      : value !== value.toLowerCase()
        ? `use lower case ("${value.toLowerCase()}")`
        : // biome-ignore lint/suspicious/noControlCharactersInRegex: the range of ASCII, to tell non-ASCII names apart
          /[^\x00-\x7f]/.test(value)
          ? "write international names in their ASCII (punycode) form"
          : `use lower-case labels of letters, digits and inner hyphens separated by ` +
            `dots${(options.minLabels ?? 1) > 1 ? `, at least ${options.minLabels} labels` : ""}`;
    throw new ConstructPropsError(where, `${what} ${show(value)} is not a valid host name: ${hint}`);
  }
}

// ---------------------------------------------------------------------------
// Labels

const LABEL_RULES =
  'Hetzner labels: key = [prefix/]name, name at most 63 characters of letters, digits, "-", "_" and ".", ' +
  "starting and ending with a letter or digit, prefix a DNS subdomain; value empty or the same form as a name";

/**
 * Checks labels against Hetzner's syntax and returns a plain copy (keys in
 * the order given). Values that are unresolved tokens are not checked.
 */
export function checkLabels(where: string, labels: Labels, what = "labels"): Record<string, string> {
  if (labels === null || typeof labels !== "object" || Array.isArray(labels)) {
    throw new ConstructPropsError(where, `${what} must be an object of string keys and values (got ${show(labels)})`);
  }
  const copy: Record<string, string> = {};
  for (const [key, value] of Object.entries(labels)) {
    if (typeof value !== "string") {
      throw new ConstructPropsError(
        where,
        `${what}: the value of label "${key}" must be a string (got ${show(value)})`,
      );
    }
    const keyProblem = labelKeyProblem(key);
    if (keyProblem !== undefined) {
      throw new ConstructPropsError(where, `${what}: ${keyProblem} (${LABEL_RULES})`);
    }
    if (!isToken(value)) {
      const valueProblem = labelValueProblem(value);
      if (valueProblem !== undefined) {
        throw new ConstructPropsError(where, `${what}: label "${key}": ${valueProblem} (${LABEL_RULES})`);
      }
    }
    copy[key] = value;
  }
  return copy;
}

// ---------------------------------------------------------------------------
// Addresses

const TERRAFORM_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const declared = new WeakMap<TerraformStack, Map<string, string>>();

/**
 * Gives a resource a fixed Terraform name (`<type>.<name>`), independent of
 * where its construct sits in the tree, and refuses a second resource with the
 * same address in the same stack. Call it right after creating the resource,
 * before any of its attributes is referenced.
 */
export function pinAddress<T extends TerraformResource>(resource: T, name: string): T {
  if (!TERRAFORM_NAME.test(name)) {
    throw new ConstructPropsError(
      resource.node.path,
      `"${name}" is not a valid Terraform name (letters, digits, "_" and "-", starting with a letter or "_")`,
    );
  }
  const stack = TerraformStack.of(resource);
  const address = `${resource.terraformResourceType}.${name}`;
  let names = declared.get(stack);
  if (names === undefined) {
    names = new Map();
    declared.set(stack, names);
  }
  const first = names.get(address);
  if (first !== undefined) {
    throw new ConstructPropsError(
      resource.node.path,
      `the address ${address} is already used in stack "${stack.node.id}" by ${first}; give one of the ` +
        `two another name (addresses are derived from construct ids and item names)`,
    );
  }
  names.set(address, resource.node.path);
  resource.overrideLogicalId(name);
  return resource;
}

// ---------------------------------------------------------------------------
// Protection

/**
 * The lifecycle of a stateful resource: `prevent_destroy` follows `protect`
 * (delete protection alone does not stop `terraform destroy`: the provider
 * lifts it first), plus the attributes whose change would replace the
 * resource and that the caller keeps out of plans.
 */
export function protectedLifecycle(
  protect: boolean,
  ignoreChanges: readonly string[] = [],
): TerraformResourceLifecycle {
  return ignoreChanges.length > 0
    ? { preventDestroy: protect, ignoreChanges: [...ignoreChanges] }
    : { preventDestroy: protect };
}

// ---------------------------------------------------------------------------
// Secrets

/**
 * A sensitive string variable declared at the top of the stack (so its name
 * is exactly `name`, and operators set `TF_VAR_<name>`), created once and
 * shared when several constructs ask for the same name. Its value never
 * appears in the synthesised JSON: only `${var.<name>}`.
 */
export function sensitiveVariable(scope: Construct, name: string, description: string): TerraformVariable {
  const stack = TerraformStack.of(scope);
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    throw new ConstructPropsError(
      scope.node.path,
      `variable name ${show(name)} must be letters, digits and "_" (it is set as TF_VAR_${name})`,
    );
  }
  const existing = stack.node.tryFindChild(name);
  if (existing !== undefined) {
    if (existing instanceof TerraformVariable && existing.sensitive === true) return existing;
    throw new ConstructPropsError(
      scope.node.path,
      `stack "${stack.node.id}" already has a construct "${name}" that is not a ` +
        `sensitive variable; the secret variable needs that id`,
    );
  }
  return new TerraformVariable(stack, name, { type: "string", sensitive: true, nullable: false, description });
}

// ---------------------------------------------------------------------------
// Import blocks

/**
 * One `import { to = <type>.<name>, id = "<id>" }` block, contributed to the
 * stack's JSON like any element (the stack concatenates every element's
 * `import` list).
 *
 * Why not cdktn's `resource.importFrom(id)`: it emits the same block but also
 * adds a validation that runs `terraform version` (TERRAFORM_BINARY_NAME) as a
 * child process during `app.synth()`, and fails the synth when that binary is
 * missing, e.g. on a machine or CI runner with only OpenTofu, or none. Import
 * blocks need Terraform or OpenTofu ≥ 1.5; the project's targetVersions
 * (cdktf.json) already require more.
 */
class ImportBlock extends TerraformElement {
  constructor(
    private readonly target: TerraformResource,
    private readonly importId: string,
  ) {
    super(target, "import");
  }

  private get to(): string {
    return `${this.target.terraformResourceType}.${this.target.friendlyUniqueId}`;
  }

  override toTerraform(): any {
    return { import: [{ to: this.to, id: this.importId }] };
  }

  override toHclTerraform(): any {
    return {
      import: [
        {
          to: { value: this.to, type: "simple", storageClassType: "reference" },
          id: { value: this.importId, type: "simple", storageClassType: "string" },
        },
      ],
    };
  }
}

/**
 * Attributes the provider never reads back from Hetzner, so that right after
 * an import the plan would change them although nothing differs
 * (providers/hcloud/NOTES.md, "Adoption"). They are ignored on imported
 * resources only: a resource this project created keeps them compared.
 */
export const IGNORED_AFTER_IMPORT: Readonly<Record<string, readonly string[]>> = {
  // The server's public_net block is not read back: planned as "+ public_net",
  // and applying it unassigns the adopted server's primary IPv4. The primary
  // IPs themselves are adopted with it (hcloud_primary_ip), so nothing is lost:
  // their addresses and assignment are compared there.
  hcloud_server: ["public_net"],
  // automount only acts when a volume is attached; an attachment cannot update
  // it, and it is not read back: without this, "+ automount" forever.
  hcloud_volume_attachment: ["automount"],
  // subnet_id is not read back either, and a change of it replaces the
  // attachment (detach and attach again); the network_id and ip are still compared.
  hcloud_server_network: ["subnet_id"],
  // Hetzner never returns a password: after an import the provider would set
  // the one of TF_VAR_… once, changing the logins of a box that backups use.
  // Adopting never changes a login; a new password is set in the Console (or
  // after removing the adoption entry, on purpose).
  hcloud_storage_box: ["password"],
  hcloud_storage_box_subaccount: ["password"],
};

const imported = new WeakMap<TerraformResource, string>();

/**
 * Adopts an existing object: adds an `import` block targeting the resource's
 * (pinned) address, and ignores the attributes that the provider does not read
 * back after an import (IGNORED_AFTER_IMPORT). A resource is imported once.
 */
export function importExisting(resource: TerraformResource, importId: string): void {
  const before = imported.get(resource);
  if (before !== undefined) {
    throw new ConstructPropsError(
      resource.node.path,
      `${resource.terraformResourceType}.${resource.friendlyUniqueId} is already ` +
        `imported (id ${show(before)}); adopt each resource once`,
    );
  }
  imported.set(resource, importId);
  new ImportBlock(resource, importId);
  const extra = IGNORED_AFTER_IMPORT[resource.terraformResourceType];
  if (extra !== undefined) {
    const lifecycle = resource.lifecycle ?? {};
    const current = Array.isArray(lifecycle.ignoreChanges) ? lifecycle.ignoreChanges : [];
    if (lifecycle.ignoreChanges !== "all")
      resource.lifecycle = { ...lifecycle, ignoreChanges: [...current, ...extra.filter((a) => !current.includes(a))] };
  }
}

/** The import id of a resource adopted by `importExisting`, or undefined. */
export function importIdOf(resource: TerraformResource): string | undefined {
  return imported.get(resource);
}

// ---------------------------------------------------------------------------
// Import ids and numbers

/** Throws unless an import id is a positive integer in text form (Hetzner ids), or a token. */
export function checkNumericImportId(where: string, what: string, value: string | undefined): void {
  if (value === undefined || isToken(value)) return;
  if (!/^[1-9][0-9]*$/.test(value)) {
    throw new ConstructPropsError(
      where,
      `${what} ${show(value)} is not a Hetzner id: give the numeric id shown by ` +
        `the console or \`hcloud ... list\` (e.g. "12345678")`,
    );
  }
}

/** Throws unless `value` is an integer in [min, max] (tokens skipped). */
export function checkInteger(
  where: string,
  what: string,
  value: number | undefined,
  min: number,
  max: number,
  fix: string,
): void {
  if (value === undefined || isToken(value)) return;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConstructPropsError(
      where,
      `${what} must be an integer from ${min} to ${max} (got ${show(value)}); ${fix}`,
    );
  }
}
