/**
 * The loader: config directory → one resolved, frozen {@link NetworkSpec} per
 * environment, or every problem found, each with file:line:col and path.
 *
 *   config/*.yaml                  the shared description (one top-level key per file)
 *   config/environments/<env>.yaml one overlay per environment
 *
 * Pipeline: YAML (positions kept) → merge → zod shape → cross-reference checks.
 * Reads files; writes nothing; never throws on bad input.
 */
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import { suggestionHint } from "./catalogue";
import { retiredServerType } from "./offer";
import { ADOPT_DIR, parseAdoption, type AdoptionSpec } from "./adopt";
import { checkDescription, type ConfigFiles } from "./checks";
import { combineShared, mergeOverlay, REMOVE_KEY } from "./merge";
import { NetworkDescription } from "./model";
import { kebabGuess, NAME_PATTERN } from "./names";
import { formatPath, type ConfigProblem, type PathSegment } from "./problems";
import { privateKeyLines, PRIVATE_KEY_HINT, PRIVATE_KEY_MESSAGE } from "./sshkeys";
import type { NetworkSpec, NetworkSpecData } from "./types";
import { nodeAt, originAt, parseYaml, toPlain, type Node } from "./yaml";

/** The specs, or every problem; `warnings` (valid, but needing attention: a deprecated server type) in both cases. */
export type LoadResult = { ok: true; specs: NetworkSpec[]; warnings: ConfigProblem[] } | { ok: false; problems: ConfigProblem[]; warnings: ConfigProblem[] };

export interface LoadOptions {
  /** Load only this environment (default: all of them). */
  readonly env?: string;
  /** Directory a relative configDir is resolved against (default: the process's). */
  readonly cwd?: string;
}

/** Sub-directory of the config directory holding one overlay per environment. */
export const ENVIRONMENTS_DIR = "environments";
/** The JSON Schemas, committed in the config directory. */
export const SCHEMA_FILE = "schema.json";
export const OVERLAY_SCHEMA_FILE = "overlay.schema.json";

const YAML_FILE = /\.ya?ml$/;

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function listYaml(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((name) => YAML_FILE.test(name) && !name.startsWith(".") && isFile(path.join(dir, name)))
      .sort();
  } catch {
    return [];
  }
}

