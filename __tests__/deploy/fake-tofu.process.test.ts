// `all2all plan|deploy` with a fake `tofu` executable on PATH
// (testing/fake-tofu.js): the calls it receives, in which directories and
// order, and every refusal, with nothing real contacted.
//
// Cases marked "spawned" run the fake as a child process through the
// command's own runner (cli/deploy/runner.ts: spawning, the environment
// passed, exit codes, output forwarded or sent to plan.json); the others
// run the same fake in this process through testing/deploy.ts's
// fakeTofuRunner (a node start per call saved), and one case checks that
// both ways give the same calls, output and files.
import * as fs from "node:fs";
import * as path from "node:path";
import { runDeploy, runPlan, statefulLossOf, type DeployOptions } from "../../cli/deploy";
import { captureIo } from "../../cli/io";
import {
  callLines,
  caseFolders,
  fakeCalls,
  fakeEnv,
  fakeTofuRunner,
  installFakeTofu,
  MINI_VARIABLES,
  writeMiniOutput,
  type FakeTofu,
} from "../../testing/deploy";
import { repoRoot } from "../../testing/tmp";
import { joinRegExp } from "../../primitives/regexp";

// A spawned case starts the fake tofu a dozen times (a node start each): a generous limit, not a timed assertion.
jest.setTimeout(60_000);

const t = caseFolders("all2all-deploy-");

type How = "in-process" | "spawned";

/**
 * A fresh case: a synthesised output of `production` (and staging, local
 * state) and a fake tofu installed as `names`, run in this process or spawned.
 */
function setup(names: string[] = ["tofu"], how: How = "in-process", encrypted = true) {
  const dir = t.next();
  const out = path.join(dir, "cdktf.out");
  writeMiniOutput(out, "production", undefined, { encrypted });
  writeMiniOutput(out, "staging", [
    { concern: "network", backend: "local" },
    { concern: "servers", dependencies: ["network"], backend: "local" },
    { concern: "dns", dependencies: ["servers"], backend: "local" },
    { concern: "backup", backend: "local" },
  ]);
  const fake = installFakeTofu(dir, names);
  return { dir, out, fake, how };
}

type Deps = Parameters<typeof runDeploy>[3];

async function deploy(
  mode: "plan" | "deploy",
  c: { dir: string; out: string; fake: FakeTofu; how: How },
  opts: DeployOptions,
  env: Record<string, string | undefined> = {},
  deps: Deps = {},
) {
  const io = captureIo(fakeEnv(c.fake, { ...MINI_VARIABLES, ...env }), c.dir);
  const run = mode === "plan" ? runPlan : runDeploy;
  const code = await run(
    { out: c.out, ...opts },
    io,
    repoRoot,
    c.how === "spawned" ? deps : { run: fakeTofuRunner(io), ...deps },
  );
  return { code, stdout: io.stdout, stderr: io.stderr, calls: callLines(c.fake) };
}

/** A refusal before anything runs: exit 2, no call, and (when given) exactly these lines on standard error. */
function expectNothingRun(r: Awaited<ReturnType<typeof deploy>>, stderr?: string[]): void {
  expect(r.code).toBe(2);
  expect(r.calls).toEqual([]);
  if (stderr !== undefined) expect(r.stderr).toEqual(stderr);
}

/**
 * Writes the plan the fake tofu shows for each stack (its resource_changes)
 * into the case's plans/: the variable naming it.
 */
function writePlans(c: { dir: string }, changes: Record<string, unknown[]>): { FAKE_TOFU_PLANS: string } {
  const plans = path.join(c.dir, "plans");
  fs.mkdirSync(plans);
  for (const [stack, resource_changes] of Object.entries(changes))
    fs.writeFileSync(path.join(plans, `${stack}.json`), JSON.stringify({ resource_changes }));
  return { FAKE_TOFU_PLANS: plans };
}

/** A resource change of a plan: the address, its type, and the actions. */
const change = (address: string, ...actions: string[]) => ({
  address,
  type: address.split(".")[0],
  change: { actions },
});

