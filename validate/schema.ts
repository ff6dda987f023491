/**
 * Provider schemas, as printed by `tofu providers schema -json` (or
 * `terraform providers schema -json`), indexed once for fast lookups.
 *
 * The raw format nests plain objects (`provider_schemas[source].resource_schemas
 * [type].block.attributes[name]`). Indexing converts it to Maps, parses cty
 * types, and precomputes per block what every validation needs (required
 * attributes, blocks with min_items, the names for suggestions), so that
 * validating a stack costs a constant amount of work per JSON node.
 *
 * Providers are keyed by their source address. The public registries'
 * hostnames (registry.terraform.io, registry.opentofu.org) are dropped from
 * the key, so "hetznercloud/hcloud", "registry.terraform.io/hetznercloud/hcloud"
 * and "registry.opentofu.org/hetznercloud/hcloud" are the same provider. The
 * built-in provider "terraform.io/builtin/terraform" (resource terraform_data,
 * data source terraform_remote_state) is always present.
 */

import { readFileSync } from "node:fs";
import { type CtyType, type PrimitiveKind, parseCtyType } from "./cty";
import { isObject } from "./json";

export type NestingMode = "single" | "list" | "set" | "map" | "group";

export interface AttributeSchema {
  /** cty type; undefined for nested attributes (see `nested`). */
  readonly type: CtyType | undefined;
  readonly nested: NestedAttributes | undefined;
  readonly required: boolean;
  readonly optional: boolean;
  readonly computed: boolean;
  readonly deprecated: boolean;
  readonly sensitive: boolean;
}

/** What nested attributes and nested blocks share: the schema of each item and how many there may be. */
interface Nested {
  readonly block: BlockSchema;
  readonly minItems: number;
  /** undefined when unlimited. */
  readonly maxItems: number | undefined;
}

/** An attribute whose value is an object (or collection of objects) with its own attributes. */
export interface NestedAttributes extends Nested {
  readonly mode: Exclude<NestingMode, "group">;
}

export interface BlockTypeSchema extends Nested {
  readonly mode: NestingMode;
}

export interface BlockSchema {
  readonly attributes: ReadonlyMap<string, AttributeSchema>;
  readonly blockTypes: ReadonlyMap<string, BlockTypeSchema>;
  readonly deprecated: boolean;
  /** Names of required attributes, precomputed. */
  readonly required: readonly string[];
  /** Block types with min_items > 0, precomputed. */
  readonly requiredBlocks: readonly string[];
  /** Every attribute and block name, sorted, for suggestions. */
  readonly names: readonly string[];
}

export interface ProviderSchema {
  /** Canonical source key, e.g. "hetznercloud/hcloud". */
  readonly source: string;
  readonly config: BlockSchema;
  readonly resources: ReadonlyMap<string, BlockSchema>;
  readonly dataSources: ReadonlyMap<string, BlockSchema>;
}

/** An index built once from one or more schema documents. */
export interface ProviderSchemas {
  /** Providers by canonical source key (see canonicalSource). */
  readonly bySource: ReadonlyMap<string, ProviderSchema>;
  /** Providers by type name (the last part of the source), the default local name. */
  readonly byType: ReadonlyMap<string, ProviderSchema>;
}

const PUBLIC_REGISTRIES: ReadonlySet<string> = new Set(["registry.terraform.io", "registry.opentofu.org"]);
export const BUILTIN_SOURCE = "terraform.io/builtin/terraform";

/**
 * The key a source address is indexed under: lower case, public registry host
 * dropped, "hashicorp/" assumed for a bare type as Terraform does.
 */
export function canonicalSource(source: string): string {
  const parts = source.trim().toLowerCase().split("/");
  if (parts.length === 1) return `hashicorp/${parts[0]}`;
  if (parts.length === 3 && PUBLIC_REGISTRIES.has(parts[0]!)) return `${parts[1]}/${parts[2]}`;
  return parts.join("/");
}

/** Reads and indexes schema files; a file that cannot be read or understood throws an Error naming it. */
export function loadProviderSchemas(files: string[]): ProviderSchemas {
  const docs = files.map((file) => {
    try {
      return JSON.parse(readFileSync(file, "utf8")) as unknown;
    } catch (error) {
      throw new Error(`cannot load provider schema ${file}: ${errorMessage(error)}`);
    }
  });
  return indexProviderSchemas(docs, files);
}

