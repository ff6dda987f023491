/**
 * Resource, data source and provider blocks.
 *
 * - rule 1: the resource or data source type exists in its provider's schema
 *   (else an error naming the nearest known type);
 * - rule 12: the provider itself is known: the local name (from the
 *   `provider` meta-argument, or the type's prefix before "_") resolves
 *   through terraform.required_providers, or directly, to a loaded schema;
 * - rule 9: `provider.<name>` configurations (an array, as cdktn emits them,
 *   or an object) are checked against the provider schema; `alias` and
 *   `version` are accepted;
 * - rule 11: the meta-arguments count, for_each, depends_on, provider,
 *   lifecycle (create_before_destroy, prevent_destroy, ignore_changes,
 *   replace_triggered_by, precondition, postcondition), provisioner and
 *   connection are understood and checked for their own form:
 *   ignore_changes must name attributes or blocks of the schema, depends_on
 *   and replace_triggered_by must name declared objects, an aliased provider
 *   must be declared, count is a whole number, for_each is not a literal list.
 *
 * Everything else in a body is checked by body.ts against the schema.
 */

import { describeValue, typeProblems } from "./cty";
import { type Site, type StackContext, reportError, reportWarning, siteOf } from "./context";
import { hasInterpolation, unwrapInterpolation } from "./expressions";
import { type JsonObject, asList, isObject, own, sectionEntries } from "./json";
import { suggestionSuffix } from "../primitives/edit-distance";
import { attrPath, indexPath } from "./paths";
import { addressProblem, checkStrings, checkTemplate } from "./references";
import { validateBody } from "./body";
import { type BlockSchema, lookupProvider } from "./schema";
import { type ResourceKind, type TypeLookup, firstBody } from "./symbols";

const RESOURCE_META: ReadonlySet<string> = new Set([
  "count",
  "for_each",
  "depends_on",
  "provider",
  "lifecycle",
  "provisioner",
  "connection",
]);
const DATA_META: ReadonlySet<string> = new Set(["count", "for_each", "depends_on", "provider", "lifecycle"]);
const PROVIDER_META: ReadonlySet<string> = new Set(["alias", "version"]);
const RESOURCE_LIFECYCLE: ReadonlySet<string> = new Set([
  "create_before_destroy",
  "prevent_destroy",
  "ignore_changes",
  "replace_triggered_by",
  "precondition",
  "postcondition",
  "//",
]);
const DATA_LIFECYCLE: ReadonlySet<string> = new Set(["precondition", "postcondition", "//"]);
const BOOL = { kind: "bool" } as const;
const WHOLE_NUMBER = /^\d+$/;
const PROVIDER_REFERENCE = /^([A-Za-z][A-Za-z0-9_-]*)(?:\.([A-Za-z][A-Za-z0-9_-]*))?$/;

/** `resource` or `data` (also a check block's scoped `data`): type → name → body. */
export function validateResourceSection(ctx: StackContext, kind: ResourceKind, section: unknown): void {
  const types = sectionEntries(section);
  if (types === undefined) {
    reportError(
      siteOf(ctx, kind),
      "",
      `wrong type: got ${describeValue(section)} (expected an object keyed ` +
        `by ${kind === "data" ? "data source" : "resource"} type)`,
    );
    return;
  }
  for (const [type, byName] of types) {
    const names = sectionEntries(byName);
    if (names === undefined) {
      reportError(
        siteOf(ctx, addressOf(kind, type, "")),
        "",
        `wrong type: got ${describeValue(byName)} (expected an object keyed by name)`,
      );
      continue;
    }
    for (const [name, body] of names) validateResource(ctx, kind, type, name, body);
  }
}

function addressOf(kind: ResourceKind, type: string, name: string): string {
  const address = name === "" ? type : `${type}.${name}`;
  return kind === "data" ? `data.${address}` : address;
}

function validateResource(ctx: StackContext, kind: ResourceKind, type: string, name: string, raw: unknown): void {
  const site = siteOf(ctx, addressOf(kind, type, name));
  const body = firstBody(raw);
  if (!isObject(body)) {
    reportError(site, "", `wrong type: got ${describeValue(raw)} (expected an object with the block's arguments)`);
    return;
  }
  const lookup = (kind === "data" ? ctx.symbols.dataSources : ctx.symbols.resources).get(type)?.get(name)?.lookup;
  const schema = lookup?.kind === "found" ? lookup.schema : undefined;
  validateMetaArguments(site, kind, body, schema);
  const meta = kind === "data" ? DATA_META : RESOURCE_META;
  if (lookup !== undefined && lookup.kind !== "found") reportError(site, "", lookupMessage(kind, type, lookup));
  if (schema === undefined) {
    for (const [key, value] of Object.entries(body)) {
      if (key !== "//" && !meta.has(key)) checkStrings(site, key, value);
    }
    return;
  }
  if (schema.deprecated)
    reportWarning(site, "", `${kind === "data" ? "data source" : "resource"} type "${type}" is deprecated`);
  validateBody(site, body, schema, "", { owner: type, skip: meta, allowDynamic: true });
}

