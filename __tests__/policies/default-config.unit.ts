// The default config passes: no unsuppressed error; its warnings are the ones
// docs/policies.md lists with their suppressions; with those suppressions in
// place, nothing is left, nothing is unused, the JSON carries them, and the
// output is still schema-valid and deterministic.
import * as fs from "node:fs";
import * as path from "node:path";
import { blockingFindings, policyReportJson } from "../../policies";
import { validateStack } from "../../validate";
import { hcloudSchemas } from "../../testing/construct-expect";
import {
  PROPOSED_SUPPRESSIONS,
  addProposedSuppressions,
  sharedSynth,
  synthEdited,
  synthWithPolicies,
} from "../../testing/policies";
import { repoRoot } from "../../testing/tmp";

const envOf = (file: string) => path.basename(file, ".yaml");
const defaults = sharedSynth();
const asCommitted = sharedSynth({ keepDefaultSuppressions: true });

test("the default config yields no unsuppressed error", () => {
  expect(blockingFindings(defaults.findings)).toEqual([]);
});

test(
  "the default config as committed carries exactly the documented " + "suppressions: nothing in force, nothing unused",
  () => {
    expect(asCommitted.findings.filter((f) => !f.suppressed)).toEqual([]);
    expect(asCommitted.findings.map((f) => [f.environment, f.rule, f.subject, f.suppressed?.reason])).toEqual(
      [...PROPOSED_SUPPRESSIONS]
        .sort((a, b) => envOf(a.file).localeCompare(envOf(b.file)))
        .map((s) => [envOf(s.file), s.rule, s.resource, s.reason]),
    );
  },
);

test(
  "every finding of the default config is suppressed with a reason, " + "or is one the documented suppressions cover",
  () => {
    for (const f of defaults.findings) {
      if (f.suppressed) {
        expect(f.suppressed.reason.length).toBeGreaterThanOrEqual(20);
        continue;
      }
      const covered = PROPOSED_SUPPRESSIONS.some(
        (s) => envOf(s.file) === f.environment && s.rule === f.rule && s.resource === f.subject,
      );
      expect({ finding: f, covered }).toEqual({ finding: f, covered: true });
    }
  },
);

describe("with the suppressions of docs/policies.md", () => {
  const suppressed = synthEdited((ws) => addProposedSuppressions(ws));

  test("nothing is left in force, nothing is unused", () => {
    expect(suppressed.findings.filter((f) => !f.suppressed)).toEqual([]);
    expect(suppressed.findings.map((f) => [f.environment, f.rule, f.subject, f.stack, f.address])).toEqual([
      ["dr", "rdns-forward-floating", "server/web-1", "dr-servers", "hcloud_floating_ip.web-1-floating-ipv4"],
      [
        "production",
        "rdns-forward-floating",
        "server/web-1",
        "production-servers",
        "hcloud_floating_ip.web-1-floating-ipv4",
      ],
      ["staging", "storage-box-delete-protection", "storage-box/backup", "staging-backup", "hcloud_storage_box.backup"],
    ]);
  });

  test("each suppression is written into the JSON of its resource, and the output stays schema-valid", () => {
    for (const s of PROPOSED_SUPPRESSIONS) {
      const env = envOf(s.file);
      const [stack, type, name] =
        s.rule === "rdns-forward-floating"
          ? [`${env}-servers`, "hcloud_floating_ip", "web-1-floating-ipv4"]
          : [`${env}-backup`, "hcloud_storage_box", "backup"];
      expect(suppressed.stacks.get(stack).resource[type][name]["//"].policy_suppressions).toEqual([
        { rule: s.rule, reason: s.reason },
      ]);
    }
    for (const [name, tf] of suppressed.stacks)
      expect({ name, problems: validateStack(name, tf, hcloudSchemas()) }).toEqual({ name, problems: [] });
  });
});

test("docs/policies.md lists every suppression the default config needs, with its reason", () => {
  const docs = fs.readFileSync(path.join(repoRoot, "docs", "policies.md"), "utf8");
  for (const s of PROPOSED_SUPPRESSIONS) {
    const row = docs
      .split("\n")
      .find((l) => l.includes(`(\`${s.file}\`)`) && l.includes(`\`${s.rule}\``) && l.includes(`\`${s.resource}\``));
    expect({ suppression: s, row: row?.includes(s.reason) }).toEqual({ suppression: s, row: true });
  }
});

test("two runs on the same input give the same findings and the same report", () => {
  const again = synthWithPolicies();
  expect(again.findings).toEqual(defaults.findings);
  expect(policyReportJson(again.findings)).toBe(policyReportJson(defaults.findings));
});
