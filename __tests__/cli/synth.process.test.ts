// `all2all synth` and `all2all validate` through the command line's main().
import * as fs from "node:fs";
import * as path from "node:path";
import { captureIo } from "../../cli/io";
import { main } from "../../cli/main";
import { expectUnvalidatedSynth } from "../../testing/cli-process";
import { defaultConfig, makeTempDir, readJson, repoRoot } from "../../testing/tmp";

describe("all2all synth", () => {
  const t = makeTempDir("all2all-synth-");
  afterAll(() => t.cleanup());
  const out = path.join(t.dir, "cdktf.out");
  let code: number;
  const io = captureIo({}, t.dir);

  beforeAll(async () => {
    code = await main(["synth", "--config", defaultConfig, "--out", out], io, repoRoot);
  });

  test("writes every stack and the manifest in cdktn's layout, and exits 0", () => {
    expect(io.stderr).toEqual([]);
    expect(code).toBe(0);
    const manifest = readJson(path.join(out, "manifest.json"));
    const names = Object.keys(manifest.stacks);
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) {
      expect(manifest.stacks[name].synthesizedStackPath).toBe(`stacks/${name}/cdk.tf.json`);
      expect(fs.existsSync(path.join(out, "stacks", name, "cdk.tf.json"))).toBe(true);
    }
  });

  test("reports that validation found 0 problems", () => {
    expect(io.stdout).toContain("validate: 12 stacks, 0 problems");
  });

  test("prints the stacks and the resources per type", () => {
    const manifest = readJson(path.join(out, "manifest.json"));
    const text = io.stdout.join("\n");
    for (const name of Object.keys(manifest.stacks)) {
      const tf = readJson(path.join(out, "stacks", name, "cdk.tf.json"));
      const total = Object.values(tf.resource as Record<string, object>).reduce((n, r) => n + Object.keys(r).length, 0);
      expect(text).toContain(`  ${name}: ${total} resources`);
      for (const [type, byName] of Object.entries(tf.resource as Record<string, object>)) {
        expect(text).toMatch(new RegExp(`\\s${Object.keys(byName).length}  ${type}\\n`));
      }
    }
  });

  test("pins the hcloud provider to the cdktf.json constraint and names no token and no machine path", () => {
    for (const name of fs.readdirSync(path.join(out, "stacks"))) {
      const raw = fs.readFileSync(path.join(out, "stacks", name, "cdk.tf.json"), "utf8");
      const tf = JSON.parse(raw);
      expect(tf.terraform.required_providers.hcloud).toEqual({
        source: "hetznercloud/hcloud",
        version: "~> 1.68",
      });
      expect(tf.provider.hcloud).toEqual([{}]);
      expect(raw).not.toContain(repoRoot);
      expect(raw).not.toContain(t.dir);
      if (tf.terraform.backend.local) {
        // Local state sits in a state/ folder beside the output, never inside what synth replaces.
        expect(tf.terraform.backend.local.path).toBe(`../../../state/${name}.tfstate`);
      } else {
        expect(tf.terraform.backend.s3.key).toMatch(new RegExp(`/${name}\\.tfstate$`));
        expect(tf.terraform.backend.s3.use_lockfile).toBe(true);
      }
    }
  });

  test("leaves no temporary directory behind, and replaces the previous output as a whole", async () => {
    fs.mkdirSync(path.join(out, "stacks", "removed-stack"));
    fs.writeFileSync(path.join(out, "stacks", "removed-stack", "cdk.tf.json"), "{}");
    const again = captureIo({}, t.dir);
    expect(await main(["synth", "--config", defaultConfig, "--out", out], again, repoRoot)).toBe(0);
    expect(fs.existsSync(path.join(out, "stacks", "removed-stack"))).toBe(false);
    expect(fs.readdirSync(t.dir)).toEqual(["cdktf.out"]);
  });

  test("refuses to replace a folder that holds anything but a previous output, and changes nothing", async () => {
    const victim = path.join(t.dir, "notes");
    fs.mkdirSync(victim);
    fs.writeFileSync(path.join(victim, "notes.txt"), "keep me");
    const io2 = captureIo({}, t.dir);
    expect(await main(["synth", "--config", defaultConfig, "--env", "staging", "--out", victim], io2, repoRoot)).toBe(
      2,
    );
    expect(io2.stderr.join("\n")).toMatch(/holds notes\.txt, which a synth did not write/);
    expect(fs.readdirSync(victim)).toEqual(["notes.txt"]);
    fs.rmSync(victim, { recursive: true });
  });

  test("refuses the working directory, the config folder and a file as output", async () => {
    const cases: Array<[string, RegExp]> = [
      [t.dir, /would replace/],
      [path.dirname(defaultConfig), /would replace/],
      [path.join(defaultConfig, "environments"), /holds .*which a synth did not write/],
      [path.join(defaultConfig, "network.yaml"), /is a file, not a folder/],
    ];
    for (const [target, message] of cases) {
      const io2 = captureIo({}, t.dir);
      expect({
        target,
        code: await main(["synth", "--config", defaultConfig, "--env", "staging", "--out", target], io2, repoRoot),
      }).toEqual({ target, code: 2 });
      expect(io2.stderr.join("\n")).toMatch(message);
    }
  });

  test("an output folder that cannot be created is bad input, not a crash", async () => {
    const io2 = captureIo({}, t.dir);
    const missing = path.join(t.dir, "no-such-folder", "out");
    expect(await main(["synth", "--config", defaultConfig, "--env", "staging", "--out", missing], io2, repoRoot)).toBe(
      2,
    );
    expect(io2.stderr.join("\n")).toBe(
      `all2all: cannot write beside ${missing}: the folder ${path.dirname(missing)} does not exist`,
    );
    expect(fs.existsSync(path.dirname(missing))).toBe(false);
  });
});

