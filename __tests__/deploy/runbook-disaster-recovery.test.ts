// docs/disaster-recovery.md, run as an operator would, with a fake tofu
// (testing/runbooks.ts).
import { callLines } from "../../testing/deploy";
import { failures, runRunbook, RUNBOOK_TIMEOUT_MS, type RunbookRun } from "../../testing/runbooks";

jest.mock("../../cli/deploy/confirm", () => ({
  stdinIsTerminal: () => true,
  stdinConfirm: () => async (question: string) => /\(([\w-]+)\) to apply it/.exec(question)?.[1],
}));

let run: RunbookRun;
beforeAll(async () => {
  run = await runRunbook("disaster-recovery.md");
}, RUNBOOK_TIMEOUT_MS);
afterAll(() => run.cleanup());

test("every command of the runbook runs and succeeds", () => {
  expect(failures(run)).toEqual([]);
  expect(run.executed.filter((e) => e.how === "all2all").map((e) => e.line)).toEqual([
    "npx all2all synth --env dr",
    "npx all2all inventory --env dr",
    "npx all2all deploy --env dr --stack network",
    "npx all2all deploy --env dr --stack servers",
    "npx all2all deploy --env dr --stack backup",
    "npx all2all inventory --env dr --addresses dr-servers.json",
    "npx all2all zonefile --env dr --knot --addresses dr-servers.json",
    "npx all2all deploy --env dr --stack dns",
  ]);
});

test("DR is rebuilt stack by stack, DNS last, and nothing of production is touched", () => {
  const applies = callLines(run.fake).filter((c) => c.includes(": apply "));
  expect(applies).toEqual(["dr-network", "dr-servers", "dr-backup", "dr-dns"].map((s) => `${s}: apply -input=false plan.tfplan`));
  expect(callLines(run.fake).every((c) => c.startsWith("dr-"))).toBe(true);
});

test("the zone files name DR's addresses, from the servers stack's outputs", () => {
  const zonefile = run.executed.find((e) => e.line.startsWith("npx all2all zonefile"))!;
  expect(zonefile.stdout).toContain("  addresses: outputs of the dr-servers stack");
});
