// A synth killed between its two renames leaves the previous output aside
// (`<out>.old-<pid>-<time>`) and no <out>: the next synth puts it back, and
// removes what interrupted runs left.
import * as fs from "node:fs";
import * as path from "node:path";
import { recoverLeftovers } from "../../primitives/atomic";
import { makeTempDir } from "../../testing/tmp";

const GONE_PID = 2 ** 22 + 12345; // above Linux's pid_max default: no such process

test(
  "the newest kept-aside output of a dead run is put back; older " +
    "leftovers and stale temporary folders are removed",
  () => {
    const t = makeTempDir("all2all-leftovers-");
    try {
      const dest = path.join(t.dir, "cdktf.out");
      for (const [name, file] of [
        [`cdktf.out.old-${GONE_PID}-1000`, "older"],
        [`cdktf.out.old-${GONE_PID}-2000`, "newer"],
        ["cdktf.out.tmp-abc", "half"],
      ] as const) {
        fs.mkdirSync(path.join(t.dir, name));
        fs.writeFileSync(path.join(t.dir, name, "marker"), file);
      }
      const fresh = path.join(t.dir, "cdktf.out.tmp-fresh");
      fs.mkdirSync(fresh);
      const old = Date.now() - 3_600_000;
      fs.utimesSync(path.join(t.dir, "cdktf.out.tmp-abc"), old / 1000, old / 1000);
      const done = recoverLeftovers(dest);
      expect(done).toEqual([
        `restored ${dest} from cdktf.out.old-${GONE_PID}-2000, left by an interrupted run`,
        `removed cdktf.out.old-${GONE_PID}-1000, left by an interrupted run`,
        "removed cdktf.out.tmp-abc, left by an interrupted run",
      ]);
      expect(fs.readFileSync(path.join(dest, "marker"), "utf8")).toBe("newer");
      // A temporary folder of a run that may still be going is left alone.
      expect(fs.readdirSync(t.dir).sort()).toEqual(["cdktf.out", "cdktf.out.tmp-fresh"]);
      expect(recoverLeftovers(dest)).toEqual([]);
    } finally {
      t.cleanup();
    }
  },
);

test("a kept-aside output of a process still running is not touched", () => {
  const t = makeTempDir("all2all-leftovers-");
  try {
    const mine = path.join(t.dir, `cdktf.out.old-${process.pid}-1`);
    fs.mkdirSync(mine);
    expect(recoverLeftovers(path.join(t.dir, "cdktf.out"))).toEqual([]);
    expect(fs.existsSync(mine)).toBe(true);
  } finally {
    t.cleanup();
  }
});
