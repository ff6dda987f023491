/**
 * Rule 7: references must point at something that exists.
 *
 * Every string of the stack that is a template is scanned (see
 * expressions.ts) and each reference is resolved against the stack's
 * declarations:
 *
 * - var.X, local.X, module.X: X must be declared (variable, locals, module);
 * - TYPE.NAME... and data.TYPE.NAME...: the resource or data source must be
 *   declared in the stack. A resource with count/for_each must be indexed
 *   (or splatted) before its attributes are used; one without must not be
 *   indexed. The first attribute must exist in the type's schema ("id" always
 *   does); deeper steps are followed through nested blocks, nested attributes
 *   and cty types where that is cheap (for instance indexing a set is an
 *   error, as in Terraform), and accepted once a dynamic value is reached;
 * - each.*, count.*, self.*, path.*, terraform.* and dynamic-block iterators
 *   are accepted as they are.
 *
 * Bare addresses (depends_on, replace_triggered_by, import `to`, moved `to`)
 * are checked by addressProblem with the stricter forms those arguments accept.
 */

import { type CtyType, describeType } from "./cty";
import { type Site, reportError } from "./context";
import { type Reference, type Step, hasInterpolation, parseTraversal, scanTemplate } from "./expressions";
import { isObject } from "./json";
import { nearestName } from "../primitives/edit-distance";
import { indexPath, keyPath } from "./paths";
import type { BlockSchema, BlockTypeSchema, AttributeSchema } from "./schema";
import type { ResourceSymbol } from "./symbols";

const UNCHECKED_ROOTS: ReadonlySet<string> = new Set(["each", "count", "self", "path", "terraform"]);
const NAMED_ROOTS: readonly string[] = ["var", "local", "module", "data", ...UNCHECKED_ROOTS];

/** Checks the references in one JSON string (a template). */
export function checkTemplate(site: Site, path: string, text: string): void {
  if (!hasInterpolation(text)) return;
  const { references, errors } = scanTemplate(text);
  for (const error of errors) reportError(site, path, `invalid template: ${error}`);
  for (const reference of references) {
    const problem = referenceProblem(reference, site);
    if (problem !== undefined) reportError(site, path, problem);
  }
}

/** Checks the references in every string (and object key) inside a JSON value. */
export function checkStrings(site: Site, path: string, value: unknown): void {
  if (typeof value === "string") {
    checkTemplate(site, path, value);
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => {
      checkStrings(site, indexPath(path, i), item);
    });
  } else if (isObject(value)) {
    for (const [key, item] of Object.entries(value)) {
      const itemPath = keyPath(path, key);
      checkTemplate(site, itemPath, key);
      checkStrings(site, itemPath, item);
    }
  }
}

/** Why a reference does not resolve, or undefined when it does (or cannot be checked). */
export function referenceProblem(ref: Reference, site: Site): string | undefined {
  if (site.iterators.has(ref.root) || UNCHECKED_ROOTS.has(ref.root)) return undefined;
  const symbols = site.ctx.symbols;
  const [first, second] = ref.steps;
  switch (ref.root) {
    case "var":
      return declaredNameProblem(ref, "variable", "var", symbols.variables, site);
    case "local":
      return declaredNameProblem(ref, "local value", "local", symbols.locals, site);
    case "module":
      return declaredNameProblem(ref, "module", "module", symbols.modules, site);
    case "data":
      if (first?.kind !== "attr" || second?.kind !== "attr") {
        return `invalid reference "${ref.text}" (expected data.TYPE.NAME)`;
      }
      return resourceReferenceProblem(ref, "data", first.name, second.name, ref.steps.slice(2), site);
    default:
      if (first?.kind !== "attr") {
        return (
          `invalid reference "${ref.text}" (expected TYPE.NAME, ` +
          `data.TYPE.NAME, var.NAME, local.NAME or module.NAME)`
        );
      }
      return resourceReferenceProblem(ref, "resource", ref.root, first.name, ref.steps.slice(1), site);
  }
}

