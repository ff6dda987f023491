/**
 * Adopting existing objects: import blocks, the attributes ignored after an
 * import, and the check of Hetzner's numeric import ids.
 */
import { TerraformElement, type TerraformResource } from "cdktn";
import { ConstructPropsError, isToken, show } from "./common";

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
