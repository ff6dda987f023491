/**
 * Helpers for the policy tests (outside __tests__ so jest does not run them):
 * the project's one synthesis (cli/synthesise.ts: a full `app.synth()` with
 * the policy pack), of the default config or of an
 * edited copy, optionally with constructs added in code (for what config
 * cannot express), and the suppressions the default config needs.
 */
import * as path from "node:path";
import { readProjectConfig } from "../cli/project";
import { synthesise } from "../cli/synthesise";
import type { Finding, PolicyRun } from "../policies";
import { loadNetwork, type NetworkSpec } from "../description";
import type { BuiltApp } from "../stacks/app";
import { workspace, type Workspace } from "./description";
import { defaultConfig, makeTempDir, repoRoot } from "./tmp";

export interface PolicyResult {
  readonly specs: NetworkSpec[];
  readonly built: BuiltApp;
  readonly outdir: string;
  readonly findings: Finding[];
  /** Every stack's cdk.tf.json, parsed, by stack name. */
  readonly stacks: Map<string, any>;
}

export interface PolicyRunOptions {
  /** Config directory (default: the repository's config/). */
  readonly configDir?: string;
  /** Only these environments (default: all). */
  readonly envs?: readonly string[];
  /** Changes to the specs before the App is built (they are frozen: return new objects). */
  readonly specs?: (specs: NetworkSpec[]) => NetworkSpec[];
  /** Adds or changes constructs after the stacks are built, before the policies are applied. */
  readonly extend?: (built: BuiltApp) => void;
  /** Looks at the run and the output directory after finish(), before the output is removed. */
  readonly inspect?: (run: PolicyRun, outdir: string) => void;
  /**
   * Keep the suppressions the default config carries (in its overlays). By
   * default they are removed, so that each rule's test sees what the rule
   * finds; the default-config tests keep them.
   * @default false
   */
  readonly keepDefaultSuppressions?: boolean;
}

/** The comment that opens the suppressions block of each overlay of the default config. */
const SUPPRESSIONS_BLOCK = "# Policy findings accepted for this environment";

/** Removes the default suppressions block from every overlay of a workspace. */
export function removeDefaultSuppressions(ws: Workspace): void {
  for (const env of ["production", "staging", "dr"]) {
    const file = `config/environments/${env}.yaml`;
    const text = ws.read(file);
    const at = text.indexOf(SUPPRESSIONS_BLOCK);
    if (at >= 0) ws.write(file, text.slice(0, at));
  }
}

/** Loads the config and synthesises it (`synthesise`) into a temporary directory, removed afterwards. */
export function synthWithPolicies(options: PolicyRunOptions = {}): PolicyResult {
  if (options.configDir === undefined && options.keepDefaultSuppressions !== true) {
    const ws = workspace();
    try {
      removeDefaultSuppressions(ws);
      return synthWithPolicies({ ...options, configDir: path.join(ws.root, "config") });
    } finally {
      ws.remove();
    }
  }
  const single = options.envs?.length === 1 ? options.envs[0] : undefined;
  const loaded = loadNetwork(options.configDir ?? defaultConfig, single === undefined ? {} : { env: single });
  if (!loaded.ok) throw new Error(`the config does not load: ${JSON.stringify(loaded.problems.slice(0, 3), null, 2)}`);
  let specs =
    options.envs === undefined ? loaded.specs : loaded.specs.filter((s) => options.envs!.includes(s.environment.name));
  if (options.specs) specs = options.specs(specs);
  const t = makeTempDir("all2all-policies-");
  try {
    const outdir = path.join(t.dir, "cdktf.out");
    const context = readProjectConfig(repoRoot).context;
    const { built, findings, run, stacks: written } = synthesise(specs, { outdir, context, extend: options.extend });
    options.inspect?.(run, outdir);
    const stacks = new Map<string, any>(written);
    return { specs, built, outdir, findings, stacks };
  } finally {
    t.cleanup();
  }
}

/** What sharedSynth ran already, by its options (the suites of a jest file share one module registry). */
const shared = new Map<string, PolicyResult>();

/**
 * synthWithPolicies of the default config with only `envs` and
 * `keepDefaultSuppressions` chosen, run once per jest file and shared by
 * every suite that asks for the same (testing/suites.ts): the baseline most
 * rule tests compare with. Read-only: its findings are frozen. A test of
 * synthWithPolicies itself (two runs give the same findings) calls it.
 */
