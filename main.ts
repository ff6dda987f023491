/**
 * The entry point that cdktf.json's `app` runs (`node dist/main.js`), for the
 * optional cdktn CLI. The project's own `all2all synth` builds the same App
 * (and validates, and writes atomically); prefer it.
 *
 * Reads the description from $ALL2ALL_CONFIG or config/; exits 2 with every
 * problem printed when it is invalid.
 */
import * as path from "node:path";
import { readProjectConfig } from "./cli/project";
import { applyPolicies, blockingFindings, formatFindingsTable } from "./policies";
import { formatConfigProblems, loadNetwork } from "./spec";
import { buildApp } from "./stacks/app";

const root = path.resolve(__dirname, "..");
const project = readProjectConfig(root);
const configDir = process.env.ALL2ALL_CONFIG ?? (path.relative(process.cwd(), path.join(root, "config")) || "config");
const loaded = loadNetwork(configDir, { cwd: process.cwd() });
if (!loaded.ok) {
  for (const line of formatConfigProblems(loaded.problems)) console.error(line);
  process.exit(2);
}
const built = buildApp(loaded.specs, { context: project.context });
const policies = applyPolicies(built.app, built.environments);
built.app.synth();
const findings = policies.finish(built.app.outdir);
for (const line of formatFindingsTable(findings)) console.log(line);
if (blockingFindings(findings).length > 0) process.exit(1);
