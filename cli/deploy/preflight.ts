/**
 * What must be in the environment before `all2all plan|deploy` runs
 * anything: the Hetzner token, the S3 state credentials where state is in a
 * bucket, and a value for every variable the stacks declare without a
 * default (with -input=false tofu stops at the first one missing, after
 * earlier stacks were already applied). Every problem is found at once;
 * values are only tested for presence (the state passphrases for their
 * length too), never printed.
 */
import { PASSPHRASE_MIN_LENGTH, PASSPHRASE_VARIABLE, PREVIOUS_PASSPHRASE_VARIABLE } from "../../stacks/hcloud-stack";
import type { StackFacts } from "./output";

export interface PreflightStack {
  readonly name: string;
  readonly facts: StackFacts;
}

function missing(env: Readonly<Record<string, string | undefined>>, name: string): boolean {
  const value = env[name];
  return value === undefined || value.trim() === "";
}

/** The problems, one line each; empty when everything needed is set. */
export function preflightProblems(
  environment: string,
  stacks: readonly PreflightStack[],
  env: Readonly<Record<string, string | undefined>>,
): string[] {
  const problems: string[] = [];
  if (missing(env, "HCLOUD_TOKEN")) {
    problems.push(
      `HCLOUD_TOKEN is not set (or empty): the hcloud provider reads the API token of ` +
        `environment ${environment}'s Hetzner Cloud project from it; ` +
        '`read -rs HCLOUD_TOKEN && export HCLOUD_TOKEN` (docs/deploy.md, "Variables to set")',
    );
  }
  const s3 = stacks.filter((s) => s.facts.backend === "s3");
  if (s3.length > 0) {
    const absent = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"].filter((name) => missing(env, name));
    if (absent.length > 0) {
      const buckets = [...new Set(s3.map((s) => s.facts.bucket).filter((b): b is string => b !== undefined))];
      problems.push(
        `${absent.join(" and ")} ${absent.length === 1 ? "is" : "are"} not set (or ` +
          `empty): the state of ${s3.map((s) => s.name).join(", ")} ` +
          (`is in the S3 bucket ${buckets.join(", ") || "(unnamed)"}; export the ` +
            `bucket's access keys (docs/deploy.md, "Variables to set")`),
      );
    }
  }
  for (const stack of stacks) {
    for (const v of stack.facts.variables) {
      if (!v.required || !missing(env, `TF_VAR_${v.name}`) || PASSPHRASES.includes(v.name)) continue;
      problems.push(
        `TF_VAR_${v.name} is not set (or empty): ${stack.name} declares the ` +
          `variable ${v.name}${v.description ? ` (${v.description.replace(/; set TF_VAR_\S+$/, "")})` : ""}`,
      );
    }
  }
  problems.push(...passphraseProblems(stacks, env));
  return problems;
}

const PASSPHRASES: readonly string[] = [PASSPHRASE_VARIABLE, PREVIOUS_PASSPHRASE_VARIABLE];

/**
 * The state passphrases the stacks declare (stacks/hcloud-stack.ts), checked
 * before tofu runs: tofu would stop at the first stack (init already needs
 * the key), or, for a short one, only after pbkdf2 refused it. One problem
 * per variable, naming it and saying what is valid; values are never printed.
 */
export function passphraseProblems(
  stacks: readonly PreflightStack[],
  env: Readonly<Record<string, string | undefined>>,
): string[] {
  const problems: string[] = [];
  const where = `docs/deploy.md, "State encryption"`;
  for (const name of PASSPHRASES) {
    const declaring = stacks.filter((s) => s.facts.variables.some((v) => v.name === name)).map((s) => s.name);
    if (declaring.length === 0) continue;
    const envName = `TF_VAR_${name}`;
    const role =
      name === PASSPHRASE_VARIABLE
        ? `the state and plans of ${declaring.join(", ")} are encrypted ` +
          `(OpenTofu state encryption) with a key derived from it`
        : `${declaring.join(", ")} ${declaring.length === 1 ? "was" : "were"} synthesised for a key ` +
          `rotation, and read what is still encrypted with the previous passphrase through it`;
    const valid =
      `the environment's ${name === PASSPHRASE_VARIABLE ? "" : "previous "}passphrase, ` +
      `at least ${PASSPHRASE_MIN_LENGTH} characters`;
    const value = env[envName];
    if (value === undefined || value.trim() === "") {
      problems.push(
        `${envName} is not set (or empty): ${role}; export ${valid}: \`read ` +
          `-rs ${envName} && export ${envName}\` (${where})`,
      );
    } else if ([...value].length < PASSPHRASE_MIN_LENGTH) {
      problems.push(
        `${envName} is too short: OpenTofu's state encryption (pbkdf2) needs at ` +
          `least ${PASSPHRASE_MIN_LENGTH} characters; export ${valid} (${where})`,
      );
    }
  }
  const current = env[`TF_VAR_${PASSPHRASE_VARIABLE}`];
  const rotating = stacks.some((s) => s.facts.variables.some((v) => v.name === PREVIOUS_PASSPHRASE_VARIABLE));
  if (
    rotating &&
    current !== undefined &&
    current.trim() !== "" &&
    current === env[`TF_VAR_${PREVIOUS_PASSPHRASE_VARIABLE}`]
  ) {
    problems.push(
      `TF_VAR_${PREVIOUS_PASSPHRASE_VARIABLE} equals TF_VAR_${PASSPHRASE_VARIABLE}: a key rotation needs the new ` +
        `passphrase in TF_VAR_${PASSPHRASE_VARIABLE} and the old one in TF_VAR_${PREVIOUS_PASSPHRASE_VARIABLE} ` +
        `(docs/deploy.md, "Rotating the state key")`,
    );
  }
  return problems;
}
