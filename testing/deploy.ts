/**
 * Helpers for the tests of `all2all plan|deploy` and of the runbooks: a fake
 * `tofu` on a PATH of its own (testing/fake-tofu.js, which records every
 * call and contacts nothing), a runner that runs that same fake in the
 * test's process, hand-made synthesised outputs, and a sandbox copy of the
 * project for commands that write into the repository.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { definedEnv, lineSplitter, openStdoutFile, type Runner } from "../cli/deploy/runner";
import { INPUTS_FILE, recordInputs } from "../cli/inputs";
import { encryptionBlock } from "../stacks/hcloud-stack";
import type { Io } from "../cli/io";
import { makeTempDir, repoRoot } from "./tmp";

export const FAKE_TOFU = path.join(repoRoot, "testing", "fake-tofu.js");

export interface FakeTofu {
  /** The folder holding the fake binaries: the whole PATH of the command under test. */
  readonly binDir: string;
  /** The calls log (JSON lines). */
  readonly log: string;
}

/**
 * Installs the fake as executables `names` (default `tofu`) in `<dir>/bin`.
 * The wrapper runs this very node on the script, so PATH needs nothing else:
 * a real tofu or terraform elsewhere on the machine can never be picked.
 */
export function installFakeTofu(dir: string, names: readonly string[] = ["tofu"]): FakeTofu {
  const binDir = path.join(dir, "bin");
  fs.mkdirSync(binDir, { recursive: true });
  for (const name of names) {
    const file = path.join(binDir, name);
    fs.writeFileSync(file, wrapperScript(name));
    fs.chmodSync(file, 0o755);
  }
  const log = path.join(dir, "tofu-calls.jsonl");
  fs.writeFileSync(log, "");
  return { binDir, log };
}

/** The executable installFakeTofu writes for `name`: the fake, run by this very node, told its name. */
function wrapperScript(name: string): string {
  return `#!/bin/sh\nFAKE_TOFU_NAME='${name}' exec '${process.execPath}' '${FAKE_TOFU}' "$@"\n`;
}

/** The behaviour of testing/fake-tofu.js, the module its executable runs. */
const fakeTofuModule = require(FAKE_TOFU) as {
  runFakeTofu(call: {
    argv: string[];
    cwd: string;
    env: Record<string, string>;
    stdout: (text: string) => void;
    stderr: (text: string) => void;
  }): number;
};

/**
 * A runner for `runPlan`/`runDeploy` (their `deps.run`) that runs the fake
 * tofu in this process instead of spawning it: the same function
 * (testing/fake-tofu.js) the executable runs, given what the executable
 * would get: the step's arguments, its working directory (as the child's
 * process.cwd() would give it), its environment (the defined variables of
 * Io.env) with the name the wrapper sets. Output goes where spawnRunner
 * sends it: standard output to `stdoutFile` or line by line to io.out,
 * standard error line by line to io.err (cli/deploy/runner.ts's line
 * splitter). The binary must be a wrapper written by installFakeTofu, so
 * the binary lookup is exercised as with spawning. Saves a node start per
 * call; the spawned path stays covered by tests that do not inject it.
 */
export function fakeTofuRunner(io: Io): Runner {
  return async (step) => {
    const script = fs.readFileSync(step.bin, "utf8");
    const name = /^#!\/bin\/sh\nFAKE_TOFU_NAME='([^']*)' /.exec(script)?.[1];
    if (name === undefined || script !== wrapperScript(name))
      throw new Error(`fakeTofuRunner: ${step.bin} is not a fake tofu written by installFakeTofu`);
    let cwd: string;
    try {
      cwd = fs.realpathSync(step.cwd);
    } catch (err) {
      return { code: null, error: (err as Error).message };
    }
    const opened = openStdoutFile(step);
    if ("error" in opened) return { code: null, error: opened.error };
    const { fd } = opened;
    const env = definedEnv(step.env);
    env.FAKE_TOFU_NAME = name;
    const out = lineSplitter(io.out);
    const err = lineSplitter(io.err);
    let code: number;
    try {
      code = fakeTofuModule.runFakeTofu({
        argv: [...step.args],
        cwd,
        env,
        stdout: (text) => (fd !== undefined ? fs.writeSync(fd, text) : out.push(text)),
        stderr: (text) => err.push(text),
      });
    } catch (thrown) {
      // As node would for the program: the uncaught error on standard error, exit 1.
      err.push(`${(thrown as Error).stack ?? String(thrown)}\n`);
      code = 1;
    } finally {
      if (fd !== undefined) fs.closeSync(fd);
    }
    out.end();
    err.end();
    return { code, signal: null };
  };
}

