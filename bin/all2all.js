#!/usr/bin/env -S node --semi-space-growth-factor=4
// The `all2all` command. Runs the compiled CLI in dist/ (built by `npm run build`).

const fs = require("node:fs");
const path = require("node:path");

// The V8 flag on the first line: a large synth makes millions of short-lived
// objects, and growing the young generation four times per step instead of two
// spares many collections (docs/performance.md). It changes how memory is
// collected, never what is computed. Run as `node bin/all2all.js`, node's own
// flags apply instead.
const compiled = path.join(__dirname, "..", "dist", "cli", "main.js");
if (!fs.existsSync(compiled)) {
  console.error("all2all: the project is not built yet; run `npm run build` first (after `npm ci`)");
  process.exit(1);
}
const { main } = require(compiled);
// Output piped into `head` and closed early is not an error of ours.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (err) => {
    if (err && err.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw err;
  });
}
const io = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  env: process.env,
  cwd: process.cwd(),
};
main(process.argv.slice(2), io).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    console.error(`all2all: ${err?.stack ? err.stack : err}`);
    process.exitCode = 1;
  },
);
