/**
 * What `all2all drift` reports: the `resource_drift` of a refresh-only plan
 * (`tofu show -json drift.tfplan`), which compares each resource in the
 * state (as the last apply left it) with what Hetzner's API answers now.
 * Per resource: deleted outside code, or changed, with each changed
 * attribute as a path (`rule[3]`, `labels.role`, `dns_ptr`) and both values
 * as shown to a reviewer (values the plan marks sensitive, and values that
 * look like secrets, masked: cli/diff/values.ts). Dangerous drift first:
 * a stateful resource deleted, a firewall deleted, firewall rules or
 * targets changed, protection removed, a stateful resource changed.
 *
 * Attributes the configuration does not set (its `configuration` block in
 * the same JSON has no expression for them) are not drift from the code:
 * Hetzner or another resource of the stacks sets them (a primary IP's
 * assignee once its server exists, the servers of a placement group, the
 * server of a volume attached by a volume attachment). They are counted
 * apart, as `computed`, and never make the command exit 5.
 *
 * Pure: JSON in, report out; the command (cli/drift.ts) runs tofu, and
 * cli/drift/render.ts writes the report as Markdown or JSON.
 */
import { STATEFUL } from "../../constructs/stateful";
import { summaryAttributes } from "../diff/classify";
import { maskedAt } from "../diff/plan";
import {
  ABSENT,
  attributePath,
  diffValues,
  formatPath,
  isPlainObject,
  isWithin,
  normaliseReference,
  showValue,
  type Path,
  type ShowContext,
} from "../diff/values";

/** The version of the JSON report's structure (docs/drift.md); raised on any incompatible change. */
export const DRIFT_FORMAT_VERSION = 1;

/** Why a drifted resource is dangerous, most urgent first. */
export const DRIFT_DANGERS = [
  "stateful-deleted",
  "firewall-deleted",
  "firewall-rules",
  "protection-removed",
  "stateful-changed",
] as const;
export type DriftDanger = (typeof DRIFT_DANGERS)[number];

/** One attribute that reality changed. */
export interface DriftAttribute {
  /** `rule[3]`, `labels.role`, `dns_ptr`. */
  readonly path: string;
  /** In the state (what the last apply left), as shown; absent when the attribute is new at Hetzner. */
  readonly state?: string;
  /** At Hetzner now, as shown; absent when Hetzner no longer has it. */
  readonly actual?: string;
  /** The code ignores changes to it (lifecycle.ignore_changes): a deploy does not bring it back. */
  readonly ignored?: boolean;
}

export interface DriftedResource {
  readonly stack: string;
  readonly address: string;
  readonly type: string;
  /** `deleted`: Hetzner no longer has it; `changed`: some attribute the code sets differs. */
  readonly drift: "deleted" | "changed";
  readonly dangerous: boolean;
  /** The most urgent reason it is dangerous, when it is. */
  readonly danger?: DriftDanger;
  /** Why it matters, in a reviewer's words. */
  readonly reasons: readonly string[];
  /** For a deleted resource: what it was (name, type, location, addresses), as the state has it. */
  readonly summary: readonly string[];
  /** For a changed resource: the attributes that differ. */
  readonly attributes: readonly DriftAttribute[];
}

/** An attribute that changed but that the code does not set: not drift from the code. */
export type ComputedChange = Pick<DriftedResource, "stack" | "address"> & { readonly path: string };

export interface StackDrift {
  readonly name: string;
  /** `drifted`, `no-drift`, or `failed` (a step failed: the stack was not checked). */
  readonly status: "drifted" | "no-drift" | "failed";
  readonly drifted: number;
  readonly dangerous: number;
  /** For a failed stack: the step and why. */
  readonly error?: string;
}

