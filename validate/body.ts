/**
 * Checks one block body (a resource, data source, provider configuration or
 * nested block) against its schema:
 *
 * - rule 2: every key is an attribute or block type of the schema (else an
 *   error with the nearest known name), at any depth: nested blocks, nested
 *   attributes (nested_type) and the content of dynamic blocks;
 * - rule 3: required attributes are present and not null, also inside nested
 *   blocks and nested attributes; block types with min_items > 0 are present;
 * - rule 4: literal values convert to the attribute's type (see cty.ts);
 * - rule 5: the number of blocks respects the nesting mode and
 *   min_items/max_items. cdktn emits list/set blocks as arrays of objects and
 *   single blocks as objects; an object where a list is expected counts as one
 *   block, and a one-element array where a single block is expected is that
 *   block. A string (even an interpolation) cannot stand for blocks: Terraform
 *   needs a "dynamic" block for that;
 * - rule 6: computed-only attributes are not set;
 * - rule 8: deprecated attributes and blocks that are set give a warning;
 * - rule 10: interpolated strings are accepted for any attribute type, and
 *   their references are checked (rule 7, references.ts), as are the
 *   references in every other string.
 *
 * cdktn's "//" metadata keys are skipped in every block body.
 */

import { describeType, describeValue, typeProblems } from "./cty";
import { type Site, reportError, reportWarning } from "./context";
import { hasInterpolation } from "./expressions";
import { type JsonObject, asList, isObject, own, sectionEntries } from "./json";
import { suggestionSuffix } from "../primitives/edit-distance";
import { attrPath, indexPath, joinPath, keyPath } from "./paths";
import { checkStrings, checkTemplate } from "./references";
import type { AttributeSchema, BlockSchema, BlockTypeSchema, NestedAttributes } from "./schema";
import { plural } from "../primitives/plural";

export interface BodyOptions {
  /** Name used in messages: the resource type, or the nested block/attribute name. */
  readonly owner: string;
  /** Keys handled by the caller (meta-arguments), skipped here. */
  readonly skip?: ReadonlySet<string>;
  /** Whether a "dynamic" key declares dynamic blocks (true for blocks, false for nested attributes). */
  readonly allowDynamic: boolean;
}

const NO_NAMES: ReadonlySet<string> = new Set();
const DYNAMIC_KEYS: ReadonlySet<string> = new Set(["for_each", "iterator", "labels", "content", "//"]);

export function validateBody(
  site: Site,
  body: JsonObject,
  block: BlockSchema,
  path: string,
  options: BodyOptions,
): void {
  const dynamicTypes = options.allowDynamic ? dynamicBlockTypes(body) : NO_NAMES;
  for (const [key, value] of Object.entries(body)) {
    if (key === "//" || options.skip?.has(key)) continue;
    const keyPathText = attrPath(path, key);
    const attribute = block.attributes.get(key);
    const blockType = block.blockTypes.get(key);
    if (attribute !== undefined) {
      validateAttribute(site, key, attribute, value, keyPathText);
    } else if (blockType !== undefined) {
      validateBlocks(site, key, blockType, value, keyPathText, dynamicTypes.has(key));
    } else if (key === "dynamic" && options.allowDynamic) {
      validateDynamicBlocks(site, block, value, keyPathText);
    } else {
      reportError(
        site,
        keyPathText,
        `unknown attribute or block "${key}" (expected an attribute or block ` +
          `of ${options.owner}${suggestionSuffix(key, block.names)})`,
      );
      checkStrings(site, keyPathText, value);
    }
  }
  checkRequired(site, body, block, path, dynamicTypes);
}

/** Rule 3: required attributes and blocks with min_items that are absent. */
function checkRequired(
  site: Site,
  body: JsonObject,
  block: BlockSchema,
  path: string,
  dynamicTypes: ReadonlySet<string>,
): void {
  for (const name of block.required) {
    if (own(body, name) === undefined) {
      const attribute = block.attributes.get(name);
      const expected = attribute === undefined ? "a value" : expectedValue(attribute);
      reportError(site, attrPath(path, name), `missing required attribute "${name}" (expected ${expected})`);
    }
  }
  for (const name of block.requiredBlocks) {
    if (own(body, name) === undefined && !dynamicTypes.has(name)) {
      const min = block.blockTypes.get(name)?.minItems ?? 1;
      reportError(
        site,
        attrPath(path, name),
        `missing required block "${name}" (expected at least ${plural(min, "block")})`,
      );
    }
  }
}

