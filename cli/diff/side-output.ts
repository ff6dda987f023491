/**
 * What a side of `all2all diff` is once synthesised (SideOutput, Side), where
 * it comes from (SideSpec, SideContext), and reading what a synth printed or
 * wrote: the output folder, configuration problems, synthesis and schema
 * errors, policy errors as refusals.
 */

import * as fs from "node:fs";
import * as path from "node:path";

import type { StackDocument } from "./blocks";
import type { RefusalError } from "./change-types";

/** A synthesised side: stack documents and the manifest's dependencies. */
export interface SideOutput {
  readonly docs: Map<string, StackDocument>;
  readonly dependencies: Map<string, string[]>;
  /** What the reader should know about this side (how it was made, policy errors). */
  readonly notes: string[];
  /**
   * The head only (synthesised with `refuse`): what `all2all synth` refuses in
   * it, as synth reports it (configuration problems, synthesis errors, schema
   * validation errors, unsuppressed policy errors). Without docs when the
   * configuration does not load or synthesis fails.
   */
  readonly refusals?: readonly RefusalError[];
}

/** What a side renders its zone files with: this process's code on a config, or a built copy's own command. */
export type ZoneRenderer =
  | { readonly kind: "here"; readonly configDir: string; readonly cwd: string }
  | { readonly kind: "copy"; readonly tree: string; readonly configDir: string; readonly env: NodeJS.ProcessEnv }
  | { readonly kind: "none"; readonly reason: string };

/** Paths (relative to the project root, git globs) that do not change what synth writes. */
export const NOT_CODE = [
  "docs/**",
  "__tests__/**",
  "testing/**",
  "bench/**",
  ".ci/**",
  "**/*.md",
  ".gitignore",
  "LICENSE*",
];

/** Reads a synthesised output directory (cdktn's layout: manifest.json, stacks/<stack>/cdk.tf.json). */
export function readSynthOutput(outdir: string): {
  docs: Map<string, StackDocument>;
  dependencies: Map<string, string[]>;
} {
  const manifestFile = path.join(outdir, "manifest.json");
  const manifest = JSON.parse(fs.readFileSync(manifestFile, "utf8")) as {
    stacks?: Record<string, { name?: string; synthesizedStackPath?: string; dependencies?: string[] }>;
  };
  const docs = new Map<string, StackDocument>();
  const dependencies = new Map<string, string[]>();
  for (const [key, s] of Object.entries(manifest.stacks ?? {})) {
    const name = s.name ?? key;
    const file = path.join(outdir, s.synthesizedStackPath ?? path.join("stacks", name, "cdk.tf.json"));
    docs.set(name, JSON.parse(fs.readFileSync(file, "utf8")) as StackDocument);
    dependencies.set(name, [...(s.dependencies ?? [])]);
  }
  return { docs, dependencies };
}

/** An empty side (an environment the ref does not have). */
export function emptySide(note: string): SideOutput {
  return { docs: new Map(), dependencies: new Map(), notes: [note] };
}

/** A head that synth refuses before writing any stack. */
export function refusedSide(errors: RefusalError[]): SideOutput {
  return { docs: new Map(), dependencies: new Map(), notes: [], refusals: errors };
}

/**
 * Configuration problems as refusals, one per problem, from the lines
 * `formatConfigProblems` (or a ref's synth) prints: `<file> has N
 * problems:` then one indented line per problem; warnings' blocks left out.
 */
export function configurationErrors(lines: readonly string[]): RefusalError[] {
  const errors: RefusalError[] = [];
  let warnings = false;
  for (const line of lines) {
    if (line.trim() === "") continue;
    const header = /^\S.* has \d+ (problems?|warnings?):$/.exec(line);
    if (header) {
      warnings = header[1]!.startsWith("warning"); // the group is not optional
      continue;
    }
    if (/^\s/.test(line)) {
      if (!warnings) errors.push({ kind: "configuration", message: line.trim() });
      continue;
    }
    warnings = false;
    if (!/^warning/.test(line)) errors.push({ kind: "configuration", message: line.replace(/^all2all: /, "") });
  }
  return errors;
}

/** An unsuppressed policy error, as synth's table shows it. */
export interface BlockingFinding {
  readonly rule: string;
  readonly stack: string;
  readonly address: string;
  readonly message: string;
}

export function policyError(f: BlockingFinding): RefusalError {
  const where = [f.stack, f.address].filter((x) => x !== "").join(" ");
  return {
    kind: "policy",
    rule: f.rule,
    stack: f.stack,
    address: f.address,
    message: `${f.rule}${where !== "" ? ` (${where})` : ""}: ${f.message}`,
  };
}

export function policyNote(label: string, rules: readonly string[]): string {
  const unique = [...new Set(rules)].sort();
  return (
    `${label} has ${rules.length} unsuppressed policy error${rules.length === 1 ? "" : "s"} ` +
    `(${unique.join(", ")}): \`all2all synth\` refuses it, so it cannot be deployed as it is; the diff shows what ` +
    `it would do anyway`
  );
}

/** Where a side comes from. */
export type SideSpec = { readonly kind: "worktree" } | { readonly kind: "ref"; readonly ref: string };

export interface SideContext {
  /** The project root (cdktf.json) of the working tree. */
  readonly root: string;
  /** The repository's top level and the project's path in it. */
  readonly top: string;
  readonly prefix: string;
  /**
   * The config directory (absolute), and its path relative to the project root when it is inside (then a ref's own copy
   * is used).
   */
  readonly configDir: string;
  readonly configRel?: string;
  readonly env?: string;
  /** Environment for the processes run (PATH, HOME…). */
  readonly processEnv: NodeJS.ProcessEnv;
  /** Progress lines (standard error). */
  readonly progress: (line: string) => void;
}

/** A synthesised side, with what renders its zone files; its checkout is held until dispose(). */
export interface Side {
  readonly output: SideOutput;
  /** What the report calls it: `HEAD~1 (1a2b3c4d5e)`, `the working tree`. */
  readonly name: string;
  readonly zones: ZoneRenderer;
  dispose(): void;
}

/**
 * Synthesises a ref: see the file comment. `label` names it in messages
 * (`base HEAD~1 (1a2b3c4)`). The head (`refuse`) is checked as
 * `all2all synth` checks it: what synth refuses is in `refusals`.
 */
export function tail(text: string, lines = 15): string {
  const all = text.trimEnd().split("\n");
  return (all.length > lines ? ["…", ...all.slice(-lines)] : all).join("\n");
}

/**
 * What a ref's `all2all synth` printed on standard error when it exits 1,
 * as refusals: its synthesis error (`synth: <message>`) and every schema
 * validation error (`<stack> <address> <path>: <message>`); warnings, the
 * policy summary (the policy errors come from DRIVER) and the "output not
 * written" lines left out.
 */
export function synthErrors(stderr: string): RefusalError[] {
  const errors: RefusalError[] = [];
  for (const line of stderr.split("\n")) {
    const text = line.trimEnd();
    if (text === "" || /^warning: /.test(text)) continue;
    if (/^synth: (output not written|\d+ policy errors? \(above\))/.test(text)) continue;
    if (/^synth: /.test(text)) errors.push({ kind: "synth", message: text.replace(/^synth: /, "") });
    else if (/^(validate|policies): /.test(text)) continue;
    else errors.push({ kind: "validation", message: text });
  }
  return errors;
}
