/**
 * What a change costs per month: each priced resource's charges before and
 * after (priced with each side's own catalogue, so a price change shows
 * too), a note on the change, and the total delta for the report's header.
 */
import { catalogueProblems, formatEuros, type Catalogue } from "../../catalogue/catalogue";
import { isUnpriced, priceResource, total } from "../../catalogue/price";
import type { StackDocument } from "./blocks";
import type { Change } from "./change-types";

export interface CostDelta {
  /** Gross (VAT included) monthly amounts of the whole compared stacks, in ten-thousandths of a euro. */
  readonly before: number;
  readonly after: number;
  readonly delta: number;
  readonly baseTaken: string;
  readonly headTaken: string;
}

function bodyOf(
  docs: ReadonlyMap<string, StackDocument>,
  stack: string,
  address: string,
): Record<string, unknown> | undefined {
  const dot = address.indexOf(".");
  const resources = (
    docs.get(stack) as { resource?: Record<string, Record<string, Record<string, unknown>>> } | undefined
  )?.resource;
  return resources?.[address.slice(0, dot)]?.[address.slice(dot + 1)];
}

function gross(c: Catalogue, type: string, body: Record<string, unknown> | undefined): number {
  if (body === undefined) return 0;
  const r = priceResource(c, type, body);
  return isUnpriced(r) ? 0 : total(r).gross;
}

function sumOf(c: Catalogue, docs: ReadonlyMap<string, StackDocument>): number {
  let sum = 0;
  for (const doc of docs.values()) {
    for (const [type, byName] of Object.entries(
      (doc as { resource?: Record<string, Record<string, Record<string, unknown>>> }).resource ?? {},
    )) {
      for (const body of Object.values(byName)) sum += gross(c, type, body);
    }
  }
  return sum;
}

/** A catalogue document, if it is one (a base ref from before the catalogue existed has none). */
export function asCatalogue(doc: unknown): Catalogue | undefined {
  return catalogueProblems(doc).length === 0 ? (doc as Catalogue) : undefined;
}

/**
 * Adds "monthly cost" notes to the resource changes whose cost changes, and
 * returns the delta of the whole comparison.
 */
export function withCosts(
  changes: readonly Change[],
  base: ReadonlyMap<string, StackDocument>,
  head: ReadonlyMap<string, StackDocument>,
  baseCat: Catalogue,
  headCat: Catalogue,
): { changes: Change[]; cost: CostDelta } {
  const out = changes.map((ch) => {
    if (ch.kind !== "resource") return ch;
    const before = gross(baseCat, ch.type, bodyOf(base, ch.stack, ch.from ?? ch.address));
    const after = gross(headCat, ch.type, bodyOf(head, ch.stack, ch.address));
    if (before === after) return ch;
    const note =
      `monthly cost ${formatEuros(after - before, { sign: true })} ` +
      `(${formatEuros(before)} → ${formatEuros(after)}, VAT included)`;
    return { ...ch, notes: [...ch.notes, note] };
  });
  const before = sumOf(baseCat, base);
  const after = sumOf(headCat, head);
  return {
    changes: out,
    cost: { before, after, delta: after - before, baseTaken: baseCat.taken, headTaken: headCat.taken },
  };
}

/** "+€11.90/month", for the header. */
export function deltaText(cost: CostDelta): string {
  return `${formatEuros(cost.delta, { sign: true })}/month`;
}

interface PlannedServer {
  readonly address: string;
  readonly type: string;
  readonly change: { readonly actions: readonly string[]; readonly before?: unknown; readonly after?: unknown };
}

/**
 * Cost events of a plan: a server replaced (a new server, billed at today's
 * price) or resized (billed at its new type's price from now on). The note
 * gives the monthly price before and after from the catalogue. Keyed by
 * `<stack> <address>`.
 */
export function costEvents(
  plans: readonly { stack: string; plan: { resource_changes?: readonly PlannedServer[] } }[],
  c: Catalogue,
): Map<string, string> {
  const out = new Map<string, string>();
  const price = (body: unknown) =>
    body && typeof body === "object" ? gross(c, "hcloud_server", body as Record<string, unknown>) : 0;
  for (const { stack, plan } of plans) {
    for (const rc of plan.resource_changes ?? []) {
      if (rc.type !== "hcloud_server") continue;
      const a = rc.change.actions;
      const replaced = a.includes("delete") && a.includes("create");
      const before = (rc.change.before ?? {}) as { server_type?: unknown };
      const after = (rc.change.after ?? {}) as { server_type?: unknown };
      const resized = a.includes("update") && before.server_type !== after.server_type;
      if (!replaced && !resized) continue;
      const was = price(rc.change.before);
      const now = price(rc.change.after);
      out.set(
        `${stack} ${rc.address}`,
        `cost event: ${replaced ? "a replaced server is a new server" : `a server rescaled to ${after.server_type}`}` +
          `, billed at today's price: ${formatEuros(now)}/month VAT included ` +
          `(was ${formatEuros(was)}; catalogue of ${c.taken})`,
      );
    }
  }
  return out;
}