const ORDER = ["production-backup", "production-network", "production-servers", "production-dns"];
const planSteps = (stack: string) => [
  `${stack}: init -input=false`,
  `${stack}: plan -input=false -out=plan.tfplan`,
  `${stack}: show -json plan.tfplan`,
];
const deploySteps = (stack: string) => [...planSteps(stack), `${stack}: apply -input=false plan.tfplan`];

describe("plan", () => {
  test(
    "runs init, plan to plan.tfplan and show -json in each stack's directory, " +
      "in dependency order, and applies nothing (spawned)",
    async () => {
      const c = setup(["tofu"], "spawned");
      const r = await deploy("plan", c, { env: "production" });
      expect(r.stderr).toEqual([]);
      expect(r.code).toBe(0);
      expect(r.calls).toEqual(ORDER.flatMap(planSteps));
      for (const call of fakeCalls(c.fake)) {
        expect(call.bin).toBe("tofu");
        expect(path.dirname(call.cwd)).toBe(path.join(c.out, "stacks"));
        // The environment reaches tofu (the fake records only whether each secret was set).
        expect(call.env).toEqual({
          HCLOUD_TOKEN: true,
          AWS_ACCESS_KEY_ID: true,
          AWS_SECRET_ACCESS_KEY: true,
          TF_VAR: Object.keys(MINI_VARIABLES).sort(),
        });
      }
      // show's JSON is kept beside the saved plan, and summarised.
      const planJson = JSON.parse(
        fs.readFileSync(path.join(c.out, "stacks", "production-servers", "plan.json"), "utf8"),
      );
      expect(planJson.resource_changes).toHaveLength(3);
      expect(fs.readFileSync(path.join(c.out, "stacks", "production-servers", "plan.tfplan"), "utf8")).toBe(
        "fake saved plan of production-servers\n",
      );
      expect(r.stdout).toContain("production-servers: 3 to create, 0 to update, 0 to replace, 0 to destroy");
      expect(r.stdout).toContain("     create hcloud_server.web-1");
      expect(r.stdout[0]).toBe(
        `plan: environment production, 4 stacks in ` +
          `order: ${ORDER.join(", ")} ` +
          `(tofu: ${path.join(c.fake.binDir, "tofu")})`,
      );
      expect(r.stdout.join("\n")).toMatch(
        /plan: 4 stacks planned; the plans are in .*cdktf\.out\/stacks\/production-backup\/plan\.tfplan/,
      );
      expect(r.stdout[r.stdout.length - 1]).toBe(
        `plan: the full review of these plans: all2all ` +
          `plan-summary ${ORDER.map((s) => `cdktf.out/stacks/${s}/plan.json`).join(" ")} ` +
          `(docs/review.md)`,
      );
    },
  );

  test("--stack plans one stack, by its name or its concern", async () => {
    const c = setup();
    expect((await deploy("plan", c, { env: "production", stack: "dns" })).calls).toEqual(planSteps("production-dns"));
    fs.writeFileSync(c.fake.log, "");
    expect((await deploy("plan", c, { env: "production", stack: "production-network" })).calls).toEqual(
      planSteps("production-network"),
    );
  });

  test("a plan that replaces or destroys a stateful resource exits 3 and lists it first", async () => {
    const c = setup();
    const managed = (x: ReturnType<typeof change>) => ({ ...x, mode: "managed" });
    const plans = writePlans(c, {
      "production-servers": [
        managed(change("hcloud_rdns.web-1-ipv4", "delete", "create")),
        managed(change("hcloud_server.web-1", "delete", "create")),
        managed(change("hcloud_volume.web-1-data", "delete")),
      ],
    });
    const r = await deploy("plan", c, { env: "production" }, plans);
    expect(r.code).toBe(3);
    const i = r.stdout.indexOf("production-servers: 0 to create, 0 to update, 2 to replace, 1 to destroy");
    expect(r.stdout.slice(i + 1, i + 4)).toEqual([
      `  !! REPLACE hcloud_server.web-1: loses ${statefulLossOf("hcloud_server")}`,
      `  !! DESTROY hcloud_volume.web-1-data: loses ${statefulLossOf("hcloud_volume")}`,
      "     REPLACE hcloud_rdns.web-1-ipv4",
    ]);
    expect(r.stderr).toEqual([
      "plan: 2 replacements or destructions of stateful resources (marked !! above): read them before any deploy",
    ]);
  });
});

