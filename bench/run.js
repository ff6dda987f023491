#!/usr/bin/env node
// @ts-check
/**
 * Benchmarks of the command line, printed as a table: wall time and peak
 * memory (median of N runs) for
 *   - `all2all synth` of the default config (all environments, validate included);
 *   - the same for generated networks of 100, 1,000 and 5,000 servers
 *     (bench/generate-network.js: DNS records, rDNS, firewall membership and
 *     a storage subaccount per server);
 *   - `all2all validate` alone, on the default config's output;
 *   - the floor: node writing the same JSON files with no framework;
 *   - `all2all diff --base HEAD` (the working tree against its own commit);
 *   - with --tests, the whole test command (`npm test`), once;
 *   - with --engine, the engine (docs/rehearsal.md): `npm run engine` with
 *     the cache present, each environment's `all2all rehearse` (four stacks
 *     applied and planned again on the simulated cloud), and the end-to-end
 *     suite (`jest --selectProjects e2e`); with --engine-cold also the first
 *     build (an empty engine cache and Go build cache: several minutes).
 * Not a test: it asserts nothing. Run from a built tree (`npm run build`).
 *
 *   node bench/run.js [--runs N] [--sizes 100,1000,5000] [--tests] [--engine] [--engine-cold]
 * Prints the median of the runs with the fastest and the slowest.
 */

const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { generate } = require("./generate-network");

