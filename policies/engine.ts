/**
 * The run, in two halves around cdktn's writing of the stacks.
 *
 * During `app.synth()`, an aspect on every stack runs before cdktn writes
 * the stack (as cdk-nag's rules do): at the first stack of an environment,
 * each of its stacks' resources and outputs are resolved as they will be
 * written, the environment's model is built from them, every resource's
 * checks run and the config suppressions are applied. A suppression that
 * applies is attached to its resource construct
 * (attach.ts), so the cdk.tf.json that cdktn writes already holds it.
 *
 * After synth, `finish` only reads: the secret scan of every written
 * document, and the report of suppressions that are invalid or matched
 * nothing. Nothing rewrites cdktn's files.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { IConstruct } from "constructs";
import { Aspects, TerraformStack, type App, type IAspect } from "cdktn";
import { catalogue as loadCatalogue, formatEuros } from "../catalogue/catalogue";
import { estimate, type StackDoc } from "../catalogue/estimate";
import { catalogue } from "../description";
import type { EnvironmentStacks } from "../stacks/environment";
import { attachSuppressions } from "./attach";
import { checksFor } from "./checks";
import { resolvedDocument } from "./documents";
import { EnvModel, compare, type ResourceEntry, type StackDocument } from "./environment-model";
import { RULE, RULES, ruleInfo, type RuleId } from "./rules";
import { formatPath, locate, scanDocument } from "./secrets";
import type { Finding, PolicyRun, Severity } from "./types";

interface SuppressionState {
  readonly rule: string;
  readonly resource: string;
  readonly reason: string;
  /** Matching key: rule and normalised subject. */
  readonly key: string;
  used: boolean;
  invalid: boolean;
}

/** Where a finding is, as `report` takes it. */
interface Place {
  readonly stack: string;
  readonly address: string;
  readonly subject: string;
  readonly message: string;
  readonly entry?: ResourceEntry;
}

class EnvironmentRun {
  readonly name: string;
  model?: EnvModel;
  readonly findings: Finding[] = [];
  readonly suppressions = new Map<string, SuppressionState>();
  /** Suppressions attached per resource (each list sorted by rule). */
  readonly written = new Map<ResourceEntry, { rule: string; reason: string }[]>();
  /** The stacks cdktn has begun to write since this environment was last checked. */
  readonly visited = new Set<string>();
  private readonly zoneAliases = new Map<string, string>();

  constructor(readonly environment: EnvironmentStacks) {
    const spec = environment.spec;
    this.name = spec.environment.name;
    for (const zone of spec.zones) this.zoneAliases.set(zone.unicode_name.toLowerCase(), zone.name);
    for (const s of spec.suppressions) {
      const key = `${s.rule} ${this.normaliseSubject(s.resource)}`;
      if (!this.suppressions.has(key)) {
        const state = { rule: s.rule, resource: s.resource, reason: s.reason.trim(), key, used: false, invalid: false };
        this.suppressions.set(key, state);
      }
    }
  }

  /** `zone/Café-asbl.be.` → `zone/xn--caf-asbl-d1a.be`, as the findings name zones. */
  normaliseSubject(subject: string): string {
    const slash = subject.indexOf("/");
    if (slash < 0 || subject.slice(0, slash) !== "zone") return subject;
    const name = subject
      .slice(slash + 1)
      .toLowerCase()
      .replace(/\.$/, "");
    return `zone/${this.zoneAliases.get(name) ?? name}`;
  }

  /** The suppressions in matching order (by rule and subject). */
  sortedSuppressions(): SuppressionState[] {
    return [...this.suppressions.values()].sort((a, b) => compare(a.key, b.key));
  }
}

const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1 };

/** Findings in report order: unsuppressed first, errors first, then by place and rule. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      Number(a.suppressed !== undefined) - Number(b.suppressed !== undefined) ||
      SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
      compare(a.environment, b.environment) ||
      compare(a.stack, b.stack) ||
      compare(a.address, b.address) ||
      compare(a.rule, b.rule) ||
      compare(a.subject, b.subject) ||
      compare(a.message, b.message),
  );
}

/**
 * Runs the rules before cdktn writes a stack (aspects run at the start of
 * every stack's synthesis, after every stack of the App was prepared).
 */
class PolicyAspect implements IAspect {
  constructor(private readonly engine: PolicyEngine) {}

  visit(node: IConstruct): void {
    if (TerraformStack.isStack(node)) this.engine.beforeWrite(node);
  }
}

/** What a rule that cannot be suppressed guards, as its refusal says. */
function guarded(rule: string): string {
  if (rule === RULE.noLiteralSecret) return "secrets";
  return rule.startsWith("suppression-") ? "the suppressions themselves" : "against destruction";
}

export class PolicyEngine implements PolicyRun {
  private readonly environments: readonly EnvironmentStacks[];
  private readonly synthesised = new Set<string>();
  private readonly envs: EnvironmentRun[] = [];
  private readonly envByStack = new Map<string, EnvironmentRun>();

