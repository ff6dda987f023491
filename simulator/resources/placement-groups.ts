/**
 * Placement groups (`/placement_groups`), type `spread` (the only one Hetzner
 * has): at most 10 servers, each on its own host. The `servers` list is read
 * from the servers themselves, so it is always current; deleting a group takes
 * its servers out of it.
 */
import { ApiError, type Sim, checkLabels, checkUniqueName, invalidInput, ok, requireString } from "../core";
import { type ResourceNames, deleteRoute, namedView, queryFilter, readRoutes, updateNameAndLabels } from "../crud";
import { serverCollection } from "./server-links";

export const PLACEMENT_GROUPS = "placement_groups";
/** Servers a spread group takes (Hetzner's limit). */
export const SPREAD_GROUP_MAX = 10;

export interface PlacementGroupRecord {
  id: number;
  name: string;
  labels: Record<string, string>;
  type: "spread";
  created: string;
}

export const placementGroups = (sim: Sim): Map<number, PlacementGroupRecord> =>
  sim.collection<PlacementGroupRecord>(PLACEMENT_GROUPS);

/** The servers in a group, by ID. */
export function membersOf(sim: Sim, groupId: number): number[] {
  return [...serverCollection(sim).values()]
    .filter((s) => s.placement_group === groupId)
    .map((s) => s.id)
    .sort((a, b) => a - b);
}

export function placementGroupView(sim: Sim, g: PlacementGroupRecord): Record<string, unknown> {
  return {
    ...namedView(g),
    type: g.type,
    created: g.created,
    servers: membersOf(sim, g.id),
  };
}

/** The group a request names, or `invalid_input` on `field`; `placement_error` when it is full. */
export function groupWithRoom(sim: Sim, id: unknown, field: string): PlacementGroupRecord {
  const g = typeof id === "number" ? placementGroups(sim).get(id) : undefined;
  if (!g) throw invalidInput(field, `placement group ${JSON.stringify(id)} not found`);
  if (membersOf(sim, g.id).length >= SPREAD_GROUP_MAX) {
    throw new ApiError(
      422,
      "placement_error",
      `placement group ${g.id} already holds ${SPREAD_GROUP_MAX} servers, the most a spread group takes`,
    );
  }
  return g;
}

const NAMES: ResourceNames = { plural: "placement_groups", singular: "placement_group", what: "placement group" };

export function registerPlacementGroups(sim: Sim): void {
  const col = placementGroups(sim);
  const view = (g: PlacementGroupRecord) => placementGroupView(sim, g);
  const get = readRoutes(sim, col, { ...NAMES, view, filter: queryFilter("type", (g) => g.type, { repeated: true }) });

  sim.route("cloud", "POST", "/placement_groups", (req) => {
    const name = requireString(req.body, "name");
    if (req.body.type !== "spread") throw invalidInput("type", "must be spread");
    const labels = checkLabels(req.body.labels);
    checkUniqueName(col, name, "placement group");
    const g: PlacementGroupRecord = { id: sim.id(), name, labels, type: "spread", created: sim.now() };
    col.set(g.id, g);
    return ok({ placement_group: view(g), action: null }, 201);
  });

  sim.route("cloud", "PUT", "/placement_groups/:id", (req) => {
    const g = get(req);
    updateNameAndLabels(col, g, req.body, "placement group");
    return ok({ placement_group: view(g) });
  });

  deleteRoute(sim, col, NAMES, (g) => {
    for (const s of serverCollection(sim).values()) if (s.placement_group === g.id) s.placement_group = null;
  });
}
