/**
 * Finds references in Terraform expressions, without evaluating anything.
 *
 * In Terraform's JSON syntax every string value is a template: literal text
 * with `${ expression }` interpolations and `%{ if/for/else/endif/endfor }`
 * directives; `$${` and `%%{` are escapes for a literal `${` and `%{`. Some
 * arguments (depends_on, replace_triggered_by, import/moved addresses) are
 * bare expressions instead, such as "hcloud_server.web".
 *
 * A reference is a traversal that starts at a root name: `var.token`,
 * `hcloud_server.web[0].ipv4_address`, `data.hcloud_image.debian.id`,
 * `hcloud_server.web.*.id`. The scanner skips everything else an expression
 * can contain: function calls (`element(...)`, `provider::ns::fn(...)`),
 * operators, numbers, keywords (true, false, null), string literals (whose
 * own interpolations are scanned), object keys (`{ env = "prod" }`), the
 * attributes of computed values (`tolist(x)[0].y`) and the symbols that
 * `for` expressions and `%{ for }` directives declare. Heredocs and comments
 * are understood too.
 *
 * The scanner is a single left-to-right pass: linear in the length of the text.
 */

export type Step =
  | { readonly kind: "attr"; readonly name: string }
  /** An index `[0]`, `["key"]` or legacy `.0`; key is undefined when computed, e.g. `[var.i]`. */
  | { readonly kind: "index"; readonly key: string | number | undefined }
  | { readonly kind: "splat" };

export interface Reference {
  /** The first name: "var", "data", "hcloud_server", ... */
  readonly root: string;
  readonly steps: readonly Step[];
  /** The traversal as written, e.g. "hcloud_server.web[0].id". */
  readonly text: string;
}

export interface ScanResult {
  readonly references: Reference[];
  /** Syntax problems found on the way, e.g. an unclosed "${". */
  readonly errors: string[];
}

/** True when the string contains an unescaped "${" or "%{", i.e. is not a plain literal. */
export function hasInterpolation(text: string): boolean {
  if (text.indexOf("{") < 0) return false;
  for (let i = 0; i < text.length - 1; i++) {
    const c = text[i];
    if (c !== "$" && c !== "%") continue;
    if (text[i + 1] === c && text[i + 2] === "{") {
      i += 2;
      continue;
    }
    if (text[i + 1] === "{") return true;
  }
  return false;
}

/** Scans a JSON string value as a template. */
export function scanTemplate(text: string): ScanResult {
  const scanner = new Scanner(text);
  if (hasInterpolation(text)) scanner.template(false);
  return { references: scanner.references, errors: scanner.errors };
}

/** Scans a string as a bare expression, e.g. "hcloud_server.web" in depends_on. */
export function scanExpression(text: string): ScanResult {
  const scanner = new Scanner(text);
  scanner.expression(undefined);
  return { references: scanner.references, errors: scanner.errors };
}

/**
 * Parses a string that must be a single traversal, such as an import `to`
 * address or a depends_on entry. A wrapping "${...}" is removed first, as
 * cdktn sometimes emits it. Returns undefined when the text is anything else.
 */
export function parseTraversal(text: string): Reference | undefined {
  const inner = unwrapInterpolation(text).trim();
  const scanner = new Scanner(inner);
  const reference = scanner.traversalAt(0);
  return reference !== undefined && scanner.pos === inner.length ? reference : undefined;
}

/** "${x}" → "x"; anything else unchanged. */
export function unwrapInterpolation(text: string): string {
  const trimmed = text.trim();
  if (!trimmed.startsWith("${") || !trimmed.endsWith("}")) return text;
  const inner = trimmed.slice(2, -1);
  return inner.includes("${") || inner.includes("}") ? text : inner;
}

const KEYWORDS: ReadonlySet<string> = new Set(["true", "false", "null", "for", "in", "if"]);
const LITERAL_INDEX = /\[\s*(?:(\*)|(\d+)|"((?:[^"\\$%]|\\.)*)")\s*\]/y;
const HEREDOC_START = /<<-?([A-Za-z_][A-Za-z0-9_-]*)\r?\n/y;
const IDENTIFIER = /[A-Za-z_][A-Za-z0-9_-]*/y;
const NUMBER = /\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

interface Bracket {
  readonly char: "(" | "[" | "{";
  readonly id: number;
}

/** Names declared by a `for` (expression or directive), visible until `owner` closes. */
interface ScopeEntry {
  readonly owner: number;
  readonly names: readonly string[];
}

const TEMPLATE_SCOPE = -1;

class Scanner {
  pos = 0;
  readonly references: Reference[] = [];
  readonly errors: string[] = [];
  private end: number;
  private nextBracketId = 0;
  private readonly scope: ScopeEntry[] = [];

  constructor(private readonly src: string) {
    this.end = src.length;
  }

