// docs/first-deploy.md, run as an operator would, with a fake tofu
// (testing/runbooks.ts): every command exists and succeeds, in order.
import * as fs from "node:fs";
import * as path from "node:path";
import { callLines } from "../../testing/deploy";
import { failures, runbookOnce } from "../../testing/runbooks";

// The operator types the environment's name at each confirmation.
jest.mock("../../cli/deploy/confirm", () => jest.requireActual("../../testing/deploy").TYPED_CONFIRM);

const run = runbookOnce("first-deploy.md");

test("every command of the runbook runs and succeeds", () => {
  expect(failures(run)).toEqual([]);
  expect(run.executed.filter((e) => e.how === "all2all").map((e) => e.line)).toEqual([
    "npx all2all check --env production",
    "npx all2all synth --env production",
    "npx all2all inventory --env production",
    "npx all2all plan --env production --stack network",
    "npx all2all deploy --env production",
    "npx all2all output --env production --stack servers --format json > production-servers.json",
    "npx all2all inventory --env production --addresses production-servers.json",
    "npx all2all zonefile --env production --knot --addresses production-servers.json",
    "npx all2all output --env production --stack backup",
  ]);
});

test("its variables are exactly what production's stacks need: deploy refuses while one is missing", () => {
  const deploy = run.executed.find((e) => e.line === "npx all2all deploy --env production")!;
  expect(deploy.code).toBe(0);
  const declared = new Set<string>(["HCLOUD_TOKEN", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"]);
  for (const stack of fs.readdirSync(path.join(run.sandbox, "cdktf.out", "stacks"))) {
    const doc = JSON.parse(
      fs.readFileSync(path.join(run.sandbox, "cdktf.out", "stacks", stack, "cdk.tf.json"), "utf8"),
    );
    for (const v of Object.keys(doc.variable ?? {})) declared.add(`TF_VAR_${v}`);
  }
  expect([...run.variables].sort()).toEqual([...declared].sort());
});

test("deploy planned and applied every production stack in order, each in its directory", () => {
  const stacks = ["production-backup", "production-network", "production-servers", "production-dns"];
  const calls = callLines(run.fake).filter((c) => !c.includes(": output "));
  // npm run providers:lock, before the synth: the lock file that synth copies into every stack.
  expect(calls.slice(0, 2)).toEqual([
    "project: version",
    expect.stringMatching(
      /^all2all-lock-\w+: providers lock -platform=linux_amd64 -platform=linux_arm64 -platform=darwin_arm64$/,
    ),
  ]);
  expect(fs.readFileSync(path.join(run.sandbox, "providers", "hcloud", ".terraform.lock.hcl"), "utf8")).toMatch(
    /version += "1\.68\.0"[\s\S]*zh:/,
  );
  expect(calls.slice(2)).toEqual([
    "production-network: init -input=false",
    "production-network: plan -input=false -out=plan.tfplan",
    "production-network: show -json plan.tfplan",
    ...stacks.flatMap((s) => [
      `${s}: init -input=false`,
      `${s}: plan -input=false -out=plan.tfplan`,
      `${s}: show -json plan.tfplan`,
      `${s}: apply -input=false plan.tfplan`,
    ]),
  ]);
  expect(callLines(run.fake).filter((c) => c.includes(": output "))).toEqual([
    "production-servers: output -json",
    "production-backup: output -json",
  ]);
  expect(JSON.parse(fs.readFileSync(path.join(run.sandbox, "production-servers.json"), "utf8"))["web-1-ipv4"]).toEqual({
    sensitive: false,
    type: "string",
    value: expect.stringMatching(/^203\.0\.113\.\d+$/),
  });
  expect(run.executed.find((e) => e.line === "npx all2all output --env production --stack backup")!.stdout).toEqual([
    "backup-host = fake-backup-host",
  ]);
  expect(fs.readdirSync(path.join(run.sandbox, "zones", "production")).sort()).toEqual([
    "all2all.org.zone",
    "exemple-asbl.be.zone",
    "knot",
  ]);
});
