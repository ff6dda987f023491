// `all2all inventory`, `plan` and `deploy` through the command line's
// main(): options, help, exit codes, and the npm script that writes
// docs/inventory.md.
import * as fs from "node:fs";
import * as path from "node:path";
import { captureIo } from "../../cli/io";
import { main } from "../../cli/main";
import {
  callLines,
  caseFolders,
  fakeEnv,
  installFakeTofu,
  MINI_VARIABLES,
  writeMiniOutput,
} from "../../testing/deploy";
import { defaultConfig, readJson, repoRoot } from "../../testing/tmp";
import { joinRegExp } from "../../primitives/regexp";

// What the terminal says and answers, per test.
const mockTerminal = { isTTY: false, answer: undefined as string | undefined };
jest.mock("../../cli/deploy/confirm", () => ({
  stdinIsTerminal: () => mockTerminal.isTTY,
  stdinConfirm: () => async () => mockTerminal.answer,
}));

// Each case spawns the fake tofu a dozen times (a node start each): a generous limit, not a timed assertion.
jest.setTimeout(60_000);

const t = caseFolders("all2all-deploy-cli-");

function setup() {
  const dir = t.next();
  const out = writeMiniOutput(path.join(dir, "cdktf.out"), "production");
  const fake = installFakeTofu(dir);
  return { dir, out, fake };
}

