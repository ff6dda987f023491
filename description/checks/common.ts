/**
 * Checks shared by several concerns of the description: unique names, labels,
 * CIDR ranges, host names, allowed locations and network rules' problems.
 */
import { LOCATIONS, type LocationName } from "../catalogue";
import { parseAddress, parseCidr, type Cidr } from "../../primitives/ip";
import type { RuleProblem } from "../../primitives/network-rules";
import { labelKeyProblem, labelValueProblem, parseDomainName, RESERVED_LABEL_KEYS } from "../domain-names";
import type { PathSegment } from "../problems";
import type { CheckContext, Reporter } from "./context";

/** Reports duplicate names in a list; returns the index of each name's first item. */
export function uniqueNames<T>(
  r: Reporter,
  items: readonly T[],
  path: readonly PathSegment[],
  what: string,
  nameOf: (item: T) => string,
  field = "name",
): Map<string, number> {
  const first = new Map<string, number>();
  items.forEach((item, i) => {
    const name = nameOf(item);
    const previous = first.get(name);
    if (previous === undefined) first.set(name, i);
    else {
      r.report(
        [...path, i, field],
        `duplicate ${what} "${name}" (first at ${r.where([...path, previous, field], [...path, i, field])})`,
        `${what}s must be unique: rename or remove one`,
      );
    }
  });
  return first;
}

/** Checks Hetzner's rules for label keys and values, and refuses the keys set automatically. */
export function checkLabels(r: Reporter, path: readonly PathSegment[], labels: Readonly<Record<string, string>>): void {
  for (const [key, value] of Object.entries(labels)) {
    const keyProblem = labelKeyProblem(key);
    if (keyProblem) r.report([...path, key], keyProblem, undefined, "key");
    else if ((RESERVED_LABEL_KEYS as readonly string[]).includes(key)) {
      r.report(
        [...path, key],
        `label "${key}" is set automatically`,
        `remove it (managed-by, environment and role come from the environment and the item)`,
        "key",
      );
    }
    const valueProblem = labelValueProblem(value);
    if (valueProblem) r.report([...path, key], valueProblem);
  }
}

/** Reports a location that is not in environment.allowed_locations. */
export function checkLocationAllowed(ctx: CheckContext, location: LocationName, path: readonly PathSegment[]): void {
  const allowed = ctx.d.environment.allowed_locations;
  if (allowed.includes(location)) return;
  ctx.r.report(
    path,
    `location "${location}" is not in environment.allowed_locations (${[...new Set(allowed)].join(", ")})`,
    LOCATIONS[location]!.eu // the schema's enum holds only catalogue locations
      ? "add it to environment.allowed_locations"
      : `${location} is outside the EU: list it in environment.allowed_locations explicitly if you mean it`,
  );
}

/** Parses a CIDR and reports why it is unusable; undefined when invalid. */
export function cidrAt(r: Reporter, path: readonly PathSegment[], text: string, what: string): Cidr | undefined {
  const cidr = parseCidr(text.trim());
  if (!cidr) {
    const bare = parseAddress(text.trim());
    r.report(
      path,
      `${what} "${text}" is not a CIDR range`,
      bare
        ? `write ${text.trim()}/${bare.family === "ipv4" ? 32 : 128} for a single address`
        : "e.g. 192.0.2.0/24 or 2001:db8::/32",
    );
    return undefined;
  }
  if (cidr.hostBitsSet) {
    r.report(path, `${what} "${text}" has host bits set`, `did you mean ${cidr.text}?`);
    return undefined;
  }
  return cidr;
}

/**
 * A network rule's problem (primitives/network-rules.ts) at `path`; the value
 * it collides with named by where it is written.
 */
export function reportRule(
  r: Reporter,
  path: readonly PathSegment[],
  problem: RuleProblem,
  conflictPath?: (index: number) => readonly PathSegment[],
): void {
  const where =
    problem.conflict !== undefined && conflictPath !== undefined
      ? ` (${r.where(conflictPath(problem.conflict.index), path)})`
      : "";
  r.report(path, `${problem.message}${where}`, problem.hint);
}

/** Reports a host name (reverse DNS, name server) that is not a valid absolute name of two labels or more. */
export function checkHostName(r: Reporter, path: readonly PathSegment[], text: string, what: string): void {
  const parsed = parseDomainName(text, { minLabels: 2 });
  if (!parsed.ok) r.report(path, `${what} "${text}" ${parsed.reason}`);
}
