// Every file or folder of the project that README.md and docs/ cite (in
// backticks or as a link) exists: an operator who follows a doc in an
// emergency must find what it names.
import * as fs from "node:fs";
import * as path from "node:path";
import { repoRoot } from "../../testing/tmp";

/** Top-level folders and files of the project a citation may start with. */
const ROOTS = [
  "__tests__",
  "bench",
  "bin",
  "catalogue",
  "cli",
  "config",
  "constructs",
  "docs",
  "engine",
  "policies",
  "providers",
  "simulator",
  "spec",
  "stacks",
  "testing",
  "validate",
  "zonefile",
  ".ci",
  ".forgejo",
  ".github",
];
/** Paths that are made by commands, not committed (outputs, caches, state). */
const MADE = /^(cdktf\.out|zones|state|dist|\.gen|node_modules)(\/|$)|<|\*|\{|\$/;

function citations(text: string): string[] {
  const found = new Set<string>();
  for (const m of text.matchAll(/`([^`\s]+)`|\]\(([^)\s#]+)/g)) {
    const cited = (m[1] ?? m[2] ?? "")
      .replace(/^\.\//, "")
      .replace(/[:#].*$/, "")
      .replace(/[.,;]$/, "");
    if (!ROOTS.some((r) => cited === r || cited.startsWith(`${r}/`))) continue;
    if (MADE.test(cited) || /^https?:/.test(cited)) continue;
    found.add(cited);
  }
  return [...found].sort();
}

/**
 * Cited before they exist, each with why. The provider lock file is made by
 * `npm run providers:lock` where a registry can be reached, which the
 * project's machines cannot: until it is committed, plan refuses without
 * --allow-missing-lock, as the docs say.
 */
const NOT_YET: ReadonlyMap<string, string> = new Map([
  ["providers/hcloud/.terraform.lock.hcl", "made by npm run providers:lock where a registry can be reached"],
]);

const docs = [
  "README.md",
  ...fs
    .readdirSync(path.join(repoRoot, "docs"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => `docs/${f}`),
];

test.each(docs)("%s cites only files that exist", (doc) => {
  const base = doc.startsWith("docs/") ? path.join(repoRoot, "docs") : repoRoot;
  const missing = citations(fs.readFileSync(path.join(repoRoot, doc), "utf8")).filter(
    (c) => !NOT_YET.has(c) && !fs.existsSync(path.join(repoRoot, c)) && !fs.existsSync(path.join(base, c)),
  );
  expect(missing).toEqual([]);
});

test("the check finds a missing file", () => {
  expect(
    citations("see `__tests__/deploy/runbooks.test.ts` and [x](cli/nope.ts) and `cdktf.out/stacks/<stack>`"),
  ).toEqual(["__tests__/deploy/runbooks.test.ts", "cli/nope.ts"]);
});

/** The runbooks whose every sh block a test runs (testing/runbooks.ts), each by its test. */
const RUNBOOKS = ["adopting.md", "disaster-recovery.md", "first-deploy.md", "provider-upgrade.md"];

test.each(docs.filter((d) => !RUNBOOKS.includes(path.basename(d))))(
  "every sh block of %s is run by a test it names, or marked as not run",
  (doc) => {
    const text = fs.readFileSync(path.join(repoRoot, doc), "utf8");
    const firstLines = [...text.matchAll(/^```sh\n([^\n]*)/gm)].map((m) => m[1]!);
    for (const first of firstLines) {
      const m = /^# (not run by this project|run by (\S+))/.exec(first);
      expect({ doc, first, marked: m !== null }).toEqual({ doc, first, marked: true });
      if (m?.[2])
        expect({ doc, first, exists: fs.existsSync(path.join(repoRoot, m[2])) }).toEqual({ doc, first, exists: true });
    }
  },
);

test.each(RUNBOOKS)("the runbook %s has its test", (doc) => {
  // In-process, or in the processes project when it runs the runbook's commands as processes.
  const base = path.join(repoRoot, "__tests__", "deploy", `runbook-${doc.replace(/\.md$/, "")}`);
  expect([`${base}.unit.ts`, `${base}.process.test.ts`].filter((f) => fs.existsSync(f))).toHaveLength(1);
});