/** Indexes parsed schema documents. `names` label the documents in errors (default "document #i"). */
export function indexProviderSchemas(docs: unknown[], names: readonly string[] = []): ProviderSchemas {
  const bySource = new Map<string, ProviderSchema>();
  const byType = new Map<string, ProviderSchema>();
  const add = (provider: ProviderSchema): void => {
    bySource.set(provider.source, provider);
    const type = provider.source.slice(provider.source.lastIndexOf("/") + 1);
    if (!byType.has(type) || provider.source.startsWith("hashicorp/")) byType.set(type, provider);
  };
  add(builtinProvider());
  docs.forEach((doc, i) => {
    const name = names[i] ?? `document #${i}`;
    try {
      for (const provider of indexDocument(doc)) add(provider);
    } catch (error) {
      throw new Error(`invalid provider schema ${name}: ${errorMessage(error)}`);
    }
  });
  return { bySource, byType };
}

function indexDocument(doc: unknown): ProviderSchema[] {
  if (!isObject(doc) || !isObject(doc.provider_schemas)) {
    throw new Error('expected an object with "provider_schemas" (the output of `tofu providers schema -json`)');
  }
  return Object.entries(doc.provider_schemas).map(([source, raw]) => {
    try {
      return indexProvider(canonicalSource(source), raw);
    } catch (error) {
      throw new Error(`provider ${source}: ${errorMessage(error)}`);
    }
  });
}

function indexProvider(source: string, raw: unknown): ProviderSchema {
  if (!isObject(raw)) throw new Error("expected an object");
  return {
    source,
    config: isObject(raw.provider) ? indexBlock(raw.provider.block, "provider") : emptyBlock(),
    resources: indexSchemaMap(raw.resource_schemas, "resource_schemas"),
    dataSources: indexSchemaMap(raw.data_source_schemas, "data_source_schemas"),
  };
}

function indexSchemaMap(raw: unknown, where: string): Map<string, BlockSchema> {
  const index = new Map<string, BlockSchema>();
  if (raw === undefined || raw === null) return index;
  if (!isObject(raw)) throw new Error(`${where}: expected an object`);
  for (const [type, schema] of Object.entries(raw)) {
    if (!isObject(schema)) throw new Error(`${where}.${type}: expected an object`);
    index.set(type, indexBlock(schema.block, `${where}.${type}.block`));
  }
  return index;
}

function indexBlock(raw: unknown, where: string): BlockSchema {
  if (raw === undefined) return emptyBlock();
  if (!isObject(raw)) throw new Error(`${where}: expected an object`);
  const attributes = new Map<string, AttributeSchema>();
  for (const [name, attribute] of Object.entries(isObject(raw.attributes) ? raw.attributes : {})) {
    attributes.set(name, indexAttribute(attribute, `${where}.attributes.${name}`));
  }
  const blockTypes = new Map<string, BlockTypeSchema>();
  for (const [name, blockType] of Object.entries(isObject(raw.block_types) ? raw.block_types : {})) {
    blockTypes.set(name, indexBlockType(blockType, `${where}.block_types.${name}`));
  }
  return makeBlock(attributes, blockTypes, raw.deprecated === true);
}

function indexAttribute(raw: unknown, where: string): AttributeSchema {
  if (!isObject(raw)) throw new Error(`${where}: expected an object`);
  let type: CtyType | undefined;
  try {
    type = raw.type === undefined ? undefined : parseCtyType(raw.type);
  } catch (error) {
    throw new Error(`${where}.type: ${errorMessage(error)}`);
  }
  const nested = isObject(raw.nested_type) ? indexNested(raw.nested_type, `${where}.nested_type`) : undefined;
  if (type === undefined && nested === undefined) throw new Error(`${where}: expected "type" or "nested_type"`);
  return {
    type,
    nested,
    required: raw.required === true,
    optional: raw.optional === true,
    computed: raw.computed === true,
    deprecated: raw.deprecated === true,
    sensitive: raw.sensitive === true,
  };
}

