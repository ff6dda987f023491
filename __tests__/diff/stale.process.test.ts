// Never stale: `all2all diff` compares the working tree with its own compiled code only when that build is
// the build of its sources as they are; otherwise it builds it and runs again (or refuses, exit 2).
// On small projects compiled here, then end to end on a sandbox copy of this working tree.
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { compiledState, ensureCurrentBuild, REBUILT_ENV, runsCompiledCodeOf } from "../../cli/diff/fresh";
import { readSynthOutput } from "../../cli/diff/sides";
import { stacksDigest } from "../../cli/digest";
import { InputError } from "../../cli/errors";
import { captureIo } from "../../cli/io";
import { makeTempDir, repoRoot } from "../../testing/tmp";
import { joinRegExp } from "../../primitives/regexp";

jest.setTimeout(600_000);

const TSC = path.join(repoRoot, "node_modules", "typescript", "bin", "tsc");

/** A small TypeScript project built like this one (incremental, build info in dist/), with a fake `all2all`. */
function project(): {
  dir: string;
  build: () => number;
  write: (file: string, text: string) => void;
  cleanup: () => void;
} {
  const t = makeTempDir("all2all-fresh-");
  const dir = t.dir;
  const write = (file: string, text: string): void => {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  };
  write(
    "tsconfig.json",
    JSON.stringify({
      compilerOptions: {
        target: "ES2022",
        module: "commonjs",
        strict: true,
        types: [],
        incremental: true,
        tsBuildInfoFile: "dist/.tsbuildinfo",
        rootDir: ".",
        outDir: "dist",
      },
      include: ["main.ts", "src/**/*.ts", "__tests__/**/*.ts"],
      exclude: ["node_modules", "dist"],
    }),
  );
  write(
    "package.json",
    JSON.stringify({ name: "fresh", private: true, scripts: { build: `node ${TSC} -p tsconfig.json` } }),
  );
  write("main.ts", 'export { a } from "./src/a";\n');
  write("src/a.ts", 'import { b } from "./b";\nexport const a: number = b + 1;\n');
  write("src/b.ts", "export const b = 1;\n");
  write("__tests__/a.test.ts", "export const t = 1;\n");
  // The fake command: what the diff runs again after building.
  write(
    "bin/all2all.js",
    `console.log("ran " + process.argv.slice(2).join(" ") + " rebuilt=" + ` +
      `process.env.${REBUILT_ENV}); console.error("progress"); process.exit(3);\n`,
  );
  const build = (): number =>
    spawnSync(process.execPath, [TSC, "-p", path.join(dir, "tsconfig.json")], { encoding: "utf8" }).status ?? 1;
  return { dir, build, write, cleanup: t.cleanup };
}

/** Runs a test's body on a new small project (see project()), removed after. */
async function inProject(body: (p: ReturnType<typeof project>) => unknown): Promise<void> {
  const p = project();
  try {
    await body(p);
  } finally {
    p.cleanup();
  }
}

