/**
 * Servers (`/servers`) and their actions, as Hetzner answers them today: the
 * server has a top-level `location` (no `datacenter` since July 2026), its
 * `public_net` shows the primary IPs assigned to it (created by the API, with
 * `auto_delete`, when `enable_ipv4`/`enable_ipv6` come without an ID), its
 * `volumes`, floating IPs and placement group.
 *
 * The networking module takes its part through the core's hooks, never
 * through this file: it receives every new server (`sim.created("server", …)`,
 * called before the server is stored, so it may refuse the request), adds
 * `public_net.firewalls` and `private_net` to the view (`sim.view`), and
 * hears of deletes (`sim.deleted`). Its action routes
 * (`attach_to_network`, `detach_from_network`, `change_alias_ips`) are its
 * own: every action here is registered by its literal name.
 *
 * Rules kept (API reference): a retired or unknown server type, image or
 * location is refused; a type is only sold in its listed locations
 * ("unsupported location for server type"); `change_type` and
 * `add_to_placement_group` need the server off; `change_type` keeps the
 * storage type and never shrinks the disk; delete and rebuild protection must
 * be equal; a protected server is neither deleted nor rebuilt; on delete the
 * server's primary IPs are unassigned (deleted when `auto_delete`), its
 * volumes detached and its floating IPs unassigned.
 *
 * The record and view are in server-record.ts, the create in server-create.ts,
 * the actions in server-actions.ts, the fields they share in server-fields.ts.
 */
import { type Sim, checkLabels, ok, protectedError } from "../core";
import { type ResourceNames, queryFilter, readRoutes, removeRecord } from "../crud";
import { releaseFloatingIps } from "./floating-ips";
import { primaryIps } from "./primary-ips";
import { SERVER_ACTION_TABLE } from "./server-actions";
import { createServer } from "./server-create";
import { type ServerRecord, checkServerName, serverView, servers } from "./server-record";
import { releaseVolumes } from "./volumes";

/** DELETE /servers/:id: refused while protected; frees what the server held. */
function deleteServer(sim: Sim, s: ServerRecord) {
  if (s.protection.delete) throw protectedError("server", s.id);
  for (const p of [...primaryIps(sim).values()]) {
    if (p.assignee_id !== s.id) continue;
    if (p.auto_delete) removeRecord(sim, primaryIps(sim), "primary_ip", p.id);
    else p.assignee_id = null;
  }
  releaseVolumes(sim, s.id);
  releaseFloatingIps(sim, s.id);
  removeRecord(sim, servers(sim), "server", s.id);
  return { action: sim.action("delete_server", [{ id: s.id, type: "server" }]) };
}
const NAMES: ResourceNames = { plural: "servers", singular: "server", what: "server" };

export function registerServers(sim: Sim): void {
  const col = servers(sim);
  const view = (s: ServerRecord) => serverView(sim, s);
  const filter = queryFilter("status", (s: ServerRecord) => s.status, { repeated: true });
  const get = readRoutes(sim, col, { ...NAMES, view, filter });
  sim.route("cloud", "POST", "/servers", (req) => ok(createServer(sim, req.body), 201));
  sim.route("cloud", "PUT", "/servers/:id", (req) => {
    const s = get(req);
    if (req.body.name !== undefined) s.name = checkServerName(sim, req.body.name, s.id);
    if (req.body.labels !== undefined) s.labels = checkLabels(req.body.labels);
    return ok({ server: view(s) });
  });
  sim.route("cloud", "DELETE", "/servers/:id", (req) => ok(deleteServer(sim, get(req))));

  for (const [name, { command, run }] of Object.entries(SERVER_ACTION_TABLE)) {
    sim.route("cloud", "POST", `/servers/:id/actions/${name}`, (req) => {
      const s = get(req);
      const extra = run(sim, s, req.body) ?? {};
      return ok({ ...extra, action: sim.action(command, [{ id: s.id, type: "server" }]) }, 201);
    });
  }
}

/** The action routes this module registers (for tests and the report of what the simulator covers). */
export const SERVER_ACTIONS: readonly string[] = Object.keys(SERVER_ACTION_TABLE);