export interface DriftReport {
  readonly command: "drift";
  readonly format_version: number;
  readonly environment: string;
  /** Some resource drifted (exit 5 unless a stack failed). */
  readonly drifted: boolean;
  /** How many drifted resources are dangerous. */
  readonly dangerous: number;
  /** Every stack was checked (no step failed). */
  readonly complete: boolean;
  readonly stacks: readonly StackDrift[];
  /** Dangerous first (in the order of DRIFT_DANGERS), then deleted, then changed; then by stack order and address. */
  readonly resources: readonly DriftedResource[];
  readonly computed: readonly ComputedChange[];
}

interface DriftEntry {
  address?: unknown;
  mode?: unknown;
  type?: unknown;
  change?: {
    actions?: unknown;
    before?: unknown;
    after?: unknown;
    before_sensitive?: unknown;
    after_sensitive?: unknown;
  };
}

interface ConfigModule {
  resources?: { address?: string; expressions?: Record<string, unknown> }[];
  module_calls?: Record<string, { module?: ConfigModule }>;
}

/** The attributes each configured resource sets, by address; undefined when the JSON has no configuration. */
function configuredAttributes(plan: Record<string, unknown>): Map<string, Set<string>> | undefined {
  const config = plan.configuration;
  if (!isPlainObject(config) || !isPlainObject(config.root_module)) return undefined;
  const out = new Map<string, Set<string>>();
  const walk = (module: ConfigModule, prefix: string): void => {
    for (const r of module.resources ?? []) {
      if (typeof r.address === "string") out.set(`${prefix}${r.address}`, new Set(Object.keys(r.expressions ?? {})));
    }
    for (const [name, call] of Object.entries(module.module_calls ?? {}))
      if (call.module) walk(call.module, `${prefix}module.${name}.`);
  };
  walk(config.root_module as ConfigModule, "");
  return out;
}

/** The configuration address of an instance: `hcloud_server.web["a"]` → `hcloud_server.web`. */
function configAddress(address: string): string {
  return address.replace(/\[[^\]]*\]/g, "");
}

export interface SummariseOptions {
  /** The stack the plan is for. */
  readonly stack: string;
  /** lifecycle.ignore_changes of the stack's resources, by address (`image`, `labels["x"]`). */
  readonly ignoreChanges?: ReadonlyMap<string, readonly string[]>;
}

/** Where a drifted resource is: its stack, address and type. */
type ResourceAt = Pick<DriftedResource, "stack" | "address" | "type">;

/** A drifted resource: dangerous when some danger applies, with every danger's reason in order, else `otherwise`. */
function driftedResource(
  at: ResourceAt,
  drift: DriftedResource["drift"],
  dangers: ReadonlyMap<DriftDanger, string>,
  otherwise: string,
  details: Pick<DriftedResource, "summary" | "attributes">,
): DriftedResource {
  const danger = DRIFT_DANGERS.find((d) => dangers.has(d));
  const reasons =
    danger !== undefined ? DRIFT_DANGERS.filter((d) => dangers.has(d)).map((d) => dangers.get(d)!) : [otherwise];
  if (details.attributes.some((a) => a.ignored))
    reasons.push(
      "the code ignores changes to some of these attributes (lifecycle.ignore_changes, marked): " +
        "a deploy leaves them as they are",
    );
  return {
    ...at,
    drift,
    dangerous: danger !== undefined,
    ...(danger ? { danger } : {}),
    reasons,
    ...details,
  };
}

/** A resource Hetzner no longer has: dangerous when it held data or addresses, or was a firewall. */
function deletedResource(at: ResourceAt, before: Record<string, unknown> | undefined, show: ShowContext) {
  const dangers = new Map<DriftDanger, string>();
  const loses = STATEFUL.get(at.type)?.loses;
  if (loses !== undefined)
    dangers.set(
      "stateful-deleted",
      `deleted outside code, which loses ${loses}; a deploy creates it again from the code, without what it held`,
    );
  else if (at.type === "hcloud_firewall")
    dangers.set(
      "firewall-deleted",
      "firewall deleted outside code: the servers it applied to are no longer filtered by it",
    );
  const summary = summaryAttributes(at.type, before, show);
  return driftedResource(at, "deleted", dangers, "deleted outside code: a deploy creates it again", {
    summary,
    attributes: [],
  });
}