describe("deploy", () => {
  test("--auto-approve applies exactly the saved plan.tfplan of each stack, in order (spawned)", async () => {
    const c = setup(["tofu"], "spawned");
    const r = await deploy("deploy", c, { env: "production", autoApprove: true });
    expect(r.stderr).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.calls).toEqual(ORDER.flatMap(deploySteps));
    const applies = fakeCalls(c.fake).filter((call) => call.argv[0] === "apply");
    expect(applies.map((a) => a.argv)).toEqual(ORDER.map(() => ["apply", "-input=false", "plan.tfplan"]));
    expect(r.stdout).toContain(`deploy: environment production: applied ${ORDER.join(", ")}`);
  });

  test("asks for each stack, and applies only when the environment's name is typed", async () => {
    const c = setup();
    const questions: string[] = [];
    const r = await deploy(
      "deploy",
      c,
      { env: "production" },
      {},
      {
        confirm: async (q) => {
          questions.push(q);
          return "production\n";
        },
      },
    );
    expect(r.code).toBe(0);
    expect(r.calls).toEqual(ORDER.flatMap(deploySteps));
    expect(questions).toEqual(
      ORDER.map(
        (s) =>
          `Apply this plan to ${s}? Type the environment's name (production) to apply it, anything else stops here:`,
      ),
    );
  });

  test("any other answer stops before that stack's apply: later stacks are not touched, exit 1", async () => {
    const c = setup();
    const answers = ["production", "yes"];
    const r = await deploy("deploy", c, { env: "production" }, {}, { confirm: async () => answers.shift() });
    expect(r.code).toBe(1);
    expect(r.calls).toEqual([...deploySteps("production-backup"), ...planSteps("production-network")]);
    expect(r.stderr).toEqual([
      "deploy: production-network: not confirmed: nothing applied to it; not run: production-servers, production-dns",
    ]);
  });

  test("end of input is no confirmation", async () => {
    const c = setup();
    const r = await deploy(
      "deploy",
      c,
      { env: "production", stack: "servers" },
      {},
      { confirm: async () => undefined },
    );
    expect(r.code).toBe(1);
    expect(r.calls).toEqual(planSteps("production-servers"));
  });

  test("without a terminal and without --auto-approve it refuses before running anything (exit 2)", async () => {
    const c = setup();
    const r = await deploy("deploy", c, { env: "production" }, {}, { stdinIsTTY: false });
    expectNothingRun(r, [
      "deploy: standard input is not a terminal, so the confirmation cannot be typed: " +
        "run deploy in a terminal, or pass --auto-approve (automation)",
      "deploy: nothing was run",
    ]);
  });

  test("--stack deploys that stack only", async () => {
    const c = setup();
    const r = await deploy("deploy", c, { env: "production", stack: "servers", autoApprove: true });
    expect(r.code).toBe(0);
    expect(r.calls).toEqual(deploySteps("production-servers"));
  });

  test("a stack with nothing to change is not applied", async () => {
    const c = setup();
    const plans = writePlans(c, { "production-network": [change("hcloud_network.internal", "no-op")] });
    const r = await deploy("deploy", c, { env: "production", stack: "network", autoApprove: true }, plans);
    expect(r.code).toBe(0);
    expect(r.calls).toEqual(planSteps("production-network"));
    expect(r.stdout).toContain("production-network: no changes");
    expect(r.stdout).toContain("production-network: nothing to apply");
  });

  test(
    "--auto-approve never applies a replacement of a stateful " + "resource (exit 3); later stacks untouched",
    async () => {
      const c = setup();
      const plans = writePlans(c, {
        "production-network": [change("hcloud_network.internal", "update")],
        "production-servers": [change("hcloud_primary_ip.web-1-ipv4", "create", "delete")],
      });
      const r = await deploy("deploy", c, { env: "production", autoApprove: true }, plans);
      expect(r.code).toBe(3);
      expect(r.calls).toEqual([
        ...deploySteps("production-backup"),
        ...deploySteps("production-network"),
        ...planSteps("production-servers"),
      ]);
      expect(r.stdout).toContain(
        `  !! REPLACE hcloud_primary_ip.web-1-ipv4: loses ${statefulLossOf("hcloud_primary_ip")}`,
      );
      expect(r.stderr[0]).toMatch(
        joinRegExp(
          /^deploy: production-servers: not applied: the plan replaces or destroys 1 stateful resource .*run /,
          /`all2all deploy --env production --stack production-servers` in a terminal and confirm it; not run: /,
          /production-dns$/,
        ),
      );
    },
  );

  test(
    "a failing step stops the run, naming the stack and the step (exit " + "1); later stacks are not touched (spawned)",
    async () => {
      const c = setup(["tofu"], "spawned");
      const r = await deploy(
        "deploy",
        c,
        { env: "production", autoApprove: true },
        { FAKE_TOFU_FAIL: "production-servers:plan" },
      );
      expect(r.code).toBe(1);
      expect(r.calls).toEqual([
        ...deploySteps("production-backup"),
        ...deploySteps("production-network"),
        "production-servers: init -input=false",
        "production-servers: plan -input=false -out=plan.tfplan",
      ]);
      expect(r.stderr).toContain("Error: fake failure of plan in production-servers");
      // The failure, then (the state is in a bucket) the hint for a lock left by a killed run.
      expect(r.stderr[r.stderr.length - 2]).toMatch(
        joinRegExp(
          /^deploy: production-servers: step plan failed: `tofu plan -input=false /,
          /-out=plan\.tfplan` exited with 1 in .*production-servers; not run: production-dns$/,
        ),
      );
      expect(r.stderr[r.stderr.length - 1]).toMatch(
        /^deploy: production-servers: if the engine said "Error acquiring the state lock"/,
      );
    },
  );

  test(
    "a stack whose state is locked by another run: the engine's lock " +
      "error, then how to inspect and release the lock",
    async () => {
      const c = setup();
      const r = await deploy("plan", c, { env: "production" }, { FAKE_TOFU_LOCKED: "production-network" });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("Error: Error acquiring the state lock");
      expect(r.stderr[r.stderr.length - 1]).toBe(
        'plan: production-network: if the engine said "Error acquiring the ' +
          'state lock" and the run in its Lock Info is gone, ' +
          ("`all2all unlock --env production --stack production-network` shows the " +
            'lock and releases it (docs/deploy.md, "State locking")'),
      );
    },
  );

  test("a failing apply stops too", async () => {
    const c = setup();
    const r = await deploy(
      "deploy",
      c,
      { env: "production", autoApprove: true },
      { FAKE_TOFU_FAIL: "production-backup:apply" },
    );
    expect(r.code).toBe(1);
    expect(r.calls).toEqual(deploySteps("production-backup"));
    expect(r.stderr[r.stderr.length - 2]).toMatch(
      joinRegExp(
        /step apply failed: `tofu apply -input=false plan\.tfplan` exited with 1 .*; not /,
        /run: production-network, production-servers, production-dns$/,
      ),
    );
    expect(r.stderr[r.stderr.length - 1]).toMatch(/all2all unlock --env production --stack production-backup/);
  });

  test("a plan file left by an earlier run is removed before planning, so it can never be applied", async () => {
    const c = setup();
    const stale = path.join(c.out, "stacks", "production-backup", "plan.tfplan");
    fs.writeFileSync(stale, "fake saved plan of production-backup\n");
    const r = await deploy(
      "deploy",
      c,
      { env: "production", stack: "backup", autoApprove: true },
      { FAKE_TOFU_FAIL: "plan" },
    );
    expect(r.code).toBe(1);
    expect(fs.existsSync(stale)).toBe(false);
    expect(r.calls).toEqual([
      "production-backup: init -input=false",
      "production-backup: plan -input=false -out=plan.tfplan",
    ]);
  });
});