  constructor(app: App, environments: readonly EnvironmentStacks[]) {
    this.environments = environments;
    const aspect = new PolicyAspect(this);
    for (const e of environments) {
      const env = new EnvironmentRun(e);
      this.envs.push(env);
      for (const stack of e.stacks) {
        if (stack.node.root !== app.node.root) {
          throw new Error(`policies: stack ${stack.node.id} is not part of the App given to applyPolicies`);
        }
        this.envByStack.set(stack.node.id, env);
        Aspects.of(stack).add(aspect);
      }
    }
  }

  /** The environment models of the last synth (for tests and benchmarks). */
  get models(): readonly EnvModel[] {
    return this.envs.flatMap((e) => (e.model ? [e.model] : []));
  }

  /**
   * Called by the aspect when cdktn is about to write `stack`: the first of
   * an environment's stacks in a synth checks the whole environment, so that
   * the suppressions are on the constructs before any of its stacks is written.
   */
  beforeWrite(stack: TerraformStack): void {
    const id = stack.node.id;
    this.synthesised.add(id);
    const env = this.envByStack.get(id);
    if (env === undefined) return;
    if (env.model !== undefined && !env.visited.has(id)) {
      env.visited.add(id);
      return;
    }
    // A first synth, or a new one (this stack was already written once): check again.
    this.reset(env);
    env.visited.add(id);
    const documents = new Map<string, StackDocument>();
    for (const s of env.environment.stacks) documents.set(s.node.id, resolvedDocument(s));
    this.check(env, documents);
  }

  /** Forgets an environment's findings and takes its suppressions off the constructs (for a new synth). */
  private reset(env: EnvironmentRun): void {
    for (const entry of env.written.keys()) attachSuppressions(entry.construct, []);
    env.written.clear();
    env.visited.clear();
    env.findings.length = 0;
    for (const s of env.suppressions.values()) {
      s.used = false;
      s.invalid = false;
    }
  }

  /** Builds the environment's model from the documents and runs every resource's checks. */
  private check(env: EnvironmentRun, documents: ReadonlyMap<string, StackDocument>): void {
    env.model = new EnvModel(env.environment, documents);
    const model = env.model;
    this.checkEnvironment(env, documents);
    for (const entry of model.entries) {
      for (const check of checksFor(entry.type)) {
        check.check(entry, model, (rule, message, subject) => {
          const place = { stack: entry.stackName, address: entry.address, subject: subject ?? entry.subject };
          this.report(env, rule, { ...place, message, entry });
        });
      }
    }
  }

  /** What concerns the environment as a whole: production's protection, the budget, invalid suppressions. */
  private checkEnvironment(env: EnvironmentRun, documents: ReadonlyMap<string, StackDocument>): void {
    const spec = env.environment.spec;
    const whole = { stack: env.name, address: "", subject: `environment/${env.name}` };
    if (env.name === "production" && !spec.environment.protect) {
      this.report(env, RULE.productionProtect, {
        ...whole,
        message:
          `environment production has protect: false: its servers, volumes, addresses, zones and backups can then ` +
          `be destroyed by one plan. Set environment.protect: true in config/environments/production.yaml (for a ` +
          `deliberate rebuild, lift it for that one apply and put it back).`,
      });
    }
    const budget = spec.environment.budget_monthly;
    if (budget !== undefined) {
      const docs = env.environment.stacks.map((s) => ({
        name: s.node.id,
        environment: env.name,
        doc: documents.get(s.node.id) as StackDoc["doc"],
      }));
      const e = estimate(loadCatalogue(), docs);
      if (e.gross > budget * 10_000) {
        this.report(env, RULE.budgetMonthly, {
          ...whole,
          message:
            `environment ${env.name} is estimated at ${formatEuros(e.gross)} per month (VAT included; catalogue ` +
            `of ${e.taken}), over its budget_monthly of ${formatEuros(budget * 10_000)}: see all2all cost ` +
            `--env ${env.name}, then reduce it or raise the budget in config/environments/${env.name}.yaml.`,
        });
      }
    }
    this.checkSuppressions(env);
  }

  /** Reports the suppressions that name no rule, or a rule that may not be suppressed. */
  private checkSuppressions(env: EnvironmentRun): void {
    const known = RULES.map((r) => r.id);
    for (const s of env.sortedSuppressions()) {
      const info = ruleInfo(s.rule);
      if (info?.suppressible) continue;
      s.invalid = true;
      const why =
        info === undefined
          ? `there is no rule "${s.rule}" ` +
            `(${catalogue.didYouMean(s.rule, known) ?? `the rules are listed in docs/policies.md`})`
          : `rule ${s.rule} guards ${guarded(s.rule)} and cannot be suppressed: fix what it reports instead`;
      this.report(env, RULE.suppressionInvalid, {
        stack: env.name,
        address: "",
        subject: s.resource,
        message:
          `the suppression of ${s.rule} for ${s.resource} in environment ${env.name} is ` +
          `invalid: ${why}; remove it from config (suppressions).`,
      });
    }
  }