describe("all2all synth with a failing validation", () => {
  test("keeps the previous output, writes nothing new, and exits 1", async () => {
    const t = makeTempDir("all2all-synth-bad-");
    try {
      // A project whose provider schema lacks hcloud_server: every server is then an unknown resource type.
      const root = path.join(t.dir, "project");
      fs.mkdirSync(path.join(root, "providers", "hcloud"), { recursive: true });
      fs.copyFileSync(path.join(repoRoot, "cdktf.json"), path.join(root, "cdktf.json"));
      const schema = readJson(path.join(repoRoot, "providers", "hcloud", "schema.json"));
      delete schema.provider_schemas["registry.terraform.io/hetznercloud/hcloud"].resource_schemas.hcloud_server;
      fs.writeFileSync(path.join(root, "providers", "hcloud", "schema.json"), JSON.stringify(schema));
      const out = path.join(t.dir, "out");
      fs.mkdirSync(out);
      fs.writeFileSync(path.join(out, "manifest.json"), '{"previous": "kept"}');

      const io = captureIo({}, t.dir);
      expect(await main(["synth", "--config", defaultConfig, "--env", "staging", "--out", out], io, root)).toBe(1);
      expect(io.stderr.join("\n")).toMatch(
        /hcloud_server\.\S+ : ?unknown resource type|hcloud_server.*unknown resource type/,
      );
      expect(io.stderr.join("\n")).toContain("output not written");
      expect(fs.readdirSync(out)).toEqual(["manifest.json"]);
      expect(readJson(path.join(out, "manifest.json"))).toEqual({ previous: "kept" });
      expect(fs.readdirSync(t.dir).sort()).toEqual(["out", "project"]);

      // --no-validate writes it anyway, for inspection.
      await expectUnvalidatedSynth("staging", out, t.dir, root);
      expect(Object.keys(readJson(path.join(out, "manifest.json")).stacks)).toContain("staging-servers");
    } finally {
      t.cleanup();
    }
  });
});

describe("command line arguments", () => {
  test("an unknown option exits 2 and says what is allowed", async () => {
    const io = captureIo();
    expect(await main(["synth", "--outt", "x"], io, repoRoot)).toBe(2);
    expect(io.stderr.join("\n")).toMatch(/unknown option '--outt'/);
    expect(io.stderr.join("\n")).toMatch(/--out/);
  });

  test("an unknown command exits 2", async () => {
    const io = captureIo();
    expect(await main(["synthesise"], io, repoRoot)).toBe(2);
    expect(io.stderr.join("\n")).toMatch(/unknown command 'synthesise'/);
  });

  test("--help lists the commands and exits 0", async () => {
    const io = captureIo();
    expect(await main(["--help"], io, repoRoot)).toBe(0);
    expect(io.stdout.join("\n")).toMatch(/synth[\s\S]*validate/);
  });

  test("validate of a missing directory exits 2 and names it", async () => {
    const io = captureIo({}, repoRoot);
    expect(await main(["validate", "--out", "no-such-dir"], io, repoRoot)).toBe(2);
    expect(io.stderr.join("\n")).toContain("no-such-dir does not exist");
  });
});

