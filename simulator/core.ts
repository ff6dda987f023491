/**
 * The simulated Hetzner Cloud's core: what every resource module shares.
 *
 * Why: the real hcloud provider must be able to create, read, update, import
 * and delete everything the project synthesises, offline. Each resource family
 * lives in its own module under resources/ and registers its routes on a
 * {@link Sim}; this file holds the behaviour Hetzner documents for all of them:
 * numeric ids, actions that run and then complete, label selectors,
 * pagination, and errors in Hetzner's format (`{ "error": { code, message,
 * details } }`). The JSON shapes follow hcloud-go's `hcloud/schema` package
 * (facts only; no code is taken from it).
 *
 * Imports: node only (and its own parts: ./errors, ./labels, re-exported here).
 * Entry point for callers: simulator/server.ts.
 */
import { ApiError, invalidInput, notFound, uniquenessError } from "./errors";

export { ApiError, invalidInput, notFound, protectedError, uniquenessError } from "./errors";
export { checkLabels, filterList, labelSelector, nameAndLabelFilter } from "./labels";

/** One API of the two the provider talks to: the Cloud API and the Hetzner API (storage boxes). */
export type Api = "cloud" | "hetzner";

/** A request as a handler sees it. */
export interface SimRequest {
  readonly api: Api;
  readonly method: string;
  /** The path below the API's base, e.g. `/servers/12`. */
  readonly path: string;
  /** Named segments of the route's pattern (`:id` → `params.id`). */
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  /** The parsed JSON body (an empty object when there is none). */
  readonly body: Record<string, any>;
}

/** What a handler answers: a status and a JSON body (null for 204). */
export interface SimResponse {
  readonly status: number;
  readonly body: unknown;
}

export type Handler = (req: SimRequest) => SimResponse;

interface Route {
  readonly api: Api;
  readonly method: string;
  readonly segments: readonly string[];
  readonly handler: Handler;
}

/** An action: created running, complete at the next read (Hetzner's actions run asynchronously). */
export interface Action {
  id: number;
  command: string;
  status: "running" | "success" | "error";
  progress: number;
  started: string;
  finished: string | null;
  error: { code: string; message: string } | null;
  resources: { id: number; type: string }[];
}

/** One entry of the request log: what the provider called, and what it was told. */
export interface LoggedRequest {
  readonly api: Api;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly body?: unknown;
}

export const ok = (body: unknown, status = 200): SimResponse => ({ status, body });
export const noContent = (): SimResponse => ({ status: 204, body: null });

/**
 * The simulator's state and router. Resources are kept in named collections of
 * plain JSON objects, in the shape the API returns them.
 */
export class Sim {
  private nextId = 1;
  private readonly routes: Route[] = [];
  private readonly collections = new Map<string, Map<number, any>>();
  readonly actions = new Map<number, Action>();
  /** Every request, in order (bodies of writes kept, for tests that compare what reached the API). */
  readonly log: LoggedRequest[] = [];
  /** Routes that were called but do not exist: a gap in the simulator, never silent. */
  readonly missing: string[] = [];
  /**
   * Actions finish as they are created, instead of when first polled. The
   * provider then does not wait (hcloud-go polls only running actions, after
   * at least 500 ms): the rehearsal's speed. Off by default, so that polling
   * is exercised.
   */
  instantActions = false;
  /** Where a line is written for each missing route (stderr by default). */
  warn: (line: string) => void = (line) => process.stderr.write(`${line}\n`);

  private readonly viewHooks = new Map<string, ((record: any, view: any) => void)[]>();
  private readonly deleteHooks = new Map<string, ((id: number) => void)[]>();
  private readonly createHooks = new Map<string, ((record: any, body: Record<string, any>) => void)[]>();