export interface FakeCall {
  readonly bin: string;
  readonly argv: string[];
  readonly cwd: string;
  readonly env: { HCLOUD_TOKEN: boolean; AWS_ACCESS_KEY_ID: boolean; AWS_SECRET_ACCESS_KEY: boolean; TF_VAR: string[] };
}

/** The calls the fake recorded, in order. */
export function fakeCalls(fake: FakeTofu): FakeCall[] {
  return fs
    .readFileSync(fake.log, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as FakeCall);
}

/** Each call as `<stack dir name>: <argv…>`, for compact assertions. */
export function callLines(fake: FakeTofu): string[] {
  return fakeCalls(fake).map((c) => `${path.basename(c.cwd)}: ${c.argv.join(" ")}`);
}

/** Fake values (never real secrets) for every variable the stacks of `outDir` declare. */
export function fakeVariables(outDir: string, stackPrefix = ""): Record<string, string> {
  const vars: Record<string, string> = {};
  const stacksDir = path.join(outDir, "stacks");
  for (const name of fs.readdirSync(stacksDir).sort()) {
    if (!name.startsWith(stackPrefix)) continue;
    const doc = JSON.parse(fs.readFileSync(path.join(stacksDir, name, "cdk.tf.json"), "utf8"));
    for (const v of Object.keys(doc.variable ?? {})) vars[`TF_VAR_${v}`] = `fake-${v}`;
  }
  return vars;
}

/** The environment of a command under test: the fake on PATH, fake credentials, and `extra`. */
export function fakeEnv(
  fake: FakeTofu,
  extra: Record<string, string | undefined> = {},
): Record<string, string | undefined> {
  return {
    PATH: fake.binDir,
    FAKE_TOFU_LOG: fake.log,
    HCLOUD_TOKEN: "fake-hcloud-token-not-a-secret",
    AWS_ACCESS_KEY_ID: "fake-access-key",
    AWS_SECRET_ACCESS_KEY: "fake-secret-key",
    ...extra,
  };
}

export interface MiniStack {
  readonly concern: string;
  readonly dependencies?: string[];
  readonly backend?: "s3" | "local";
  readonly variables?: Record<string, { description?: string; default?: string }>;
  readonly resources?: Record<string, string[]>;
  /**
   * With OpenTofu's encryption block, as synth writes it (its passphrase variable is not declared: the fake tofu reads
   * neither). @default options.encrypted, else true
   */
  readonly encrypted?: boolean;
}

/**
 * Writes a small synthesised output for environment `env` in cdktn's layout
 * (manifest.json, stacks/<stack>/cdk.tf.json), shaped like the real one:
 * network, servers (after network), dns (after servers), backup.
 */
export function writeMiniOutput(
  outDir: string,
  env: string,
  stacks?: MiniStack[],
  options: { lock?: boolean; inputs?: { configDir: string } | false; encrypted?: boolean } = {},
): string {
  const list: MiniStack[] = stacks ?? [
    {
      concern: "backup",
      variables: {
        storage_box_password_backup: {
          description: "Password of the storage box backup; set TF_VAR_storage_box_password_backup",
        },
      },
      resources: { hcloud_storage_box: ["backup"] },
    },
    {
      concern: "dns",
      dependencies: ["servers"],
      variables: { tsig_example_transfer: { description: "TSIG key" } },
      resources: { hcloud_zone: ["example-org"] },
    },
    { concern: "network", resources: { hcloud_network: ["internal"], hcloud_ssh_key: ["alice"] } },
    {
      concern: "servers",
      dependencies: ["network"],
      resources: { hcloud_server: ["web-1"], hcloud_primary_ip: ["web-1-ipv4", "web-1-ipv6"] },
    },
  ];
  const manifest: { version: string; stacks: Record<string, unknown> } = { version: "fake", stacks: {} };
  const existing = path.join(outDir, "manifest.json");
  if (fs.existsSync(existing)) Object.assign(manifest.stacks, JSON.parse(fs.readFileSync(existing, "utf8")).stacks);
  for (const s of list) manifest.stacks[`${env}-${s.concern}`] = writeMiniStack(outDir, env, s, options);
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(existing, JSON.stringify(manifest, null, 2));
  // As synth records it: made from the repository's config (or the one given) and the running code.
  if (options.inputs !== false)
    fs.writeFileSync(
      path.join(outDir, INPUTS_FILE),
      JSON.stringify(recordInputs(options.inputs?.configDir ?? path.join(repoRoot, "config"), repoRoot)),
    );
  return outDir;
}