describe("refusals before anything runs (exit 2, no call)", () => {
  test("HCLOUD_TOKEN missing or empty, naming the variable and docs/deploy.md", async () => {
    for (const token of [undefined, "", "  "]) {
      const c = setup();
      for (const mode of ["plan", "deploy"] as const) {
        const r = await deploy(mode, c, { env: "production", autoApprove: true }, { HCLOUD_TOKEN: token });
        expectNothingRun(r, [
          `${mode}: HCLOUD_TOKEN is not set (or empty): the hcloud provider reads the API ` +
            `token of environment production's Hetzner Cloud project from it; ` +
            '`read -rs HCLOUD_TOKEN && export HCLOUD_TOKEN` (docs/deploy.md, "Variables to set")',
          `${mode}: nothing was run`,
        ]);
      }
    }
  });

  test(
    "S3 state credentials missing for an environment whose state is " + "in a bucket; not needed for local state",
    async () => {
      const c = setup();
      const r = await deploy("plan", c, { env: "production" }, { AWS_SECRET_ACCESS_KEY: undefined });
      expectNothingRun(r);
      expect(r.stderr[0]).toBe(
        "plan: AWS_SECRET_ACCESS_KEY is not set (or empty): the state of production-backup, " +
          "production-network, production-servers, production-dns is in the S3 bucket production-tfstate; " +
          'export the bucket\'s access keys (docs/deploy.md, "Variables to set")',
      );
      const local = await deploy(
        "plan",
        c,
        { env: "staging" },
        { AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined },
      );
      expect(local.code).toBe(0);
    },
  );

  test(
    "every variable the stacks need without a default is listed at " + "once; one with a default is not required",
    async () => {
      const c = setup();
      writeMiniOutput(c.out, "production", [
        { concern: "network" },
        { concern: "servers", dependencies: ["network"] },
        {
          concern: "dns",
          dependencies: ["servers"],
          variables: {
            tsig_a: { description: "TSIG key (base64) for transfers of the zone a.org; set TF_VAR_tsig_a" },
            with_default: { default: "x" },
          },
        },
        { concern: "backup", variables: { storage_box_password_backup: {} } },
      ]);
      const r = await deploy(
        "deploy",
        c,
        { env: "production", autoApprove: true },
        { TF_VAR_storage_box_password_backup: undefined, TF_VAR_tsig_example_transfer: undefined },
      );
      expectNothingRun(r, [
        "deploy: TF_VAR_storage_box_password_backup is not set (or empty): " +
          "production-backup declares the variable storage_box_password_backup",
        "deploy: TF_VAR_tsig_a is not set (or empty): production-dns declares the variable " +
          "tsig_a (TSIG key (base64) for transfers of the zone a.org)",
        "deploy: nothing was run",
      ]);
      // --stack checks only that stack's variables.
      expect(
        (
          await deploy(
            "plan",
            c,
            { env: "production", stack: "servers" },
            { TF_VAR_storage_box_password_backup: undefined },
          )
        ).code,
      ).toBe(0);
    },
  );

  test("secret values are never printed", async () => {
    const c = setup();
    const secrets = {
      HCLOUD_TOKEN: "hc-secret-value-1",
      AWS_SECRET_ACCESS_KEY: "aws-secret-value-2",
      TF_VAR_storage_box_password_backup: "box-secret-value-3",
    };
    const ok = await deploy("deploy", c, { env: "production", autoApprove: true }, secrets);
    const refused = await deploy(
      "deploy",
      c,
      { env: "production", autoApprove: true },
      { ...secrets, TF_VAR_tsig_example_transfer: undefined },
    );
    for (const r of [ok, refused]) {
      const text = [...r.stdout, ...r.stderr].join("\n");
      for (const value of Object.values(secrets)) expect(text).not.toContain(value);
    }
  });

  test("no synthesised output: run all2all synth first", async () => {
    const c = setup();
    const empty = path.join(c.dir, "nothing");
    const r = await deploy("deploy", c, { env: "production", out: empty });
    expectNothingRun(r, [
      `deploy: no synthesised output in ${path.relative(c.dir, empty)} (nothing/manifest.json is ` +
        `missing): run \`all2all synth --env production\` (or \`npm run synth\`) first`,
    ]);
  });

  test("an output without the environment's stacks: run all2all synth first", async () => {
    const c = setup();
    const r = await deploy("plan", c, { env: "dr" });
    expect(r.code).toBe(2);
    expect(r.stderr).toEqual([
      "plan: cdktf.out holds no stack of environment dr (it holds environments production, " +
        "staging): run `all2all synth --env dr` (or `npm run synth`) first",
    ]);
    fs.rmSync(path.join(c.out, "stacks", "production-dns"), { recursive: true });
    const partial = await deploy("plan", c, { env: "production", stack: "network" });
    expect(partial.code).toBe(2);
    expect(partial.stderr[0]).toBe(
      "plan: stacks/production-dns/cdk.tf.json is missing in cdktf.out: run " +
        "`all2all synth --env production` (or `npm run synth`) first",
    );
    expect(partial.calls).toEqual([]);
  });

  test("--stack must be a stack of --env", async () => {
    const c = setup();
    for (const stack of ["staging-dns", "firewalls"]) {
      const r = await deploy("plan", c, { env: "production", stack });
      expectNothingRun(r, [
        `plan: --stack ${stack} is not a stack of environment production; its ` +
          `stacks: ${ORDER.join(", ")} (or network, servers, dns, backup)`,
      ]);
    }
  });

  test("--env is required", async () => {
    const c = setup();
    const r = await deploy("deploy", c, {});
    expect(r.code).toBe(2);
    expect(r.stderr).toEqual(["deploy: --env is required: a deploy runs for one environment (e.g. --env staging)"]);
  });
});