function validateAttribute(site: Site, name: string, attribute: AttributeSchema, value: unknown, path: string): void {
  if (value === null) {
    if (attribute.required)
      reportError(site, path, `required attribute "${name}" is null (expected ${expectedValue(attribute)})`);
    return;
  }
  if (attribute.computed && !attribute.optional && !attribute.required) {
    reportError(
      site,
      path,
      `attribute "${name}" is computed by the provider and cannot be set (expected it to be left out)`,
    );
    checkStrings(site, path, value);
    return;
  }
  if (attribute.deprecated) reportWarning(site, path, `attribute "${name}" is deprecated`);
  if (attribute.nested !== undefined) {
    validateNestedAttribute(site, name, attribute.nested, value, path);
    return;
  }
  if (attribute.type !== undefined) {
    for (const problem of typeProblems(value, attribute.type))
      reportError(site, joinPath(path, problem.path), problem.message);
  }
  checkStrings(site, path, value);
}

function expectedValue(attribute: AttributeSchema): string {
  if (attribute.nested !== undefined) return describeNested(attribute.nested);
  return attribute.type === undefined ? "a value" : describeType(attribute.type);
}

function describeNested(nested: NestedAttributes): string {
  const attributes = [...nested.block.attributes.keys()].join(", ");
  return nested.mode === "single"
    ? `object with attributes ${attributes}`
    : `${nested.mode} of objects with attributes ${attributes}`;
}

/** Nested attributes (nested_type): an object, or a list/set/map of objects, each with its own schema. */
function validateNestedAttribute(
  site: Site,
  name: string,
  nested: NestedAttributes,
  value: unknown,
  path: string,
): void {
  if (typeof value === "string" && hasInterpolation(value)) {
    checkTemplate(site, path, value);
    return;
  }
  const items = nestedItems(nested, value, path);
  if (items === undefined) {
    reportError(
      site,
      path,
      `wrong type for "${name}": got ${describeValue(value)} (expected ${describeNested(nested)})`,
    );
    checkStrings(site, path, value);
    return;
  }
  if (nested.mode === "list" || nested.mode === "set") checkCount(site, name, items.length, nested, path, "element");
  for (const [itemPath, item] of items) {
    if (item === null) continue;
    if (typeof item === "string" && hasInterpolation(item)) {
      checkTemplate(site, itemPath, item);
    } else if (!isObject(item)) {
      reportError(
        site,
        itemPath,
        `wrong type for "${name}" element: got ${describeValue(item)} (expected object with ` +
          `attributes ${[...nested.block.attributes.keys()].join(", ")})`,
      );
      checkStrings(site, itemPath, item);
    } else {
      validateBody(site, item, nested.block, itemPath, { owner: name, allowDynamic: false });
    }
  }
}

function nestedItems(nested: NestedAttributes, value: unknown, path: string): Array<[string, unknown]> | undefined {
  switch (nested.mode) {
    case "single":
      return isObject(value) ? [[path, value]] : undefined;
    case "list":
    case "set":
      return Array.isArray(value) ? value.map((item, i) => [indexPath(path, i), item]) : undefined;
    case "map":
      return isObject(value) ? Object.entries(value).map(([key, item]) => [keyPath(path, key), item]) : undefined;
  }
}

/** Rules 5 and 8 for one block type, then each block body. */
function validateBlocks(
  site: Site,
  name: string,
  blockType: BlockTypeSchema,
  value: unknown,
  path: string,
  alsoDynamic: boolean,
): void {
  const items = blockItems(site, name, blockType, value, path);
  const single = blockType.mode === "single" || blockType.mode === "group";
  if (single && items.length > 1) {
    reportError(site, path, `too many "${name}" blocks: ${items.length} given (expected at most 1)`);
  } else if (!single && !alsoDynamic) {
    checkCount(site, name, items.length, blockType, path, "block");
  }
  if (blockType.block.deprecated && items.length > 0) reportWarning(site, path, `block "${name}" is deprecated`);
  for (const [itemPath, body] of items) {
    validateBody(site, body, blockType.block, itemPath, { owner: name, allowDynamic: true });
  }
}

