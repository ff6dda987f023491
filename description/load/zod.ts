/**
 * zod's issues turned into problems located in the files, in the user's
 * terms: an unknown key with the allowed ones (and a word on secrets), a
 * missing key with its description, a wrong type with how to write it, an
 * unknown value with the nearest one, a bound said as such.
 */
import { z } from "zod";
import { suggestionHint } from "../catalogue";
import { REMOVE_KEY } from "../merge";
import { NetworkDescriptionSchema } from "../schema";
import { kebabGuess, NAME_PATTERN } from "../domain-names";
import { retiredServerType } from "../offer";
import type { ConfigProblem, PathSegment } from "../problems";
import { nodeAt, problemAt, type Node } from "../yaml";

type AnySchema = z.ZodType;
type Issue = z.core.$ZodIssue;

interface Def {
  type: string;
  shape?: Record<string, AnySchema>;
  element?: AnySchema;
  innerType?: AnySchema;
  in?: AnySchema;
  options?: AnySchema[];
  valueType?: AnySchema;
}

function defOf(schema: AnySchema): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

const WRAPPERS = new Set(["optional", "nullable", "default", "prefault", "readonly", "catch", "nonoptional"]);

function unwrap(schema: AnySchema): AnySchema {
  let current = schema;
  for (let i = 0; i < 20; i++) {
    const def = defOf(current);
    if (WRAPPERS.has(def.type) && def.innerType) current = def.innerType;
    else if (def.type === "pipe" && def.in) current = def.in;
    else break;
  }
  return current;
}

/** The schema describing the value at a path of the description. */
function schemaAt(path: readonly PathSegment[]): AnySchema | undefined {
  let schema: AnySchema | undefined = NetworkDescriptionSchema;
  for (const segment of path) {
    if (!schema) return undefined;
    const def = defOf(unwrap(schema));
    if (def.type === "object" && typeof segment === "string") schema = def.shape?.[segment];
    else if (def.type === "array" && typeof segment === "number") schema = def.element;
    else if (def.type === "record") schema = def.valueType;
    else return undefined;
  }
  return schema;
}

function descriptionOf(schema: AnySchema | undefined): string | undefined {
  let current = schema;
  for (let i = 0; current && i < 20; i++) {
    const description = z.globalRegistry.get(current)?.description;
    if (description) return description;
    const def = defOf(current);
    current = WRAPPERS.has(def.type) ? def.innerType : def.type === "pipe" ? def.in : undefined;
  }
  return undefined;
}

function allowedKeys(path: readonly PathSegment[]): string[] {
  const schema = schemaAt(path);
  if (!schema) return [];
  const def = defOf(unwrap(schema));
  return def.type === "object" && def.shape ? Object.keys(def.shape) : [];
}

