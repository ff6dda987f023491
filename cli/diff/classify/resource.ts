/** The rules for one resource change: {@link classifyResource}. */
import type { Reason } from "../change-types";
import { type ReplaceTables, type ResourceTable, type TableEntry, tableOf } from "../tables";
import { ABSENT, isPlainObject, isWithin, valueAt } from "../values";
import { type Body, changedAt, cite, isIgnored, type ResourcePair, show } from "./common";
import { firewallReasons } from "./firewall";
import { hetznerLimits, replacementFact } from "./hetzner";
import { publicIpv4Reasons } from "./ipv4";
import { statefulLoss } from "./replacement";

/** The outcome of the rules for one resource change. */
export interface Verdict {
  readonly dangers: Reason[];
  readonly warnings: Reason[];
  readonly notes: string[];
}

const PROTECTIONS: readonly { attribute: string; what: string }[] = [
  { attribute: "delete_protection", what: "Hetzner no longer refuses to delete it" },
  { attribute: "rebuild_protection", what: "Hetzner no longer refuses to rebuild it" },
  { attribute: "lifecycle.prevent_destroy", what: "tofu no longer refuses a plan that destroys it" },
];

/**
 * Dangers and warnings of one resource change. `replaceReasons` are why it
 * is replaced (from the table for a diff, from the plan's replace_paths for
 * a plan); `unknown` tells which attributes a plan only knows after apply.
 */
export function classifyResource(
  pair: ResourcePair,
  tables: ReplaceTables,
  replaceReasons: readonly Reason[],
  unknown?: (attribute: string) => boolean,
): Verdict {
  const dangers: Reason[] = [];
  const warnings: Reason[] = [];
  const notes: string[] = [];
  const table = tableOf(tables, pair.type);

  dangers.push(...destructionReasons(pair, replaceReasons, notes));
  if (pair.before !== undefined && pair.after !== undefined) {
    dangers.push(...protectionReasons(pair, pair.before, pair.after));
  }
  if (pair.before !== undefined && pair.after !== undefined && pair.action !== "replace") {
    const updates = updateReasons(pair, pair.before, pair.after, table, tables, unknown);
    dangers.push(...updates.dangers);
    warnings.push(...updates.warnings);
  }
  if (pair.before !== undefined && pair.after !== undefined && !pair.fromPlan) {
    warnings.push(...ignoreLifted(pair, table));
  }

  if (pair.before !== undefined && pair.after !== undefined && (pair.action === "update" || pair.action === "move")) {
    const limits = hetznerLimits(pair, unknown);
    dangers.push(...limits.dangers);
    if (limits.serverTypeRemark !== undefined) {
      // Said in the server type change's own warning (disruptive update), or in one of its own when the table has none.
      const i = warnings.findIndex((w) => w.class === "disruptive-update" && w.attribute === "server_type");
      const found = warnings[i];
      if (found !== undefined) warnings[i] = { ...found, message: `${found.message}; ${limits.serverTypeRemark}` };
      else {
        const message = `\`server_type\` changes: ${limits.serverTypeRemark}`;
        warnings.push({ class: "disruptive-update", attribute: "server_type", message });
      }
    }
  }

  dangers.push(...publicIpv4Reasons(pair, unknown));
  const fw = firewallReasons(pair);
  dangers.push(...fw.dangers);
  warnings.push(...fw.warnings);
  return { dangers, warnings, notes };
}

function preventDestroy(body: Body | undefined): boolean {
  return isPlainObject(body?.lifecycle) && (body!.lifecycle as Body).prevent_destroy === true;
}

/** A stateful resource destroyed; a replacement, with what Hetzner does in it (in `notes` for a plan). */
function destructionReasons(pair: ResourcePair, replaceReasons: readonly Reason[], notes: string[]): Reason[] {
  const dangers: Reason[] = [];
  const loss = statefulLoss(pair.type);
  if (pair.action === "delete" && loss !== undefined) {
    dangers.push({
      class: "destroy-stateful",
      message: pair.fromPlan
        ? `tofu destroys it, and with it ${loss}`
        : `removed from the configuration: tofu destroys it, and with it ${loss}` +
          (preventDestroy(pair.before)
            ? " (its lifecycle.prevent_destroy goes away with its block, so nothing stops the destroy)"
            : ""),
    });
  }
  if (pair.action === "replace") {
    const reasons =
      replaceReasons.length > 0 ? replaceReasons : [{ class: "replace" as const, message: "tofu replaces it" }];
    const suffix = loss !== undefined ? `; the replacement destroys ${loss}` : "";
    const refused =
      !pair.fromPlan && preventDestroy(pair.after)
        ? "; lifecycle.prevent_destroy is set, so tofu refuses the plan until it is lifted"
        : "";
    reasons.forEach((r, i) => {
      const last = i === reasons.length - 1;
      // What Hetzner does in this replacement: in the reason's message (diff), as a note (plan-summary, whose reason is
      // tofu's own).
      const fact = r.attribute !== undefined ? replacementFact(pair, r.attribute) : undefined;
      if (fact !== undefined && pair.fromPlan) notes.push(`${fact.charAt(0).toUpperCase()}${fact.slice(1)}`);
      const inMessage = fact !== undefined && !pair.fromPlan ? `; ${fact}` : "";
      dangers.push(
        last || inMessage !== ""
          ? { ...r, message: `${r.message}${last ? suffix : ""}${inMessage}${last ? refused : ""}` }
          : r,
      );
    });
  }
  return dangers;
}

