// The seed of a ref's build (cli/diff/sides.ts, seedBuild and
// finishSeededBuild) on small hand-made trees: what is copied from the
// working tree's build, how tsc's build info is rewritten for the copy, and
// every case where nothing of the compiled output may be used.
import * as fs from "node:fs";
import * as path from "node:path";
import { finishSeededBuild, seedBuild } from "../../cli/diff/sides";
import { makeTempDir } from "../../testing/tmp";

const TSCONFIG = { compilerOptions: { incremental: true, rootDir: ".", outDir: "dist", tsBuildInfoFile: "dist/.tsbuildinfo" } };

let t: { dir: string; cleanup: () => void };
beforeEach(() => {
  t = makeTempDir("all2all-seed-");
});
afterEach(() => t.cleanup());

function write(file: string, text: string, mtime?: Date): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  if (mtime !== undefined) fs.utimesSync(file, mtime, mtime);
}

/**
 * A working tree after a build (root) and a ref's copy (tree) whose sources
 * are a.ts and the bindings, not gone.ts; both link node_modules, a link to
 * another folder as in a clone.
 */
function trees(options: { tsconfig?: object; build?: string; getJs?: string; outputTime?: Date } = {}) {
  const root = path.join(t.dir, "root");
  const tree = path.join(t.dir, "tree");
  const modules = path.join(t.dir, "installed", "node_modules");
  const built = new Date(Date.now() - 60_000);
  const before = new Date(built.getTime() - 60_000);
  fs.mkdirSync(path.join(modules, "typescript", "lib"), { recursive: true });
  for (const dir of [root, tree]) {
    write(path.join(dir, "tsconfig.json"), JSON.stringify(dir === tree && options.tsconfig ? options.tsconfig : TSCONFIG));
    write(path.join(dir, "package.json"), JSON.stringify({ scripts: { build: dir === tree && options.build ? options.build : "node providers/get.js --quiet && tsc -p tsconfig.json" } }));
    write(path.join(dir, "providers", "get.js"), dir === tree && options.getJs ? options.getJs : "// the generator\n");
    write(path.join(dir, "a.ts"), dir === root ? "export const a = 1;\n" : "export const a = 2;\n");
    fs.symlinkSync(modules, path.join(dir, "node_modules"), "dir");
  }
  write(path.join(root, "gone.ts"), "export {};\n");
  write(path.join(root, ".gen", ".stamp"), '{"hash":"h"}\n');
  write(path.join(root, ".gen", "providers", "p", "index.ts"), "export const p = 1;\n");
  for (const f of ["a.js", "a.js.map", "gone.js", ".gen/providers/p/index.js"]) write(path.join(root, "dist", f), `// output ${f}\n`, options.outputTime ?? before);
  const fileNames = ["../node_modules/typescript/lib/lib.es5.d.ts", "../a.ts", "../gone.ts", "../.gen/providers/p/index.ts", path.relative(path.join(root, "dist"), path.join(t.dir, "elsewhere", "x.d.ts"))];
  write(path.join(root, "dist", ".tsbuildinfo"), JSON.stringify({ fileNames, fileInfos: [], version: "5.9.3" }), built);
  return { root, tree, modules };
}

const exists = (file: string) => fs.existsSync(file);
const buildInfo = (dir: string) => JSON.parse(fs.readFileSync(path.join(dir, "dist", ".tsbuildinfo"), "utf8"));