/** One attribute that differs between the state and Hetzner, as the values are. */
interface RawChange {
  readonly path: Path;
  readonly state: unknown;
  readonly actual: unknown;
}

/** Why the changes of a changed resource are dangerous, by danger. */
function changeDangers(type: string, raws: readonly RawChange[]): Map<DriftDanger, string> {
  const dangers = new Map<DriftDanger, string>();
  const paths = raws.map((r) => attributePath(r.path));
  if (
    (type === "hcloud_firewall" && paths.some((p) => isWithin(p, "rule") || isWithin(p, "apply_to"))) ||
    type === "hcloud_firewall_attachment"
  ) {
    dangers.set(
      "firewall-rules",
      "firewall rules or the servers they apply to changed outside code: what is open is no longer what was reviewed",
    );
  }
  const unprotected = raws.filter(
    (r) =>
      /(^|\.)(delete_protection|rebuild_protection)$/.test(attributePath(r.path)) &&
      r.state === true &&
      r.actual === false,
  );
  if (unprotected.length > 0)
    dangers.set(
      "protection-removed",
      `${unprotected.map((r) => formatPath(r.path)).join(" and ")} turned off outside code: ` +
        "it can now be deleted by mistake",
    );
  if (STATEFUL.get(type)?.loses !== undefined)
    dangers.set(
      "stateful-changed",
      "a resource holding data or addresses changed outside code: a deploy sets it back to what the code says, " +
        "which may not be what someone there now relies on",
    );
  return dangers;
}

/** What changed in a resource Hetzner still has. */
interface ResourceChange {
  readonly before: Record<string, unknown> | undefined;
  readonly after: Record<string, unknown>;
  readonly showState: ShowContext;
  readonly showActual: ShowContext;
}

/**
 * A resource whose attributes differ at Hetzner: the attributes the code
 * sets (all of them when `setByCode` is undefined), or undefined when only
 * attributes it does not set changed (added to `computed`).
 */
function changedResource(
  at: ResourceAt,
  change: ResourceChange,
  code: { setByCode: ReadonlySet<string> | undefined; ignored: readonly string[] },
  computed: ComputedChange[],
): DriftedResource | undefined {
  const attributes: DriftAttribute[] = [];
  const raws: RawChange[] = [];
  for (const d of diffValues(change.before ?? {}, change.after)) {
    const top = d.path[0];
    // Without a configuration in the JSON, every attribute counts (nothing is hidden).
    if (code.setByCode !== undefined && typeof top === "string" && !code.setByCode.has(top)) {
      computed.push({ stack: at.stack, address: at.address, path: formatPath(d.path) });
      continue;
    }
    const attr = attributePath(d.path);
    attributes.push({
      path: formatPath(d.path),
      ...(d.old === ABSENT ? {} : { state: showValue(d.old, d.path, change.showState) }),
      ...(d.new === ABSENT ? {} : { actual: showValue(d.new, d.path, change.showActual) }),
      ...(code.ignored.some((ref) => isWithin(attr, ref)) ? { ignored: true } : {}),
    });
    raws.push({ path: d.path, state: d.old, actual: d.new });
  }
  if (attributes.length === 0) return undefined;
  const otherwise = "changed outside code: a deploy sets it back to what the code says";
  return driftedResource(at, "changed", changeDangers(at.type, raws), otherwise, { summary: [], attributes });
}

