/**
 * The address scheme: one helper pins a resource's Terraform name.
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
import { type TerraformResource, TerraformStack } from "cdktn";
import { ConstructPropsError } from "./common";

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
