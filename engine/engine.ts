/**
 * The engine the project is judged by: OpenTofu and terraform-provider-hcloud,
 * built from their Go modules at the versions pinned in engine/versions.json,
 * kept in a cache outside the repository keyed by those versions.
 *
 * Layout of one cached engine (`<cache>/<key>/`):
 *   bin/tofu                                        the OpenTofu binary
 *   mirror/<registry>/hetznercloud/hcloud/<v>/<os>_<arch>/terraform-provider-hcloud_v<v>
 *                                                   a filesystem mirror (the layout `tofu init` reads),
 *                                                   under registry.opentofu.org (where OpenTofu looks for
 *                                                   `hetznercloud/hcloud`) and registry.terraform.io
 *   tofurc                                          a CLI configuration that installs the provider
 *                                                   from that mirror only, so `tofu init` runs offline
 *
 * versitygw, the S3-compatible server of `rehearse --state s3` and the state-locking tests, is cached
 * beside it in `<cache>/versitygw-<version>/bin/versitygw`, so that a new
 * version of one never rebuilds the other.
 *
 * Nothing here runs at import; `buildEngine` and `buildVersitygw` are the only functions that run Go.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { build, buildIntoCache, download, type Log } from "./go";

export interface ModulePin {
  readonly module: string;
  readonly version: string;
  readonly package: string;
  readonly ldflags?: string;
  /** Environment variables of the build (e.g. CGO_ENABLED). */
  readonly env?: Readonly<Record<string, string>>;
}

export interface EngineVersions {
  readonly opentofu: ModulePin;
  readonly provider: ModulePin & { readonly source: string; readonly hostnames: readonly string[] };
  /**
   * The S3-compatible server of `rehearse --state s3` and the state-locking tests (s3.ts), cached apart from the
   * engine.
   */
  readonly versitygw: ModulePin;
}

/** engine/versions.json, found from the source folder (tests) or from the compiled one (dist/engine). */
export const VERSIONS_FILE =
  [path.join(__dirname, "versions.json"), path.join(__dirname, "..", "..", "engine", "versions.json")].find((f) =>
    fs.existsSync(f),
  ) ?? path.join(__dirname, "versions.json");

export function readVersions(file = VERSIONS_FILE): EngineVersions {
  const raw = JSON.parse(fs.readFileSync(file, "utf8")) as EngineVersions;
  for (const key of ["opentofu", "provider", "versitygw"] as const) {
    const pin = raw[key];
    if (typeof pin?.module !== "string" || !/^v\d+\.\d+\.\d+$/.test(pin?.version ?? "")) {
      throw new Error(`${file}: ${key} needs "module" and "version" (vMAJOR.MINOR.PATCH)`);
    }
  }
  return raw;
}

/** The version without its leading v: "v1.68.0" → "1.68.0". */
export const bare = (version: string): string => version.replace(/^v/, "");

/** Terraform's name for this machine's platform: linux_amd64, darwin_arm64, … */
export function platform(): string {
  const arch: Record<string, string> = { x64: "amd64", arm64: "arm64", ia32: "386", arm: "arm" };
  return `${process.platform === "win32" ? "windows" : process.platform}_${arch[process.arch] ?? process.arch}`;
}

/** `tofu-1.12.6+hcloud-1.68.0`: the cache key, one folder per pair of versions. */
export function engineKey(v: EngineVersions): string {
  return `tofu-${bare(v.opentofu.version)}+hcloud-${bare(v.provider.version)}`;
}

/**
 * Where engines are cached: $ALL2ALL_ENGINE_CACHE, else $XDG_CACHE_HOME/all2all/engine, else ~/.cache/all2all/engine.
 */
export function cacheRoot(env: Readonly<Record<string, string | undefined>>): string {
  if (env.ALL2ALL_ENGINE_CACHE) return path.resolve(env.ALL2ALL_ENGINE_CACHE);
  const base = env.XDG_CACHE_HOME ? env.XDG_CACHE_HOME : path.join(env.HOME ?? os.homedir(), ".cache");
  return path.join(base, "all2all", "engine");
}

export interface Engine {
  readonly dir: string;
  readonly tofu: string;
  readonly mirror: string;
  readonly cliConfig: string;
  /** The provider binary, under the first registry host name. */
  readonly provider: string;
  /** The same binary's place under every registry host name of the mirror. */
  readonly providerCopies: readonly string[];
  readonly versions: EngineVersions;
}

