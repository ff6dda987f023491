/**
 * The unit project's test files (jest.config.js): one `unit.test.ts` per
 * folder of `__tests__/`, which runs every `*.unit.ts` suite of its folder,
 * each in a describe block named for the suite.
 *
 * Why not one jest file per suite: jest gives each file its own module
 * registry, so each file loads cdktn, zod and the project again and runs them
 * cold, before the JIT has warmed up. That cost was about half of the unit
 * project's time; one file per folder pays it once per folder. Suites still
 * share nothing but loaded modules: each keeps its own state in its own
 * module scope and describe block.
 *
 * One suite alone: `npx jest __tests__/policies --selectProjects unit -t '^firewalls '`
 * (the describe block's name is the suite's file name without `.unit.ts`).
 */
import { readFileSync, readdirSync } from "node:fs";
import * as path from "node:path";
import { plural } from "../primitives/plural";

/** What ends the file name of a unit suite. */
export const SUITE_SUFFIX = ".unit.ts";

/** The unit suites of a folder, by file name, sorted. */
export function suitesIn(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith(SUITE_SUFFIX))
    .sort();
}

/** Registers every unit suite of `dir` (the calling `unit.test.ts`'s folder), each in its own describe block. */
export function runSuites(dir: string): void {
  const suites = suitesIn(dir);
  if (suites.length === 0) throw new Error(`${dir} holds no *${SUITE_SUFFIX} suite for its unit.test.ts to run`);
  for (const name of suites) {
    describe(name.slice(0, -SUITE_SUFFIX.length), () => {
      require(path.join(dir, name));
    });
  }
}

/**
 * What breaks the layout under `testsRoot` (`__tests__/`): a folder with
 * suites and no `unit.test.ts` to run them (they would never run), a
 * `unit.test.ts` that is not the runner, or another jest file that is
 * neither a folder's `unit.test.ts` nor a `*.process.test.ts` (outside
 * `e2e/`, where each file is an end-to-end test).
 */
export function layoutProblems(testsRoot: string): string[] {
  const problems: string[] = [];
  const walk = (rel: string): void => {
    const dir = path.join(testsRoot, rel);
    const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
    const names = entries.filter((e) => e.isFile()).map((e) => e.name);
    const shown = (name: string) => path.posix.join("__tests__", rel.split(path.sep).join("/"), name);
    const suites = names.filter((n) => n.endsWith(SUITE_SUFFIX));
    if (rel.split(path.sep)[0] === "e2e") {
      for (const n of suites) problems.push(`${shown(n)}: end-to-end tests are *.test.ts files of their own`);
    } else {
      if (suites.length > 0 && !names.includes("unit.test.ts")) {
        problems.push(`${shown("")}/: has ${plural(suites.length, "suite")} and no unit.test.ts to run them`);
      }
      if (names.includes("unit.test.ts") && !RUNNER.test(readFileSync(path.join(dir, "unit.test.ts"), "utf8"))) {
        problems.push(`${shown("unit.test.ts")}: expected it to call runSuites(__dirname) (testing/suites.ts)`);
      }
      for (const n of names) {
        if (n.endsWith(".test.ts") && n !== "unit.test.ts" && !n.endsWith(".process.test.ts")) {
          problems.push(
            `${shown(n)}: a unit suite is named *${SUITE_SUFFIX} (or *.process.test.ts if it starts processes)`,
          );
        }
      }
    }
    for (const e of entries) if (e.isDirectory() && e.name !== "__snapshots__") walk(path.join(rel, e.name));
  };
  walk("");
  return problems;
}

const RUNNER = /^\s*runSuites\(__dirname\);\s*$/m;
