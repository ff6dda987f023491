/**
 * Never compare stale code. `all2all diff` synthesises the working tree
 * (and a base whose code is the working tree's) with the working tree's
 * compiled code, which is this process's: when that build (dist/) is not the
 * build of the sources as they are, the diff would compare what the code
 * was, and say "no changes" for a change of code not yet built.
 *
 * The build is current when tsc's last build (its incremental build info,
 * `tsBuildInfoFile`) compiled every source as it is now — each source's
 * sha256 is the version tsc recorded for it, and its output is there — and
 * that build neither failed nor left anything to emit. Sources are the
 * files tsconfig.json includes, but for tests (`__tests__/`, `testing/`,
 * `bench/`), which synth never loads. A touched but unchanged file is
 * current; a new source, a changed one, a deleted output, a failed build are
 * not. Without build info, a source newer than its output is stale.
 *
 * When it is stale, diff builds the working tree (`npm run build`, as `npm
 * run synth` does) and runs itself again with the code just built; a build
 * that fails, or that leaves the code stale, is refused (exit 2).
 *
 * What tsconfig.json says (the sources, their outputs) is read in
 * fresh-sources.ts.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { InputError } from "../errors";
import type { Io } from "../io";
import { isTest, outputOf, readTsConfig, sourcesOf, type TsConfig } from "./fresh-sources";
import { run } from "./git";

/** Set in the environment of the diff run again after building: it must not build again. */
export const REBUILT_ENV = "ALL2ALL_DIFF_REBUILT";

export interface BuildState {
  /** False when the project's build could not be read (tsconfig.json not JSON, say): nothing is known. */
  readonly checked: boolean;
  readonly current: boolean;
  /**
   * Why it is not current, one reason a line (`cli/diff.ts changed since the last build`), at most a few of each kind.
   */
  readonly reasons: readonly string[];
  /** How many sources are stale in all. */
  readonly stale: number;
}

/** What makes a build stale, as found: reasons about the whole build, and sources by why they are stale. */
interface Findings {
  readonly reasons: string[];
  /** Notes `rel` as stale for `kind` (`changed since the last build`). */
  note(kind: string, rel: string): void;
  /** The state: the whole build's reasons, then one reason per kind naming at most five sources. */
  state(): BuildState;
}

function findings(): Findings {
  const reasons: string[] = [];
  const byKind = new Map<string, string[]>();
  return {
    reasons,
    note: (kind, rel) => {
      byKind.set(kind, [...(byKind.get(kind) ?? []), rel]);
    },
    state: () => {
      let stale = 0;
      for (const [kind, files] of byKind) {
        const unique = [...new Set(files)];
        stale += unique.length;
        reasons.push(
          `${unique.slice(0, 5).join(", ")}${unique.length > 5 ? ` and ${unique.length - 5} more` : ""} ${kind}`,
        );
      }
      return { checked: true, current: reasons.length === 0, reasons, stale };
    },
  };
}

/** A path relative to the project, `/` separated. */
function displayIn(root: string, file: string): string {
  return path.relative(root, file).split(path.sep).join("/");
}

/** The version (sha256) tsc's build info records for each file it compiled, by absolute path. */
function recordedVersions(info: Record<string, unknown>, infoDir: string): Map<string, string> {
  const fileNames = Array.isArray(info.fileNames) ? (info.fileNames as unknown[]) : [];
  const fileInfos = Array.isArray(info.fileInfos) ? (info.fileInfos as unknown[]) : [];
  const versions = new Map<string, string>();
  fileNames.forEach((name, i) => {
    const entry = fileInfos[i];
    const version =
      typeof entry === "string"
        ? entry
        : typeof entry === "object" && entry !== null
          ? (entry as { version?: unknown }).version
          : undefined;
    if (typeof name === "string" && typeof version === "string") versions.set(path.resolve(infoDir, name), version);
  });
  return versions;
}

/** Whether the build the info records reported errors. */
function buildFailed(info: Record<string, unknown>): boolean {
  return (
    info.errors === true ||
    ["semanticDiagnosticsPerFile", "syntacticDiagnosticsPerFile", "emitDiagnosticsPerFile"].some((key) =>
      (Array.isArray(info[key]) ? (info[key] as unknown[]) : []).some(
        (e) =>
          Array.isArray(e) && Array.isArray(e[1]) && (e[1] as { category?: number }[]).some((d) => d?.category === 1),
      ),
    )
  );
}

/** The sources (tests left out) the info's last build left to emit. */
function pendingEmit(root: string, info: Record<string, unknown>, infoDir: string): string[] {
  const fileNames = Array.isArray(info.fileNames) ? (info.fileNames as unknown[]) : [];
  const nameOf = (id: unknown): string | undefined => {
    const n = Array.isArray(id) ? id[0] : id;
    const name = typeof n === "number" ? fileNames[n - 1] : undefined;
    return typeof name === "string" ? displayIn(root, path.resolve(infoDir, name)) : undefined;
  };
  return (Array.isArray(info.affectedFilesPendingEmit) ? (info.affectedFilesPendingEmit as unknown[]) : [])
    .map(nameOf)
    .filter((n): n is string => n !== undefined && !isTest(n));
}

