// Layers only look down (docs/architecture.md): primitives below all, then the
// model (description/), the constructs, the stacks, policies, validate and zonefile,
// and the command line on top. Read from every source file's imports.
import * as fs from "node:fs";
import * as path from "node:path";
import { importsOf, layerFiles, LAYERS, violations } from "../../testing/layers";
import { repoRoot } from "../../testing/tmp";

test("no source file imports a layer above its own, or a test helper", () => {
  const files = layerFiles(repoRoot);
  // Enough files read to mean something: every layer folder has sources.
  for (const layer of Object.keys(LAYERS).filter((l) => l !== ".gen"))
    expect(files.some((f) => f === layer || f.startsWith(`${layer}/`))).toBe(true);
  const found = files.flatMap((f) =>
    violations(f, fs.readFileSync(path.join(repoRoot, f), "utf8")).map((v) => v.message),
  );
  expect(found).toEqual([]);
});

test("the primitives import nothing of the project", () => {
  for (const f of layerFiles(repoRoot).filter((f) => f.startsWith("primitives/"))) {
    const project = importsOf(fs.readFileSync(path.join(repoRoot, f), "utf8")).filter(
      (s) => s.startsWith(".") && !s.startsWith("./"),
    );
    expect({ file: f, imports: project }).toEqual({ file: f, imports: [] });
  }
});

describe("the rule itself", () => {
  test("an import of a layer above is found, whatever the form of the import", () => {
    const source = [
      'import { splitUtf8 } from "../constructs/txt";',
      'export { x } from "../stacks/app";',
      'import type {\n  Io,\n} from "../cli/io";',
      'const later = () => import("../policies");',
      'const old = require("../validate/validate");',
      'import "../cli/main";',
    ].join("\n");
    expect(violations("description/dns.ts", source).map((v) => v.imports)).toEqual([
      "../constructs/txt",
      "../stacks/app",
      "../cli/io",
      "../policies",
      "../validate/validate",
      "../cli/main",
    ]);
  });

  test("a layer beside is refused too, a test helper always, the layer's own files and those below never", () => {
    expect(violations("policies/engine.ts", 'import { x } from "../validate/x";')[0]?.message).toBe(
      "policies/engine.ts (policies) imports validate/x (validate), a layer beside it",
    );
    expect(violations("cli/main.ts", 'import { x } from "../testing/tmp";')[0]?.message).toMatch(
      /testing\/tmp, which is in no layer/,
    );
    expect(
      violations(
        "cli/diff/plan.ts",
        'import { a } from "../io";\nimport { b } from ' +
          '"../../primitives/ip";\nimport { c } from "node:fs";\nimport { d } from ' +
          '"cdktn";',
      ),
    ).toEqual([]);
    expect(violations("constructs/server.ts", 'import { x } from "../description/model";')).toEqual([]);
  });

  test("tests and their helpers are outside the rule", () => {
    expect(violations("__tests__/description/x.test.ts", 'import { x } from "../../cli/main";')).toEqual([]);
    expect(violations("testing/cli.ts", 'import { x } from "../cli/main";')).toEqual([]);
  });
});