function lookupMessage(kind: ResourceKind, type: string, lookup: Exclude<TypeLookup, { kind: "found" }>): string {
  if (lookup.kind === "no-provider") return noProviderMessage(lookup.localName, lookup.source);
  const what = kind === "data" ? "data source" : "resource";
  const known = kind === "data" ? lookup.provider.dataSources.keys() : lookup.provider.resources.keys();
  return (
    `unknown ${what} type "${type}" (expected a ${what} type of ` +
    `provider ${lookup.provider.source}${suggestionSuffix(type, known)})`
  );
}

export function noProviderMessage(localName: string, source: string | undefined): string {
  return source === undefined
    ? `no schema for provider "${localName}" (expected a loaded provider schema with that ` +
        `name, or a terraform.required_providers entry whose source has one)`
    : `no schema for provider "${localName}" with source "${source}" (expected ` +
        `the schema of ${source} among the loaded schema files)`;
}

function validateMetaArguments(
  site: Site,
  kind: ResourceKind,
  body: JsonObject,
  schema: BlockSchema | undefined,
): void {
  const count = own(body, "count");
  const forEach = own(body, "for_each");
  if (count !== undefined) validateCount(site, count);
  if (forEach !== undefined) validateForEach(site, forEach);
  if (count !== undefined && count !== null && forEach !== undefined && forEach !== null) {
    reportError(site, "", `count and for_each are both set (expected at most one of them)`);
  }
  const dependsOn = own(body, "depends_on");
  if (dependsOn !== undefined) validateDependsOn(site, "depends_on", dependsOn);
  const provider = own(body, "provider");
  if (provider !== undefined) validateProviderReference(site, "provider", provider);
  const lifecycle = own(body, "lifecycle");
  if (lifecycle !== undefined) validateLifecycle(site, kind, lifecycle, schema);
  if (kind === "resource") {
    for (const key of ["provisioner", "connection"]) {
      const value = own(body, key);
      if (value !== undefined) checkStrings(site, key, value);
    }
  }
}

function validateCount(site: Site, value: unknown): void {
  if (value === null) return;
  if (typeof value === "string" && hasInterpolation(value)) {
    checkTemplate(site, "count", value);
    return;
  }
  const whole =
    (typeof value === "number" && Number.isInteger(value) && value >= 0) ||
    (typeof value === "string" && WHOLE_NUMBER.test(value));
  if (!whole) reportError(site, "count", `wrong type: got ${describeValue(value)} (expected a whole number >= 0)`);
}

function validateForEach(site: Site, value: unknown): void {
  if (value === null) return;
  if (typeof value === "string" && hasInterpolation(value)) {
    checkTemplate(site, "for_each", value);
  } else if (isObject(value)) {
    checkStrings(site, "for_each", value);
  } else if (Array.isArray(value)) {
    reportError(
      site,
      "for_each",
      `a JSON array is a tuple, which for_each does not accept (expected an ` +
        `object, or a set of strings such as "\${toset([...])}")`,
    );
    checkStrings(site, "for_each", value);
  } else {
    reportError(site, "for_each", `wrong type: got ${describeValue(value)} (expected a map or a set of strings)`);
  }
}

/** depends_on (resources, data sources, outputs, modules): a list of whole-object addresses. */
export function validateDependsOn(site: Site, path: string, value: unknown): void {
  if (!Array.isArray(value)) {
    reportError(site, path, `wrong type: got ${describeValue(value)} (expected a list of addresses)`);
    return;
  }
  value.forEach((item, i) => {
    const problem = addressProblem(item, "depends_on", site);
    if (problem !== undefined) reportError(site, indexPath(path, i), problem);
  });
}

/** A `provider` meta-argument: "hcloud" or "hcloud.<alias>", the alias being declared. */
export function validateProviderReference(site: Site, path: string, value: unknown): void {
  const text = typeof value === "string" ? unwrapInterpolation(value).trim() : undefined;
  const match = text === undefined ? null : PROVIDER_REFERENCE.exec(text);
  if (match === null) {
    reportError(
      site,
      path,
      `invalid provider reference ${JSON.stringify(value)} (expected "<name>" or "<name>.<alias>")`,
    );
    return;
  }
  if (match[2] !== undefined && !site.ctx.symbols.providerConfigs.has(text ?? "")) {
    reportError(
      site,
      path,
      `provider configuration "${text}" is not declared (expected a provider ` +
        `"${match[1]}" block with alias "${match[2]}")`,
    );
  }
}

