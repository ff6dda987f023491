/**
 * The simulated API's networking family: networks with their subnets and
 * routes, server network attachments (./networks), and firewalls
 * (./firewalls). Both extend the compute module's servers: `private_net`,
 * `public_net.firewalls`, and the `networks` and `firewalls` of a server's
 * create request.
 *
 * Imports: ../core, ./networks, ./firewalls. Entry point: {@link registerNetworking}.
 */
import type { Sim } from "../core";
import { prepareServerFirewalls, registerFirewalls } from "./firewalls";
import { prepareServerNetworks, registerNetworks } from "./networks";

export function registerNetworking(sim: Sim): void {
  registerNetworks(sim);
  registerFirewalls(sim);
  // A new server's `networks` and `firewalls`: both checked before either is applied,
  // so a refused create leaves no attachment behind.
  sim.onCreate("server", (record, body) => {
    const apply = [prepareServerNetworks(sim, record, body), prepareServerFirewalls(sim, record, body)];
    for (const run of apply) run();
  });
}
