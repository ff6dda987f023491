/**
 * Servers: unique names, location, labels, what the catalogue sells, the
 * placement group, network attachments, public addresses and reverse DNS,
 * volumes, firewall policies, SSH keys, user_data, and the fields of an
 * adoption (import_id, import_primary_ips).
 */
import { LIMITS, LOCATIONS, suggestionHint } from "../catalogue";
import type { Description } from "../schema";
import { offerFindings } from "../offer";
import { formatPath, type PathSegment } from "../problems";
import type { ServerSpec } from "../types";
import { checkHostName, checkLabels, checkLocationAllowed, uniqueNames } from "./common";
import { labelsFor, type CheckContext } from "./context";
import type { FirewallPolicies } from "./firewalls";
import type { Networks } from "./networks";
import type { Operators } from "./operators";
import { checkAttachments } from "./server-networks";
import { checkUserData } from "./user-data";

type ServerInput = Description["servers"][number];

/** What servers refer to, checked before them. */
export interface ServerRefs {
  readonly operators: Operators;
  readonly groupNames: ReadonlyMap<string, number>;
  readonly networks: Networks;
  readonly policies: FirewallPolicies;
}

/** The servers, resolved, and the names zones, storage boxes and suppressions look up. */
export interface Servers {
  readonly servers: ServerSpec[];
  /** Each server name's first index. */
  readonly names: ReadonlyMap<string, number>;
  /** Each volume name's first path. */
  readonly volumeNames: ReadonlyMap<string, PathSegment[]>;
}

/** What is unique across servers, filled server by server. */
interface Tally {
  readonly volumeNames: Map<string, PathSegment[]>;
  readonly takenIps: Map<string, PathSegment[]>;
  readonly groupMembers: Map<string, number>;
}

/** Checks the servers list. */
export function checkServers(ctx: CheckContext, refs: ServerRefs): Servers {
  const names = uniqueNames(ctx.r, ctx.d.servers, ["servers"], "server name", (s) => s.name);
  const tally: Tally = { volumeNames: new Map(), takenIps: new Map(), groupMembers: new Map() };
  const servers = ctx.d.servers.map((server, i) => checkServer(ctx, refs, tally, server, ["servers", i]));
  return { servers, names, volumeNames: tally.volumeNames };
}

/** One server, every concern in the order of its fields' problems; returns it resolved. */
function checkServer(
  ctx: CheckContext,
  refs: ServerRefs,
  tally: Tally,
  server: ServerInput,
  path: PathSegment[],
): ServerSpec {
  const { r } = ctx;
  const location = server.location ?? ctx.d.environment.location;
  if (server.location !== undefined) checkLocationAllowed(ctx, server.location, [...path, "location"]);
  const zone = LOCATIONS[location]!.networkZone;
  checkLabels(r, [...path, "labels"], server.labels);
  for (const f of offerFindings({ type: server.type, image: server.image, location }, ctx.today)) {
    (f.severity === "error" ? r.report : r.warn).call(r, [...path, f.field], f.message, f.hint);
  }
  checkPlacement(ctx, refs.groupNames, tally.groupMembers, server, path);
  checkAttachments(ctx, refs.networks, tally.takenIps, server, path, { location, zone });
  checkPublic(ctx, server, path);
  checkVolumes(ctx, tally.volumeNames, server, path);
  checkServerPolicies(ctx, refs.policies.names, server, path);
  const keys = checkServerKeys(ctx, refs.operators, server, path);
  const userData =
    server.user_data !== undefined ? checkUserData(ctx, [...path, "user_data"], server.user_data) : undefined;
  const importId = checkImport(ctx, server, path);

  const importIps = server.import_primary_ips;
  const labels = labelsFor(ctx, server.role, server.labels);
  return {
    ...server,
    location,
    network_zone: zone,
    ssh_keys: [...keys],
    user_data: userData,
    import_id: importId,
    import_primary_ips:
      importIps === undefined
        ? undefined
        : { ipv6: String(importIps.ipv6), ...(importIps.ipv4 === undefined ? {} : { ipv4: String(importIps.ipv4) }) },
    volumes: server.volumes.map((v) => ({ ...v, labels: { ...labels, ...v.labels } })),
    floating_ip: server.floating_ip
      ? { ...server.floating_ip, labels: { ...labels, ...server.floating_ip.labels } }
      : undefined,
    labels,
  };
}

/** A known placement group, holding no more servers than Hetzner's spread groups take. */
function checkPlacement(
  ctx: CheckContext,
  groupNames: ReadonlyMap<string, number>,
  groupMembers: Map<string, number>,
  server: ServerInput,
  path: readonly PathSegment[],
): void {
  const group = server.placement_group;
  if (group === undefined) return;
  if (!groupNames.has(group)) {
    ctx.r.report(
      [...path, "placement_group"],
      `unknown placement group "${group}"`,
      suggestionHint(group, [...groupNames.keys()], "placement groups"),
    );
    return;
  }
  groupMembers.set(group, (groupMembers.get(group) ?? 0) + 1);
  if (groupMembers.get(group) === LIMITS.spreadGroupServers + 1) {
    ctx.r.report(
      [...path, "placement_group"],
      `placement group "${group}" has more than ${LIMITS.spreadGroupServers} servers`,
      "Hetzner's spread groups hold at most 10 servers",
    );
  }
}

