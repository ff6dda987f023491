// The pieces of `all2all plan|deploy`: the plan summary, the binary lookup,
// the preflight checks and the reading of a synthesised output.
import * as fs from "node:fs";
import * as path from "node:path";
import { formatPlanSummary, runDeploy, statefulLossOf, summarisePlan, type Step } from "../../cli/deploy";
import { captureIo } from "../../cli/io";
import { chooseBinary, findOnPath } from "../../cli/deploy/binary";
import { environmentStacks, stackFacts } from "../../cli/deploy/output";
import { preflightProblems } from "../../cli/deploy/preflight";
import { installFakeTofu, MINI_VARIABLES, writeMiniOutput } from "../../testing/deploy";
import { makeTempDir, repoRoot } from "../../testing/tmp";
import { joinRegExp } from "../../primitives/regexp";

const t = makeTempDir("all2all-deploy-units-");
afterAll(() => t.cleanup());

const rc = (address: string, actions: string[], extra: object = {}) => ({
  address,
  type: address.split(".")[0],
  mode: "managed",
  change: { actions, ...extra },
});

describe("the plan summary", () => {
  test.each([
    {
      what: "counts each kind of change; data sources and no-ops are not changes",
      stack: "p-servers",
      changes: [
        rc("hcloud_server.a", ["create"]),
        rc("hcloud_server.b", ["update"]),
        rc("hcloud_rdns.c", ["delete", "create"]),
        rc("hcloud_firewall.d", ["delete"]),
        rc("hcloud_network.e", ["no-op"]),
        {
          address: "data.terraform_remote_state.x",
          mode: "data",
          type: "terraform_remote_state",
          change: { actions: ["read"] },
        },
      ],
      counts: { create: 1, update: 1, replace: 1, destroy: 1, import: 0, move: 0, forget: 0 },
      lines: [
        "p-servers: 1 to create, 1 to update, 1 to replace, 1 to destroy",
        "     REPLACE hcloud_rdns.c",
        "     DESTROY hcloud_firewall.d",
        "     create hcloud_server.a",
        "     update hcloud_server.b",
      ],
    },
    {
      what: "imports (with or without an update), moves and forgets are counted and listed; an import is not dangerous",
      stack: "p",
      changes: [
        rc("hcloud_server.ns-1", ["no-op"], { importing: { id: "4711" } }),
        rc("hcloud_primary_ip.ns-1-ipv4", ["update"], { importing: { id: "1001" } }),
        { ...rc("hcloud_volume.new", ["no-op"]), previous_address: "hcloud_volume.old" },
        rc("hcloud_ssh_key.x", ["forget"]),
      ],
      counts: { create: 0, update: 1, replace: 0, destroy: 0, import: 2, move: 1, forget: 1 },
      lines: [
        "p: 0 to create, 1 to update, 0 to replace, 0 to destroy, 2 to import, 1 to move, 1 to forget",
        "     forget (removed from state, kept at Hetzner) hcloud_ssh_key.x",
        "     move hcloud_volume.new",
        "     import + update hcloud_primary_ip.ns-1-ipv4",
        "     import hcloud_server.ns-1",
      ],
    },
  ])("$what", ({ stack, changes, counts, lines }) => {
    const s = summarisePlan({ resource_changes: changes });
    expect(s.counts).toEqual(counts);
    expect(s.dangerous).toEqual([]);
    expect(s.empty).toBe(false);
    expect(formatPlanSummary(stack, s)).toEqual(lines);
  });

  test("replacements and destructions of stateful resources come first, with what is lost", () => {
    const s = summarisePlan({
      resource_changes: [
        rc("hcloud_rdns.a", ["delete"]),
        rc("hcloud_zone.all2all-org", ["delete", "create"]),
        rc("hcloud_storage_box.backup", ["delete"]),
        rc("hcloud_server.web-1", ["update"]),
      ],
    });
    expect(s.dangerous.map((d) => d.address)).toEqual(["hcloud_zone.all2all-org", "hcloud_storage_box.backup"]);
    expect(formatPlanSummary("p", s).slice(0, 3)).toEqual([
      "p: 0 to create, 1 to update, 1 to replace, 2 to destroy",
      `  !! REPLACE hcloud_zone.all2all-org: loses ${statefulLossOf("hcloud_zone")}`,
      `  !! DESTROY hcloud_storage_box.backup: loses ${statefulLossOf("hcloud_storage_box")}`,
    ]);
  });

  test("the stateful types are the review's (docs/review.md), plus storage box subaccounts", () => {
    for (const type of [
      "hcloud_server",
      "hcloud_primary_ip",
      "hcloud_floating_ip",
      "hcloud_volume",
      "hcloud_zone",
      "hcloud_zone_rrset",
      "hcloud_storage_box",
      "hcloud_network",
      "hcloud_storage_box_subaccount",
    ]) {
      expect({ type, stateful: typeof statefulLossOf(type) }).toEqual({ type, stateful: "string" });
    }
    for (const type of ["hcloud_rdns", "hcloud_firewall", "hcloud_ssh_key", "hcloud_server_network"])
      expect(statefulLossOf(type)).toBeUndefined();
  });

  test("outputs alone are something to apply; nothing at all is 'no changes'", () => {
    const outputs = summarisePlan({
      resource_changes: [],
      output_changes: { "web-1-ipv4": { actions: ["create"] }, same: { actions: ["no-op"] } },
    });
    expect(outputs.empty).toBe(false);
    expect(formatPlanSummary("p", outputs)).toEqual([
      "p: 0 to create, 0 to update, 0 to replace, 0 to destroy, 1 output changed",
    ]);
    const none = summarisePlan({ format_version: "1.2" });
    expect(none.empty).toBe(true);
    expect(formatPlanSummary("p", none)).toEqual(["p: no changes"]);
  });

  test("refuses what is not a plan", () => {
    expect(() => summarisePlan([])).toThrow("expected a JSON object");
    expect(() => summarisePlan({ resource_changes: {} })).toThrow("resource_changes is not a list");
  });
});

