/**
 * The handler shapes the Cloud API's resource modules share: the list and
 * read routes of a collection, the opening fields of a view, the record a
 * path names, the `name` and `labels` of an update, removing a record,
 * delete protection, the read routes of a resource's actions, and all of
 * these together for a resource with actions.
 *
 * Why: Hetzner answers these the same way for every resource (its list query,
 * `not_found` for an unknown id, names unique per project, labels by its
 * rules); written once here, each module under resources/ keeps only what is
 * its own (extra list filters, create, the checks before a delete).
 *
 * Imports: ./core only.
 */
import {
  type Sim,
  type SimRequest,
  checkLabels,
  checkUniqueName,
  filterList,
  idParam,
  invalidInput,
  mustGet,
  noContent,
  notFound,
  ok,
  paginate,
  protectedError,
  requireString,
} from "./core";

/** How the API names a resource. */
export interface ResourceNames {
  /** The path segment below the API and the list's key, e.g. `placement_groups`. */
  readonly plural: string;
  /** The key of one record in an answer, and the type actions and delete hooks name it by, e.g. `placement_group`. */
  readonly singular: string;
  /** The resource as its errors name it, e.g. `placement group`. */
  readonly what: string;
}

/** A list's own filter: built from the request's query, it tests one record. */
export type ListFilter<T> = (query: URLSearchParams) => (record: T) => boolean;

/** What the list and read routes of a collection need to know (see {@link readRoutes}). */
export interface ReadRoutes<T> extends ResourceNames {
  /** The record as the API answers it. */
  readonly view: (record: T) => unknown;
  /**
   * The list's own filter, built from the query, on top of `name`,
   * `label_selector` and `id` (`status`, `type`, …).
   * @default - none
   */
  readonly filter?: ListFilter<T>;
}

/**
 * The fields a named resource's view opens with, in Hetzner's order: `id`,
 * `name` and a copy of `labels` (changing the answer leaves the record as it is).
 */
export function namedView(record: { id: number; name: string; labels: Record<string, string> }): {
  id: number;
  name: string;
  labels: Record<string, string>;
} {
  return { id: record.id, name: record.name, labels: { ...record.labels } };
}

/** The record of `c` that a path's `:id` names, or `not_found` (a malformed id included). */
export function recordGetter<T>(c: Map<number, T>, what: string): (req: SimRequest) => T {
  return (req) => mustGet(c, idParam(req, what), what);
}

/**
 * Registers `GET /<plural>` (filtered as Hetzner's lists are, then by the
 * spec's own filter; paginated) and `GET /<plural>/:id` on the Cloud API.
 * Returns the getter of the record a path's `:id` names, for the other routes.
 */
export function readRoutes<T extends { id: number; name?: string; labels?: Record<string, string> }>(
  sim: Sim,
  c: Map<number, T>,
  spec: ReadRoutes<T>,
): (req: SimRequest) => T {
  const get = recordGetter(c, spec.what);
  sim.route("cloud", "GET", `/${spec.plural}`, (req) => {
    const own = spec.filter?.(req.query);
    const list = filterList(c.values(), req.query);
    return paginate(spec.plural, (own ? list.filter(own) : list).map(spec.view), req.query);
  });
  sim.route("cloud", "GET", `/${spec.plural}/:id`, (req) => ok({ [spec.singular]: spec.view(get(req)) }));
  return get;
}

/**
 * A list filter on one query parameter: the records whose `value` is one
 * given, or every record when the parameter is absent. With `repeated`, every
 * occurrence counts (`?status=running&status=off`); otherwise only the first
 * (`?fingerprint=…`).
 */
export function queryFilter<T>(
  param: string,
  value: (record: T) => string,
  options: { readonly repeated?: boolean } = {},
): ListFilter<T> {
  return (query) => {
    const wanted = options.repeated ? query.getAll(param) : query.getAll(param).slice(0, 1);
    return (record) => wanted.length === 0 || wanted.includes(value(record));
  };
}

/**
 * Applies an update's `name` and `labels` to `record`, each only when the
 * body has it: the name a non-empty string no other record of `c` has, the
 * labels valid by Hetzner's rules (`invalid_input` or `uniqueness_error` otherwise).
 */
export function updateNameAndLabels<T extends { id: number; name: string; labels: Record<string, string> }>(
  c: Map<number, T>,
  record: T,
  body: Record<string, unknown>,
  what: string,
): void {
  if (body.name !== undefined) {
    const name = requireString(body, "name");
    checkUniqueName(c, name, what, record.id);
    record.name = name;
  }
  if (body.labels !== undefined) record.labels = checkLabels(body.labels);
}

