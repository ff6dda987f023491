/**
 * `all2all synth`: builds the App into a temporary directory, validates the
 * result against the committed provider schemas, and only then moves it to
 * cdktf.out/ (the layout of `cdktn synth`: manifest.json and
 * stacks/<stack>/cdk.tf.json). Prints the stacks in dependency order and the
 * resources per type.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { blockingFindings, formatFindingsTable, policyReportJson } from "../policies";
import { PREVIOUS_PASSPHRASE_VARIABLE, type StateBackend, type StateEncryption } from "../stacks/hcloud-stack";
import { configDirOf, loadForCommand, type CheckOptions } from "./check";
import { INPUTS_FILE, recordInputs } from "./inputs";
import { InputError } from "./errors";
import { ExitCode, type Io } from "./io";
import { readProjectConfig } from "./project";
import { SynthesisError, synthesise, type Synthesis } from "./synthesise";
import { loadSchemas, printProblems } from "./validate";
import { recoverLeftovers, replaceDir, tempSiblingDir, writeFileAtomic } from "../primitives/atomic";
import { dependencyOrder as orderByDependencies } from "../primitives/order";

export interface SynthOptions extends CheckOptions {
  /**
   * Output directory, replaced as a whole; default the repository's
   * cdktf.json `output` (cdktf.out). Relative to the working directory.
   */
  readonly out?: string;
  /** Validate against the provider schemas before moving the output into place (default true). */
  readonly validate?: boolean;
  /** Also write the policy findings as JSON to this file (relative to the working directory). */
  readonly policyReport?: string;
  /** Local state for every stack, whatever the description says (`all2all rehearse`). */
  readonly localState?: boolean;
  /**
   * One backend for every stack, whatever the description says (`all2all rehearse --state s3`); wins over localState.
   */
  readonly state?: StateBackend;
  /**
   * OpenTofu's state and plan encryption.
   * @default on, unless ALL2ALL_STATE_ENCRYPTION=off (for Terraform, which has none: docs/deploy.md)
   */
  readonly stateEncryption?: boolean;
  /**
   * Key rotation: the previous passphrase (TF_VAR_state_passphrase_previous) as a fallback.
   * @default whether TF_VAR_state_passphrase_previous is set in the environment
   */
  readonly rotateStateKey?: boolean;
}

/**
 * ALL2ALL_STATE_ENCRYPTION: `off` synthesises without state encryption (Terraform); anything else but `on` is refused.
 */
export const ENCRYPTION_SWITCH = "ALL2ALL_STATE_ENCRYPTION";

/** The encryption the stacks get, from the options and the environment. */
export function encryptionOf(
  options: Pick<SynthOptions, "stateEncryption" | "rotateStateKey">,
  env: Readonly<Record<string, string | undefined>>,
): StateEncryption {
  let enabled = options.stateEncryption;
  if (enabled === undefined) {
    const value = env[ENCRYPTION_SWITCH]?.trim();
    if (value !== undefined && value !== "" && value !== "on" && value !== "off") {
      throw new InputError(
        `${ENCRYPTION_SWITCH}=${JSON.stringify(value)}: give on (the default: OpenTofu encrypts state and plans) ` +
          `or off (no state encryption, for Terraform: docs/deploy.md, "State encryption")`,
      );
    }
    enabled = value !== "off";
  }
  const rotating = options.rotateStateKey ?? (env[`TF_VAR_${PREVIOUS_PASSPHRASE_VARIABLE}`] ?? "").trim() !== "";
  return { enabled, rotating: enabled && rotating };
}

interface ManifestStack {
  readonly name: string;
  readonly synthesizedStackPath: string;
  readonly dependencies?: string[];
}

export interface StackSummary {
  readonly name: string;
  readonly dependencies: string[];
  /** Resource counts per type, sorted by type. */
  readonly resources: Record<string, number>;
}