describe("the binary lookup", () => {
  test("finds executables on PATH only, in PATH order; tofu before terraform", () => {
    const a = installFakeTofu(path.join(t.dir, "a"), ["terraform"]);
    const b = installFakeTofu(path.join(t.dir, "b"), ["tofu", "terraform"]);
    fs.writeFileSync(path.join(a.binDir, "tofu"), "not executable");
    const PATH = [a.binDir, b.binDir].join(path.delimiter);
    expect(findOnPath("tofu", { PATH })).toBe(path.join(b.binDir, "tofu"));
    expect(chooseBinary(undefined, { PATH }, t.dir)).toEqual({
      ok: true,
      path: path.join(b.binDir, "tofu"),
      name: "tofu",
    });
    expect(chooseBinary(undefined, { PATH: a.binDir }, t.dir)).toEqual({
      ok: true,
      path: path.join(a.binDir, "terraform"),
      name: "terraform",
    });
    expect(chooseBinary("terraform", { PATH }, t.dir)).toEqual({
      ok: true,
      path: path.join(a.binDir, "terraform"),
      name: "terraform",
    });
    expect(chooseBinary(undefined, {}, t.dir).ok).toBe(false);
    expect(chooseBinary("", { PATH }, t.dir)).toEqual({
      ok: false,
      problem: "--binary is empty: give the path of tofu or terraform",
    });
  });
});

describe("preflight", () => {
  const stacks = [
    { name: "p-network", facts: { backend: "s3", bucket: "b", variables: [] } },
    {
      name: "p-backup",
      facts: {
        backend: "s3",
        bucket: "b",
        variables: [
          { name: "pw", required: true },
          { name: "opt", required: false },
        ],
      },
    },
  ];
  test("everything set: no problem", () => {
    expect(
      preflightProblems("p", stacks, {
        HCLOUD_TOKEN: "x",
        AWS_ACCESS_KEY_ID: "a",
        AWS_SECRET_ACCESS_KEY: "s",
        TF_VAR_pw: "p",
      }),
    ).toEqual([]);
  });
  test("every problem at once, in a stable order", () => {
    expect(preflightProblems("p", stacks, {})).toEqual([
      expect.stringMatching(/^HCLOUD_TOKEN is not set/),
      "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set (or empty): the state of p-network, p-backup is " +
        'in the S3 bucket b; export the bucket\'s access keys (docs/deploy.md, "Variables to set")',
      "TF_VAR_pw is not set (or empty): p-backup declares the variable pw",
    ]);
  });
});

