/**
 * Adoption: the entries of an environment's adoption file
 * (config/adopt/<env>.yaml) become import blocks in their stacks. Each entry
 * must name a resource of its stack, once, with an id that fits it; an
 * adopted server needs its primary IPs adopted too (or "create" said on
 * purpose), since linking new ones would delete its current addresses.
 */
import type { TerraformResource } from "cdktn";
import type { Server } from "../constructs";
import { importExisting, importIdOf } from "../constructs/import-blocks";
import { suggestionHint } from "../description/catalogue";
import { CREATE, entryProblem, type AdoptEntry, type AdoptionSpec, type ConfigProblem } from "../description";

/** What adoption needs of the built stacks. */
export interface AdoptionTargets {
  /** Every resource of one stack by its address (`hcloud_server.web-1`). */
  resources(concern: AdoptEntry["concern"]): Map<string, TerraformResource>;
  /** The name of one stack (`production-servers`). */
  stackName(concern: AdoptEntry["concern"]): string;
  /** The zone name of each zone and record set resource (their import ids are names). */
  readonly zoneOf: ReadonlyMap<TerraformResource, string>;
  /** Every Server construct of the environment. */
  readonly servers: Iterable<Server>;
}

/** Adds the import blocks of the adoption file's entries; the problems of the entries that cannot be adopted. */
export function adoptExisting(adoption: AdoptionSpec | undefined, targets: AdoptionTargets): ConfigProblem[] {
  if (!adoption || adoption.entries.length === 0) return [];
  const problems: ConfigProblem[] = [];
  const byConcern = new Map<string, Map<string, TerraformResource>>();
  const adopted = new Set<string>();
  for (const entry of adoption.entries) {
    let resources = byConcern.get(entry.concern);
    if (!resources) {
      resources = targets.resources(entry.concern);
      byConcern.set(entry.concern, resources);
    }
    const resource = resources.get(entry.address);
    const problem = resource
      ? unadoptable(entry, resource, targets.zoneOf)
      : missingResource(entry, targets.stackName(entry.concern), resources);
    if (problem) {
      problems.push(problem);
      continue;
    }
    adopted.add(entry.address);
    if (entry.id !== CREATE) importExisting(resource!, entry.id);
  }
  problems.push(...primaryIpsLeftOut(adoption.entries, adopted, targets.servers));
  return problems;
}

/** The problem of an entry whose address names no resource of its stack. */
function missingResource(
  entry: AdoptEntry,
  stackName: string,
  resources: ReadonlyMap<string, TerraformResource>,
): ConfigProblem {
  const sameType = [...resources.keys()].filter((a) => a.startsWith(`${entry.type}.`));
  return entryProblem(
    entry,
    `stack ${stackName} has no resource ${entry.address}`,
    suggestionHint(entry.address, sameType, `${entry.type} addresses`),
  );
}

/** Why the entry's resource cannot be adopted with the entry's id (already adopted, wrong id), or undefined. */
function unadoptable(
  entry: AdoptEntry,
  resource: TerraformResource,
  zoneOf: ReadonlyMap<TerraformResource, string>,
): ConfigProblem | undefined {
  const before = importIdOf(resource);
  if (before !== undefined) {
    return entryProblem(
      entry,
      `${entry.address} is already adopted by the environment's overlay (import_id / import_primary_ips: ${before})`,
      "keep one of the two: remove the entry here, or the ids in the overlay",
    );
  }
  const mismatch = idMismatch(entry.type, entry.id, resource, zoneOf.get(resource));
  if (mismatch) {
    return entryProblem(entry, `${JSON.stringify(entry.id)} is not the import id of ${entry.address}: ${mismatch}`);
  }
  return undefined;
}

/** Why an id cannot be the one of this resource (zones and record sets, whose ids are names), or undefined. */
function idMismatch(
  type: string,
  id: string,
  resource: TerraformResource,
  zone: string | undefined,
): string | undefined {
  if (id === CREATE && type !== "hcloud_primary_ip") return `"create" is only for primary IPs`;
  if (zone === undefined) return undefined;
  const own = resource as unknown as { nameInput?: string; typeInput?: string };
  if (type === "hcloud_zone" && zone !== id) return `the zone is ${JSON.stringify(zone)}`;
  if (type === "hcloud_zone_rrset") {
    const expected = `${zone}/${own.nameInput}/${own.typeInput}`;
    if (expected !== id) return `this record set is ${JSON.stringify(expected)}`;
  }
  return undefined;
}

/** An adopted server without its primary IPs would get new ones linked, and lose its own. */
function primaryIpsLeftOut(
  entries: readonly AdoptEntry[],
  adopted: ReadonlySet<string>,
  servers: Iterable<Server>,
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const entry of entries) {
    if (entry.type !== "hcloud_server" || !adopted.has(entry.address)) continue;
    const server = [...servers].find((s) => s.server.friendlyUniqueId === entry.address.split(".")[1]);
    if (!server) continue;
    for (const ip of [server.ipv6PrimaryIp, server.ipv4PrimaryIp]) {
      if (!ip) continue;
      const address = `hcloud_primary_ip.${ip.friendlyUniqueId}`;
      if (!adopted.has(address) && importIdOf(ip) === undefined) {
        problems.push(
          entryProblem(
            entry,
            `${entry.address} is adopted without ${address}: linking a new primary IP ` +
              `to an existing server deletes its current address`,
            `add servers.${address} with the id of the server's current address (all2all ` +
              `adopt finds it), or id: create if it has none of that family`,
          ),
        );
      }
    }
  }
  return problems;
}
