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
 * One file per family of rules in cli/diff/classify/; this file
 * re-exports what the rest of cli/ reads (change.ts, resource-changes.ts,
 * compare.ts, plan.ts, drift/summary.ts).
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
} from "./classify/common";
export { classifyEnvironments, environmentOf } from "./classify/environment";
export { describeWorldRules, FIREWALL_RULES_ISSUE, worldRules, type WorldRule } from "./classify/firewall";
export { HETZNER_SOURCES } from "./classify/hetzner";
export { replacementReasons, statefulLoss } from "./classify/replacement";
export { classifyResource, type Verdict } from "./classify/resource";
export { summaryAttributes } from "./classify/summary";