describe("reading the synthesised output", () => {
  test(
    "the environment's stacks in dependency order, with their backend, variables " +
      "(sensitive ones marked) and whether state is encrypted",
    () => {
      const out = writeMiniOutput(path.join(t.dir, "out"), "prod");
      const stacks = environmentStacks(out, "out", "prod");
      expect(stacks.map((s) => s.name)).toEqual(["prod-backup", "prod-network", "prod-servers", "prod-dns"]);
      expect(stacks[3]!.dependencies).toEqual(["prod-servers"]);
      expect(stackFacts(stacks[0]!)).toEqual({
        backend: "s3",
        bucket: "prod-tfstate",
        variables: [
          {
            name: "storage_box_password_backup",
            description: "Password of the storage box backup; set TF_VAR_storage_box_password_backup",
            required: true,
            sensitive: true,
          },
        ],
        encrypted: true,
      });
      const clear = writeMiniOutput(path.join(t.dir, "out-clear"), "prod", undefined, { encrypted: false });
      expect(stackFacts(environmentStacks(clear, "out-clear", "prod")[0]!).encrypted).toBe(false);
    },
  );
  test("an unreadable manifest is refused with the synth hint", () => {
    const out = path.join(t.dir, "broken");
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, "manifest.json"), "{");
    expect(() => environmentStacks(out, "broken", "prod")).toThrow(
      /^broken\/manifest\.json is not readable JSON .*: run `all2all synth --env prod` \(or `npm run synth`\) first$/,
    );
  });
});

describe("an injected runner", () => {
  test("gets each step with the Io's environment, the stack's directory, and plan.json as show's output", async () => {
    const out = writeMiniOutput(path.join(t.dir, "injected"), "prod");
    const bin = installFakeTofu(path.join(t.dir, "injected-bin"));
    const env = {
      PATH: bin.binDir,
      HCLOUD_TOKEN: "t",
      AWS_ACCESS_KEY_ID: "a",
      AWS_SECRET_ACCESS_KEY: "s",
      ...MINI_VARIABLES,
    };
    const steps: Step[] = [];
    const io = captureIo(env, t.dir);
    const code = await runDeploy({ env: "prod", stack: "network", out, autoApprove: true }, io, repoRoot, {
      run: async (step) => {
        steps.push(step);
        if (step.stdoutFile)
          fs.writeFileSync(
            step.stdoutFile,
            JSON.stringify({
              resource_changes: [
                { address: "hcloud_network.internal", type: "hcloud_network", change: { actions: ["create"] } },
              ],
            }),
          );
        return { code: 0 };
      },
    });
    expect(code).toBe(0);
    expect(
      steps.map((s) => [
        s.step,
        s.args.join(" "),
        path.relative(out, s.cwd),
        s.stdoutFile && path.relative(out, s.stdoutFile),
      ]),
    ).toEqual([
      ["init", "init -input=false", "stacks/prod-network", undefined],
      ["plan", "plan -input=false -out=plan.tfplan", "stacks/prod-network", undefined],
      ["show", "show -json plan.tfplan", "stacks/prod-network", "stacks/prod-network/plan.json"],
      ["apply", "apply -input=false plan.tfplan", "stacks/prod-network", undefined],
    ]);
    for (const s of steps) expect(s.env).toBe(io.env);
  });

  test("a binary that cannot be started is a failed step (exit 1)", async () => {
    const out = writeMiniOutput(path.join(t.dir, "unstartable"), "prod");
    const bin = installFakeTofu(path.join(t.dir, "unstartable-bin"));
    const io = captureIo(
      { PATH: bin.binDir, HCLOUD_TOKEN: "t", AWS_ACCESS_KEY_ID: "a", AWS_SECRET_ACCESS_KEY: "s", ...MINI_VARIABLES },
      t.dir,
    );
    const code = await runDeploy({ env: "prod", out, autoApprove: true }, io, repoRoot, {
      run: async () => ({ code: null, error: "spawn EACCES" }),
    });
    expect(code).toBe(1);
    expect(io.stderr).toEqual([
      expect.stringMatching(
        joinRegExp(
          /^deploy: prod-backup: step init failed: `tofu init -input=false` could not start /,
          /\(spawn EACCES\) in .*; not run: prod-network, prod-servers, prod-dns$/,
        ),
      ),
    ]);
  });
});
