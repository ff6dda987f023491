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
  expect(hcloud(stripped).resource_schemas.hcloud_floating_ip.block.attributes.description).toEqual({
    type: "string",
    optional: true,
  });
  expect(
    hcloud(stripped).resource_schemas.hcloud_firewall.block.block_types.rule.block.attributes.description,
  ).toBeDefined();
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
                description: {
                  type: "string",
                  optional: true,
                  description: "The description attribute",
                  description_kind: "plain",
                },
                name: { type: "string", required: true, deprecation_message: "use label" },
              },
              block_types: {
                description: {
                  nesting_mode: "list",
                  block: { description: "a block named description", attributes: {} },
                },
              },
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

describe("npm run providers:refresh without the registry", () => {
  test("a failing init is one line naming the step and that nothing was written, not a stack trace", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { spawnSync } = require("node:child_process") as typeof import("node:child_process");
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { fakeEnv, installFakeTofu, makeSandboxProject } =
      require("../../testing/deploy") as typeof import("../../testing/deploy.js");
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { makeTempDir } = require("../../testing/tmp") as typeof import("../../testing/tmp.js");
    const t = makeTempDir("all2all-refresh-offline-");
    try {
      const root = makeSandboxProject(t.dir);
      const fake = installFakeTofu(t.dir);
      const before = require("node:fs").readFileSync(`${root}/providers/hcloud/schema.json`, "utf8");
      const r = spawnSync(process.execPath, [`${root}/providers/refresh.js`], {
        cwd: root,
        encoding: "utf8",
        env: { ...fakeEnv(fake, { FAKE_TOFU_FAIL: "init", HOME: t.dir }) } as NodeJS.ProcessEnv,
      });
      expect(r.status).toBe(1);
      const last = r.stderr.trim().split("\n").pop();
      expect(last).toBe(
        "providers:refresh: `tofu init -input=false -no-color` failed (exit 1): it downloads the " +
          "provider, so it needs the registry (network access); nothing was written",
      );
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(require("node:fs").readFileSync(`${root}/providers/hcloud/schema.json`, "utf8")).toBe(before);
    } finally {
      t.cleanup();
    }
  });
});