export async function runSynth(options: SynthOptions, io: Io, root: string): Promise<number> {
  const project = readProjectConfig(root);
  const specs = loadForCommand(options, io);
  if (!specs) return ExitCode.badInput;
  const out = options.out === undefined ? path.join(project.root, project.output) : path.resolve(io.cwd, options.out);
  checkOutputDir(out, [
    io.cwd,
    project.root,
    path.resolve(io.cwd, options.config ?? io.env.ALL2ALL_CONFIG ?? options.defaultConfig ?? "config"),
  ]);
  for (const line of recoverLeftovers(out)) io.err(`synth: ${line}`);
  let tmp: string;
  try {
    tmp = tempSiblingDir(out);
  } catch (err) {
    throw new InputError(`cannot write beside ${out}: ${(err as Error).message}`);
  }
  try {
    let synthesis: Synthesis;
    const encryption = encryptionOf(options, io.env);
    const schemas = options.validate !== false ? loadSchemas(project.schemaFiles) : undefined;
    try {
      const state = { localState: options.localState, state: options.state, encryption };
      synthesis = synthesise(specs, { outdir: tmp, context: project.context, ...state, schemas });
    } catch (err) {
      if (!(err instanceof SynthesisError)) throw err;
      // Constructs refuse bad props, and cdktn's own validations fail, with messages meant for people.
      io.err(`synth: ${err.message}`);
      io.err(`synth: output not written to ${path.relative(io.cwd, out) || "."}`);
      return ExitCode.failed;
    }
    let validated: string | undefined;
    const docs = synthesis.stacks;
    if (synthesis.validation !== undefined) {
      const { stacks, problems } = synthesis.validation;
      const errors = printProblems(problems, io);
      if (errors > 0) {
        io.err(
          `synth: output not written to ${path.relative(io.cwd, out) || "."}: fix the ` +
            `problems above (or use --no-validate to inspect it)`,
        );
        return ExitCode.failed;
      }
      const warnings = problems.length - errors;
      validated =
        `validate: ${stacks.length} stacks, 0 ` +
        `problems${warnings > 0 ? `, ${warnings} warning${warnings === 1 ? "" : "s"}` : ""}`;
    }
    // The policy pack (docs/policies.md): its table always, its JSON on request.
    const findings = synthesis.findings;
    for (const line of formatFindingsTable(findings)) io.out(line);
    if (options.policyReport !== undefined)
      writeFileAtomic(path.resolve(io.cwd, options.policyReport), policyReportJson(findings));
    const blocking = blockingFindings(findings).length;
    if (blocking > 0) {
      io.err(
        `synth: ${blocking} policy error${blocking === 1 ? "" : "s"} (above): output ` +
          `not written to ${path.relative(io.cwd, out) || "."}; ` +
          "fix them, or suppress one with a reason in config (docs/policies.md)",
      );
      return ExitCode.failed;
    }
    const summary = summarise(tmp, docs);
    copyLockFile(project.root, tmp, summary);
    // What the output was made from: plan and deploy refuse it once that changed.
    writeFileAtomic(
      path.join(tmp, INPUTS_FILE),
      `${JSON.stringify(recordInputs(path.resolve(io.cwd, configDirOf(options, io)), project.root), null, 2)}\n`,
    );
    replaceDir(tmp, out);
    printSummary(summary, path.relative(io.cwd, out) || out, io);
    printEncryption(encryption, io);
    io.out(validated ?? "validate: skipped (--no-validate)");
    return ExitCode.ok;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** A line on the state encryption when it is not the default: off, or rotating the key. */
function printEncryption(encryption: StateEncryption, io: Io): void {
  if (!encryption.enabled)
    io.out(
      `state encryption: off (${ENCRYPTION_SWITCH}=off): state and plans are ` +
        `written in clear (docs/deploy.md, "State encryption")`,
    );
  else if (encryption.rotating)
    io.out(
      `state encryption: rotating the key: TF_VAR_${PREVIOUS_PASSPHRASE_VARIABLE} reads what is still encrypted ` +
        `with the previous passphrase; deploy re-encrypts every stack (docs/deploy.md, "Rotating the state key")`,
    );
}

/**
 * Puts the committed provider lock file (providers/hcloud/.terraform.lock.hcl)
 * into every stack's working directory, so that `tofu init` installs exactly
 * the reviewed provider build. Without a committed lock nothing is copied, and
 * `all2all plan` says how to make one.
 */
export function copyLockFile(root: string, outdir: string, stacks: readonly { name: string }[]): boolean {
  const lock = path.join(root, "providers", "hcloud", ".terraform.lock.hcl");
  if (!fs.existsSync(lock)) return false;
  for (const s of stacks) fs.copyFileSync(lock, path.join(outdir, "stacks", s.name, ".terraform.lock.hcl"));
  return true;
}

/** What a previous synth leaves in its output directory (cdktn's layout). */
const OUTPUT_ENTRIES = new Set(["manifest.json", "stacks", "constructs.json", INPUTS_FILE]);

/**
 * Refuses an output directory that synth must not replace: a file, a
 * directory holding anything but a previous synth's output, or the working
 * directory, the repository or the config directory (or a folder holding
 * them).
 */
export function checkOutputDir(out: string, keep: readonly string[]): void {
  for (const dir of keep) {
    const rel = path.relative(out, dir);
    if (rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel))) {
      throw new InputError(`--out ${out} would replace ${dir}; give a folder of its own, e.g. cdktf.out`);
    }
  }
  if (!fs.existsSync(out)) return;
  if (!fs.statSync(out).isDirectory()) throw new InputError(`--out ${out} is a file, not a folder`);
  const foreign = fs.readdirSync(out).filter((name) => !OUTPUT_ENTRIES.has(name));
  if (foreign.length > 0) {
    throw new InputError(
      `--out ${out} ` +
        `holds ${foreign.slice(0, 3).join(", ")}${foreign.length > 3 ? ", …" : ""}, which ` +
        `a synth did not write; ` +
        "synth replaces its output folder as a whole, so give an empty or new folder",
    );
  }
}

