// What synth's inputs.json hashes (cli/inputs.ts): every file of the code synth runs, so that plan and
// deploy refuse an output made by other code.
import * as fs from "node:fs";
import * as path from "node:path";
import { CODE_DIRS, CODE_FILES, inputsHash } from "../../cli/inputs";
import { importsOf } from "../../testing/layers";
import { makeTempDir, repoRoot } from "../../testing/tmp";

/** The project's source files that `file` imports, directly or not (relative imports only). */
function closure(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  for (const spec of importsOf(fs.readFileSync(file, "utf8"))) {
    if (!spec.startsWith(".")) continue;
    const base = path.resolve(path.dirname(file), spec).replace(/\.js$/, "");
    const found = [`${base}.ts`, path.join(base, "index.ts")].find((f) => fs.existsSync(f));
    if (found) closure(found, seen);
  }
  return seen;
}

test("the hash covers every folder and cli file that cli/synthesise.ts runs", () => {
  const files = [...closure(path.join(repoRoot, "cli", "synthesise.ts"))].map((f) =>
    path.relative(repoRoot, f).split(path.sep).join("/"),
  );
  const dirs = new Set(files.map((f) => f.split("/")[0]!).filter((d) => d !== "cli" && d !== ".gen"));
  expect([...dirs].filter((d) => !CODE_DIRS.includes(d))).toEqual([]);
  const cliFiles = files.filter((f) => f.startsWith("cli/")).map((f) => f.replace(/\.ts$/, ""));
  expect(cliFiles.filter((f) => !CODE_FILES.includes(f))).toEqual([]);
  expect(dirs.size).toBeGreaterThan(5);
});

test("a change in any of that code, or in the config, changes the hash; other code does not", () => {
  const t = makeTempDir("all2all-inputs-");
  try {
    const code = path.join(t.dir, "code");
    const config = path.join(t.dir, "config");
    const write = (file: string, text: string) => {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, text);
    };
    write(path.join(config, "network.yaml"), "servers: []\n");
    for (const dir of CODE_DIRS) write(path.join(code, dir, "index.js"), `// ${dir}\n`);
    for (const file of CODE_FILES) write(path.join(code, `${file}.js`), "// synth\n");
    write(path.join(code, "cli", "diff.js"), "// not synth\n");
    const hash = () => inputsHash(config, t.dir, code);
    const before = hash();
    write(path.join(code, "cli", "diff.js"), "// not synth, changed\n");
    expect(hash()).toBe(before);
    const changed = [
      ...CODE_DIRS.map((dir) => path.join(code, dir, "index.js")),
      ...CODE_FILES.map((file) => path.join(code, `${file}.js`)),
      path.join(config, "network.yaml"),
    ];
    for (const file of changed) {
      const text = fs.readFileSync(file, "utf8");
      fs.writeFileSync(file, `${text}// changed\n`);
      expect({ file: path.relative(t.dir, file), changed: hash() !== before }).toEqual({
        file: path.relative(t.dir, file),
        changed: true,
      });
      fs.writeFileSync(file, text);
    }
    expect(hash()).toBe(before);
  } finally {
    t.cleanup();
  }
});