export function sharedSynth(options: Pick<PolicyRunOptions, "envs" | "keepDefaultSuppressions"> = {}): PolicyResult {
  const key = JSON.stringify({ envs: options.envs ?? null, keep: options.keepDefaultSuppressions === true });
  let result = shared.get(key);
  if (result === undefined) {
    result = synthWithPolicies(options);
    for (const finding of result.findings) Object.freeze(finding);
    Object.freeze(result.findings);
    shared.set(key, result);
  }
  return result;
}

/** Runs the policies on a copy of the default config changed by `edit`. */
export function synthEdited(
  edit: (ws: Workspace) => void,
  options: Omit<PolicyRunOptions, "configDir"> = {},
): PolicyResult {
  const ws = workspace();
  try {
    if (options.keepDefaultSuppressions !== true) removeDefaultSuppressions(ws);
    edit(ws);
    return synthWithPolicies({ ...options, configDir: path.join(ws.root, "config") });
  } finally {
    ws.remove();
  }
}

/** The findings of one rule (optionally only unsuppressed ones). */
export function findingsOf(
  findings: readonly Finding[],
  rule: string,
  options: { suppressed?: boolean } = {},
): Finding[] {
  return findings.filter(
    (f) => f.rule === rule && (options.suppressed === undefined || (f.suppressed !== undefined) === options.suppressed),
  );
}

/** The options of most rule tests: the production environment only. */
export const PRODUCTION = { envs: ["production"] } as const;

/** An edit of a workspace: each `[from, to]` replaced, in order, in one file (a path under the workspace). */
export function replaceIn(
  file: string,
  ...replacements: readonly (readonly [from: string, to: string])[]
): (ws: Workspace) => void {
  return (ws) => {
    for (const [from, to] of replacements) ws.replace(file, from, to);
  };
}

/**
 * What a rule test changes: the config (`edit`, on a copy of the default config), the built stacks (`extend`), or both.
 */
export interface RuleChange {
  readonly edit?: (ws: Workspace) => void;
  readonly extend?: (built: BuiltApp) => void;
}

/** The findings of `rule` after `change` (production only unless `options` say otherwise). */
export function ruleFindings(
  rule: string,
  change: RuleChange,
  options: Omit<PolicyRunOptions, "configDir" | "extend"> = PRODUCTION,
): Finding[] {
  const run = { ...options, extend: change.extend };
  return findingsOf(change.edit ? synthEdited(change.edit, run).findings : synthWithPolicies(run).findings, rule);
}

/** Where a finding points: its stack, the Terraform address in it, and the subject it is about. */
export interface FindingPlace {
  readonly stack: string;
  readonly address: string;
  readonly subject: string;
}

/**
 * The finding `rule` reports at `place`, as the tests expect it: the
 * environment is the stack's (the part of its name before the first `-`).
 * `message` is the text, or a matcher such as `expect.stringMatching(…)`.
 */
export function findingAt(rule: string, severity: Finding["severity"], place: FindingPlace, message: unknown): Finding {
  const environment = place.stack.split("-")[0]!;
  return { rule, severity, environment, ...place, message: message as string };
}

/**
 * A finding a test expects of a rule: its severity and place, in the order of the
 * `[f.severity, f.stack, f.address, f.subject]` rows the tests compare, and its message (text or matcher).
 */
export type ExpectedFinding = readonly [
  where: readonly [severity: Finding["severity"], stack: string, address: string, subject: string],
  message: unknown,
];

/** Asserts that `found` is exactly `expected`, in order: each the finding `rule` reports (see `findingAt`). */
export function expectRule(found: readonly Finding[], rule: string, ...expected: readonly ExpectedFinding[]): void {
  expect(found).toEqual(
    expected.map(([[severity, stack, address, subject], message]) =>
      findingAt(rule, severity, { stack, address, subject }, message),
    ),
  );
}

/** One suppression to add to a config file. */
export interface ProposedSuppression {
  /** The file, relative to the config directory. */
  readonly file: string;
  readonly rule: string;
  readonly resource: string;
  readonly reason: string;
}

/**
 * What the default config needs, with the reasons reviewers read (also in
 * docs/policies.md). Each overlay gets its own: a suppression in a shared
 * file would be unused, and reported, in the environments without the item.
 */
