/**
 * The monthly cost of synthesised stacks: every priced resource with its
 * charges, per stack, per environment and in all, with the catalogue's date.
 */
import type { Catalogue } from "./catalogue";
import { isUnpriced, priceResource, total, type Charge } from "./price";

export interface ResourceCost {
  readonly address: string;
  readonly type: string;
  readonly charges: readonly Charge[];
  readonly net: number;
  readonly gross: number;
  /** Why it could not be priced (it is then not in the totals, and the estimate says so). */
  readonly unpriced?: string;
}

export interface StackCost {
  readonly name: string;
  readonly environment: string;
  readonly resources: readonly ResourceCost[];
  readonly net: number;
  readonly gross: number;
}

export interface Estimate {
  readonly taken: string;
  readonly source: string;
  readonly stacks: readonly StackCost[];
  readonly environments: readonly { readonly name: string; readonly net: number; readonly gross: number }[];
  readonly net: number;
  readonly gross: number;
  /** Some price is marked unverified in the catalogue. */
  readonly unverified: boolean;
  readonly unpriced: readonly { readonly stack: string; readonly address: string; readonly reason: string }[];
}

export interface StackDoc {
  readonly name: string;
  readonly environment: string;
  /** The stack's cdk.tf.json, parsed. */
  readonly doc: { resource?: Record<string, Record<string, Record<string, unknown>>> };
}

/** The priced resources of one stack document, in address order. */
export function costOfStack(c: Catalogue, s: StackDoc): StackCost {
  const resources: ResourceCost[] = [];
  for (const [type, byName] of Object.entries(s.doc.resource ?? {})) {
    for (const [name, attrs] of Object.entries(byName)) {
      const r = priceResource(c, type, attrs);
      if (isUnpriced(r))
        resources.push({ address: `${type}.${name}`, type, charges: [], net: 0, gross: 0, unpriced: r.reason });
      else if (r.length > 0) resources.push({ address: `${type}.${name}`, type, charges: r, ...total(r) });
    }
  }
  resources.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  return { name: s.name, environment: s.environment, resources, ...total(resources) };
}

export function estimate(c: Catalogue, stacks: readonly StackDoc[]): Estimate {
  const costs = stacks.map((s) => costOfStack(c, s));
  const envNames = [...new Set(costs.map((s) => s.environment))];
  return {
    taken: c.taken,
    source: c.source,
    stacks: costs,
    environments: envNames.map((name) => ({ name, ...total(costs.filter((s) => s.environment === name)) })),
    ...total(costs),
    unverified: costs.some((s) => s.resources.some((r) => r.charges.some((ch) => ch.unverified))),
    unpriced: costs.flatMap((s) =>
      s.resources.filter((r) => r.unpriced).map((r) => ({ stack: s.name, address: r.address, reason: r.unpriced! })),
    ),
  };
}