function indexNested(raw: Record<string, unknown>, where: string): NestedAttributes {
  const mode = nestingMode(raw.nesting_mode, where);
  if (mode === "group") throw new Error(`${where}.nesting_mode: "group" is not valid for nested attributes`);
  return {
    mode,
    block: indexBlock({ attributes: raw.attributes }, where),
    minItems: count(raw.min_items) ?? 0,
    maxItems: positive(count(raw.max_items)),
  };
}

function indexBlockType(raw: unknown, where: string): BlockTypeSchema {
  if (!isObject(raw)) throw new Error(`${where}: expected an object`);
  return {
    mode: nestingMode(raw.nesting_mode, where),
    block: indexBlock(raw.block, `${where}.block`),
    minItems: count(raw.min_items) ?? 0,
    maxItems: positive(count(raw.max_items)),
  };
}

function nestingMode(raw: unknown, where: string): NestingMode {
  if (raw === "single" || raw === "list" || raw === "set" || raw === "map" || raw === "group") return raw;
  throw new Error(`${where}.nesting_mode: unknown nesting mode ${JSON.stringify(raw)}`);
}

function count(raw: unknown): number | undefined {
  return typeof raw === "number" && Number.isInteger(raw) && raw >= 0 ? raw : undefined;
}

/** Terraform uses max_items 0 for "no limit". */
function positive(n: number | undefined): number | undefined {
  return n === undefined || n === 0 ? undefined : n;
}

function makeBlock(
  attributes: ReadonlyMap<string, AttributeSchema>,
  blockTypes: ReadonlyMap<string, BlockTypeSchema>,
  deprecated = false,
): BlockSchema {
  return {
    attributes,
    blockTypes,
    deprecated,
    required: [...attributes].filter(([, a]) => a.required).map(([name]) => name),
    requiredBlocks: [...blockTypes].filter(([, b]) => b.minItems > 0).map(([name]) => name),
    names: [...attributes.keys(), ...blockTypes.keys()].sort(),
  };
}

function emptyBlock(): BlockSchema {
  return makeBlock(new Map(), new Map());
}

/** The provider built into Terraform/OpenTofu, which never appears in `providers schema` output. */
function builtinProvider(): ProviderSchema {
  const attribute = (type: PrimitiveKind | "dynamic", flags: Partial<AttributeSchema>): AttributeSchema => ({
    type: { kind: type },
    nested: undefined,
    required: false,
    optional: false,
    computed: false,
    deprecated: false,
    sensitive: false,
    ...flags,
  });
  // Blocks of attributes only, no nested blocks.
  const attributesOnly = (attributes: [string, AttributeSchema][]) => makeBlock(new Map(attributes), new Map());
  const remoteState = attributesOnly([
    ["backend", attribute("string", { required: true })],
    ["config", attribute("dynamic", { optional: true })],
    ["defaults", attribute("dynamic", { optional: true })],
    ["workspace", attribute("string", { optional: true })],
    ["outputs", attribute("dynamic", { computed: true })],
  ]);
  const terraformData = attributesOnly([
    ["id", attribute("string", { computed: true })],
    ["input", attribute("dynamic", { optional: true })],
    ["output", attribute("dynamic", { computed: true })],
    ["triggers_replace", attribute("dynamic", { optional: true })],
  ]);
  return {
    source: BUILTIN_SOURCE,
    config: emptyBlock(),
    resources: new Map([["terraform_data", terraformData]]),
    dataSources: new Map([["terraform_remote_state", remoteState]]),
  };
}

/** Why a provider could not be found, for "no schema for provider ..." messages. */
export interface ProviderLookup {
  readonly provider: ProviderSchema | undefined;
  /** Set when required_providers names a source that has no loaded schema. */
  readonly source: string | undefined;
}

/**
 * The schema of the provider with the given local name: through
 * `terraform.required_providers.<name>.source` when the stack declares it,
 * else the loaded provider whose type name is the local name.
 */
export function lookupProvider(
  schemas: ProviderSchemas,
  localName: string,
  requiredProviders: ReadonlyMap<string, string>,
): ProviderLookup {
  const source = requiredProviders.get(localName);
  if (source !== undefined) return { provider: schemas.bySource.get(source), source };
  return { provider: schemas.byType.get(localName), source: undefined };
}

/** The default local provider name of a resource type: the part before the first "_". */
export function impliedProviderName(type: string): string {
  const underscore = type.indexOf("_");
  return underscore < 0 ? type : type.slice(0, underscore);
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
