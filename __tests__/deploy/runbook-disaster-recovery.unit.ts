// docs/disaster-recovery.md, read: how its blocks are marked, that no block
// types tofu, that the real disaster and the drill share every all2all
// command, and that the real disaster's credentials block reads every
// secret the inventory lists for dr. The drill itself (every block run by
// bash, with the real engine against the simulator) is
// __tests__/e2e/disaster-recovery.test.ts; the blocks now use the shell
// (variables, redirections, loops), which the fake-tofu runner of
// testing/runbooks.ts does not model.
import * as fs from "node:fs";
import * as path from "node:path";
import { buildInventory } from "../../cli/inventory";
import { loadNetwork } from "../../description";
import { NOT_RUN_MARKER, runbookBlocks, shBlocks } from "../../testing/runbooks";
import { defaultConfig, repoRoot } from "../../testing/tmp";

const text = fs.readFileSync(path.join(repoRoot, "docs", "disaster-recovery.md"), "utf8");
const blocks = runbookBlocks(text).filter((b) => b.lang === "sh");
const DRILL = "# drill only";
const REAL = "# real disaster only";
const marker = (b: { lines: string[] }) => [DRILL, REAL, NOT_RUN_MARKER].find((m) => b.lines[0]!.trim().startsWith(m));
/** The command lines of a block: comments and blank lines left out. */
const commands = (b: { lines: string[] }) => b.lines.map((l) => l.trim()).filter((l) => l !== "" && !l.startsWith("#"));

test("a block's first comment, if any, is one of the three markers", () => {
  const odd = blocks
    .filter((b) => b.lines[0]!.trim().startsWith("#") && marker(b) === undefined)
    .map((b) => b.lines[0]);
  expect(odd).toEqual([]);
  expect(blocks.filter((b) => marker(b) === DRILL).length).toBeGreaterThanOrEqual(3);
  expect(blocks.filter((b) => marker(b) === REAL).length).toBe(1);
});

test("no block that this project runs types tofu or terraform: all2all runs the engine", () => {
  const typed = blocks
    .filter((b) => marker(b) !== NOT_RUN_MARKER)
    .flatMap(commands)
    .filter((l) => /(^|[\s;&|(])(tofu|terraform)\s/.test(l));
  expect(typed).toEqual([]);
});

test(
  "the drill differs from the real disaster by its environment only: " + "every all2all command is in a shared block",
  () => {
    const all2all = (bs: typeof blocks) => bs.flatMap(commands).filter((l) => /\bnpx all2all\b/.test(l));
    expect(all2all(blocks.filter((b) => marker(b) !== undefined))).toEqual([]);
    expect(all2all(blocks.filter((b) => marker(b) === undefined))).toEqual([
      "timed npx all2all synth --env dr $SYNTH_FLAGS",
      "timed npx all2all inventory --env dr",
      "timed npx all2all deploy --env dr --stack network $DEPLOY_FLAGS",
      "timed npx all2all deploy --env dr --stack servers $DEPLOY_FLAGS",
      "timed npx all2all deploy --env dr --stack backup $DEPLOY_FLAGS",
      "timed npx all2all output --env dr --stack servers --format json > dr-servers.json",
      "timed npx all2all inventory --env dr --addresses dr-servers.json",
      "timed npx all2all zonefile --env dr --knot --addresses dr-servers.json",
      "timed npx all2all deploy --env dr --stack dns $DEPLOY_FLAGS",
      "timed npx all2all output --env dr --stack backup",
    ]);
    // Only the drill sets the drill's options.
    const setting = (bs: typeof blocks) => bs.flatMap(commands).filter((l) => /^(SYNTH_FLAGS|DEPLOY_FLAGS)=/.test(l));
    expect(setting(blocks.filter((b) => marker(b) === DRILL))).toEqual([
      "SYNTH_FLAGS=--local-state",
      'DEPLOY_FLAGS="--auto-approve --allow-missing-lock"',
    ]);
    expect(setting(blocks.filter((b) => marker(b) !== DRILL))).toEqual([]);
  },
);

test("the real disaster reads the DR project's credentials and every secret the inventory lists for dr", () => {
  const loaded = loadNetwork(defaultConfig);
  if (!loaded.ok) throw new Error("the default config does not load");
  const inventory = buildInventory(loaded.specs.find((s) => s.environment.name === "dr")!);
  const real = blocks.find((b) => marker(b) === REAL)!;
  const read = commands(real).map((l) => /^read -rs (\w+) && export \1$/.exec(l)?.[1] ?? `not a read: ${l}`);
  // One state passphrase, declared by every stack (listed once per stack), read once.
  expect(read.sort()).toEqual(
    [
      "HCLOUD_TOKEN",
      "AWS_ACCESS_KEY_ID",
      "AWS_SECRET_ACCESS_KEY",
      ...new Set(inventory.variables.map((v) => v.env_var)),
    ].sort(),
  );
});

test("the drill's blocks are the ones the e2e test runs: all but the real disaster's and the ones done by hand", () => {
  const run = shBlocks(text, [REAL]);
  expect(run.length).toBe(blocks.filter((b) => marker(b) !== REAL && marker(b) !== NOT_RUN_MARKER).length);
  expect(run.some((b) => b.includes("read -rs"))).toBe(false);
  expect(run[run.length - 1]).toMatch(/^# drill only[^\n]*\nkill "\$SIM_PID"\n$/);
});
