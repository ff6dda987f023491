/**
 * OpenTofu's state encryption on the real engine: dr rehearsed against the
 * simulated Hetzner Cloud, then, in its sandbox, what is on disk, what plan
 * does without the passphrase or with a wrong one, and a key rotation as
 * docs/deploy.md ("Rotating the state key") runs it.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { runDeploy, runPlan } from "../../cli/deploy";
import { runSynth } from "../../cli/synth";
import { describeE2e } from "../../testing/engine";
import { capture, copyConfig, rehearse, type Captured, type Rehearsed } from "../../testing/rehearsal";
import { makeTempDir, repoRoot } from "../../testing/tmp";

jest.setTimeout(600_000);

const ENV = "dr";
const NEW_PASSPHRASE = "the-new-passphrase-of-this-test-0123";

interface OnDisk {
  readonly file: string;
  readonly bytes: Buffer;
}

/** Every state and saved plan file of the sandbox (state/*.tfstate, stacks/<stack>/plan.tfplan). */
function stateAndPlans(work: string, out: string): OnDisk[] {
  const files: string[] = [];
  const stateDir = path.join(work, "state");
  for (const f of fs.readdirSync(stateDir)) if (/\.tfstate(\.backup)?$/.test(f)) files.push(path.join(stateDir, f));
  for (const s of fs.readdirSync(path.join(out, "stacks"))) {
    const plan = path.join(out, "stacks", s, "plan.tfplan");
    if (fs.existsSync(plan)) files.push(plan);
  }
  return files.map((file) => ({ file, bytes: fs.readFileSync(file) }));
}

