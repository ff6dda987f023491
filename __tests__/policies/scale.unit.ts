// The run is linear in the number of resources: firewall membership goes
// through an index of the servers' labels, records and references through
// maps. Measured on the staging description grown to hundreds of servers.
import * as path from "node:path";
import { readProjectConfig } from "../../cli/project";
import { PolicyEngine } from "../../policies/engine";
import { loadNetwork } from "../../description";
import { buildApp } from "../../stacks/app";
import { scaledSpec } from "../../testing/policies";
import { defaultConfig, makeTempDir, repoRoot } from "../../testing/tmp";

const loaded = loadNetwork(defaultConfig, { env: "staging" });
if (!loaded.ok) throw new Error("the default config does not load");
const staging = loaded.specs[0]!;

function run(servers: number) {
  const t = makeTempDir("all2all-policies-scale-");
  try {
    const outdir = path.join(t.dir, "out");
    const built = buildApp([scaledSpec(staging, servers)], { outdir, context: readProjectConfig(repoRoot).context });
    const engine = new PolicyEngine(built.app, built.environments);
    built.app.synth();
    const findings = engine.finish(outdir);
    const model = engine.models[0]!;
    return { findings, resources: model.entries.length, selectorTests: model.selectorTests };
  } finally {
    t.cleanup();
  }
}

test("grown networks pass like the small one, with selector work proportional to the servers", () => {
  const small = run(50);
  const large = run(200);
  expect(large.findings.map((f) => f.rule)).toEqual(small.findings.map((f) => f.rule));
  // Each server is tested once per firewall label that selects it (two per server here), never against every firewall's
  // selector and every server.
  const servers = (n: number) => n + 3;
  expect(small.selectorTests).toBeLessThanOrEqual(3 * servers(50));
  expect(large.selectorTests).toBeLessThanOrEqual(3 * servers(200));
  expect(large.resources).toBeGreaterThan(3 * small.resources);
}, 120_000);

// Time per resource is measured by bench/run.js (never asserted here: timing depends on the machine).
