#!/usr/bin/env node
// @ts-check
/**
 * Prints what the generated provider bindings cost: cold generation, a cold
 * build (dist/ removed), an incremental build with nothing changed, and the
 * test command's jest run with a cold and a warm transform cache. Median of
 * N runs (default 3; `node bench/foundation.js 5`). Not a test: it prints
 * figures and asserts nothing.
 *
 * Run from an installed tree (`npm ci`). It regenerates .gen/ and rebuilds
 * dist/, so run it on a quiet tree.
 */

const { execFileSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const root = path.resolve(__dirname, "..");
const runs = Number(process.argv[2] || 3);
const tsc = path.join(root, "node_modules", "typescript", "bin", "tsc");
const jest = path.join(root, "node_modules", "jest", "bin", "jest.js");

/** @param {string[]} args @param {Record<string,string>} [env] */
function timeNode(args, env = {}) {
  const started = process.hrtime.bigint();
  execFileSync(process.execPath, args, { cwd: root, stdio: "ignore", env: { ...process.env, ...env } });
  return Number(process.hrtime.bigint() - started) / 1e9;
}

/** @param {() => void} before @param {() => number} measure */
function median(before, measure) {
  const values = [];
  for (let i = 0; i < runs; i++) {
    before();
    values.push(measure());
  }
  values.sort((a, b) => a - b);
  return values[Math.floor(values.length / 2)];
}

const noop = () => {};
const rows = [];
rows.push([
  "generation, cold (get.js --force)",
  median(noop, () => timeNode(["providers/get.js", "--force", "--quiet"])),
]);
rows.push(["generation, up to date (get.js)", median(noop, () => timeNode(["providers/get.js", "--quiet"]))]);
rows.push([
  "build, cold (tsc, dist/ removed)",
  median(
    () => fs.rmSync(path.join(root, "dist"), { recursive: true, force: true }),
    () => timeNode([tsc, "-p", "tsconfig.json"]),
  ),
]);
rows.push(["build, incremental, nothing changed", median(noop, () => timeNode([tsc, "-p", "tsconfig.json"]))]);
const cache = fs.mkdtempSync(path.join(os.tmpdir(), "all2all-bench-jest-"));
rows.push([
  "jest, cold transform cache",
  median(
    () => fs.rmSync(cache, { recursive: true, force: true }),
    () => timeNode([jest, "--silent", `--cacheDirectory=${cache}`]),
  ),
]);
rows.push([
  "jest, warm transform cache",
  median(noop, () => timeNode([jest, "--silent", `--cacheDirectory=${cache}`])),
]);
fs.rmSync(cache, { recursive: true, force: true });

console.log(`median of ${runs} runs, ${os.cpus().length} cores, node ${process.version}`);
for (const [label, seconds] of rows) console.log(`${String(label).padEnd(40)} ${Number(seconds).toFixed(2)} s`);
