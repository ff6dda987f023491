/**
 * Zone files read back for `all2all diff` (zones.ts): RFC 1035 master file
 * format (comments, parentheses, $ORIGIN, $TTL, blank owners), not this
 * version's layout, so that a base rendered by older code reads the same;
 * and the zones a Knot configuration serves.
 */
/** A zone's SOA record, its names absolute. */
export interface ParsedSoa {
  readonly ttl: number;
  readonly mname: string;
  readonly rname: string;
  readonly serial?: number;
  readonly timers: readonly string[];
}

/** A zone file read back: its SOA and record sets, names absolute and in lower case. */
export interface ParsedZone {
  readonly zone: string;
  readonly origin: string;
  readonly soa?: ParsedSoa;
  /** `owner\ttype` → record set (the SOA excluded). */
  readonly sets: ReadonlyMap<
    string,
    { readonly owner: string; readonly type: string; readonly ttl: number; readonly values: readonly string[] }
  >;
  /** The hidden primary, when the header says the zone is in secondary mode. */
  readonly hiddenPrimary?: string;
}

const ADDRESS_REF = /^([a-z0-9](?:[a-z0-9-]*[a-z0-9])?)\.(ipv4|ipv6)$/i;
const CLASSES = new Set(["IN", "CH", "HS", "CS"]);

function absolute(name: string, origin: string): string {
  if (name === "@") return origin;
  const lower = name.toLowerCase();
  if (lower.endsWith(".")) return lower;
  return origin === "." ? `${lower}.` : `${lower}.${origin}`;
}

/** Parses a zone file (RFC 1035 master file format: comments, parentheses, $ORIGIN, $TTL, blank owners). */
export function parseZoneFile(text: string, zone: string): ParsedZone {
  let origin = `${zone.toLowerCase().replace(/\.$/, "")}.`;
  let defaultTtl = 3600;
  let lastOwner = origin;
  let soa: ParsedSoa | undefined;
  const sets = new Map<string, { owner: string; type: string; ttl: number; values: string[] }>();
  const header = /^;\s*secondary mode:.*?hidden primary (\S+?)\.?\s*$/m.exec(text);

  let depth = 0;
  let tokens: string[] = [];
  let comments: string[] = [];
  let blankOwner = false;
  const finish = (): void => {
    const t = tokens;
    const c = comments;
    tokens = [];
    comments = [];
    const first = t[0];
    if (first === undefined) return;
    if (first.startsWith("$")) {
      const directive = first.toUpperCase();
      if (directive === "$ORIGIN" && t[1] !== undefined) origin = absolute(t[1], origin);
      if (directive === "$TTL" && /^\d+$/.test(t[1] ?? "")) defaultTtl = Number(t[1]);
      return;
    }
    const owner = blankOwner ? lastOwner : absolute(t.shift()!, origin);
    lastOwner = owner;
    let ttl = defaultTtl;
    for (let i = 0; i < 2 && t.length > 0; i++) {
      if (/^\d+$/.test(t[0]!)) ttl = Number(t.shift());
      else if (CLASSES.has(t[0]!.toUpperCase())) t.shift();
    }
    const type = (t.shift() ?? "").toUpperCase();
    if (type === "") return;
    if (type === "SOA") {
      const [mname, rname, serial, ...timers] = t;
      soa = {
        ttl,
        mname: absolute(mname ?? "", origin),
        rname: absolute(rname ?? "", origin),
        serial: /^\d+$/.test(serial ?? "") ? Number(serial) : undefined,
        timers,
      };
      return;
    }
    let value: string;
    const ref = c.map((x) => ADDRESS_REF.exec(x)).find((m) => m !== null);
    // The lengths are checked before each index; ADDRESS_REF's two groups are not optional.
    if ((type === "A" || type === "AAAA") && ref) value = `${ref[1]!.toLowerCase()}.${ref[2]!.toLowerCase()}`;
    else if (["CNAME", "NS", "PTR", "DNAME"].includes(type) && t.length === 1) value = absolute(t[0]!, origin);
    else if (type === "MX" && t.length === 2) value = `${t[0]} ${absolute(t[1]!, origin)}`;
    else if (type === "SRV" && t.length === 4) value = `${t[0]} ${t[1]} ${t[2]} ${absolute(t[3]!, origin)}`;
    else value = t.join(" ");
    const key = `${owner}\t${type}`;
    const set = sets.get(key);
    if (set) set.values.push(value);
    else sets.set(key, { owner, type, ttl, values: [value] });
  };

  for (const line of text.split(/\r?\n/)) {
    if (depth === 0) blankOwner = /^[ \t]/.test(line);
    const read = tokenise(line, depth);
    tokens.push(...read.tokens);
    comments.push(...read.comments);
    depth = read.depth;
    if (depth === 0) finish();
  }
  finish();
  return {
    zone: zone.replace(/\.$/, ""),
    origin: `${zone.toLowerCase().replace(/\.$/, "")}.`,
    soa,
    sets,
    hiddenPrimary: header?.[1],
  };
}

/** The zones a Knot configuration serves (`zone:` section, `- domain: X`). */
export function knotZones(text: string): string[] {
  const zones: string[] = [];
  let inZone = false;
  for (const line of text.split(/\r?\n/)) {
    if (/^\S/.test(line)) inZone = /^zone\s*:/.test(line);
    const m = inZone ? /^\s*-\s*domain\s*:\s*"?([^"\s#]+)"?/.exec(line) : null;
    if (m) zones.push(m[1]!.toLowerCase().replace(/\.$/, ""));
  }
  return zones;
}

/**
 * One line's tokens (a quoted string is one token, quotes kept) and its
 * comment; `depth` counts the parentheses open before the line and after it.
 */
function tokenise(line: string, depth: number): { tokens: string[]; comments: string[]; depth: number } {
  const tokens: string[] = [];
  const comments: string[] = [];
  let token = "";
  let quoted = false;
  const push = (): void => {
    if (token !== "") tokens.push(token);
    token = "";
  };
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      token += ch;
      if (ch === "\\" && i + 1 < line.length) token += line[++i];
      else if (ch === '"') {
        quoted = false;
        push();
      }
      continue;
    }
    if (ch === ";") {
      push();
      comments.push(line.slice(i + 1).trim());
      break;
    }
    if (ch === '"') {
      push();
      token = '"';
      quoted = true;
    } else if (ch === "(") {
      push();
      depth++;
    } else if (ch === ")") {
      push();
      depth = Math.max(0, depth - 1);
    } else if (ch === " " || ch === "\t") {
      push();
    } else {
      token += ch;
    }
  }
  push();
  return { tokens, comments, depth };
}
