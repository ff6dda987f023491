/**
 * JSON Schemas generated from the zod model, committed in the config
 * directory and named by the first line of every YAML file, so editors
 * (yaml-language-server: VS Code, Neovim, Helix…) complete keys and flag
 * mistakes as you type.
 *
 * - schema.json: a shared description file (config/*.yaml).
 * - overlay.schema.json: an environment overlay (config/environments/*.yaml):
 *   every key optional, no defaults (an omitted key keeps the shared value),
 *   `null` removes an optional key, and items of lists merged by key may
 *   carry `$remove: true`.
 *
 * Deterministic: same model, same text. Draft 7, which every editor supports.
 */
import { z } from "zod";
import { MERGE_KEYS, REMOVE_KEY } from "./merge";
import { NetworkDescriptionSchema } from "./schema";

type Json = Record<string, unknown>;

function baseSchema(): Json {
  return z.toJSONSchema(NetworkDescriptionSchema, {
    io: "input",
    target: "draft-07",
    reused: "inline",
    unrepresentable: "any",
  }) as Json;
}

function withHeader(schema: Json, title: string, description: string): Json {
  const { $schema, ...rest } = schema;
  return { $schema, title, ...rest, description };
}

/** The JSON Schema of a shared description file, as committed in config/schema.json. */
export function jsonSchemaText(): string {
  const schema = withHeader(
    baseSchema(),
    "all2all network description",
    "A shared description file of the all2all network (config/*.yaml). Generated from " +
      "description/schema.ts by `npm run config:schema`; do not edit.",
  );
  return `${JSON.stringify(schema, null, 2)}\n`;
}

const KEYED = new Map(MERGE_KEYS.map((entry) => [entry.path, entry.key]));

function overlayNode(node: unknown, pattern: string): unknown {
  if (Array.isArray(node)) return node.map((item) => overlayNode(item, pattern));
  if (!node || typeof node !== "object") return node;
  const source = node as Json;
  const out: Json = {};
  for (const [key, value] of Object.entries(source)) {
    if (key === "default") continue;
    if (key === "properties" && value && typeof value === "object") {
      const required = new Set((source.required as string[] | undefined) ?? []);
      const properties: Json = {};
      for (const [name, property] of Object.entries(value as Json)) {
        const child = overlayNode(property, pattern === "" ? name : `${pattern}.${name}`) as Json;
        const { description, ...inner } = child;
        properties[name] = required.has(name)
          ? child
          : {
              ...(description ? { description } : {}),
              anyOf: [inner, { type: "null", description: "null removes the key: the default applies" }],
            };
      }
      out.properties = properties;
      continue;
    }
    if (key === "items") {
      const itemPattern = `${pattern}[]`;
      const item = overlayNode(value, itemPattern) as Json;
      const keyFields = KEYED.get(pattern);
      if (keyFields && item.properties) {
        item.properties = {
          ...(item.properties as Json),
          [REMOVE_KEY]: {
            const: true,
            description: `Removes the item with this ${keyFields.join(" and ")} from the shared description.`,
          },
        };
        item.required = [...keyFields];
      }
      out.items = item;
      continue;
    }
    if (key === "required") continue;
    if (key === "minItems" && pattern === "") continue;
    out[key] = value && typeof value === "object" ? overlayNode(value, pattern) : value;
  }
  return out;
}

/** The JSON Schema of an environment overlay, as committed in config/overlay.schema.json. */
export function overlaySchemaText(): string {
  const schema = withHeader(
    overlayNode(baseSchema(), "") as Json,
    "all2all environment overlay",
    "An environment overlay (config/environments/<name>.yaml), merged onto the shared description: mappings by " +
      "key (null removes a key), lists of named items by name ($remove: true removes one), anything else replaced. " +
      "Generated from description/schema.ts by `npm run config:schema`; do not edit.",
  );
  return `${JSON.stringify(schema, null, 2)}\n`;
}
