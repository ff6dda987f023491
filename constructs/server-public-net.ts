/**
 * A Server's public networking: its primary IPs (explicit, auto_delete =
 * false, so an address outlives a rebuild), their reverse DNS entries, and
 * floating IPs with their assignment and reverse DNS. The resources are
 * children of the Server construct and keep the addresses documented in
 * server.ts.
 */
import type { Construct } from "constructs";
import { Fn, Token } from "cdktn";
import * as floatingIp from "../.gen/providers/hcloud/floating-ip";
import * as floatingIpAssignment from "../.gen/providers/hcloud/floating-ip-assignment";
import * as primaryIp from "../.gen/providers/hcloud/primary-ip";
import * as rdns from "../.gen/providers/hcloud/rdns";
import { ConstructPropsError, isToken, literal, show } from "./common";
import { checkHostname } from "./names";
import { checkLabels } from "./labels";
import { protectedLifecycle } from "./protection";
import { checkNumericImportId } from "./import-blocks";
import { pinnedResource } from "./construct-setup";
import type { FloatingIpOptions, ServerBase, ServerFloatingIp } from "./server-props";

/**
 * The primary IP of one family (`hcloud_primary_ip.<server>-<family>`), adopted
 * when `importId` is an id (not undefined, not "create").
 */
export function createPrimaryIp(
  scope: Construct,
  base: ServerBase,
  family: "ipv6" | "ipv4",
  importId: string | undefined,
): primaryIp.PrimaryIp {
  const ip = new primaryIp.PrimaryIp(scope, family, {
    name: `${base.name}-${family}`,
    type: family,
    location: base.location,
    // No assignee_type: Hetzner answers "unassigned" for an unassigned
    // primary IP since August 2026, so a fixed "server" makes every create
    // end in "inconsistent result after apply" (the provider says to leave it out).
    autoDelete: false,
    deleteProtection: base.protect,
    labels: base.labels,
    lifecycle: protectedLifecycle(base.protect),
  });
  pinnedResource(ip, `${base.baseName}-${family}`, importId === "create" ? undefined : importId);
  return ip;
}

/** The reverse DNS entry of a primary IP's address (`hcloud_rdns.<server>-<family>`). */
export function createPrimaryReverseDns(
  scope: Construct,
  base: ServerBase,
  family: "ipv6" | "ipv4",
  ip: primaryIp.PrimaryIp,
  ipAddress: string,
  dnsPtr: string,
): rdns.Rdns {
  return pinnedResource(
    new rdns.Rdns(scope, `${family}-rdns`, { primaryIpId: ip.id, ipAddress, dnsPtr }),
    `${base.baseName}-${family}`,
  );
}

/**
 * Checks `options`, then creates a floating IP in the server's location
 * (`hcloud_floating_ip.<server>-floating-<type>`), assigns it to `serverId`
 * and sets its reverse DNS. `byType` holds the floating IPs declared so far
 * (at most one per type); the new one is added to it.
 */
export function addServerFloatingIp(
  scope: Construct,
  base: ServerBase,
  serverId: number,
  byType: Map<string, ServerFloatingIp>,
  options: FloatingIpOptions,
): ServerFloatingIp {
  const where = checkFloatingIpOptions(base, byType, options);
  const labels = { ...base.labels, ...checkLabels(where, options.labels ?? {}) };
  const address = `${base.baseName}-floating-${options.type}`;
  const fip = new floatingIp.FloatingIp(scope, `floating-${options.type}`, {
    name: options.name ?? `${base.name}-floating-${options.type}`,
    type: options.type,
    homeLocation: base.location,
    description: literal(options.description),
    labels,
    deleteProtection: base.protect,
    lifecycle: protectedLifecycle(base.protect),
  });
  pinnedResource(fip, address, options.importId);
  const assignment = new floatingIpAssignment.FloatingIpAssignment(scope, `floating-${options.type}-assignment`, {
    floatingIpId: Token.asNumber(fip.id),
    serverId,
  });
  pinnedResource(assignment, address);
  const ip = options.type === "ipv6" ? Fn.cidrhost(fip.ipNetwork, base.ipv6HostNumber) : fip.ipAddress;
  const reverseDns =
    options.reverseDns === undefined
      ? undefined
      : pinnedResource(
          new rdns.Rdns(scope, `floating-${options.type}-rdns`, {
            floatingIpId: Token.asNumber(fip.id),
            ipAddress: ip,
            dnsPtr: options.reverseDns,
          }),
          address,
        );
  const created: ServerFloatingIp = { floatingIp: fip, assignment, reverseDns, address: ip };
  byType.set(options.type, created);
  return created;
}

/** The checks of one floating IP's options, before its labels; returns how messages name the floating IP. */
function checkFloatingIpOptions(
  base: ServerBase,
  byType: ReadonlyMap<string, ServerFloatingIp>,
  options: FloatingIpOptions,
): string {
  const where = `${base.where}, floating IP ${show(options.type)}`;
  if (options.type !== "ipv4" && options.type !== "ipv6") {
    throw new ConstructPropsError(where, `type must be "ipv4" or "ipv6" (got ${show(options.type)})`);
  }
  if (byType.has(options.type)) {
    throw new ConstructPropsError(
      base.where,
      `a floating ${options.type} is already declared; a server has at most one floating IP per type here`,
    );
  }
  if (options.reverseDns !== undefined) checkHostname(where, "reverseDns", options.reverseDns, { minLabels: 2 });
  if (options.description !== undefined && !isToken(options.description) && options.description.length > 255) {
    throw new ConstructPropsError(where, `description is ${options.description.length} characters long (at most 255)`);
  }
  checkNumericImportId(where, "importId", options.importId);
  return where;
}
