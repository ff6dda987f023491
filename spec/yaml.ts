/**
 * YAML to a tree that remembers where every key and value came from (file,
 * line, column), so that errors found after merging environments still point
 * at the right line of the right file.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node as YamlNode } from "yaml";
import type { ConfigProblem, PathSegment } from "./problems";

export interface Origin {
  readonly file: string;
  readonly line: number;
  readonly col: number;
}

export type Scalar = string | number | boolean | null;

export interface MapEntry {
  /** Where the key is written. */
  readonly key: Origin;
  readonly value: Node;
}

export type Node =
  | { readonly kind: "map"; readonly origin: Origin; readonly entries: ReadonlyMap<string, MapEntry> }
  | { readonly kind: "seq"; readonly origin: Origin; readonly items: readonly Node[] }
  | { readonly kind: "scalar"; readonly origin: Origin; readonly value: Scalar };

export interface ParsedFile {
  readonly file: string;
  /** Undefined when the file could not be parsed at all. */
  readonly root?: Node;
  readonly problems: ConfigProblem[];
}

/**
 * A guard against alias bombs ("billion laughs"): nodes produced by expanding
 * aliases, per file. A large file without aliases is not limited.
 */
const MAX_ALIAS_NODES = 100_000;

/** Parses one YAML document; every YAML error and warning becomes a problem. */
export function parseYaml(file: string, text: string): ParsedFile {
  const lineCounter = new LineCounter();
  const problems: ConfigProblem[] = [];
  let doc: Document.Parsed;
  try {
    doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, version: "1.2" });
  } catch (error) {
    return { file, problems: [{ file, path: "", message: `cannot parse YAML: ${(error as Error).message}` }] };
  }
  const at = (offset: number): Origin => {
    const pos = lineCounter.linePos(offset);
    return { file, line: pos.line, col: pos.col };
  };
  for (const error of doc.errors) {
    const origin = at(error.pos[0]);
    problems.push({
      file,
      line: origin.line,
      col: origin.col,
      path: "",
      message: `YAML syntax error: ${firstLine(error.message)}`,
      hint: yamlHint(error.code),
    });
  }
  for (const warning of doc.warnings) {
    const origin = at(warning.pos[0]);
    problems.push({ file, line: origin.line, col: origin.col, path: "", message: `YAML: ${firstLine(warning.message)}`, hint: "config is plain data: no custom tags" });
  }
  if (doc.errors.length > 0) return { file, problems };

  let aliasNodes = 0;
  let aliasDepth = 0;
  const stack = new Set<YamlNode>();
  const convert = (node: unknown, fallback: Origin, path: PathSegment[]): Node => {
    if (aliasDepth > 0 && ++aliasNodes > MAX_ALIAS_NODES) throw new TooLarge();
    if (node === null || node === undefined) return { kind: "scalar", origin: fallback, value: null };
    if (isAlias(node)) {
      const target = node.resolve(doc);
      if (!target) {
        problems.push({ ...located(file, at(node.range?.[0] ?? 0)), path: "", message: `YAML alias *${node.source} refers to no anchor` });
        return { kind: "scalar", origin: at(node.range?.[0] ?? 0), value: null };
      }
      if (stack.has(target)) {
        problems.push({ ...located(file, at(node.range?.[0] ?? 0)), path: "", message: `YAML alias *${node.source} refers to a node that contains it` });
        return { kind: "scalar", origin: at(node.range?.[0] ?? 0), value: null };
      }
      // The alias takes the place of the anchored node; errors point at the anchor.
      aliasDepth++;
      try {
        return convert(target, fallback, path);
      } finally {
        aliasDepth--;
      }
    }
    const yamlNode = node as YamlNode;
    const origin = yamlNode.range ? at(yamlNode.range[0]) : fallback;
    stack.add(yamlNode);
    try {
      if (isMap(node)) {
        const entries = new Map<string, MapEntry>();
        for (const pair of node.items) {
          if (!isPair(pair)) continue;
          const keyNode = pair.key as YamlNode | null;
          const keyOrigin = keyNode?.range ? at(keyNode.range[0]) : origin;
          let key: string;
          if (isScalar(keyNode) && (typeof keyNode.value === "string" || typeof keyNode.value === "number" || typeof keyNode.value === "boolean")) {
            key = String(keyNode.value);
          } else if (isScalar(keyNode) && keyNode.value === null) {
            key = "";
          } else {
            problems.push({ ...located(file, keyOrigin), path: "", message: "a mapping key must be plain text" });
            continue;
          }
          const valueFallback = keyNode?.range ? at(keyNode.range[1]) : keyOrigin;
          entries.set(key, { key: keyOrigin, value: convert(pair.value, valueFallback, [...path, key]) });
        }
        return { kind: "map", origin, entries };
      }
      if (isSeq(node)) {
        return { kind: "seq", origin, items: node.items.map((item, i) => convert(item, origin, [...path, i])) };
      }
      if (isScalar(node)) {
        const value = node.value;
        if (value === null || typeof value === "string" || typeof value === "boolean") return { kind: "scalar", origin, value };
        if (typeof value === "number") return { kind: "scalar", origin, value };
        if (typeof value === "bigint") return { kind: "scalar", origin, value: Number(value) };
        return { kind: "scalar", origin, value: String(value) };
      }
      problems.push({ ...located(file, origin), path: "", message: "unsupported YAML node" });
      return { kind: "scalar", origin, value: null };
    } finally {
      stack.delete(yamlNode);
    }
  };
  try {
    const start: Origin = { file, line: 1, col: 1 };
    const root = doc.contents === null ? ({ kind: "map", origin: start, entries: new Map() } as Node) : convert(doc.contents, start, []);
    return { file, root, problems };
  } catch (error) {
    if (error instanceof TooLarge) {
      return { file, problems: [...problems, { file, path: "", message: `YAML aliases in this file expand to more than ${MAX_ALIAS_NODES} nodes (alias bomb?)` }] };
    }
    throw error;
  }
}