/** Public IPv6 always; reverse DNS only for a public family, as valid names; the floating IP's labels and name. */
function checkPublic(ctx: CheckContext, server: ServerInput, path: readonly PathSegment[]): void {
  const { r } = ctx;
  if (!server.public.ipv6) {
    // The architecture gives every server a public IPv6 (a primary IP that
    // outlives it); the firewall decides what reaches it.
    r.report(
      [...path, "public", "ipv6"],
      `server ${server.name}: public.ipv6 cannot be false, every server has a public IPv6 address`,
      "remove the line; the server's firewall policies decide what can reach it",
    );
  }
  for (const family of ["ipv4", "ipv6"] as const) {
    const rdns = server.public.rdns[family];
    if (rdns === undefined) continue;
    if (!server.public[family]) {
      r.report([...path, "public", "rdns", family], `reverse DNS for ${family} is set, but public.${family} is false`);
    }
    checkHostName(r, [...path, "public", "rdns", family], rdns, "reverse DNS name");
  }
  if (server.floating_ip) {
    checkLabels(r, [...path, "floating_ip", "labels"], server.floating_ip.labels);
    if (server.floating_ip.rdns !== undefined) {
      checkHostName(r, [...path, "floating_ip", "rdns"], server.floating_ip.rdns, "reverse DNS name");
    }
  }
}

/** Volume labels, and volume names unique in the project (across servers). */
function checkVolumes(
  ctx: CheckContext,
  volumeNames: Map<string, PathSegment[]>,
  server: ServerInput,
  path: readonly PathSegment[],
): void {
  const { r } = ctx;
  server.volumes.forEach((volume, j) => {
    const volumePath = [...path, "volumes", j, "name"];
    checkLabels(r, [...path, "volumes", j, "labels"], volume.labels);
    const previous = volumeNames.get(volume.name);
    if (previous) {
      const first = `${formatPath(previous)}, ${r.where(previous, volumePath)}`;
      r.report(
        volumePath,
        `duplicate volume name "${volume.name}" (first at ${first})`,
        "volume names are unique in a project",
      );
    } else volumeNames.set(volume.name, volumePath);
  });
}

/** Known firewall policies, each listed once. */
function checkServerPolicies(
  ctx: CheckContext,
  policyNames: ReadonlyMap<string, number>,
  server: ServerInput,
  path: readonly PathSegment[],
): void {
  const seen = new Set<string>();
  server.firewall_policies.forEach((name, j) => {
    if (!policyNames.has(name)) {
      ctx.r.report(
        [...path, "firewall_policies", j],
        `unknown firewall policy "${name}"`,
        suggestionHint(name, [...policyNames.keys()], "firewall policies"),
      );
    } else if (seen.has(name)) {
      ctx.r.report([...path, "firewall_policies", j], `firewall policy "${name}" is listed twice`);
    }
    seen.add(name);
  });
}

/** The server's SSH keys (by default every operator's), known and at least one; returns their names. */
function checkServerKeys(
  ctx: CheckContext,
  operators: Operators,
  server: ServerInput,
  path: readonly PathSegment[],
): readonly string[] {
  const keys = server.ssh_keys ?? operators.keyNameList;
  server.ssh_keys?.forEach((name, j) => {
    if (!operators.keyNames.has(name)) {
      ctx.r.report(
        [...path, "ssh_keys", j],
        `unknown SSH key "${name}"`,
        suggestionHint(name, operators.keyNameList, "SSH keys (operators.ssh_keys)"),
      );
    }
  });
  if (keys.length === 0) {
    ctx.r.report(
      server.ssh_keys ? [...path, "ssh_keys"] : [...path, "name"],
      `server ${server.name} gets no SSH key`,
      "add operators.ssh_keys: without a key Hetzner e-mails a root password",
    );
  }
  return keys;
}

/** import_id and import_primary_ips go together, match public.ipv4, and live in an environment's file. */
function checkImport(ctx: CheckContext, server: ServerInput, path: readonly PathSegment[]): string | undefined {
  const { r } = ctx;
  const importIps = server.import_primary_ips;
  if (importIps !== undefined && server.import_id === undefined) {
    r.report(
      [...path, "import_primary_ips"],
      "import_primary_ips is only used with import_id",
      "add import_id, or remove import_primary_ips",
    );
  }
  if (server.import_id !== undefined && importIps === undefined) {
    r.report(
      [...path, "import_id"],
      `adopting server ${server.name} needs import_primary_ips: the ids of its current primary IPs ` +
        `(or "create" for a new address)`,
      server.public.ipv4
        ? "add import_primary_ips: { ipv4: <id>, ipv6: <id> }"
        : "add import_primary_ips: { ipv6: <id> }",
    );
  }
  if (importIps !== undefined && !server.public.ipv4 && importIps.ipv4 !== undefined && importIps.ipv4 !== "create") {
    r.report(
      [...path, "import_primary_ips", "ipv4"],
      `server ${server.name} has public.ipv4 false, so its current IPv4 would be released`,
      "set public.ipv4: true to keep the address, or remove import_primary_ips.ipv4",
    );
  }
  if (importIps !== undefined && server.public.ipv4 && importIps.ipv4 === undefined) {
    r.report(
      [...path, "import_primary_ips"],
      `server ${server.name} has public.ipv4 true: name its current IPv4 (or "create")`,
      "add import_primary_ips.ipv4",
    );
  }
  if (server.import_id === undefined) return undefined;
  if (ctx.input.sharedFiles.has(r.file([...path, "import_id"]))) {
    r.report(
      [...path, "import_id"],
      "import_id is specific to one environment's Hetzner project",
      `move it to config/environments/${ctx.env}.yaml (or the overlay it belongs to)`,
    );
  }
  return String(server.import_id);
}
