/**
 * Writes the JSON Schemas into the config directory (config/schema.json and
 * config/overlay.schema.json), atomically: a temporary file, then a rename.
 *
 *   npm run config:schema            (node dist/spec/write-schema.js [CONFIG_DIR])
 *
 * The config directory is the first argument, else ALL2ALL_CONFIG, else
 * ./config. A test fails when the committed files are stale.
 */
import { renameSync, unlinkSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { jsonSchemaText, overlaySchemaText } from "./jsonschema";
import { OVERLAY_SCHEMA_FILE, SCHEMA_FILE } from "./load";

/** Writes a file atomically (same directory, so the rename is atomic). */
export function writeFileAtomic(file: string, text: string): void {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    writeFileSync(temp, text, "utf8");
    renameSync(temp, file);
  } catch (error) {
    try {
      unlinkSync(temp);
    } catch {
      // nothing to clean up
    }
    throw error;
  }
}

/** Writes both schemas into `configDir`; returns the files written. */
export function writeSchemas(configDir: string): string[] {
  const written: [string, string][] = [
    [path.join(configDir, SCHEMA_FILE), jsonSchemaText()],
    [path.join(configDir, OVERLAY_SCHEMA_FILE), overlaySchemaText()],
  ];
  for (const [file, text] of written) writeFileAtomic(file, text);
  return written.map(([file]) => file);
}

if (require.main === module) {
  const dir = process.argv[2] ?? process.env.ALL2ALL_CONFIG ?? "config";
  try {
    for (const file of writeSchemas(dir)) process.stdout.write(`wrote ${file}\n`);
  } catch (error) {
    process.stderr.write(`cannot write the schemas into ${dir}: ${(error as Error).message}\n`);
    process.exitCode = 1;
  }
}