describe("seedBuild", () => {
  test("copies the bindings, the outputs of sources the ref has, and the build info with its paths for the copy", () => {
    const { root, tree, modules } = trees();
    const seed = seedBuild(root, tree);
    expect(seed).toBeDefined();
    expect(seed!.outDir).toBe(path.join(tree, "dist"));
    expect(fs.readFileSync(path.join(tree, ".gen", ".stamp"), "utf8")).toBe('{"hash":"h"}\n');
    expect(exists(path.join(tree, ".gen", "providers", "p", "index.ts"))).toBe(true);
    expect(fs.readFileSync(path.join(tree, "dist", "a.js"), "utf8")).toBe("// output a.js\n");
    expect(exists(path.join(tree, "dist", "a.js.map"))).toBe(true);
    expect(exists(path.join(tree, "dist", ".gen", "providers", "p", "index.js"))).toBe(true);
    // gone.ts is not in the ref: a build from scratch would not write gone.js.
    expect(exists(path.join(tree, "dist", "gone.js"))).toBe(false);
    expect([...seed!.copied.keys()].map((f) => path.relative(tree, f)).sort()).toEqual(["dist/.gen/providers/p/index.js", "dist/a.js", "dist/a.js.map"]);
    const treeDist = path.join(tree, "dist");
    expect(buildInfo(tree)).toEqual({
      fileNames: [
        // tsc records the real paths of the linked node_modules
        path.relative(treeDist, path.join(modules, "typescript", "lib", "lib.es5.d.ts")),
        "../a.ts",
        "../gone.ts",
        "../.gen/providers/p/index.ts",
        path.relative(treeDist, path.join(t.dir, "elsewhere", "x.d.ts")),
      ],
      fileInfos: [],
      version: "5.9.3",
    });
    // The working tree's build is left as it was.
    expect(exists(path.join(root, "dist", "gone.js"))).toBe(true);
    expect(buildInfo(root).fileNames[0]).toBe("../node_modules/typescript/lib/lib.es5.d.ts");
  });

  test.each([
    ["another tsconfig.json", { tsconfig: { compilerOptions: { ...TSCONFIG.compilerOptions, strict: true } } }],
    ["another build script", { build: "tsc" }],
    ["another providers/get.js", { getJs: "// another generator\n" }],
  ])("seeds nothing when the ref has %s", (_, options) => {
    const { root, tree } = trees(options);
    expect(seedBuild(root, tree)).toBeUndefined();
    expect(exists(path.join(tree, ".gen"))).toBe(false);
    expect(exists(path.join(tree, "dist"))).toBe(false);
  });

  test("seeds nothing without an incremental build with rootDir, outDir and tsBuildInfoFile, or without a build", () => {
    for (const compilerOptions of [{ ...TSCONFIG.compilerOptions, incremental: false }, { ...TSCONFIG.compilerOptions, noEmit: true }, { outDir: "dist", incremental: true }]) {
      const { root, tree } = trees();
      for (const dir of [root, tree]) write(path.join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions }));
      expect(seedBuild(root, tree)).toBeUndefined();
      expect(exists(path.join(tree, "dist"))).toBe(false);
      fs.rmSync(t.dir, { recursive: true, force: true });
      fs.mkdirSync(t.dir);
    }
    const { root, tree } = trees();
    fs.rmSync(path.join(root, "dist", ".tsbuildinfo"));
    expect(seedBuild(root, tree)).toBeUndefined();
    expect(exists(path.join(tree, "dist"))).toBe(false);
  });

  test("an output written after the build info (an interrupted or running build, a hand edit): no compiled output is used", () => {
    const { root, tree } = trees();
    fs.utimesSync(path.join(root, "dist", "a.js"), new Date(), new Date());
    expect(seedBuild(root, tree)).toBeUndefined();
    expect(exists(path.join(tree, "dist"))).toBe(false);
    // The bindings are still seeded: the ref's generator checks their stamp against its own inputs.
    expect(exists(path.join(tree, ".gen", ".stamp"))).toBe(true);
  });

  test("a ref that holds a .gen/ or dist/ of its own keeps it", () => {
    for (const own of [".gen", "dist"]) {
      const { root, tree } = trees();
      write(path.join(tree, own, "mine"), "the ref's own\n");
      expect(seedBuild(root, tree)).toBeUndefined();
      expect(fs.readdirSync(path.join(tree, own))).toEqual(["mine"]);
      fs.rmSync(t.dir, { recursive: true, force: true });
      fs.mkdirSync(t.dir);
    }
  });
});

describe("finishSeededBuild", () => {
  test("removes copied outputs the build did not write again whose source is gone; true when every compiled source has its output", () => {
    const { root, tree } = trees();
    const seed = seedBuild(root, tree)!;
    // The build: a.ts compiled again; the bindings generated anew without p, now q; the build info lists what it compiled.
    write(path.join(tree, "dist", "a.js"), "// a compiled again\n", new Date(Date.now() + 1000));
    fs.rmSync(path.join(tree, ".gen", "providers", "p"), { recursive: true });
    write(path.join(tree, ".gen", "providers", "q", "index.ts"), "export const q = 1;\n");
    write(path.join(tree, "dist", ".gen", "providers", "q", "index.js"), "// q\n");
    write(seed.buildInfo, JSON.stringify({ fileNames: ["../a.ts", "../.gen/providers/q/index.ts", "../node_modules/typescript/lib/lib.es5.d.ts", "../types.d.ts"] }));
    expect(finishSeededBuild(seed)).toBe(true);
    expect(fs.readFileSync(path.join(tree, "dist", "a.js"), "utf8")).toBe("// a compiled again\n");
    expect(exists(path.join(tree, "dist", "a.js.map"))).toBe(true);
    expect(exists(path.join(tree, "dist", ".gen", "providers", "p", "index.js"))).toBe(false);
    expect(exists(path.join(tree, "dist", ".gen", "providers", "q", "index.js"))).toBe(true);
  });

  test("false when a compiled source has no output (the seed lacked what tsc assumed), or the build info is unreadable", () => {
    const { root, tree } = trees();
    const seed = seedBuild(root, tree)!;
    write(seed.buildInfo, JSON.stringify({ fileNames: ["../a.ts", "../.gen/providers/p/index.ts"] }));
    expect(finishSeededBuild(seed)).toBe(true);
    fs.rmSync(path.join(tree, "dist", ".gen", "providers", "p", "index.js"));
    expect(finishSeededBuild(seed)).toBe(false);
    write(seed.buildInfo, "{");
    expect(finishSeededBuild(seed)).toBe(false);
  });
});
