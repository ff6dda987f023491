/**
 * Writes the JSON Schemas into the config directory (config/schema.json and
 * config/overlay.schema.json), atomically: a temporary file, then a rename.
 *
 *   npm run config:schema            (node dist/description/write-schema.js [CONFIG_DIR])
 *
 * The config directory is the first argument, else ALL2ALL_CONFIG, else
 * ./config. A test fails when the committed files are stale.
 */
import * as path from "node:path";
import { writeFileAtomic } from "../primitives/atomic";
import { jsonSchemaText, overlaySchemaText } from "./jsonschema";
import { OVERLAY_SCHEMA_FILE, SCHEMA_FILE } from "./load";

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