  private report(env: EnvironmentRun, rule: RuleId, where: Place): void {
    const info = ruleInfo(rule);
    if (info === undefined) throw new Error(`policies: rule ${rule} is not in RULES`);
    let suppressed: { reason: string } | undefined;
    if (info.suppressible) {
      const s = env.suppressions.get(`${rule} ${env.normaliseSubject(where.subject)}`);
      if (s !== undefined && !s.invalid) {
        s.used = true;
        suppressed = { reason: s.reason };
        if (where.entry !== undefined) this.attachSuppression(env, where.entry, rule, s.reason);
      }
    }
    env.findings.push({
      rule,
      severity: info.severity,
      environment: env.name,
      stack: where.stack,
      address: where.address,
      subject: where.subject,
      message: where.message,
      ...(suppressed ? { suppressed } : {}),
    });
  }

  /**
   * Attaches a suppression to the resource's construct, so that the JSON
   * cdktn writes holds it beside its own metadata and reviewers see it.
   */
  private attachSuppression(env: EnvironmentRun, entry: ResourceEntry, rule: string, reason: string): void {
    let list = env.written.get(entry);
    if (list === undefined) {
      list = [];
      env.written.set(entry, list);
    }
    if (list.some((s) => s.rule === rule)) return;
    list.push({ rule, reason });
    list.sort((a, b) => compare(a.rule, b.rule));
    attachSuppressions(entry.construct, list);
  }

  finish(outdir: string, docs: ReadonlyMap<string, unknown> = new Map()): Finding[] {
    const missing = this.environments
      .filter((e) => e.stacks.some((s) => !this.synthesised.has(s.node.id)))
      .map((e) => e.spec.environment.name);
    if (missing.length > 0) {
      throw new Error(
        `policies: environment${missing.length === 1 ? "" : "s"} ${missing.join(", ")} not ` +
          `checked: call app.synth() before finish()`,
      );
    }
    const findings: Finding[] = this.envs.flatMap((e) => e.findings);
    findings.push(...this.scanSecrets(outdir, docs), ...this.unusedSuppressions());
    return sortFindings(findings);
  }

  /** The secret scan of every stack written into `outdir` (read, never written). */
  private scanSecrets(outdir: string, docs: ReadonlyMap<string, unknown>): Finding[] {
    const stacksDir = path.join(outdir, "stacks");
    const fileOf = (stackName: string) => path.join(stacksDir, stackName, "cdk.tf.json");
    for (const stackName of this.envByStack.keys()) {
      if (!docs.has(stackName) && !fs.existsSync(fileOf(stackName))) {
        const file = fileOf(stackName);
        throw new Error(`policies: ${file} is missing: call app.synth() with this output directory before finish()`);
      }
    }
    const findings: Finding[] = [];
    for (const stackName of fs.existsSync(stacksDir) ? fs.readdirSync(stacksDir).sort() : []) {
      const file = fileOf(stackName);
      const doc = docs.get(stackName) ?? (fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")) : undefined);
      if (doc !== undefined) findings.push(...this.secretsOf(stackName, doc as StackDocument));
    }
    return findings;
  }

  /** The no-literal-secret findings of one written stack. */
  private secretsOf(stackName: string, doc: StackDocument): Finding[] {
    const env = this.envByStack.get(stackName);
    return scanDocument(doc).map((hit): Finding => {
      const where = locate(hit.path);
      const entry = where.address !== "" && env?.model ? env.model.byAddress(stackName, where.address) : undefined;
      const subject = entry?.subject ?? (where.kind === "stack" ? `stack/${stackName}` : `${where.kind}/${where.name}`);
      const at = `${where.address || stackName}${where.rest.length > 0 ? ` ${formatPath(where.rest)}` : ""}`;
      return {
        rule: RULE.noLiteralSecret,
        severity: "error",
        environment: env?.name ?? "",
        stack: stackName,
        address: where.address,
        subject,
        message:
          `${at} in stack ${stackName} holds ${hit.reasons.join(" and ")}: it would be stored in the synthesised ` +
          `JSON, in plans and in version control. Remove it and pass it as a sensitive variable (TF_VAR_…, see ` +
          `docs/config.md "Secrets"); consider the value leaked and replace it.`,
      };
    });
  }

  /** The suppressions that matched no finding of their environment. */
  private unusedSuppressions(): Finding[] {
    return this.envs.flatMap((env) =>
      env
        .sortedSuppressions()
        .filter((s) => !s.used && !s.invalid)
        .map(
          (s): Finding => ({
            rule: RULE.suppressionUnused,
            severity: "warning",
            environment: env.name,
            stack: env.name,
            address: "",
            subject: s.resource,
            message:
              `the suppression of ${s.rule} for ${s.resource} in environment ${env.name} matched no finding: ` +
              `remove it (or correct its rule or resource), so that it cannot hide a future problem.`,
          }),
        ),
    );
  }
}
