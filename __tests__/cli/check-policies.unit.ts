// `all2all check` runs the policy rules too: what synth would refuse, check
// refuses (exit 1), without writing anything; --no-policies skips them.
import { runCli } from "../../testing/cli";
import * as fs from "node:fs";
import * as path from "node:path";
import { copyConfig, editFile } from "../../testing/rehearsal";
import { makeTempDir } from "../../testing/tmp";

const t = makeTempDir("all2all-check-policies-");
afterAll(() => t.cleanup());

const cli = (argv: string[]) => runCli(argv, t.dir);

test("a port opened to the world in the web policy: check exits 1 with the policy errors, writes nothing", async () => {
  const config = copyConfig(path.join(t.dir, "config"));
  editFile(
    path.join(config, "network.yaml"),
    "      - { direction: in, protocol: tcp, port: 443, sources: [any], description: HTTPS }\n",
    "      - { direction: in, protocol: tcp, port: 443, sources: [any], description: HTTPS }\n      - { " +
      "direction: in, protocol: tcp, port: 5432, sources: [any], description: postgres }\n",
  );
  const before = fs.readdirSync(t.dir).sort();
  const r = await cli(["check", "--config", config, "--env", "production"]);
  expect(r.code).toBe(1);
  // Each finding's line, then its message wrapped below it.
  expect(r.stdout.join("\n").replace(/\n {4}/g, " ")).toMatch(
    /^error\s+firewall-public-port-role\s+production-servers\s+hcloud_server\.web-1 server web-1 .*tcp 5432/m,
  );
  expect(r.stderr.join("\n")).toMatch(/check: \d+ policy errors \(above\): synth would refuse this/);
  expect(fs.readdirSync(t.dir).sort()).toEqual(before);

  const skipped = await cli(["check", "--config", config, "--env", "production", "--no-policies"]);
  expect(skipped.code).toBe(0);
  expect(skipped.stdout.join("\n")).not.toMatch(/firewall-public-port-role/);
});

test("the default config passes, with the policy summary", async () => {
  const r = await cli(["check"]);
  expect(r.code).toBe(0);
  expect(r.stdout).toContain("policies: 0 errors, 0 warnings, 3 suppressed");
  expect(r.stdout).toContain(
    "3 suppressed findings not shown: each is accepted in config with its reason " +
      "(docs/policies.md); --policy-report FILE lists them",
  );
});
