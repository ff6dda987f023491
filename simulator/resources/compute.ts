/**
 * The compute family of the simulated Cloud API: the offer (locations, server
 * types, images, ISOs; the removed datacenters), servers, SSH keys, placement
 * groups, primary and floating IPs (with reverse DNS), volumes; and each
 * resource's action list (`GET /<resource>/:id/actions`, `…/actions/:action_id`).
 *
 * Each resource lives in its own module; this file registers them all.
 * Collections (`sim.collection(name)`), for modules that must read them:
 * `servers`, `ssh_keys`, `placement_groups`, `primary_ips`, `floating_ips`,
 * `volumes`, each keyed by ID and holding the records typed in those modules.
 */
import { type Action, type Sim, idParam, mustGet, notFound, ok, paginate } from "../core";
import { registerFloatingIps } from "./floating-ips";
import { registerOffer } from "./offer";
import { registerPlacementGroups } from "./placement-groups";
import { registerPrimaryIps } from "./primary-ips";
import { registerServers } from "./servers";
import { registerSshKeys } from "./ssh-keys";
import { registerVolumes } from "./volumes";

/** Each resource with actions: its path segment, the type its actions name, and what its 404 calls it. */
const ACTION_OWNERS = [
  { path: "servers", type: "server", what: "server" },
  { path: "primary_ips", type: "primary_ip", what: "primary IP" },
  { path: "floating_ips", type: "floating_ip", what: "floating IP" },
  { path: "volumes", type: "volume", what: "volume" },
] as const;

export function registerCompute(sim: Sim): void {
  registerOffer(sim);
  registerSshKeys(sim);
  registerPlacementGroups(sim);
  registerPrimaryIps(sim);
  registerFloatingIps(sim);
  registerVolumes(sim);
  registerServers(sim);
  for (const owner of ACTION_OWNERS) registerActionLists(sim, owner);
}

/**
 * The actions of one resource, filtered by `status` and sorted as Hetzner sorts them (by id unless `sort` says
 * otherwise).
 */
function registerActionLists(sim: Sim, owner: (typeof ACTION_OWNERS)[number]): void {
  const actionsOf = (id: number): Action[] =>
    [...sim.actions.values()].filter((a) => a.resources.some((r) => r.id === id && r.type === owner.type));

  sim.route("cloud", "GET", `/${owner.path}/:id/actions`, (req) => {
    const id = idParam(req, owner.what);
    mustGet(sim.collection(owner.path), id, owner.what);
    const statuses = req.query.getAll("status");
    const list = actionsOf(id)
      .map((a) => sim.readAction(a.id)!)
      .filter((a) => statuses.length === 0 || statuses.includes(a.status));
    const sort = req.query.get("sort");
    if (sort === "id:desc") list.reverse();
    return paginate("actions", list, req.query);
  });

  sim.route("cloud", "GET", `/${owner.path}/:id/actions/:action_id`, (req) => {
    const id = idParam(req, owner.what);
    mustGet(sim.collection(owner.path), id, owner.what);
    const actionId = idParam(req, "action", "action_id");
    if (!actionsOf(id).some((a) => a.id === actionId)) throw notFound("action", actionId);
    return ok({ action: sim.readAction(actionId) });
  });
}