  /**
   * Lets a module take its part of another's create request: the networks
   * module attaches `networks` of a new server, the firewalls module applies
   * `firewalls`. A hook may throw an ApiError to refuse the request; the
   * creating module calls {@link created} before it stores the record.
   */
  onCreate(type: string, hook: (record: any, body: Record<string, any>) => void): void {
    const list = this.createHooks.get(type) ?? [];
    list.push(hook);
    this.createHooks.set(type, list);
  }

  /** Runs every module's create hook for a new record of `type` (call it from the create handler). */
  created(type: string, record: unknown, body: Record<string, any>): void {
    for (const hook of this.createHooks.get(type) ?? []) hook(record, body);
  }

  /**
   * Lets one module add what it owns to another's view: the firewalls module
   * adds `public_net.firewalls` to a server, the networks module `private_net`.
   */
  extendView(type: string, hook: (record: any, view: any) => void): void {
    const list = this.viewHooks.get(type) ?? [];
    list.push(hook);
    this.viewHooks.set(type, list);
  }

  /** The view of a record of `type` with every module's additions (call it when answering). */
  view<T>(type: string, record: unknown, base: T): T {
    for (const hook of this.viewHooks.get(type) ?? []) hook(record, base);
    return base;
  }

  /** Lets a module react when a resource of another is deleted (a server's network attachments, say). */
  onDelete(type: string, hook: (id: number) => void): void {
    const list = this.deleteHooks.get(type) ?? [];
    list.push(hook);
    this.deleteHooks.set(type, list);
  }

  /** Tells every module that a resource of `type` was deleted (call it from the delete handler). */
  deleted(type: string, id: number): void {
    for (const hook of this.deleteHooks.get(type) ?? []) hook(id);
  }

  /** A new numeric id, unique across every resource type (Hetzner's are unique per type). */
  id(): number {
    return this.nextId++;
  }

  now(): string {
    return new Date().toISOString().replace(/\.\d{3}Z$/, "+00:00");
  }

  /** The collection called `name` (created empty on first use). */
  collection<T = any>(name: string): Map<number, T> {
    let c = this.collections.get(name);
    if (!c) {
      c = new Map();
      this.collections.set(name, c);
    }
    return c as Map<number, T>;
  }

  /** Registers a route; `pattern` is a path with `:name` segments, e.g. `/servers/:id/actions/:action`. */
  route(api: Api, method: string, pattern: string, handler: Handler): void {
    this.routes.push({ api, method, segments: pattern.split("/").filter(Boolean), handler });
  }

  /** A new action on the given resources, running until it is next read. */
  action(command: string, resources: { id: number; type: string }[]): Action {
    const a: Action = {
      id: this.id(),
      command,
      status: "running",
      progress: 0,
      started: this.now(),
      finished: null,
      error: null,
      resources,
    };
    if (this.instantActions) {
      a.status = "success";
      a.progress = 100;
      a.finished = a.started;
    }
    this.actions.set(a.id, a);
    return a;
  }

  /** An action as the API shows it now: a running action is done once it has been seen once. */
  readAction(id: number): Action | undefined {
    const a = this.actions.get(id);
    if (!a) return undefined;
    const view = { ...a, resources: a.resources.map((r) => ({ ...r })) };
    if (a.status === "running") {
      a.status = "success";
      a.progress = 100;
      a.finished = this.now();
    }
    return view;
  }

  /** Answers one request: routes it, turns errors into Hetzner's format, logs it. */
  handle(api: Api, method: string, path: string, query: URLSearchParams, body: Record<string, any>): SimResponse {
    const segments = path.split("/").filter(Boolean);
    let response: SimResponse;
    const route = this.match(api, method, segments);
    if (!route) {
      const line = `simulator: no route for ${method} ${path} (${api} API)`;
      this.missing.push(`${method} ${path}`);
      this.warn(line);
      response = errorResponse(new ApiError(404, "not_found", `no route for ${method} ${path} in the simulator`));
    } else {
      try {
        response = route.handler({ api, method, path, params: route.params, query, body });
      } catch (e) {
        if (!(e instanceof ApiError)) throw e;
        response = errorResponse(e);
      }
    }
    const entry: LoggedRequest = { api, method, path, status: response.status };
    this.log.push(method === "GET" ? entry : { ...entry, body });
    return response;
  }

