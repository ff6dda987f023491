/**
 * YAML to a tree that remembers where every key and value came from (file,
 * line, column), so that errors found after merging environments still point
 * at the right line of the right file.
 *
 * The text is read with js-yaml's event parser (YAML 1.2, offsets into the
 * source for every node) and the tree built here, with the YAML 1.2 core
 * schema's scalar rules (js-yaml's own resolvers): `yes`, `on` and `1_000`
 * stay text, `0x1F` and `0o17` are numbers. Duplicate keys, aliases to no
 * anchor or to a node that contains them, custom tags and alias bombs are
 * problems, never crashes. (It replaced the `yaml` package's document API,
 * which took about 0.7 s on a 1,000-server description against 0.15 s; a
 * property test keeps both readings equal.)
 */
import { YAMLException, parseEvents, type Event } from "js-yaml";
import { type ConfigProblem, formatPath, type PathSegment } from "./problems";
import { Lines, MAX_ALIAS_NODES, TooLarge, TreeBuilder, Unreadable } from "./yaml-events";

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

/** Parses one YAML document; every YAML error becomes a problem. */
export function parseYaml(file: string, text: string): ParsedFile {
  const lines = new Lines(text);
  let events: Event[];
  try {
    events = parseEvents(text, { filename: file });
  } catch (error) {
    if (!(error instanceof YAMLException)) throw error;
    const reason = error.reason || firstLine(error.message);
    const origin = error.mark !== undefined ? lines.at(file, error.mark.position) : undefined;
    const where = origin ? { line: origin.line, col: origin.col } : {};
    const problem = { file, ...where, path: "", message: `YAML syntax error: ${reason}`, hint: yamlHint(reason) };
    return { file, problems: [problem] };
  }
  const builder = new TreeBuilder(file, text, lines, events);
  try {
    const root = builder.readStream();
    return { file, root, problems: builder.problems };
  } catch (error) {
    if (error instanceof TooLarge) {
      const message = `YAML aliases in this file expand to more than ${MAX_ALIAS_NODES} nodes (alias bomb?)`;
      return { file, problems: [...builder.problems, { file, path: "", message }] };
    }
    if (error instanceof Unreadable) return { file, problems: [...builder.problems, error.problem] };
    throw error;
  }
}

function firstLine(message: string): string {
  return message.split("\n")[0]!; // split gives at least one part
}

/** A hint for js-yaml's syntax errors, by their reason. */
function yamlHint(reason: string): string | undefined {
  if (/\btab/i.test(reason)) return "indent with spaces, not tabs";
  if (
    /indentation|flow (?:collection|mapping|sequence)|end of the stream|expected|unexpected|missed comma|colon/i.test(
      reason,
    )
  ) {
    return "check the indentation and brackets on this line and the one before";
  }
  return undefined;
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
        if (key === "__proto__")
          Object.defineProperty(out, key, {
            value: toPlain(entry.value),
            enumerable: true,
            writable: true,
            configurable: true,
          });
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
      node = node.items[segment]!; // segment is within the bounds just checked
    } else {
      return origin;
    }
    origin = node.origin;
  }
  return origin;
}

/** A problem located where a path points in the tree (see originAt), with its hint when there is one. */
export function problemAt(
  root: Node,
  path: readonly PathSegment[],
  message: string,
  hint?: string,
  at: "value" | "key" = "value",
): ConfigProblem {
  const origin = originAt(root, path, at);
  return {
    file: origin.file,
    line: origin.line,
    col: origin.col,
    path: formatPath(path),
    message,
    ...(hint ? { hint } : {}),
  };
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
