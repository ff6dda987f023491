/**
 * What `all2all diff` reads of the project's tsconfig.json to tell whether
 * its build is current (cli/diff/fresh.ts): where tsc writes its output and
 * build info, the sources it compiles (tests left out), and the output of
 * each.
 */
import * as fs from "node:fs";
import * as path from "node:path";

/** Folders of sources synth never loads. */
const TEST_DIRS = ["__tests__", "testing", "bench"];

export interface TsConfig {
  readonly rootDir: string;
  readonly outDir: string;
  readonly buildInfo?: string;
  readonly include: readonly string[];
  readonly exclude: readonly string[];
}

export function readTsConfig(root: string): TsConfig | undefined {
  let raw: { compilerOptions?: Record<string, unknown>; include?: unknown; exclude?: unknown };
  try {
    raw = JSON.parse(fs.readFileSync(path.join(root, "tsconfig.json"), "utf8")) as typeof raw;
  } catch {
    return undefined;
  }
  const options = raw.compilerOptions ?? {};
  if (typeof options.outDir !== "string") return undefined;
  const strings = (v: unknown): string[] =>
    Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
  const incremental = options.incremental === true || options.composite === true;
  return {
    rootDir: path.resolve(root, typeof options.rootDir === "string" ? options.rootDir : "."),
    outDir: path.resolve(root, options.outDir),
    buildInfo: incremental
      ? path.resolve(
          root,
          typeof options.tsBuildInfoFile === "string"
            ? options.tsBuildInfoFile
            : path.join(options.outDir, "tsconfig.tsbuildinfo"),
        )
      : undefined,
    include: raw.include === undefined ? ["**/*"] : strings(raw.include),
    exclude: raw.exclude === undefined ? ["node_modules"] : strings(raw.exclude),
  };
}

/** A tsconfig `include` pattern as a regular expression over paths relative to the project (`/` separated). */
function patternRegExp(pattern: string): RegExp {
  let p = pattern.replace(/^\.\//, "").replace(/\/$/, "");
  const last = p.split("/").pop() ?? "";
  if (!last.includes(".") && !last.includes("*")) p = `${p}/**/*`;
  let re = "";
  for (let i = 0; i < p.length; i++) {
    if (p.startsWith("**/", i)) {
      re += "(?:[^/]+/)*";
      i += 2;
    } else if (p[i] === "*") re += "[^/]*";
    else if (p[i] === "?") re += "[^/]";
    else re += p[i]!.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

const SOURCE = /\.(ts|tsx|mts|cts|json)$/;

/** The sources tsconfig includes (relative to the project), tests left out. */
export function sourcesOf(root: string, config: TsConfig): string[] {
  const includes = config.include.map(patternRegExp);
  const excluded = new Set([
    ...config.exclude.map((e) => e.replace(/^\.\//, "").replace(/\/(\*\*(\/\*)?)?$/, "")),
    "node_modules",
    ".git",
    ...TEST_DIRS,
  ]);
  const outRel = path.relative(root, config.outDir).split(path.sep).join("/");
  const out: string[] = [];
  const walk = (rel: string): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(path.join(root, rel), { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const child = rel === "" ? entry.name : `${rel}/${entry.name}`;
      if (excluded.has(child) || child === outRel) continue;
      if (entry.isDirectory()) walk(child);
      else if (entry.isFile() && SOURCE.test(child) && includes.some((re) => re.test(child))) out.push(child);
    }
  };
  // Only the folders the patterns start from: a pattern's part before its first wildcard.
  const starts = new Set<string>();
  for (const pattern of config.include) {
    if (!/[*?]/.test(pattern)) continue;
    const parts = pattern.replace(/^\.\//, "").split("/");
    const fixed: string[] = [];
    for (const part of parts.slice(0, -1)) {
      if (/[*?]/.test(part)) break;
      fixed.push(part);
    }
    starts.add(fixed.join("/"));
  }
  const roots = [...starts]
    .sort()
    .filter((s, _i, all) => !all.some((o) => o !== s && (o === "" || s.startsWith(`${o}/`))));
  for (const start of roots) {
    if (start !== "" && (excluded.has(start) || !fs.existsSync(path.join(root, start)))) continue;
    if (start !== "" && fs.statSync(path.join(root, start)).isFile()) continue;
    walk(start);
  }
  // Files named directly (main.ts): the walk from the project folder finds them only when some pattern starts there.
  for (const pattern of config.include) {
    const rel = pattern.replace(/^\.\//, "");
    if (
      !/[*?]/.test(rel) &&
      SOURCE.test(rel) &&
      fs.statSync(path.join(root, rel), { throwIfNoEntry: false })?.isFile() &&
      !out.includes(rel)
    )
      out.push(rel);
  }
  return [...new Set(out)].sort();
}

/** The file tsc writes for a source, relative to the project; undefined for a declaration file. */
export function outputOf(root: string, config: TsConfig, rel: string): string | undefined {
  if (/\.d\.[mc]?ts$/.test(rel)) return undefined;
  const fromRoot = path.relative(config.rootDir, path.join(root, rel));
  const js = fromRoot
    .replace(/\.tsx?$/, ".js")
    .replace(/\.mts$/, ".mjs")
    .replace(/\.cts$/, ".cjs");
  return path.join(config.outDir, js);
}

export function isTest(rel: string): boolean {
  return TEST_DIRS.some((d) => rel === d || rel.startsWith(`${d}/`));
}
