/**
 * A digest of a configuration directory as the loader reads it, for the
 * caches of `all2all diff` (sides.ts, ref-cache.ts).
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

/**
 * A digest of everything synthHere's output depends on besides this
 * process's code: cdktf.json's context, the environment asked for, and
 * every file the loader could read in the configuration directory (names
 * relative to it, and contents; links followed). Undefined when the
 * directory cannot be read (the loader then reports it).
 */
export function inputsDigest(configDir: string, env: string | undefined, context: unknown): string | undefined {
  const hash = createHash("sha256");
  hash.update(JSON.stringify({ env: env ?? null, context }));
  const seen = new Set<string>();
  const walk = (rel: string): void => {
    const dir = path.join(configDir, rel);
    const real = fs.realpathSync(dir);
    if (seen.has(real)) return;
    seen.add(real);
    for (const name of fs.readdirSync(dir).sort()) {
      const child = path.join(rel, name);
      const stat = fs.statSync(path.join(configDir, child), { throwIfNoEntry: false });
      if (stat?.isDirectory()) {
        hash.update(`\0dir\0${child}\0`);
        walk(child);
      } else if (stat?.isFile()) {
        const bytes = fs.readFileSync(path.join(configDir, child));
        hash.update(`\0file\0${child}\0${bytes.length}\0`);
        hash.update(bytes);
      } else {
        hash.update(`\0other\0${child}\0`);
      }
    }
  };
  try {
    walk("");
  } catch {
    return undefined;
  }
  return hash.digest("hex");
}
