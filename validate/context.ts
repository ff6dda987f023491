/**
 * What every check needs while it walks one stack: where to put problems,
 * the stack's declarations and the schema index, plus the address being
 * checked and the iterator names in scope (from dynamic blocks).
 */

import type { Problem, Severity } from "./problem";
import type { ProviderSchemas } from "./schema";
import type { StackSymbols } from "./symbols";

export interface StackContext {
  readonly stack: string;
  readonly schemas: ProviderSchemas;
  readonly symbols: StackSymbols;
  readonly problems: Problem[];
  /** Memoised "nearest name" suggestions, so a mistake repeated 5,000 times is searched once. */
  readonly suggestions: Map<string, string>;
  /**
   * How many more candidates may be compared when suggesting names declared in
   * the stack (resources, variables, locals): those lists grow with the stack,
   * so thousands of different misspellings in a huge stack would otherwise
   * cost time quadratic in its size. Once spent, messages carry no suggestion.
   */
  readonly suggestionBudget: { remaining: number };
}

/** Candidate comparisons allowed per stack for suggestions from its own declarations. */
export const SUGGESTION_BUDGET = 200_000;

/** A place in the stack: the block being checked. */
export interface Site {
  readonly ctx: StackContext;
  readonly address: string;
  /** Extra root names valid in references here, e.g. a dynamic block's iterator. */
  readonly iterators: ReadonlySet<string>;
}

export const NO_ITERATORS: ReadonlySet<string> = new Set();

export function siteOf(ctx: StackContext, address: string): Site {
  return { ctx, address, iterators: NO_ITERATORS };
}

export function report(site: Site, severity: Severity, path: string, message: string): void {
  site.ctx.problems.push({ severity, stack: site.ctx.stack, address: site.address, path, message });
}

export function reportError(site: Site, path: string, message: string): void {
  report(site, "error", path, message);
}

export function reportWarning(site: Site, path: string, message: string): void {
  report(site, "warning", path, message);
}