class TooLarge extends Error {}

function located(file: string, origin: Origin): { file: string; line: number; col: number } {
  return { file, line: origin.line, col: origin.col };
}

function firstLine(message: string): string {
  return message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
}

function yamlHint(code: string): string | undefined {
  switch (code) {
    case "DUPLICATE_KEY":
      return "each key may appear once in a mapping";
    case "MULTIPLE_DOCS":
      return "one YAML document per file: remove the `---` separator";
    case "TAB_AS_INDENT":
      return "indent with spaces, not tabs";
    case "BAD_INDENT":
    case "MISSING_CHAR":
    case "UNEXPECTED_TOKEN":
      return "check the indentation and brackets on this line and the one before";
    default:
      return undefined;
  }
}

/** The plain value (for zod) of a tree. */
export function toPlain(node: Node): unknown {
  switch (node.kind) {
    case "scalar":
      return node.value;
    case "seq":
      return node.items.map(toPlain);
    case "map": {
      const out: Record<string, unknown> = {};
      for (const [key, entry] of node.entries) {
        // defineProperty keeps a "__proto__" key a plain key (no prototype change).
        if (key === "__proto__") Object.defineProperty(out, key, { value: toPlain(entry.value), enumerable: true, writable: true, configurable: true });
        else out[key] = toPlain(entry.value);
      }
      return out;
    }
  }
}

/**
 * Where a path points: the value's origin (or the key's, with `at: "key"`);
 * for a path that does not exist (a missing key), the nearest existing parent.
 */
export function originAt(root: Node, path: readonly PathSegment[], at: "value" | "key" = "value"): Origin {
  let node: Node = root;
  let origin = root.origin;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i];
    if (node.kind === "map") {
      const entry = node.entries.get(String(segment));
      if (!entry) return origin;
      if (at === "key" && i === path.length - 1) return entry.key;
      node = entry.value;
    } else if (node.kind === "seq" && typeof segment === "number" && segment >= 0 && segment < node.items.length) {
      node = node.items[segment];
    } else {
      return origin;
    }
    origin = node.origin;
  }
  return origin;
}

/** The node at a path, if there is one. */
export function nodeAt(root: Node, path: readonly PathSegment[]): Node | undefined {
  let node: Node | undefined = root;
  for (const segment of path) {
    if (!node) return undefined;
    if (node.kind === "map") node = node.entries.get(String(segment))?.value;
    else if (node.kind === "seq" && typeof segment === "number") node = node.items[segment];
    else return undefined;
  }
  return node;
}
