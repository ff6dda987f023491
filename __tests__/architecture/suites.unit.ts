// The unit project's layout (testing/suites.ts): suites are *.unit.ts, run by their folder's unit.test.ts.
import { mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { layoutProblems, runSuites, suitesIn } from "../../testing/suites";
import { makeTempDir, repoRoot } from "../../testing/tmp";

const RUNNER_TEXT = 'import { runSuites } from "../../testing/suites";\n\nrunSuites(__dirname);\n';

/** A temporary __tests__ tree with these files (paths under it, contents). */
function tree(files: Record<string, string>): { root: string; cleanup: () => void } {
  const t = makeTempDir("all2all-suites-");
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(t.dir, file)), { recursive: true });
    writeFileSync(path.join(t.dir, file), text);
  }
  return { root: t.dir, cleanup: t.cleanup };
}

test("every suite of __tests__ is run by its folder's unit.test.ts, and no other unit file exists", () => {
  expect(layoutProblems(path.join(repoRoot, "__tests__"))).toEqual([]);
  expect(suitesIn(__dirname)).toContain("suites.unit.ts");
});

test("a folder of suites without its runner, a runner that runs nothing, a stray *.test.ts are reported", () => {
  const t = tree({
    "a/x.unit.ts": "",
    "b/unit.test.ts": "// nothing\n",
    "b/y.unit.ts": "",
    "c/unit.test.ts": RUNNER_TEXT,
    "c/z.unit.ts": "",
    "c/old.test.ts": "",
    "c/runs.process.test.ts": "",
    "e2e/engine.test.ts": "",
    "e2e/w.unit.ts": "",
  });
  try {
    expect(layoutProblems(t.root)).toEqual([
      "__tests__/a/: has 1 suite and no unit.test.ts to run them",
      "__tests__/b/unit.test.ts: expected it to call runSuites(__dirname) (testing/suites.ts)",
      "__tests__/c/old.test.ts: a unit suite is named *.unit.ts (or *.process.test.ts if it starts processes)",
      "__tests__/e2e/w.unit.ts: end-to-end tests are *.test.ts files of their own",
    ]);
  } finally {
    t.cleanup();
  }
});

test("a runner in a folder without suites refuses to run nothing", () => {
  const t = tree({ "a/unit.test.ts": RUNNER_TEXT });
  try {
    expect(() => runSuites(path.join(t.root, "a"))).toThrow(/holds no \*\.unit\.ts suite for its unit\.test\.ts/);
  } finally {
    t.cleanup();
  }
});
