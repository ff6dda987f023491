/**
 * Each resource of a stack resolved once per synth instead of three times.
 *
 * cdktn's `app.synth()` first prepares every stack: it resolves every
 * element's `toTerraform()`, to find the references that cross stacks, and
 * throws the result away. Then it writes each stack, resolving every element
 * again; the policy pack (policies/documents.ts) reads the same blocks in
 * between. Resolving is most of what synth costs, so the preparing pass's
 * result is kept on the element here and returned by its `toTerraform()`
 * until the stack is written: the policy pack reads it, and the stack's write
 * (write-once.ts) merges it into the document without resolving it again.
 *
 * Kept blocks are the blocks as cdktn would resolve them: only a cross-stack
 * reference resolves differently in the preparing pass, and it is given the
 * same identifier there (the remote state's output) as in the write. An
 * element changed after the preparing pass (a suppression attached) is
 * forgotten with `forgetResolved` and resolved again when written. A
 * resource created during the preparing pass (cdktn's remote state for a
 * cross-stack reference) has nothing kept and is resolved as usual.
 */
import {
  DefaultTokenResolver,
  type IResolvable,
  type IResolveContext,
  StringConcat,
  TerraformResource,
  type TerraformStack,
  Token,
  Tokenization,
} from "cdktn";

const RESOLVER = new DefaultTokenResolver(new StringConcat());

/** Resolves a value (tokens included) as cdktn resolves it when it writes `stack`. */
export function resolveIn(stack: TerraformStack, value: unknown): any {
  return Tokenization.resolve(value, { scope: stack, resolver: RESOLVER, preparing: false });
}

/** Elements whose `toTerraform()` is wrapped, and the kept block of each. */
const kept = new WeakMap<TerraformResource, unknown>();
const wrapped = new WeakSet<TerraformResource>();
/** Stacks in their preparing pass. */
const preparing = new WeakSet<TerraformStack>();

/**
 * A number in the form cdktn's resolver splits a string on (an encoded number
 * token stringified into a text); a string holding none and no `{` (which
 * every string, list and map token and every `${…}`/`%{…}` sequence holds)
 * resolves to itself.
 */
const NUMBER_IN_TEXT = /[-|\d|.+]+(e[-|\d|.|e|E|+]+)/;

function isPlainString(value: string): boolean {
  return !value.includes("{") && !NUMBER_IN_TEXT.test(value);
}

/**
 * `value` resolved as `context.resolve(value)` would, but with the plain
 * data walked here: strings and numbers that are no token, and arrays and
 * objects of them, are copied as cdktn's resolver copies them (arrays and
 * objects without their undefined entries); every other value (a token, a
 * string or number that may hold one, an array that may hold a list token,
 * an object with a key that may be one, anything not plain data) is handed
 * to cdktn's resolver as it is. cdktn's resolver makes two contexts per
 * object key and tests every string against four patterns; the blocks of a
 * resource are mostly literal data. __tests__/stacks/write-once.unit.ts
 * compares the result with cdktn's own, resolved from scratch.
 */
export function resolvePlainFirst(value: unknown, context: IResolveContext): unknown {
  if (value === null || typeof value === "boolean") return value;
  if (typeof value === "string") return isPlainString(value) ? value : context.resolve(value);
  if (typeof value === "number") return Token.isUnresolved(value) ? context.resolve(value) : value;
  if (typeof value !== "object" || Token.isUnresolved(value)) return context.resolve(value);
  if (Array.isArray(value)) {
    const plainElements = value.every(
      (x) => (typeof x !== "string" || isPlainString(x)) && (typeof x !== "number" || !Token.isUnresolved(x)),
    );
    if (!plainElements) return context.resolve(value);
    const out: unknown[] = [];
    for (const x of value) {
      const resolved = resolvePlainFirst(x, context);
      if (resolved !== undefined) out.push(resolved);
    }
    return out;
  }
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return context.resolve(value);
  const keys = Object.keys(value);
  if (!keys.every(isPlainString)) return context.resolve(value);
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const resolved = resolvePlainFirst((value as Record<string, unknown>)[key], context);
    if (resolved !== undefined) out[key] = resolved;
  }
  return out;
}

function wrap(stack: TerraformStack, resource: TerraformResource): void {
  if (wrapped.has(resource)) return;
  wrapped.add(resource);
  const own = resource.toTerraform.bind(resource);
  resource.toTerraform = () => {
    if (preparing.has(stack)) {
      // cdktn resolves what this returns and drops the result: resolve the block here, keep it, return nothing.
      const keep: IResolvable = {
        creationStack: [],
        resolve: (context: IResolveContext) => {
          kept.set(resource, resolvePlainFirst(own(), context));
          return undefined;
        },
        toString: () => `resolve-once ${resource.node.path}`,
      };
      return keep;
    }
    return kept.has(resource) ? kept.get(resource) : own();
  };
}

/**
 * Runs cdktn's preparing pass of `stack` (`run`), keeping each resource's
 * resolved block for the stack's write.
 */
export function prepareKeepingResolved(stack: TerraformStack, run: () => void): void {
  for (const node of stack.node.findAll()) {
    if (TerraformResource.isTerraformResource(node)) {
      kept.delete(node);
      wrap(stack, node);
    }
  }
  preparing.add(stack);
  try {
    run();
  } finally {
    preparing.delete(stack);
  }
}

/** The resource's block kept from the preparing pass, already resolved, or undefined. */
export function keptResolved(resource: TerraformResource): unknown {
  return kept.get(resource);
}

/** Drops the block kept for a resource (it changed): its next `toTerraform()` is resolved again. */
export function forgetResolved(resource: TerraformResource): void {
  kept.delete(resource);
}

/** After the stack is written: its resources' next `toTerraform()` resolves them anew. */
export function forgetStack(stack: TerraformStack): void {
  for (const node of stack.node.findAll()) if (TerraformResource.isTerraformResource(node)) kept.delete(node);
}
