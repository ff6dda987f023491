/**
 * validateSynthOutput: validates every stack of a cdktn output directory
 * (cdktf.out).
 *
 * Stacks are listed by outdir/manifest.json ({ stacks: { <name>: {
 * synthesizedStackPath: "stacks/<name>/cdk.tf.json", ... } } }); without a
 * manifest, every outdir/stacks/<name>/cdk.tf.json is validated. A file that
 * is missing or is not valid JSON becomes an error Problem naming the file
 * (address and path ""), never an exception, so all stacks are still checked.
 */

import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { isObject, own } from "./json";
import type { Problem } from "./problem";
import type { ProviderSchemas } from "./schema";
import { validateStack } from "./validate";

export interface SynthOutputResult {
  /** Names of the stacks found (validated, or reported as unreadable). */
  readonly stacks: string[];
  readonly problems: Problem[];
}

interface StackFile {
  readonly name: string;
  readonly file: string;
}

/**
 * @param visit called with each stack's parsed document, so that a caller
 *   needing the documents too (synth's summary) does not read them again.
 */
export function validateSynthOutput(
  outdir: string,
  schemas: ProviderSchemas,
  visit?: (stack: string, doc: unknown) => void,
): SynthOutputResult {
  const problems: Problem[] = [];
  const stackFiles = listStacks(outdir, problems);
  if (stackFiles.length === 0 && problems.length === 0) {
    problems.push(
      fileProblem(
        "",
        `no stacks found in ${outdir} (expected ${join(outdir, "manifest.json")} ` +
          `or ${join(outdir, "stacks", "<stack>", "cdk.tf.json")})`,
      ),
    );
  }
  for (const { name, file } of stackFiles) {
    const doc = readJson(file, name, problems);
    if (doc === undefined) continue;
    visit?.(name, doc);
    problems.push(...validateStack(name, doc, schemas));
  }
  return { stacks: stackFiles.map((s) => s.name), problems };
}

function listStacks(outdir: string, problems: Problem[]): StackFile[] {
  const manifestFile = join(outdir, "manifest.json");
  if (!existsSync(manifestFile)) return scanStacksDirectory(outdir);
  const manifest = readJson(manifestFile, "", problems);
  if (manifest === undefined) return scanStacksDirectory(outdir);
  const stacks = isObject(manifest) ? own(manifest, "stacks") : undefined;
  if (!isObject(stacks)) {
    problems.push(fileProblem("", `${manifestFile} has no "stacks" object (expected the cdktn manifest format)`));
    return scanStacksDirectory(outdir);
  }
  return Object.entries(stacks).map(([key, entry]) => stackFromManifest(outdir, key, entry));
}

function stackFromManifest(outdir: string, key: string, entry: unknown): StackFile {
  const body = isObject(entry) ? entry : {};
  const name = typeof own(body, "name") === "string" ? (own(body, "name") as string) : key;
  const synthesized = own(body, "synthesizedStackPath");
  const workingDirectory = own(body, "workingDirectory");
  const relative =
    typeof synthesized === "string"
      ? synthesized
      : typeof workingDirectory === "string"
        ? join(workingDirectory, "cdk.tf.json")
        : join("stacks", name, "cdk.tf.json");
  return { name, file: join(outdir, relative) };
}

function scanStacksDirectory(outdir: string): StackFile[] {
  const stacksDir = join(outdir, "stacks");
  if (!existsSync(stacksDir)) return [];
  return readdirSync(stacksDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(stacksDir, entry.name, "cdk.tf.json")))
    .map((entry) => entry.name)
    .sort()
    .map((name) => ({ name, file: join(stacksDir, name, "cdk.tf.json") }));
}

function readJson(file: string, stack: string, problems: Problem[]): unknown {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "file not found" : String(error);
    problems.push(fileProblem(stack, `cannot read ${file}: ${reason} (expected a synthesised JSON file)`));
    return undefined;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    problems.push(
      fileProblem(
        stack,
        `cannot parse ${file}: ${error instanceof Error ? error.message : String(error)} (expected valid JSON)`,
      ),
    );
    return undefined;
  }
}

function fileProblem(stack: string, message: string): Problem {
  return { severity: "error", stack, address: "", path: "", message };
}
