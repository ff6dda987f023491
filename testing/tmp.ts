/**
 * Test helpers (outside __tests__ so jest does not run them as tests).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** The repository root. */
export const repoRoot = path.resolve(__dirname, "..");

/** A fresh temporary directory, removed by the returned cleanup function. */
export function makeTempDir(prefix = "all2all-test-"): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** Reads and parses a JSON file. */
export function readJson<T = any>(file: string): T {
  return JSON.parse(fs.readFileSync(file, "utf8")) as T;
}

/** The default network description. */
export const defaultConfig = path.join(repoRoot, "config");
