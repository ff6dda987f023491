/**
 * A simulator in the test's process, without HTTP: a Sim with the actions
 * and the given resource families, and `call`, which answers one request as
 * the server would (status and JSON body).
 */
import { Sim } from "../simulator/core";
import { registerActions } from "../simulator/resources/actions";

export interface SimCall {
  readonly status: number;
  readonly body: any;
}

export function inProcessSim(...families: ((sim: Sim) => void)[]): {
  sim: Sim;
  call: (method: string, path: string, body?: Record<string, any>, query?: string) => SimCall;
} {
  const sim = new Sim();
  sim.warn = () => {};
  registerActions(sim);
  for (const register of families) register(sim);
  const call = (method: string, path: string, body: Record<string, any> = {}, query = ""): SimCall => {
    const r = sim.handle("cloud", method, path, new URLSearchParams(query), body);
    return { status: r.status, body: r.body as any };
  };
  return { sim, call };
}
