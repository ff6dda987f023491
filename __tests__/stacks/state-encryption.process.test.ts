// OpenTofu's state and plan encryption as synthesised (stacks/hcloud-stack.ts),
// the switch that turns it off for Terraform (cli/synth.ts), and the passphrase
// checks that run before tofu does (cli/deploy/preflight.ts).
import * as fs from "node:fs";
import * as path from "node:path";
import { passphraseProblems, type PreflightStack } from "../../cli/deploy/preflight";
import { encryptionOf } from "../../cli/synth";
import { encryptionBlock, PASSPHRASE_VARIABLE, PREVIOUS_PASSPHRASE_VARIABLE } from "../../stacks/hcloud-stack";
import { runCli } from "../../testing/cli";
import { defaultConfig, makeTempDir, readJson } from "../../testing/tmp";
import { joinRegExp } from "../../primitives/regexp";

describe("the encryption block", () => {
  test(
    "normally: both key slots from state_passphrase, AES-GCM enforced for " +
      "state and plans, remote state read the same way",
    () => {
      const block = encryptionBlock(false) as any;
      expect(block.key_provider.pbkdf2).toEqual({
        current: { passphrase: "${var.state_passphrase}" },
        next: { passphrase: "${var.state_passphrase}" },
      });
      expect(block.method.aes_gcm).toEqual({
        current: { keys: "${key_provider.pbkdf2.current}" },
        next: { keys: "${key_provider.pbkdf2.next}" },
      });
      for (const target of [block.state, block.plan])
        expect(target).toEqual({
          method: "method.aes_gcm.current",
          enforced: true,
          fallback: { method: "method.aes_gcm.next" },
        });
      expect(block.remote_state_data_sources).toEqual({
        default: { method: "method.aes_gcm.current", fallback: { method: "method.aes_gcm.next" } },
      });
    },
  );

  test("during a rotation: the old passphrase reads (current slot), the new one writes (next slot)", () => {
    const block = encryptionBlock(true) as any;
    expect(block.key_provider.pbkdf2.current).toEqual({ passphrase: "${var.state_passphrase_previous}" });
    expect(block.key_provider.pbkdf2.next).toEqual({ passphrase: "${var.state_passphrase}" });
    expect(block.state).toEqual({
      method: "method.aes_gcm.next",
      enforced: true,
      fallback: { method: "method.aes_gcm.current" },
    });
  });
});

describe("synth", () => {
  const t = makeTempDir("all2all-encryption-");
  afterAll(() => t.cleanup());
  const PASSPHRASE = "a-known-passphrase-for-this-test-only";

  test(
    "every stack is encrypted and declares the passphrase as a sensitive " +
      "variable; its value is nowhere in the output",
    async () => {
      const out = path.join(t.dir, "out");
      const r = await runCli(["synth", "--config", defaultConfig, "--out", out], t.dir, {
        [`TF_VAR_${PASSPHRASE_VARIABLE}`]: PASSPHRASE,
      });
      expect(r.code).toBe(0);
      const stacks = fs.readdirSync(path.join(out, "stacks"));
      expect(stacks.length).toBe(12);
      for (const s of stacks) {
        const text = fs.readFileSync(path.join(out, "stacks", s, "cdk.tf.json"), "utf8");
        const tf = JSON.parse(text);
        expect(tf.terraform.encryption.state.enforced).toBe(true);
        expect(tf.variable[PASSPHRASE_VARIABLE]).toMatchObject({ sensitive: true, nullable: false });
        expect(tf.variable[PREVIOUS_PASSPHRASE_VARIABLE]).toBeUndefined();
        expect(text).not.toContain(PASSPHRASE);
      }
    },
  );

  test(
    "with the previous passphrase in the environment, the stacks are " +
      "synthesised for a rotation, and synth says so",
    async () => {
      const out = path.join(t.dir, "rotating");
      const env = {
        [`TF_VAR_${PASSPHRASE_VARIABLE}`]: PASSPHRASE,
        [`TF_VAR_${PREVIOUS_PASSPHRASE_VARIABLE}`]: `${PASSPHRASE}-old`,
      };
      const r = await runCli(["synth", "--config", defaultConfig, "--env", "dr", "--out", out], t.dir, env);
      expect(r.code).toBe(0);
      expect(r.stdout.join("\n")).toMatch(
        joinRegExp(
          /state encryption: rotating the key: TF_VAR_state_passphrase_previous reads /,
          /what is still encrypted with the previous passphrase/,
        ),
      );
      const tf = readJson<any>(path.join(out, "stacks", "dr-network", "cdk.tf.json"));
      expect(tf.variable[PREVIOUS_PASSPHRASE_VARIABLE]).toMatchObject({ sensitive: true });
      expect(JSON.stringify(tf)).not.toContain(PASSPHRASE);
    },
  );

  test(
    "ALL2ALL_STATE_ENCRYPTION=off: no encryption block and no " +
      "passphrase variable, and synth says state is in clear",
    async () => {
      const out = path.join(t.dir, "clear");
      const r = await runCli(["synth", "--config", defaultConfig, "--env", "dr", "--out", out], t.dir, {
        ALL2ALL_STATE_ENCRYPTION: "off",
      });
      expect(r.code).toBe(0);
      expect(r.stdout.join("\n")).toContain(
        "state encryption: off (ALL2ALL_STATE_ENCRYPTION=off): state and plans are written in clear",
      );
      const tf = readJson<any>(path.join(out, "stacks", "dr-network", "cdk.tf.json"));
      expect(tf.terraform.encryption).toBeUndefined();
      expect(tf.variable?.[PASSPHRASE_VARIABLE]).toBeUndefined();
    },
  );

  test(
    "ALL2ALL_STATE_ENCRYPTION with another value is bad input: exit " + "2, naming the valid values, nothing written",
    async () => {
      const out = path.join(t.dir, "bad");
      const r = await runCli(["synth", "--config", defaultConfig, "--out", out], t.dir, {
        ALL2ALL_STATE_ENCRYPTION: "no",
      });
      expect(r.code).toBe(2);
      expect(r.stderr.join("\n")).toContain(
        'ALL2ALL_STATE_ENCRYPTION="no": give on (the default: OpenTofu encrypts state and plans) or off',
      );
      expect(fs.existsSync(out)).toBe(false);
    },
  );

  test("encryptionOf: options win over the environment; a blank previous passphrase is no rotation", () => {
    expect(encryptionOf({}, {})).toEqual({ enabled: true, rotating: false });
    expect(encryptionOf({}, { [`TF_VAR_${PREVIOUS_PASSPHRASE_VARIABLE}`]: "  " })).toEqual({
      enabled: true,
      rotating: false,
    });
    expect(
      encryptionOf({ rotateStateKey: false }, { [`TF_VAR_${PREVIOUS_PASSPHRASE_VARIABLE}`]: "old-passphrase-xxxx" }),
    ).toEqual({ enabled: true, rotating: false });
    expect(
      encryptionOf({ stateEncryption: false }, { [`TF_VAR_${PREVIOUS_PASSPHRASE_VARIABLE}`]: "old-passphrase-xxxx" }),
    ).toEqual({ enabled: false, rotating: false });
  });
});

