/**
 * The server types that left Hetzner's offer, as the catalogue keeps them
 * (retired_server_types): dated by their deprecation, each with the nearest
 * current type as its successor.
 *
 * Imports: the catalogue's types, ./api's types.
 */
import type { Catalogue } from "../../catalogue/catalogue";
import type { Finding } from "./api";

type ServerTypeEntry = Catalogue["server_types"][number];
type RetiredEntry = Catalogue["retired_server_types"][number];

/**
 * The previous file's retired types, plus every server type it listed that
 * the API no longer does: dated by its deprecation if it had one (the type's,
 * else the latest of its locations'), else today, and succeeded by the
 * nearest current type. A retired type whose successor left the offer too
 * gets that one's successor.
 */
export function retiredTypes(
  prev: Catalogue,
  current: readonly ServerTypeEntry[],
  today: string,
  warnings: Finding[],
): RetiredEntry[] {
  const names = new Set(current.map((t) => t.name));
  const retired: RetiredEntry[] = prev.retired_server_types.map((r) => ({ ...r }));
  for (const gone of prev.server_types.filter((t) => !names.has(t.name) && !retired.some((r) => r.name === t.name))) {
    const d = gone.deprecation ?? latest(gone.locations.map((l) => l.deprecation ?? null));
    const successor = nearestType(gone, current)?.name;
    if (successor === undefined)
      warnings.push(
        previousFile(gone.name, `no current ${gone.architecture} type replaces it: its successor is left empty`),
      );
    retired.push({
      name: gone.name,
      announced: d ? d.announced.slice(0, 10) : today,
      unavailable_after: d ? d.unavailable_after.slice(0, 10) : today,
      successor: successor ?? "",
    });
  }
  const byName = new Map(retired.map((r) => [r.name, r]));
  for (const r of retired) {
    if (r.successor === "" || names.has(r.successor) || names.has(r.name)) continue;
    let successor = r.successor;
    // Bounded: each step moves to another retired entry, at most all of them.
    for (let i = 0; i < retired.length && !names.has(successor) && byName.has(successor); i++)
      successor = byName.get(successor)!.successor;
    if (names.has(successor)) r.successor = successor;
    else
      warnings.push(
        previousFile(
          r.name,
          `its successor ${JSON.stringify(r.successor)} is not sold any more, and no current type replaces it`,
        ),
      );
  }
  return retired;
}

/**
 * The current type nearest to `gone`: of the same architecture and category
 * (else the same architecture and CPU type, else the same architecture),
 * not deprecated if possible, closest in cores and memory (by ratio; a larger
 * type wins a tie), then by name.
 */
export function nearestType(
  gone: Pick<ServerTypeEntry, "architecture" | "category" | "cpu_type" | "cores" | "memory_gb">,
  current: readonly ServerTypeEntry[],
): ServerTypeEntry | undefined {
  const tiers = [
    current.filter((t) => t.architecture === gone.architecture && (t.category ?? null) === (gone.category ?? null)),
    current.filter((t) => t.architecture === gone.architecture && t.cpu_type === gone.cpu_type),
    current.filter((t) => t.architecture === gone.architecture),
  ];
  const tier = tiers.find((t) => t.length > 0);
  if (!tier) return undefined;
  const live = tier.filter((t) => !t.deprecation);
  const pool = live.length > 0 ? live : tier;
  const distance = (t: ServerTypeEntry) =>
    Math.abs(Math.log(t.cores / gone.cores)) + Math.abs(Math.log(t.memory_gb / gone.memory_gb));
  const size = (t: ServerTypeEntry) => t.cores + t.memory_gb;
  return [...pool].sort((a, b) => distance(a) - distance(b) || size(b) - size(a) || (a.name < b.name ? -1 : 1))[0];
}

/** A warning about a retired type of the file being replaced. */
function previousFile(name: string, message: string): Finding {
  return { endpoint: "the previous catalogue", path: `retired_server_types (${name})`, message };
}

function latest(
  list: readonly ({ announced: string; unavailable_after: string } | null)[],
): { announced: string; unavailable_after: string } | undefined {
  let best: { announced: string; unavailable_after: string } | undefined;
  for (const d of list) if (d && (!best || d.unavailable_after > best.unavailable_after)) best = d;
  return best;
}
