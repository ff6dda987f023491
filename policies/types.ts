/**
 * The vocabulary of the policy pack: severities, findings, rule descriptions.
 * Pure types, no dependencies.
 */

/** How bad a finding is. Unsuppressed errors fail `all2all synth`; warnings never do. */
export type Severity = "error" | "warning";

/** One rule broken by one resource (or by the environment as a whole). */
export interface Finding {
  /** The rule id, e.g. "server-firewall" (see RULES and docs/policies.md). */
  readonly rule: string;
  readonly severity: Severity;
  /** The environment the finding belongs to, e.g. "production". */
  readonly environment: string;
  /**
   * The stack holding the resource, e.g. "production-servers"; the
   * environment's name for findings about the environment as a whole
   * (an unused suppression, an unprotected production).
   */
  readonly stack: string;
  /** The Terraform address in that stack, e.g. "hcloud_server.web-1", or "" when the finding is not about one block. */
  readonly address: string;
  /**
   * What config suppressions name: "<kind>/<name>", e.g. "server/web-1",
   * "zone/all2all.org", "storage-box/backup". Blocks that no config item owns
   * (variables, outputs, provider blocks) use "<block kind>/<name>", e.g.
   * "variable/tsig_all2all_org_transfer".
   */
  readonly subject: string;
  /** What is wrong, naming the resource, and how to fix it. */
  readonly message: string;
  /** Present when a config suppression turned the finding off, with its reason. */
  readonly suppressed?: { readonly reason: string };
}

/** A rule as documented: what `RULES` lists and docs/policies.md describes. */
export interface RuleInfo {
  /** Kebab-case id, as config suppressions name it. */
  readonly id: string;
  readonly severity: Severity;
  /**
   * Whether a config suppression may turn it off. Errors that guard secrets
   * and destruction may not: suppressing them is itself an error finding.
   */
  readonly suppressible: boolean;
  /** One sentence: what the rule checks. */
  readonly description: string;
}

/** A run of the policy pack over one App, created by `applyPolicies` before `app.synth()`. */
export interface PolicyRun {
  /**
   * Call after `app.synth()` with the same output directory: returns the
   * findings of the checks run during synth, suppressed ones included,
   * plus the secret scan of the written stacks and unused and invalid
   * suppressions, sorted (errors first). Reads the output, never writes
   * it. Throws when the App was not synthesised. Stack documents already
   * parsed (by stack name) can be passed in `docs`, so that they are not
   * read again.
   */
  finish(outdir: string, docs?: ReadonlyMap<string, unknown>): Finding[];
}
