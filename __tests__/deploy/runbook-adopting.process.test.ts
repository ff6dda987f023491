// docs/adopting.md, run as an operator would, with a fake tofu
// (testing/runbooks.ts): its adoption file is checked and synthesised into
// import blocks in each stack, with the provider's import ids. (`all2all
// adopt` itself reads a Hetzner project: __tests__/cli/adopt.test.ts and
// __tests__/e2e/adopt.test.ts run it against the simulator.)
import * as fs from "node:fs";
import * as path from "node:path";
import { fakeCalls } from "../../testing/deploy";
import { failures, runbookOnce } from "../../testing/runbooks";

jest.mock("../../cli/deploy/confirm", () => jest.requireActual("../../testing/deploy").TYPED_CONFIRM);

const run = runbookOnce("adopting.md", { inherit: ["first-deploy.md"] });

const stack = (name: string) =>
  JSON.parse(fs.readFileSync(path.join(run.sandbox, "cdktf.out", "stacks", name, "cdk.tf.json"), "utf8"));

const byTarget = (imports: { to: string; id: string }[]) => [...imports].sort((a, b) => a.to.localeCompare(b.to));

test("every command of the runbook runs and succeeds", () => {
  expect(failures(run)).toEqual([]);
});

test("the runbook's adoption file becomes import blocks in each stack, and nothing else is imported", () => {
  expect(stack("production-network").import).toEqual([{ to: "hcloud_ssh_key.alice", id: "1234567" }]);
  expect(byTarget(stack("production-servers").import)).toEqual([
    { to: "hcloud_primary_ip.ns-1-ipv4", id: "1001" },
    { to: "hcloud_primary_ip.ns-1-ipv6", id: "1002" },
    { to: "hcloud_server.ns-1", id: "4711" },
  ]);
  expect(byTarget(stack("production-dns").import)).toEqual([
    { to: "hcloud_zone_rrset.exemple-asbl-be-www-cname", id: "exemple-asbl.be/www/CNAME" },
    { to: "hcloud_zone.exemple-asbl-be", id: "exemple-asbl.be" },
  ]);
  expect(stack("production-backup").import).toBeUndefined();
});

test(
  "the adopted server ignores public_net, which an import does not " + "read back; servers created by config do not",
  () => {
    const servers = stack("production-servers").resource.hcloud_server;
    expect(servers["ns-1"].lifecycle.ignore_changes).toContain("public_net");
    expect(servers["web-1"].lifecycle.ignore_changes).not.toContain("public_net");
  },
);

test("the stacks are planned and deployed in the runbook's order", () => {
  const stacks = fakeCalls(run.fake)
    .filter((c) => c.argv[0] === "apply")
    .map((c) => path.basename(c.cwd));
  expect(stacks).toEqual(expect.arrayContaining(["production-network", "production-servers", "production-dns"]));
});
