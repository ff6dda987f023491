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
import { existsSync } from "node:fs";
import * as path from "node:path";
import { suggestionHint } from "../catalogue";
import { checkDescription, type ConfigFiles } from "../checks";
import { combineShared, mergeOverlay } from "../merge";
import { NetworkDescriptionSchema } from "../schema";
import { kebabGuess, NAME_PATTERN } from "../domain-names";
import type { ConfigProblem } from "../problems";
import type { NetworkSpec, NetworkSpecData } from "../types";
import { toPlain, type Node } from "../yaml";
import { configFiles, ConfigReader, isDirectory, listYaml, YAML_FILE } from "./files";
import { declaredNames, dedupe, deepFreeze, mergeEnvironmentProblems } from "./results";
import { zodProblems } from "./zod";

export { zodProblems } from "./zod";

/** The specs, or every problem; `warnings` (valid, but needing attention: a deprecated server type) in both cases. */
export type LoadResult =
  | { ok: true; specs: NetworkSpec[]; warnings: ConfigProblem[] }
  | { ok: false; problems: ConfigProblem[]; warnings: ConfigProblem[] };

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

/** The description files of a config directory. */
interface Layout {
  /** The shared files (config/*.yaml), by name. */
  readonly sharedNames: string[];
  /** The overlays' file names (config/environments/*.yaml). */
  readonly overlayNames: string[];
  /** The environments' names: the overlays' without .yaml. */
  readonly environments: string[];
}

type Environment = { name: string; file: string };
type Display = (relative: string) => string;

/** What every environment of one load shares: the shared files merged, and how to read the config directory. */
interface Shared {
  readonly combined: Node;
  readonly sharedNames: ReadonlySet<string>;
  readonly sharedFiles: ReadonlySet<string>;
  readonly files: ConfigFiles;
  readonly reader: ConfigReader;
  readonly display: Display;
  readonly sharedList: string[];
}

const CONFIG_HINT = "give --config DIR or set ALL2ALL_CONFIG";

function fail(problem: ConfigProblem): LoadResult {
  return { ok: false, problems: [problem], warnings: [] };
}

/** Loads every environment (or the one asked for) from a config directory. */
export function loadNetwork(configDir: string, options: LoadOptions = {}): LoadResult {
  const base = path.resolve(options.cwd ?? process.cwd(), configDir);
  const display: Display = (relative) =>
    configDir === "" || configDir === "." ? path.normalize(relative) : path.join(configDir, relative);
  const layout = findLayout(configDir, base, display);
  if ("problem" in layout) return fail(layout.problem);
  const problems = environmentNameProblems(layout, display);
  const selected = selectEnvironments(layout, options.env, display);
  if ("problem" in selected) return fail(selected.problem);

  // Parse the files once: shared files and the selected overlays.
  const reader = new ConfigReader(base, display, problems);
  reader.checkAdoptionFiles(layout.environments);
  const shared = layout.sharedNames.map((name) => reader.read(name, `./${SCHEMA_FILE}`));
  const overlays = selected.map((e) => reader.read(`${ENVIRONMENTS_DIR}/${e.file}`, `../${OVERLAY_SCHEMA_FILE}`));
  // A file that could not be parsed stops here; other problems found so far
  // (a pasted private key, a missing schema comment) do not hide the rest.
  if (shared.some((n) => !n) || overlays.some((n) => !n)) {
    return { ok: false, problems: dedupe(problems), warnings: [] };
  }

  const combined = combineShared(shared as Node[], problems);
  const context: Shared = {
    combined,
    sharedNames: declaredNames(toPlain(combined)),
    sharedFiles: new Set(layout.sharedNames.map(display)),
    files: configFiles(base, display),
    reader,
    display,
    sharedList: layout.sharedNames,
  };
  const specs: NetworkSpecData[] = [];
  const perEnv: { env: string; problems: ConfigProblem[] }[] = [];
  const perEnvWarnings: { env: string; problems: ConfigProblem[] }[] = [];
  selected.forEach((environment, i) => {
    const loaded = loadEnvironment(context, environment, overlays[i] as Node);
    if (loaded.spec) specs.push(loaded.spec);
    perEnv.push({ env: environment.name, problems: loaded.problems });
    perEnvWarnings.push({ env: environment.name, problems: loaded.warnings });
  });
  problems.push(...mergeEnvironmentProblems(perEnv));
  const warnings = mergeEnvironmentProblems(perEnvWarnings);
  if (problems.length > 0) return { ok: false, problems: dedupe(problems), warnings: dedupe(warnings) };
  return { ok: true, specs: specs.map((spec) => deepFreeze(spec) as NetworkSpec), warnings: dedupe(warnings) };
}

