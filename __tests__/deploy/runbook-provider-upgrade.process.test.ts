// docs/provider-upgrade.md, run as an operator would, with a fake tofu
// (testing/runbooks.ts): the schema refresh included, in the sandbox.
import * as fs from "node:fs";
import * as path from "node:path";
import { callLines } from "../../testing/deploy";
import { failures, runbookOnce } from "../../testing/runbooks";
import { repoRoot } from "../../testing/tmp";

jest.mock("../../cli/deploy/confirm", () => jest.requireActual("../../testing/deploy").TYPED_CONFIRM);

const run = runbookOnce("provider-upgrade.md", { inherit: ["first-deploy.md"] });

test("every command of the runbook runs and succeeds", () => {
  expect(failures(run)).toEqual([]);
  expect(run.executed.map((e) => `${e.how}: ${e.line}`)).toEqual([
    "npm script: npm run providers:refresh -- 1.69.0",
    "read-only: git diff --stat providers/",
    "read-only: git diff providers/hcloud/VERSION providers/hcloud/schema.json",
    "npm script: npm run providers:lock",
    "ci: npm run get",
    "npm script: npm run synth",
    "ci: npm test",
    "all2all: npx all2all plan --env staging",
    "all2all: npx all2all deploy --env staging",
    "all2all: npx all2all plan --env production",
  ]);
});

test("the refresh rewrote the sandbox's schema and VERSION, not the repository's", () => {
  expect(fs.readFileSync(path.join(run.sandbox, "providers", "hcloud", "VERSION"), "utf8")).toBe("1.69.0\n");
  expect(JSON.parse(fs.readFileSync(path.join(run.sandbox, "providers", "hcloud", "schema.json"), "utf8"))).toEqual(
    JSON.parse(fs.readFileSync(path.join(repoRoot, "providers", "hcloud", "schema.json"), "utf8")),
  );
  expect(
    callLines(run.fake)
      .slice(0, 2)
      .map((c) => c.replace(/^[^:]+: /, "")),
  ).toEqual(["version", "init -input=false -no-color"]);
});
