/**
 * The provider facts the classification reads, as data: the replacement
 * table of providers/<name>/replace.json (per resource type, the attributes
 * whose change replaces it, replaces it under a condition, loses data in
 * place or disrupts it, each with the provider source file:line it was read
 * from), and the resource types that hold data or addresses.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { STATEFUL, statefulTypes } from "../../constructs/stateful";
import { InputError } from "../errors";

export interface TableEntry {
  /** Attribute path, nested blocks joined by dots without indexes: `location`, `public_net.ipv4_enabled`. */
  readonly attribute: string;
  /** Provider source file:line. */
  readonly source: string;
  /** For replace_if: when the replacement happens. */
  readonly condition?: string;
  /** For destructive and disruptive updates: what happens. */
  readonly note?: string;
}

export interface ResourceTable {
  readonly replace: readonly TableEntry[];
  readonly replace_if: readonly TableEntry[];
  readonly destructive_update: readonly TableEntry[];
  readonly disruptive_update: readonly TableEntry[];
}

export interface ReplaceTables {
  /** `hetznercloud/hcloud 1.68.0`, as cited in messages. */
  readonly provider: string;
  readonly resources: Readonly<Record<string, ResourceTable>>;
}

const EMPTY: ResourceTable = { replace: [], replace_if: [], destructive_update: [], disruptive_update: [] };

/** The table of one resource type (empty for a type the table does not know). */
export function tableOf(tables: ReplaceTables, type: string): ResourceTable {
  return Object.hasOwn(tables.resources, type) ? tables.resources[type]! : EMPTY;
}

/** Checks and returns a parsed replace.json; `file` names it in errors. */
export function parseReplaceTable(raw: unknown, file: string): ReplaceTables {
  const fail = (what: string): never => {
    throw new InputError(`${file}: ${what}`);
  };
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) fail("expected a JSON object");
  const doc = raw as Record<string, unknown>;
  const resources = doc.resources;
  if (typeof resources !== "object" || resources === null || Array.isArray(resources)) fail(`no "resources" object`);
  const out: Record<string, ResourceTable> = {};
  for (const [type, value] of Object.entries(resources as Record<string, unknown>)) {
    if (typeof value !== "object" || value === null) fail(`resources.${type} is not an object`);
    const table: Record<string, TableEntry[]> = {};
    for (const key of ["replace", "replace_if", "destructive_update", "disruptive_update"] as const) {
      const list = (value as Record<string, unknown>)[key] ?? [];
      if (!Array.isArray(list)) fail(`resources.${type}.${key} is not a list`);
      table[key] = (list as unknown[]).map((e, i) => {
        const entry = e as Record<string, unknown>;
        if (typeof entry?.attribute !== "string" || typeof entry.source !== "string") {
          fail(`resources.${type}.${key}[${i}] needs "attribute" and "source" strings`);
        }
        return {
          attribute: entry.attribute as string,
          source: entry.source as string,
          ...(typeof entry.condition === "string" ? { condition: entry.condition } : {}),
          ...(typeof entry.note === "string" ? { note: entry.note } : {}),
        };
      });
    }
    out[type] = table as unknown as ResourceTable;
  }
  const name = typeof doc.provider === "string" ? doc.provider : "provider";
  const provider = typeof doc.version === "string" ? `${name} ${doc.version}` : name;
  return { provider, resources: out };
}

/** Reads the replacement tables of every provider under `<root>/providers/` (one provider, hcloud, today). */
export function loadReplaceTables(root: string): ReplaceTables {
  const dir = path.join(root, "providers");
  const files = fs.existsSync(dir)
    ? fs
        .readdirSync(dir, { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => path.join(dir, e.name, "replace.json"))
        .filter((f) => fs.existsSync(f))
        .sort()
    : [];
  if (files.length === 0) throw new InputError(`no replacement table (providers/*/replace.json) under ${root}`);
  const tables = files.map((file) => {
    let raw: unknown;
    try {
      raw = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (err) {
      throw new InputError(`${file}: cannot read it as JSON (${(err as Error).message})`);
    }
    return parseReplaceTable(raw, file);
  });
  return {
    provider: tables.map((t) => t.provider).join(", "),
    resources: Object.assign({}, ...tables.map((t) => t.resources)),
  };
}

/**
 * Resource types whose destruction loses data or addresses: a server's disk,
 * an address others point at, a volume, a zone and its records, a record set
 * (DNS answers nothing between delete and create), a storage box and its
 * snapshots, a network and its subnets (servers lose their private
 * addresses). Their destruction or replacement is dangerous. The review's
 * rows of the project's one table (constructs/stateful.ts).
 */
export const STATEFUL_LOSSES: ReadonlyMap<string, string> = new Map(
  statefulTypes("review").map((type) => [type, STATEFUL.get(type)!.loses]),
);
