/**
 * What must be in the environment before `all2all plan|deploy` runs
 * anything: the Hetzner token, the S3 state credentials where state is in a
 * bucket, and a value for every variable the stacks declare without a
 * default (with -input=false tofu stops at the first one missing, after
 * earlier stacks were already applied). Every problem is found at once;
 * values are only tested for presence, never printed.
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
export function preflightProblems(environment: string, stacks: readonly PreflightStack[], env: Readonly<Record<string, string | undefined>>): string[] {
  const problems: string[] = [];
  if (missing(env, "HCLOUD_TOKEN")) {
    problems.push(
      `HCLOUD_TOKEN is not set (or empty): the hcloud provider reads the API token of environment ${environment}'s Hetzner Cloud project from it; ` +
        "`read -rs HCLOUD_TOKEN && export HCLOUD_TOKEN` (docs/deploy.md, \"Variables to set\")",
    );
  }
  const s3 = stacks.filter((s) => s.facts.backend === "s3");
  if (s3.length > 0) {
    const absent = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"].filter((name) => missing(env, name));
    if (absent.length > 0) {
      const buckets = [...new Set(s3.map((s) => s.facts.bucket).filter((b): b is string => b !== undefined))];
      problems.push(
        `${absent.join(" and ")} ${absent.length === 1 ? "is" : "are"} not set (or empty): the state of ${s3.map((s) => s.name).join(", ")} ` +
          `is in the S3 bucket ${buckets.join(", ") || "(unnamed)"}; export the bucket's access keys (docs/deploy.md, "Variables to set")`,
      );
    }
  }
  for (const stack of stacks) {
    for (const v of stack.facts.variables) {
      if (!v.required || !missing(env, `TF_VAR_${v.name}`)) continue;
      problems.push(`TF_VAR_${v.name} is not set (or empty): ${stack.name} declares the variable ${v.name}${v.description ? ` (${v.description.replace(/; set TF_VAR_\S+$/, "")})` : ""}`);
    }
  }
  // The state passphrase: OpenTofu refuses a short one only after earlier stacks ran.
  const declared = new Set(stacks.flatMap((s) => s.facts.variables.map((v) => v.name)));
  for (const name of [PASSPHRASE_VARIABLE, PREVIOUS_PASSPHRASE_VARIABLE]) {
    const value = env[`TF_VAR_${name}`];
    if (declared.has(name) && value !== undefined && value.trim() !== "" && value.length < PASSPHRASE_MIN_LENGTH) {
      problems.push(`TF_VAR_${name} is too short: OpenTofu's state encryption (pbkdf2) needs a passphrase of at least ${PASSPHRASE_MIN_LENGTH} characters (docs/deploy.md, "State encryption")`);
    }
  }
  const current = env[`TF_VAR_${PASSPHRASE_VARIABLE}`];
  if (declared.has(PREVIOUS_PASSPHRASE_VARIABLE) && current !== undefined && current.trim() !== "" && current === env[`TF_VAR_${PREVIOUS_PASSPHRASE_VARIABLE}`]) {
    problems.push(`TF_VAR_${PREVIOUS_PASSPHRASE_VARIABLE} equals TF_VAR_${PASSPHRASE_VARIABLE}: a key rotation needs the new passphrase in TF_VAR_${PASSPHRASE_VARIABLE} and the old one in TF_VAR_${PREVIOUS_PASSPHRASE_VARIABLE} (docs/deploy.md, "Rotating the state key")`);
  }
  return problems;
}
