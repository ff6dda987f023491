// resolvePlainFirst (stacks/resolve-once.ts) walks plain data itself and hands everything else to cdktn's
// resolver: what it gives must be what cdktn's resolver gives, for literal data and tokens mixed.
import { App, Fn, type IResolveContext, Lazy, TerraformStack, TerraformVariable, Token } from "cdktn";
import fc from "fast-check";
import { resolveIn, resolvePlainFirst } from "../../stacks/resolve-once";

const stack = new TerraformStack(new App({ stackTraces: false }), "s");
const variable = new TerraformVariable(stack, "v", { type: "string" });
const list = new TerraformVariable(stack, "l", { type: "list(string)" });

/** What resolving gives: the value, or the message of what was thrown (cdktn refuses some mixes). */
function outcome(resolve: () => unknown): { value: unknown } | { threw: string } {
  try {
    return { value: resolve() };
  } catch (err) {
    return { threw: (err as Error).message };
  }
}

/**
 * Expects the value resolved through resolvePlainFirst (inside cdktn's resolution, as the preparing pass
 * runs it) to be what cdktn's resolver alone gives, or to be refused with cdktn's message (which the
 * outer resolution wraps).
 */
function expectResolvedAsCdktn(value: unknown): void {
  const cdktn = outcome(() => resolveIn(stack, value));
  // As resolve-once.ts keeps it: the value computed inside the resolution, not what cdktn makes of it after.
  const ours = outcome(() => {
    let kept: unknown;
    const keep = {
      creationStack: [],
      resolve: (context: IResolveContext) => {
        kept = resolvePlainFirst(value, context);
        return undefined;
      },
    };
    resolveIn(stack, keep);
    return kept;
  });
  if ("threw" in cdktn) expect((ours as { threw?: string }).threw).toContain(cdktn.threw);
  else expect(ours).toStrictEqual(cdktn);
}

const tricky: unknown[] = [
  "plain",
  "${literal} %{ if x }y%{ endif } {braces} }",
  "1e5 and 2.5e-3 and -1e+10",
  variable.stringValue,
  `prefix-${variable.stringValue}-suffix`,
  variable.numberValue,
  list.listValue,
  ["a", list.listValue[0], undefined, 3, true, null],
  Token.asNumber(5),
  Lazy.stringValue({ produce: () => "lazy" }),
  Fn.join(",", ["a", variable.stringValue]),
  { a: undefined, b: [undefined], c: { d: variable.stringValue, e: [{ f: "g" }] } },
  { [variable.stringValue]: "a token as a key" },
  Object.assign(Object.create({ inherited: 1 }), { own: "x" }),
];

test.each(tricky.map((value, i) => [i, value] as const))("value %i resolves as cdktn resolves it", (_i, value) => {
  expectResolvedAsCdktn(value);
});

test("random JSON with tokens mixed in resolves as cdktn resolves it", () => {
  const token = fc.constantFrom<unknown>(variable.stringValue, variable.numberValue, `x${variable.stringValue}`);
  const leaf = fc.oneof(fc.string(), fc.double(), fc.integer(), fc.boolean(), fc.constant(null), token);
  const data = fc.letrec((tie) => ({
    value: fc.oneof({ depthSize: "small" }, leaf, tie("array"), tie("object")),
    array: fc.array(fc.oneof(tie("value"), fc.constant(undefined)), { maxLength: 4 }),
    object: fc.dictionary(fc.string(), fc.oneof(tie("value"), fc.constant(undefined)), { maxKeys: 4 }),
  })).value;
  fc.assert(
    fc.property(data, (value) => {
      expectResolvedAsCdktn(value);
    }),
    { numRuns: 300 },
  );
});
