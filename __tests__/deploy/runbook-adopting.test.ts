// docs/adopting.md, run as an operator would, with a fake tofu
// (testing/runbooks.ts): its overlay adopts the server, its imports name
// resources that exist, with the provider's import ids.
import * as fs from "node:fs";
import * as path from "node:path";
import { fakeCalls } from "../../testing/deploy";
import { failures, runRunbook, RUNBOOK_TIMEOUT_MS, type RunbookRun } from "../../testing/runbooks";

jest.mock("../../cli/deploy/confirm", () => ({
  stdinIsTerminal: () => true,
  stdinConfirm: () => async (question: string) => /\(([\w-]+)\) to apply it/.exec(question)?.[1],
}));

let run: RunbookRun;
beforeAll(async () => {
  run = await runRunbook("adopting.md", { inherit: ["first-deploy.md"] });
}, RUNBOOK_TIMEOUT_MS);
afterAll(() => run.cleanup());

test("every command of the runbook runs and succeeds", () => {
  expect(failures(run)).toEqual([]);
});

test("the overlay of the runbook makes synth write import blocks for the server and its primary IPs", () => {
  const tf = JSON.parse(fs.readFileSync(path.join(run.sandbox, "cdktf.out", "stacks", "production-servers", "cdk.tf.json"), "utf8"));
  expect(tf.import).toEqual(
    expect.arrayContaining([
      { to: "hcloud_server.ns-1", id: "4711" },
      { to: "hcloud_primary_ip.ns-1-ipv4", id: "1001" },
      { to: "hcloud_primary_ip.ns-1-ipv6", id: "1002" },
    ]),
  );
});

test("the zone imports cover every record set of the zone, with the provider's import ids", () => {
  const imports = fakeCalls(run.fake)
    .filter((c) => c.argv[0] === "import" && path.basename(c.cwd) === "production-dns")
    .map((c) => `${c.argv[1]} ${c.argv[2]}`);
  const tf = JSON.parse(fs.readFileSync(path.join(run.sandbox, "cdktf.out", "stacks", "production-dns", "cdk.tf.json"), "utf8"));
  const rrsets = Object.keys(tf.resource.hcloud_zone_rrset).filter((n) => n.startsWith("exemple-asbl-be-"));
  expect(imports.filter((i) => i.startsWith("hcloud_zone_rrset.")).map((i) => i.split(" ")[0]).sort()).toEqual(rrsets.map((n) => `hcloud_zone_rrset.${n}`).sort());
  expect(imports[0]).toBe("hcloud_zone.exemple-asbl-be exemple-asbl.be");
  for (const i of imports.slice(1)) {
    const [address, id] = i.split(" ");
    const rs = tf.resource.hcloud_zone_rrset[address.split(".")[1]];
    expect(id).toBe(`exemple-asbl.be/${rs.name}/${rs.type}`);
  }
});
