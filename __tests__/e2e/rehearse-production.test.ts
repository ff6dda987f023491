/**
 * Production and DR, rehearsed with the real engine against the simulated
 * Hetzner Cloud: every stack applies and plans again empty, and on the
 * applied production the engine itself refuses to destroy a server
 * (prevent_destroy), whatever asks it to.
 */
import * as path from "node:path";
import { runPlan } from "../../cli/deploy";
import { runSynth } from "../../cli/synth";
import { describeE2e } from "../../testing/engine";
import { capture, copyConfig, editFile, rehearse, type Rehearsed } from "../../testing/rehearsal";
import { makeTempDir, repoRoot } from "../../testing/tmp";

jest.setTimeout(900_000);

describeE2e("rehearsal of production on the real engine", () => {
  const t = makeTempDir("all2all-e2e-production-");
  afterAll(() => t.cleanup());
  const config = copyConfig(path.join(t.dir, "config"));
  let result: Rehearsed;
  const seen: Record<string, { code: number; stdout: string[]; stderr: string[] }> = {};

  beforeAll(async () => {
    result = await rehearse("production", { config, work: path.join(t.dir, "work") }, async (sb) => {
      const binary = path.join(sb.env.PATH!.split(path.delimiter)[0]!, "tofu");
      // The bastion moved to another location: a replacement of a protected server.
      editFile(
        path.join(config, "network.yaml"),
        "    role: bastion\n    type: cx23\n",
        "    role: bastion\n    type: cx23\n    location: nbg1\n",
      );
      const moved = path.join(sb.work, "out-moved");
      seen.synth = await capture(process.env, (io) =>
        runSynth({ config, env: "production", out: moved, localState: true }, io, repoRoot),
      );
      seen.plan = await capture({ ...process.env, ...sb.env }, (io) =>
        runPlan({ env: "production", out: moved, stack: "servers", binary, allowMissingLock: true }, io, repoRoot),
      );
    });
  });

  test("every stack applies and plans again with no change", () => {
    expect(result.report.missing_routes).toEqual([]);
    expect(result.code).toBe(0);
    expect(result.report.stacks.map((s) => [s.name, s.changes_after_apply])).toEqual([
      ["production-backup", 0],
      ["production-network", 0],
      ["production-servers", 0],
      ["production-dns", 0],
    ]);
    const servers = result.report.stacks.find((s) => s.name === "production-servers")!;
    expect(servers.created.filter((a) => a.startsWith("hcloud_server.")).sort()).toEqual(
      ["admin-1", "lists-1", "mail-1", "ns-1", "web-1", "web-2"].map((n) => `hcloud_server.${n}`),
    );
  });

  test("the engine refuses to plan a production server's move, which destroys its addresses (prevent_destroy)", () => {
    expect(seen.synth!.code).toBe(0);
    expect(seen.plan!.code).toBe(1);
    const text = [...seen.plan!.stdout, ...seen.plan!.stderr].join("\n");
    expect(text).toMatch(/Resource instance cannot be destroyed/);
    expect(text).toMatch(/hcloud_primary_ip\.admin-1-ipv4 has prevent_destroy set/);
    expect(text).toMatch(/step plan failed/);
  });
});

describeE2e("rehearsal of dr on the real engine", () => {
  const t = makeTempDir("all2all-e2e-dr-");
  afterAll(() => t.cleanup());

  test("every stack applies and plans again with no change", async () => {
    const result = await rehearse("dr", {
      config: copyConfig(path.join(t.dir, "config")),
      work: path.join(t.dir, "work"),
    });
    expect(result.report.missing_routes).toEqual([]);
    expect(result.code).toBe(0);
    expect(result.report.stacks.every((s) => s.created.length > 0 && s.changes_after_apply === 0)).toBe(true);
  });
});
