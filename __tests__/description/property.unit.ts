/**
 * Property: whatever is done to a valid config (keys deleted, renamed or
 * added, values of the wrong type, junk, broken YAML), the loader either
 * accepts it or returns well-formed problems; it never throws.
 */
import fc from "fast-check";
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import { formatConfigProblems, loadNetwork, type ConfigProblem } from "../../description";
import { parseYaml, toPlain } from "../../description/yaml";
import { workspace } from "../../testing/description";

const FILES = [
  { file: "network.yaml", header: "# yaml-language-server: $schema=./schema.json" },
  { file: "dns.yaml", header: "# yaml-language-server: $schema=./schema.json" },
  { file: "backup.yaml", header: "# yaml-language-server: $schema=./schema.json" },
  { file: "environments/production.yaml", header: "# yaml-language-server: $schema=../overlay.schema.json" },
  { file: "environments/staging.yaml", header: "# yaml-language-server: $schema=../overlay.schema.json" },
  { file: "environments/dr.yaml", header: "# yaml-language-server: $schema=../overlay.schema.json" },
] as const;

/** Runs per property: a few seconds by default; ALL2ALL_FUZZ_RUNS=2000 for a longer search. */
const RUNS = Number(process.env.ALL2ALL_FUZZ_RUNS ?? 40);

type Segment = string | number;
type Plain = unknown;

/** Every path of a plain tree (the root included). */
function paths(value: Plain, prefix: Segment[] = []): Segment[][] {
  const out: Segment[][] = [prefix];
  if (Array.isArray(value))
    value.forEach((item, i) => {
      out.push(...paths(item, [...prefix, i]));
    });
  else if (value && typeof value === "object")
    for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...prefix, k]));
  return out;
}

function parentOf(root: Plain, path: Segment[]): Record<string | number, Plain> | undefined {
  let node = root;
  for (const segment of path.slice(0, -1)) {
    if (!node || typeof node !== "object") return undefined;
    node = (node as Record<string | number, Plain>)[segment];
  }
  return node && typeof node === "object" ? (node as Record<string | number, Plain>) : undefined;
}

type Mutation =
  | { kind: "delete" }
  | { kind: "replace"; value: Plain }
  | { kind: "rename"; key: string }
  | { kind: "insert"; key: string; value: Plain }
  | { kind: "duplicate" };

function mutate(root: Plain, path: Segment[], mutation: Mutation): Plain {
  if (path.length === 0) return mutation.kind === "replace" ? mutation.value : root;
  const parent = parentOf(root, path);
  if (!parent) return root;
  const last = path[path.length - 1]!;
  switch (mutation.kind) {
    case "delete":
      if (Array.isArray(parent)) parent.splice(Number(last), 1);
      else delete parent[last];
      break;
    case "replace":
      parent[last] = mutation.value;
      break;
    case "rename":
      if (!Array.isArray(parent)) {
        const value = parent[last];
        delete parent[last];
        parent[mutation.key] = value;
      }
      break;
    case "insert": {
      const target = parent[last];
      if (Array.isArray(target)) target.push(mutation.value);
      else if (target && typeof target === "object") (target as Record<string, Plain>)[mutation.key] = mutation.value;
      else parent[last] = { [mutation.key]: mutation.value };
      break;
    }
    case "duplicate":
      if (Array.isArray(parent)) parent.splice(Number(last), 0, structuredClone(parent[Number(last)]));
      break;
  }
  return root;
}

/** Values that the config might plausibly (or implausibly) receive. */
const junk: fc.Arbitrary<Plain> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constantFrom<Plain>(
      null,
      true,
      false,
      0,
      -1,
      65536,
      1.5,
      "",
      "@",
      "web-1.ipv4",
      "web-9.ipv6",
      "10.20.1.10",
      "10.20.0.0/16",
      "::/0",
      "cx22",
      "fsn1",
      "ash",
      "$remove",
      "any",
      "admin",
      '0 issue "x"',
      "-----",
    ),
    fc.string({ maxLength: 12 }),
    fc.integer(),
    fc.double(),
    fc.array(tie("value"), { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 8 }), tie("value"), { maxKeys: 3 }),
  ),
})).value;

const KEYS = [
  "name",
  "type",
  "values",
  "ip",
  "servers",
  "$remove",
  "password",
  "labels",
  "x",
  "__proto__",
  "constructor",
  "role",
  "ttl",
];

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.constant<Mutation>({ kind: "delete" }),
  junk.map<Mutation>((value) => ({ kind: "replace", value })),
  fc.oneof(fc.constantFrom(...KEYS), fc.string({ maxLength: 10 })).map<Mutation>((key) => ({ kind: "rename", key })),
  fc
    .tuple(fc.oneof(fc.constantFrom(...KEYS), fc.string({ maxLength: 10 })), junk)
    .map<Mutation>(([key, value]) => ({ kind: "insert", key, value })),
  fc.constant<Mutation>({ kind: "duplicate" }),
);