/** Removes the record `id` from `c` and tells every module that a `type` is gone ({@link Sim.deleted}). */
export function removeRecord(sim: Sim, c: Map<number, unknown>, type: string, id: number): void {
  c.delete(id);
  sim.deleted(type, id);
}

/**
 * Registers `DELETE /<plural>/:id`: refused (`protected`) while the record's
 * delete protection is on; then `before` may refuse too (an ApiError) or
 * release what the record holds; then the record is removed
 * ({@link removeRecord}) and the answer is 204.
 */
export function deleteRoute<T extends { id: number; protection?: { delete: boolean } }>(
  sim: Sim,
  c: Map<number, T>,
  names: ResourceNames,
  before?: (record: T) => void,
): void {
  const get = recordGetter(c, names.what);
  sim.route("cloud", "DELETE", `/${names.plural}/:id`, (req) => {
    const record = get(req);
    if (record.protection?.delete) throw protectedError(names.what, record.id);
    before?.(record);
    removeRecord(sim, c, names.singular, record.id);
    return noContent();
  });
}

/**
 * Registers `POST /<plural>/:id/actions/change_protection` for a resource
 * whose only protection is `delete` (volumes, floating and primary IPs):
 * validates the body, lets `check` refuse it, sets the flag and answers the
 * action.
 */
export function deleteProtectionRoute<T extends { id: number; protection: { delete: boolean } }>(
  sim: Sim,
  names: ResourceNames,
  get: (req: SimRequest) => T,
  check?: (record: T, del: boolean) => void,
): void {
  sim.route("cloud", "POST", `/${names.plural}/:id/actions/change_protection`, (req) => {
    const record = get(req);
    const del = req.body.delete;
    if (typeof del !== "boolean") throw invalidInput("delete", "must be a boolean");
    check?.(record, del);
    record.protection.delete = del;
    return ok({ action: sim.action("change_protection", [{ id: record.id, type: names.singular }]) }, 201);
  });
}

/** The actions on one resource (`GET /<resource>/{id}/actions`), newest last, filtered by `status`. */
function resourceActions(sim: Sim, req: SimRequest, id: number, type: string) {
  const statuses = req.query.getAll("status");
  const list = [...sim.actions.values()]
    .filter((a) => a.resources.some((r) => r.id === id && r.type === type))
    .map((a) => sim.readAction(a.id)!)
    .filter((a) => statuses.length === 0 || statuses.includes(a.status));
  return paginate("actions", list, req.query);
}

/** The action with that id, if it concerns the resource (`GET /<resource>/{id}/actions/{action_id}`). */
function resourceAction(sim: Sim, req: SimRequest, id: number, type: string) {
  const actionId = idParam(req, "action", "action_id");
  const a = sim.actions.get(actionId);
  if (!a?.resources.some((r) => r.id === id && r.type === type)) throw notFound("action", actionId);
  return ok({ action: sim.readAction(actionId) });
}

/**
 * Registers `GET /<plural>/:id/actions` and `GET /<plural>/:id/actions/:action_id`:
 * the actions on the record `get` finds, as {@link resourceActions} and {@link resourceAction} answer them.
 * (Zones and storage boxes answer theirs as ./resource-actions.ts does: no `status` filter there.)
 */
export function actionReadRoutes<T extends { id: number }>(
  sim: Sim,
  names: ResourceNames,
  get: (req: SimRequest) => T,
): void {
  sim.route("cloud", "GET", `/${names.plural}/:id/actions`, (req) =>
    resourceActions(sim, req, get(req).id, names.singular),
  );
  sim.route("cloud", "GET", `/${names.plural}/:id/actions/:action_id`, (req) =>
    resourceAction(sim, req, get(req).id, names.singular),
  );
}

/** What {@link resourceRoutes} needs to know: the read routes' spec, and what runs before a delete. */
export interface ResourceRoutes<T> extends ReadRoutes<T> {
  /**
   * Runs before a record is deleted (see {@link deleteRoute}): may refuse (an ApiError) or release what it holds.
   * @default - nothing
   */
  readonly beforeDelete?: (record: T) => void;
}

/**
 * Registers the routes Hetzner answers alike for a resource with actions: its list and read routes
 * ({@link readRoutes}), `DELETE` ({@link deleteRoute}) and the read routes of its actions ({@link actionReadRoutes}).
 * Returns the getter of the record a path's `:id` names, for the module's own routes (create, update, actions).
 */
export function resourceRoutes<
  T extends { id: number; name?: string; labels?: Record<string, string>; protection?: { delete: boolean } },
>(sim: Sim, c: Map<number, T>, spec: ResourceRoutes<T>): (req: SimRequest) => T {
  const get = readRoutes(sim, c, spec);
  deleteRoute(sim, c, spec, spec.beforeDelete);
  actionReadRoutes(sim, spec, get);
  return get;
}
