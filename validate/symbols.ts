/**
 * The declarations of one stack, collected in a single pass before
 * validation: resources and data sources (with their resolved schema and
 * whether they use count/for_each), variables, locals, modules, provider
 * configurations and required_providers.
 *
 * References, depends_on, import/moved addresses and provider meta-arguments
 * are then checked with Map/Set lookups, so a stack with thousands of
 * resources is validated in time linear in its size.
 */

import { isObject, own, sectionEntries, asList, type JsonObject } from "./json";
import {
  type BlockSchema,
  type ProviderSchema,
  type ProviderSchemas,
  impliedProviderName,
  lookupProvider,
  canonicalSource,
} from "./schema";

export type ResourceKind = "resource" | "data";

/** The outcome of looking up a resource or data source type. */
export type TypeLookup =
  | { readonly kind: "found"; readonly schema: BlockSchema; readonly provider: ProviderSchema }
  | { readonly kind: "unknown-type"; readonly provider: ProviderSchema }
  | { readonly kind: "no-provider"; readonly localName: string; readonly source: string | undefined };

export interface ResourceSymbol {
  readonly lookup: TypeLookup;
  /** Set when the block has count or for_each, so its instances are indexed. */
  readonly repetition: "count" | "for_each" | undefined;
}

export interface StackSymbols {
  /** type → name → symbol, for managed resources. */
  readonly resources: ReadonlyMap<string, ReadonlyMap<string, ResourceSymbol>>;
  /** type → name → symbol, for data sources (including those scoped in check blocks). */
  readonly dataSources: ReadonlyMap<string, ReadonlyMap<string, ResourceSymbol>>;
  readonly variables: ReadonlySet<string>;
  readonly locals: ReadonlySet<string>;
  readonly modules: ReadonlySet<string>;
  /** Declared provider configurations: "hcloud" and "hcloud.<alias>". */
  readonly providerConfigs: ReadonlySet<string>;
  /** required_providers: local name → canonical source. */
  readonly requiredProviders: ReadonlyMap<string, string>;
  /** Addresses declared more than once ("hcloud_server.web", "data.x.y", "var.x", ...). */
  readonly duplicates: readonly string[];
}

export function collectSymbols(doc: JsonObject, schemas: ProviderSchemas): StackSymbols {
  const requiredProviders = collectRequiredProviders(own(doc, "terraform"));
  const duplicates: string[] = [];
  const lookups = new Map<string, TypeLookup>();
  const lookupType = (kind: ResourceKind, type: string, body: unknown): TypeLookup => {
    const localName = providerLocalName(body) ?? impliedProviderName(type);
    const key = `${kind}\0${localName}\0${type}`;
    let lookup = lookups.get(key);
    if (lookup === undefined) {
      lookup = resolveType(schemas, kind, type, localName, requiredProviders);
      lookups.set(key, lookup);
    }
    return lookup;
  };
  const resources = collectResources("resource", own(doc, "resource"), lookupType, duplicates);
  const dataSources = collectResources("data", own(doc, "data"), lookupType, duplicates);
  for (const [, check] of sectionEntries(own(doc, "check")) ?? []) {
    if (isObject(check)) collectResources("data", own(check, "data"), lookupType, duplicates, dataSources);
  }
  return {
    resources,
    dataSources,
    variables: collectNames(own(doc, "variable"), "var", duplicates),
    locals: collectLocals(own(doc, "locals"), duplicates),
    modules: collectNames(own(doc, "module"), "module", duplicates),
    providerConfigs: collectProviderConfigs(own(doc, "provider")),
    requiredProviders,
    duplicates,
  };
}

/** The local provider name chosen by a `provider` meta-argument ("hcloud" in "hcloud.eu"), if any. */
export function providerLocalName(body: unknown): string | undefined {
  if (!isObject(body)) return undefined;
  const provider = own(body, "provider");
  if (typeof provider !== "string") return undefined;
  const match = /^(?:\$\{)?\s*([A-Za-z][A-Za-z0-9_-]*)(?:\.[A-Za-z][A-Za-z0-9_-]*)?\s*\}?$/.exec(provider);
  return match?.[1];
}

function resolveType(
  schemas: ProviderSchemas,
  kind: ResourceKind,
  type: string,
  localName: string,
  requiredProviders: ReadonlyMap<string, string>,
): TypeLookup {
  const { provider, source } = lookupProvider(schemas, localName, requiredProviders);
  if (provider === undefined) return { kind: "no-provider", localName, source };
  const schema = (kind === "resource" ? provider.resources : provider.dataSources).get(type);
  return schema === undefined ? { kind: "unknown-type", provider } : { kind: "found", schema, provider };
}

function collectRequiredProviders(terraform: unknown): Map<string, string> {
  const required = new Map<string, string>();
  for (const block of asList(terraform)) {
    if (!isObject(block)) continue;
    for (const [localName, entry] of sectionEntries(own(block, "required_providers")) ?? []) {
      const source = isObject(entry) ? own(entry, "source") : undefined;
      if (typeof source === "string") required.set(localName, canonicalSource(source));
    }
  }
  return required;
}

type TypeLookupFn = (kind: ResourceKind, type: string, body: unknown) => TypeLookup;

function collectResources(
  kind: ResourceKind,
  section: unknown,
  lookupType: TypeLookupFn,
  duplicates: string[],
  into = new Map<string, Map<string, ResourceSymbol>>(),
): Map<string, Map<string, ResourceSymbol>> {
  for (const [type, byName] of sectionEntries(section) ?? []) {
    let names = into.get(type);
    if (names === undefined) {
      names = new Map();
      into.set(type, names);
    }
    for (const [name, body] of sectionEntries(byName) ?? []) {
      if (names.has(name)) duplicates.push(`${kind === "data" ? "data." : ""}${type}.${name}`);
      names.set(name, { lookup: lookupType(kind, type, firstBody(body)), repetition: repetitionOf(firstBody(body)) });
    }
  }
  return into;
}

/** A block body given as an array of one object is that object. */
export function firstBody(body: unknown): unknown {
  return Array.isArray(body) && body.length === 1 ? body[0] : body;
}

function repetitionOf(body: unknown): ResourceSymbol["repetition"] {
  if (!isObject(body)) return undefined;
  if (own(body, "for_each") !== undefined && own(body, "for_each") !== null) return "for_each";
  if (own(body, "count") !== undefined && own(body, "count") !== null) return "count";
  return undefined;
}

function collectNames(section: unknown, prefix: string, duplicates: string[]): Set<string> {
  const names = new Set<string>();
  for (const [name] of sectionEntries(section) ?? []) {
    if (names.has(name)) duplicates.push(`${prefix}.${name}`);
    names.add(name);
  }
  return names;
}

function collectLocals(section: unknown, duplicates: string[]): Set<string> {
  const names = new Set<string>();
  for (const block of asList(section)) {
    if (!isObject(block)) continue;
    for (const name of Object.keys(block)) {
      if (name === "//") continue;
      if (names.has(name)) duplicates.push(`local.${name}`);
      names.add(name);
    }
  }
  return names;
}

function collectProviderConfigs(section: unknown): Set<string> {
  const configs = new Set<string>();
  for (const [name, value] of sectionEntries(section) ?? []) {
    configs.add(name);
    for (const config of asList(value)) {
      const alias = isObject(config) ? own(config, "alias") : undefined;
      if (typeof alias === "string") configs.add(`${name}.${alias}`);
    }
  }
  return configs;
}
