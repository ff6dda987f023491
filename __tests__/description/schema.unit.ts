import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { jsonSchemaText, overlaySchemaText, writeSchemas } from "../../description";
import { DEFAULT_CONFIG } from "../../testing/description";

const STALE =
  "is stale: regenerate it with `npm run config:schema` (node dist/description/write-schema.js) and commit it";

describe("the committed JSON Schemas", () => {
  test("config/schema.json is up to date with the zod model", () => {
    const committed = readFileSync(path.join(DEFAULT_CONFIG, "schema.json"), "utf8");
    if (committed !== jsonSchemaText()) throw new Error(`config/schema.json ${STALE}`);
  });

  test("config/overlay.schema.json is up to date with the zod model", () => {
    const committed = readFileSync(path.join(DEFAULT_CONFIG, "overlay.schema.json"), "utf8");
    if (committed !== overlaySchemaText()) throw new Error(`config/overlay.schema.json ${STALE}`);
  });

  test("generation is deterministic", () => {
    expect(jsonSchemaText()).toBe(jsonSchemaText());
    expect(overlaySchemaText()).toBe(overlaySchemaText());
  });

  test("the schema describes every top-level key, strictly, with catalogue names for completion", () => {
    const schema = JSON.parse(jsonSchemaText());
    expect(schema.$schema).toBe("http://json-schema.org/draft-07/schema#");
    expect(Object.keys(schema.properties)).toEqual([
      "environment",
      "operators",
      "placement_groups",
      "networks",
      "firewall_policies",
      "servers",
      "dns_secondaries",
      "zones",
      "storage_boxes",
      "suppressions",
    ]);
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required ?? []).toEqual([]);
    const server = schema.properties.servers.items;
    expect(server.additionalProperties).toBe(false);
    expect(server.required).toEqual(["name", "role", "type"]);
    expect(server.properties.type.enum).toContain("cx23");
    expect(server.properties.image.default).toBe("debian-13");
    expect(server.properties.public.properties.ipv4.default).toBe(false);
    expect(server.properties.public.properties.ipv6.default).toBe(true);
    expect(server.properties.allow_rebuild.default).toBe(false);
    expect(server.properties.name.pattern).toBeDefined();
    expect(server.properties.name.description).toMatch(/hostname/);
  });

  test("the overlay schema makes everything optional and allows $remove in lists merged by key", () => {
    const schema = JSON.parse(overlaySchemaText());
    const server = schema.properties.servers.anyOf[0].items;
    expect(server.required).toEqual(["name"]);
    expect(server.properties.$remove).toEqual({
      const: true,
      description: "Removes the item with this name from the shared description.",
    });
    expect(server.properties.image.anyOf[0].default).toBeUndefined();
    const record = schema.properties.zones.anyOf[0].items.properties.records.anyOf[0].items;
    expect(record.required).toEqual(["name", "type"]);
    const rule = schema.properties.firewall_policies.anyOf[0].items.properties.rules.items;
    expect(rule.properties.$remove).toBeUndefined();
  });

  test("writeSchemas writes both files atomically (no temporary file left)", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "all2all-schema-"));
    try {
      writeSchemas(dir);
      expect(readdirSync(dir).sort()).toEqual(["overlay.schema.json", "schema.json"]);
      expect(readFileSync(path.join(dir, "schema.json"), "utf8")).toBe(jsonSchemaText());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the YAML files of the default config", () => {
  const yamlFiles = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) return name === "cloud-init" ? [] : yamlFiles(full);
      return /\.ya?ml$/.test(name) ? [full] : [];
    });

  test.each(yamlFiles(DEFAULT_CONFIG).map((f) => [path.relative(DEFAULT_CONFIG, f)]))(
    "%s names the committed schema on its first line",
    (file) => {
      const first = readFileSync(path.join(DEFAULT_CONFIG, file), "utf8").split("\n")[0];
      const expected = file.startsWith("environments/") ? "../overlay.schema.json" : "./schema.json";
      expect(first).toBe(`# yaml-language-server: $schema=${expected}`);
    },
  );

  test("no file of the repository's config holds a private key", () => {
    const all = (dir: string): string[] =>
      readdirSync(dir).flatMap((name) =>
        statSync(path.join(dir, name)).isDirectory() ? all(path.join(dir, name)) : [path.join(dir, name)],
      );
    const marker = new RegExp(["BEGIN", "[A-Z ]*", "PRIVATE", " KEY"].join(""));
    for (const file of all(DEFAULT_CONFIG)) expect(marker.test(readFileSync(file, "utf8"))).toBe(false);
  });
});
