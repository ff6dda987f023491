/**
 * The run: after synth, each environment's model is built from the stacks'
 * cdk.tf.json documents (the configuration exactly as written, read once:
 * nothing is resolved a second time), every resource's checks run, config
 * suppressions are applied and written into the resource's JSON metadata
 * (`"//": { "policy_suppressions": [{ rule, reason }] }`, the documents
 * written again in cdktn's own format), then the secret scan and the report
 * of suppressions that are invalid or matched nothing.
 *
 * A light aspect per stack only records that the App was synthesised, so
 * that `finish` cannot read a stale output by mistake.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { IConstruct } from "constructs";
import { Aspects, TerraformStack, type App, type IAspect } from "cdktn";
import stringify from "safe-stable-stringify";
import { catalogue as loadCatalogue, formatEuros } from "../catalogue/catalogue";
import { estimate, type StackDoc } from "../catalogue/estimate";
import { catalogue } from "../spec";
import type { EnvironmentStacks } from "../stacks/environment";
import { checksFor } from "./checks";
import { EnvModel, compare, type ResourceEntry, type StackDocument } from "./model";
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

class EnvironmentRun {
  readonly name: string;
  model?: EnvModel;
  readonly findings: Finding[] = [];
  readonly suppressions = new Map<string, SuppressionState>();
  /** Suppressions written per resource body. */
  readonly written = new Map<ResourceEntry, { rule: string; reason: string }[]>();
  /** Stacks whose document gained suppression metadata (to be written again). */
  readonly changed = new Set<string>();
  private readonly zoneAliases = new Map<string, string>();

  constructor(readonly environment: EnvironmentStacks) {
    const spec = environment.spec;
    this.name = spec.environment.name;
    for (const zone of spec.zones) this.zoneAliases.set(zone.unicode_name.toLowerCase(), zone.name);
    for (const s of spec.suppressions) {
      const key = `${s.rule} ${this.normaliseSubject(s.resource)}`;
      if (!this.suppressions.has(key)) this.suppressions.set(key, { rule: s.rule, resource: s.resource, reason: s.reason.trim(), key, used: false, invalid: false });
    }
  }

  /** `zone/Café-asbl.be.` → `zone/xn--caf-asbl-d1a.be`, as the findings name zones. */
  normaliseSubject(subject: string): string {
    const slash = subject.indexOf("/");
    if (slash < 0 || subject.slice(0, slash) !== "zone") return subject;
    const name = subject.slice(slash + 1).toLowerCase().replace(/\.$/, "");
    return `zone/${this.zoneAliases.get(name) ?? name}`;
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

/** Records that cdktn synthesised the stack (aspects run at the start of every `app.synth()`). */
class SynthMarker implements IAspect {
  constructor(private readonly engine: PolicyEngine) {}

  visit(node: IConstruct): void {
    this.engine.markSynthesised(node);
  }
}

export class PolicyEngine implements PolicyRun {
  private readonly environments: readonly EnvironmentStacks[];
  private readonly synthesised = new Set<string>();
  private envs: EnvironmentRun[] = [];
  private readonly envByStack = new Map<string, EnvironmentRun>();

  constructor(app: App, environments: readonly EnvironmentStacks[]) {
    this.environments = environments;
    const marker = new SynthMarker(this);
    for (const e of environments) {
      for (const stack of e.stacks) {
        if (stack.node.root !== app.node.root) throw new Error(`policies: stack ${stack.node.id} is not part of the App given to applyPolicies`);
        Aspects.of(stack).add(marker);
      }
    }
  }

  /** The environment models of the last `finish` (for tests and benchmarks). */
  get models(): readonly EnvModel[] {
    return this.envs.flatMap((e) => (e.model ? [e.model] : []));
  }

  /** Called by the marker aspect for every construct of every stack. */
  markSynthesised(node: IConstruct): void {
    if (TerraformStack.isStack(node)) this.synthesised.add(node.node.id);
  }

  /** Builds the environment's model from the documents and runs every resource's checks. */
  private check(env: EnvironmentRun, documents: ReadonlyMap<string, StackDocument>): void {
    this.start(env, documents);
    const model = env.model!;
    for (const entry of model.entries) {
      for (const check of checksFor(entry.type)) {
        check.check(entry, model, (rule, message, subject) => this.report(env, rule, { stack: entry.stackName, address: entry.address, subject: subject ?? entry.subject, message, entry }));
      }
    }
  }

  /** Builds the environment's model; reports what concerns the environment as a whole. */
  private start(env: EnvironmentRun, documents: ReadonlyMap<string, StackDocument>): void {
    env.model = new EnvModel(env.environment, documents);
    const spec = env.environment.spec;
    if (env.name === "production" && !spec.environment.protect) {
      this.report(env, RULE.productionProtect, {
        stack: env.name,
        address: "",
        subject: `environment/${env.name}`,
        message: `environment production has protect: false: its servers, volumes, addresses, zones and backups can then be destroyed by one plan. Set environment.protect: true in config/environments/production.yaml (for a deliberate rebuild, lift it for that one apply and put it back).`,
      });
    }
    const budget = spec.environment.budget_monthly;
    if (budget !== undefined) {
      const docs = env.environment.stacks.map((s) => ({ name: s.node.id, environment: env.name, doc: documents.get(s.node.id) as StackDoc["doc"] }));
      const e = estimate(loadCatalogue(), docs);
      if (e.gross > budget * 10_000) {
        this.report(env, RULE.budgetMonthly, {
          stack: env.name,
          address: "",
          subject: `environment/${env.name}`,
          message: `environment ${env.name} is estimated at ${formatEuros(e.gross)} per month (VAT included; catalogue of ${e.taken}), over its budget_monthly of ${formatEuros(budget * 10_000)}: see all2all cost --env ${env.name}, then reduce it or raise the budget in config/environments/${env.name}.yaml.`,
        });
      }
    }
    const known = RULES.map((r) => r.id);
    for (const s of [...env.suppressions.values()].sort((a, b) => compare(a.key, b.key))) {
      const info = ruleInfo(s.rule);
      if (info !== undefined && info.suppressible) continue;
      s.invalid = true;
      const why =
        info === undefined
          ? `there is no rule "${s.rule}" (${catalogue.didYouMean(s.rule, known) ?? `the rules are listed in docs/policies.md`})`
          : `rule ${s.rule} guards ${s.rule === RULE.noLiteralSecret ? "secrets" : s.rule.startsWith("suppression-") ? "the suppressions themselves" : "against destruction"} and cannot be suppressed: fix what it reports instead`;
      this.report(env, RULE.suppressionInvalid, {
        stack: env.name,
        address: "",
        subject: s.resource,
        message: `the suppression of ${s.rule} for ${s.resource} in environment ${env.name} is invalid: ${why}; remove it from config (suppressions).`,
      });
    }
  }

  private report(env: EnvironmentRun, rule: RuleId, where: { stack: string; address: string; subject: string; message: string; entry?: ResourceEntry }): void {
    const info = ruleInfo(rule);
    if (info === undefined) throw new Error(`policies: rule ${rule} is not in RULES`);
    let suppressed: { reason: string } | undefined;
    if (info.suppressible) {
      const s = env.suppressions.get(`${rule} ${env.normaliseSubject(where.subject)}`);
      if (s !== undefined && !s.invalid) {
        s.used = true;
        suppressed = { reason: s.reason };
        if (where.entry !== undefined) this.writeSuppression(env, where.entry, rule, s.reason);
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

  /** Records a suppression in the resource's JSON metadata, so reviewers of the synthesised output see it. */
  private writeSuppression(env: EnvironmentRun, entry: ResourceEntry, rule: string, reason: string): void {
    let list = env.written.get(entry);
    if (list === undefined) env.written.set(entry, (list = []));
    if (list.some((s) => s.rule === rule)) return;
    list.push({ rule, reason });
    list.sort((a, b) => compare(a.rule, b.rule));
    const meta = entry.body["//"];
    const metadata: Record<string, unknown> = meta !== null && typeof meta === "object" && !Array.isArray(meta) ? meta : (entry.body["//"] = {});
    metadata.policy_suppressions = list.map((s) => ({ ...s }));
    env.changed.add(entry.stackName);
  }

  finish(outdir: string, docs: ReadonlyMap<string, unknown> = new Map()): Finding[] {
    const missing = this.environments.filter((e) => e.stacks.some((s) => !this.synthesised.has(s.node.id))).map((e) => e.spec.environment.name);
    if (missing.length > 0) {
      throw new Error(`policies: environment${missing.length === 1 ? "" : "s"} ${missing.join(", ")} not checked: call app.synth() before finish()`);
    }
    const stacksDir = path.join(outdir, "stacks");
    const fileOf = (stackName: string) => path.join(stacksDir, stackName, "cdk.tf.json");
    const documents = new Map<string, StackDocument>();
    const documentOf = (stackName: string): StackDocument => {
      let doc = documents.get(stackName) ?? (docs.get(stackName) as StackDocument | undefined);
      if (doc === undefined) {
        const file = fileOf(stackName);
        if (!fs.existsSync(file)) throw new Error(`policies: ${file} is missing: call app.synth() with this output directory before finish()`);
        doc = JSON.parse(fs.readFileSync(file, "utf8")) as StackDocument;
      }
      documents.set(stackName, doc);
      return doc;
    };

    this.envs = this.environments.map((e) => new EnvironmentRun(e));
    this.envByStack.clear();
    for (const env of this.envs) {
      for (const stack of env.environment.stacks) {
        this.envByStack.set(stack.node.id, env);
        documentOf(stack.node.id);
      }
      this.check(env, documents);
    }
    // Suppressions recorded in the documents are written back, in the format cdktn writes them.
    for (const env of this.envs) {
      for (const stackName of env.changed) {
        const text = stringify(documents.get(stackName), null, 2);
        if (text === undefined) throw new Error(`policies: the document of stack ${stackName} cannot be written as JSON`);
        fs.writeFileSync(fileOf(stackName), text);
      }
    }
    const findings: Finding[] = this.envs.flatMap((e) => e.findings);

    // Secrets, in every written stack.
    const stackNames = fs.existsSync(stacksDir) ? fs.readdirSync(stacksDir).sort() : [];
    for (const stackName of stackNames) {
      if (!documents.has(stackName) && !docs.has(stackName) && !fs.existsSync(fileOf(stackName))) continue;
      const doc = documentOf(stackName);
      const env = this.envByStack.get(stackName);
      for (const hit of scanDocument(doc)) {
        const where = locate(hit.path);
        const entry = where.address !== "" && env?.model ? env.model.byAddress(stackName, where.address) : undefined;
        const subject = entry?.subject ?? (where.kind === "stack" ? `stack/${stackName}` : `${where.kind}/${where.name}`);
        const at = `${where.address || stackName}${where.rest.length > 0 ? ` ${formatPath(where.rest)}` : ""}`;
        findings.push({
          rule: RULE.noLiteralSecret,
          severity: "error",
          environment: env?.name ?? "",
          stack: stackName,
          address: where.address,
          subject,
          message: `${at} in stack ${stackName} holds ${hit.reasons.join(" and ")}: it would be stored in the synthesised JSON, in plans and in version control. Remove it and pass it as a sensitive variable (TF_VAR_…, see docs/config.md "Secrets"); consider the value leaked and replace it.`,
        });
      }
    }


    // Suppressions that matched nothing.
    for (const env of this.envs) {
      for (const s of [...env.suppressions.values()].sort((a, b) => compare(a.key, b.key))) {
        if (s.used || s.invalid) continue;
        findings.push({
          rule: RULE.suppressionUnused,
          severity: "warning",
          environment: env.name,
          stack: env.name,
          address: "",
          subject: s.resource,
          message: `the suppression of ${s.rule} for ${s.resource} in environment ${env.name} matched no finding: remove it (or correct its rule or resource), so that it cannot hide a future problem.`,
        });
      }
    }
    return sortFindings(findings);
  }
}
