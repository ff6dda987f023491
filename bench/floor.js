// The floor for synth: node writing the same JSON files with no framework.
// Reads every cdk.tf.json of a synthesised output and writes them again,
// serialised like cdktn does (2-space JSON), into a temporary folder; the
// read is part of the measured process.
//   node bench/floor.js <synthesised output dir>

const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const src = process.argv[2];
const docs = fs
  .readdirSync(path.join(src, "stacks"))
  .map((name) => [name, JSON.parse(fs.readFileSync(path.join(src, "stacks", name, "cdk.tf.json"), "utf8"))]);
const out = fs.mkdtempSync(path.join(os.tmpdir(), "all2all-floor-"));
for (const [name, doc] of docs) {
  fs.mkdirSync(path.join(out, "stacks", name), { recursive: true });
  fs.writeFileSync(path.join(out, "stacks", name, "cdk.tf.json"), JSON.stringify(doc, null, 2));
}
fs.rmSync(out, { recursive: true, force: true });