function declaredNameProblem(
  ref: Reference,
  what: string,
  prefix: string,
  declared: ReadonlySet<string>,
  site: Site,
): string | undefined {
  const first = ref.steps[0];
  if (first?.kind !== "attr") return `invalid reference "${ref.text}" (expected ${prefix}.NAME)`;
  if (declared.has(first.name)) return undefined;
  const nearest = memoisedNearest(site, `${prefix}\0${first.name}`, first.name, declared, declared.size);
  const hint = nearest === undefined ? "" : `; nearest is "${prefix}.${nearest}"`;
  return `reference to undeclared ${what} "${prefix}.${first.name}" (expected a ${what} declared in this stack${hint})`;
}

function resourceReferenceProblem(
  ref: Reference,
  kind: "resource" | "data",
  type: string,
  name: string,
  rest: readonly Step[],
  site: Site,
): string | undefined {
  const table = kind === "data" ? site.ctx.symbols.dataSources : site.ctx.symbols.resources;
  const display = kind === "data" ? `data.${type}.${name}` : `${type}.${name}`;
  const symbol = table.get(type)?.get(name);
  if (symbol === undefined) return undeclaredProblem(kind, type, name, display, site);
  return instanceProblem(ref, display, symbol, rest);
}

function undeclaredProblem(kind: "resource" | "data", type: string, name: string, display: string, site: Site): string {
  const table = kind === "data" ? site.ctx.symbols.dataSources : site.ctx.symbols.resources;
  const names = table.get(type);
  let hint = "";
  if (names !== undefined) {
    const nearest = memoisedNearest(site, `${kind}\0${type}\0${name}`, name, names.keys(), names.size);
    if (nearest !== undefined) hint = `; nearest is "${kind === "data" ? "data." : ""}${type}.${nearest}"`;
  } else {
    const candidates = kind === "data" ? [...table.keys()] : [...table.keys(), ...NAMED_ROOTS];
    const nearest = memoisedNearest(site, `${kind}-type\0${type}`, type, candidates, candidates.length);
    if (nearest !== undefined) hint = `; nearest is "${kind === "data" ? "data." : ""}${nearest}"`;
  }
  const what = kind === "data" ? "data source" : "resource";
  return `reference to undeclared ${what} "${display}" (expected a ${what} declared in this stack${hint})`;
}

/** A suggestion among `count` names declared in the stack, memoised and paid from the stack's budget. */
function memoisedNearest(
  site: Site,
  key: string,
  name: string,
  candidates: Iterable<string>,
  count: number,
): string | undefined {
  const cache = site.ctx.suggestions;
  const budget = site.ctx.suggestionBudget;
  if (!cache.has(key)) {
    const affordable = count <= budget.remaining;
    budget.remaining -= Math.min(count, budget.remaining);
    cache.set(key, affordable ? (nearestName(name, candidates) ?? "") : "");
  }
  return cache.get(key) || undefined;
}

/** Instance keys must match count/for_each; then the attribute path is followed. */
function instanceProblem(
  ref: Reference,
  display: string,
  symbol: ResourceSymbol,
  rest: readonly Step[],
): string | undefined {
  const [first] = rest;
  let attributes = rest;
  if (symbol.repetition !== undefined) {
    if (first?.kind === "attr") {
      return (
        `missing instance key in "${ref.text}": ${display} uses ${symbol.repetition} ` +
        `(expected ${display}[<key>].${first.name} or ${display}[*].${first.name})`
      );
    }
    attributes = rest.slice(1);
  } else if (first?.kind === "index") {
    return (
      `unexpected instance key in "${ref.text}": ${display} has neither count ` +
      `nor for_each (expected ${display}.<attribute>)`
    );
  } else if (first?.kind === "splat") {
    attributes = rest.slice(1);
  }
  if (symbol.lookup.kind !== "found" || attributes.length === 0) return undefined;
  return schemaPathProblem(ref, display, symbol.lookup.schema, attributes);
}

