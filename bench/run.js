#!/usr/bin/env node
// @ts-check
/**
 * Benchmarks of the command line, printed as a table: wall time and peak
 * memory (median of N runs), each with its ratio to the floor it is judged
 * against, and the targets of docs/performance.md, met or not:
 *   - node's own start (`node -e 0`): the floor of the default config;
 *   - `all2all synth` of the default config (all environments, validate and
 *     policies included);
 *   - `all2all validate` alone, on the default config's output;
 *   - the same synth for generated networks of 100, 1,000 and 5,000 servers
 *     (bench/generate-network.js: DNS records, rDNS, firewall membership and
 *     a storage subaccount per server), each against its own floor: node
 *     reading and writing the same JSON files with no framework (floor.js);
 *   - `all2all diff --base HEAD` (the working tree against its own commit),
 *     and `diff --base` a commit whose code differs (the last commit before
 *     the newest change of a .ts file), timed after a first, untimed run
 *     that builds the base's worktree;
 *   - with --tests, the whole test command (`npm test`), once;
 *   - with --engine, the engine (docs/rehearsal.md): `npm run engine` with
 *     the cache present, each environment's `all2all rehearse` (four stacks
 *     applied and planned again on the simulated cloud), and the end-to-end
 *     suite (`jest --selectProjects e2e`); with --engine-cold also the first
 *     build (an empty engine cache and Go build cache: several minutes).
 * Not a test: it asserts nothing. Run from a built tree (`npm run build`).
 *
 *   node bench/run.js [--runs N] [--sizes 100,1000,5000] [--tests] [--engine] [--engine-cold]
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
function measure(args, cwd = root, okCodes = [0]) {
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
  if (!okCodes.includes(r.status ?? -1)) throw new Error(`node ${args.join(" ")} exited ${r.status}:\n${r.stderr}`);
  const kib = Number(fs.readFileSync(rssFile, "utf8"));
  fs.rmSync(rssFile, { force: true });
  return { seconds, kib, stdout: r.stdout };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function bench(label, runs, args, resources, okCodes = [0]) {
  const results = [];
  for (let i = 0; i < runs; i++) results.push(measure(args, root, okCodes));
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

/**
 * The ref `diff --base` is benchmarked against: the commit before the newest
 * one that changed a .ts file of the code (tests, their helpers and the bench
 * are not code to diff, which synthesises a ref that differs only there with
 * the working tree's build).
 */
function otherCodeRef() {
  const git = (args) => spawnSync("git", args, { cwd: root, encoding: "utf8" }).stdout.trim();
  const notCode = [":(exclude)__tests__", ":(exclude)testing", ":(exclude)bench"];
  const newest = git(["log", "-1", "--format=%H", "--", "*.ts", ...notCode]);
  return newest ? git(["rev-parse", "--verify", "--quiet", `${newest}^`]) : "";
}

/**
 * The targets (issue 18): each names the row it judges, and returns its
 * verdict from the rows measured, or undefined when they were not.
 */
const TARGETS = [
  ["default config ≤ 5 × node's start", (r) => ratio(r, "synth, default config", "node start", 5)],
  ["1,000 servers ≤ 6 × their JSON floor", (r) => ratio(r, "synth, 1000 servers", "floor, 1000 servers", 6)],
  ["1,000 servers ≤ 200 MiB", (r) => atMost(r, "synth, 1000 servers", "mib", 200, "MiB")],
  ["5,000 servers linear within 10 % of 1,000", (r) => linear(r, "synth, 5000 servers", "synth, 1000 servers", 1.1)],
  [
    "diff --base with other code ≤ 5 s (after its first run)",
    (r) => atMost(r, "diff --base other code", "seconds", 5, "s"),
  ],
  ["production's rehearsal ≤ 30 s (engine cached)", (r) => atMost(r, "rehearse --env production", "seconds", 30, "s")],
];

const find = (rows, prefix) => rows.find((r) => r.label.startsWith(prefix) && r.runs > 0);
function ratio(rows, label, floorLabel, most) {
  const row = find(rows, label);
  const floor = find(rows, floorLabel);
  if (!row || !floor) return undefined;
  const x = row.seconds / floor.seconds;
  return [x <= most, `${row.seconds.toFixed(2)} s = ${x.toFixed(1)} × ${floor.seconds.toFixed(2)} s`];
}
function atMost(rows, label, field, most, unit) {
  const row = find(rows, label);
  if (!row) return undefined;
  return [row[field] <= most, `${row[field].toFixed(unit === "s" ? 2 : 0)} ${unit}`];
}
function linear(rows, label, baseLabel, most) {
  const row = find(rows, label);
  const base = find(rows, baseLabel);
  if (!row?.resources || !base?.resources) return undefined;
  const x = row.seconds / row.resources / (base.seconds / base.resources);
  return [x <= most, `${x.toFixed(2)} × the time per resource of ${base.resources} resources`];
}

