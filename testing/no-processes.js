// @ts-check
/**
 * Set up before each file of the unit project (jest.config.js): a unit test
 * starts no process. Each child_process function that would start one throws
 * instead, naming the file to rename: a test that needs git, tsc, the fake
 * tofu, bin/all2all.js or a DNS tool is a `*.process.test.ts`, in the
 * processes project.
 */

const childProcess = require("node:child_process");

const STARTERS = /** @type {const} */ (["spawn", "spawnSync", "exec", "execSync", "execFile", "execFileSync", "fork"]);
const GUARD = Symbol.for("all2all.noProcesses");

// The module is shared by every test file a worker runs, of either project:
// it is wrapped once, and each file's set-up says whether it may start
// processes (testing/processes-allowed.js sets the mark back for the
// processes project). The mark holds the file's global, to name the file.
/** @type {any} */ (childProcess)[GUARD] = globalThis;
for (const name of STARTERS) {
  const original = /** @type {any} */ (childProcess)[name];
  if (original[GUARD]) continue;
  const refuse = function (/** @type {unknown} */ command, /** @type {unknown[]} */ ...rest) {
    // @ts-expect-error: `this` is whatever child_process was called on
    if (!(/** @type {any} */ (childProcess)[GUARD])) return original.call(this, command, ...rest);
    let file = "this test file";
    try {
      file = /** @type {any} */ (childProcess)[GUARD].expect.getState().testPath ?? file;
    } catch {
      // outside a test: keep the generic name
    }
    // A folder's unit.test.ts runs its *.unit.ts suites (testing/suites.ts): name the suite that called.
    const suite = /[^\s()]+\.unit\.ts(?=:\d)/.exec(new Error().stack ?? "");
    if (suite) file = suite[0];
    throw new Error(
      `a unit test starts no process: ${file} called child_process.${name}(${JSON.stringify(String(command))}); ` +
        "name it *.process.test.ts to run it in the processes project (jest.config.js)",
    );
  };
  refuse[GUARD] = true;
  /** @type {any} */ (childProcess)[name] = refuse;
}
