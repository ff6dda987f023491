// The one table of stateful resource types (constructs/stateful.ts): checked
// against the provider's schema, and read the same way by the policy pack,
// the review and the deploy summary.
import * as fs from "node:fs";
import * as path from "node:path";
import { STATEFUL_LOSSES as REVIEW_TYPES } from "../../cli/diff/tables";
import { statefulLossOf } from "../../cli/deploy/summary";
import { STATEFUL, statefulTypes } from "../../constructs/stateful";
import { PROTECTED_TYPES } from "../../policies";
import { repoRoot } from "../../testing/tmp";

const schema = JSON.parse(fs.readFileSync(path.join(repoRoot, "providers", "hcloud", "schema.json"), "utf8"));
const resources: Record<string, { block: { attributes?: Record<string, unknown> } }> =
  schema.provider_schemas["registry.terraform.io/hetznercloud/hcloud"].resource_schemas;

test("every type of the table is a resource of the provider; the protected ones have delete_protection", () => {
  for (const [type, entry] of STATEFUL) {
    expect({ type, known: type in resources }).toEqual({ type, known: true });
    if (entry.protect)
      expect({ type, delete_protection: "delete_protection" in (resources[type]!.block.attributes ?? {}) }).toEqual({
        type,
        delete_protection: true,
      });
  }
});

test(
  "the policy pack protects exactly the table's protected types; the " +
    "review and the deploy summary read the same words",
  () => {
    expect([...PROTECTED_TYPES].sort()).toEqual([
      "hcloud_floating_ip",
      "hcloud_network",
      "hcloud_primary_ip",
      "hcloud_server",
      "hcloud_storage_box",
      "hcloud_volume",
      "hcloud_zone",
    ]);
    expect([...REVIEW_TYPES.keys()]).toEqual(statefulTypes("review"));
    for (const [type, loses] of REVIEW_TYPES) expect(statefulLossOf(type)).toBe(loses);
    // Only the deploy summary names a subaccount; an SSH key is in no list.
    expect(REVIEW_TYPES.has("hcloud_storage_box_subaccount")).toBe(false);
    expect(statefulLossOf("hcloud_storage_box_subaccount")).toMatch(/backup job loses access/);
    expect(statefulLossOf("hcloud_ssh_key")).toBeUndefined();
  },
);
