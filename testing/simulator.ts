/**
 * A simulator in the test's process, without HTTP: a Sim with the actions
 * and the given resource families, and `call`, which answers one request as
 * the server would (status and JSON body); {@link inProcessApi} for one of
 * the two APIs with the query in the path; {@link expectApiError} for an
 * answer in Hetzner's error format; {@link expectCreated},
 * {@link expectUpdated} and {@link expectRenamed} for a resource made or
 * changed as asked.
 */
import { type Api, Sim, type SimResponse } from "../simulator/core";
import { registerActions } from "../simulator/resources/actions";

export interface SimCall {
  readonly status: number;
  readonly body: any;
}

/** A Sim with the actions and the given resource families, its warnings silenced. */
function quietSim(families: readonly ((sim: Sim) => void)[]): Sim {
  const sim = new Sim();
  sim.warn = () => {};
  registerActions(sim);
  for (const register of families) register(sim);
  return sim;
}

export function inProcessSim(...families: ((sim: Sim) => void)[]): {
  sim: Sim;
  call: (method: string, path: string, body?: Record<string, any>, query?: string) => SimCall;
} {
  const sim = quietSim(families);
  const call = (method: string, path: string, body: Record<string, any> = {}, query = ""): SimCall => {
    const r = sim.handle("cloud", method, path, new URLSearchParams(query), body);
    return { status: r.status, body: r.body as any };
  };
  return { sim, call };
}

/**
 * A call on one API of an in-process simulator: the path may carry its query
 * (`/zones?name=x`); the answer is the response with its body also as `json`.
 */
export function inProcessApi(
  api: Api,
  ...families: ((sim: Sim) => void)[]
): (method: string, path: string, body?: Record<string, unknown>) => SimResponse & { json: any } {
  const sim = quietSim(families);
  return (method, path, body = {}) => {
    const [p, q] = path.split("?");
    const r = sim.handle(api, method, p!, new URLSearchParams(q ?? ""), body);
    return { ...r, json: r.body as any };
  };
}

/** Expects an answer in Hetzner's error format: the status, the code, and (when given) the first field named. */
export function expectApiError(r: SimCall, status: number, code: string, field?: string): void {
  expect(r.status).toBe(status);
  expect(r.body.error.code).toBe(code);
  if (field !== undefined) expect(r.body.error.details.fields[0].name).toBe(field);
}

/** Expects a 201 answer whose body holds, under `key`, an object with the fields given; answers that object. */
export function expectCreated(r: { status: number; body: unknown }, key: string, fields: Record<string, unknown>): any {
  expect(r.status).toBe(201);
  const created = (r.body as any)[key];
  expect(created).toMatchObject(fields);
  return created;
}

/** Expects a PUT of `change` on `path` to answer, under `key`, the resource with the change applied. */
export function expectUpdated(
  call: (method: string, path: string, body: Record<string, any>) => SimCall,
  path: string,
  key: string,
  change: Record<string, unknown>,
): void {
  expect(call("PUT", path, change).body[key]).toMatchObject(change);
}

/**
 * Expects what a named resource's PUT does with names: `change` is applied
 * ({@link expectUpdated}), then the name `taken`, another's, is refused with `uniqueness_error`.
 */
export function expectRenamed(
  call: (method: string, path: string, body: Record<string, any>) => SimCall,
  path: string,
  key: string,
  change: Record<string, unknown>,
  taken: string,
): void {
  expectUpdated(call, path, key, change);
  expectApiError(call("PUT", path, { name: taken }), 409, "uniqueness_error");
}
