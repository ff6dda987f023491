/**
 * What the resources that hang on one server share (volumes, floating IPs,
 * primary IPs): the server a request names, the resources of an action that
 * links the two, and the pair of actions that link a record to a server and
 * take it off again.
 *
 * Imports: ../core; ../crud and ./servers for types only (servers.ts imports
 * the modules that use this one).
 */
import { type Sim, type SimRequest, ok, requireRef } from "../core";
import type { ResourceNames } from "../crud";
import type { ServerRecord } from "./server-record";

/** The servers' collection, read without importing the servers module. */
export const serverCollection = (sim: Sim): Map<number, ServerRecord> => sim.collection<ServerRecord>("servers");

/** A resource as an action lists it. */
export interface ActionResource {
  readonly id: number;
  readonly type: string;
}

/** A record that is linked to at most one server (`server`: its ID, or null). */
export interface ServerLinked {
  id: number;
  server: number | null;
}

/** The server a body field names by ID, or `invalid_input` on `field`. */
export function requireServer(sim: Sim, id: unknown, field: string): ServerRecord {
  return requireRef(serverCollection(sim), id, field, "server");
}

/** The resources of an action on the record `id` of `type`, and on its server when there is one (in that order). */
export function withServer(type: string, id: number, server: number | null): ActionResource[] {
  return [{ id, type }, ...(server === null ? [] : [{ id: server, type: "server" }])];
}

/** The IDs of the records of `c` linked to the server. */
export function linkedTo(c: Map<number, ServerLinked>, serverId: number): number[] {
  return [...c.values()].filter((r) => r.server === serverId).map((r) => r.id);
}

/** Unlinks every record of `c` from a server (that is being deleted). */
export function unlinkAll(c: Map<number, ServerLinked>, serverId: number): void {
  for (const r of c.values()) if (r.server === serverId) r.server = null;
}

/** The route names of the two actions of {@link serverLinkRoutes}, e.g. `attach` and `detach`. */
export interface LinkActions {
  /** Links the record to the server of the body's `server` (`attach`, `assign`). */
  readonly link: string;
  /** Takes the record off its server, if it has one (`detach`, `unassign`). */
  readonly unlink: string;
}

/**
 * Registers `POST /<plural>/:id/actions/<link>` and `…/<unlink>`: each sets
 * or clears the record's `server` and answers an action on the record and
 * the server, whose command is the route name and the type
 * (`attach_volume`, `unassign_floating_ip`). `check` may refuse a link (an
 * ApiError) once the server is found.
 */
export function serverLinkRoutes<T extends ServerLinked>(
  sim: Sim,
  names: ResourceNames,
  get: (req: SimRequest) => T,
  actions: LinkActions,
  check?: (record: T, server: ServerRecord, body: Record<string, any>) => void,
): void {
  const type = names.singular;
  sim.route("cloud", "POST", `/${names.plural}/:id/actions/${actions.link}`, (req) => {
    const record = get(req);
    const server = requireServer(sim, req.body.server, "server");
    check?.(record, server, req.body);
    record.server = server.id;
    return ok({ action: sim.action(`${actions.link}_${type}`, withServer(type, record.id, server.id)) }, 201);
  });
  sim.route("cloud", "POST", `/${names.plural}/:id/actions/${actions.unlink}`, (req) => {
    const record = get(req);
    const resources = withServer(type, record.id, record.server);
    record.server = null;
    return ok({ action: sim.action(`${actions.unlink}_${type}`, resources) }, 201);
  });
}
