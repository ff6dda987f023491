/**
 * Remote state with locking, on the real engine: the S3 backend exactly as
 * HcloudStack synthesises it (dr's network stack, whose state is in a
 * bucket), only its endpoint and bucket pointed at versitygw on loopback
 * (engine/s3.ts; it honours the conditional writes that use_lockfile's lock
 * file depends on), against the simulated Hetzner Cloud.
 *
 * - init and apply write the state object, and no lock is left behind;
 * - two applies of the same stack at once (two operators, two copies of the
 *   stack folder, the same change): exactly one fails with "Error acquiring
 *   the state lock", the other applies; afterwards a plan in either copy is
 *   empty and the cloud holds each resource once (nothing lost, nothing twice);
 * - an apply killed with SIGKILL while it holds the lock leaves the
 *   `<key>.tflock` object; `all2all unlock` shows that lock (ID, operation,
 *   who, when) and releases it, after which a plan runs again.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { engineEnv, type Engine } from "../../engine/engine";
import { startSimulator, type RunningSimulator } from "../../simulator/server";
import { runCli } from "../../testing/cli";
import { describeE2e, requireEngine, TEST_TOKEN, tofu, tofuOk } from "../../testing/engine";
import { startS3, type S3Server } from "../../engine/s3";
import { makeTempDir, readJson, repoRoot } from "../../testing/tmp";

jest.setTimeout(600_000);

const STACK = "dr-network";
const KEY = `all2all/dr/${STACK}.tfstate`;
const LOCK = `${KEY}.tflock`;

describeE2e("state locking with the S3 backend (versitygw on loopback, the real engine, the simulator)", () => {
  const t = makeTempDir("all2all-state-lock-");
  let engine: Engine;
  let sim: RunningSimulator;
  let s3: S3Server;
  let out: string;
  let dir: string;
  let env: Record<string, string>;
  /**
   * What every engine run gets besides the simulator's endpoints: the state keys and the state's passphrase (random,
   * this test's only).
   */
  let tfEnv: Record<string, string>;

  beforeAll(async () => {
    engine = requireEngine();
    sim = await startSimulator({ warn: () => undefined });
    s3 = await startS3({ region: "hel1" });
    out = path.join(t.dir, "cdktf.out");
    const synth = await runCli(["synth", "--env", "dr", "--out", out], repoRoot, { ...process.env });
    if (synth.code !== 0) throw new Error(`synth failed:\n${[...synth.stdout, ...synth.stderr].join("\n")}`);
    dir = path.join(out, "stacks", STACK);
    const file = path.join(dir, "cdk.tf.json");
    const doc = readJson(file);
    const backend = doc.terraform.backend.s3;
    // The backend as synthesised; only where it is changes.
    expect(backend).toMatchObject({
      key: KEY,
      region: "hel1",
      use_lockfile: true,
      use_path_style: true,
      skip_credentials_validation: true,
      skip_requesting_account_id: true,
    });
    backend.endpoints = { s3: s3.endpoint };
    backend.bucket = s3.bucket;
    fs.writeFileSync(file, JSON.stringify(doc, null, 2));
    tfEnv = { ...s3.env, TF_VAR_state_passphrase: randomBytes(24).toString("hex") };
    env = { ...tfEnv, HCLOUD_ENDPOINT: sim.cloudUrl, HETZNER_ENDPOINT: sim.hetznerUrl };
  });

  afterAll(async () => {
    await s3?.stop();
    await sim?.close();
    t.cleanup();
  });

  const run = (cwd: string, args: string[]) => tofu(engine, cwd, args, sim, tfEnv);
  const ok = (cwd: string, args: string[], expect = 0) => tofuOk(engine, cwd, args, sim, expect, tfEnv);
  /** The state, decrypted by the engine (the object in the bucket is encrypted). */
  const pull = async (cwd: string) => JSON.parse((await ok(cwd, ["state", "pull"])).stdout);

  /** Resolves once the lock object exists (polled every 10 ms, bounded). */
  async function lockAppears(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!s3.has(LOCK)) {
      if (Date.now() > deadline) throw new Error(`no ${LOCK} within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  async function count(route: string, field: string, name: string): Promise<number> {
    const r = await fetch(`${sim.cloudUrl}${route}?per_page=50`, {
      headers: { Authorization: `Bearer ${TEST_TOKEN}` },
    });
    const body = (await r.json()) as Record<string, { name: string }[]>;
    return body[field]!.filter((x) => x.name === name).length;
  }

  test("init and apply keep the state in the bucket and release the lock", async () => {
    await ok(dir, ["init", "-input=false"]);
    await ok(dir, ["apply", "-input=false", "-auto-approve"]);
    expect(s3.has(KEY)).toBe(true);
    expect(s3.has(LOCK)).toBe(false);
    const state = await pull(dir);
    expect(state.resources.map((r: { type: string; name: string }) => `${r.type}.${r.name}`)).toContain(
      "hcloud_network.internal",
    );
    // Nothing of the state is on the operator's machine.
    expect(fs.existsSync(path.join(dir, "terraform.tfstate"))).toBe(false);
  });

  test("two applies at once: one fails on the lock, the other applies, and nothing is lost", async () => {
    const other = path.join(t.dir, "operator-2", STACK);
    fs.cpSync(dir, other, { recursive: true });
    for (const d of [dir, other]) {
      const file = path.join(d, "cdk.tf.json");
      const doc = readJson(file);
      doc.resource.hcloud_network.internal.labels.revision = "2";
      fs.writeFileSync(file, JSON.stringify(doc, null, 2));
    }
    await ok(other, ["init", "-input=false"]);
    const serialBefore = (await pull(dir)).serial as number;

    // Started together, the two ask for the lock within moments of each other (the same start-up: backend,
    // key derivation), and the one that takes it holds it for its whole apply (provider start, refresh, update).
    const results = await Promise.all([
      run(dir, ["apply", "-input=false", "-auto-approve"]),
      run(other, ["apply", "-input=false", "-auto-approve"]),
    ]);

    const failed = results.filter((r) => r.code !== 0);
    expect(failed).toHaveLength(1);
    expect(failed[0]!.stdout + failed[0]!.stderr).toContain("Error acquiring the state lock");
    expect(failed[0]!.stdout + failed[0]!.stderr).toMatch(
      /Lock Info:[\s\S]*ID:\s+\S+[\s\S]*Operation:\s+OperationTypeApply/,
    );
    const applied = results.filter((r) => r.code === 0);
    expect(applied[0]!.stdout).toMatch(/Apply complete! Resources: 0 added, 1 changed, 0 destroyed/);

    expect(s3.has(LOCK)).toBe(false);
    const state = await pull(dir);
    expect(state.serial).toBe(serialBefore + 1);
    const network = state.resources.find((r: { type: string }) => r.type === "hcloud_network");
    expect(network.instances[0].attributes.labels.revision).toBe("2");
    // Nothing lost: both copies plan no change (-detailed-exitcode: 0 = none, 2 = changes).
    for (const d of [dir, other]) await ok(d, ["plan", "-input=false", "-detailed-exitcode", "-lock-timeout=0s"]);
    // Nothing twice: one network, one of each firewall.
    expect(await count("/networks", "networks", "internal")).toBe(1);
    expect(await count("/firewalls", "firewalls", "web")).toBe(1);
  });

  test("a killed apply leaves its lock; all2all unlock shows it and releases it, then plan runs", async () => {
    const file = path.join(dir, "cdk.tf.json");
    const doc = readJson(file);
    doc.resource.hcloud_network.internal.labels.revision = "3";
    fs.writeFileSync(file, JSON.stringify(doc, null, 2));

    const child = spawn(engine.tofu, ["apply", "-input=false", "-auto-approve"], {
      cwd: dir,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? "",
        ...engineEnv(engine),
        TF_CLI_ARGS: "-no-color",
        HCLOUD_TOKEN: TEST_TOKEN,
        ...env,
      },
      stdio: "ignore",
    });
    const closed = new Promise<void>((resolve) => child.once("close", () => resolve()));
    await lockAppears();
    child.kill("SIGKILL");
    await closed;
    expect(child.signalCode).toBe("SIGKILL");

    expect(s3.has(LOCK)).toBe(true);
    const held = JSON.parse(s3.read(LOCK)) as { ID: string; Operation: string };
    expect(held.Operation).toBe("OperationTypeApply");
    const blocked = await run(dir, ["plan", "-input=false", "-lock-timeout=0s"]);
    expect(blocked.code).not.toBe(0);
    expect(blocked.stderr + blocked.stdout).toContain("Error acquiring the state lock");

    const cliEnv = { ...process.env, ...engineEnv(engine), TF_CLI_ARGS: "-no-color", HCLOUD_TOKEN: TEST_TOKEN, ...env };
    const shown = await runCli(
      ["unlock", "--env", "dr", "--stack", "network", "--out", out, "--binary", engine.tofu, "--yes"],
      repoRoot,
      cliEnv,
    );
    expect({ code: shown.code, stderr: shown.stderr }).toEqual({ code: 0, stderr: expect.any(Array) });
    const text = shown.stdout.join("\n");
    expect(text).toContain(`ID:        ${held.ID}`);
    expect(text).toContain("Operation: OperationTypeApply");
    expect(text).toMatch(/Who:\s+\S+/);
    expect(text).toMatch(/Created:\s+\d{4}-\d\d-\d\d/);
    expect(text).toContain(`released the lock ${held.ID} of ${STACK}`);
    expect(s3.has(LOCK)).toBe(false);

    // The state is as the last complete apply left it, and the next plan runs (and wants the killed change).
    await ok(dir, ["plan", "-input=false", "-lock-timeout=0s", "-detailed-exitcode"], 2);
    const none = await runCli(
      ["unlock", "--env", "dr", "--stack", STACK, "--out", out, "--binary", engine.tofu, "--yes"],
      repoRoot,
      cliEnv,
    );
    expect(none.code).toBe(0);
    expect(none.stdout.join("\n")).toContain(`no lock is held on the state of ${STACK}`);
  });
});