describeE2e("state encryption on the real engine (dr)", () => {
  const t = makeTempDir("all2all-e2e-encryption-");
  afterAll(() => t.cleanup());
  const config = copyConfig(path.join(t.dir, "config"));
  const work = path.join(t.dir, "work");

  let result: Rehearsed;
  let secrets: Record<string, string> = {};
  let disk: OnDisk[] = [];
  let planJson: string[] = [];
  const seen: Record<string, Captured> = {};
  let afterRotation: OnDisk[] = [];

  beforeAll(async () => {
    result = await rehearse(ENV, { config, work }, async (sb) => {
      const binary = path.join(sb.env.PATH!.split(path.delimiter)[0]!, "tofu");
      secrets = Object.fromEntries(Object.entries(sb.env).filter(([k]) => k.startsWith("TF_VAR_")));
      disk = stateAndPlans(sb.work, sb.out);
      planJson = fs
        .readdirSync(path.join(sb.out, "stacks"))
        .map((s) => path.join(sb.out, "stacks", s, "plan.json"))
        .filter((f) => fs.existsSync(f))
        .map((f) => fs.readFileSync(f, "utf8"));
      const old = sb.env.TF_VAR_state_passphrase!;
      const plan = (env: Record<string, string | undefined>) =>
        capture({ ...process.env, ...env }, (io) =>
          runPlan({ env: ENV, out: sb.out, binary, allowMissingLock: true }, io, repoRoot),
        );

      // Without the passphrase: refused before tofu runs.
      const before = fs.statSync(path.join(sb.out, "stacks", `${ENV}-network`, "plan.tfplan")).mtimeMs;
      seen.noPassphrase = await plan({ ...sb.env, TF_VAR_state_passphrase: "" });
      seen.noPassphraseTouched = {
        code: fs.statSync(path.join(sb.out, "stacks", `${ENV}-network`, "plan.tfplan")).mtimeMs === before ? 0 : 1,
        stdout: [],
        stderr: [],
      };
      // A wrong one, long enough: tofu itself cannot read the state.
      seen.wrongPassphrase = await plan({ ...sb.env, TF_VAR_state_passphrase: "not-the-passphrase-at-all-0123" });

      // Rotation: synthesise with the old passphrase as fallback, deploy (every stack written again with the new
      // key)...
      const rotatingEnv = {
        ...process.env,
        ...sb.env,
        TF_VAR_state_passphrase: NEW_PASSPHRASE,
        TF_VAR_state_passphrase_previous: old,
      };
      seen.rotateSynth = await capture(rotatingEnv, (io) =>
        runSynth({ config, env: ENV, out: sb.out, localState: true }, io, repoRoot),
      );
      seen.rotate = await capture(rotatingEnv, (io) =>
        runDeploy({ env: ENV, out: sb.out, binary, allowMissingLock: true, autoApprove: true }, io, repoRoot),
      );
      // ...then synthesise as usual again.
      const { TF_VAR_state_passphrase_previous: _previous, ...plain } = rotatingEnv;
      seen.plainSynth = await capture(plain, (io) =>
        runSynth({ config, env: ENV, out: sb.out, localState: true }, io, repoRoot),
      );
      seen.oldAlone = await plan({ ...sb.env, TF_VAR_state_passphrase: old });
      seen.newAlone = await plan({ ...sb.env, TF_VAR_state_passphrase: NEW_PASSPHRASE });
      afterRotation = stateAndPlans(sb.work, sb.out);
    });
  });

  const text = (c: Captured) => [...c.stdout, ...c.stderr].join("\n");

  test("dr rehearses with encrypted state: every stack applied, every second plan empty", () => {
    expect(result.code).toBe(0);
    for (const s of result.report.stacks) expect(s.changes_after_apply).toBe(0);
  });

  test("no state or plan file is readable JSON or holds a sensitive variable's value", () => {
    expect(disk.filter((d) => d.file.endsWith(".tfstate")).length).toBe(4);
    expect(disk.filter((d) => d.file.endsWith(".tfplan")).length).toBe(4);
    const values = Object.values(secrets).filter((v) => v.length >= 8);
    // the passphrase, the storage box's and its subaccounts' passwords, the TSIG secret
    expect(values.length).toBeGreaterThanOrEqual(3);
    for (const d of [...disk, ...afterRotation]) {
      const raw = d.bytes.toString("latin1");
      for (const v of values) expect({ file: d.file, holds: raw.includes(v) }).toEqual({ file: d.file, holds: false });
      if (d.file.endsWith(".tfplan")) {
        // A plan in clear is a zip holding tfplan, tfstate and tfconfig/ entries.
        expect({ file: d.file, zip: raw.startsWith("PK"), entries: /tfplan|tfstate|tfconfig/.test(raw) }).toEqual({
          file: d.file,
          zip: false,
          entries: false,
        });
      } else {
        const envelope = JSON.parse(raw);
        expect(Object.keys(envelope)).toContain("encrypted_data");
        expect(envelope.resources).toBeUndefined();
      }
    }
    // plan.json, for people and plan-summary, is in clear but masked: no sensitive value in it.
    expect(planJson.length).toBe(4);
    for (const j of planJson) for (const v of values) expect(j.includes(v)).toBe(false);
  });

  test("without the passphrase, plan refuses before running, naming the variable (exit 2, no plan written)", () => {
    expect(seen.noPassphrase!.code).toBe(2);
    expect(text(seen.noPassphrase!)).toMatch(/TF_VAR_state_passphrase is not set \(or empty\)/);
    expect(text(seen.noPassphrase!)).not.toMatch(/\binit\b.*-input=false/);
    expect(seen.noPassphraseTouched!.code).toBe(0);
  });

  test("with a wrong passphrase, the engine cannot decrypt the state: plan fails", () => {
    expect(seen.wrongPassphrase!.code).toBe(1);
    expect(text(seen.wrongPassphrase!)).toMatch(/decrypt/i);
  });

  test("rotation: synth says so, deploy writes every stack's state again with the new key", () => {
    expect(seen.rotateSynth!.code).toBe(0);
    expect(text(seen.rotateSynth!)).toMatch(/state encryption: rotating the key/);
    expect(seen.rotate!.code).toBe(0);
    for (const s of ["backup", "network", "servers", "dns"])
      expect(text(seen.rotate!)).toContain(
        `${ENV}-${s}: rotating the state key: writing its state again with the key of TF_VAR_state_passphrase`,
      );
  });

  test(
    "after the rotation the old passphrase alone is refused by the " + "engine, and the new one plans with no change",
    () => {
      expect(seen.plainSynth!.code).toBe(0);
      expect(seen.oldAlone!.code).toBe(1);
      expect(text(seen.oldAlone!)).toMatch(/decrypt/i);
      expect(seen.newAlone!.code).toBe(0);
      expect(text(seen.newAlone!)).toMatch(/no changes/i);
    },
  );
});
