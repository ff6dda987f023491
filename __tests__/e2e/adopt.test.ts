/**
 * Adoption on the real engine: a network created beforehand through the
 * simulator's API (as a person would in the Console) is found by
 * `all2all adopt`, synthesised with the import blocks it wrote, and planned
 * by OpenTofu with the hcloud provider: only imports, nothing to add, change
 * or destroy; after the apply the next plan is empty. A config that
 * describes the network differently gets a plan that shows each difference,
 * and the replacement of a stateful resource is flagged, never silent.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { runAdopt } from "../../cli/adopt";
import { runDeploy, runPlan, summarisePlan, type PlanSummary } from "../../cli/deploy";
import { PLAN_JSON } from "../../cli/deploy/steps";
import { environmentStacks, requiredVariables } from "../../cli/deploy/output";
import { captureIo } from "../../cli/io";
import { sandboxEnv } from "../../cli/rehearse/sandbox";
import { runSynth } from "../../cli/synth";
import { startSimulator, type RunningSimulator } from "../../simulator/server";
import { createLabNetwork, LAB, writeLabConfig, type LabRequest } from "../../testing/adopt";
import { describeE2e, requireEngine, TEST_TOKEN } from "../../testing/engine";
import { editFile } from "../../testing/rehearsal";
import { makeTempDir, repoRoot } from "../../testing/tmp";

jest.setTimeout(900_000);

function restOf(sim: RunningSimulator): LabRequest {
  return async (api, method, route, body) => {
    const res = await fetch(`${api === "cloud" ? sim.cloudUrl : sim.hetznerUrl}${route}`, {
      method,
      headers: { authorization: `Bearer ${TEST_TOKEN}`, "content-type": "application/json" },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: text === "" ? {} : JSON.parse(text) };
  };
}

interface Run {
  readonly code: number;
  readonly out: string[];
  readonly plans: Map<string, PlanSummary>;
  /** The plan JSON of each stack. */
  readonly raw: Map<string, any>;
}

/** The attributes an update changes, per address (before → after of the plan JSON). */
function updatedAttributes(raw: any): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const rc of raw.resource_changes ?? []) {
    if (!rc.change?.actions?.includes("update")) continue;
    const before = rc.change.before ?? {};
    const after = rc.change.after ?? {};
    const unknown = rc.change.after_unknown ?? {};
    out[rc.address] = [...new Set([...Object.keys(before), ...Object.keys(after)])]
      .filter((k) => !unknown[k] && JSON.stringify(before[k]) !== JSON.stringify(after[k]))
      .sort();
  }
  return out;
}

/** A sandbox: simulator, the person's network, the config (edited), adopt, synth; then plan or deploy on demand. */
async function sandbox(dir: string, edit?: (config: string) => void) {
  const engine = requireEngine();
  const sim = await startSimulator({ instantActions: true, warn: () => {} });
  const ids = await createLabNetwork(restOf(sim));
  /** Requests so far: the person's. */
  const mark = sim.sim.log.length;
  const config = writeLabConfig(path.join(dir, "config"));
  edit?.(config);
  const env = {
    HCLOUD_TOKEN: TEST_TOKEN,
    HCLOUD_ENDPOINT: sim.cloudUrl,
    HETZNER_ENDPOINT: sim.hetznerUrl,
    PATH: process.env.PATH,
  };
  const adoptIo = captureIo(env, dir);
  const adoptCode = await runAdopt({ env: LAB, config }, adoptIo, repoRoot);
  const out = path.join(dir, "out");
  const synthIo = captureIo({}, dir);
  const synthCode = await runSynth({ env: LAB, config, out, localState: true }, synthIo, repoRoot);
  if (synthCode !== 0) throw new Error(`synth failed:\n${[...synthIo.stdout, ...synthIo.stderr].join("\n")}`);
  const stacks = environmentStacks(out, out, LAB);
  const engineEnv = sandboxEnv(engine, sim, requiredVariables(stacks));
  const common = { env: LAB, out, binary: engine.tofu, allowMissingLock: true, engineEnv };
  const run = async (what: "plan" | "deploy", stack?: string): Promise<Run> => {
    const io = captureIo({ ...process.env, ...engineEnv }, dir);
    const opts = { ...common, ...(stack ? { stack } : {}) };
    const code =
      what === "plan"
        ? await runPlan(opts, io, repoRoot)
        : await runDeploy({ ...opts, autoApprove: true }, io, repoRoot);
    const plans = new Map<string, PlanSummary>();
    const raw = new Map<string, any>();
    for (const s of stacks) {
      const file = path.join(s.dir, PLAN_JSON);
      if (stack !== undefined && !s.name.endsWith(`-${stack}`)) continue;
      if (!fs.existsSync(file)) continue;
      raw.set(s.name, JSON.parse(fs.readFileSync(file, "utf8")));
      plans.set(s.name, summarisePlan(raw.get(s.name)));
    }
    return { code, out: [...io.stdout, ...io.stderr], plans, raw };
  };
  return {
    sim,
    ids,
    mark,
    adopt: { code: adoptCode, out: [...adoptIo.stdout, ...adoptIo.stderr] },
    run,
    close: () => sim.close(),
  };
}