export function engineLayout(dir: string, v: EngineVersions): Engine {
  const [namespace, type] = v.provider.source.split("/");
  const mirror = path.join(dir, "mirror");
  const copies = v.provider.hostnames.map((host) =>
    path.join(
      mirror,
      host,
      namespace!,
      type!,
      bare(v.provider.version),
      platform(),
      `terraform-provider-${type}_${v.provider.version}`,
    ),
  );
  return {
    dir,
    tofu: path.join(dir, "bin", process.platform === "win32" ? "tofu.exe" : "tofu"),
    mirror,
    cliConfig: path.join(dir, "tofurc"),
    provider: copies[0]!,
    providerCopies: copies,
    versions: v,
  };
}

/** The CLI configuration (TF_CLI_CONFIG_FILE): the provider from the mirror only, no other registry. */
export function cliConfigText(e: Pick<Engine, "mirror">, v: EngineVersions): string {
  return [
    "# Written by `npm run engine` (engine/engine.ts). The hcloud provider is installed",
    "# from the local filesystem mirror below, exactly as `tofu init` does from a registry.",
    "provider_installation {",
    "  filesystem_mirror {",
    `    path    = ${JSON.stringify(e.mirror)}`,
    `    include = [${v.provider.hostnames.map((h) => JSON.stringify(`${h}/${v.provider.source}`)).join(", ")}]`,
    "  }",
    "}",
    "",
  ].join("\n");
}

/** The cached engine for the pinned versions, or undefined when it is not built (or incomplete). */
export function findEngine(env: Readonly<Record<string, string | undefined>>, v = readVersions()): Engine | undefined {
  const e = engineLayout(path.join(cacheRoot(env), engineKey(v)), v);
  return [e.tofu, ...e.providerCopies, e.cliConfig].every((f) => fs.existsSync(f)) &&
    fs.readFileSync(e.cliConfig, "utf8") === cliConfigText(e, v)
    ? e
    : undefined;
}

/** `versitygw-1.8.0`: the folder of the cached versitygw. */
export function versitygwKey(v: EngineVersions): string {
  return `versitygw-${bare(v.versitygw.version)}`;
}

/** Where the pinned versitygw is (or would be) in the cache. */
export function versitygwPath(env: Readonly<Record<string, string | undefined>>, v = readVersions()): string {
  return path.join(
    cacheRoot(env),
    versitygwKey(v),
    "bin",
    process.platform === "win32" ? "versitygw.exe" : "versitygw",
  );
}

/** The cached versitygw binary, or undefined when it is not built. */
export function findVersitygw(
  env: Readonly<Record<string, string | undefined>>,
  v = readVersions(),
): string | undefined {
  const bin = versitygwPath(env, v);
  return fs.existsSync(bin) ? bin : undefined;
}

export const VERSITYGW_HINT =
  "run `npm run engine` (also builds versitygw, the S3-compatible server of `rehearse --state " +
  "s3` and the state-locking tests, from its Go module; about a minute)";

export const ENGINE_HINT =
  "run `npm run engine` (builds OpenTofu and the hcloud provider from their Go " +
  "modules; needs Go and the Go module proxy; minutes the first time)";

export interface BuildResult {
  engine: Engine;
  built: boolean;
  seconds: number;
}

/** A build's start: the time, the pinned versions, and the folder of the cache that `key` names for them. */
function cacheTarget(
  env: NodeJS.ProcessEnv,
  key: (v: EngineVersions) => string,
): { started: number; v: EngineVersions; final: string } {
  const started = Date.now();
  const v = readVersions();
  return { started, v, final: path.join(cacheRoot(env), key(v)) };
}

const secondsSince = (started: number): number => (Date.now() - started) / 1000;

/** A build into the cache (`npm run engine`): done unless it is there already, or with `force`. */
export type CacheBuild<R> = (env: NodeJS.ProcessEnv, log: Log, opts?: { force?: boolean }) => Promise<R>;

/**
 * Builds the pinned engine into the cache unless it is there already. The
 * build happens in a temporary sibling folder, moved into place only when
 * complete, so an interrupted build never leaves a half engine.
 */
