// Reviewed means deployed: `all2all diff` prints, per environment, the digest of the head's stacks, the
// same digest `all2all plan|deploy --expect-digest` computes over what `all2all synth` wrote.
import * as path from "node:path";
import { type DiffOptions, digestsOf } from "../../cli/diff";
import { readSynthOutput } from "../../cli/diff/sides";
import { environmentOfStack } from "../../cli/diff/zones";
import { DIGEST_PATTERN, stacksDigest } from "../../cli/digest";
import { ExitCode, captureIo } from "../../cli/io";
import { runSynth } from "../../cli/synth";
import { cloneForTests, diffIn } from "../../testing/diff";
import { makeTempDir } from "../../testing/tmp";

jest.setTimeout(180_000);

const repo = cloneForTests();

const diff = (options: DiffOptions) => diffIn(repo, options);

/**
 * A plain `all2all synth` of the clone's working tree into a folder of its own, and the digest of each environment's
 * stacks there.
 */
async function synthDigests(env?: string): Promise<Record<string, string>> {
  const t = makeTempDir("all2all-digest-synth-");
  try {
    const out = path.join(t.dir, "cdktf.out");
    const io = captureIo({}, repo.dir);
    expect(await runSynth({ out, ...(env !== undefined ? { env } : {}) }, io, repo.dir)).toBe(ExitCode.ok);
    const { docs } = readSynthOutput(out);
    const byEnv = new Map<string, [string, unknown][]>();
    for (const [name, doc] of docs)
      byEnv.set(environmentOfStack(name), [...(byEnv.get(environmentOfStack(name)) ?? []), [name, doc]]);
    return Object.fromEntries([...byEnv].map(([e, stacks]) => [e, stacksDigest(stacks)]));
  } finally {
    t.cleanup();
  }
}

describe("the digests of the head", () => {
  test(
    "equal stacksDigest of a plain `all2all synth` of the same " + "tree, per environment (JSON and Markdown)",
    async () => {
      const expected = await synthDigests();
      expect(Object.keys(expected).sort()).toEqual(["dr", "production", "staging"]);
      const json = await diff({ base: "HEAD", format: "json" });
      expect(json.code).toBe(ExitCode.ok);
      const report = JSON.parse(json.text);
      expect(report.digests).toEqual(expected);
      for (const d of Object.values(report.digests)) expect(d).toMatch(DIGEST_PATTERN);

      const md = await diff({ base: "HEAD" });
      const lines = md.stdout.filter((l) => l.startsWith("digest "));
      expect(lines).toEqual(["dr", "production", "staging"].map((e) => `digest ${e}: ${expected[e]}`));
      expect(md.text).toContain("### Digests");
    },
  );

  test("one environment (--env): its digest only, the same as `all2all synth --env`'s", async () => {
    const expected = await synthDigests("staging");
    const r = await diff({ base: "HEAD", env: "staging", format: "json" });
    expect(JSON.parse(r.text).digests).toEqual({ staging: expected.staging });
  });

  test("a change of config changes its environment's digest, and only that one", async () => {
    const before = JSON.parse((await diff({ base: "HEAD", format: "json" })).text).digests;
    repo.edit(
      "config/environments/staging.yaml",
      '    disposable: "true"\n',
      '    disposable: "true"\n    team: infra\n',
    );
    try {
      const after = JSON.parse((await diff({ base: "HEAD", format: "json" })).text).digests;
      expect(after.staging).not.toBe(before.staging);
      expect(after.production).toBe(before.production);
      expect(after.dr).toBe(before.dr);
      expect(after).toEqual(await synthDigests());
    } finally {
      repo.git("checkout", "--quiet", "--", "config");
    }
  });

  test("digestsOf: stacks grouped by environment, `//` metadata ignored", () => {
    const a = { resource: { hcloud_server: { web: { name: "web", "//": { metadata: { path: "x" } } } } } };
    const b = {
      resource: {
        hcloud_server: {
          web: { name: "web", "//": { metadata: { path: "y" }, policy_suppressions: [{ rule: "r", reason: "why" }] } },
        },
      },
    };
    const one = digestsOf(
      new Map<string, unknown>([
        ["production-servers", a],
        ["production-network", {}],
        ["staging-servers", a],
      ]),
    );
    expect(Object.keys(one)).toEqual(["production", "staging"]);
    expect(
      digestsOf(
        new Map<string, unknown>([
          ["production-servers", b],
          ["production-network", {}],
        ]),
      ).production,
    ).toBe(one.production);
    expect(one.production).toBe(
      stacksDigest([["production-network", {}] as const, ["production-servers", a] as const]),
    );
  });
});
