// The confirmation `all2all deploy` reads from a real terminal: the code of
// cli/deploy/confirm.ts runs in a child process on a pseudo-terminal made by
// util-linux's `script` (Debian's bsdutils, always installed), answered
// through it. Other tests replace this module by a mock.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { transformSync } from "@swc/core";
import { makeTempDir, repoRoot } from "../../testing/tmp";

const SCRIPT = "/usr/bin/script";
const t = makeTempDir("all2all-terminal-");
afterAll(() => t.cleanup());

/** cli/deploy/confirm.ts as CommonJS, with a driver printing what it saw. */
function driver(): string {
  const source = fs.readFileSync(path.join(repoRoot, "cli", "deploy", "confirm.ts"), "utf8");
  const { code } = transformSync(source, {
    jsc: { parser: { syntax: "typescript" }, target: "es2022" },
    module: { type: "commonjs" },
  });
  const file = path.join(t.dir, "driver.js");
  fs.writeFileSync(
    file,
    `${code}\n;(async () => {\n  process.stdout.write("TERMINAL=" + exports.stdinIsTerminal() + "\\n");\n  const ` +
      `answer = await exports.stdinConfirm()("Apply? Type production:");\n  process.stdout.write("\\nANSWER=" + ` +
      `JSON.stringify(answer ?? null) + "\\n");\n})();\n`,
  );
  return file;
}

/** Runs the driver on a pseudo-terminal whose keyboard types `input`. */
function onTerminal(input: string): string {
  const r = spawnSync(SCRIPT, ["-qec", `'${process.execPath}' '${driver()}'`, "/dev/null"], {
    input,
    encoding: "utf8",
    env: { PATH: "/usr/bin:/bin", TERM: "dumb" },
  });
  if (r.status !== 0) throw new Error(`script failed (${r.status}): ${r.stderr}`);
  return r.stdout.replace(/\r/g, "");
}

const available = fs.existsSync(SCRIPT);
if (!available) {
  // eslint-disable-next-line no-console
  console.warn(`${SCRIPT} is missing (Debian package bsdutils): the terminal confirmation test is skipped`);
}
const maybe = available ? test : test.skip;

maybe("on a terminal: the question is asked, the typed line is the answer, and the process ends", () => {
  const out = onTerminal("production\n");
  expect(out).toContain("TERMINAL=true");
  expect(out).toContain("Apply? Type production: ");
  expect(out).toContain('ANSWER="production"');
});

maybe("end of input (Ctrl-D) is no answer", () => {
  expect(onTerminal("\u0004")).toContain("ANSWER=null");
});

test("a pipe is not a terminal", () => {
  const r = spawnSync(process.execPath, [driver()], { input: "production\n", encoding: "utf8" });
  expect(r.stdout).toContain("TERMINAL=false");
});