/** Loads every environment (or the one asked for) from a config directory. */
export function loadNetwork(configDir: string, options: LoadOptions = {}): LoadResult {
  const base = path.resolve(options.cwd ?? process.cwd(), configDir);
  const display = (relative: string): string => (configDir === "" || configDir === "." ? path.normalize(relative) : path.join(configDir, relative));
  const fail = (problem: ConfigProblem): LoadResult => ({ ok: false, problems: [problem], warnings: [] });

  if (!existsSync(base)) {
    return fail({ file: configDir, path: "", message: `config directory ${configDir} does not exist`, hint: "give --config DIR or set ALL2ALL_CONFIG" });
  }
  if (!isDirectory(base)) return fail({ file: configDir, path: "", message: `${configDir} is not a directory`, hint: "give --config DIR or set ALL2ALL_CONFIG" });

  const sharedNames = listYaml(base);
  if (sharedNames.length === 0) {
    return fail({ file: configDir, path: "", message: `no shared description (*.yaml) in ${configDir}`, hint: "start from the default config/network.yaml" });
  }
  const envDir = path.join(base, ENVIRONMENTS_DIR);
  const overlayNames = listYaml(envDir);
  if (overlayNames.length === 0) {
    return fail({ file: display(ENVIRONMENTS_DIR), path: "", message: "no environment overlays", hint: `add ${display(`${ENVIRONMENTS_DIR}/production.yaml`)} (it may be just its schema comment)` });
  }
  const environments = overlayNames.map((name) => name.replace(YAML_FILE, ""));
  const problems: ConfigProblem[] = [];
  const warnings: ConfigProblem[] = [];
  environments.forEach((name, i) => {
    if (!NAME_PATTERN.test(name)) {
      const guess = kebabGuess(name);
      problems.push({
        file: display(`${ENVIRONMENTS_DIR}/${overlayNames[i]}`),
        path: "",
        message: `environment name "${name}" (the file name) is not a valid name`,
        hint: `lower-case letters, digits and hyphens${guess ? `: rename it ${guess}.yaml` : ""}`,
      });
    }
  });
  let selected = environments.map((name, i) => ({ name, file: overlayNames[i] }));
  if (options.env !== undefined) {
    const match = selected.find((e) => e.name === options.env);
    if (!match) {
      return fail({
        file: display(ENVIRONMENTS_DIR),
        path: "",
        message: `unknown environment "${options.env}"`,
        hint: suggestionHint(options.env, environments, "environments"),
      });
    }
    selected = [match];
  }

  // Parse the files once: shared files and the selected overlays.
  const read = (relative: string, schema: string): Node | undefined => {
    const file = display(relative);
    let text: string;
    try {
      text = readFileSync(path.join(base, relative), "utf8");
    } catch (error) {
      problems.push({ file, path: "", message: `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` });
      return undefined;
    }
    for (const line of privateKeyLines(text)) problems.push({ file, line, col: 1, path: "", message: PRIVATE_KEY_MESSAGE, hint: PRIVATE_KEY_HINT });
    checkSchemaComment(file, text, schema, problems);
    const parsed = parseYaml(file, text);
    problems.push(...parsed.problems);
    return parsed.root;
  };
  // The adoption file of an environment (config/adopt/<env>.yaml), when there is one: see adopt.ts.
  const adoptFiles = listYaml(path.join(base, ADOPT_DIR));
  for (const name of adoptFiles) {
    const env = name.replace(YAML_FILE, "");
    if (!environments.includes(env)) {
      problems.push({ file: display(`${ADOPT_DIR}/${name}`), path: "", message: `adoption file for an unknown environment "${env}"`, hint: suggestionHint(env, environments, "environments") });
    }
  }
  const readAdoption = (env: string): AdoptionSpec | undefined => {
    const name = adoptFiles.find((n) => n.replace(YAML_FILE, "") === env);
    if (name === undefined) return undefined;
    const file = display(`${ADOPT_DIR}/${name}`);
    let text: string;
    try {
      text = readFileSync(path.join(base, ADOPT_DIR, name), "utf8");
    } catch (error) {
      problems.push({ file, path: "", message: `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` });
      return undefined;
    }
    for (const line of privateKeyLines(text)) problems.push({ file, line, col: 1, path: "", message: PRIVATE_KEY_MESSAGE, hint: PRIVATE_KEY_HINT });
    const result = parseAdoption(file, text);
    if (!result.ok) {
      problems.push(...result.problems);
      return undefined;
    }
    return result.adoption;
  };
  const shared = sharedNames.map((name) => read(name, `./${SCHEMA_FILE}`));
  const overlays = selected.map((e) => read(`${ENVIRONMENTS_DIR}/${e.file}`, `../${OVERLAY_SCHEMA_FILE}`));
  // A file that could not be parsed stops here; other problems found so far
  // (a pasted private key, a missing schema comment) do not hide the rest.
  if (shared.some((n) => !n) || overlays.some((n) => !n)) return { ok: false, problems: dedupe(problems), warnings: dedupe(warnings) };

  const combined = combineShared(shared as Node[], problems);
  const sharedItems = declaredNames(toPlain(combined));
  const sharedFiles = new Set(sharedNames.map(display));
  const files = configFiles(base, display);
  const specs: NetworkSpecData[] = [];
  const perEnv: { env: string; problems: ConfigProblem[] }[] = [];
  const perEnvWarnings: { env: string; problems: ConfigProblem[] }[] = [];
  selected.forEach((environment, i) => {
    const envProblems: ConfigProblem[] = [];
    const envWarnings: ConfigProblem[] = [];
    const root = mergeOverlay(combined, overlays[i] as Node, envProblems);
    const plain = toPlain(root);
    const parsed = NetworkDescription.safeParse(plain);
    if (!parsed.success) {
      envProblems.push(...zodProblems(parsed.error.issues, root, plain));
    } else if (envProblems.length === 0) {
      const checked = checkDescription({ env: environment.name, description: parsed.data, root, sharedFiles, files, sharedNames: sharedItems });
      envProblems.push(...checked.problems);
      envWarnings.push(...checked.warnings);
      if (checked.spec) {
        const adoption = readAdoption(environment.name);
        specs.push({ ...checked.spec, files: [...sharedNames.map(display), display(`${ENVIRONMENTS_DIR}/${environment.file}`)], ...(adoption ? { adoption } : {}) });
      }
    }
    perEnv.push({ env: environment.name, problems: envProblems });
    perEnvWarnings.push({ env: environment.name, problems: envWarnings });
  });
  problems.push(...mergeEnvironmentProblems(perEnv));
  warnings.push(...mergeEnvironmentProblems(perEnvWarnings));
  if (problems.length > 0) return { ok: false, problems: dedupe(problems), warnings: dedupe(warnings) };
  return { ok: true, specs: specs.map((spec) => deepFreeze(spec) as NetworkSpec), warnings: dedupe(warnings) };
}

