// The binding generator runs only when its inputs change.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { makeTempDir, repoRoot } from "../../testing/tmp";

/** A throw-away copy of the parts of the project that get.js reads. */
function sandbox() {
  const t = makeTempDir("all2all-get-");
  fs.mkdirSync(path.join(t.dir, "providers", "hcloud"), { recursive: true });
  fs.copyFileSync(path.join(repoRoot, "providers", "get.js"), path.join(t.dir, "providers", "get.js"));
  fs.copyFileSync(
    path.join(repoRoot, "providers", "hcloud", "schema.json"),
    path.join(t.dir, "providers", "hcloud", "schema.json"),
  );
  fs.copyFileSync(path.join(repoRoot, "cdktf.json"), path.join(t.dir, "cdktf.json"));
  fs.symlinkSync(path.join(repoRoot, "node_modules"), path.join(t.dir, "node_modules"), "dir");
  const run = (...args: string[]) =>
    execFileSync(process.execPath, [path.join(t.dir, "providers", "get.js"), ...args], {
      cwd: t.dir,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
  return { ...t, run };
}

describe("npm run get (providers/get.js)", () => {
  const s = sandbox();
  afterAll(() => s.cleanup());
  const serverBinding = () => path.join(s.dir, ".gen", "providers", "hcloud", "server", "index.ts");

  test("generates the bindings when none exist, with the cdktf.json version constraint", () => {
    expect(s.run()).toMatch(/generated hcloud into \.gen\//);
    const code = fs.readFileSync(serverBinding(), "utf8");
    expect(code).toContain("export class Server extends cdktn.TerraformResource");
    expect(code).toContain("providerVersion: '~> 1.68'");
  });

  test("does nothing on a second run when the schema is unchanged", () => {
    const before = fs.statSync(serverBinding()).mtimeMs;
    expect(s.run()).toMatch(/up to date/);
    expect(fs.statSync(serverBinding()).mtimeMs).toBe(before);
  });

  test("regenerates when the schema changes", () => {
    const file = path.join(s.dir, "providers", "hcloud", "schema.json");
    const schema = JSON.parse(fs.readFileSync(file, "utf8"));
    const server = schema.provider_schemas["registry.terraform.io/hetznercloud/hcloud"].resource_schemas.hcloud_server;
    server.block.attributes.extra_test_attribute = { type: "string", optional: true };
    fs.writeFileSync(file, JSON.stringify(schema));
    expect(s.run()).toMatch(/generated hcloud/);
    expect(fs.readFileSync(serverBinding(), "utf8")).toContain("extraTestAttribute");
  });

  test("regenerates when cdktf.json's version constraint changes", () => {
    const file = path.join(s.dir, "cdktf.json");
    const cfg = JSON.parse(fs.readFileSync(file, "utf8"));
    cfg.terraformProviders = ["hetznercloud/hcloud@~> 1.68.1"];
    fs.writeFileSync(file, JSON.stringify(cfg));
    expect(s.run()).toMatch(/generated hcloud/);
    expect(fs.readFileSync(serverBinding(), "utf8")).toContain("providerVersion: '~> 1.68.1'");
  });

  test("leaves no temporary folder behind", () => {
    expect(fs.readdirSync(s.dir).filter((n) => n.startsWith(".gen."))).toEqual([]);
  });

  test("a schema that is not JSON is bad input: one line naming the file, exit 2, bindings kept", () => {
    const file = path.join(s.dir, "providers", "hcloud", "schema.json");
    const good = fs.readFileSync(file, "utf8");
    fs.writeFileSync(file, "{ not json");
    let status = 0;
    let stderr = "";
    try {
      s.run();
    } catch (err) {
      status = (err as { status: number }).status;
      stderr = String((err as { stderr: string }).stderr);
    }
    fs.writeFileSync(file, good);
    expect(status).toBe(2);
    expect(stderr).toMatch(/^provider bindings: providers\/hcloud\/schema\.json: cannot read it as JSON \(/);
    expect(stderr.trim().split("\n")).toHaveLength(1);
    expect(fs.existsSync(serverBinding())).toBe(true);
  });

  test("rejects an unknown argument with exit code 2", () => {
    let status = 0;
    let stderr = "";
    try {
      s.run("--frobnicate");
    } catch (err) {
      status = (err as { status: number }).status;
      stderr = String((err as { stderr: string }).stderr);
    }
    expect(status).toBe(2);
    expect(stderr).toMatch(/unknown argument --frobnicate \(expected --force or --quiet\)/);
  });
});