/** What a step lands on while following a reference through a schema. */
type Shape =
  | { readonly kind: "block"; readonly block: BlockSchema; readonly name: string }
  | {
      readonly kind: "collection";
      readonly mode: "list" | "set" | "map";
      readonly block: BlockSchema;
      readonly name: string;
    }
  | { readonly kind: "value"; readonly type: CtyType; readonly name: string }
  | { readonly kind: "any" };

const ANY: Shape = { kind: "any" };

function schemaPathProblem(
  ref: Reference,
  display: string,
  schema: BlockSchema,
  steps: readonly Step[],
): string | undefined {
  let shape: Shape = { kind: "block", block: schema, name: display };
  for (const step of steps) {
    const next: Shape | string = followStep(shape, step);
    if (typeof next === "string") return `invalid reference "${ref.text}": ${next}`;
    if (next.kind === "any") return undefined;
    shape = next;
  }
  return undefined;
}

function followStep(shape: Shape, step: Step): Shape | string {
  switch (shape.kind) {
    case "any":
      return ANY;
    case "block":
      return step.kind === "attr" ? blockMember(shape.block, shape.name, step.name) : ANY;
    case "collection":
      return collectionStep(shape, step);
    case "value":
      return valueStep(shape.type, shape.name, step);
  }
}

function blockMember(block: BlockSchema, owner: string, name: string): Shape | string {
  const attribute = block.attributes.get(name);
  if (attribute !== undefined) return attributeShape(attribute, name);
  const blockType = block.blockTypes.get(name);
  if (blockType !== undefined) return blockTypeShape(blockType, name);
  if (name === "id") return ANY;
  const nearest = nearestName(name, block.names);
  const hint = nearest === undefined ? "" : `; nearest is "${nearest}"`;
  return `${owner} has no attribute "${name}" (expected an attribute or block of its schema${hint})`;
}

function attributeShape(attribute: AttributeSchema, name: string): Shape {
  const nested = attribute.nested;
  if (nested !== undefined) {
    return nested.mode === "single"
      ? { kind: "block", block: nested.block, name }
      : { kind: "collection", mode: nested.mode, block: nested.block, name };
  }
  return attribute.type === undefined ? ANY : { kind: "value", type: attribute.type, name };
}

function blockTypeShape(blockType: BlockTypeSchema, name: string): Shape {
  const mode = blockType.mode;
  return mode === "single" || mode === "group"
    ? { kind: "block", block: blockType.block, name }
    : { kind: "collection", mode, block: blockType.block, name };
}

function collectionStep(shape: Extract<Shape, { kind: "collection" }>, step: Step): Shape | string {
  const element: Shape = { kind: "block", block: shape.block, name: `${shape.name} element` };
  if (step.kind === "splat") return shape.mode === "map" ? ANY : element;
  if (shape.mode === "map") return element;
  if (step.kind === "index") {
    return shape.mode === "set"
      ? `"${shape.name}" is a set, and set elements cannot be indexed (expected a ` +
          `for expression or a splat such as ${shape.name}[*])`
      : element;
  }
  return (
    `"${shape.name}" is a ${shape.mode}, so it has no attribute "${step.name}" ` +
    `(expected ${shape.name}[*].${step.name}${shape.mode === "list" ? ` or ${shape.name}[0].${step.name}` : ""})`
  );
}

