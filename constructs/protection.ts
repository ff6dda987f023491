/** How the library protects stateful resources: their lifecycle. */
import type { TerraformResourceLifecycle } from "cdktn";

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