/** `ratio` column: each row against the floor it is judged by. */
function withFloor(row, floor) {
  return { ...row, floor: floor ? row.seconds / floor.seconds : undefined, floorLabel: floor?.label };
}

function synthRows(opts, work) {
  const rows = [];
  const start = bench("node start (node -e 0)", opts.runs, ["-e", "0"]);
  rows.push(start);
  const out = path.join(work, "default.out");
  const args = [cli, "synth", "--config", path.join(root, "config"), "--out", out];
  const first = measure(args);
  rows.push(
    withFloor(bench("synth, default config (3 environments)", opts.runs, args, resourcesIn(first.stdout)), start),
  );
  rows.push(bench("validate alone, default config", opts.runs, [cli, "validate", "--out", out]));
  const floor = bench("floor, default config: the same JSON", opts.runs, [path.join(__dirname, "floor.js"), out]);
  rows.push(floor);
  for (const n of opts.sizes) {
    const dir = path.join(work, `net-${n}`);
    generate(n, dir);
    const nOut = path.join(work, `out-${n}`);
    const runs = n >= 5000 ? Math.min(opts.runs, 3) : opts.runs;
    const nArgs = [cli, "synth", "--config", dir, "--out", nOut];
    const once = measure(nArgs);
    const synth = bench(`synth, ${n} servers`, runs, nArgs, resourcesIn(once.stdout));
    const nFloor = bench(`floor, ${n} servers`, runs, [path.join(__dirname, "floor.js"), nOut]);
    rows.push(withFloor(synth, nFloor), nFloor);
  }
  return rows;
}

function diffRows(opts, work) {
  const rows = [bench("diff --base HEAD (same code)", opts.runs, diffArgs("HEAD", work))];
  const ref = otherCodeRef();
  if (!ref) return rows;
  const first = measure(diffArgs(ref, work), root, [0, 3]);
  const label = `diff --base other code (${ref.slice(0, 10)})`;
  rows.push({ ...bench(label, opts.runs, diffArgs(ref, work), undefined, [0, 3]), note: first.seconds });
  return rows;
}

function diffArgs(ref, work) {
  return [cli, "diff", "--base", ref, "--out", path.join(work, "diff.md")];
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "all2all-bench-"));
  const rows = [];
  try {
    rows.push(...synthRows(opts, work), ...diffRows(opts, work));
    if (opts.engine) rows.push(...engineRows(opts, work));
    if (opts.tests) rows.push(timeCommand("npm test", "npm", ["test", "--silent"]));
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  print(rows);
}

function print(rows) {
  const commit = spawnSync("git", ["rev-parse", "--short=12", "HEAD"], { cwd: root, encoding: "utf8" }).stdout.trim();
  console.log(
    `${new Date().toISOString().slice(0, 10)}, commit ${commit}: ${os.cpus().length} cores, ` +
      `${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}; median of the runs, fastest and slowest`,
  );
  const columns = [
    ["case", 44, (r) => r.label],
    ["runs", 4, (r) => String(r.runs)],
    ["wall s", 8, (r) => r.seconds.toFixed(2)],
    ["min-max s", 11, (r) => `${r.min.toFixed(2)}-${r.max.toFixed(2)}`],
    ["peak MiB", 9, (r) => (Number.isNaN(r.mib) ? "" : r.mib.toFixed(0))],
    ["resources", 9, (r) => String(r.resources ?? "")],
    ["ms/resource", 11, (r) => (r.resources ? ((r.seconds * 1000) / r.resources).toFixed(3) : "")],
    ["× floor", 8, (r) => (r.floor === undefined ? "" : r.floor.toFixed(1))],
  ];
  const line = (cells) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(columns[0][1]) : c.padStart(columns[i][1]))).join(" ");
  console.log(line(columns.map(([title]) => title)));
  for (const r of rows) console.log(line(columns.map(([, , cell]) => cell(r))));
  for (const r of rows)
    if (r.note !== undefined) console.log(`(${r.label}: its first run, untimed above, ${r.note.toFixed(2)} s)`);
  console.log("targets:");
  for (const [what, judge] of TARGETS) {
    const verdict = judge(rows);
    console.log(
      `  ${what}: ${verdict === undefined ? "not measured" : `${verdict[1]}, ${verdict[0] ? "met" : "NOT met"}`}`,
    );
  }
}

main();