/** The shared files and overlays of the directory, or the one problem that stops the load. */
function findLayout(configDir: string, base: string, display: Display): Layout | { problem: ConfigProblem } {
  const stop = (message: string, hint: string): { problem: ConfigProblem } => ({
    problem: { file: configDir, path: "", message, hint },
  });
  if (!existsSync(base)) return stop(`config directory ${configDir} does not exist`, CONFIG_HINT);
  if (!isDirectory(base)) return stop(`${configDir} is not a directory`, CONFIG_HINT);
  const sharedNames = listYaml(base);
  if (sharedNames.length === 0) {
    return stop(`no shared description (*.yaml) in ${configDir}`, "start from the default config/network.yaml");
  }
  const overlayNames = listYaml(path.join(base, ENVIRONMENTS_DIR));
  if (overlayNames.length === 0) {
    return {
      problem: {
        file: display(ENVIRONMENTS_DIR),
        path: "",
        message: "no environment overlays",
        hint: `add ${display(`${ENVIRONMENTS_DIR}/production.yaml`)} (it may be just its schema comment)`,
      },
    };
  }
  return { sharedNames, overlayNames, environments: overlayNames.map((name) => name.replace(YAML_FILE, "")) };
}

/** An overlay's file name is the environment's name, so it must be a valid name. */
function environmentNameProblems(layout: Layout, display: Display): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  layout.environments.forEach((name, i) => {
    if (!NAME_PATTERN.test(name)) {
      const guess = kebabGuess(name);
      problems.push({
        file: display(`${ENVIRONMENTS_DIR}/${layout.overlayNames[i]}`),
        path: "",
        message: `environment name "${name}" (the file name) is not a valid name`,
        hint: `lower-case letters, digits and hyphens${guess ? `: rename it ${guess}.yaml` : ""}`,
      });
    }
  });
  return problems;
}

/** Every environment, or the one asked for (a problem when there is none of that name). */
function selectEnvironments(
  layout: Layout,
  env: string | undefined,
  display: Display,
): Environment[] | { problem: ConfigProblem } {
  // environments are the overlay files' names without .yaml, one for one.
  const all = layout.environments.map((name, i) => ({ name, file: layout.overlayNames[i]! }));
  if (env === undefined) return all;
  const match = all.find((e) => e.name === env);
  if (match) return [match];
  return {
    problem: {
      file: display(ENVIRONMENTS_DIR),
      path: "",
      message: `unknown environment "${env}"`,
      hint: suggestionHint(env, layout.environments, "environments"),
    },
  };
}

/** One environment: the overlay merged, the shape checked by zod, then the cross-reference checks. */
function loadEnvironment(
  shared: Shared,
  environment: Environment,
  overlay: Node,
): { spec?: NetworkSpecData; problems: ConfigProblem[]; warnings: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const root = mergeOverlay(shared.combined, overlay, problems);
  const plain = toPlain(root);
  const parsed = NetworkDescriptionSchema.safeParse(plain);
  if (!parsed.success) {
    return { problems: [...problems, ...zodProblems(parsed.error.issues, root, plain)], warnings: [] };
  }
  if (problems.length > 0) return { problems, warnings: [] };
  const checked = checkDescription({
    env: environment.name,
    description: parsed.data,
    root,
    sharedFiles: shared.sharedFiles,
    files: shared.files,
    sharedNames: shared.sharedNames,
  });
  if (!checked.spec) return { problems: checked.problems, warnings: checked.warnings };
  const adoption = shared.reader.adoption(environment.name);
  const files = [...shared.sharedList.map(shared.display), shared.display(`${ENVIRONMENTS_DIR}/${environment.file}`)];
  return {
    spec: { ...checked.spec, files, ...(adoption ? { adoption } : {}) },
    problems: checked.problems,
    warnings: checked.warnings,
  };
}