/**
 * Reads a synthesised output directory: stacks in dependency order, resources
 * per type. Stack documents already parsed can be passed in `docs`.
 */
export function summarise(outdir: string, docs: ReadonlyMap<string, unknown> = new Map()): StackSummary[] {
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8")) as {
    stacks: Record<string, ManifestStack>;
  };
  const stacks = Object.values(manifest.stacks).map((s) => {
    const tf = (docs.get(s.name) ?? JSON.parse(fs.readFileSync(path.join(outdir, s.synthesizedStackPath), "utf8"))) as {
      resource?: Record<string, Record<string, unknown>>;
    };
    const resources: Record<string, number> = {};
    for (const type of Object.keys(tf.resource ?? {}).sort()) {
      resources[type] = Object.keys(tf.resource![type]!).length;
    }
    return { name: s.name, dependencies: [...(s.dependencies ?? [])].sort(), resources };
  });
  return dependencyOrder(stacks);
}

/** Stacks sorted so that each comes after the stacks it depends on; ties by name (primitives/order.ts). */
export function dependencyOrder<T extends { name: string; dependencies: string[] }>(stacks: T[]): T[] {
  return orderByDependencies(
    stacks,
    (s) => s.name,
    (s) => s.dependencies,
  );
}

function printSummary(stacks: StackSummary[], outLabel: string, io: Io): void {
  let total = 0;
  io.out(
    `synthesised ${stacks.length} stack${stacks.length === 1 ? "" : "s"} into ${outLabel}/ (in deployment order):`,
  );
  for (const s of stacks) {
    const count = Object.values(s.resources).reduce((a, b) => a + b, 0);
    total += count;
    const deps = s.dependencies.length > 0 ? ` (after ${s.dependencies.join(", ")})` : "";
    io.out(`  ${s.name}: ${count} resource${count === 1 ? "" : "s"}${deps}`);
    for (const [type, n] of Object.entries(s.resources)) io.out(`    ${String(n).padStart(4)}  ${type}`);
  }
  io.out(`${total} resources in all`);
}