function expectWellFormed(problems: readonly ConfigProblem[]): void {
  expect(problems.length).toBeGreaterThan(0);
  for (const problem of problems) {
    expect(typeof problem.file).toBe("string");
    expect(problem.file.length).toBeGreaterThan(0);
    expect(typeof problem.path).toBe("string");
    expect(typeof problem.message).toBe("string");
    expect(problem.message.length).toBeGreaterThan(0);
    if (problem.line !== undefined) expect(Number.isInteger(problem.line) && problem.line >= 1).toBe(true);
    if (problem.col !== undefined) expect(Number.isInteger(problem.col) && problem.col >= 1).toBe(true);
  }
  expect(formatConfigProblems(problems).length).toBeGreaterThan(problems.length);
}

describe("the loader on randomly mutated configs", () => {
  const ws = workspace();
  const dir = path.join(ws.root, "config");
  const originals = new Map<string, string>(FILES.map(({ file }) => [file, ws.read(`config/${file}`)]));
  afterAll(() => ws.remove());

  const load = (env?: string) => loadNetwork(dir, { env });
  const envs = fc.constantFrom<string | undefined>("production", "staging", "dr", undefined);
  const restore = (file: string) => writeFileSync(path.join(dir, file), originals.get(file)!);
  /**
   * With `text` in place of `file`: the description loads, or its problems are well formed; then the file is restored.
   */
  const loadsOrExplains = (file: string, text: string, env: string | undefined) => {
    writeFileSync(path.join(dir, file), text);
    try {
      const result = load(env);
      if (!result.ok) expectWellFormed(result.problems);
    } finally {
      restore(file);
    }
  };

  test("the unmutated copy loads", () => {
    expect(load().ok).toBe(true);
  });

  test("structural mutations: accepted or structured problems, never a throw", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...FILES),
        fc.nat(),
        fc.array(mutation, { minLength: 1, maxLength: 3 }),
        envs,
        (target, pick, mutations, env) => {
          let tree: Plain = parse(originals.get(target.file)!);
          for (const m of mutations) {
            const all = paths(tree);
            tree = mutate(tree, all[pick % all.length]!, m);
          }
          loadsOrExplains(target.file, `${target.header}\n${stringify(tree ?? {})}`, env);
        },
      ),
      { numRuns: RUNS },
    );
  });

  test("text mutations (broken YAML): accepted or structured problems, never a throw", () => {
    const fragments = fc.oneof(
      fc.constantFrom(
        ":",
        "- ",
        "\t",
        "[",
        "{",
        "}",
        "]",
        '"',
        "'",
        "&a ",
        "*a",
        "!tag ",
        "\n  ",
        "? ",
        "|",
        ">",
        "#",
        "---\n",
        "\u0000",
        "é",
      ),
      fc.string({ maxLength: 6 }),
    );
    fc.assert(
      fc.property(
        fc.constantFrom(...FILES),
        fc.array(fc.tuple(fc.nat(), fragments), { minLength: 1, maxLength: 4 }),
        envs,
        (target, edits, env) => {
          let text = originals.get(target.file)!;
          for (const [at, fragment] of edits) {
            const offset = at % (text.length + 1);
            text = text.slice(0, offset) + fragment + text.slice(offset);
          }
          loadsOrExplains(target.file, text, env);
        },
      ),
      { numRuns: RUNS },
    );
  });
});

describe("the YAML reader against the yaml package (a second, independent YAML 1.2 implementation)", () => {
  const leaf = fc.oneof(
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.string(),
    // Scalars whose type differs between YAML 1.1 and 1.2, or that look like syntax.
    fc.constantFrom(
      "yes",
      "no",
      "on",
      "off",
      "0x1F",
      "0o17",
      "1_000",
      "0b101",
      "012",
      "~",
      "Null",
      "TRUE",
      ".inf",
      "-.INF",
      ".nan",
      "1e3",
      "+12",
      "1:20",
      "2001-01-01",
      "<<",
      "!",
      "&a",
      "*b",
      "#x",
      "- x",
      "a: b",
      " lead",
      "trail ",
      "multi\nline\n",
      "tab\there",
      "é😀",
    ),
  );
  const tree = fc.letrec<{ node: unknown; obj: Record<string, unknown> }>((tie) => ({
    node: fc.oneof({ depthSize: "small" }, leaf, fc.array(tie("node"), { maxLength: 4 }), tie("obj")),
    obj: fc.dictionary(fc.oneof(fc.string(), fc.constantFrom("80", "true", "null", "a b", "|#", "é")), tie("node"), {
      maxKeys: 4,
    }),
  })).obj;
  const styles: Record<string, unknown>[] = [
    {},
    { flowLevel: 1 },
    { defaultStringType: "QUOTE_DOUBLE" },
    { defaultStringType: "QUOTE_SINGLE" },
    { defaultStringType: "BLOCK_LITERAL" },
    { defaultStringType: "BLOCK_FOLDED" },
    { indentSeq: false },
  ];

  test("any document written by the yaml package reads as the same data", () => {
    fc.assert(
      fc.property(tree, fc.constantFrom(...styles), (value, style) => {
        const text = stringify(value, style);
        const parsed = parseYaml("x.yaml", text);
        expect(parsed.problems).toEqual([]);
        expect(toPlain(parsed.root!)).toEqual(parse(text, { version: "1.2" }));
      }),
      { numRuns: Math.max(RUNS * 10, 400) },
    );
  });
});