  /** Literal text with interpolations; stops at the end or, when quoted, after the closing quote. */
  template(quoted: boolean): void {
    const s = this.src;
    while (this.pos < this.end) {
      const c = s[this.pos];
      if (quoted && c === '"') {
        this.pos++;
        return;
      }
      if (quoted && c === "\\") {
        this.pos += 2;
        continue;
      }
      if ((c === "$" || c === "%") && s[this.pos + 1] === c && s[this.pos + 2] === "{") {
        this.pos += 3;
        continue;
      }
      if (c === "$" && s[this.pos + 1] === "{") {
        this.pos += 2;
        this.expression("}");
        continue;
      }
      if (c === "%" && s[this.pos + 1] === "{") {
        this.pos += 2;
        this.directive();
        continue;
      }
      this.pos++;
    }
    if (quoted) this.errors.push('unterminated string literal (expected a closing ")');
  }

  /**
   * An expression, up to an unmatched `terminator` (consumed) or the end.
   * Brackets are tracked to tell object keys from values and to scope `for` symbols.
   */
  expression(terminator: "}" | "]" | undefined): void {
    const s = this.src;
    const brackets: Bracket[] = [];
    let expectKey = false;
    while (this.pos < this.end) {
      const c = s[this.pos]!; // pos < end, and end never passes the source's length
      const top = brackets[brackets.length - 1];
      if (c === "\n") {
        if (top?.char === "{") expectKey = true;
        this.pos++;
      } else if (c === " " || c === "\t" || c === "\r") {
        this.pos++;
      } else if (c === "#" || (c === "/" && s[this.pos + 1] === "/")) {
        this.skipLineComment();
      } else if (c === "/" && s[this.pos + 1] === "*") {
        const close = s.indexOf("*/", this.pos + 2);
        this.pos = close < 0 ? this.end : close + 2;
      } else if (c === '"') {
        this.pos++;
        this.template(true);
        expectKey = false;
      } else if (c === "<" && s[this.pos + 1] === "<" && this.heredoc()) {
        expectKey = false;
      } else if (c === "(" || c === "[" || c === "{") {
        const bracket: Bracket = { char: c, id: this.nextBracketId++ };
        brackets.push(bracket);
        this.pos++;
        const isFor = this.forHeader(bracket.id);
        expectKey = c === "{" && !isFor;
      } else if (c === ")" || c === "]" || c === "}") {
        this.pos++;
        const closed = brackets.pop();
        if (closed === undefined) {
          if (c === terminator) return;
          continue;
        }
        this.closeScope(closed.id);
        expectKey = false;
      } else if (c === ",") {
        this.pos++;
        expectKey = top?.char === "{";
      } else if (c >= "0" && c <= "9") {
        this.match(NUMBER);
        expectKey = false;
      } else if (isIdentifierStart(c)) {
        this.identifier(expectKey);
        expectKey = false;
      } else {
        this.pos++;
        expectKey = false;
      }
    }
    if (terminator !== undefined)
      this.errors.push(`unclosed "${terminator === "}" ? "${" : "["}" (expected "${terminator}")`);
  }

  /** `%{ if cond }`, `%{ for x in list }`, `%{ else }`, `%{ endif }`, `%{ endfor }`. */
  private directive(): void {
    this.skipSpace(true);
    const keyword = this.match(IDENTIFIER);
    if (keyword === "for") {
      this.scope.push({ owner: TEMPLATE_SCOPE, names: this.forSymbols() });
    } else if (keyword === "endfor") {
      const last = this.scope.map((e) => e.owner).lastIndexOf(TEMPLATE_SCOPE);
      if (last >= 0) this.scope.splice(last, 1);
    }
    this.expression("}");
  }

  /** After an opening bracket: `for a, b in` declares a and b until the bracket closes. */
  private forHeader(owner: number): boolean {
    const save = this.pos;
    this.skipSpace(false);
    if (this.match(IDENTIFIER) !== "for" || !/\s/.test(this.src[this.pos] ?? "")) {
      this.pos = save;
      return false;
    }
    this.scope.push({ owner, names: this.forSymbols() });
    return true;
  }

  /** The symbol names of a for header, consuming up to and including "in". */
  private forSymbols(): string[] {
    const names: string[] = [];
    for (;;) {
      this.skipSpace(false);
      const name = this.match(IDENTIFIER);
      if (name === undefined || name === "in") return names;
      names.push(name);
      this.skipSpace(false);
      if (this.src[this.pos] === ",") this.pos++;
    }
  }

  private closeScope(owner: number): void {
    while (this.scope.length > 0 && this.scope[this.scope.length - 1]!.owner === owner) this.scope.pop();
  }

  private inScope(name: string): boolean {
    return this.scope.some((entry) => entry.names.includes(name));
  }

