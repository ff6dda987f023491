// The run's contract: aspects added once, findings only after synth.
import * as path from "node:path";
import { applyPolicies } from "../../policies";
import { loadNetwork } from "../../description";
import { buildApp, type BuiltApp } from "../../stacks/app";
import { defaultConfig, makeTempDir } from "../../testing/tmp";
import { joinRegExp } from "../../primitives/regexp";

const loaded = loadNetwork(defaultConfig, { env: "staging" });
if (!loaded.ok) throw new Error("the default config does not load");
const { specs } = loaded;

/** Runs `body` on the staging App built into `<dir>/out` of a temporary directory, removed afterwards. */
function withStagingApp(body: (built: BuiltApp & { readonly dir: string; readonly outdir: string }) => void): void {
  const t = makeTempDir();
  try {
    const outdir = path.join(t.dir, "out");
    body({ ...buildApp(specs, { outdir }), dir: t.dir, outdir });
  } finally {
    t.cleanup();
  }
}

test("finish() before app.synth() throws, naming the environment", () => {
  withStagingApp(({ app, environments, outdir }) => {
    const run = applyPolicies(app, environments);
    expect(() => run.finish(outdir)).toThrow(
      "policies: environment staging not checked: call app.synth() before finish()",
    );
  });
});

test("finish() after synth into another folder names the missing stack file", () => {
  withStagingApp(({ app, environments, dir }) => {
    const run = applyPolicies(app, environments);
    app.synth();
    expect(() => run.finish(path.join(dir, "elsewhere"))).toThrow(
      joinRegExp(
        /policies: .*elsewhere\/stacks\/staging-[a-z]+\/cdk\.tf\.json is missing: call /,
        /app\.synth\(\) with this output directory before finish\(\)/,
      ),
    );
  });
});

test("applying the policies twice to one App is refused", () => {
  withStagingApp(({ app, environments }) => {
    applyPolicies(app, environments);
    expect(() => applyPolicies(app, environments)).toThrow(/already called for this App/);
  });
});

test("synthesising twice reports each finding once", () => {
  withStagingApp(({ app, environments, outdir }) => {
    const run = applyPolicies(app, environments);
    app.synth();
    const first = run.finish(outdir);
    app.synth();
    expect(run.finish(outdir)).toEqual(first);
  });
});