async function cli(argv: string[], env: Record<string, string | undefined> = {}, cwd = t.dir) {
  const io = captureIo(env, cwd);
  const code = await main(argv, io, repoRoot);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

/** The command line `argv` run in case `c`'s folder, with its fake tofu and every variable set. */
function inCase(c: ReturnType<typeof setup>, argv: string[]) {
  return cli(argv, fakeEnv(c.fake, MINI_VARIABLES), c.dir);
}

describe("all2all inventory", () => {
  test("--env, --format, --config", async () => {
    const r = await cli(["inventory", "--config", defaultConfig, "--env", "staging", "--format", "json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout.join("\n")).environments[0].environment.name).toBe("staging");
    const md = await cli(["inventory", "--config", defaultConfig, "--env", "staging"]);
    expect(md.stdout[0]).toBe("# Inventory");
  });

  test("a format other than md or json is bad input (exit 2)", async () => {
    const r = await cli(["inventory", "--format", "html"]);
    expect(r.code).toBe(2);
    expect(r.stderr.join("\n")).toContain("html");
  });

  test("npm run inventory writes docs/inventory.md for production", () => {
    const scripts = readJson(path.join(repoRoot, "package.json")).scripts;
    // The command run through its first line (the V8 flag on it), as an operator runs it.
    expect(scripts.inventory).toBe(
      "npm run build --silent && ./bin/all2all.js inventory --env production --out docs/inventory.md",
    );
  });
});

describe("all2all plan and deploy", () => {
  test(
    "--expect-digest: the reviewed digest runs; any other, or a " + "malformed one, is refused before anything runs",
    async () => {
      const { stacksDigest } = await import("../../cli/digest.js");
      const c = setup();
      const stacks = ["backup", "dns", "network", "servers"].map(
        (k) => [`production-${k}`, readJson(path.join(c.out, "stacks", `production-${k}`, "cdk.tf.json"))] as const,
      );
      const reviewed = stacksDigest(stacks);
      expect(reviewed).toMatch(/^sha256:[0-9a-f]{64}$/);
      const ok = await inCase(c, ["plan", "--env", "production", "--out", c.out, "--expect-digest", reviewed]);
      expect(ok.code).toBe(0);
      const other = `sha256:${"0".repeat(64)}`;
      const refused = await inCase(c, [
        "deploy",
        "--env",
        "production",
        "--out",
        c.out,
        "--auto-approve",
        "--expect-digest",
        other,
      ]);
      expect(refused.code).toBe(2);
      expect(refused.stderr.join("\n")).toContain(
        `what cdktf.out holds for production (${reviewed}) is not what was reviewed (${other})`,
      );
      const bad = await inCase(c, ["plan", "--env", "production", "--out", c.out, "--expect-digest", "abc"]);
      expect(bad.code).toBe(2);
      expect(bad.stderr.join("\n")).toMatch(/--expect-digest "abc" is not a digest/);
      // Metadata (`//`) is not part of what is reviewed: the engine ignores it.
      expect(stacksDigest([["a", { "//": { x: 1 }, resource: { t: { n: { v: 1 } } } }]])).toBe(
        stacksDigest([["a", { resource: { t: { n: { v: 1 } } } }]]),
      );
      expect(stacksDigest([["a", { resource: { t: { n: { v: 1 } } } }]])).not.toBe(
        stacksDigest([["a", { resource: { t: { n: { v: 2 } } } }]]),
      );
    },
  );

  test(
    "a cdktf.out made from another configuration or code is refused before " +
      "anything runs; one without inputs.json is a warning",
    async () => {
      const c = setup();
      const config = path.join(c.dir, "config");
      fs.cpSync(path.join(repoRoot, "config"), config, { recursive: true });
      writeMiniOutput(c.out, "production", undefined, { inputs: { configDir: config } });
      fs.appendFileSync(path.join(config, "network.yaml"), "# an edit after synth\n");
      const refused = await inCase(c, ["plan", "--env", "production", "--out", c.out]);
      expect(refused.code).toBe(2);
      expect(refused.stderr.join("\n")).toMatch(
        joinRegExp(
          /cdktf\.out no longer matches what it was made from: the configuration \(.*config\) or /,
          /the code changed since it was synthesised.*; run `all2all synth`/,
        ),
      );
      expect(callLines(c.fake)).toEqual([]);
      fs.rmSync(path.join(c.out, "inputs.json"));
      const unknown = await inCase(c, ["plan", "--env", "production", "--out", c.out]);
      expect(unknown.code).toBe(0);
      expect(unknown.stderr.join("\n")).toMatch(
        joinRegExp(
          /plan: warning: cdktf\.out: inputs\.json is missing, so whether it /,
          /matches the configuration and code cannot be told/,
        ),
      );
    },
  );

  test(
    "a stack without a provider lock file is refused before " + "anything runs, unless --allow-missing-lock",
    async () => {
      const c = setup();
      fs.rmSync(path.join(c.out, "stacks", "production-dns", ".terraform.lock.hcl"));
      const refused = await inCase(c, ["plan", "--env", "production", "--out", c.out]);
      expect(refused.code).toBe(2);
      expect(refused.stderr.join("\n")).toMatch(
        joinRegExp(
          /production-dns has no provider lock file /,
          /\(\.terraform\.lock\.hcl\).*npm run /,
          /providers:lock.*--allow-missing-lock/,
        ),
      );
      expect(refused.stderr.join("\n")).not.toMatch(/production-network/);
      expect(callLines(c.fake)).toEqual([]);
      const allowed = await inCase(c, ["plan", "--env", "production", "--out", c.out, "--allow-missing-lock"]);
      expect(allowed.code).toBe(0);
      expect(allowed.stderr.join("\n")).toContain("warning: no .terraform.lock.hcl in production-dns");
      expect(callLines(c.fake)).toHaveLength(12);
    },
  );

  test(
    "plan.json and plan.tfplan, which hold sensitive values in clear, are " +
      "readable by their owner only, in a folder git ignores",
    async () => {
      const c = setup();
      const r = await inCase(c, ["plan", "--env", "production", "--stack", "backup", "--out", c.out]);
      expect(r.code).toBe(0);
      for (const f of ["plan.json", "plan.tfplan"])
        expect(fs.statSync(path.join(c.out, "stacks", "production-backup", f)).mode & 0o777).toBe(0o600);
      expect(fs.readFileSync(path.join(repoRoot, ".gitignore"), "utf8").split("\n")).toEqual(
        expect.arrayContaining(["cdktf.out/", "*.tfplan"]),
      );
    },
  );

  test("plan --env --stack --out", async () => {
    const c = setup();
    const r = await inCase(c, ["plan", "--env", "production", "--stack", "dns", "--out", c.out]);
    expect(r.stderr).toEqual([]);
    expect(r.code).toBe(0);
    expect(callLines(c.fake)).toEqual([
      "production-dns: init -input=false",
      "production-dns: plan -input=false -out=plan.tfplan",
      "production-dns: show -json plan.tfplan",
    ]);
  });

  test("deploy --auto-approve and --binary", async () => {
    const c = setup();
    const r = await inCase(c, [
      "deploy",
      "--env",
      "production",
      "--out",
      "cdktf.out",
      "--auto-approve",
      "--binary",
      path.join(c.fake.binDir, "tofu"),
    ]);
    expect(r.code).toBe(0);
    expect(callLines(c.fake).filter((l) => l.includes(" apply "))).toHaveLength(4);
  });

  test("deploy without a terminal and without --auto-approve refuses, nothing run (exit 2)", async () => {
    const c = setup();
    mockTerminal.isTTY = false;
    const r = await inCase(c, ["deploy", "--env", "production", "--out", c.out]);
    expect(r.code).toBe(2);
    expect(callLines(c.fake)).toEqual([]);
    expect(r.stderr[0]).toMatch(/standard input is not a terminal/);
  });

  test("deploy in a terminal applies once the environment's name is typed, and stops on anything else", async () => {
    const c = setup();
    mockTerminal.isTTY = true;
    mockTerminal.answer = "production";
    const deployNetwork = async () =>
      (await inCase(c, ["deploy", "--env", "production", "--stack", "network", "--out", c.out])).code;
    expect(await deployNetwork()).toBe(0);
    expect(callLines(c.fake).pop()).toBe("production-network: apply -input=false plan.tfplan");
    mockTerminal.answer = "yes";
    fs.writeFileSync(c.fake.log, "");
    expect(await deployNetwork()).toBe(1);
    expect(callLines(c.fake).some((l) => l.includes(" apply "))).toBe(false);
  });

  test("without HCLOUD_TOKEN nothing runs (exit 2)", async () => {
    const c = setup();
    const r = await cli(
      ["plan", "--env", "production", "--out", c.out],
      fakeEnv(c.fake, { ...MINI_VARIABLES, HCLOUD_TOKEN: undefined }),
      c.dir,
    );
    expect(r.code).toBe(2);
    expect(callLines(c.fake)).toEqual([]);
    expect(r.stderr[0]).toMatch(/^plan: HCLOUD_TOKEN is not set .*docs\/deploy\.md/);
  });

  test("the default output is the repository's cdktf.out (cdktf.json)", async () => {
    const c = setup();
    const r = await cli(["plan", "--env", "no-such-env"], fakeEnv(c.fake), c.dir);
    expect(r.code).toBe(2);
    expect(r.stderr[0]).toMatch(
      /^plan: (no synthesised output in |).*cdktf\.out.*run `all2all synth --env no-such-env`/,
    );
  });

  test("--help lists every option", async () => {
    for (const [command, options] of [
      ["inventory", ["--config", "--env", "--format", "--out", "--addresses"]],
      ["plan", ["--env", "--stack", "--out", "--binary"]],
      ["deploy", ["--env", "--stack", "--out", "--binary", "--auto-approve"]],
    ] as const) {
      const r = await cli([command, "--help"]);
      expect(r.code).toBe(0);
      for (const o of options) expect(r.stdout.join("\n")).toContain(o);
    }
  });
});
