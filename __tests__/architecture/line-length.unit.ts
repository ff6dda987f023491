// Lines of at most 120 characters (issue 17, item 7), tests and scripts included: the formatter
// (biome.jsonc) breaks code at that width; what it cannot break (strings, regular expressions,
// comments) is written over several lines by hand.
import * as fs from "node:fs";
import * as path from "node:path";
import { codeFiles, longLinesIn, MAX_LINE_CHARACTERS } from "../../testing/size";
import { repoRoot } from "../../testing/tmp";

test("no line of TypeScript or JavaScript is longer than 120 characters", () => {
  const files = codeFiles(repoRoot);
  expect(files).toEqual(
    expect.arrayContaining(["bin/all2all.js", "cli/main.ts", "__tests__/architecture/line-length.unit.ts"]),
  );
  expect(files.filter((f) => f.startsWith(".gen/") || f.startsWith("node_modules/"))).toEqual([]);
  expect(files.flatMap((f) => longLinesIn(f, fs.readFileSync(path.join(repoRoot, f), "utf8")))).toEqual([]);
});

test("the measure counts characters, not bytes, and names the file and line", () => {
  const fits = `// ${"→".repeat(MAX_LINE_CHARACTERS - 3)}`;
  expect(longLinesIn("a.ts", `${fits}\n`)).toEqual([]);
  expect(longLinesIn("b.ts", `ok\n${fits}x\n`)).toEqual([`b.ts:2 (${MAX_LINE_CHARACTERS + 1} characters)`]);
});
