/**
 * The sandbox of `all2all rehearse`: the environment that points the engine,
 * `all2all plan|deploy` and `tofu` at the simulated Hetzner Cloud, with
 * random secrets, and what `--serve` prints and keeps running.
 */
import * as crypto from "node:crypto";
import * as path from "node:path";
import { engineEnv, type Engine } from "../../engine/engine";
import type { S3Server } from "../../engine/s3";
import type { RunningSimulator } from "../../simulator/server";
import { PASSPHRASE_VARIABLE } from "../../stacks/hcloud-stack";
import type { Io } from "../io";

/** What --serve leaves running: the simulator, and the environment printed as `export` lines. */
export interface Sandbox {
  readonly sim: RunningSimulator;
  /** With --state s3: the S3-compatible server holding the state. */
  readonly s3?: S3Server;
  readonly env: Readonly<Record<string, string>>;
  /** The work folder, and the synthesised output in it. */
  readonly work: string;
  readonly out: string;
}

/** A token of the length the hcloud provider requires (64); the simulator accepts any. */
function sandboxToken(): string {
  return crypto.randomBytes(32).toString("hex");
}

/**
 * A value for a sensitive variable of the sandbox: a TSIG secret is base64
 * (what Knot and Hetzner expect of a key); any other is a password that
 * meets Hetzner's rules for storage boxes (length, cases, digits, a symbol).
 */
export function sandboxSecret(name: string): string {
  if (/tsig/i.test(name)) return crypto.randomBytes(32).toString("base64");
  return `${crypto.randomBytes(12).toString("base64url")}-Rh3a!`;
}

/** The environment under which the engine, `all2all plan|deploy` and `tofu` run against the simulator. */
export function sandboxEnv(
  engine: Engine,
  sim: Pick<RunningSimulator, "cloudUrl" | "hetznerUrl">,
  variables: readonly string[],
): Record<string, string> {
  const env: Record<string, string> = {
    ...engineEnv(engine),
    HCLOUD_ENDPOINT: sim.cloudUrl,
    HETZNER_ENDPOINT: sim.hetznerUrl,
    HCLOUD_TOKEN: sandboxToken(),
    // The plans and logs are read by people and by the tests: no colour codes.
    TF_CLI_ARGS: "-no-color",
  };
  for (const v of variables) env[`TF_VAR_${v}`] = v === PASSPHRASE_VARIABLE ? sandboxPassphrase() : sandboxSecret(v);
  return env;
}

/**
 * The sandbox's state passphrase: random, longer than pbkdf2's minimum, never printed (--serve points at a file holding
 * it).
 */
export function sandboxPassphrase(): string {
  return crypto.randomBytes(24).toString("base64url");
}

/** Where the rehearsal keeps the sandbox's state passphrase (mode 0600), in its work folder. */
export const PASSPHRASE_FILE = "state-passphrase";

/** A shell word: the value quoted for `export NAME=value` lines. */
function shellQuote(value: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** What --serve keeps running, with the environment (`extra`) the rehearsal ran the engine with. */
export interface Served {
  readonly env: string;
  readonly sim: RunningSimulator;
  readonly s3?: S3Server;
  readonly extra: Readonly<Record<string, string>>;
  /** The engine's tofu, whose folder goes first on PATH. */
  readonly tofu: string;
  readonly work: string;
  readonly out: string;
}

/**
 * --serve: prints the `export` lines that point a shell at the sandbox (the
 * state passphrase read from its file, never printed), then keeps it running
 * until `untilInterrupted` resolves (default: SIGINT or SIGTERM).
 */
export async function serveSandbox(
  served: Served,
  io: Io,
  untilInterrupted: ((sandbox: Sandbox) => Promise<void>) | undefined,
): Promise<void> {
  const { env, sim, s3, extra, work, out } = served;
  io.out("");
  io.out("rehearse: the simulated cloud keeps running with what was applied. In another shell, run these lines, then");
  io.out(
    `  all2all plan|deploy --env ${env} --out "$ALL2ALL_OUT", all2all ` +
      `inventory, or tofu in "$ALL2ALL_OUT/stacks/<stack>":`,
  );
  const exports: Record<string, string> = {
    ...extra,
    PATH: `${path.dirname(served.tofu)}${path.delimiter}${io.env.PATH ?? ""}`,
    ALL2ALL_REHEARSAL: work,
    ALL2ALL_OUT: out,
  };
  for (const [k, v] of Object.entries(exports)) {
    // The state passphrase is read from its file, not printed: it stays out of terminals' scrollback and CI logs.
    if (k === `TF_VAR_${PASSPHRASE_VARIABLE}`)
      io.out(`export ${k}="$(cat ${shellQuote(path.join(work, PASSPHRASE_FILE))})"`);
    else io.out(`export ${k}=${shellQuote(v)}`);
  }
  io.out(
    `rehearse: the token${s3 ? ", the S3 keys" : ""} and TF_VAR_ values above are ` +
      `random, for this sandbox only. Interrupt (Ctrl-C) to stop it.`,
  );
  await (untilInterrupted ?? untilSignal)({ sim, ...(s3 ? { s3 } : {}), env: exports, work, out });
  io.out(`rehearse: stopped; the work folder stays in ${work}`);
}

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      process.off("SIGINT", done);
      process.off("SIGTERM", done);
      resolve();
    };
    process.on("SIGINT", done);
    process.on("SIGTERM", done);
  });
}
