/**
 * A small RFC 1035 master file reader for the zone file tests: directives,
 * parentheses, quoted strings, comments, relative names; for our files and
 * for `named-checkzone -D` output.
 */

export interface Token {
  readonly text: string;
  readonly quoted: boolean;
}

export interface ZoneRecord {
  /** Absolute, lower case, with the final dot. */
  readonly owner: string;
  readonly ttl: number;
  readonly type: string;
  /** The record data's tokens, as written. */
  readonly rdata: readonly Token[];
  /** 1-based line where the record starts. */
  readonly line: number;
}

/**
 * Reads characters from `start` until `stop` says so, keeping escapes (`\X`) as written;
 * returns the text read and the index where it stopped.
 */
function scanUntil(text: string, start: number, stop: (c: string) => boolean): { value: string; end: number } {
  let j = start;
  let value = "";
  while (j < text.length && !stop(text.charAt(j))) {
    if (text[j] === "\\" && j + 1 < text.length) {
      value += text.slice(j, j + 2);
      j += 2;
      continue;
    }
    value += text[j];
    j++;
  }
  return { value, end: j };
}

/** Splits one logical line (parentheses joined) into tokens; `;` starts a comment outside quotes. */
function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text.charAt(i);
    if (c === ";") break;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '"') {
      const { value, end } = scanUntil(text, i + 1, (d) => d === '"');
      if (end >= text.length) throw new Error(`unterminated quoted string in: ${text}`);
      tokens.push({ text: value, quoted: true });
      i = end + 1;
      continue;
    }
    const { value, end } = scanUntil(text, i, (d) => /\s/.test(d) || d === ";" || d === '"');
    tokens.push({ text: value, quoted: false });
    i = end;
  }
  return tokens;
}

/** Joins lines inside parentheses into logical lines, keeping quoted text and comments apart. */
function logicalLines(text: string): { text: string; line: number; indented: boolean }[] {
  const out: { text: string; line: number; indented: boolean }[] = [];
  let depth = 0;
  let current = "";
  let start = 0;
  let indented = false;
  text.split(/\r?\n/).forEach((raw, index) => {
    // Strip the comment (outside quotes) and count parentheses outside quotes.
    let inQuote = false;
    let kept = "";
    for (let i = 0; i < raw.length; i++) {
      const c = raw[i];
      if (c === "\\" && i + 1 < raw.length) {
        kept += raw.slice(i, i + 2);
        i++;
        continue;
      }
      if (c === '"') inQuote = !inQuote;
      if (!inQuote && c === ";") break;
      if (!inQuote && (c === "(" || c === ")")) {
        depth += c === "(" ? 1 : -1;
        if (depth < 0) throw new Error(`line ${index + 1}: ")" without "("`);
        kept += " ";
        continue;
      }
      kept += c;
    }
    if (current === "") {
      start = index + 1;
      indented = /^\s/.test(raw);
    }
    current += ` ${kept}`;
    if (depth === 0) {
      if (current.trim() !== "") out.push({ text: current, line: start, indented });
      current = "";
    }
  });
  if (depth !== 0) throw new Error(`unclosed "(" from line ${start}`);
  return out;
}

const CLASSES = new Set(["IN", "CH", "HS", "CS"]);

/** `name` made absolute and lower case against `origin` (absolute, with the final dot); `@` is the origin. */
export function absoluteName(name: string, origin: string): string {
  if (name === "@") return origin;
  if (name.endsWith(".") && !name.endsWith("\\.")) return name.toLowerCase();
  return `${name}.${origin}`.toLowerCase();
}

/**
 * Reads a master file: `$ORIGIN`, `$TTL`, owners omitted on indented lines
 * (the previous owner), optional TTL and class in either order.
 */
export function readZoneText(text: string, origin: string): ZoneRecord[] {
  let currentOrigin = origin.endsWith(".") ? origin.toLowerCase() : `${origin.toLowerCase()}.`;
  let defaultTtl: number | undefined;
  let previousOwner: string | undefined;
  const records: ZoneRecord[] = [];
  for (const logical of logicalLines(text)) {
    const tokens = tokenize(logical.text);
    const [head, argument] = tokens;
    if (head === undefined) continue;
    const first = head.text;
    if (!head.quoted && first.startsWith("$")) {
      if (first !== "$ORIGIN" && first !== "$TTL")
        throw new Error(`line ${logical.line}: unsupported directive ${first}`);
      if (argument === undefined) throw new Error(`line ${logical.line}: ${first} without a value`);
      if (first === "$ORIGIN") currentOrigin = absoluteName(argument.text, currentOrigin);
      else defaultTtl = Number(argument.text);
      continue;
    }
    let i = 0;
    let owner: string;
    if (logical.indented) {
      if (previousOwner === undefined) throw new Error(`line ${logical.line}: no owner`);
      owner = previousOwner;
    } else {
      owner = absoluteName(first, currentOrigin);
      i = 1;
    }
    let ttl: number | undefined;
    for (let k = 0; k < 2; k++) {
      const t = tokens[i]?.text.toUpperCase();
      if (t === undefined) break;
      if (/^[0-9]+$/.test(t)) {
        ttl = Number(t);
        i++;
      } else if (CLASSES.has(t)) {
        if (t !== "IN") throw new Error(`line ${logical.line}: class ${t}`);
        i++;
      }
    }
    const type = tokens[i]?.text.toUpperCase();
    if (type === undefined) throw new Error(`line ${logical.line}: no type`);
    const effectiveTtl = ttl ?? defaultTtl;
    if (effectiveTtl === undefined) throw new Error(`line ${logical.line}: no TTL and no $TTL`);
    records.push({ owner, ttl: effectiveTtl, type, rdata: tokens.slice(i + 1), line: logical.line });
    previousOwner = owner;
  }
  return records;
}

/** Tokens of a value written in presentation format on one line (what the spec and the rrsets hold). */
export function tokensOf(value: string): Token[] {
  return tokenize(value);
}
