/**
 * Loading and indexing provider schemas.
 */

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { canonicalSource, indexProviderSchemas, loadProviderSchemas } from "../../validate";
import { joinRegExp } from "../../primitives/regexp";

const HCLOUD = path.join(__dirname, "../../providers/hcloud/schema.json");

describe("loadProviderSchemas", () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "schema-test-"));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("indexes the committed hcloud schema with the built-in provider", () => {
    const schemas = loadProviderSchemas([HCLOUD]);
    const hcloud = schemas.bySource.get("hetznercloud/hcloud");
    expect(hcloud?.resources.get("hcloud_server")?.required).toEqual(["name", "server_type"]);
    expect(hcloud?.dataSources.has("hcloud_image")).toBe(true);
    expect(schemas.byType.get("hcloud")).toBe(hcloud);
    expect(schemas.byType.get("terraform")?.dataSources.has("terraform_remote_state")).toBe(true);
    const storageBox = hcloud?.resources.get("hcloud_storage_box");
    expect(storageBox?.attributes.get("snapshot_plan")?.nested?.block.required).toEqual([
      "hour",
      "max_snapshots",
      "minute",
    ]);
  });

  it("throws an error naming a file that is not JSON", () => {
    const file = path.join(dir, "broken.json");
    fs.writeFileSync(file, "{ not json");
    expect(() => loadProviderSchemas([HCLOUD, file])).toThrow(`cannot load provider schema ${file}`);
  });

  it("throws an error naming a missing file", () => {
    const file = path.join(dir, "missing.json");
    expect(() => loadProviderSchemas([file])).toThrow(`cannot load provider schema ${file}`);
  });

  it("throws an error naming a file of the wrong format", () => {
    const file = path.join(dir, "wrong.json");
    fs.writeFileSync(file, JSON.stringify({ format_version: "1.0", providers: {} }));
    expect(() => loadProviderSchemas([file])).toThrow(
      `invalid provider schema ${file}: expected an object with "provider_schemas"`,
    );
    const badType = path.join(dir, "bad-type.json");
    const doc = {
      provider_schemas: { "acme/x": { resource_schemas: { x_y: { block: { attributes: { a: { type: "text" } } } } } } },
    };
    fs.writeFileSync(badType, JSON.stringify(doc));
    expect(() => loadProviderSchemas([badType])).toThrow(
      joinRegExp(
        /invalid provider schema .*bad-type\.json: provider acme\/x: /,
        /resource_schemas\.x_y\.block\.attributes\.a\.type: unknown cty type "text"/,
      ),
    );
  });
});

describe("indexProviderSchemas", () => {
  it("indexes several documents and names bad ones by position", () => {
    const schemas = indexProviderSchemas([
      { provider_schemas: { "registry.terraform.io/acme/one": { resource_schemas: { one_a: { block: {} } } } } },
      { provider_schemas: { "registry.opentofu.org/acme/two": { data_source_schemas: { two_b: { block: {} } } } } },
    ]);
    expect([...schemas.bySource.keys()].sort()).toEqual(["acme/one", "acme/two", "terraform.io/builtin/terraform"]);
    expect(() => indexProviderSchemas([{}, null])).toThrow("invalid provider schema document #0");
  });
});

describe("canonicalSource", () => {
  it("drops public registry hosts and defaults the namespace", () => {
    const canonical = {
      "registry.terraform.io/hetznercloud/hcloud": "hetznercloud/hcloud",
      "registry.opentofu.org/HetznerCloud/hcloud": "hetznercloud/hcloud",
      "hetznercloud/hcloud": "hetznercloud/hcloud",
      random: "hashicorp/random",
      "example.com/acme/x": "example.com/acme/x",
    };
    for (const [source, expected] of Object.entries(canonical)) expect(canonicalSource(source)).toBe(expected);
  });
});