/** The entries of a plan's resource_drift, checked to be a list of entries with an address and actions. */
function driftEntries(json: unknown): (DriftEntry & { address: string })[] {
  if (!isPlainObject(json) || typeof json.format_version !== "string")
    throw new Error("not the JSON of a plan (no format_version): expected the output of `show -json drift.tfplan`");
  if (json.resource_drift !== undefined && !Array.isArray(json.resource_drift))
    throw new Error("resource_drift is not a list");
  const entries = (json.resource_drift ?? []) as DriftEntry[];
  for (const [i, raw] of entries.entries()) {
    if (
      !isPlainObject(raw) ||
      typeof raw.address !== "string" ||
      !isPlainObject(raw.change) ||
      !Array.isArray(raw.change.actions)
    ) {
      throw new Error(`resource_drift[${i}] lacks address or change.actions`);
    }
  }
  return entries as (DriftEntry & { address: string })[];
}

/** The drift of one refresh-only plan. Throws on JSON that is not a plan. */
export function summariseDrift(
  json: unknown,
  opts: SummariseOptions,
): { resources: DriftedResource[]; computed: ComputedChange[] } {
  const entries = driftEntries(json);
  const configured = configuredAttributes(json as Record<string, unknown>);
  const resources: DriftedResource[] = [];
  const computed: ComputedChange[] = [];
  for (const raw of entries) {
    if (raw.mode === "data") continue;
    const address = raw.address;
    const at: ResourceAt = {
      stack: opts.stack,
      address,
      type: typeof raw.type === "string" ? raw.type : address.split(".")[0]!,
    };
    const c = raw.change!;
    const before = isPlainObject(c.before) ? c.before : undefined;
    const after = isPlainObject(c.after) ? c.after : undefined;
    const showState: ShowContext = { isSensitive: (p) => maskedAt(c.before_sensitive, p) };
    const showActual: ShowContext = { isSensitive: (p) => maskedAt(c.after_sensitive, p) };
    if ((c.actions as string[]).includes("delete") || after === undefined) {
      resources.push(deletedResource(at, before, showState));
      continue;
    }
    const byCode = {
      setByCode: configured?.get(configAddress(address)),
      ignored: (opts.ignoreChanges?.get(configAddress(address)) ?? []).map(normaliseReference),
    };
    const changed = changedResource(at, { before, after, showState, showActual }, byCode, computed);
    if (changed !== undefined) resources.push(changed);
  }
  return { resources, computed };
}

function rank(r: DriftedResource): number {
  if (r.danger !== undefined) return DRIFT_DANGERS.indexOf(r.danger);
  return DRIFT_DANGERS.length + (r.drift === "deleted" ? 0 : 1);
}

/** Dangerous first, then deleted, then changed; within each, stacks in deployment order, then addresses. */
export function sortDrift(resources: readonly DriftedResource[], stackOrder: readonly string[]): DriftedResource[] {
  const stackRank = (s: string): number => (stackOrder.includes(s) ? stackOrder.indexOf(s) : stackOrder.length);
  return [...resources].sort(
    (a, b) => rank(a) - rank(b) || stackRank(a.stack) - stackRank(b.stack) || a.address.localeCompare(b.address),
  );
}

/** The report of one environment from the drift of its stacks (in deployment order). */
export function driftReport(
  environment: string,
  stacks: readonly {
    name: string;
    error?: string;
    resources?: readonly DriftedResource[];
    computed?: readonly ComputedChange[];
  }[],
): DriftReport {
  const order = stacks.map((s) => s.name);
  const resources = sortDrift(
    stacks.flatMap((s) => s.resources ?? []),
    order,
  );
  return {
    command: "drift",
    format_version: DRIFT_FORMAT_VERSION,
    environment,
    drifted: resources.length > 0,
    dangerous: resources.filter((r) => r.dangerous).length,
    complete: stacks.every((s) => s.error === undefined),
    stacks: stacks.map((s) => {
      const mine = s.resources ?? [];
      return {
        name: s.name,
        status: s.error !== undefined ? "failed" : mine.length > 0 ? "drifted" : "no-drift",
        drifted: mine.length,
        dangerous: mine.filter((r) => r.dangerous).length,
        ...(s.error !== undefined ? { error: s.error } : {}),
      };
    }),
    resources,
    computed: stacks.flatMap((s) => s.computed ?? []),
  };
}
