/**
 * The first and the last step of every construct of the library: naming
 * itself in messages (its id checked, since it becomes part of Terraform
 * addresses), and pinning each resource it creates to its address, adopting
 * the existing object when an import id is given (see common.ts, "Addresses"
 * and "Import blocks").
 */
import type { TerraformResource } from "cdktn";
import { checkName, describeConstruct, importExisting, pinAddress } from "./common";

/** `Server "web-1"`, how messages name the construct, once its id is checked to be a name. */
export function constructWhere(kind: string, id: string): string {
  const where = describeConstruct(kind, id);
  checkName(where, "the construct id", id);
  return where;
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
