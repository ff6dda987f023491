// The run's contract: aspects added once, findings only after synth.
import * as path from "node:path";
import { applyPolicies } from "../../policies";
import { loadNetwork } from "../../description";
import { buildApp } from "../../stacks/app";
import { defaultConfig, makeTempDir } from "../../testing/tmp";

const loaded = loadNetwork(defaultConfig, { env: "staging" });
if (!loaded.ok) throw new Error("the default config does not load");

test("finish() before app.synth() throws, naming the environment", () => {
  const t = makeTempDir();
  try {
    const { app, environments } = buildApp(loaded.specs, { outdir: path.join(t.dir, "out") });
    const run = applyPolicies(app, environments);
    expect(() => run.finish(path.join(t.dir, "out"))).toThrow(
      "policies: environment staging not checked: call app.synth() before finish()",
    );
  } finally {
    t.cleanup();
  }
});

test("finish() after synth into another folder names the missing stack file", () => {
  const t = makeTempDir();
  try {
    const outdir = path.join(t.dir, "out");
    const { app, environments } = buildApp(loaded.specs, { outdir });
    const run = applyPolicies(app, environments);
    app.synth();
    expect(() => run.finish(path.join(t.dir, "elsewhere"))).toThrow(
      /policies: .*elsewhere\/stacks\/staging-[a-z]+\/cdk\.tf\.json is missing: call app\.synth\(\) with this output directory before finish\(\)/,
    );
  } finally {
    t.cleanup();
  }
});

test("applying the policies twice to one App is refused", () => {
  const t = makeTempDir();
  try {
    const { app, environments } = buildApp(loaded.specs, { outdir: path.join(t.dir, "out") });
    applyPolicies(app, environments);
    expect(() => applyPolicies(app, environments)).toThrow(/already called for this App/);
  } finally {
    t.cleanup();
  }
});

test("synthesising twice reports each finding once", () => {
  const t = makeTempDir();
  try {
    const outdir = path.join(t.dir, "out");
    const { app, environments } = buildApp(loaded.specs, { outdir });
    const run = applyPolicies(app, environments);
    app.synth();
    const first = run.finish(outdir);
    app.synth();
    expect(run.finish(outdir)).toEqual(first);
  } finally {
    t.cleanup();
  }
});