describe("the binary", () => {
  // Terraform has no state encryption: it runs only an output synthesised without it (ALL2ALL_STATE_ENCRYPTION=off).
  test(
    "terraform is used when tofu is not on PATH (spawned), on an output " +
      "synthesised without state encryption, with a warning",
    async () => {
      const c = setup(["terraform"], "spawned", false);
      const r = await deploy("plan", c, { env: "production", stack: "network" });
      expect(r.code).toBe(0);
      expect(fakeCalls(c.fake).map((call) => call.bin)).toEqual(["terraform", "terraform", "terraform"]);
      expect(r.stdout).toContain("$ terraform plan -input=false -out=plan.tfplan");
      expect(r.stderr).toEqual([
        "plan: warning: state is not encrypted: production-network was synthesised without state encryption " +
          "(terraform has none), so state and plans hold the storage box passwords and TSIG keys in clear: " +
          'keep them on encrypted, access-controlled storage (docs/deploy.md, "State encryption")',
      ]);
    },
  );

  test(
    "terraform refuses an output with OpenTofu's state encryption (plan and " +
      "deploy): exit 2, why and what to do, nothing runs",
    async () => {
      const c = setup(["terraform"]);
      for (const mode of ["plan", "deploy"] as const) {
        const r = await deploy(mode, c, { env: "production", autoApprove: true });
        expect(r.code).toBe(2);
        expect(r.stderr).toContain(
          `${mode}: terraform has no state encryption, and production-backup, production-network, ` +
            `production-servers, production-dns are synthesised with OpenTofu's (the \`encryption\` block): ` +
            ("use OpenTofu (--binary tofu), or synthesise without it (`ALL2ALL_STATE_ENCRYPTION=off all2all " +
              "synth`), knowing that state and plans then hold the storage box passwords and TSIG keys in clear ") +
            '(docs/deploy.md, "State encryption")',
        );
        expect(r.calls).toEqual([]);
      }
    },
  );

  test("tofu on an output synthesised without state encryption: runs, and warns that state is in clear", async () => {
    const c = setup(["tofu"], "in-process", false);
    const r = await deploy("plan", c, { env: "production", stack: "network" });
    expect(r.code).toBe(0);
    expect(r.stderr[0]).toMatch(
      joinRegExp(
        /^plan: warning: state is not encrypted: production-network was synthesised /,
        /without state encryption \(ALL2ALL_STATE_ENCRYPTION=off\)/,
      ),
    );
  });

  test("tofu is preferred when both are there", async () => {
    const c = setup(["terraform", "tofu"]);
    await deploy("plan", c, { env: "production", stack: "network" });
    expect(new Set(fakeCalls(c.fake).map((call) => call.bin))).toEqual(new Set(["tofu"]));
  });

  test("--binary overrides the lookup (a path, relative to the working directory)", async () => {
    const c = setup(["terraform", "tofu"], "in-process", false);
    const r = await deploy("plan", c, { env: "production", stack: "network", binary: "bin/terraform" });
    expect(r.code).toBe(0);
    expect(new Set(fakeCalls(c.fake).map((call) => call.bin))).toEqual(new Set(["terraform"]));
  });

  test("neither on PATH: exit 2 with an install hint, and nothing runs", async () => {
    const c = setup([]);
    const r = await deploy("deploy", c, { env: "production", autoApprove: true });
    expect(r.code).toBe(2);
    expect(r.stderr[0]).toBe(
      "deploy: neither tofu nor terraform is on PATH: install OpenTofu >= 1.10 " +
        "(https://opentofu.org/docs/intro/install/; Debian: the opentofu repository) or Terraform >= 1.10, or give " +
        "--binary PATH",
    );
    const missing = await deploy("plan", c, { env: "production", binary: "/nonexistent/tofu" });
    expect(missing.code).toBe(2);
    expect(missing.stderr[0]).toMatch(
      /^plan: --binary \/nonexistent\/tofu: no executable file there; install OpenTofu/,
    );
  });

  test("warns when tofu installs another hcloud version than the committed schema's", async () => {
    const c = setup();
    const r = await deploy("plan", c, { env: "production", stack: "network" }, { FAKE_TOFU_HCLOUD_VERSION: "1.70.0" });
    expect(r.code).toBe(0);
    const version = fs.readFileSync(path.join(repoRoot, "providers", "hcloud", "VERSION"), "utf8").trim();
    expect(r.stderr).toEqual([
      `plan: warning: production-network: tofu installed hetznercloud/hcloud 1.70.0, but the synthesised JSON ` +
        `was validated against the schema of ${version} (providers/hcloud/VERSION): see docs/provider-upgrade.md`,
    ]);
    const same = await deploy(
      "plan",
      c,
      { env: "production", stack: "network" },
      { FAKE_TOFU_HCLOUD_VERSION: version },
    );
    expect(same.stderr).toEqual([]);
  });
});

