/**
 * Matching for `all2all adopt`: each resource the stacks would create, in
 * {@link ORDER} (parents first), against what exists (api.ts): by its
 * Hetzner name, SSH keys by public key first, primary IPs through their
 * server, and what hangs on a parent through that parent.
 */
import type { AdoptConcern } from "../../description";
import type { Existing } from "./api";
import { MATCHERS, RECORDED, refOf, type MatchContext } from "./matchers";

/** The synthesised stacks of one environment: resources by type and name, and what the overlay already imports. */
export interface StackDoc {
  readonly concern: AdoptConcern;
  readonly name: string;
  readonly resources: Record<string, Record<string, Record<string, any>>>;
  readonly imported: ReadonlySet<string>;
}

/** An address matched to an existing resource: its import id, and how it was found. */
export interface Match {
  readonly concern: AdoptConcern;
  readonly address: string;
  readonly id: string;
  readonly matched: string;
}

/** What {@link matchExisting} found. */
export interface Lookup {
  readonly matches: Match[];
  /** Addresses with nothing found: created by the next apply. */
  readonly notFound: { concern: AdoptConcern; address: string; why: string }[];
  /** Addresses already imported by the environment's overlay (import_id). */
  readonly overlay: string[];
  /** Names that match two or more resources: nothing may be written. */
  readonly conflicts: string[];
  /** What exists but no resource of the config describes: listed, never destroyed. */
  readonly unmanaged: string[];
}

/** The order in which types are looked up: parents before what hangs on them. */
const ORDER = Object.keys(MATCHERS);

/**
 * Matches the resources of the stacks against what exists. Pure: the
 * lookups, conflicts and leftovers, for printing and for the file.
 */
export function matchExisting(stacks: readonly StackDoc[], existing: Existing): Lookup {
  const matches: Match[] = [];
  const notFound: Lookup["notFound"] = [];
  const overlay: string[] = [];
  const conflicts: string[] = [];
  /** The API object each address was matched to. */
  const found = new Map<string, any>();
  const used = new Set<any>();
  const attrsOf = new Map<string, Record<string, any>>();
  const concernOf = new Map<string, AdoptConcern>();
  for (const s of stacks) {
    for (const [type, byName] of Object.entries(s.resources)) {
      for (const [name, attrs] of Object.entries(byName)) {
        attrsOf.set(`${type}.${name}`, attrs);
        concernOf.set(`${type}.${name}`, s.concern);
      }
    }
  }

  const byName = (list: any[], what: string, name: unknown, address: string): any | undefined => {
    const hits = list.filter((x) => x.name === name);
    if (hits.length > 1) {
      conflicts.push(
        `${address}: ${hits.length} ${what}s are named ${JSON.stringify(name)} ` +
          `(ids ${hits.map((h) => h.id).join(", ")}): rename or delete all but one in the Console, then run ` +
          `adopt again`,
      );
      return undefined;
    }
    return hits[0];
  };

  const addresses = [...attrsOf.keys()].sort((a, b) => {
    const ta = ORDER.indexOf(a.split(".")[0]!);
    const tb = ORDER.indexOf(b.split(".")[0]!);
    return (ta < 0 ? 99 : ta) - (tb < 0 ? 99 : tb) || a.localeCompare(b);
  });
  for (const address of addresses) {
    const concern = concernOf.get(address)!;
    const type = address.split(".")[0]!;
    const a = attrsOf.get(address)!;
    if (stacks.find((s) => s.concern === concern)!.imported.has(address)) {
      overlay.push(address);
      continue;
    }
    const parent = (attr: string): any | undefined => {
      const ref = refOf(a[attr]);
      return ref ? found.get(ref) : undefined;
    };
    const ctx: MatchContext = {
      address,
      type,
      concern,
      a,
      existing,
      attrsOf,
      found,
      conflicts,
      matches,
      byName,
      parent,
    };
    const outcome = (MATCHERS[type] ?? (() => ({ why: `${type} is not looked up` })))(ctx);
    if (outcome === RECORDED) continue;
    if (outcome !== undefined && "object" in outcome) {
      if (used.has(outcome.object)) {
        conflicts.push(`${address}: ${outcome.matched} is matched by another resource of the config too`);
        continue;
      }
      used.add(outcome.object);
      found.set(address, outcome.object);
      matches.push({ concern, address, id: outcome.id, matched: outcome.matched });
    } else {
      const why =
        outcome?.why ?? `no ${type.replace(/^hcloud_/, "").replace(/_/g, " ")} named ${JSON.stringify(a.name)}`;
      notFound.push({ concern, address, why });
    }
  }
  return { matches, notFound, overlay, conflicts, unmanaged: unmanagedOf(existing, used) };
}

/** What exists but no resource of the config describes (`used` holds what was matched): listed, never destroyed. */
function unmanagedOf(existing: Existing, used: ReadonlySet<any>): string[] {
  const unmanaged: string[] = [];
  const left = (list: any[], what: string, describe: (x: any) => string = (x) => x.name) => {
    for (const x of list) if (!used.has(x)) unmanaged.push(`${what} ${describe(x)} (id ${x.id})`);
  };
  left(existing.ssh_keys, "SSH key");
  left(existing.networks, "network");
  left(existing.firewalls, "firewall");
  left(existing.placement_groups, "placement group");
  left(existing.servers, "server");
  left(existing.primary_ips, "primary IP", (p) => `${p.name} ${p.ip}`);
  left(existing.volumes, "volume");
  left(existing.floating_ips, "floating IP", (f) => `${f.name} ${f.ip}`);
  left(existing.zones, "zone");
  for (const z of existing.zones) {
    if (!used.has(z)) continue;
    for (const r of existing.rrsets.get(z.id) ?? []) {
      // Hetzner's own: the SOA and the apex NS.
      if (r.type === "SOA" || (r.type === "NS" && r.name === "@")) continue;
      if (!used.has(r)) unmanaged.push(`record set ${r.name} ${r.type} of zone ${z.name}`);
    }
  }
  left(existing.storage_boxes, "storage box");
  for (const b of existing.storage_boxes) {
    if (!used.has(b)) continue;
    for (const s of existing.subaccounts.get(b.id) ?? [])
      if (!used.has(s)) unmanaged.push(`subaccount ${s.name ?? s.username} of storage box ${b.name} (id ${s.id})`);
  }
  return unmanaged;
}