  private match(
    api: Api,
    method: string,
    segments: string[],
  ): { handler: Handler; params: Record<string, string> } | undefined {
    // Literal segments win over parameters (`/servers/actions/1` before `/servers/:id`).
    let best: { handler: Handler; params: Record<string, string>; literals: number } | undefined;
    for (const r of this.routes) {
      if (r.api !== api || r.method !== method || r.segments.length !== segments.length) continue;
      const params: Record<string, string> = {};
      let literals = 0;
      let matched = true;
      for (let i = 0; i < segments.length; i++) {
        const p = r.segments[i]!;
        const s = segments[i]!;
        if (p.startsWith(":")) params[p.slice(1)] = decodeURIComponent(s);
        else if (p === s) literals++;
        else {
          matched = false;
          break;
        }
      }
      if (matched && (!best || literals > best.literals)) best = { handler: r.handler, params, literals };
    }
    return best;
  }
}

export function errorResponse(e: ApiError): SimResponse {
  return { status: e.status, body: { error: { code: e.code, message: e.message, details: e.details } } };
}

/** The numeric id of a path parameter, or `not_found` (Hetzner answers 404 for a malformed id too). */
export function idParam(req: SimRequest, what: string, name = "id"): number {
  const raw = req.params[name] ?? "";
  if (!/^\d+$/.test(raw)) throw notFound(what, raw);
  return Number(raw);
}

/** The resource with that id in the collection, or `not_found`. */
export function mustGet<T>(c: Map<number, T>, id: number, what: string): T {
  const r = c.get(id);
  if (r === undefined) throw notFound(what, id);
  return r;
}

/**
 * A page of a list: `page` and `per_page` (default 25, at most 50) as Hetzner
 * paginates, with `meta.pagination`.
 */
export function paginate(key: string, items: readonly unknown[], query: URLSearchParams): SimResponse {
  const perPageRaw = Number(query.get("per_page") ?? 25);
  const perPage = Number.isInteger(perPageRaw) && perPageRaw > 0 ? Math.min(perPageRaw, 50) : 25;
  const pageRaw = Number(query.get("page") ?? 1);
  const page = Number.isInteger(pageRaw) && pageRaw > 0 ? pageRaw : 1;
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const slice = items.slice((page - 1) * perPage, page * perPage);
  return ok({
    [key]: slice,
    meta: {
      pagination: {
        page,
        per_page: perPage,
        previous_page: page > 1 ? page - 1 : null,
        next_page: page < last ? page + 1 : null,
        last_page: last,
        total_entries: items.length,
      },
    },
  });
}

/** A required string field of a request body, or `invalid_input`. */
export function requireString(body: Record<string, any>, field: string): string {
  const v = body[field];
  if (typeof v !== "string" || v === "") throw invalidInput(field, "is required");
  return v;
}

/**
 * The record of `c` that a body field names by its numeric id, or
 * `invalid_input` on `field` when the value is no id or names none.
 */
export function requireRef<T>(c: Map<number, T>, id: unknown, field: string, what: string): T {
  if (typeof id !== "number" || !Number.isInteger(id)) throw invalidInput(field, `must be a ${what} ID`);
  const r = c.get(id);
  if (r === undefined) throw invalidInput(field, `${what} with ID ${id} not found`);
  return r;
}

/** Refuses a name that another resource of the collection already has (Hetzner's names are unique per project). */
export function checkUniqueName(
  c: Map<number, { id: number; name?: string }>,
  name: string,
  what: string,
  self?: number,
): void {
  for (const r of c.values()) if (r.name === name && r.id !== self) throw uniquenessError(what, name);
}
