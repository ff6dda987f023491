/**
 * Why a change is dangerous. The same rules serve `all2all diff` (two
 * synthesised configurations) and `all2all plan-summary` (a saved plan):
 * each resource change is judged on its own (destruction of stateful
 * resources, replacement and what Hetzner does in it, protection removed,
 * destructive and disruptive updates from the replacement table, updates
 * Hetzner cannot do, new public IPv4 addresses, firewall rules opened to
 * the world, firewall name or labels changed with its rules), then each
 * environment as a whole (a network range that leaves out its subnets,
 * servers that newly fall under a firewall open to the world, or under no
 * firewall at all).
 *
 * One file per family of rules; this index re-exports what the rest of
 * cli/ reads (compare.ts, plan.ts, drift/summary.ts).
 */
export {
  cite,
  isIgnored,
  type Body,
  type ChangeFinder,
  type ChangeTarget,
  type MutableChange,
  type ResourcePair,
  type SideResource,
} from "./common";
export { classifyEnvironments, environmentOf } from "./environment";
export { describeWorldRules, FIREWALL_RULES_ISSUE, worldRules, type WorldRule } from "./firewall";
export { HETZNER_SOURCES } from "./hetzner";
export { replacementReasons, statefulLoss } from "./replacement";
export { classifyResource, type Verdict } from "./resource";
export { summaryAttributes } from "./summary";
