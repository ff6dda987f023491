#!/usr/bin/env node
// The `all2all` command. Runs the compiled CLI in dist/ (built by `npm run build`).
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const compiled = path.join(__dirname, "..", "dist", "cli", "main.js");
if (!fs.existsSync(compiled)) {
  console.error("all2all: the project is not built yet; run `npm run build` first (after `npm ci`)");
  process.exit(1);
}
// cdktn records a stack trace for every token it creates, to point at the
// line that made a bad one; that costs more than half of a large synth. Off
// by default here; set CDKTN_DISABLE_CREATION_STACK=0 to get them back.
if (process.env.CDKTN_DISABLE_CREATION_STACK === undefined) process.env.CDKTN_DISABLE_CREATION_STACK = "1";
const { main } = require(compiled);
// Output piped into `head` and closed early is not an error of ours.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (err) => {
    if (err && err.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw err;
  });
}
const io = {
  out: (line) => process.stdout.write(line + "\n"),
  err: (line) => process.stderr.write(line + "\n"),
  env: process.env,
  cwd: process.cwd(),
};
main(process.argv.slice(2), io).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    console.error(`all2all: ${err && err.stack ? err.stack : err}`);
    process.exitCode = 1;
  },
);
