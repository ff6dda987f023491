// The schema refresh strips documentation, never attributes (run offline on
// the committed schema; the refresh itself needs tofu and the network).
import * as path from "node:path";
import { readJson, repoRoot } from "../../testing/tmp";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { stripDescriptions } = require("../../providers/refresh.js") as { stripDescriptions: (v: unknown) => unknown };

const schema = readJson(path.join(repoRoot, "providers", "hcloud", "schema.json"));
const hcloud = (doc: any) => doc.provider_schemas["registry.terraform.io/hetznercloud/hcloud"];

test("attributes called description survive", () => {
  const stripped = stripDescriptions(schema) as any;
  expect(hcloud(stripped).resource_schemas.hcloud_floating_ip.block.attributes.description).toEqual({ type: "string", optional: true });
  expect(hcloud(stripped).resource_schemas.hcloud_firewall.block.block_types.rule.block.attributes.description).toBeDefined();
  expect(stripped).toEqual(schema); // the committed schema has no documentation left to strip
});

test("documentation of descriptors is removed at every depth", () => {
  const doc = {
    format_version: "1.0",
    provider_schemas: {
      "registry.terraform.io/hetznercloud/hcloud": {
        provider: { version: 0, block: { description: "The provider", description_kind: "markdown", attributes: {} } },
        resource_schemas: {
          hcloud_x: {
            version: 0,
            block: {
              description: "A resource",
              attributes: {
                description: { type: "string", optional: true, description: "The description attribute", description_kind: "plain" },
                name: { type: "string", required: true, deprecation_message: "use label" },
              },
              block_types: { description: { nesting_mode: "list", block: { description: "a block named description", attributes: {} } } },
            },
          },
        },
      },
    },
  };
  const stripped = hcloud(stripDescriptions(doc)).resource_schemas.hcloud_x.block;
  expect(stripped).toEqual({
    attributes: { description: { type: "string", optional: true }, name: { type: "string", required: true } },
    block_types: { description: { nesting_mode: "list", block: { attributes: {} } } },
  });
});