describe("compiledState: is dist/ the build of the sources as they are?", () => {
  test(
    "built: current; a source changed, new, or without its output: stale, " +
      "each named; a touched file or a test: still current",
    () =>
      inProject((p) => {
        expect(compiledState(p.dir)).toEqual({
          checked: true,
          current: false,
          reasons: ["it was never built (no dist/.tsbuildinfo)"],
          stale: 3,
        });
        expect(p.build()).toBe(0);
        expect(compiledState(p.dir)).toEqual({ checked: true, current: true, reasons: [], stale: 0 });

        // Touched, same content: still the build of it.
        const later = new Date(Date.now() + 60_000);
        fs.utimesSync(path.join(p.dir, "src/b.ts"), later, later);
        expect(compiledState(p.dir).current).toBe(true);
        // Tests are not what synth runs.
        p.write("__tests__/a.test.ts", "export const t = 2;\n");
        expect(compiledState(p.dir).current).toBe(true);

        p.write("src/b.ts", "export const b = 2;\n");
        p.write("src/c.ts", "export const c = 3;\n");
        fs.rmSync(path.join(p.dir, "dist/src/a.js"));
        expect(compiledState(p.dir)).toEqual({
          checked: true,
          current: false,
          reasons: [
            "src/a.ts without its compiled output",
            "src/b.ts changed since the last build",
            "src/c.ts new since the last build",
          ],
          stale: 3,
        });
        expect(p.build()).toBe(0);
        expect(compiledState(p.dir).current).toBe(true);
      }),
  );

  test("a build that failed (tsc reported errors, its outputs written anyway) is not current", () =>
    inProject((p) => {
      expect(p.build()).toBe(0);
      p.write("src/b.ts", 'export const b: number = "one";\n');
      expect(p.build()).not.toBe(0);
      expect(compiledState(p.dir)).toMatchObject({
        current: false,
        reasons: ["its last build failed (tsc reported errors)"],
      });
    }));

  test("this repository: its tsconfig is read, its sources found (tests left out)", () => {
    const state = compiledState(repoRoot);
    expect(state.checked).toBe(true);
    for (const r of state.reasons) expect(r).not.toMatch(/__tests__|testing\//);
  });
});

describe("ensureCurrentBuild", () => {
  /** As bin/all2all.js runs it: this module as <project>/dist/cli/diff/fresh.js. */
  const compiledIn = (dir: string): string => path.join(dir, "dist", "cli", "diff");

  test("only when this process runs the project's build", () => {
    expect(runsCompiledCodeOf(repoRoot)).toBe(false); // jest runs the sources
    expect(runsCompiledCodeOf(repoRoot, path.join(repoRoot, "dist", "cli", "diff"))).toBe(true);
  });

  test("current, or not this process's build: nothing to do", () =>
    inProject(async (p) => {
      expect(p.build()).toBe(0);
      const io = captureIo({}, p.dir);
      expect(await ensureCurrentBuild(p.dir, ["--base", "HEAD"], io, process.env, compiledIn(p.dir))).toBeUndefined();
      p.write("src/b.ts", "export const b = 2;\n");
      expect(
        await ensureCurrentBuild(p.dir, ["--base", "HEAD"], io, process.env, path.join(repoRoot, "cli", "diff")),
      ).toBeUndefined();
      expect(io.stderr).toEqual([]);
    }));

  test(
    "stale: built (npm run build), then the same diff runs again with the new " +
      "build, whose exit code and output are the diff's",
    () =>
      inProject(async (p) => {
        expect(p.build()).toBe(0);
        p.write("src/b.ts", "export const b = 2;\n");
        const io = captureIo({}, p.dir);
        const code = await ensureCurrentBuild(
          p.dir,
          ["--base", "HEAD", "--env", "staging"],
          io,
          { ...process.env },
          compiledIn(p.dir),
        );
        expect(code).toBe(3);
        expect(io.stdout).toEqual([`ran diff --base HEAD --env staging rebuilt=1`]);
        expect(io.stderr).toEqual([
          "diff: the working tree's compiled code (dist/) is older than its sources (src/b.ts " +
            "changed since the last build): building it (npm run build)…",
          "diff: built; running the diff with the code just built…",
          "progress",
        ]);
        expect(compiledState(p.dir).current).toBe(true);
        expect(fs.readFileSync(path.join(p.dir, "dist/src/b.js"), "utf8")).toContain("exports.b = 2");
      }),
  );

  test(
    "refused (exit 2, InputError): a build that fails, a build that " + "leaves it stale, a stale build after building",
    () =>
      inProject(async (p) => {
        expect(p.build()).toBe(0);
        p.write("src/b.ts", 'export const b: number = "one";\n');
        const io = captureIo({}, p.dir);
        const failing = ensureCurrentBuild(p.dir, ["--base", "HEAD"], io, { ...process.env }, compiledIn(p.dir));
        await expect(failing).rejects.toThrow(InputError);
        await expect(failing).rejects.toThrow(
          joinRegExp(
            /^the working tree's code does not build \(npm run build exits \d+\), and diff never /,
            /compares stale code:\n[\s\S]*src\/b\.ts\(1,14\): error TS2322/,
          ),
        );

        p.write("src/b.ts", "export const b = 3;\n");
        p.write("package.json", JSON.stringify({ name: "fresh", private: true, scripts: { build: "node -e 0" } }));
        await expect(
          ensureCurrentBuild(p.dir, ["--base", "HEAD"], io, { ...process.env }, compiledIn(p.dir)),
        ).rejects.toThrow(
          joinRegExp(
            /^the working tree's compiled code is still not the build of its sources after npm run build \(its /,
            /last build failed \(tsc reported errors\); src\/b\.ts changed since the last build\); diff never /,
            /compares stale code$/,
          ),
        );
        await expect(
          ensureCurrentBuild(p.dir, ["--base", "HEAD"], io, { ...process.env, [REBUILT_ENV]: "1" }, compiledIn(p.dir)),
        ).rejects.toThrow(/still not the build of its sources after building it/);
      }),
  );
});

