/**
 * The tree of one YAML document built from js-yaml's event stream, with the
 * YAML 1.2 core schema's scalar rules and the origin of every key and value;
 * what makes a file unreadable (a duplicate key, an alias to no anchor or to
 * a node that contains it, a custom tag, an alias bomb) is thrown.
 */
import {
  EVENT_ID,
  NOT_RESOLVED,
  SCALAR_STYLE,
  boolCoreTag,
  floatCoreTag,
  getScalarValue,
  intCoreTag,
  nullCoreTag,
  type Event,
  type ScalarEvent,
} from "js-yaml";
import type { ConfigProblem } from "./problems";
import type { MapEntry, Node, Origin, Scalar } from "./yaml";

/**
 * A guard against alias bombs ("billion laughs"): nodes produced by expanding
 * aliases, per file. A large file without aliases is not limited.
 */
export const MAX_ALIAS_NODES = 100_000;

const CORE = "tag:yaml.org,2002:";
/** Plain scalars without a tag: the core schema's resolvers, in its order; anything else is text. */
const IMPLICIT = [nullCoreTag, boolCoreTag, intCoreTag, floatCoreTag] as const;
const EXPLICIT_SCALAR = new Map<string, (typeof IMPLICIT)[number] | "str">([
  [`${CORE}str`, "str"],
  [`${CORE}null`, nullCoreTag],
  [`${CORE}bool`, boolCoreTag],
  [`${CORE}int`, intCoreTag],
  [`${CORE}float`, floatCoreTag],
]);

/** Offsets to 1-based line and column. */
export class Lines {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) this.starts.push(i + 1);
  }

  at(file: string, offset: number): Origin {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset)
        lo = mid; // lo <= mid <= hi, all within starts
      else hi = mid - 1;
    }
    return { file, line: lo + 1, col: offset - this.starts[lo]! + 1 };
  }
}

/** Thrown when aliases expand to more than MAX_ALIAS_NODES nodes. */
export class TooLarge extends Error {}
/** A problem that makes the file unreadable (reported, and no tree returned). */
export class Unreadable extends Error {
  constructor(readonly problem: ConfigProblem) {
    super(problem.message);
  }
}

/**
 * Builds the tree from js-yaml's event stream, one node at a time; throws
 * {@link Unreadable} or {@link TooLarge} for what makes the file unreadable.
 */
export class TreeBuilder {
  /** Problems that leave the file readable (a key that is not text). */
  readonly problems: ConfigProblem[] = [];
  /** The next event to read. */
  private i = 0;
  private readonly anchors = new Map<string, Node>();
  /** Anchors of the collections being read (an alias to one of them is a cycle). */
  private readonly open = new Set<string>();
  /** Nodes each node stands for once aliases are expanded (alias-bomb guard; kept only with aliases). */
  private readonly sizes: Map<Node, number> | undefined;
  private aliasNodes = 0;

  constructor(
    private readonly file: string,
    private readonly text: string,
    private readonly lines: Lines,
    private readonly events: Event[],
  ) {
    this.sizes = events.some((e) => e.type === EVENT_ID.ALIAS) ? new Map<Node, number>() : undefined;
  }

  /** The event to read next; js-yaml's streams are complete, so a missing one is a bug, said so. */
  private peek(): Event {
    const ev = this.events[this.i];
    if (ev === undefined) throw new Error(`description/yaml: the YAML event stream ends early, at event ${this.i}`);
    return ev;
  }

  /** The event to read next, consumed. */
  private next(): Event {
    const ev = this.peek();
    this.i++;
    return ev;
  }

  /** The stream's one document; an empty one is an empty mapping. */
  readStream(): Node {
    const events = this.events;
    const start: Origin = { file: this.file, line: 1, col: 1 };
    let root: Node | undefined;
    let documents = 0;
    while (this.i < events.length) {
      const ev = this.next();
      if (ev.type !== EVENT_ID.DOCUMENT) {
        throw new Error(`description/yaml: unexpected YAML event ${ev.type} between documents`);
      }
      if (++documents > 1) throw this.secondDocument();
      const content = this.peek();
      // A document with nothing in it (an empty file, comments, a lone `---`) is an empty mapping.
      const empty =
        content.type === EVENT_ID.POP ||
        (content.type === EVENT_ID.SCALAR && content.valueStart < 0 && content.tagStart < 0 && content.anchorStart < 0);
      if (empty) this.i += content.type === EVENT_ID.POP ? 0 : 1;
      root = empty ? undefined : this.readNode(start);
      this.i++; // the document's POP
    }
    return root ?? { kind: "map", origin: start, entries: new Map() };
  }

