/**
 * The rules that run at synth, one resource at a time (as cdk-nag's rules
 * do): each check reads one resource block of the environment model, looks up
 * what it needs about the others (firewall membership, reverse DNS, records)
 * in the model's indexes, and reports findings about that resource. Messages
 * name the resource and say how to fix it. One file per rule family.
 */
import { publicIpPrimary, publicIpv4Role, reverseDns } from "./addresses";
import { dnsZone } from "./dns";
import { firewallPublicPortRole, firewallWorldSensitivePort, serverFirewall } from "./firewalls";
import { allowedLocations, resourceLabels } from "./labels-locations";
import { protectStateful, serverReplaceGuard, statefulBackups } from "./protection";
import type { ResourceCheck } from "./shared";
import { storageBoxAccess, storageBoxDeleteProtection, storageBoxSnapshots } from "./storage";

export type { Report, ResourceCheck } from "./shared";
export { LABELLED_TYPES } from "./labels-locations";
export { PROTECTED_TYPES } from "./protection";

/** Every check, in the order they run on a resource. */
export const CHECKS: readonly ResourceCheck[] = [
  serverFirewall,
  firewallWorldSensitivePort,
  firewallPublicPortRole,
  protectStateful,
  publicIpPrimary,
  publicIpv4Role,
  serverReplaceGuard,
  reverseDns,
  statefulBackups,
  storageBoxAccess,
  storageBoxSnapshots,
  storageBoxDeleteProtection,
  resourceLabels,
  allowedLocations,
  dnsZone,
];

const CHECKS_BY_TYPE = new Map<string, readonly ResourceCheck[]>();

/** The checks that read a resource type. */
export function checksFor(type: string): readonly ResourceCheck[] {
  let found = CHECKS_BY_TYPE.get(type);
  if (found === undefined) {
    found = CHECKS.filter((c) => c.types === "all" || c.types.includes(type));
    CHECKS_BY_TYPE.set(type, found);
  }
  return found;
}