describe("end to end: a sandbox copy of this working tree, a code change not built", () => {
  let t: { dir: string; cleanup: () => void };
  let dir: string;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    GIT_AUTHOR_NAME: "test",
    GIT_AUTHOR_EMAIL: "test@example.org",
    GIT_COMMITTER_NAME: "test",
    GIT_COMMITTER_EMAIL: "test@example.org",
  };
  delete env.ALL2ALL_CONFIG;
  delete env[REBUILT_ENV];
  const git = (...args: string[]): string =>
    execFileSync("git", args, { cwd: dir, env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  const all2all = (...args: string[]) =>
    spawnSync(process.execPath, [path.join(dir, "bin", "all2all.js"), ...args], {
      cwd: dir,
      env,
      encoding: "utf8",
      maxBuffer: 256 * 1024 * 1024,
    });

  beforeAll(() => {
    // Every file of the working tree as it is (tracked or new, not ignored), committed in a repository of its own.
    t = makeTempDir("all2all-stale-e2e-");
    dir = path.join(t.dir, "repo");
    fs.mkdirSync(dir);
    const files = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
      cwd: repoRoot,
    })
      .toString("utf8")
      .split("\0")
      .filter((f) => f !== "");
    for (const file of files) {
      const from = path.join(repoRoot, file);
      const stat = fs.lstatSync(from, { throwIfNoEntry: false });
      if (stat === undefined || stat.isDirectory()) continue;
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      if (stat.isSymbolicLink()) fs.symlinkSync(fs.readlinkSync(from), path.join(dir, file));
      else fs.copyFileSync(from, path.join(dir, file));
    }
    git("init", "--quiet");
    git("add", "-A");
    git("commit", "--quiet", "--no-verify", "-m", "the working tree");
    fs.symlinkSync(path.join(repoRoot, "node_modules"), path.join(dir, "node_modules"), "dir");
    if (fs.existsSync(path.join(repoRoot, ".gen")))
      fs.cpSync(path.join(repoRoot, ".gen"), path.join(dir, ".gen"), { recursive: true, dereference: true });
    // This tree's own build seeds the sandbox's (tsc's build info holds relative paths and content
    // hashes): the build below is then incremental, as an operator's would be. Only its speed depends on it.
    if (fs.existsSync(path.join(repoRoot, "dist")))
      fs.cpSync(path.join(repoRoot, "dist"), path.join(dir, "dist"), { recursive: true });
    const build = spawnSync("npm", ["run", "build", "--silent"], { cwd: dir, env, encoding: "utf8" });
    if (build.status !== 0) throw new Error(`the sandbox does not build:\n${build.stdout}\n${build.stderr}`);
    expect(compiledState(dir).current).toBe(true);
  });
  afterAll(() => t?.cleanup());

  test(
    "diff builds the working tree first, then shows the change of code " + '(not "no changes"); its digest is synth\'s',
    () => {
      const stateFile = "stacks/hcloud-stack.ts";
      const text = fs.readFileSync(path.join(dir, stateFile), "utf8");
      const from = '"../../../state"}/${this.node.id}.tfstate`';
      expect(text).toContain(from);
      fs.writeFileSync(
        path.join(dir, stateFile),
        text.replace(from, '"../../../state"}/${this.node.id}.unbuilt.tfstate`'),
      );
      expect(compiledState(dir)).toMatchObject({
        current: false,
        reasons: [`${stateFile} changed since the last build`],
      });

      const r = all2all("diff", "--base", "HEAD", "--env", "staging", "--format", "json");
      expect(r.stderr).toContain(
        `diff: the working tree's compiled code (dist/) is older than its sources ` +
          `(${stateFile} changed since the last build): building it (npm run build)…`,
      );
      expect(r.stderr).toContain("diff: built; running the diff with the code just built…");
      expect(r.status).toBe(0);
      const report = JSON.parse(r.stdout);
      expect(report.notes).toContain(
        "the working tree's compiled code was older than its sources: it was built " +
          "first (npm run build), and this diff ran with the new build",
      );
      const paths = report.changes.filter((c: any) => c.stack === "staging-network").flatMap((c: any) => c.attributes);
      expect(paths).toContainEqual(
        expect.objectContaining({
          path: "backend.local.path",
          new: '"../../../state/staging-network.unbuilt.tfstate"',
        }),
      );
      expect(compiledState(dir).current).toBe(true);

      // Built now: no second build. The digest is that of a plain synth of the same tree.
      const again = all2all("diff", "--base", "HEAD", "--env", "staging", "--format", "json");
      expect(again.stderr).not.toContain("older than its sources");
      const out = path.join(t.dir, "synth-out");
      const synth = all2all("synth", "--env", "staging", "--out", out);
      expect(synth.status).toBe(0);
      expect(JSON.parse(again.stdout).digests).toEqual({ staging: stacksDigest(readSynthOutput(out).docs) });
    },
  );

  test("a change that does not build: refused, exit 2, the compiler's error shown", () => {
    const file = path.join(dir, "stacks/app.ts");
    fs.appendFileSync(file, '\nexport const broken: number = "not a number";\n');
    const r = all2all("diff", "--base", "HEAD", "--env", "staging");
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("all2all: the working tree's code does not build (npm run build exits");
    expect(r.stderr).toMatch(/stacks\/app\.ts\(\d+,\d+\): error TS2322/);
    expect(r.stdout).toBe("");
  });
});