/** The exit code, with the run's output in the failure message. */
function expectCode(run: Run, code: number): void {
  if (run.code !== code) throw new Error(`exit ${run.code}, expected ${code}:\n${run.out.join("\n")}`);
}

const total = (plans: Map<string, PlanSummary>, kind: keyof PlanSummary["counts"]) =>
  [...plans.values()].reduce((n, p) => n + p.counts[kind], 0);

describeE2e("adoption of a network created beforehand, on the real engine", () => {
  const t = makeTempDir("all2all-e2e-adopt-");
  afterAll(() => t.cleanup());

  describe("the config describes the network as it is", () => {
    let sb: Awaited<ReturnType<typeof sandbox>>;
    let applied: Run;
    let second: Run;
    beforeAll(async () => {
      sb = await sandbox(path.join(t.dir, "same"));
      // Stack by stack, as deploy does: a stack's plan reads the state of the stacks before it.
      applied = await sb.run("deploy");
      second = await sb.run("plan");
    });
    afterAll(() => sb?.close());

    test("adopt matches every resource and finds nothing to create", () => {
      expect(sb.adopt.code).toBe(0);
      expect(sb.adopt.out).toContain("not found, to create (0):");
    });

    test("each stack's plan (made before its apply) imports every resource: 0 to add, replace or destroy", () => {
      expectCode(applied, 0);
      expect(applied.plans.size).toBe(4);
      expect(total(applied.plans, "import")).toBe(19);
      for (const k of ["create", "replace", "destroy"] as const) expect(total(applied.plans, k)).toBe(0);
    });

    test(
      "the only updates are the servers' settings that live in state alone " +
        "(never read from Hetzner, never sent to it)",
      () => {
        const changes = [...applied.plans.values()]
          .flatMap((p) => p.changes)
          .filter((c) => c.kinds.some((k) => k !== "import"));
        expect(changes.map((c) => [c.address, c.kinds])).toEqual([
          ["hcloud_server.db-1", ["import", "update"]],
          ["hcloud_server.web-1", ["import", "update"]],
        ]);
        expect(updatedAttributes(applied.raw.get(`${LAB}-servers`))).toEqual({
          "hcloud_server.db-1": ["ignore_remote_firewall_ids", "keep_disk", "shutdown_before_deletion"],
          "hcloud_server.web-1": ["ignore_remote_firewall_ids", "keep_disk", "shutdown_before_deletion"],
        });
      },
    );

    test("after the apply, the next plan is empty, and nothing was created or deleted at Hetzner", () => {
      expectCode(second, 0);
      for (const [stack, p] of second.plans) expect([stack, p.empty, p.changes]).toEqual([stack, true, []]);
      // Since the person's requests: adopt and the engine only read (an import writes nothing).
      const writes = sb.sim.sim.log.slice(sb.mark).filter((e) => e.method !== "GET");
      expect(writes.map((e) => `${e.method} ${e.path}`)).toEqual([]);
    });
  });

  describe("the config describes some of it differently", () => {
    let sb: Awaited<ReturnType<typeof sandbox>>;
    let backup: Run;
    let network: Run;
    let servers: Run;
    beforeAll(async () => {
      sb = await sandbox(path.join(t.dir, "different"), (config) => {
        const network = path.join(config, "network.yaml");
        editFile(network, "    role: db\n    type: cx23\n", "    role: db\n    type: cx33\n");
        editFile(
          network,
          "port: 22, sources: [admin], description: SSH }",
          "port: 2222, sources: [admin], description: SSH }",
        );
        editFile(path.join(config, "backup.yaml"), "    location: hel1\n", "    location: fsn1\n");
      });
      backup = await sb.run("plan", "backup");
      network = await sb.run("deploy", "network");
      servers = await sb.run("plan", "servers");
    });
    afterAll(() => sb?.close());

    test("the plans import and show each difference as an update", () => {
      expectCode(network, 0);
      expect(
        network.plans.get(`${LAB}-network`)!.changes.find((c) => c.address === "hcloud_firewall.base")?.kinds,
      ).toEqual(["import", "update"]);
      expectCode(servers, 0);
      const s = servers.plans.get(`${LAB}-servers`)!;
      expect(s.changes.find((c) => c.address === "hcloud_server.db-1")?.kinds).toEqual(["import", "update"]);
      expect(updatedAttributes(servers.raw.get(`${LAB}-servers`))["hcloud_server.db-1"]).toEqual([
        "ignore_remote_firewall_ids",
        "keep_disk",
        "server_type",
        "shutdown_before_deletion",
      ]);
      expect(updatedAttributes(network.raw.get(`${LAB}-network`))["hcloud_firewall.base"]).toEqual(["rule"]);
      expect(s.counts.create + s.counts.replace + s.counts.destroy).toBe(0);
    });

    test(
      "the replacement of the storage box (another location: fsn1) is " + "flagged as dangerous: exit 3, never silent",
      () => {
        const b = backup.plans.get(`${LAB}-backup`)!;
        expect(b.dangerous.map((d) => [d.address, d.kinds])).toEqual([
          ["hcloud_storage_box.backup", ["import", "replace"]],
          ["hcloud_storage_box_subaccount.backup-web-1", ["import", "replace"]],
        ]);
        expectCode(backup, 3);
        expect(backup.out.join("\n")).toMatch(/!! REPLACE hcloud_storage_box\.backup: loses/);
      },
    );
  });
});