/** One stack of writeMiniOutput: its folder, lock file and cdk.tf.json; returns its manifest entry. */
function writeMiniStack(
  outDir: string,
  env: string,
  s: MiniStack,
  options: { lock?: boolean; encrypted?: boolean },
): object {
  const name = `${env}-${s.concern}`;
  const dir = path.join(outDir, "stacks", name);
  fs.mkdirSync(dir, { recursive: true });
  const backend =
    (s.backend ?? "s3") === "s3"
      ? { s3: { bucket: `${env}-tfstate`, key: `all2all/${env}/${name}.tfstate`, region: "fsn1", use_lockfile: true } }
      : { local: { path: `../../../state/${name}.tfstate` } };
  const resource: Record<string, Record<string, object>> = {};
  for (const [type, names] of Object.entries(s.resources ?? {}))
    resource[type] = Object.fromEntries(names.map((n) => [n, {}]));
  const variable = Object.fromEntries(
    Object.entries(s.variables ?? {}).map(([n, v]) => [
      n,
      {
        type: "string",
        sensitive: true,
        ...(v.description ? { description: v.description } : {}),
        ...(v.default !== undefined ? { default: v.default } : {}),
      },
    ]),
  );
  // What synth copies from providers/hcloud/ (the fake tofu reads nothing of it).
  if (options.lock !== false) fs.writeFileSync(path.join(dir, ".terraform.lock.hcl"), FAKE_LOCK);
  const encryption = (s.encrypted ?? options.encrypted) === false ? {} : { encryption: encryptionBlock(false) };
  const providers = { hcloud: { source: "registry.terraform.io/hetznercloud/hcloud", version: "~> 1.68" } };
  const doc = {
    terraform: { backend, ...encryption, required_providers: providers },
    provider: { hcloud: [{}] },
    resource,
    ...(Object.keys(variable).length > 0 ? { variable } : {}),
    output: { [`${s.concern}-marker`]: { value: "x" } },
  };
  fs.writeFileSync(path.join(dir, "cdk.tf.json"), JSON.stringify(doc, null, 2));
  return {
    name,
    constructPath: name,
    dependencies: (s.dependencies ?? []).map((d) => `${env}-${d}`),
    synthesizedStackPath: `stacks/${name}/cdk.tf.json`,
    workingDirectory: `stacks/${name}`,
    annotations: [],
  };
}

/** A provider lock file for hand-made outputs. */
export const FAKE_LOCK =
  '# test fixture\nprovider "registry.opentofu.org/hetznercloud/hcloud" {\n  version = "1.68.0"\n}\n';

/** Variables of writeMiniOutput's default stacks, set. */
export const MINI_VARIABLES = {
  TF_VAR_storage_box_password_backup: "fake-box-password",
  TF_VAR_tsig_example_transfer: "ZmFrZS10c2lnLWtleQ==",
};

/**
 * A copy of the project for commands that write into the repository
 * (cdktf.out, docs/, zones/, providers/): cdktf.json, config/, the provider
 * schema and its refresh script, and an empty docs/. Pass its root as `main(argv, io, root)`.
 */
export function makeSandboxProject(dir: string): string {
  const root = path.join(dir, "project");
  fs.mkdirSync(path.join(root, "docs"), { recursive: true });
  fs.copyFileSync(path.join(repoRoot, "cdktf.json"), path.join(root, "cdktf.json"));
  fs.cpSync(path.join(repoRoot, "config"), path.join(root, "config"), { recursive: true });
  fs.mkdirSync(path.join(root, "providers", "hcloud"), { recursive: true });
  for (const f of ["schema.json", "VERSION"])
    fs.copyFileSync(path.join(repoRoot, "providers", "hcloud", f), path.join(root, "providers", "hcloud", f));
  // The schema refresh, run with the fake tofu (it writes next to itself: the sandbox's providers/).
  fs.copyFileSync(path.join(repoRoot, "providers", "refresh.js"), path.join(root, "providers", "refresh.js"));
  fs.copyFileSync(path.join(repoRoot, "providers", "lock.js"), path.join(root, "providers", "lock.js"));
  fs.copyFileSync(path.join(repoRoot, "providers", "binary.js"), path.join(root, "providers", "binary.js"));
  return root;
}

/**
 * A replacement for cli/deploy/confirm.ts in the runbook tests, where the
 * operator types the environment's name at every confirmation:
 * `jest.mock("../../cli/deploy/confirm", () => jest.requireActual("../../testing/deploy").TYPED_CONFIRM)`.
 */
export const TYPED_CONFIRM = {
  stdinIsTerminal: () => true,
  stdinConfirm: () => async (question: string) => /\(([\w-]+)\) to apply it/.exec(question)?.[1],
};

/**
 * The folders of a test file's cases: one temporary folder (`dir`), removed
 * after all its tests, and `next()`, which makes a new case folder in it.
 */
export function caseFolders(prefix: string): { readonly dir: string; next(): string } {
  const t = makeTempDir(prefix);
  afterAll(() => t.cleanup());
  let n = 0;
  return {
    dir: t.dir,
    next() {
      const dir = path.join(t.dir, `case-${++n}`);
      fs.mkdirSync(dir);
      return dir;
    },
  };
}