describe("the passphrase, checked before tofu runs", () => {
  const stack = (name: string, ...variables: string[]): PreflightStack => ({
    name,
    facts: { variables: variables.map((v) => ({ name: v, required: true })), encrypted: true },
  });
  const stacks = [stack("prod-network", PASSPHRASE_VARIABLE), stack("prod-dns", PASSPHRASE_VARIABLE)];

  test("missing: one problem naming the variable, the stacks and how to set it", () => {
    const [p, ...rest] = passphraseProblems(stacks, {});
    expect(rest).toEqual([]);
    expect(p).toBe(
      "TF_VAR_state_passphrase is not set (or empty): the state and plans of prod-network, prod-dns " +
        "are encrypted (OpenTofu state encryption) with a key derived from it; " +
        ("export the environment's passphrase, at least 16 characters: `read -rs TF_VAR_state_passphrase " +
          '&& export TF_VAR_state_passphrase` (docs/deploy.md, "State encryption")'),
    );
  });

  test("too short (counted in characters): refused, the value never printed", () => {
    const short = "é".repeat(15);
    const [p] = passphraseProblems(stacks, { TF_VAR_state_passphrase: short });
    expect(p).toMatch(
      /^TF_VAR_state_passphrase is too short: OpenTofu's state encryption \(pbkdf2\) needs at least 16 characters/,
    );
    expect(p).not.toContain(short);
    expect(passphraseProblems(stacks, { TF_VAR_state_passphrase: "é".repeat(16) })).toEqual([]);
  });

  test("a rotation needs the previous passphrase, and a different one", () => {
    const rotating = [stack("prod-network", PASSPHRASE_VARIABLE, PREVIOUS_PASSPHRASE_VARIABLE)];
    expect(passphraseProblems(rotating, { TF_VAR_state_passphrase: "new-passphrase-0123" })[0]).toMatch(
      /^TF_VAR_state_passphrase_previous is not set \(or empty\): prod-network was synthesised for a key rotation/,
    );
    const same = "same-passphrase-0123";
    expect(
      passphraseProblems(rotating, { TF_VAR_state_passphrase: same, TF_VAR_state_passphrase_previous: same }),
    ).toEqual([
      "TF_VAR_state_passphrase_previous equals TF_VAR_state_passphrase: a key rotation needs the new passphrase " +
        'in TF_VAR_state_passphrase and the old one in TF_VAR_state_passphrase_previous (docs/deploy.md, "Rotating ' +
        'the state key")',
    ]);
  });

  test("stacks synthesised without encryption need no passphrase", () => {
    expect(passphraseProblems([{ name: "prod-network", facts: { variables: [], encrypted: false } }], {})).toEqual([]);
  });
});
