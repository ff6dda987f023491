/**
 * The first and the last step of every construct of the library: naming
 * itself (and each named item it adds: a key, a subnet, a volume…) in
 * messages, the names checked since they become part of Terraform addresses;
 * and pinning each resource it creates to its address, adopting the existing
 * object when an import id is given (see addresses.ts and import-blocks.ts).
 */
import type { TerraformResource } from "cdktn";
import { ConstructPropsError, describeConstruct } from "./common";
import { checkName } from "./names";
import { pinAddress } from "./addresses";
import { importExisting } from "./import-blocks";

/** `Server "web-1"`, how messages name the construct, once its id is checked to be a name. */
export function constructWhere(kind: string, id: string): string {
  const where = describeConstruct(kind, id);
  checkName(where, "the construct id", id);
  return where;
}

/**
 * How messages name a new item of the construct named `where`
 * (`SshKeys "operators", key "alice"`), once its name is checked and found
 * in none of the items of its kind declared so far; `fix` ends the message
 * refusing a second item of the same name.
 */
export function newItemWhere(
  where: string,
  kind: string,
  name: string,
  declared: ReadonlyMap<string, unknown>,
  options: { readonly suffix?: boolean; readonly fix?: string } = {},
): string {
  const itemWhere = `${where}, ${kind} "${name}"`;
  checkName(itemWhere, `the ${kind} name`, name, { suffix: options.suffix });
  if (declared.has(name)) {
    const fix = options.fix ?? `give each ${kind} its own name`;
    throw new ConstructPropsError(where, `the ${kind} "${name}" is declared twice; ${fix}`);
  }
  return itemWhere;
}

/**
 * Gives a resource its fixed Terraform name (pinAddress) and, when `importId`
 * is given, adopts the existing object with an import block (importExisting).
 */
export function pinnedResource<T extends TerraformResource>(resource: T, name: string, importId?: string): T {
  pinAddress(resource, name);
  if (importId !== undefined) importExisting(resource, importId);
  return resource;
}