function checkSchemaComment(file: string, text: string, expected: string, problems: ConfigProblem[]): void {
  const first = text.replace(/^\uFEFF/, "").split(/\r?\n/, 1)[0];
  const match = /^#\s*yaml-language-server:\s*\$schema=(\S+)\s*$/.exec(first);
  const wanted = `# yaml-language-server: $schema=${expected}`;
  if (!match) {
    problems.push({ file, line: 1, col: 1, path: "", message: "the first line must name the JSON Schema for editors", hint: `start the file with: ${wanted}` });
  } else if (path.posix.normalize(match[1]) !== path.posix.normalize(expected)) {
    problems.push({ file, line: 1, col: first.indexOf("$schema=") + 9, path: "", message: `the schema comment names ${match[1]}, not ${expected}`, hint: `write: ${wanted}` });
  }
}

function configFiles(base: string, display: (relative: string) => string): ConfigFiles {
  return {
    display,
    read(relative) {
      const full = path.resolve(base, relative);
      if (!existsSync(full)) return { ok: false, reason: "missing" };
      try {
        const real = realpathSync(full);
        const realBase = realpathSync(base);
        if (real !== realBase && !real.startsWith(realBase + path.sep)) return { ok: false, reason: "outside" };
        if (!statSync(real).isFile()) return { ok: false, reason: "not-a-file" };
        return { ok: true, bytes: readFileSync(real) };
      } catch {
        return { ok: false, reason: "missing" };
      }
    },
  };
}

/** A problem found in some environments only says which. */
function mergeEnvironmentProblems(perEnv: { env: string; problems: ConfigProblem[] }[]): ConfigProblem[] {
  const byKey = new Map<string, { problem: ConfigProblem; envs: string[] }>();
  for (const { env, problems } of perEnv) {
    for (const problem of problems) {
      const key = problemKey(problem);
      const entry = byKey.get(key);
      if (entry) {
        if (!entry.envs.includes(env)) entry.envs.push(env);
      } else byKey.set(key, { problem, envs: [env] });
    }
  }
  const all = perEnv.length;
  return [...byKey.values()].map(({ problem, envs }) => (all > 1 && envs.length < all ? { ...problem, environments: envs } : problem));
}

function problemKey(p: ConfigProblem): string {
  return `${p.file}\u0000${p.line ?? ""}\u0000${p.col ?? ""}\u0000${p.message}`;
}

function dedupe(problems: ConfigProblem[]): ConfigProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${problemKey(p)}\u0000${p.path}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value as Record<string, unknown>)) deepFreeze(child);
  }
  return value;
}

// ---------------------------------------------------------------- zod issues

type AnySchema = z.ZodType;

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
  let schema: AnySchema | undefined = NetworkDescription;
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
    if (!Object.prototype.hasOwnProperty.call(current, segment)) return undefined;
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current;
}

function describeValue(value: unknown): string {
  if (value === null) return "nothing (null)";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") return `text ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
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
  if (key === REMOVE_KEY) return "$remove: true is for environment overlays, in lists merged by name (see docs/config.md)";
  if (SECRET_KEY.test(key)) return "secrets never go in config: they come from environment variables (see docs/config.md, Secrets)";
  if (path.length === 1 && path[0] === "environment" && key === "name") return "an environment's name is its overlay's file name";
  const guess = suggestionHint(key, allowed, "keys");
  const list = `allowed keys: ${allowed.join(", ")}`;
  return guess.startsWith("did you mean") ? `${guess} ${list}` : list;
}