  /** An identifier in expression position: a reference root, or something to skip. */
  private identifier(expectKey: boolean): void {
    const start = this.pos;
    const previous = this.previousSignificant(start);
    const name = this.match(IDENTIFIER) ?? "";
    const afterName = this.pos;
    this.skipSpace(false);
    const next = this.src[this.pos];
    const nextButOne = this.src[this.pos + 1];
    if (next === "(" || (next === ":" && nextButOne === ":")) {
      this.skipFunctionName();
      return;
    }
    const isKey = expectKey && ((next === "=" && nextButOne !== "=" && nextButOne !== ">") || next === ":");
    this.pos = afterName;
    if (previous === "." || KEYWORDS.has(name) || isKey) return;
    const reference = this.traversalAt(start);
    if (reference !== undefined && !this.inScope(name)) this.references.push(reference);
  }

  /** Skips `fn` or `provider::ns::fn` up to (not including) the "(". */
  private skipFunctionName(): void {
    while (this.src[this.pos] === ":" && this.src[this.pos + 1] === ":") {
      this.pos += 2;
      this.match(IDENTIFIER);
    }
  }

  /** Reads a root name and its steps starting at `start`. */
  traversalAt(start: number): Reference | undefined {
    this.pos = start;
    const root = this.match(IDENTIFIER);
    if (root === undefined) return undefined;
    const steps: Step[] = [];
    for (;;) {
      const step = this.step();
      if (step === undefined) break;
      steps.push(step);
    }
    return { root, steps, text: this.src.slice(start, this.pos) };
  }

  private step(): Step | undefined {
    const s = this.src;
    const c = s[this.pos];
    if (c === ".") {
      const n = s[this.pos + 1] ?? "";
      if (n === "*") {
        this.pos += 2;
        return { kind: "splat" };
      }
      if (isIdentifierStart(n)) {
        this.pos++;
        return { kind: "attr", name: this.match(IDENTIFIER) ?? "" };
      }
      if (n >= "0" && n <= "9") {
        this.pos++;
        return { kind: "index", key: Number(this.match(/\d+/y)) };
      }
      return undefined;
    }
    if (c !== "[") return undefined;
    LITERAL_INDEX.lastIndex = this.pos;
    const literal = LITERAL_INDEX.exec(s);
    if (literal !== null && LITERAL_INDEX.lastIndex <= this.end) {
      this.pos = LITERAL_INDEX.lastIndex;
      if (literal[1] !== undefined) return { kind: "splat" };
      if (literal[2] !== undefined) return { kind: "index", key: Number(literal[2]) };
      return { kind: "index", key: decodeStringLiteral(literal[3]!) }; // the third alternative matched
    }
    this.pos++;
    this.expression("]");
    return { kind: "index", key: undefined };
  }

  /** `<<EOT` ... `EOT`: the body is a template. Returns false if this is not a heredoc. */
  private heredoc(): boolean {
    HEREDOC_START.lastIndex = this.pos;
    const start = HEREDOC_START.exec(this.src);
    if (start === null) return false;
    const bodyStart = HEREDOC_START.lastIndex;
    const closing = new RegExp(`^[ \\t]*${start[1]}[ \\t]*$`, "m");
    const found = closing.exec(this.src.slice(bodyStart, this.end));
    const bodyEnd = found === null ? this.end : bodyStart + found.index;
    const savedEnd = this.end;
    this.pos = bodyStart;
    this.end = bodyEnd;
    this.template(false);
    this.end = savedEnd;
    this.pos = found === null ? this.end : bodyEnd + found[0].length;
    return true;
  }

  private previousSignificant(before: number): string {
    let i = before - 1;
    while (i >= 0 && /\s/.test(this.src[i]!)) i--; // before is at most the source's length
    return i >= 0 ? this.src[i]! : "";
  }

  private skipSpace(tildeToo: boolean): void {
    while (this.pos < this.end) {
      const c = this.src[this.pos];
      if (c === " " || c === "\t" || c === "\r" || c === "\n" || (tildeToo && c === "~")) this.pos++;
      else return;
    }
  }

  private skipLineComment(): void {
    const newline = this.src.indexOf("\n", this.pos);
    this.pos = newline < 0 || newline > this.end ? this.end : newline;
  }

  /** Matches a sticky regex at the current position, advancing past it. */
  private match(pattern: RegExp): string | undefined {
    pattern.lastIndex = this.pos;
    const m = pattern.exec(this.src);
    if (m === null || pattern.lastIndex > this.end) return undefined;
    this.pos = pattern.lastIndex;
    return m[0];
  }
}

function isIdentifierStart(c: string): boolean {
  return (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c === "_";
}

function decodeStringLiteral(body: string): string {
  try {
    return JSON.parse(`"${body}"`) as string;
  } catch {
    return body;
  }
}
