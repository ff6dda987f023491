/**
 * A short summary of a saved plan (`tofu show -json plan.tfplan`): how many
 * resources are created, updated, replaced, destroyed, imported, and which;
 * replacements and destructions of stateful resources (a server's disk, an
 * address, a volume, a network, a zone or record set, a storage box)
 * first. Deliberately minimal: a reviewer's full classification of the same
 * plan.json is `all2all plan-summary` (docs/review.md), whose table of
 * stateful types this shares.
 */
import { STATEFUL } from "../../constructs/stateful";

/**
 * What replacing or destroying a resource of this type loses, or undefined:
 * the project's table (constructs/stateful.ts), the review's types
 * (`all2all diff`, `plan-summary`, docs/review.md) and storage box
 * subaccounts, whose replacement cuts a server's backup job off.
 */
export function statefulLossOf(type: string): string | undefined {
  return STATEFUL.get(type)?.loses;
}

export type ChangeKind = "create" | "update" | "replace" | "destroy" | "import" | "move" | "forget";

export interface PlannedChange {
  readonly address: string;
  readonly type: string;
  /** What happens to it; an import that also updates counts once as import, once as update. */
  readonly kinds: readonly ChangeKind[];
  /** What its replacement or destruction loses; undefined for other changes. */
  readonly stateful?: string;
}

export interface PlanSummary {
  readonly counts: Readonly<Record<ChangeKind, number>>;
  readonly changes: readonly PlannedChange[];
  /** Outputs created, changed or removed. */
  readonly outputs: number;
  /** Replacements and destructions of stateful resources. */
  readonly dangerous: readonly PlannedChange[];
  /** Nothing to apply: no resource change and no output change. */
  readonly empty: boolean;
}

interface ResourceChange {
  address?: string;
  type?: string;
  mode?: string;
  previous_address?: string;
  change?: { actions?: string[]; importing?: unknown };
}

function kindsOf(rc: ResourceChange): ChangeKind[] {
  const actions = rc.change?.actions ?? [];
  const kinds: ChangeKind[] = [];
  if (rc.change?.importing !== undefined && rc.change.importing !== null) kinds.push("import");
  if (rc.previous_address !== undefined && rc.previous_address !== rc.address) kinds.push("move");
  const set = new Set(actions);
  if (set.has("delete") && set.has("create")) kinds.push("replace");
  else if (set.has("create")) kinds.push("create");
  else if (set.has("delete")) kinds.push("destroy");
  else if (set.has("update")) kinds.push("update");
  else if (set.has("forget")) kinds.push("forget");
  return kinds;
}

/** Reads the JSON of `show -json <plan>`; throws on anything that is not a plan. */
export function summarisePlan(json: unknown): PlanSummary {
  if (typeof json !== "object" || json === null || Array.isArray(json))
    throw new Error("expected a JSON object (the output of `show -json plan.tfplan`)");
  const plan = json as { resource_changes?: unknown; output_changes?: unknown };
  if (plan.resource_changes !== undefined && !Array.isArray(plan.resource_changes))
    throw new Error("resource_changes is not a list");
  const counts: Record<ChangeKind, number> = {
    create: 0,
    update: 0,
    replace: 0,
    destroy: 0,
    import: 0,
    move: 0,
    forget: 0,
  };
  const changes: PlannedChange[] = [];
  for (const rc of (plan.resource_changes ?? []) as ResourceChange[]) {
    if (rc.mode === "data") continue;
    const kinds = kindsOf(rc);
    if (kinds.length === 0) continue;
    for (const k of kinds) counts[k]++;
    const type = rc.type ?? String(rc.address ?? "").split(".")[0]!;
    const stateful = kinds.includes("replace") || kinds.includes("destroy") ? statefulLossOf(type) : undefined;
    changes.push({ address: rc.address ?? "(unnamed)", type, kinds, ...(stateful !== undefined ? { stateful } : {}) });
  }
  let outputs = 0;
  const oc = plan.output_changes;
  if (oc && typeof oc === "object") {
    for (const change of Object.values(oc as Record<string, { actions?: string[] }>)) {
      const actions = change?.actions ?? [];
      if (actions.some((a) => a !== "no-op")) outputs++;
    }
  }
  const dangerous = changes.filter((c) => c.stateful !== undefined);
  return { counts, changes, outputs, dangerous, empty: changes.length === 0 && outputs === 0 };
}

const ORDER: ChangeKind[] = ["replace", "destroy", "forget", "move", "import", "create", "update"];
const VERB: Record<ChangeKind, string> = {
  create: "create",
  update: "update",
  replace: "REPLACE",
  destroy: "DESTROY",
  import: "import",
  move: "move",
  forget: "forget (removed from state, kept at Hetzner)",
};

/** The summary as lines: counts, then the dangerous changes, then every other change by kind. */
export function formatPlanSummary(stack: string, s: PlanSummary): string[] {
  if (s.empty) return [`${stack}: no changes`];
  const c = s.counts;
  const parts = [
    `${c.create} to create`,
    `${c.update} to update`,
    `${c.replace} to replace`,
    `${c.destroy} to destroy`,
  ];
  if (c.import > 0) parts.push(`${c.import} to import`);
  if (c.move > 0) parts.push(`${c.move} to move`);
  if (c.forget > 0) parts.push(`${c.forget} to forget`);
  if (s.outputs > 0) parts.push(`${s.outputs} output${s.outputs === 1 ? "" : "s"} changed`);
  const lines = [`${stack}: ${parts.join(", ")}`];
  for (const d of s.dangerous) {
    lines.push(`  !! ${d.kinds.includes("replace") ? "REPLACE" : "DESTROY"} ${d.address}: loses ${d.stateful}`);
  }
  const rank = (ch: PlannedChange) => Math.min(...ch.kinds.map((k) => ORDER.indexOf(k)));
  const rest = s.changes
    .filter((ch) => ch.stateful === undefined)
    .sort((a, b) => rank(a) - rank(b) || a.address.localeCompare(b.address));
  for (const ch of rest)
    lines.push(
      `     ${[...ch.kinds]
        .sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b))
        .map((k) => VERB[k])
        .join(" + ")} ${ch.address}`,
    );
  return lines;
}
