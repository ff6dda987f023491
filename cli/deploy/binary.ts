/**
 * Which OpenTofu or Terraform binary `all2all plan|deploy` runs: `--binary`
 * when given, else `tofu` found on the PATH of the command's environment,
 * else `terraform`. Looked up without running anything.
 */
import * as fs from "node:fs";
import * as path from "node:path";

export const INSTALL_HINT =
  "install OpenTofu >= 1.10 (https://opentofu.org/docs/intro/install/; Debian: the " +
  "opentofu repository) or Terraform >= 1.10, or give --binary PATH";

function isExecutableFile(file: string): boolean {
  try {
    if (!fs.statSync(file).isFile()) return false;
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first executable `name` in the PATH of `env`, absolute; undefined when there is none. */
export function findOnPath(name: string, env: Readonly<Record<string, string | undefined>>): string | undefined {
  for (const dir of (env.PATH ?? "").split(path.delimiter)) {
    if (dir === "") continue;
    const candidate = path.resolve(dir, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

export type BinaryChoice = { ok: true; path: string; name: string } | { ok: false; problem: string };

/**
 * The binary to run. `given` (--binary) is a path (with a `/`, relative to
 * `cwd`) or a name looked up on PATH.
 */
export function chooseBinary(
  given: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
): BinaryChoice {
  if (given !== undefined) {
    if (given.trim() === "") return { ok: false, problem: "--binary is empty: give the path of tofu or terraform" };
    const found =
      given.includes("/") || given.includes(path.sep)
        ? isExecutableFile(path.resolve(cwd, given))
          ? path.resolve(cwd, given)
          : undefined
        : findOnPath(given, env);
    if (found === undefined)
      return {
        ok: false,
        problem:
          `--binary ${given}: no executable file ` +
          `there${given.includes("/") ? "" : " nor on PATH"}; ${INSTALL_HINT}`,
      };
    return { ok: true, path: found, name: path.basename(found) };
  }
  for (const name of ["tofu", "terraform"]) {
    const found = findOnPath(name, env);
    if (found !== undefined) return { ok: true, path: found, name };
  }
  return { ok: false, problem: `neither tofu nor terraform is on PATH: ${INSTALL_HINT}` };
}