/** Against tsc's build info: a failed or unfinished build, and each source new, changed or without its output. */
function checkBuildInfo(
  root: string,
  config: TsConfig,
  sources: readonly string[],
  info: Record<string, unknown>,
  found: Findings,
): void {
  const infoDir = path.dirname(config.buildInfo!);
  const versions = recordedVersions(info, infoDir);
  // A build that reported errors, or left files to check or emit.
  if (buildFailed(info)) found.reasons.push("its last build failed (tsc reported errors)");
  for (const rel of pendingEmit(root, info, infoDir)) found.note("not emitted by its last build", rel);
  if (info.checkPending === true) found.reasons.push("its last build did not check every file");
  // Every file of the project the last build compiled (JSON modules too), and every source now.
  const recordedFiles = [...versions.keys()]
    .map((file) => displayIn(root, file))
    .filter(
      (rel) =>
        !rel.startsWith("..") &&
        !path.isAbsolute(rel) &&
        !rel.split("/").includes("node_modules") &&
        !isTest(rel) &&
        fs.existsSync(path.join(root, rel)),
    );
  for (const rel of [...new Set([...sources, ...recordedFiles])].sort()) {
    const file = path.join(root, rel);
    const recorded = versions.get(file);
    if (recorded === undefined) {
      found.note("new since the last build", rel);
      continue;
    }
    const hash = createHash("sha256").update(fs.readFileSync(file, "utf8")).digest("hex");
    if (hash !== recorded) {
      found.note("changed since the last build", rel);
      continue;
    }
    const output = outputOf(root, config, rel);
    if (output !== undefined && !fs.existsSync(output)) found.note(`without its compiled output`, rel);
  }
}

/** Without build info: each source without its output, or newer than it. */
function checkTimes(root: string, config: TsConfig, sources: readonly string[], found: Findings): void {
  for (const rel of sources) {
    const output = outputOf(root, config, rel);
    if (output === undefined) continue;
    const out = fs.statSync(output, { throwIfNoEntry: false });
    if (out === undefined) found.note("without its compiled output", rel);
    else if (fs.statSync(path.join(root, rel)).mtimeMs > out.mtimeMs) found.note("newer than its compiled output", rel);
  }
}

/** Whether the project's compiled output is the build of its sources as they are now (see the file comment). */
export function compiledState(root: string): BuildState {
  const config = readTsConfig(root);
  if (!config) return { checked: false, current: true, reasons: [], stale: 0 };
  const sources = sourcesOf(root, config);
  let info: Record<string, unknown> | undefined;
  if (config.buildInfo !== undefined) {
    try {
      info = JSON.parse(fs.readFileSync(config.buildInfo, "utf8")) as Record<string, unknown>;
    } catch {
      const reasons = [`it was never built (no ${displayIn(root, config.buildInfo)})`];
      return { checked: true, current: false, reasons, stale: sources.length };
    }
  }
  const found = findings();
  if (info !== undefined) checkBuildInfo(root, config, sources, info, found);
  else checkTimes(root, config, sources, found);
  return found.state();
}

/**
 * Whether this process runs the compiled output of the project at `root` (as bin/all2all.js does), not its sources
 * (tests).
 */
export function runsCompiledCodeOf(root: string, moduleDir: string = __dirname): boolean {
  const config = readTsConfig(root);
  if (!config) return false;
  // This file is <outDir>/cli/diff/fresh.js once compiled.
  const real = (p: string): string => {
    try {
      return fs.realpathSync(p);
    } catch {
      return path.resolve(p);
    }
  };
  return real(path.resolve(moduleDir, "..", "..")) === real(config.outDir);
}

/**
 * Before a diff that uses this process's code for the working tree: when
 * that code is the working tree's build and the build is stale, builds it
 * and runs the same diff again with the new code (its exit code is
 * returned). Undefined when the build is current (or not this process's).
 */
export async function ensureCurrentBuild(
  root: string,
  argv: readonly string[],
  io: Io,
  env: NodeJS.ProcessEnv,
  moduleDir: string = __dirname,
): Promise<number | undefined> {
  if (!runsCompiledCodeOf(root, moduleDir)) return undefined;
  const state = compiledState(root);
  if (state.current) return undefined;
  const why = state.reasons.join("; ");
  if (env[REBUILT_ENV] === "1") {
    throw new InputError(
      `the working tree's compiled code is still not the build of its sources after building it ` +
        `(${why}); diff never compares stale code: run \`npm run build\` and read its errors`,
    );
  }
  io.err(
    `diff: the working tree's compiled code (dist/) is older than its sources (${why}): building it (npm run build)…`,
  );
  const build = run("npm", ["run", "build", "--silent"], { cwd: root, env });
  if (build.status !== 0) {
    const text = `${build.stdout}\n${build.stderr}`.trimEnd().split("\n");
    throw new InputError(
      `the working tree's code does not build (npm run build exits ${build.status}), and diff never compares ` +
        `stale code:\n${(text.length > 15 ? ["…", ...text.slice(-15)] : text).join("\n")}`,
    );
  }
  const after = compiledState(root);
  if (!after.current) {
    throw new InputError(
      `the working tree's compiled code is still not the build of its sources after npm run ` +
        `build (${after.reasons.join("; ")}); diff never compares stale code`,
    );
  }
  io.err("diff: built; running the diff with the code just built…");
  return new Promise<number>((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(root, "bin", "all2all.js"), "diff", ...argv], {
      cwd: io.cwd,
      env: { ...env, [REBUILT_ENV]: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const lines = (write: (line: string) => void) => {
      let rest = "";
      return {
        data: (chunk: Buffer) => {
          const text = rest + chunk.toString("utf8");
          const parts = text.split("\n");
          rest = parts.pop() ?? "";
          for (const line of parts) write(line);
        },
        end: () => {
          if (rest !== "") write(rest);
          rest = "";
        },
      };
    };
    const out = lines((l) => io.out(l));
    const err = lines((l) => io.err(l));
    child.stdout.on("data", out.data);
    child.stderr.on("data", err.data);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      out.end();
      err.end();
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}
