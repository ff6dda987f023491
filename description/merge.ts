/**
 * The environment merge: the shared description (every `config/*.yaml`, one
 * top-level key per file) plus one overlay (`config/environments/<env>.yaml`).
 *
 * Rules (documented in docs/config.md):
 * - mappings are merged key by key; a key set to `null` in the overlay is
 *   removed (falls back to its default), as in JSON Merge Patch (RFC 7396);
 * - the lists in {@link MERGE_KEYS} are merged item by item on their key
 *   (`name` for most): a matching item is merged, a new one appended, and an
 *   item `{ name: x, $remove: true }` removes `x`;
 * - every other list, and every scalar, is replaced by the overlay's.
 *
 * Every node keeps its origin, so errors point into the file that set it.
 */
import { formatPath, type ConfigProblem } from "./problems";
import type { MapEntry, Node, Origin } from "./yaml";

/** The key marking an overlay item for removal. */
export const REMOVE_KEY = "$remove";

/** Lists merged item by item, with the fields that identify an item. */
export const MERGE_KEYS: ReadonlyArray<{ readonly path: string; readonly key: readonly string[] }> = [
  { path: "operators.ssh_keys", key: ["name"] },
  { path: "placement_groups", key: ["name"] },
  { path: "networks", key: ["name"] },
  { path: "networks[].subnets", key: ["ip_range"] },
  { path: "networks[].routes", key: ["destination"] },
  { path: "firewall_policies", key: ["name"] },
  { path: "servers", key: ["name"] },
  { path: "servers[].networks", key: ["network"] },
  { path: "servers[].volumes", key: ["name"] },
  { path: "dns_secondaries", key: ["name"] },
  { path: "zones", key: ["name"] },
  { path: "zones[].records", key: ["name", "type"] },
  { path: "storage_boxes", key: ["name"] },
  { path: "storage_boxes[].subaccounts", key: ["name"] },
  { path: "suppressions", key: ["rule", "resource"] },
];

const KEYS_BY_PATH = new Map(MERGE_KEYS.map((entry) => [entry.path, entry.key]));

function at(origin: Origin): { file: string; line: number; col: number } {
  return { file: origin.file, line: origin.line, col: origin.col };
}

/**
 * Combines the shared files into one description. A top-level key may be
 * defined in one file only (one file per concern).
 */
export function combineShared(parts: readonly Node[], problems: ConfigProblem[]): Node {
  const entries = new Map<string, MapEntry>();
  const origin: Origin = parts[0]?.origin ?? { file: "", line: 1, col: 1 };
  for (const part of parts) {
    if (part.kind !== "map") {
      problems.push({
        ...at(part.origin),
        path: "",
        message: "the file must be a mapping of top-level keys (environment, operators, networks, servers, zones, …)",
      });
      continue;
    }
    for (const [key, entry] of part.entries) {
      const previous = entries.get(key);
      if (previous) {
        problems.push({
          ...at(entry.key),
          path: key,
          message: `"${key}" is already defined in ${previous.key.file}:${previous.key.line}`,
          hint: "each top-level key lives in one shared file; environment differences go in config/environments/",
        });
        continue;
      }
      entries.set(key, entry);
    }
  }
  return { kind: "map", origin, entries };
}

function keyOf(item: Node, fields: readonly string[]): string | undefined {
  if (item.kind !== "map") return undefined;
  const values: string[] = [];
  for (const field of fields) {
    const value = item.entries.get(field)?.value;
    if (value?.kind !== "scalar" || value.value === null) return undefined;
    values.push(String(value.value).toLowerCase());
  }
  return values.join("\u0000");
}

function describeKey(fields: readonly string[], key: string): string {
  const values = key.split("\u0000");
  return fields.map((field, i) => `${field}: ${values[i]}`).join(", ");
}

/** Merges an overlay onto the shared description. */
export function mergeOverlay(base: Node, overlay: Node, problems: ConfigProblem[]): Node {
  if (overlay.kind !== "map") {
    problems.push({
      ...at(overlay.origin),
      path: "",
      message: "an environment overlay must be a mapping of top-level keys",
    });
    return base;
  }
  return mergeNode(base, overlay, "", [], problems);
}

