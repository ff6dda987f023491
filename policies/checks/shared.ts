/**
 * What every rule family shares: the check's shape (one resource at a time,
 * reading the environment model, reporting findings about that resource)
 * and the wording of messages (how a resource, a list, a role is named).
 */
import { labelsOf, type EnvModel, type ResourceEntry } from "../environment-model";
import { ROLES, type RolePolicy } from "../roles";
import type { RuleId } from "../rules";

/** Reports a finding about the resource being checked; `subject` overrides the resource's owner. */
export type Report = (rule: RuleId, message: string, subject?: string) => void;

/** One check: the resource types it reads and what it reports about one of them. */
export interface ResourceCheck {
  /** The resource types it reads; "all" for every resource. */
  readonly types: readonly string[] | "all";
  check(entry: ResourceEntry, model: EnvModel, report: Report): void;
}

/** "server/web-1" → "web-1". */
export function itemName(subject: string): string {
  return subject.slice(subject.indexOf("/") + 1);
}

/** "a, b and c". */
export function list(items: readonly string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

/** How a resource is named in messages: `server web-1 (hcloud_server.web-1 in production-servers)`. */
export function describe(entry: ResourceEntry, what: string, name = itemName(entry.subject)): string {
  return `${what} ${name} (${entry.address} in ${entry.stackName})`;
}

/** What a stateful resource is, in messages: `volume web-1-data`, `primary IP ns-1-ipv4 of server/ns-1`. */
export function statefulName(entry: ResourceEntry): string {
  switch (entry.type) {
    case "hcloud_primary_ip":
      return `primary IP ${entry.name} of ${entry.subject}`;
    case "hcloud_floating_ip":
      return `floating IP ${entry.name} of ${entry.subject}`;
    default:
      return `${entry.type.replace(/^hcloud_/, "").replace(/_/g, " ")} ${itemName(entry.subject)}`;
  }
}

/** A server's role, from its `role` label. */
export function roleOf(server: ResourceEntry): string | undefined {
  const role = labelsOf(server.body).role;
  return typeof role === "string" && role !== "" ? role : undefined;
}

/** The role table's entry of a role (undefined for a role it does not list). */
export function rolePolicy(role: string | undefined): RolePolicy | undefined {
  return role !== undefined && Object.hasOwn(ROLES, role) ? ROLES[role] : undefined;
}