  /** The problem of a second document, at the `---` that starts it. */
  private secondDocument(): Unreadable {
    const content = this.events[this.i];
    const offset =
      content !== undefined && "start" in content
        ? content.start
        : content !== undefined && content.type === EVENT_ID.SCALAR
          ? content.valueStart
          : -1;
    const marker = /^---/gm;
    let line: number | undefined;
    for (let m = marker.exec(this.text); m !== null; m = marker.exec(this.text)) {
      if (offset < 0 || m.index <= offset) line = this.at(m.index).line;
    }
    return new Unreadable({
      file: this.file,
      ...(line !== undefined ? { line, col: 1 } : {}),
      path: "",
      message: "YAML: the file holds more than one document",
      hint: "one YAML document per file: remove the `---` separator",
    });
  }

  private at(offset: number): Origin {
    return this.lines.at(this.file, offset);
  }

  private problemAt(offset: number, message: string, hint?: string): ConfigProblem {
    const origin = this.at(offset);
    const withHint = hint !== undefined ? { hint } : {};
    return { file: this.file, line: origin.line, col: origin.col, path: "", message, ...withHint };
  }

  private tagOf(tagStart: number, tagEnd: number): string | undefined {
    if (tagStart < 0) return undefined;
    const raw = this.text.slice(tagStart, tagEnd);
    if (raw.startsWith("!!")) return `${CORE}${raw.slice(2)}`;
    if (raw.startsWith("!<") && raw.endsWith(">")) return raw.slice(2, -1);
    return raw; // "!" (non-specific) or a local tag such as "!secret"
  }

  private customTag(offset: number, tag: string): never {
    const shown = tag.startsWith(CORE) ? `!!${tag.slice(CORE.length)}` : tag;
    const message = `YAML: the tag ${shown} is not supported here`;
    throw new Unreadable(this.problemAt(offset, message, "config is plain data: no custom tags"));
  }

  private scalarValue(ev: ScalarEvent, offset: number): Scalar {
    const source = ev.valueStart < 0 ? "" : getScalarValue(this.text, ev);
    const tag = this.tagOf(ev.tagStart, ev.tagEnd);
    if (tag === undefined) {
      if (ev.style !== SCALAR_STYLE.PLAIN) return source; // quoted and block scalars are text
      for (const resolver of IMPLICIT) {
        const value = resolver.resolve(source, false, resolver.tagName);
        if (value !== NOT_RESOLVED) return typeof value === "bigint" ? Number(value) : (value as Scalar);
      }
      return source;
    }
    if (tag === "!") return source;
    const resolver = EXPLICIT_SCALAR.get(tag);
    if (resolver === undefined) return this.customTag(ev.tagStart, tag);
    if (resolver === "str") return source;
    const value = resolver.resolve(source, true, tag);
    if (value === NOT_RESOLVED) {
      const message = `YAML: ${JSON.stringify(source)} cannot be read as !!${tag.slice(CORE.length)}`;
      throw new Unreadable(this.problemAt(offset, message));
    }
    return typeof value === "bigint" ? Number(value) : (value as Scalar);
  }

  /** Reads the node starting at events[i]; `fallback` is where an empty value points (its key). */
  private readNode(fallback: Origin): Node {
    const ev = this.next();
    switch (ev.type) {
      case EVENT_ID.ALIAS:
        return this.readAlias(ev.anchorStart, ev.anchorEnd);
      case EVENT_ID.SCALAR: {
        const offset =
          ev.valueStart >= 0 ? scalarStart(this.text, ev) : ev.tagStart >= 0 ? ev.tagStart : ev.anchorStart;
        const origin = offset >= 0 ? this.at(offset) : fallback;
        const node: Node = { kind: "scalar", origin, value: this.scalarValue(ev, offset) };
        this.sizes?.set(node, 1);
        if (ev.anchorStart >= 0) this.anchors.set(this.text.slice(ev.anchorStart, ev.anchorEnd), node);
        return node;
      }
      case EVENT_ID.SEQUENCE:
      case EVENT_ID.MAPPING:
        return this.readCollection(ev);
      default:
        throw new Error(`description/yaml: unexpected YAML event ${ev.type} at event ${this.i - 1}`);
    }
  }

