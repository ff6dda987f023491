/**
 * cty types (the type system of Terraform provider schemas) and the check of
 * literal JSON values against them.
 *
 * A schema attribute's `type` is cty's JSON form: "string" | "number" | "bool"
 * | "dynamic" | ["list", T] | ["set", T] | ["map", T] |
 * ["object", {name: T}, optional?] | ["tuple", [T...]].
 *
 * Conversion rules, mirroring Terraform's JSON syntax and cty's (unsafe)
 * conversions, which Terraform applies to every configuration value:
 *
 * - A JSON string is a template. If it contains an interpolation or directive
 *   (an unescaped "${" or "%{") its type is only known at plan time, so it is
 *   accepted for any type; its references are checked elsewhere.
 * - null is accepted for any type here (whether an attribute may be null is
 *   decided by the caller: a required attribute may not).
 * - string: accepts strings, numbers and bools (cty converts them to strings).
 *   Arrays and objects are errors.
 * - number: accepts numbers and strings that parse as a decimal number
 *   ("42", "-1.5", "1e3"); any other string, a bool, an array or an object is
 *   an error.
 * - bool: accepts bools and the strings "true", "false", "1" and "0"; any other
 *   value is an error (numbers do not convert to bool).
 * - list(T) and set(T): a JSON array, each element checked against T. A string,
 *   number, bool or object is an error.
 * - map(T): a JSON object, each value checked against T.
 * - object({...}): a JSON object that has every non-optional attribute of the
 *   type; attributes the type does not name are discarded by cty, so they are
 *   not reported.
 * - tuple([...]): a JSON array with exactly as many elements as the tuple.
 * - dynamic: anything.
 */

import { hasInterpolation } from "./expressions";
import { isObject, own } from "./json";
import { indexPath, keyPath } from "./paths";

export type PrimitiveKind = "string" | "number" | "bool";

export type CtyType =
  | { readonly kind: PrimitiveKind | "dynamic" }
  | { readonly kind: "list" | "set" | "map"; readonly element: CtyType }
  | {
      readonly kind: "object";
      readonly attributes: ReadonlyMap<string, CtyType>;
      readonly optional: ReadonlySet<string>;
    }
  | { readonly kind: "tuple"; readonly elements: readonly CtyType[] };

export type ObjectType = Extract<CtyType, { kind: "object" }>;

/** A problem found inside a value; `path` is relative to the value's own path. */
export interface ValueProblem {
  readonly path: string;
  readonly message: string;
}

const PRIMITIVES: Record<string, CtyType> = {
  string: { kind: "string" },
  number: { kind: "number" },
  bool: { kind: "bool" },
  dynamic: { kind: "dynamic" },
};

/** Parses cty's JSON type notation; throws on anything else. */
export function parseCtyType(raw: unknown): CtyType {
  if (typeof raw === "string") {
    const primitive = Object.hasOwn(PRIMITIVES, raw) ? PRIMITIVES[raw] : undefined;
    if (primitive === undefined) throw new Error(`unknown cty type ${JSON.stringify(raw)}`);
    return primitive;
  }
  if (!Array.isArray(raw) || typeof raw[0] !== "string") {
    throw new Error(`invalid cty type ${JSON.stringify(raw)}`);
  }
  const [kind, argument, optional] = raw as [string, unknown, unknown];
  switch (kind) {
    case "list":
    case "set":
    case "map":
      return { kind, element: parseCtyType(argument) };
    case "object":
      return parseObjectType(argument, optional);
    case "tuple":
      if (!Array.isArray(argument)) throw new Error(`invalid tuple type ${JSON.stringify(raw)}`);
      return { kind: "tuple", elements: argument.map(parseCtyType) };
    default:
      throw new Error(`unknown cty type kind ${JSON.stringify(kind)}`);
  }
}

function parseObjectType(attributes: unknown, optional: unknown): CtyType {
  if (!isObject(attributes)) throw new Error(`invalid object type attributes ${JSON.stringify(attributes)}`);
  const parsed = new Map<string, CtyType>();
  for (const [name, type] of Object.entries(attributes)) parsed.set(name, parseCtyType(type));
  const optionalNames = Array.isArray(optional) ? optional.filter((n): n is string => typeof n === "string") : [];
  return { kind: "object", attributes: parsed, optional: new Set(optionalNames) };
}