/** Turns zod issues into problems located in the files. */
export function zodProblems(issues: readonly z.core.$ZodIssue[], root: Node, plain: unknown): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const push = (path: readonly PathSegment[], message: string, hint?: string, at: "value" | "key" = "value"): void => {
    const origin = originAt(root, path, at);
    problems.push({ file: origin.file, line: origin.line, col: origin.col, path: formatPath(path), message, ...(hint ? { hint } : {}) });
  };
  for (const issue of issues) {
    const path = issue.path.filter((s): s is PathSegment => typeof s === "string" || typeof s === "number");
    const input = valueAt(plain, path);
    switch (issue.code) {
      case "unrecognized_keys": {
        const allowed = allowedKeys(path);
        for (const key of issue.keys) push([...path, key], `unknown key "${key}"`, unknownKeyHint(path, key, allowed), "key");
        break;
      }
      case "invalid_type": {
        const last = path[path.length - 1];
        if (input === undefined && nodeAt(root, path) === undefined) {
          const description = descriptionOf(schemaAt(path));
          push(path, `missing required key "${String(last)}"`, description);
        } else {
          const expected = EXPECTED[issue.expected] ?? issue.expected;
          let hint: string | undefined;
          if (issue.expected === "string" && (typeof input === "number" || typeof input === "boolean")) hint = `quote it: "${String(input)}"`;
          else if (issue.expected === "array" && input !== null && typeof input !== "object") hint = `write a list: [${String(input)}]`;
          else if (issue.expected === "boolean" && typeof input === "string") hint = "write true or false, without quotes";
          push(path, `expected ${expected}, got ${describeValue(input)}`, hint);
        }
        break;
      }
      case "invalid_value": {
        const values = issue.values.map(String);
        if (input === undefined && nodeAt(root, path) === undefined) {
          push(path, `missing required key "${String(path[path.length - 1])}"`, `one of ${values.join(", ")}`);
          break;
        }
        const text = typeof input === "string" ? input : JSON.stringify(input);
        const retired = typeof input === "string" && path[path.length - 1] === "type" && path[0] === "servers" ? retiredServerType(input) : undefined;
        if (retired) {
          push(path, retired.message, retired.hint);
          break;
        }
        const message = issue.message.startsWith("unknown ") ? issue.message : `unknown value ${text}`;
        push(path, message, suggestionHint(String(text), values, "values"));
        break;
      }
      case "invalid_format": {
        if (issue.format === "regex" && issue.pattern === String(NAME_PATTERN)) {
          const guess = typeof input === "string" ? kebabGuess(input) : undefined;
          push(
            path,
            issue.message,
            `lower-case letters, digits and hyphens, starting with a letter, at most 63 characters${guess ? `: "${guess}"?` : ""}`,
          );
        } else {
          push(path, issue.message);
        }
        break;
      }
      case "too_small":
      case "too_big": {
        const bound = Number(issue.code === "too_small" ? issue.minimum : issue.maximum);
        // An exclusive bound (positive(): more than 0) is said as such.
        const inclusive = (issue as { inclusive?: boolean }).inclusive !== false;
        const least = issue.code === "too_small" ? (inclusive ? "at least" : "more than") : inclusive ? "at most" : "less than";
        if (issue.origin === "array") push(path, `needs ${least} ${bound} item${bound === 1 ? "" : "s"}, has ${Array.isArray(input) ? input.length : 0}`, descriptionOf(schemaAt(path)));
        else if (issue.origin === "string") push(path, `must be ${least} ${bound} characters long`);
        else push(path, `${String(input)} is out of range: must be ${least} ${bound}`, descriptionOf(schemaAt(path)));
        break;
      }
      case "invalid_union": {
        push(path, `invalid value ${describeValue(input)}`, descriptionOf(schemaAt(path)));
        break;
      }
      default:
        push(path, issue.message);
    }
  }
  return problems;
}

/** `<kind>/<name>` of the items a (plain) description declares, by the kinds suppressions name. */
function declaredNames(plain: unknown): Set<string> {
  const out = new Set<string>();
  const d = (plain ?? {}) as Record<string, unknown>;
  const names = (list: unknown): string[] => (Array.isArray(list) ? list.map((x) => (x && typeof x === "object" ? (x as { name?: unknown }).name : undefined)).filter((n): n is string => typeof n === "string") : []);
  for (const n of names(d.servers)) out.add(`server/${n}`);
  for (const s of Array.isArray(d.servers) ? d.servers : []) for (const v of names((s as { volumes?: unknown })?.volumes)) out.add(`volume/${v}`);
  for (const n of names(d.networks)) out.add(`network/${n}`);
  for (const n of names(d.firewall_policies)) out.add(`firewall-policy/${n}`);
  for (const n of names(d.placement_groups)) out.add(`placement-group/${n}`);
  for (const n of names(d.zones)) out.add(`zone/${n.toLowerCase().replace(/\.$/, "")}`);
  for (const n of names(d.storage_boxes)) out.add(`storage-box/${n}`);
  for (const n of names((d.operators as { ssh_keys?: unknown } | undefined)?.ssh_keys)) out.add(`ssh-key/${n}`);
  return out;
}
