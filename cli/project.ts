/**
 * Facts about the project read from its files: cdktf.json and the committed
 * provider schemas. Read once, at the command line's edge.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { InputError } from "./errors";

export interface ProjectConfig {
  /** The repository root (where cdktf.json is). */
  readonly root: string;
  /** Where synth writes, relative to the root (cdktf.json `output`). */
  readonly output: string;
  /** The context passed to the App, with `targetVersions` from cdktf.json. */
  readonly context: Record<string, unknown>;
  /** Every committed provider schema, `providers/<name>/schema.json`. */
  readonly schemaFiles: string[];
}

/** Reads cdktf.json; a missing or malformed file is an error naming it. */
export function readProjectConfig(root: string): ProjectConfig {
  const file = path.join(root, "cdktf.json");
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    throw new InputError(`${file}: cannot read the project file (${(err as Error).message})`);
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new InputError(`${file}: expected a JSON object`);
  }
  const cfg = raw as Record<string, unknown>;
  const context = { ...((cfg.context as Record<string, unknown> | undefined) ?? {}) };
  if (cfg.targetVersions !== undefined) context.targetVersions = cfg.targetVersions;
  return {
    root,
    output: typeof cfg.output === "string" ? cfg.output : "cdktf.out",
    context,
    schemaFiles: providerSchemaFiles(root),
  };
}

export function providerSchemaFiles(root: string): string[] {
  const dir = path.join(root, "providers");
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => path.join(dir, e.name, "schema.json"))
    .filter((f) => fs.existsSync(f))
    .sort();
}