  /** The anchored node an alias stands for; errors point at the anchor. */
  private readAlias(anchorStart: number, anchorEnd: number): Node {
    const name = this.text.slice(anchorStart, anchorEnd);
    const target = this.anchors.get(name);
    if (target === undefined) {
      const message = this.open.has(name)
        ? `YAML alias *${name} refers to a node that contains it`
        : `YAML alias *${name} refers to no anchor`;
      throw new Unreadable(this.problemAt(anchorStart - 1, message));
    }
    // The alias takes the place of the anchored node; errors point at the anchor.
    this.aliasNodes += this.sizes?.get(target) ?? 1;
    if (this.aliasNodes > MAX_ALIAS_NODES) throw new TooLarge();
    return target;
  }

  /** A sequence or mapping, up to its POP event; its anchor is set once it is complete. */
  private readCollection(ev: Event & { type: typeof EVENT_ID.SEQUENCE | typeof EVENT_ID.MAPPING }): Node {
    const origin = this.at(ev.start);
    const tag = this.tagOf(ev.tagStart, ev.tagEnd);
    const expected = ev.type === EVENT_ID.SEQUENCE ? `${CORE}seq` : `${CORE}map`;
    if (tag !== undefined && tag !== "!" && tag !== expected) this.customTag(ev.tagStart, tag);
    const anchor = ev.anchorStart >= 0 ? this.text.slice(ev.anchorStart, ev.anchorEnd) : undefined;
    if (anchor !== undefined) {
      this.anchors.delete(anchor); // a redefined anchor: aliases inside refer to the new, unfinished node
      this.open.add(anchor);
    }
    const { node, size } = ev.type === EVENT_ID.SEQUENCE ? this.readItems(origin) : this.readEntries(origin);
    this.i++; // the POP
    this.sizes?.set(node, size);
    if (anchor !== undefined) {
      this.open.delete(anchor);
      this.anchors.set(anchor, node);
    }
    return node;
  }

  /** A sequence's items, and how many nodes it stands for. */
  private readItems(origin: Origin): { node: Node; size: number } {
    const items: Node[] = [];
    let size = 1;
    while (this.peek().type !== EVENT_ID.POP) {
      const item = this.readNode(origin);
      if (this.sizes) size += this.sizes.get(item) ?? 1;
      items.push(item);
    }
    return { node: { kind: "seq", origin, items }, size };
  }

  /** A mapping's entries (text keys, each once), and how many nodes it stands for. */
  private readEntries(origin: Origin): { node: Node; size: number } {
    const entries = new Map<string, MapEntry>();
    let size = 1;
    while (this.peek().type !== EVENT_ID.POP) {
      const keyEvent = this.peek();
      const keyNode = this.readNode(origin);
      const value = this.readNode(keyNode.origin);
      if (this.sizes) size += (this.sizes.get(keyNode) ?? 1) + (this.sizes.get(value) ?? 1);
      if (keyNode.kind !== "scalar" || keyEvent.type === EVENT_ID.ALIAS) {
        const message = "a mapping key must be plain text";
        this.problems.push({ ...located(this.file, keyNode.origin), path: "", message });
        continue;
      }
      const key = keyNode.value === null ? "" : String(keyNode.value);
      const first = entries.get(key);
      if (first !== undefined) {
        throw new Unreadable({
          ...located(this.file, keyNode.origin),
          path: "",
          message: `YAML: duplicate key ${JSON.stringify(key)} in one mapping (first at line ${first.key.line})`,
          hint: "each key may appear once in a mapping",
        });
      }
      entries.set(key, { key: keyNode.origin, value });
    }
    return { node: { kind: "map", origin, entries }, size };
  }
}

/**
 * Where a scalar is written: its opening quote, the `|` or `>` of a block
 * scalar (on the line of its key), else its first character.
 */
function scalarStart(text: string, ev: ScalarEvent): number {
  const quoted = ev.style === SCALAR_STYLE.SINGLE_QUOTED || ev.style === SCALAR_STYLE.DOUBLE_QUOTED;
  if (quoted) return Math.max(0, ev.valueStart - 1);
  if (ev.style !== SCALAR_STYLE.LITERAL_BLOCK && ev.style !== SCALAR_STYLE.FOLDED_BLOCK) return ev.valueStart;
  // The header is the last line before the content that holds more than blanks.
  let end = ev.valueStart;
  for (;;) {
    const lineStart = text.lastIndexOf("\n", end - 1) + 1;
    const line = text.slice(lineStart, end);
    const header = /[|>][-+0-9]*(?:[ \t]+#.*)?[ \t]*\r?$/.exec(line);
    if (header) return lineStart + header.index;
    if (line.trim() !== "" || lineStart === 0) return ev.valueStart;
    end = lineStart - 1;
  }
}

function located(file: string, origin: Origin): { file: string; line: number; col: number } {
  return { file, line: origin.line, col: origin.col };
}