export const buildEngine: CacheBuild<BuildResult> = async (env, log, opts = {}) => {
  const { started, v, final } = cacheTarget(env, engineKey);
  let cached = findEngine(env, v);
  if (
    !cached &&
    !opts.force &&
    fs.existsSync(engineLayout(final, v).tofu) &&
    fs.existsSync(engineLayout(final, v).provider)
  ) {
    // Both binaries are built; only the mirror's other host names or the CLI configuration are missing or older.
    finishLayout(final, v);
    cached = findEngine(env, v);
  }
  if (cached && !opts.force) {
    log(`engine ${engineKey(v)} is cached in ${final}`);
    return { engine: cached, built: false, seconds: secondsSince(started) };
  }
  await buildIntoCache(final, env, log, async (tmp, goEnv) => {
    const e = engineLayout(tmp, v);
    const steps: [string, ModulePin, string][] = [
      ["OpenTofu", v.opentofu, e.tofu],
      ["the hcloud provider", v.provider, e.provider],
    ];
    let i = 0;
    for (const [name, pin, out] of steps) {
      i += 1;
      const t0 = Date.now();
      log(`[${i}/${steps.length}] ${name} ${pin.version}: downloading ${pin.module}`);
      const src = await download(pin, goEnv, tmp, log);
      log(`[${i}/${steps.length}] ${name} ${pin.version}: building (a few minutes the first time)`);
      fs.mkdirSync(path.dirname(out), { recursive: true });
      await build(pin, src, out, goEnv, log);
      log(`[${i}/${steps.length}] ${name} ${pin.version}: built in ${Math.round((Date.now() - t0) / 1000)} s`);
    }
  });
  finishLayout(final, v);
  const engine = findEngine(env, v);
  if (!engine) throw new Error(`the engine was built but ${final} is incomplete`);
  log(`engine ${engineKey(v)} ready in ${final}`);
  return { engine, built: true, seconds: secondsSince(started) };
};

export interface VersitygwResult {
  readonly binary: string;
  readonly built: boolean;
  readonly seconds: number;
}

/**
 * Builds the pinned versitygw into `<cache>/versitygw-<version>/` unless it
 * is there, the same way as the engine: in a temporary sibling folder moved
 * into place when complete.
 */
export const buildVersitygw: CacheBuild<VersitygwResult> = async (env, log, opts = {}) => {
  const { started, v, final } = cacheTarget(env, versitygwKey);
  const cached = findVersitygw(env, v);
  if (cached && !opts.force) {
    log(`${versitygwKey(v)} is cached in ${final}`);
    return { binary: cached, built: false, seconds: secondsSince(started) };
  }
  await buildIntoCache(final, env, log, async (tmp, goEnv) => {
    const pin = v.versitygw;
    const out = path.join(tmp, path.relative(final, versitygwPath(env, v)));
    log(`versitygw ${pin.version}: downloading ${pin.module}`);
    const src = await download(pin, goEnv, tmp, log);
    log(`versitygw ${pin.version}: building (about a minute the first time)`);
    fs.mkdirSync(path.dirname(out), { recursive: true });
    await build(pin, src, out, goEnv, log);
  });
  const binary = findVersitygw(env, v);
  if (!binary) throw new Error(`versitygw was built but ${final} is incomplete`);
  log(`${versitygwKey(v)} ready in ${final}`);
  return { binary, built: true, seconds: secondsSince(started) };
};

/**
 * Places the provider under every host name of the mirror and writes the CLI configuration, in a built engine's folder.
 */
function finishLayout(dir: string, v: EngineVersions): void {
  const e = engineLayout(dir, v);
  for (const copy of e.providerCopies.slice(1)) {
    fs.mkdirSync(path.dirname(copy), { recursive: true });
    fs.rmSync(copy, { force: true });
    fs.linkSync(e.provider, copy);
  }
  fs.writeFileSync(path.join(dir, "versions.json"), `${JSON.stringify(v, null, 2)}\n`);
  fs.writeFileSync(e.cliConfig, cliConfigText(e, v));
}

/**
 * The environment under which the engine runs offline: its CLI configuration,
 * no checkpoint calls, a shared plugin cache avoided (the mirror is local).
 */
export function engineEnv(e: Engine): Record<string, string> {
  return { TF_CLI_CONFIG_FILE: e.cliConfig, CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1" };
}
