/**
 * The project's layers and the rule between them: a layer imports only the
 * layers below it (docs/architecture.md). Read from the sources' import
 * statements, resolved to the top-level folder they name.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { joinRegExp } from "../primitives/regexp";

/**
 * Each folder's rank: a file may import folders of a lower rank, and its own.
 * Tests (`__tests__/`) and their helpers (`testing/`) may import anything.
 */
export const LAYERS: Readonly<Record<string, number>> = {
  primitives: 0,
  catalogue: 1,
  engine: 1,
  simulator: 2,
  description: 3,
  ".gen": 3,
  constructs: 4,
  stacks: 5,
  policies: 6,
  validate: 6,
  zonefile: 6,
  cli: 7,
  "main.ts": 8,
};

/** The layer of a file, by its path from the repository root; undefined outside the layers (tests, tools). */
export function layerOf(file: string): string | undefined {
  const top = file.split(/[\\/]/)[0]!;
  return top in LAYERS ? top : undefined;
}

/** What the file's import and export-from statements, requires and dynamic imports name, as written. */
export function importsOf(source: string): string[] {
  const out: string[] = [];
  const pattern = joinRegExp(
    /(?:^|[^\w.$])(?:import|export)\s[^;]*?\sfrom\s*["']([^"']+)["']|(?:^|[^\w.$])import\s*/gm,
    /["']([^"']+)["']|(?:require|import)\s*\(\s*["']([^"']+)["']\s*\)/gm,
  );
  for (const m of source.matchAll(pattern)) out.push((m[1] ?? m[2] ?? m[3])!);
  return out;
}

export interface LayerViolation {
  readonly file: string;
  readonly imports: string;
  readonly message: string;
}

/** The imports of `file` (from the root) that reach a layer above its own. */
export function violations(file: string, source: string): LayerViolation[] {
  const own = layerOf(file);
  if (own === undefined) return [];
  const out: LayerViolation[] = [];
  for (const spec of importsOf(source)) {
    if (!spec.startsWith(".")) continue; // node: and npm packages
    const target = path.posix.normalize(path.posix.join(path.posix.dirname(file.split(path.sep).join("/")), spec));
    const layer = layerOf(target) ?? (target.startsWith("package.json") ? undefined : target.split("/")[0]);
    if (layer === undefined || layer === own) continue;
    const rank = LAYERS[layer];
    if (rank === undefined) {
      out.push({
        file,
        imports: spec,
        message:
          `${file} (${own}) imports ${target}, which is in no layer (tests ` +
          `and tools may not be imported by the layers)`,
      });
    } else if (rank >= LAYERS[own]!) {
      out.push({
        file,
        imports: spec,
        message:
          `${file} (${own}) imports ${target} (${layer}), a ` + `layer ${rank === LAYERS[own] ? "beside" : "above"} it`,
      });
    }
  }
  return out;
}

/** Every .ts file of the layers under `root`, relative to it. */
export function layerFiles(root: string): string[] {
  const files: string[] = [];
  const walk = (rel: string): void => {
    for (const entry of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const p = rel === "" ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) {
        if (entry.name !== "node_modules") walk(p);
      } else if (p.endsWith(".ts") && !p.endsWith(".d.ts")) files.push(p);
    }
  };
  for (const top of Object.keys(LAYERS)) {
    if (top === ".gen") continue; // generated bindings
    const abs = path.join(root, top);
    if (!fs.existsSync(abs)) continue;
    if (fs.statSync(abs).isDirectory()) walk(top);
    else files.push(top);
  }
  return files.sort();
}
