// The size rule (testing/size.ts): no source file over about 400 lines, no function over about 80.
import * as fs from "node:fs";
import * as path from "node:path";
import { layerSources, MAX_FUNCTION_LINES, oversizeIn } from "../../testing/size";
import { repoRoot } from "../../testing/tmp";

test("no source file over 400 lines and no function over 80", () => {
  const found = layerSources(repoRoot).flatMap((file) =>
    oversizeIn(file, fs.readFileSync(path.join(repoRoot, file), "utf8")),
  );
  expect(found.map((o) => `${o.where} (${o.lines} lines)`)).toEqual([]);
});

test("the measure counts a function from its first line to its closing brace, nested ones in their parent too", () => {
  const body = Array.from({ length: MAX_FUNCTION_LINES }, (_, i) => `  const v${i} = ${i};`).join("\n");
  const text = `export function outer(): void {\n  function inner(): void {\n${body}\n  }\n}\n`;
  expect(oversizeIn("x.ts", text).map((o) => o.where)).toEqual(["x.ts:1 outer", "x.ts:2 inner"]);
  expect(oversizeIn("y.ts", "export const f = () => 1;\n")).toEqual([]);
});
