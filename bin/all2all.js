#!/usr/bin/env node
// The `all2all` command. Runs the compiled CLI in dist/ (built by `npm run build`).
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const v8 = require("node:v8");

// A large synth makes millions of short-lived objects. V8 doubles its young
// generation step by step; growing it four times at each step spares many
// collections: on 1,000 servers, a median of 4.5 s instead of 4.9 s, and no
// more slow runs at 310 MB (docs/performance.md). It changes how memory is
// collected, never what is computed. A semi-space flag given to node (on the
// command line or in NODE_OPTIONS) is left alone.
if (![...process.execArgv, process.env.NODE_OPTIONS ?? ""].some((arg) => arg.includes("semi-space"))) {
  v8.setFlagsFromString("--semi-space-growth-factor=4");
}

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
