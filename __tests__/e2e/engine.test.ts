/**
 * The engine itself: the built OpenTofu installs the built provider through
 * the filesystem mirror (offline, as from a registry), and the provider's
 * schema is the committed providers/hcloud/schema.json, which the bindings,
 * the validator and the policies are generated from.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { readVersions } from "../../engine/engine";
import { describeE2e, initConfig, requireEngine, tofuOk } from "../../testing/engine";
import { makeTempDir, readJson, repoRoot } from "../../testing/tmp";

/** The schema without its documentation (descriptions), which the committed copy leaves out. */
function withoutDocs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutDocs);
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === "description" || k === "description_kind" || k === "deprecation_message") continue;
    out[k] = withoutDocs(v);
  }
  return out;
}

describeE2e("the engine built by npm run engine", () => {
  const tmp = makeTempDir("all2all-engine-");
  afterAll(() => tmp.cleanup());

  it("is the pinned OpenTofu release (not a development build)", async () => {
    const engine = requireEngine();
    const out = (await tofuOk(engine, tmp.dir, ["version", "-json"])).stdout;
    const version = JSON.parse(out).terraform_version as string;
    expect(`v${version}`).toBe(readVersions().opentofu.version);
  });

  it("installs the provider from its mirror and prints the committed schema", async () => {
    const engine = requireEngine();
    const dir = path.join(tmp.dir, "schema");
    await initConfig(engine, dir, {});
    const lock = fs.readFileSync(path.join(dir, ".terraform.lock.hcl"), "utf8");
    expect(lock).toContain(`provider "registry.opentofu.org/hetznercloud/hcloud"`);
    expect(lock).toContain(`version     = "${readVersions().provider.version.replace(/^v/, "")}"`);

    const printed = JSON.parse((await tofuOk(engine, dir, ["providers", "schema", "-json"])).stdout);
    const built = Object.values(printed.provider_schemas as Record<string, any>)[0];
    const committed = Object.values(
      readJson(path.join(repoRoot, "providers", "hcloud", "schema.json")).provider_schemas as Record<string, any>,
    )[0];
    expect(Object.keys(built.resource_schemas).sort()).toEqual(Object.keys(committed.resource_schemas).sort());
    for (const part of ["provider", "resource_schemas", "data_source_schemas"]) {
      expect(withoutDocs(built[part])).toEqual(withoutDocs(committed[part]));
    }
  });
});
