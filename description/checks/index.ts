/**
 * Cross-reference checks and resolution: takes the shape-checked description
 * of one environment (zod output) and the tree it came from (for file:line),
 * reports every rule that needs several fields or the whole description, and
 * builds the resolved {@link NetworkSpecData}.
 *
 * One check per concern, each in a file of its own, run in this order on one
 * shared context (context.ts): environment, operators, placement groups,
 * networks, firewall policies, servers, DNS zones, storage boxes (backup),
 * suppressions. A check returns what later ones look up (names, ranges).
 */
import type { ConfigProblem } from "../problems";
import type { NetworkSpecData } from "../types";
import { checkStorageBoxes } from "./backup";
import { createContext, labelsFor, type CheckInput } from "./context";
import { checkEnvironment } from "./environment";
import { checkFirewallPolicies } from "./firewalls";
import { checkNetworks } from "./networks";
import { checkOperators } from "./operators";
import { checkPlacementGroups } from "./placement";
import { checkServers } from "./servers";
import { checkSuppressions } from "./suppressions";
import { checkZones } from "./zones";

export { MANAGED_BY, type CheckInput, type ConfigFiles } from "./context";
export { REASON_MIN_CHARS, REASON_MIN_WORDS, SUPPRESSION_KINDS } from "./suppressions";

/** Runs every check on one environment's description; the resolved spec when there is no problem. */
export function checkDescription(input: CheckInput): {
  spec?: NetworkSpecData;
  problems: ConfigProblem[];
  warnings: ConfigProblem[];
} {
  const ctx = createContext(input);
  const { d, r } = ctx;
  const state = checkEnvironment(ctx);
  const operators = checkOperators(ctx);
  const groupNames = checkPlacementGroups(ctx);
  const networks = checkNetworks(ctx);
  const policies = checkFirewallPolicies(ctx, operators.adminRanges);
  const servers = checkServers(ctx, { operators, groupNames, networks, policies });
  const zones = checkZones(ctx, servers.names);
  const boxes = checkStorageBoxes(ctx, operators, servers.names);
  checkSuppressions(ctx, {
    server: [...servers.names.keys()],
    volume: [...servers.volumeNames.keys()],
    network: [...networks.names.keys()],
    "firewall-policy": [...policies.names.keys()],
    "placement-group": [...groupNames.keys()],
    zone: [...zones.names.keys()],
    "storage-box": d.storage_boxes.map((b) => b.name),
    "ssh-key": operators.keyNameList,
  });

  if (r.problems.length > 0) return { problems: r.problems, warnings: r.warnings };
  return {
    problems: [],
    warnings: r.warnings,
    spec: {
      environment: { ...d.environment, name: ctx.env, network_zone: ctx.envZone, state },
      operators: { ssh_keys: operators.sshKeys, admin_ranges: operators.adminRanges },
      placement_groups: d.placement_groups.map((g) => ({ ...g, labels: labelsFor(ctx, "placement", g.labels) })),
      networks: networks.networks,
      firewall_policies: policies.policies,
      servers: servers.servers,
      zones: zones.zones,
      storage_boxes: boxes,
      suppressions: d.suppressions.map((s) => ({ ...s })),
      files: [],
    },
  };
}
