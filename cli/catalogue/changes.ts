/**
 * What a refresh changed, for its summary: entries added, removed and changed
 * between the previous catalogue and the new one, and every price that moved
 * (net, or gross when only that moved). The file's diff stays the reference;
 * this is the reviewer's short list. `unverified` notes are not compared:
 * a refresh drops them all.
 *
 * Imports: the catalogue's types.
 */
import type { Catalogue } from "../../catalogue/catalogue";

type Money = { readonly net: string; readonly gross: string };

/** A titled list of names for the summary: `server types added: cx23, cx33`. */
type Section = readonly [title: string, entries: readonly string[]];

/** Lines describing the changes from `before` to `after`; empty when the offer and prices are the same. */
export function describeChanges(before: Catalogue, after: Catalogue): string[] {
  const sections: Section[] = [
    ...namedSections("locations", before.locations, after.locations, ["city", "country", "network_zone", "eu"]),
    ...namedSections("server types", before.server_types, after.server_types, [
      "category",
      "architecture",
      "cores",
      "memory_gb",
      "disk_gb",
      "cpu_type",
      "storage_type",
      "deprecation",
      "locations",
    ]),
    ...retiredSections(before.retired_server_types, after.retired_server_types),
    ...namedSections("images", before.images, after.images, ["os_flavor", "os_version", "architectures", "deprecated"]),
    ...namedSections("storage box types", before.storage_box_types, after.storage_box_types, [
      "size_tb",
      "subaccounts_limit",
      "snapshot_limit",
    ]),
  ];
  const lines = sections
    .filter(([, entries]) => entries.length > 0)
    .map(([title, entries]) => `${title}: ${entries.join(", ")}`);
  const prices = priceLines(before, after);
  if (prices.length > 0) lines.push("prices changed (EUR, net unless named):", ...prices.map((p) => `  ${p}`));
  return lines;
}

/** The `<noun> added`, `<noun> removed` and `<noun> changed` sections of one named list. */
function namedSections<T extends { name: string }>(
  noun: string,
  before: readonly T[],
  after: readonly T[],
  fields: readonly (keyof T)[],
): Section[] {
  const { added, removed, changed } = compareNamed(before, after, fields);
  return [
    [`${noun} added`, added],
    [`${noun} removed`, removed],
    [`${noun} changed`, changed],
  ];
}

type Retired = Catalogue["retired_server_types"][number];

/** Server types newly retired, no longer retired, and those whose successor changed. */
function retiredSections(before: readonly Retired[], after: readonly Retired[]): Section[] {
  const retiredBefore = new Map(before.map((r) => [r.name, r]));
  const retiredAfter = new Map(after.map((r) => [r.name, r]));
  return [
    [
      "retired",
      after
        .filter((r) => !retiredBefore.has(r.name))
        .map((r) => `${r.name} (unavailable after ${r.unavailable_after}, successor ${r.successor || "none"})`),
    ],
    ["no longer retired", before.filter((r) => !retiredAfter.has(r.name)).map((r) => r.name)],
    [
      "successors changed",
      after.flatMap((r) => {
        const b = retiredBefore.get(r.name);
        return b && b.successor !== r.successor ? [`${r.name} ${b.successor} → ${r.successor}`] : [];
      }),
    ],
  ];
}

/** Every price that moved, one line each, in the summary's order. */
function priceLines(before: Catalogue, after: Catalogue): string[] {
  return [
    ...after.server_types.flatMap((t) => {
      const b = before.server_types.find((x) => x.name === t.name);
      return b ? priceChanges(t.name, b.prices, t.prices) : [];
    }),
    ...after.storage_box_types.flatMap((t) => {
      const b = before.storage_box_types.find((x) => x.name === t.name);
      return b ? priceChanges(`storage box ${t.name}`, b.prices, t.prices) : [];
    }),
    ...priceChanges("primary IP", byTypeAndLocation(before.primary_ips), byTypeAndLocation(after.primary_ips)),
    ...priceChanges("floating IP", byTypeAndLocation(before.floating_ips), byTypeAndLocation(after.floating_ips)),
    ...moneyChange("volumes per GB and month", before.volumes.price_per_gb_month, after.volumes.price_per_gb_month),
    ...(before.server_backups.percentage !== after.server_backups.percentage
      ? [
          `server backups: ${before.server_backups.percentage} % → ${after.server_backups.percentage} % of the server's price`,
        ]
      : []),
  ];
}

/** IP prices keyed by type and location (`ipv4 fsn1`), as `priceChanges` compares them. */
function byTypeAndLocation<T extends Priced & { readonly type: string }>(prices: readonly T[]): T[] {
  return prices.map((p) => ({ ...p, location: `${p.type} ${p.location}` }));
}

/** Names added and removed, and the changed ones with the fields that changed: `cx23 (cores, locations)`. */
function compareNamed<T extends { name: string }>(
  before: readonly T[],
  after: readonly T[],
  fields: readonly (keyof T)[],
) {
  const old = new Map(before.map((e) => [e.name, e]));
  const now = new Set(after.map((e) => e.name));
  const changed: string[] = [];
  for (const e of after) {
    const b = old.get(e.name);
    if (!b) continue;
    const diff = fields.filter((f) => !sameJson(b[f], e[f]));
    if (diff.length > 0) changed.push(`${e.name} (${diff.map(String).join(", ")})`);
  }
  return {
    added: after.filter((e) => !old.has(e.name)).map((e) => e.name),
    removed: before.filter((e) => !now.has(e.name)).map((e) => e.name),
    changed,
  };
}

interface Priced {
  readonly location: string;
  readonly monthly: Money;
  readonly hourly?: Money;
  readonly included_traffic_tb?: number;
}

/** One line per location whose price changed, appeared or disappeared: `cx23 fsn1: monthly 5.4900 → 5.9900, hourly 0.0088 → 0.0096`. */
function priceChanges(what: string, before: readonly Priced[], after: readonly Priced[]): string[] {
  const lines: string[] = [];
  const old = new Map(before.map((p) => [p.location, p]));
  for (const p of after) {
    const b = old.get(p.location);
    if (!b) {
      lines.push(`${what} ${p.location}: new, monthly ${p.monthly.net}`);
      continue;
    }
    const parts = [
      ...moneyParts("monthly", b.monthly, p.monthly),
      ...(b.hourly && p.hourly ? moneyParts("hourly", b.hourly, p.hourly) : []),
    ];
    if (b.included_traffic_tb !== p.included_traffic_tb)
      parts.push(`included traffic ${b.included_traffic_tb} → ${p.included_traffic_tb} TB`);
    if (parts.length > 0) lines.push(`${what} ${p.location}: ${parts.join(", ")}`);
  }
  const now = new Set(after.map((p) => p.location));
  for (const b of before) if (!now.has(b.location)) lines.push(`${what} ${b.location}: no longer priced`);
  return lines;
}

function moneyChange(what: string, before: Money, after: Money): string[] {
  const parts = moneyParts("", before, after);
  return parts.length > 0 ? [`${what}:${parts.join("")}`] : [];
}

/** `monthly 5.4900 → 5.9900` when the net moved, `monthly gross 6.6429 → 6.7000` when only the gross did. */
function moneyParts(label: string, before: Money, after: Money): string[] {
  const prefix = label === "" ? " " : `${label} `;
  if (before.net !== after.net) return [`${prefix}${before.net} → ${after.net}`];
  if (before.gross !== after.gross) return [`${prefix}gross ${before.gross} → ${after.gross}`];
  return [];
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}
