/**
 * The project's policy pack for Hetzner resources, run on the synthesised
 * stacks in the manner of cdk-nag: every rule has an id, a severity and a
 * message naming the resource and the fix; unsuppressed errors fail synth
 * (the command line exits 1); suppressions live in config with a reason and
 * are attached to the resource's construct before cdktn writes it, so that
 * the synthesised JSON holds them in the resource's metadata
 * (`"//": { "policy_suppressions": [{ "rule", "reason" }] }`). Rules that
 * guard secrets and destruction cannot be suppressed. See docs/policies.md.
 * The commands and tests run it through `synthesise` (cli/synthesise.ts):
 *
 *   const { app, environments } = buildApp(specs, { outdir });
 *   const run = applyPolicies(app, environments);   // before synth: the aspect that runs the rules
 *   app.synth();                                    // rules, suppressions attached, stacks written
 *   const findings = run.finish(outdir);            // after synth, reading only: secret scan, unused suppressions
 *   for (const line of formatFindingsTable(findings)) print(line);
 *   if (blockingFindings(findings).length > 0) exit(1);
 */
import type { App } from "cdktn";
import type { EnvironmentStacks } from "../stacks/environment";
import { PolicyEngine } from "./engine";
import type { PolicyRun } from "./types";

export type { Finding, PolicyRun, RuleInfo, Severity } from "./types";
export { RULES, RULE, ruleInfo, type RuleId } from "./rules";
export { ROLES, SENSITIVE_PORTS, type RolePolicy, type PublicService } from "./roles";
export { formatFindingsTable, policyReportJson, blockingFindings, summaryLine } from "./report";
export { sortFindings } from "./engine";
export { LABELLED_TYPES, PROTECTED_TYPES } from "./checks";

/**
 * Prepares the policy run over the given environments (call it once, before
 * `app.synth()`: it adds the aspect that checks each environment and
 * attaches the suppressions before its stacks are written), and returns the
 * run whose `finish(outdir)`, after synth, gives the findings.
 */
export function applyPolicies(app: App, environments: readonly EnvironmentStacks[]): PolicyRun {
  if (applied.has(app))
    throw new Error("policies: applyPolicies was already called for this App (its findings would be reported twice)");
  applied.add(app);
  return new PolicyEngine(app, environments);
}
const applied = new WeakSet<App>();
