// The unit project starts no process (testing/no-processes.js): a test that needs one is a *.process.test.ts.
import * as childProcess from "node:child_process";

test.each(["spawn", "spawnSync", "execFile", "execFileSync", "exec", "execSync", "fork"] as const)(
  "child_process.%s is refused, naming this suite and what to rename it",
  (name) => {
    const starters: Readonly<Record<string, unknown>> = childProcess;
    const start = starters[name] as (command: string, ...rest: unknown[]) => unknown;
    expect(() => start("true")).toThrow(
      `a unit test starts no process: ${__filename} called child_process.${name}("true"); name it *.process.test.ts`,
    );
  },
);