function valueAt(plain: unknown, path: readonly PathSegment[]): unknown {
  let current = plain;
  for (const segment of path) {
    if (current === null || typeof current !== "object") return undefined;
    if (!Object.hasOwn(current, segment)) return undefined;
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current;
}

function describeValue(value: unknown): string {
  if (value === null) return "nothing (null)";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") {
    return `text ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  }
  return `${typeof value} ${String(value)}`;
}

const EXPECTED: Record<string, string> = {
  string: "text",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
  array: "a list",
  object: "a mapping",
  record: "a mapping",
};

const SECRET_KEY = /pass(word)?|secret|token|private|credential|tsig_secret|api_key/i;

function unknownKeyHint(path: readonly PathSegment[], key: string, allowed: string[]): string {
  if (key === REMOVE_KEY) {
    return "$remove: true is for environment overlays, in lists merged by name (see docs/config.md)";
  }
  if (SECRET_KEY.test(key)) {
    return "secrets never go in config: they come from environment variables (see docs/config.md, Secrets)";
  }
  if (path.length === 1 && path[0] === "environment" && key === "name") {
    return "an environment's name is its overlay's file name";
  }
  const guess = suggestionHint(key, allowed, "keys");
  const list = `allowed keys: ${allowed.join(", ")}`;
  return guess.startsWith("did you mean") ? `${guess} ${list}` : list;
}

type Push = (path: readonly PathSegment[], message: string, hint?: string, at?: "value" | "key") => void;

/** One issue, with its path, the value found there and the tree (to tell a missing key from a null). */
interface IssueAt<I extends Issue = Issue> {
  readonly issue: I;
  readonly path: PathSegment[];
  readonly input: unknown;
  readonly root: Node;
  readonly push: Push;
}

type IssueOf<C extends Issue["code"]> = Extract<Issue, { code: C }>;

/** Turns zod issues into problems located in the files. */
export function zodProblems(issues: readonly Issue[], root: Node, plain: unknown): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const push: Push = (path, message, hint, at = "value") => {
    problems.push(problemAt(root, path, message, hint, at));
  };
  for (const issue of issues) {
    const path = issue.path.filter((s): s is PathSegment => typeof s === "string" || typeof s === "number");
    const at = { path, input: valueAt(plain, path), root, push };
    switch (issue.code) {
      case "unrecognized_keys": {
        const allowed = allowedKeys(path);
        for (const key of issue.keys) {
          push([...path, key], `unknown key "${key}"`, unknownKeyHint(path, key, allowed), "key");
        }
        break;
      }
      case "invalid_type":
        invalidType({ ...at, issue });
        break;
      case "invalid_value":
        invalidValue({ ...at, issue });
        break;
      case "invalid_format":
        invalidFormat({ ...at, issue });
        break;
      case "too_small":
      case "too_big":
        outOfRange({ ...at, issue });
        break;
      case "invalid_union":
        push(path, `invalid value ${describeValue(at.input)}`, descriptionOf(schemaAt(path)));
        break;
      default:
        push(path, issue.message);
    }
  }
  return problems;
}

/** A missing key (with its description), or a value of another type (with how to write it). */
function invalidType({ issue, path, input, root, push }: IssueAt<IssueOf<"invalid_type">>): void {
  const last = path[path.length - 1];
  if (input === undefined && nodeAt(root, path) === undefined) {
    const description = descriptionOf(schemaAt(path));
    push(path, `missing required key "${String(last)}"`, description);
    return;
  }
  const expected = EXPECTED[issue.expected] ?? issue.expected;
  let hint: string | undefined;
  if (issue.expected === "string" && (typeof input === "number" || typeof input === "boolean")) {
    hint = `quote it: "${String(input)}"`;
  } else if (issue.expected === "array" && input !== null && typeof input !== "object") {
    hint = `write a list: [${String(input)}]`;
  } else if (issue.expected === "boolean" && typeof input === "string") hint = "write true or false, without quotes";
  push(path, `expected ${expected}, got ${describeValue(input)}`, hint);
}

/** A missing key of an enumeration, a retired server type, or an unknown value with the nearest one. */
function invalidValue({ issue, path, input, root, push }: IssueAt<IssueOf<"invalid_value">>): void {
  const values = issue.values.map(String);
  if (input === undefined && nodeAt(root, path) === undefined) {
    push(path, `missing required key "${String(path[path.length - 1])}"`, `one of ${values.join(", ")}`);
    return;
  }
  const text = typeof input === "string" ? input : JSON.stringify(input);
  const serverType = typeof input === "string" && path[path.length - 1] === "type" && path[0] === "servers";
  const retired = serverType ? retiredServerType(input) : undefined;
  if (retired) {
    push(path, retired.message, retired.hint);
    return;
  }
  const message = issue.message.startsWith("unknown ") ? issue.message : `unknown value ${text}`;
  push(path, message, suggestionHint(String(text), values, "values"));
}

/** A name that is not kebab-case gets the rule and a guess; other formats zod's message. */
function invalidFormat({ issue, path, input, push }: IssueAt<IssueOf<"invalid_format">>): void {
  if (issue.format === "regex" && issue.pattern === String(NAME_PATTERN)) {
    const guess = typeof input === "string" ? kebabGuess(input) : undefined;
    push(
      path,
      issue.message,
      "lower-case letters, digits and hyphens, starting with a letter, at most 63 characters" +
        (guess ? `: "${guess}"?` : ""),
    );
  } else {
    push(path, issue.message);
  }
}

/** Too few or many items, characters, or a number out of range; an exclusive bound said as such. */
function outOfRange({ issue, path, input, push }: IssueAt<IssueOf<"too_small"> | IssueOf<"too_big">>): void {
  const bound = Number(issue.code === "too_small" ? issue.minimum : issue.maximum);
  // An exclusive bound (positive(): more than 0) is said as such.
  const inclusive = (issue as { inclusive?: boolean }).inclusive !== false;
  const least =
    issue.code === "too_small" ? (inclusive ? "at least" : "more than") : inclusive ? "at most" : "less than";
  if (issue.origin === "array") {
    const has = Array.isArray(input) ? input.length : 0;
    push(path, `needs ${least} ${bound} item${bound === 1 ? "" : "s"}, has ${has}`, descriptionOf(schemaAt(path)));
  } else if (issue.origin === "string") push(path, `must be ${least} ${bound} characters long`);
  else push(path, `${String(input)} is out of range: must be ${least} ${bound}`, descriptionOf(schemaAt(path)));
}