/** Human-readable type, e.g. "list of string", "map of number". */
export function describeType(type: CtyType): string {
  switch (type.kind) {
    case "string":
    case "number":
    case "bool":
      return type.kind;
    case "dynamic":
      return "any value";
    case "list":
    case "set":
    case "map":
      return `${type.kind} of ${describeType(type.element)}`;
    case "object": {
      const names = [...type.attributes.keys()];
      return names.length === 0 ? "object" : `object with attributes ${names.join(", ")}`;
    }
    case "tuple":
      return `tuple of ${type.elements.length} element${type.elements.length === 1 ? "" : "s"}`;
  }
}

/** Human-readable literal, e.g. `string "abc"`, `number 42`, `array of 2 elements`. */
export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return `array of ${value.length} element${value.length === 1 ? "" : "s"}`;
  if (typeof value === "object") return "object";
  if (typeof value === "string") {
    const shown = value.length > 40 ? `${value.slice(0, 37)}...` : value;
    return `string ${JSON.stringify(shown)}`;
  }
  return `${typeof value} ${String(value)}`;
}

/** What Terraform's string-to-number conversion accepts (Go's big.Float, base 10). */
const NUMERIC_STRING = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$|^[+-]?[Ii]nf$/;
const BOOL_STRINGS: ReadonlySet<string> = new Set(["true", "false", "1", "0"]);

/** Problems converting a literal JSON value to the type; [] when it converts. */
export function typeProblems(value: unknown, type: CtyType): ValueProblem[] {
  const problems: ValueProblem[] = [];
  collectTypeProblems(value, type, "", problems);
  return problems;
}

function collectTypeProblems(value: unknown, type: CtyType, path: string, out: ValueProblem[]): void {
  if (value === null || type.kind === "dynamic") return;
  if (typeof value === "string" && hasInterpolation(value)) return;
  const mismatch = (detail = ""): void => {
    out.push({ path, message: `wrong type: got ${describeValue(value)}${detail} (expected ${describeType(type)})` });
  };
  switch (type.kind) {
    case "string":
      if (typeof value === "object") mismatch();
      return;
    case "number":
      if (typeof value === "number") return;
      if (typeof value === "string") {
        if (!NUMERIC_STRING.test(value)) mismatch(", which is not a number");
        return;
      }
      mismatch();
      return;
    case "bool":
      if (typeof value === "boolean") return;
      if (typeof value === "string") {
        if (!BOOL_STRINGS.has(value)) mismatch(`, which is not "true", "false", "1" or "0"`);
        return;
      }
      mismatch();
      return;
  }
  // A collection: first its JSON shape, then each element against its type.
  if (!isCollectionType(type)) return;
  if (!hasCollectionShape(value, type)) {
    mismatch();
    return;
  }
  collectElementProblems(value, type, path, out);
}

type CollectionType = Exclude<CtyType, { kind: PrimitiveKind | "dynamic" }>;

function isCollectionType(type: CtyType): type is CollectionType {
  return "element" in type || "elements" in type || "attributes" in type;
}

/** An array for a list, a set or a tuple (of the tuple's length), an object for a map or an object type. */
function hasCollectionShape(value: unknown, type: CollectionType): boolean {
  switch (type.kind) {
    case "list":
    case "set":
      return Array.isArray(value);
    case "tuple":
      return Array.isArray(value) && value.length === type.elements.length;
    case "map":
    case "object":
      return isObject(value);
  }
}

/** The problems of a collection's elements, once its shape is right ({@link hasCollectionShape}). */
function collectElementProblems(value: unknown, type: CollectionType, path: string, out: ValueProblem[]): void {
  switch (type.kind) {
    case "list":
    case "set":
      (value as unknown[]).forEach((element, i) => {
        collectTypeProblems(element, type.element, indexPath(path, i), out);
      });
      return;
    case "map":
      for (const [key, element] of Object.entries(value as Record<string, unknown>))
        collectTypeProblems(element, type.element, keyPath(path, key), out);
      return;
    case "object":
      checkObjectAttributes(value as Record<string, unknown>, type, path, out);
      return;
    case "tuple":
      // Same length checked: every element has its type.
      (value as unknown[]).forEach((element, i) => {
        collectTypeProblems(element, type.elements[i]!, indexPath(path, i), out);
      });
      return;
  }
}

function checkObjectAttributes(
  value: Record<string, unknown>,
  type: ObjectType,
  path: string,
  out: ValueProblem[],
): void {
  for (const [name, attributeType] of type.attributes) {
    const attribute = own(value, name);
    if (attribute === undefined) {
      if (!type.optional.has(name)) {
        out.push({
          path: keyPath(path, name),
          message: `missing object attribute "${name}" (expected ${describeType(attributeType)})`,
        });
      }
      continue;
    }
    collectTypeProblems(attribute, attributeType, keyPath(path, name), out);
  }
}
