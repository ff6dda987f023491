/**
 * `/actions` on both APIs: one store of actions, polled by id as hcloud-go's
 * waiter does (`GET /actions?id=1&id=2`), or one at a time (`/actions/{id}`,
 * `/<resource>/actions/{id}`).
 */
import { type Sim, type Action, idParam, notFound, ok, paginate } from "../core";

export function registerActions(sim: Sim): void {
  for (const api of ["cloud", "hetzner"] as const) {
    sim.route(api, "GET", "/actions", (req) => {
      const ids = req.query.getAll("id").map(Number);
      const list = ids.map((id) => sim.readAction(id)).filter((a): a is Action => a !== undefined);
      return paginate("actions", list, req.query);
    });
    sim.route(api, "GET", "/actions/:id", (req) => {
      const a = sim.readAction(idParam(req, "action"));
      if (!a) throw notFound("action", req.params.id);
      return ok({ action: a });
    });
    sim.route(api, "GET", "/:resource/actions/:id", (req) => {
      const a = sim.readAction(idParam(req, "action"));
      if (!a) throw notFound("action", req.params.id);
      return ok({ action: a });
    });
  }
}