describe("policies in synth", () => {
  test("--policy-report writes every finding as JSON; the default config has no error in force", async () => {
    const t = makeTempDir("all2all-policy-report-");
    try {
      const io = captureIo({}, t.dir);
      expect(
        await main(
          ["synth", "--config", defaultConfig, "--out", path.join(t.dir, "out"), "--policy-report", "policy.json"],
          io,
          repoRoot,
        ),
      ).toBe(0);
      expect(io.stdout[0]).toMatch(/^policies: 0 errors, 0 warnings, 3 suppressed$/);
      const report = readJson(path.join(t.dir, "policy.json"));
      expect(report.summary).toEqual({ errors: 0, warnings: 0, suppressed: 3 });
      for (const f of report.findings) {
        expect(Object.keys(f).sort()).toEqual([
          "address",
          "environment",
          "message",
          "resource",
          "rule",
          "severity",
          "stack",
          "suppressed",
        ]);
        expect(f.suppressed.reason.length).toBeGreaterThan(20);
      }
    } finally {
      t.cleanup();
    }
  });

  test("an unsuppressed policy error stops synth: exit 1, the table and the report name it, nothing is written", async () => {
    const t = makeTempDir("all2all-policy-error-");
    try {
      const config = path.join(t.dir, "config");
      fs.cpSync(defaultConfig, config, { recursive: true });
      const file = path.join(config, "network.yaml");
      const text = fs.readFileSync(file, "utf8");
      const open = text.replace("port: 22, sources: [admin]", "port: 22, sources: [any]");
      expect(open).not.toBe(text);
      fs.writeFileSync(file, open);
      const io = captureIo({}, t.dir);
      const out = path.join(t.dir, "out");
      expect(
        await main(
          ["synth", "--config", config, "--env", "staging", "--out", out, "--policy-report", "policy.json"],
          io,
          repoRoot,
        ),
      ).toBe(1);
      expect(io.stdout.join("\n")).toMatch(
        /error\s+firewall-world-sensitive-port\s+staging-network\s+hcloud_firewall\.ssh-admin/,
      );
      expect(io.stderr.join("\n")).toMatch(/synth: \d+ policy errors? \(above\): output not written/);
      expect(fs.existsSync(out)).toBe(false);
      const report = readJson(path.join(t.dir, "policy.json"));
      expect(
        report.findings.some(
          (f: { rule: string; severity: string }) =>
            f.rule === "firewall-world-sensitive-port" && f.severity === "error",
        ),
      ).toBe(true);
    } finally {
      t.cleanup();
    }
  });
});

describe("the provider lock file", () => {
  test("synth copies providers/hcloud/.terraform.lock.hcl into every stack when it is committed", async () => {
    const { makeSandboxProject } = await import("../../testing/deploy.js");
    const { copyLockFile } = await import("../../cli/synth.js");
    const t = makeTempDir("all2all-synth-lock-");
    try {
      const root = makeSandboxProject(path.join(t.dir, "project"));
      const out = path.join(t.dir, "out");
      fs.mkdirSync(path.join(out, "stacks", "a"), { recursive: true });
      fs.mkdirSync(path.join(out, "stacks", "b"), { recursive: true });
      expect(copyLockFile(root, out, [{ name: "a" }, { name: "b" }])).toBe(false);
      expect(fs.existsSync(path.join(out, "stacks", "a", ".terraform.lock.hcl"))).toBe(false);
      fs.writeFileSync(path.join(root, "providers", "hcloud", ".terraform.lock.hcl"), "# lock\n");
      expect(copyLockFile(root, out, [{ name: "a" }, { name: "b" }])).toBe(true);
      for (const s of ["a", "b"])
        expect(fs.readFileSync(path.join(out, "stacks", s, ".terraform.lock.hcl"), "utf8")).toBe("# lock\n");
    } finally {
      t.cleanup();
    }
  });
});
