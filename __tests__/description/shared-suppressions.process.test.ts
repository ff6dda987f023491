// A suppression in a shared file may name a server that one environment
// removes: there it is unused (the policy warning suppression-unused, as
// docs/policies.md says), not an error. In an overlay, an unknown name stays
// an error.
import { runCli } from "../../testing/cli";
import * as fs from "node:fs";
import * as path from "node:path";
import { copyConfig, editFile } from "../../testing/rehearsal";
import { makeTempDir } from "../../testing/tmp";

const t = makeTempDir("all2all-shared-suppressions-");
afterAll(() => t.cleanup());

const cli = (argv: string[]) => runCli(argv, t.dir);

const SUPPRESSION = (resource: string) =>
  `suppressions:\n  - rule: stateful-backups\n    resource: ${resource}\n    reason: The web ` +
  `servers hold no data of their own; the shared storage is backed up elsewhere.\n`;

test("a shared suppression of a server staging removes is the suppression-unused warning there", async () => {
  const config = copyConfig(path.join(t.dir, "shared"));
  fs.appendFileSync(path.join(config, "network.yaml"), `\n${SUPPRESSION("server/web-2")}`);
  const check = await cli(["check", "--config", config, "--env", "staging", "--no-policies"]);
  expect(check.stderr).toEqual([]);
  expect(check.code).toBe(0);
  const synth = await cli(["synth", "--config", config, "--env", "staging", "--out", path.join(t.dir, "out")]);
  expect(synth.code).toBe(0);
  expect(synth.stdout.join("\n")).toMatch(/^warning\s+suppression-unused\s.*server\/web-2/m);
});

test("in an environment's overlay, a suppression of an unknown server is still an error", async () => {
  const config = copyConfig(path.join(t.dir, "overlay"));
  editFile(
    path.join(config, "environments", "staging.yaml"),
    "suppressions:\n",
    `${SUPPRESSION("server/web-2").split("\n").slice(1).join("\n")}`.replace(/^/, "suppressions:\n"),
  );
  const check = await cli(["check", "--config", config, "--env", "staging", "--no-policies"]);
  expect(check.code).toBe(2);
  expect(check.stderr.join("\n")).toMatch(
    /staging\.yaml:\d+:\d+\s+suppressions\[0\]\.resource\s+unknown server "web-2"/,
  );
});