/** The block bodies given for a block type, with their paths; wrong shapes are reported. */
function blockItems(
  site: Site,
  name: string,
  blockType: BlockTypeSchema,
  value: unknown,
  path: string,
): Array<[string, JsonObject]> {
  const expected = blockType.mode === "map" ? "an object of labelled blocks" : "an object or an array of objects";
  if (value === null || value === undefined) return [];
  if (typeof value === "string" && hasInterpolation(value)) {
    reportError(
      site,
      path,
      `block "${name}" cannot be set from an expression (expected ${expected}, or a "dynamic" block)`,
    );
    checkTemplate(site, path, value);
    return [];
  }
  let candidates: Array<[string, unknown]>;
  if (Array.isArray(value)) {
    candidates = value.map((item, i) => [indexPath(path, i), item]);
  } else if (isObject(value)) {
    candidates =
      blockType.mode === "map"
        ? Object.entries(value).map(([key, item]) => [keyPath(path, key), item])
        : [[path, value]];
  } else {
    reportError(site, path, `wrong type for block "${name}": got ${describeValue(value)} (expected ${expected})`);
    return [];
  }
  const items: Array<[string, JsonObject]> = [];
  for (const [itemPath, item] of candidates) {
    if (isObject(item)) {
      items.push([itemPath, item]);
    } else {
      reportError(site, itemPath, `wrong type for block "${name}": got ${describeValue(item)} (expected an object)`);
      checkStrings(site, itemPath, item);
    }
  }
  return items;
}

function checkCount(
  site: Site,
  name: string,
  given: number,
  limits: { readonly minItems: number; readonly maxItems: number | undefined },
  path: string,
  unit: string,
): void {
  if (limits.maxItems !== undefined && given > limits.maxItems) {
    reportError(site, path, `too many "${name}" ${unit}s: ${given} given (expected at most ${limits.maxItems})`);
  } else if (given < limits.minItems) {
    reportError(site, path, `too few "${name}" ${unit}s: ${given} given (expected at least ${limits.minItems})`);
  }
}

/** The block types declared under a body's "dynamic" key. */
function dynamicBlockTypes(body: JsonObject): ReadonlySet<string> {
  const dynamic = own(body, "dynamic");
  if (dynamic === undefined) return NO_NAMES;
  return new Set((sectionEntries(dynamic) ?? []).map(([name]) => name));
}

/** `"dynamic": {"rule": {"for_each": ..., "iterator": "r", "content": {...}}}` */
function validateDynamicBlocks(site: Site, block: BlockSchema, value: unknown, path: string): void {
  const entries = sectionEntries(value);
  if (entries === undefined) {
    reportError(
      site,
      path,
      `wrong type for "dynamic": got ${describeValue(value)} (expected an object keyed by block type)`,
    );
    return;
  }
  const blockTypeNames = [...block.blockTypes.keys()];
  for (const [name, specs] of entries) {
    const specPath = attrPath(path, name);
    const blockType = block.blockTypes.get(name);
    if (blockType === undefined) {
      reportError(
        site,
        specPath,
        `unknown block type "${name}" in dynamic block (expected a block type of ` +
          `the schema${suggestionSuffix(name, blockTypeNames)})`,
      );
      checkStrings(site, specPath, specs);
      continue;
    }
    if (blockType.block.deprecated) reportWarning(site, specPath, `block "${name}" is deprecated`);
    const list = asList(specs);
    list.forEach((spec, i) => {
      validateDynamicSpec(
        site,
        name,
        blockType,
        spec,
        list.length === 1 && !Array.isArray(specs) ? specPath : indexPath(specPath, i),
      );
    });
  }
}

function validateDynamicSpec(site: Site, name: string, blockType: BlockTypeSchema, spec: unknown, path: string): void {
  if (!isObject(spec)) {
    reportError(
      site,
      path,
      `wrong type for dynamic block "${name}": got ${describeValue(spec)} ` +
        `(expected an object with for_each and content)`,
    );
    return;
  }
  for (const key of Object.keys(spec)) {
    if (!DYNAMIC_KEYS.has(key)) {
      reportError(
        site,
        attrPath(path, key),
        `unknown argument "${key}" in dynamic block (expected for_each, iterator, ` +
          `labels or content${suggestionSuffix(key, DYNAMIC_KEYS)})`,
      );
    }
  }
  const iterator = own(spec, "iterator");
  if (iterator !== undefined && typeof iterator !== "string") {
    reportError(site, attrPath(path, "iterator"), `wrong type: got ${describeValue(iterator)} (expected a name)`);
  }
  for (const key of ["for_each", "labels"]) checkStrings(site, attrPath(path, key), own(spec, key));
  if (own(spec, "for_each") === undefined)
    reportError(
      site,
      attrPath(path, "for_each"),
      `missing required argument "for_each" (expected a collection to repeat the block for)`,
    );
  const content = own(spec, "content");
  if (!isObject(content)) {
    reportError(
      site,
      attrPath(path, "content"),
      `${content === undefined ? "missing" : "invalid"} dynamic block content ` +
        `(expected an object with the "${name}" block's arguments)`,
    );
    return;
  }
  const iterators = new Set(site.iterators).add(typeof iterator === "string" ? iterator : name);
  validateBody({ ...site, iterators }, content, blockType.block, attrPath(path, "content"), {
    owner: name,
    allowDynamic: true,
  });
}