function valueStep(type: CtyType, name: string, step: Step): Shape | string {
  switch (type.kind) {
    case "dynamic":
      return ANY;
    case "string":
    case "number":
    case "bool":
      return (
        `"${name}" is a ${type.kind}, which has ` +
        `no ${step.kind === "attr" ? `attribute "${step.name}"` : "elements"} ` +
        `(expected ${name} itself)`
      );
    case "list":
      if (step.kind === "attr")
        return (
          `"${name}" is a ${describeType(type)}, so it has no attribute ` +
          `"${step.name}" (expected an index such as ${name}[0])`
        );
      return { kind: "value", type: type.element, name: `${name} element` };
    case "tuple": {
      if (step.kind === "attr")
        return (
          `"${name}" is a ${describeType(type)}, so it has no attribute ` +
          `"${step.name}" (expected an index such as ${name}[0])`
        );
      const element = step.kind === "index" && typeof step.key === "number" ? type.elements[step.key] : undefined;
      return element === undefined ? ANY : { kind: "value", type: element, name: `${name} element` };
    }
    case "set":
      if (step.kind === "splat") return { kind: "value", type: type.element, name: `${name} element` };
      return (
        `"${name}" is a ${describeType(type)}, and set elements cannot ` +
        `be ${step.kind === "attr" ? `accessed by name ("${step.name}")` : "indexed"} (expected a for expression ` +
        `or tolist(${name}))`
      );
    case "map":
      return step.kind === "splat" ? ANY : { kind: "value", type: type.element, name: `${name} element` };
    case "object": {
      const key =
        step.kind === "attr" ? step.name : step.kind === "index" && typeof step.key === "string" ? step.key : undefined;
      if (key === undefined) return ANY;
      const attribute = type.attributes.get(key);
      if (attribute !== undefined) return { kind: "value", type: attribute, name: key };
      const nearest = nearestName(key, type.attributes.keys());
      return (
        `"${name}" has no attribute "${key}" (expected one ` +
        `of ${[...type.attributes.keys()].join(", ")}${nearest === undefined ? "" : `; nearest is "${nearest}"`})`
      );
    }
  }
}

export type AddressKind = "depends_on" | "replace_triggered_by" | "import" | "moved";

/**
 * Checks a bare address argument that must name something declared in the
 * stack. depends_on takes whole resources, data sources or modules;
 * replace_triggered_by takes managed resources or their attributes; import
 * `to` takes a managed resource (or a module to import into); moved `to`
 * takes a resource or module.
 */
export function addressProblem(text: unknown, kind: AddressKind, site: Site): string | undefined {
  const expected = EXPECTED_ADDRESS[kind];
  if (typeof text !== "string") return `${kind} address must be a string (expected ${expected})`;
  const ref = parseTraversal(text);
  if (ref === undefined) return `invalid address "${text}" (expected ${expected})`;
  if (ref.root === "module") return declaredNameProblem(ref, "module", "module", site.ctx.symbols.modules, site);
  const isData = ref.root === "data";
  const isNamed = NAMED_ROOTS.includes(ref.root);
  if ((isNamed && !isData) || (isData && kind !== "depends_on")) {
    return `"${text}" cannot be used in ${kind} (expected ${expected})`;
  }
  if (kind === "depends_on" && ref.steps.slice(isData ? 2 : 1).some((step) => step.kind === "attr")) {
    return `depends_on must name a whole object, not an attribute: "${text}" (expected ${expected})`;
  }
  if (kind === "replace_triggered_by") return referenceProblem(ref, site);
  const [first, second] = ref.steps;
  const type = isData ? (first?.kind === "attr" ? first.name : "") : ref.root;
  const nameStep = isData ? second : first;
  if (nameStep?.kind !== "attr" || type === "") return `invalid address "${text}" (expected ${expected})`;
  const table = isData ? site.ctx.symbols.dataSources : site.ctx.symbols.resources;
  if (table.get(type)?.has(nameStep.name)) return undefined;
  return undeclaredProblem(
    isData ? "data" : "resource",
    type,
    nameStep.name,
    `${isData ? "data." : ""}${type}.${nameStep.name}`,
    site,
  );
}

const EXPECTED_ADDRESS: Record<AddressKind, string> = {
  depends_on: "an address such as hcloud_server.web, data.hcloud_image.debian or module.x",
  replace_triggered_by: "a managed resource or one of its attributes, such as hcloud_server.web.id",
  import: "a managed resource address such as hcloud_server.web",
  moved: "a resource or module address such as hcloud_server.web",
};