/** Protections that were on and are no longer (lifecycle ones only for a diff: a plan does not know them). */
function protectionReasons(pair: ResourcePair, before: Body, after: Body): Reason[] {
  const dangers: Reason[] = [];
  for (const p of PROTECTIONS) {
    if (p.attribute.startsWith("lifecycle.") && pair.fromPlan) continue;
    const was = valueAt(before, p.attribute);
    const now = valueAt(after, p.attribute);
    if (was === true && now !== true) {
      dangers.push({
        class: "protection-removed",
        attribute: p.attribute,
        message: `\`${p.attribute}\` true → ${now === ABSENT ? "(absent)" : String(now)}: ${p.what}`,
      });
    }
  }
  return dangers;
}

/** The replacement table's destructive updates (dangers) and disruptive ones (warnings) that fire. */
function updateReasons(
  pair: ResourcePair,
  before: Body,
  after: Body,
  table: ResourceTable,
  tables: ReplaceTables,
  unknown: ((attribute: string) => boolean) | undefined,
): { dangers: Reason[]; warnings: Reason[] } {
  const dangers: Reason[] = [];
  const warnings: Reason[] = [];
  const apply = (entry: TableEntry): boolean =>
    !isIgnored(entry.attribute, pair.ignored) && changedAt(pair, entry.attribute);
  for (const entry of table.destructive_update) {
    if (!apply(entry)) continue;
    const now = valueAt(after, entry.attribute);
    // Turning something on loses nothing: the table's destructive updates are all "turning off", "unlinking",
    // "replacing".
    if (now === true || (Array.isArray(now) && now.length > 0 && now.every((v) => v === true))) continue;
    dangers.push({
      class: "destructive-update",
      attribute: entry.attribute,
      source: cite(tables, entry),
      message:
        `\`${entry.attribute}\` ${show(valueAt(before, entry.attribute), entry.attribute, pair.showBefore)} ` +
        `→ ${show(now, entry.attribute, pair.showAfter)}: ${entry.note ?? "loses data in place"} ` +
        `(${cite(tables, entry)})`,
    });
  }
  for (const entry of table.disruptive_update) {
    if (!apply(entry)) continue;
    if (unknown?.(entry.attribute)) continue;
    warnings.push({
      class: "disruptive-update",
      attribute: entry.attribute,
      source: cite(tables, entry),
      message: `\`${entry.attribute}\` changes: ${entry.note ?? "disrupts the resource"} (${cite(tables, entry)})`,
    });
  }
  return { dangers, warnings };
}

/** Attributes that leave lifecycle.ignore_changes: their changes now reach the plan (a diff only). */
function ignoreLifted(pair: ResourcePair, table: ResourceTable): Reason[] {
  const ignoredOf = (body: Body | undefined): string[] => {
    const list = isPlainObject(body?.lifecycle) ? (body!.lifecycle as Body).ignore_changes : undefined;
    return Array.isArray(list) ? list.map(String) : [];
  };
  const was = ignoredOf(pair.before);
  const now = pair.ignored;
  if (now === "all") return [];
  const lifted = was.filter((a) => !now.some((n) => isWithin(a, n)));
  const replacing = lifted.filter((a) =>
    table.replace.some((e) => isWithin(e.attribute, a) || isWithin(a, e.attribute)),
  );
  if (lifted.length === 0) return [];
  return [
    {
      class: "ignore-lifted",
      attribute: "lifecycle.ignore_changes",
      message:
        `${lifted.map((a) => `\`${a}\``).join(", ")} leave${lifted.length === 1 ? "s" : ""} lifecycle.ignore_changes` +
        (replacing.length > 0
          ? `: a change to ${replacing.length === 1 ? "it" : "them"} now replaces the resource; if its current ` +
            `value differs from the configuration (changes made while ignored), the next plan replaces it — read ` +
            `the plan`
          : ": changes to them now reach the plan"),
    },
  ];
}
