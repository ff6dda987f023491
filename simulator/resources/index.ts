/**
 * Every resource family of the simulated API, registered on one {@link Sim}.
 * Each family is one module; this list is the only place that names them all.
 */
import type { Sim } from "../core";
import { registerActions } from "./actions";
import { registerCompute } from "./compute";
import { registerDns } from "./dns";
import { registerNetworking } from "./networking";
import { registerPricing } from "./pricing";
import { registerStorageBoxes } from "./storage-boxes";

export function registerAll(sim: Sim): void {
  registerActions(sim);
  // Compute first: the networking module extends the server's view and create.
  registerCompute(sim);
  registerNetworking(sim);
  registerPricing(sim);
  registerDns(sim);
  registerStorageBoxes(sim);
}
