/** Secrets: sensitive variables that operators set as TF_VAR_<name>. */
import type { Construct } from "constructs";
import { TerraformStack, TerraformVariable } from "cdktn";
import { ConstructPropsError, show } from "./common";

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