export const PROPOSED_SUPPRESSIONS: readonly ProposedSuppression[] = [
  // The same floating IP, with the same reason, in each environment that has it.
  ...["environments/production.yaml", "environments/dr.yaml"].map((file) => ({
    file,
    rule: "rdns-forward-floating",
    resource: "server/web-1",
    reason:
      "The floating IPv4 of web-1 is the failover address for www; config cannot name a floating IP in a record " +
      "yet, so its reverse name www.all2all.org is not forward-confirmed. Web traffic does not depend on it; " +
      "mail never leaves from it.",
  })),
  {
    file: "environments/staging.yaml",
    rule: "storage-box-delete-protection",
    resource: "storage-box/backup",
    reason:
      "Staging is disposable by design (protect: false): its storage box only holds backups of staging " +
      "servers, which are rebuilt from config and production data is never copied there.",
  },
];

/** The YAML lines of suppressions, as appended to a file. */
export function suppressionsYaml(items: readonly Omit<ProposedSuppression, "file">[]): string {
  return [
    "suppressions:",
    ...items.flatMap((s) => [
      `  - rule: ${s.rule}`,
      `    resource: ${s.resource}`,
      `    reason: >-`,
      `      ${s.reason}`,
    ]),
    "",
  ].join("\n");
}

/**
 * Adds the proposed suppressions missing from a workspace's config (those
 * already there, once config has them, are left alone).
 */
export function addProposedSuppressions(
  ws: Workspace,
  items: readonly ProposedSuppression[] = PROPOSED_SUPPRESSIONS,
): void {
  const byFile = new Map<string, ProposedSuppression[]>();
  for (const s of items) {
    const text = ws.read(`config/${s.file}`);
    const present = new RegExp(
      `rule:\\s*${s.rule}\\s*\\n\\s*resource:\\s*${s.resource.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}`,
    ).test(text);
    if (present) continue;
    byFile.set(s.file, [...(byFile.get(s.file) ?? []), s]);
  }
  for (const [file, list] of byFile) {
    const text = ws.read(`config/${file}`);
    if (/^suppressions:/m.test(text)) {
      const items = list
        .flatMap((s) => [`  - rule: ${s.rule}`, `    resource: ${s.resource}`, `    reason: >-`, `      ${s.reason}`])
        .join("\n");
      ws.write(
        `config/${file}`,
        text.replace(/^suppressions:[ \t]*\n/m, (m) => `${m}${items}\n`),
      );
    } else {
      ws.write(`config/${file}`, `${text.replace(/\n*$/, "\n")}\n${suppressionsYaml(list)}`);
    }
  }
}

/** Appends suppressions to one config file of a workspace (creating the `suppressions:` key). */
export function appendSuppressions(
  ws: Workspace,
  file: string,
  items: readonly Omit<ProposedSuppression, "file">[],
): void {
  addProposedSuppressions(
    ws,
    items.map((s) => ({ ...s, file })),
  );
}

/**
 * The staging description grown to `servers` web servers (cloned from web-1,
 * each with its primary IPs, reverse DNS, A/AAAA records, firewall labels and
 * a storage-box subaccount), built in memory for the scaling test.
 */
export function scaledSpec(base: NetworkSpec, servers: number): NetworkSpec {
  const spec = JSON.parse(JSON.stringify(base)) as any;
  const template = spec.servers.find((s: any) => s.name === "web-1");
  const zone = spec.zones.find((z: any) => z.mode === "primary");
  const box = spec.storage_boxes[0];
  for (let i = 0; i < servers; i++) {
    const name = `host-${i}`;
    const fqdn = `${name}.${zone.name}`;
    spec.servers.push({
      ...template,
      name,
      placement_group: undefined,
      floating_ip: undefined,
      volumes: [],
      networks: template.networks.map((n: any) => ({ network: n.network })),
      public: { ...template.public, rdns: { ipv4: fqdn, ipv6: fqdn } },
    });
    for (const [type, family] of [
      ["A", "ipv4"],
      ["AAAA", "ipv6"],
    ]) {
      zone.records.push({
        name,
        fqdn: `${fqdn}.`,
        type,
        ttl: zone.ttl,
        values: [{ kind: "address", server: name, family }],
      });
    }
    box.subaccounts.push({
      ...box.subaccounts[0],
      name,
      server: name,
      home_directory: `servers/${name}`,
      description: `backups of ${name}`,
    });
  }
  return spec as NetworkSpec;
}
