// The runbooks link to each other and to the references: every relative
// link resolves (docs/review.md is another change's runbook and is checked
// only once it exists), and every runbook has commands the runbook tests run.
import * as fs from "node:fs";
import * as path from "node:path";
import { runbookSteps } from "../../testing/runbooks";
import { repoRoot } from "../../testing/tmp";

const RUNBOOKS = ["first-deploy.md", "adopting.md", "disaster-recovery.md", "provider-upgrade.md"];

test.each(RUNBOOKS)("%s: every relative link resolves", (file) => {
  const text = fs.readFileSync(path.join(repoRoot, "docs", file), "utf8");
  const broken: string[] = [];
  for (const m of text.matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)) {
    const target = m[1]!;
    if (/^[a-z]+:/.test(target)) continue;
    const resolved = path.resolve(repoRoot, "docs", target);
    if (target === "review.md" && !fs.existsSync(resolved)) continue;
    if (!fs.existsSync(resolved)) broken.push(target);
  }
  expect(broken).toEqual([]);
});

test.each(RUNBOOKS)("%s: has commands for the runbook tests to run", (file) => {
  const steps = runbookSteps(fs.readFileSync(path.join(repoRoot, "docs", file), "utf8"));
  expect(steps.filter((s) => s.kind === "sh").length).toBeGreaterThan(2);
});
