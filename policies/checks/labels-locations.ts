/**
 * Labels and locations: every labelled resource carries the project's labels
 * in Hetzner's syntax, and every resource is in an allowed location.
 */
import { labelKeyProblem, labelValueProblem } from "../../constructs";
import { MANAGED_BY } from "../../description";
import { isExpression, labelsOf } from "../environment-model";
import { RULE } from "../rules";
import type { ResourceCheck } from "./shared";

/** Resource types that take labels (hcloud provider 1.68; a test compares this with the schema). */
export const LABELLED_TYPES: readonly string[] = [
  "hcloud_certificate",
  "hcloud_firewall",
  "hcloud_floating_ip",
  "hcloud_load_balancer",
  "hcloud_managed_certificate",
  "hcloud_network",
  "hcloud_placement_group",
  "hcloud_primary_ip",
  "hcloud_server",
  "hcloud_snapshot",
  "hcloud_ssh_key",
  "hcloud_storage_box",
  "hcloud_storage_box_snapshot",
  "hcloud_storage_box_subaccount",
  "hcloud_uploaded_certificate",
  "hcloud_volume",
  "hcloud_zone",
  "hcloud_zone_rrset",
];

const labelledTypes = new Set(LABELLED_TYPES);

/** A label's value as a message shows it: quoted, or `missing`. */
function shown(value: unknown): string {
  return value === undefined ? "missing" : JSON.stringify(value);
}

export const resourceLabels: ResourceCheck = {
  types: "all",
  check(entry, model, report) {
    if (!labelledTypes.has(entry.type) || isExpression(entry.body.labels)) return;
    const labels = labelsOf(entry.body);
    const problems: string[] = [];
    if (labels["managed-by"] !== MANAGED_BY)
      problems.push(`managed-by is ${shown(labels["managed-by"])} (expected "${MANAGED_BY}")`);
    if (labels.environment !== model.name)
      problems.push(`environment is ${shown(labels.environment)} (expected "${model.name}")`);
    if (typeof labels.role !== "string" || labels.role === "") problems.push("role is missing or empty");
    for (const key of Object.keys(labels).sort()) {
      const keyProblem = labelKeyProblem(key);
      if (keyProblem !== undefined) problems.push(keyProblem);
      const value = labels[key];
      if (typeof value !== "string") problems.push(`label ${key} is not a string`);
      else if (!isExpression(value)) {
        const valueProblem = labelValueProblem(value);
        if (valueProblem !== undefined) problems.push(`label ${key}: ${valueProblem}`);
      }
    }
    if (problems.length === 0) return;
    report(
      RULE.resourceLabels,
      `${entry.address} in ${entry.stackName} (${entry.subject}) has bad labels: ${problems.join("; ")}. Labels ` +
        `are how operators and firewalls find resources: pass the stacks' base labels (managed-by, environment, ` +
        `role) to every construct, and keep config labels to Hetzner's syntax.`,
    );
  },
};

export const allowedLocations: ResourceCheck = {
  types: "all",
  check(entry, model, report) {
    const allowed = model.spec.environment.allowed_locations as readonly string[];
    for (const attribute of ["location", "home_location", "datacenter"]) {
      const value = entry.body[attribute];
      if (typeof value !== "string" || isExpression(value)) continue;
      const location = attribute === "datacenter" ? value.split("-")[0]! : value;
      if (allowed.includes(location)) continue;
      report(
        RULE.allowedLocations,
        `${entry.address} in ${entry.stackName} (${entry.subject}) is ` +
          `in ${location}${attribute === "datacenter" ? ` (datacenter ${value})` : ""}, outside the allowed ` +
          `locations of environment ${model.name} (${allowed.join(", ")}): data of the network's members stays ` +
          `where the environment allows. Move it to an allowed location, or list ${location} in ` +
          `environment.allowed_locations deliberately.`,
      );
    }
  },
};