const root = path.resolve(__dirname, "..");
const cli = path.join(root, "bin", "all2all.js");
/** The node options on the command's first line (`#!/usr/bin/env -S node …`), as an operator's shell passes them. */
const cliNodeFlags = (/^#!.*\bnode\b(.*)$/m.exec(fs.readFileSync(cli, "utf8").split("\n")[0]) ?? ["", ""])[1]
  .trim()
  .split(/\s+/)
  .filter(Boolean);

function parseArgs(argv) {
  const opts = { runs: 3, sizes: [100, 1000, 5000], tests: false, engine: false, engineCold: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--runs") opts.runs = Number(argv[++i]);
    else if (a === "--sizes") opts.sizes = String(argv[++i]).split(",").map(Number);
    else if (a === "--tests") opts.tests = true;
    else if (a === "--engine") opts.engine = true;
    else if (a === "--engine-cold") opts.engine = opts.engineCold = true;
    else {
      console.error(
        `bench/run.js: unknown argument ${a} (expected --runs N, --sizes 100,1000, --tests, --engine or --engine-cold)`,
      );
      process.exit(2);
    }
  }
  if (!(opts.runs >= 1) || opts.sizes.some((n) => !(n >= 1))) {
    console.error("bench/run.js: --runs and --sizes take positive numbers");
    process.exit(2);
  }
  return opts;
}

/** Runs `node <args>` once; returns seconds and peak KiB. */
function measure(args, cwd = root) {
  const rssFile = path.join(os.tmpdir(), `all2all-bench-rss-${process.pid}`);
  const started = process.hrtime.bigint();
  const r = spawnSync(
    process.execPath,
    [...(args[0] === cli ? cliNodeFlags : []), "--require", path.join(__dirname, "rss-report.js"), ...args],
    {
      cwd,
      encoding: "utf8",
      env: { ...process.env, ALL2ALL_BENCH_RSS_FILE: rssFile },
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (r.status !== 0) throw new Error(`node ${args.join(" ")} exited ${r.status}:\n${r.stderr}`);
  const kib = Number(fs.readFileSync(rssFile, "utf8"));
  fs.rmSync(rssFile, { force: true });
  return { seconds, kib, stdout: r.stdout };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function bench(label, runs, args, resources) {
  const results = [];
  for (let i = 0; i < runs; i++) results.push(measure(args));
  const times = results.map((r) => r.seconds);
  const seconds = median(times);
  const mib = median(results.map((r) => r.kib)) / 1024;
  return { label, seconds, min: Math.min(...times), max: Math.max(...times), mib, resources, runs };
}

function resourcesIn(stdout) {
  const m = /(\d+) resources in all/.exec(stdout);
  return m ? Number(m[1]) : undefined;
}

/** Wall time of one command (not node: a whole npm script or jest run). */
function timeCommand(label, cmd, args, env = process.env) {
  const started = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd: root, encoding: "utf8", env, maxBuffer: 256 * 1024 * 1024 });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return {
    label: `${label}${r.status === 0 ? "" : ` (exit ${r.status})`}`,
    seconds,
    min: seconds,
    max: seconds,
    mib: NaN,
    resources: undefined,
    runs: 1,
  };
}

function engineRows(opts, work) {
  const rows = [];
  if (opts.engineCold) {
    const env = {
      ...process.env,
      ALL2ALL_ENGINE_CACHE: path.join(work, "engine-cache"),
      GOCACHE: path.join(work, "go-build"),
    };
    rows.push(
      timeCommand(
        "engine build, cold (empty caches)",
        process.execPath,
        [path.join(root, "dist", "engine", "build.js")],
        env,
      ),
    );
  }
  rows.push(timeCommand("engine build, cached", process.execPath, [path.join(root, "dist", "engine", "build.js")]));
  for (const env of ["production", "staging", "dr"]) {
    const r = bench(`rehearse --env ${env}`, Math.min(opts.runs, 3), [cli, "rehearse", "--env", env]);
    rows.push(r);
  }
  rows.push(
    timeCommand("end-to-end suite (jest e2e)", process.execPath, [
      path.join(root, "node_modules", "jest", "bin", "jest.js"),
      "--ci",
      "--selectProjects",
      "e2e",
      "--runInBand",
    ]),
  );
  return rows;
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "all2all-bench-"));
  const rows = [];
  try {
    const out = path.join(work, "default.out");
    const first = measure([cli, "synth", "--config", path.join(root, "config"), "--out", out]);
    rows.push(
      bench(
        "synth, default config (3 environments)",
        opts.runs,
        [cli, "synth", "--config", path.join(root, "config"), "--out", out],
        resourcesIn(first.stdout),
      ),
    );
    rows.push(bench("validate alone, default config", opts.runs, [cli, "validate", "--out", out]));
    rows.push(bench("floor: node writing the same JSON", opts.runs, [path.join(__dirname, "floor.js"), out]));
    rows.push(
      bench("diff --base HEAD, default config", opts.runs, [
        cli,
        "diff",
        "--base",
        "HEAD",
        "--out",
        path.join(work, "diff.md"),
      ]),
    );
    for (const n of opts.sizes) {
      const dir = path.join(work, `net-${n}`);
      generate(n, dir);
      const nOut = path.join(work, `out-${n}`);
      const runs = n >= 5000 ? Math.min(opts.runs, 3) : opts.runs;
      const once = measure([cli, "synth", "--config", dir, "--out", nOut]);
      rows.push(
        bench(`synth, ${n} servers`, runs, [cli, "synth", "--config", dir, "--out", nOut], resourcesIn(once.stdout)),
      );
    }
    if (opts.engine) rows.push(...engineRows(opts, work));
    if (opts.tests) rows.push(timeCommand("npm test", "npm", ["test", "--silent"]));
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  console.log(
    `${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}; median of the runs shown, with the fastest and slowest run`,
  );
  const columns = [
    ["case", 42, (r) => r.label],
    ["runs", 4, (r) => String(r.runs)],
    ["wall s", 8, (r) => r.seconds.toFixed(2)],
    ["min-max s", 11, (r) => `${r.min.toFixed(2)}-${r.max.toFixed(2)}`],
    ["peak MiB", 9, (r) => (Number.isNaN(r.mib) ? "" : r.mib.toFixed(0))],
    ["resources", 9, (r) => String(r.resources ?? "")],
    ["ms/resource", 11, (r) => (r.resources ? ((r.seconds * 1000) / r.resources).toFixed(3) : "")],
  ];
  const line = (cells) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(columns[0][1]) : c.padStart(columns[i][1]))).join(" ");
  console.log(line(columns.map(([title]) => title)));
  for (const r of rows) console.log(line(columns.map(([, , cell]) => cell(r))));
}

main();
