// docs/policies.md and policies/ say the same thing: every rule with its
// severity and suppressibility, every role; the label-taking resource types
// match the provider schema.
import * as fs from "node:fs";
import * as path from "node:path";
import { LABELLED_TYPES, ROLES, RULES } from "../../policies";
import { repoRoot } from "../../testing/tmp";

const docs = fs.readFileSync(path.join(repoRoot, "docs", "policies.md"), "utf8");

test("the rules table of docs/policies.md is RULES: ids, severities, suppressible, in order", () => {
  const rows = docs
    .split("\n")
    .map((l) => /^\| `([a-z0-9-]+)` \| (error|warning) \| (yes|no) \| (.+) \|$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ id: m[1], severity: m[2], suppressible: m[3] === "yes" }));
  expect(rows).toEqual(RULES.map((r) => ({ id: r.id, severity: r.severity, suppressible: r.suppressible })));
});

test("rule ids are kebab-case, as config suppressions accept them, and unique", () => {
  for (const r of RULES) expect(r.id).toMatch(/^[a-z0-9][a-z0-9-]*$/);
  expect(new Set(RULES.map((r) => r.id)).size).toBe(RULES.length);
  expect(RULES.filter((r) => !r.suppressible && r.severity === "error").map((r) => r.id)).toEqual([
    "protect-stateful",
    "production-protect",
    "public-ip-primary",
    "no-literal-secret",
    "server-replace-guard",
    "suppression-invalid",
  ]);
});

test(
  "every role of policies/roles.ts has a row in the roles table, " + "and the default config uses only those roles",
  () => {
    for (const role of Object.keys(ROLES)) expect(docs).toMatch(new RegExp(`^\\| \`${role}\` \\|`, "m"));
    const network = fs.readFileSync(path.join(repoRoot, "config", "network.yaml"), "utf8");
    const used = [...network.matchAll(/^\s+role: ([a-z0-9-]+)/gm)].map((m) => m[1]);
    expect(used.length).toBeGreaterThan(0);
    for (const role of used) expect(Object.keys(ROLES)).toContain(role);
  },
);

test("LABELLED_TYPES are the resource types whose schema has labels", () => {
  const schema = JSON.parse(fs.readFileSync(path.join(repoRoot, "providers", "hcloud", "schema.json"), "utf8"));
  const resources = (Object.values(schema.provider_schemas)[0] as any).resource_schemas;
  const labelled = Object.keys(resources)
    .filter((type) => resources[type].block.attributes?.labels !== undefined)
    .sort();
  expect([...LABELLED_TYPES].sort()).toEqual(labelled);
});
