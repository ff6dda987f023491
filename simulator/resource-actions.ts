/**
 * The action routes of one resource, as Hetzner answers them for zones and
 * storage boxes: the actions whose resources include it, from the shared
 * store of actions (see actions.ts), each read as {@link Sim.readAction}
 * reads it.
 *
 * Imports: ./core only.
 */
import { type Action, type Api, type Sim, type SimRequest, notFound, ok, paginate } from "./core";

/** Whether the action concerns the resource `id` of `type`. */
const concerns =
  (type: string, id: number) =>
  (a: Action): boolean =>
    a.resources.some((r) => r.type === type && r.id === id);

/**
 * Registers `GET <base>/actions` (paginated) and `GET <base>/actions/:action`
 * (`not_found` for an action of another resource) on `api`; `idOf` gives the
 * id of the resource the path names (or throws its `not_found`).
 */
export function resourceActionRoutes(
  sim: Sim,
  api: Api,
  base: string,
  type: string,
  idOf: (req: SimRequest) => number,
): void {
  sim.route(api, "GET", `${base}/actions`, (req) => {
    const mine = concerns(type, idOf(req));
    const list = [...sim.actions.values()]
      .filter(mine)
      .map((a) => sim.readAction(a.id))
      .filter((a): a is Action => a !== undefined);
    return paginate("actions", list, req.query);
  });

  sim.route(api, "GET", `${base}/actions/:action`, (req) => {
    const mine = concerns(type, idOf(req));
    const raw = req.params.action ?? "";
    const found = /^\d+$/.test(raw) ? sim.actions.get(Number(raw)) : undefined;
    if (!found || !mine(found)) throw notFound("action", raw);
    return ok({ action: sim.readAction(found.id) });
  });
}