type Segment = string | number;

function patternOf(pattern: string, segment: Segment): string {
  if (typeof segment === "number") return `${pattern}[]`;
  return pattern === "" ? segment : `${pattern}.${segment}`;
}

function mergeNode(
  base: Node | undefined,
  overlay: Node,
  pattern: string,
  path: Segment[],
  problems: ConfigProblem[],
): Node {
  if (base?.kind === "map" && overlay.kind === "map") return mergeMaps(base, overlay, pattern, path, problems);
  const keyFields = KEYS_BY_PATH.get(pattern);
  if (keyFields && overlay.kind === "seq" && (base === undefined || base.kind === "seq")) {
    return mergeKeyedList(base?.kind === "seq" ? base : undefined, overlay, keyFields, pattern, path, problems);
  }
  return overlay;
}

function mergeMaps(
  base: Node & { kind: "map" },
  overlay: Node & { kind: "map" },
  pattern: string,
  path: Segment[],
  problems: ConfigProblem[],
): Node {
  const entries = new Map(base.entries);
  for (const [key, entry] of overlay.entries) {
    if (entry.value.kind === "scalar" && entry.value.value === null) {
      entries.delete(key);
      continue;
    }
    const previous = entries.get(key);
    const value = mergeNode(previous?.value, entry.value, patternOf(pattern, key), [...path, key], problems);
    entries.set(key, { key: previous && value !== entry.value ? previous.key : entry.key, value });
  }
  return { kind: "map", origin: base.origin, entries };
}

function mergeKeyedList(
  base: (Node & { kind: "seq" }) | undefined,
  overlay: Node & { kind: "seq" },
  keyFields: readonly string[],
  pattern: string,
  path: Segment[],
  problems: ConfigProblem[],
): Node {
  const items: (Node | undefined)[] = base ? [...base.items] : [];
  const fromBase = items.length;
  const itemPattern = `${pattern}[]`;
  for (const item of overlay.items) {
    const key = keyOf(item, keyFields);
    if (item.kind !== "map" || key === undefined) {
      problems.push({
        ...at(item.origin),
        path: formatPath(path),
        message:
          `in an environment overlay, each item of ${pattern} must give ` +
          `its ${keyFields.join(" and ")} (the item is merged ` +
          `by ${keyFields.length > 1 ? "them" : "it"})`,
      });
      continue;
    }
    // Only items of the shared description are matched: two items with the
    // same key in one overlay stay two, and the duplicate check reports them.
    const index = items.findIndex(
      (candidate, i) => i < fromBase && candidate !== undefined && keyOf(candidate, keyFields) === key,
    );
    const removal = item.entries.get(REMOVE_KEY);
    if (removal) {
      const others = [...item.entries.keys()].filter((k) => k !== REMOVE_KEY && !keyFields.includes(k));
      if (removal.value.kind !== "scalar" || removal.value.value !== true) {
        problems.push({
          ...at(removal.value.origin),
          path: formatPath(path),
          message: `${REMOVE_KEY} must be true`,
          hint: "to keep the item, delete the $remove line",
        });
      } else if (others.length > 0) {
        problems.push({
          ...at(item.entries.get(others[0]!)!.key),
          path: formatPath(path),
          message: `an item with ${REMOVE_KEY}: true may only give its ${keyFields.join(" and ")}, not "${others[0]}"`,
        });
      } else if (index < 0) {
        problems.push({
          ...at(removal.key),
          path: formatPath(path),
          message:
            `cannot remove ${describeKey(keyFields, key)}: the shared ` + `description has no such item in ${pattern}`,
        });
      } else {
        items[index] = undefined;
      }
      continue;
    }
    if (index >= 0) {
      items[index] = mergeNode(items[index], item, itemPattern, [...path, index], problems);
    } else {
      items.push(item);
    }
  }
  return {
    kind: "seq",
    origin: base?.origin ?? overlay.origin,
    items: items.filter((i): i is Node => i !== undefined),
  };
}
