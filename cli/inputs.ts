/**
 * What a synthesised output was made from, recorded by synth beside cdktn's
 * manifest (`<out>/inputs.json`) and checked by plan and deploy, so that
 * they never run a cdktf.out that no longer matches the configuration and
 * the code: a sha256 over every file of the config directory and over the
 * code and data synth runs (the running build of primitives, catalogue,
 * description, constructs, stacks, policies, validate and cli/synthesise;
 * the catalogue, the provider schema and cdktf.json), and the git commit,
 * for people.
 */
import { spawnSync } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

export const INPUTS_FILE = "inputs.json";

export interface Inputs {
  readonly config_dir: string;
  readonly inputs_sha256: string;
  /** The commit of the project, `+dirty` when its working tree has changes; absent outside git. */
  readonly commit?: string;
}

/**
 * The code synth runs, in the running build (dist/ or, under the tests, the
 * sources): these folders, and these files of cli/ (without extension).
 * __tests__/cli/inputs.unit.ts checks them against what cli/synthesise.ts imports.
 */
export const CODE_DIRS = ["primitives", "catalogue", "description", "constructs", "stacks", "policies", "validate"];
export const CODE_FILES = ["cli/synthesise"];

function filesUnder(dir: string, keep: (file: string) => boolean): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && keep(p)) out.push(p);
    }
  };
  walk(dir);
  return out;
}

/** sha256 over the config directory's files and the code and data synth uses. */
export function inputsHash(configDir: string, root: string, codeRoot = path.resolve(__dirname, "..")): string {
  const hash = crypto.createHash("sha256");
  const add = (label: string, file: string) => {
    hash.update(`${label}\n`);
    hash.update(fs.readFileSync(file));
    hash.update("\n");
  };
  const addCode = (file: string) => add(`code/${path.relative(codeRoot, file).split(path.sep).join("/")}`, file);
  for (const f of filesUnder(configDir, () => true))
    add(`config/${path.relative(configDir, f).split(path.sep).join("/")}`, f);
  for (const dir of CODE_DIRS) {
    for (const f of filesUnder(path.join(codeRoot, dir), (p) => /\.(js|ts)$/.test(p) && !p.endsWith(".d.ts")))
      addCode(f);
  }
  for (const file of CODE_FILES) {
    for (const f of [".js", ".ts"].map((ext) => path.join(codeRoot, `${file}${ext}`))) if (fs.existsSync(f)) addCode(f);
  }
  for (const data of ["catalogue/hetzner.json", "providers/hcloud/schema.json", "cdktf.json"]) {
    const f = path.join(root, data);
    if (fs.existsSync(f)) add(`data/${data}`, f);
  }
  return hash.digest("hex");
}

function gitCommit(root: string): string | undefined {
  const head = spawnSync("git", ["rev-parse", "HEAD"], { cwd: root, encoding: "utf8" });
  if (head.status !== 0) return undefined;
  const dirty = spawnSync("git", ["status", "--porcelain", "--untracked-files=no"], { cwd: root, encoding: "utf8" });
  return `${head.stdout.trim()}${dirty.status === 0 && dirty.stdout.trim() !== "" ? "+dirty" : ""}`;
}

export function recordInputs(configDir: string, root: string): Inputs {
  const commit = gitCommit(root);
  return {
    config_dir: path.resolve(configDir),
    inputs_sha256: inputsHash(configDir, root),
    ...(commit ? { commit } : {}),
  };
}

/**
 * Whether `outDir` still matches its inputs: undefined when it does, else
 * the reason (for a refusal that says to synth). An output without
 * inputs.json (made by an older all2all or by hand) is reported apart.
 */
export function staleness(outDir: string, root: string): { stale: string } | { unknown: string } | undefined {
  const file = path.join(outDir, INPUTS_FILE);
  if (!fs.existsSync(file))
    return { unknown: `${INPUTS_FILE} is missing, so whether it matches the configuration and code cannot be told` };
  let recorded: Inputs;
  try {
    recorded = JSON.parse(fs.readFileSync(file, "utf8")) as Inputs;
  } catch (err) {
    return { stale: `${INPUTS_FILE} is not readable JSON (${(err as Error).message})` };
  }
  if (!fs.existsSync(recorded.config_dir))
    return { stale: `it was synthesised from ${recorded.config_dir}, which no longer exists` };
  if (inputsHash(recorded.config_dir, root) !== recorded.inputs_sha256) {
    return {
      stale:
        `the configuration (${recorded.config_dir}) or the code changed since it was synthesised` +
        (recorded.commit
          ? ` (at commit ${recorded.commit.slice(0, 12)}${recorded.commit.endsWith("+dirty") ? " with changes" : ""})`
          : ""),
    };
  }
  return undefined;
}