function validateLifecycle(site: Site, kind: ResourceKind, value: unknown, schema: BlockSchema | undefined): void {
  const lifecycle = firstBody(value);
  if (!isObject(lifecycle)) {
    reportError(site, "lifecycle", `wrong type: got ${describeValue(value)} (expected an object)`);
    return;
  }
  const allowed = kind === "data" ? DATA_LIFECYCLE : RESOURCE_LIFECYCLE;
  for (const [key, item] of Object.entries(lifecycle)) {
    const path = attrPath("lifecycle", key);
    if (!allowed.has(key)) {
      const where = kind === "data" ? "in a data source" : "in lifecycle";
      reportError(
        site,
        path,
        `unknown argument "${key}" ${where} (expected one ` +
          `of ${[...allowed].filter((k) => k !== "//").join(", ")}${suggestionSuffix(key, allowed)})`,
      );
      continue;
    }
    switch (key) {
      case "create_before_destroy":
      case "prevent_destroy":
        for (const problem of typeProblems(item, BOOL)) reportError(site, path, problem.message);
        break;
      case "ignore_changes":
        validateIgnoreChanges(site, path, item, schema);
        break;
      case "replace_triggered_by":
        validateReplaceTriggeredBy(site, path, item);
        break;
      case "precondition":
      case "postcondition":
        validateConditions(site, path, item);
        break;
    }
  }
}

/** ignore_changes: "all", or a list of attribute paths whose first name must be in the schema. */
function validateIgnoreChanges(site: Site, path: string, value: unknown, schema: BlockSchema | undefined): void {
  if (value === "all") return;
  if (!Array.isArray(value)) {
    reportError(site, path, `wrong type: got ${describeValue(value)} (expected "all" or a list of attribute names)`);
    return;
  }
  value.forEach((item, i) => {
    const itemPath = indexPath(path, i);
    const name =
      typeof item === "string" ? /^[A-Za-z_][A-Za-z0-9_-]*/.exec(unwrapInterpolation(item).trim())?.[0] : undefined;
    if (name === undefined) {
      reportError(
        site,
        itemPath,
        `invalid ignore_changes entry ${JSON.stringify(item)} (expected an attribute name such as "labels")`,
      );
    } else if (schema !== undefined && name !== "all" && !schema.attributes.has(name) && !schema.blockTypes.has(name)) {
      reportError(
        site,
        itemPath,
        `ignore_changes names unknown attribute "${name}" (expected an attribute or ` +
          `block of the schema${suggestionSuffix(name, schema.names)})`,
      );
    }
  });
}

function validateReplaceTriggeredBy(site: Site, path: string, value: unknown): void {
  if (!Array.isArray(value)) {
    reportError(site, path, `wrong type: got ${describeValue(value)} (expected a list of resource references)`);
    return;
  }
  value.forEach((item, i) => {
    const problem = addressProblem(item, "replace_triggered_by", site);
    if (problem !== undefined) reportError(site, indexPath(path, i), problem);
  });
}

/** precondition/postcondition/validation/assert: blocks with condition and error_message. */
export function validateConditions(site: Site, path: string, value: unknown): void {
  const list = asList(value);
  list.forEach((condition, i) => {
    const conditionPath = Array.isArray(value) ? indexPath(path, i) : path;
    if (!isObject(condition)) {
      reportError(
        site,
        conditionPath,
        `wrong type: got ${describeValue(condition)} (expected an object with condition and error_message)`,
      );
      return;
    }
    for (const key of Object.keys(condition)) {
      if (key !== "condition" && key !== "error_message" && key !== "//") {
        reportError(
          site,
          attrPath(conditionPath, key),
          `unknown argument "${key}" (expected condition or error_message)`,
        );
      }
    }
    for (const key of ["condition", "error_message"]) {
      const item = own(condition, key);
      if (item === undefined)
        reportError(
          site,
          attrPath(conditionPath, key),
          `missing required argument "${key}" (expected ${key === "condition" ? "a bool expression" : "a string"})`,
        );
      else checkStrings(site, attrPath(conditionPath, key), item);
    }
  });
}

/** `provider`: local name → one configuration or an array of them (cdktn emits an array). */
export function validateProviderSection(ctx: StackContext, section: unknown): void {
  const entries = sectionEntries(section);
  if (entries === undefined) {
    reportError(
      siteOf(ctx, "provider"),
      "",
      `wrong type: got ${describeValue(section)} (expected an object keyed by provider name)`,
    );
    return;
  }
  for (const [name, configs] of entries) {
    for (const config of asList(configs)) validateProviderConfig(ctx, name, config);
  }
}

function validateProviderConfig(ctx: StackContext, name: string, config: unknown): void {
  const alias = isObject(config) ? own(config, "alias") : undefined;
  const site = siteOf(ctx, typeof alias === "string" ? `provider.${name}.${alias}` : `provider.${name}`);
  if (!isObject(config)) {
    reportError(
      site,
      "",
      `wrong type: got ${describeValue(config)} (expected an object with the provider's arguments)`,
    );
    return;
  }
  for (const key of PROVIDER_META) {
    const value = own(config, key);
    if (value !== undefined && typeof value !== "string")
      reportError(site, key, `wrong type: got ${describeValue(value)} (expected a string)`);
  }
  const { provider, source } = lookupProvider(ctx.schemas, name, ctx.symbols.requiredProviders);
  if (provider === undefined) {
    reportError(site, "", noProviderMessage(name, source));
    checkStrings(site, "", config);
    return;
  }
  validateBody(site, config, provider.config, "", {
    owner: `provider ${name}`,
    skip: PROVIDER_META,
    allowDynamic: true,
  });
}
