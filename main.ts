/**
 * The entry point that cdktf.json's `app` runs (`node dist/main.js`), for the
 * optional cdktn CLI: the same synthesis as `all2all synth` (cli/synthesise.ts),
 * into cdktn's output folder; `all2all synth` also validates and writes
 * atomically; prefer it.
 *
 * Reads the description from $ALL2ALL_CONFIG or config/; exits 2 with every
 * problem printed when it is invalid.
 */
import * as path from "node:path";
import { readProjectConfig } from "./cli/project";
import { synthesise } from "./cli/synthesise";
import { blockingFindings, formatFindingsTable } from "./policies";
import { formatConfigProblems, loadNetwork } from "./description";

const root = path.resolve(__dirname, "..");
const project = readProjectConfig(root);
const configDir = process.env.ALL2ALL_CONFIG ?? (path.relative(process.cwd(), path.join(root, "config")) || "config");
const loaded = loadNetwork(configDir, { cwd: process.cwd() });
if (!loaded.ok) {
  for (const line of formatConfigProblems(loaded.problems)) console.error(line);
  process.exit(2);
}
const { findings } = synthesise(loaded.specs, { context: project.context });
for (const line of formatFindingsTable(findings)) console.log(line);
if (blockingFindings(findings).length > 0) process.exit(1);