describe("the in-process runner", () => {
  test("runs the same fake as the spawned executable: the same calls, output, files and exit codes", async () => {
    const runs = async (how: How) => {
      const c = setup(["tofu"], how);
      const stackDir = path.join(c.out, "stacks", "production-servers");
      const results = [
        await deploy("deploy", c, { env: "production", stack: "servers", autoApprove: true }),
        await deploy(
          "deploy",
          c,
          { env: "production", stack: "backup", autoApprove: true },
          { FAKE_TOFU_FAIL: "production-backup:show" },
        ),
      ];
      const relative = (text: string) => text.split(c.dir).join("<case>");
      return {
        results: results.map((r) => ({ code: r.code, stdout: r.stdout.map(relative), stderr: r.stderr.map(relative) })),
        calls: fakeCalls(c.fake).map((call) => ({ ...call, cwd: path.relative(c.dir, call.cwd) })),
        files: Object.fromEntries(
          [".terraform.lock.hcl", "plan.tfplan", "plan.json"].map((f) => [
            f,
            fs.readFileSync(path.join(stackDir, f), "utf8"),
          ]),
        ),
      };
    };
    const spawned = await runs("spawned");
    const inProcess = await runs("in-process");
    expect(spawned.results.map((r) => r.code)).toEqual([0, 1]);
    expect(spawned.results[1]!.stderr).toContain("Error: fake failure of show in production-backup");
    expect(spawned.calls).toHaveLength(7);
    expect(inProcess).toEqual(spawned);
  });

  test("runs only a fake tofu installed by installFakeTofu", async () => {
    const c = setup();
    fs.writeFileSync(path.join(c.fake.binDir, "tofu"), "#!/bin/sh\nexit 0\n");
    await expect(deploy("plan", c, { env: "production", stack: "network" })).rejects.toThrow(
      /is not a fake tofu written by installFakeTofu/,
    );
    expect(callLines(c.fake)).toEqual([]);
  });
});
