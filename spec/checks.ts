/**
 * Cross-reference checks and resolution: takes the shape-checked description
 * of one environment (zod output) and the tree it came from (for file:line),
 * reports every rule that needs several fields or the whole description, and
 * builds the resolved {@link NetworkSpecData}.
 */
import { LIMITS, LOCATIONS, suggestionHint, type LocationName, type NetworkZone } from "./catalogue";
import { checkRecords, type AddressRef, type ServerAddresses } from "./dns";
import { offerFindings } from "./offer";
import type { Description } from "./model";
import { cidrContains, lastAddress, parseAddress, parseCidr, parseIpv4, type Cidr } from "../primitives/ip";
import { checkNetworkRange, checkRouteDestination, checkRouteGateway, checkSubnetRange, type RuleProblem } from "../primitives/network-rules";
import { labelKeyProblem, labelValueProblem, parseDomainName, RESERVED_LABEL_KEYS, TSIG_KEY_PATTERN, tsigEnvVar, tsigVariable } from "./names";
import { formatPath, type ConfigProblem, type PathSegment } from "./problems";
import { parseSshPublicKey, privateKeyLines, PRIVATE_KEY_HINT, PRIVATE_KEY_MESSAGE } from "./sshkeys";
import type {
  DnsSecondarySpec,
  FirewallPolicySpec,
  FirewallRuleSpec,
  LabelMap,
  NetworkSpecData,
  PrivateNetworkSpec,
  ServerSpec,
  SshKeySpec,
  StateSpec,
  StorageBoxSpec,
  ZoneSpec,
} from "./types";
import { originAt, parseYaml, type Node } from "./yaml";

/** Access to files of the config directory (for user_data), so the checks stay testable. */
export interface ConfigFiles {
  /** Reads a file by its path relative to the config directory. */
  read(relative: string): { ok: true; bytes: Buffer } | { ok: false; reason: "missing" | "not-a-file" | "outside" };
  /** How a relative path is shown in problems (e.g. config/cloud-init/web.yaml). */
  display(relative: string): string;
}

export interface CheckInput {
  readonly env: string;
  readonly description: Description;
  readonly root: Node;
  /** Display names of the shared files (settings specific to one environment do not belong there). */
  readonly sharedFiles: ReadonlySet<string>;
  readonly files: ConfigFiles;
  /** `<kind>/<name>` of everything the shared files declare, before an overlay removes some. */
  readonly sharedNames?: ReadonlySet<string>;
  /** The day deprecations are judged on (YYYY-MM-DD). @default today */
  readonly today?: string;
}

export const MANAGED_BY = "all2all-infra";
/** Minimum length of a suppression's reason, and of its words. */
export const REASON_MIN_CHARS = 20;
export const REASON_MIN_WORDS = 4;

export const SUPPRESSION_KINDS = ["server", "volume", "network", "firewall-policy", "placement-group", "zone", "storage-box", "ssh-key"] as const;

class Reporter {
  readonly problems: ConfigProblem[] = [];
  /** What is valid but needs attention soon (a deprecated server type); printed, never refused. */
  readonly warnings: ConfigProblem[] = [];
  constructor(private readonly root: Node) {}

  report(path: readonly PathSegment[], message: string, hint?: string, at: "value" | "key" = "value"): void {
    const origin = originAt(this.root, path, at);
    this.problems.push({ file: origin.file, line: origin.line, col: origin.col, path: formatPath(path), message, ...(hint ? { hint } : {}) });
  }

  warn(path: readonly PathSegment[], message: string, hint?: string): void {
    const origin = originAt(this.root, path);
    this.warnings.push({ file: origin.file, line: origin.line, col: origin.col, path: formatPath(path), message, ...(hint ? { hint } : {}) });
  }

  line(path: readonly PathSegment[]): number {
    return originAt(this.root, path).line;
  }

  file(path: readonly PathSegment[]): string {
    return originAt(this.root, path).file;
  }

  /** "line 12", or "config/network.yaml:12" when in another file than `from`. */
  where(path: readonly PathSegment[], from: readonly PathSegment[]): string {
    const origin = originAt(this.root, path);
    return origin.file === this.file(from) ? `line ${origin.line}` : `${origin.file}:${origin.line}`;
  }
}

/** Reports duplicate names in a list; returns the index of each name's first item. */
function uniqueNames<T>(r: Reporter, items: readonly T[], path: readonly PathSegment[], what: string, nameOf: (item: T) => string, field = "name"): Map<string, number> {
  const first = new Map<string, number>();
  items.forEach((item, i) => {
    const name = nameOf(item);
    const previous = first.get(name);
    if (previous === undefined) first.set(name, i);
    else r.report([...path, i, field], `duplicate ${what} "${name}" (first at ${r.where([...path, previous, field], [...path, i, field])})`, `${what}s must be unique: rename or remove one`);
  });
  return first;
}

function checkLabels(r: Reporter, path: readonly PathSegment[], labels: Readonly<Record<string, string>>): void {
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

function labelsFor(env: string, role: string, envLabels: Readonly<Record<string, string>>, own: Readonly<Record<string, string>>): LabelMap {
  return { "managed-by": MANAGED_BY, environment: env, role, ...envLabels, ...own };
}

function cidrHint(cidr: Cidr): string {
  return `did you mean ${cidr.text}?`;
}

/** Parses a CIDR and reports why it is unusable; undefined when invalid. */
function cidrAt(r: Reporter, path: readonly PathSegment[], text: string, what: string): Cidr | undefined {
  const cidr = parseCidr(text.trim());
  if (!cidr) {
    const bare = parseAddress(text.trim());
    r.report(
      path,
      `${what} "${text}" is not a CIDR range`,
      bare ? `write ${text.trim()}/${bare.family === "ipv4" ? 32 : 128} for a single address` : "e.g. 192.0.2.0/24 or 2001:db8::/32",
    );
    return undefined;
  }
  if (cidr.hostBitsSet) {
    r.report(path, `${what} "${text}" has host bits set`, cidrHint(cidr));
    return undefined;
  }
  return cidr;
}

export function checkDescription(input: CheckInput): { spec?: NetworkSpecData; problems: ConfigProblem[]; warnings: ConfigProblem[] } {
  const { env, description: d, root, files } = input;
  const r = new Reporter(root);

  // ---------- environment
  const allowed = new Set<LocationName>(d.environment.allowed_locations);
  const locationAllowed = (location: LocationName, path: readonly PathSegment[]): void => {
    if (allowed.has(location)) return;
    r.report(
      path,
      `location "${location}" is not in environment.allowed_locations (${[...allowed].join(", ")})`,
      LOCATIONS[location].eu
        ? "add it to environment.allowed_locations"
        : `${location} is outside the EU: list it in environment.allowed_locations explicitly if you mean it`,
    );
  };
  locationAllowed(d.environment.location, ["environment", "location"]);
  checkLabels(r, ["environment", "labels"], d.environment.labels);
  const state = checkState(r, env, d.environment.state);
  const envLabels = d.environment.labels;
  const envZone: NetworkZone = LOCATIONS[d.environment.location].networkZone;


  // ---------- operators
  const sshKeys: SshKeySpec[] = [];
  const keyNames = uniqueNames(r, d.operators.ssh_keys, ["operators", "ssh_keys"], "SSH key name", (k) => k.name);
  const fingerprints = new Map<string, number>();
  d.operators.ssh_keys.forEach((key, i) => {
    const path = ["operators", "ssh_keys", i, "public_key"];
    const parsed = parseSshPublicKey(key.public_key);
    checkLabels(r, ["operators", "ssh_keys", i, "labels"], key.labels);
    if (!parsed.ok) {
      r.report(path, parsed.message, parsed.hint);
      return;
    }
    const previous = fingerprints.get(parsed.key.fingerprint);
    if (previous !== undefined) {
      r.report(
        path,
        `the same public key as operators.ssh_keys[${previous}] (${parsed.key.fingerprint})`,
        "Hetzner refuses a key twice: remove one",
      );
      return;
    }
    fingerprints.set(parsed.key.fingerprint, i);
    sshKeys.push({
      name: key.name,
      public_key: parsed.key.text,
      type: parsed.key.type,
      bits: parsed.key.bits,
      fingerprint: parsed.key.fingerprint,
      labels: labelsFor(env, "operator", envLabels, key.labels),
    });
  });
  const adminRanges: string[] = [];
  d.operators.admin_ranges.forEach((text, i) => {
    const cidr = cidrAt(r, ["operators", "admin_ranges", i], text, "admin range");
    if (!cidr) return;
    if (cidr.prefix === 0) {
      r.report(
        ["operators", "admin_ranges", i],
        `admin range ${cidr.text} is the whole Internet`,
        "list the ranges operators really connect from (SSH is reachable from these)",
      );
      return;
    }
    if (!adminRanges.includes(cidr.text)) adminRanges.push(cidr.text);
  });

  // ---------- placement groups
  const groupNames = uniqueNames(r, d.placement_groups, ["placement_groups"], "placement group name", (g) => g.name);
  d.placement_groups.forEach((g, i) => checkLabels(r, ["placement_groups", i, "labels"], g.labels));

  // ---------- networks
  const networks: PrivateNetworkSpec[] = [];
  const networkInfo = new Map<string, { index: number; range?: Cidr; subnets: Cidr[]; zone: NetworkZone }>();
  const networkNames = uniqueNames(r, d.networks, ["networks"], "network name", (n) => n.name);
  d.networks.forEach((network, i) => {
    const path: PathSegment[] = ["networks", i];
    checkLabels(r, [...path, "labels"], network.labels);
    const zone = network.zone ?? envZone;
    const checkedRange = checkNetworkRange(network.ip_range);
    if (!checkedRange.ok) reportRule(r, [...path, "ip_range"], checkedRange.problem);
    const range = checkedRange.ok ? checkedRange.value : undefined;
    const subnets: Cidr[] = [];
    const subnetIndex: number[] = [];
    network.subnets.forEach((subnet, j) => {
      const checked = checkSubnetRange(subnet.ip_range, range, subnets);
      const subnetPath = [...path, "subnets", j, "ip_range"];
      if (!checked.ok) return reportRule(r, subnetPath, checked.problem, (k) => [...path, "subnets", subnetIndex[k]!, "ip_range"]);
      subnets.push(checked.value);
      subnetIndex.push(j);
    });
    const destinations: Cidr[] = [];
    const destinationIndex: number[] = [];
    network.routes.forEach((route, j) => {
      const routePath = [...path, "routes", j];
      const destination = checkRouteDestination(route.destination, subnets, destinations);
      if (destination.ok) {
        destinations.push(destination.value);
        destinationIndex.push(j);
      } else {
        const other = (k: number): PathSegment[] =>
          destination.problem.conflict?.kind === "route" ? [...path, "routes", destinationIndex[k]!, "destination"] : [...path, "subnets", subnetIndex[k]!, "ip_range"];
        reportRule(r, [...routePath, "destination"], destination.problem, other);
      }
      // The subnets are known only when all of them are valid.
      const gateway = checkRouteGateway(route.gateway, range, subnets.length === network.subnets.length ? subnets : undefined);
      if (!gateway.ok) reportRule(r, [...routePath, "gateway"], gateway.problem);
    });
    if (networkNames.get(network.name) === i) networkInfo.set(network.name, { index: i, range, subnets, zone });
    networks.push({ ...network, zone, labels: labelsFor(env, "network", envLabels, network.labels) });
  });

  // ---------- firewall policies
  const policyNames = uniqueNames(r, d.firewall_policies, ["firewall_policies"], "firewall policy name", (p) => p.name);
  const policies: FirewallPolicySpec[] = d.firewall_policies.map((policy, i) => {
    const path: PathSegment[] = ["firewall_policies", i];
    checkLabels(r, [...path, "labels"], policy.labels);
    const rules = policy.rules.map((rule, j) => checkRule(r, [...path, "rules", j], rule, adminRanges));
    return { ...policy, rules, labels: labelsFor(env, "firewall", envLabels, policy.labels) };
  });

  // ---------- servers
  const serverNames = uniqueNames(r, d.servers, ["servers"], "server name", (s) => s.name);
  const operatorKeyNames = d.operators.ssh_keys.map((k) => k.name);
  const volumeNames = new Map<string, PathSegment[]>();
  const takenIps = new Map<string, PathSegment[]>();
  const groupMembers = new Map<string, number>();
  const servers: ServerSpec[] = d.servers.map((server, i) => {
    const path: PathSegment[] = ["servers", i];
    const location = server.location ?? d.environment.location;
    if (server.location !== undefined) locationAllowed(server.location, [...path, "location"]);
    const zone = LOCATIONS[location]!.networkZone;
    checkLabels(r, [...path, "labels"], server.labels);
    for (const f of offerFindings({ type: server.type, image: server.image, location }, input.today ?? new Date().toISOString().slice(0, 10))) {
      (f.severity === "error" ? r.report : r.warn).call(r, [...path, f.field], f.message, f.hint);
    }

    if (server.placement_group !== undefined) {
      if (!groupNames.has(server.placement_group)) {
        r.report(
          [...path, "placement_group"],
          `unknown placement group "${server.placement_group}"`,
          suggestionHint(server.placement_group, [...groupNames.keys()], "placement groups"),
        );
      } else {
        groupMembers.set(server.placement_group, (groupMembers.get(server.placement_group) ?? 0) + 1);
        if (groupMembers.get(server.placement_group) === LIMITS.spreadGroupServers + 1) {
          r.report(
            [...path, "placement_group"],
            `placement group "${server.placement_group}" has more than ${LIMITS.spreadGroupServers} servers`,
            "Hetzner's spread groups hold at most 10 servers",
          );
        }
      }
    }

    const attached = new Map<string, number>();
    server.networks.forEach((attachment, j) => {
      const attachPath = [...path, "networks", j];
      const info = networkInfo.get(attachment.network);
      if (!info) {
        return r.report(
          [...attachPath, "network"],
          `unknown network "${attachment.network}"`,
          suggestionHint(attachment.network, [...networkNames.keys()], "networks"),
        );
      }
      const previous = attached.get(attachment.network);
      if (previous !== undefined) return r.report([...attachPath, "network"], `server ${server.name} is attached to network ${attachment.network} twice (networks[${previous}])`);
      attached.set(attachment.network, j);
      if (info.zone !== zone) {
        r.report(
          [...attachPath, "network"],
          `network ${attachment.network} is in zone ${info.zone}, but server ${server.name} is in ${location} (${zone})`,
          "a server can only join networks of its location's network zone",
        );
      }
      if (attachment.ip === undefined) return;
      const ipPath = [...attachPath, "ip"];
      const value = parseIpv4(attachment.ip.trim());
      if (value === undefined) return r.report(ipPath, `fixed IP "${attachment.ip}" is not an IPv4 address`);
      const address = { family: "ipv4" as const, value };
      const subnet = info.subnets.find((s) => cidrContains(s, address));
      if (!subnet) {
        return r.report(
          ipPath,
          `fixed IP ${attachment.ip} is outside the subnets of network ${attachment.network}`,
          `subnets: ${info.subnets.map((s) => s.text).join(", ") || "none"}`,
        );
      }
      if (value === subnet.base || value === lastAddress(subnet)) {
        return r.report(
          ipPath,
          `fixed IP ${attachment.ip} is the ${value === subnet.base ? "network" : "broadcast"} address of subnet ${subnet.text}`,
        );
      }
      if (info.range && value === info.range.base + 1n) return r.report(ipPath, `fixed IP ${attachment.ip} is the network's router address`, "Hetzner uses the first address of the network");
      const key = `${attachment.network}/${value}`;
      const taken = takenIps.get(key);
      if (taken) return r.report(ipPath, `fixed IP ${attachment.ip} is already taken by ${formatPath(taken)} (${r.where(taken, ipPath)})`, "each fixed IP belongs to one server");
      takenIps.set(key, ipPath);
    });

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
      if (!server.public[family]) r.report([...path, "public", "rdns", family], `reverse DNS for ${family} is set, but public.${family} is false`);
      checkHostName(r, [...path, "public", "rdns", family], rdns, "reverse DNS name");
    }
    if (server.floating_ip) {
      checkLabels(r, [...path, "floating_ip", "labels"], server.floating_ip.labels);
      if (server.floating_ip.rdns !== undefined) checkHostName(r, [...path, "floating_ip", "rdns"], server.floating_ip.rdns, "reverse DNS name");
    }
    server.volumes.forEach((volume, j) => {
      const volumePath = [...path, "volumes", j, "name"];
      checkLabels(r, [...path, "volumes", j, "labels"], volume.labels);
      const previous = volumeNames.get(volume.name);
      if (previous) r.report(volumePath, `duplicate volume name "${volume.name}" (first at ${formatPath(previous)}, ${r.where(previous, volumePath)})`, "volume names are unique in a project");
      else volumeNames.set(volume.name, volumePath);
    });

    const seenPolicies = new Set<string>();
    server.firewall_policies.forEach((name, j) => {
      if (!policyNames.has(name)) r.report([...path, "firewall_policies", j], `unknown firewall policy "${name}"`, suggestionHint(name, [...policyNames.keys()], "firewall policies"));
      else if (seenPolicies.has(name)) r.report([...path, "firewall_policies", j], `firewall policy "${name}" is listed twice`);
      seenPolicies.add(name);
    });

    const keys = server.ssh_keys ?? operatorKeyNames;
    server.ssh_keys?.forEach((name, j) => {
      if (!keyNames.has(name)) r.report([...path, "ssh_keys", j], `unknown SSH key "${name}"`, suggestionHint(name, operatorKeyNames, "SSH keys (operators.ssh_keys)"));
    });
    if (keys.length === 0) {
      r.report(
        server.ssh_keys ? [...path, "ssh_keys"] : [...path, "name"],
        `server ${server.name} gets no SSH key`,
        "add operators.ssh_keys: without a key Hetzner e-mails a root password",
      );
    }

    const userData = server.user_data !== undefined ? checkUserData(r, [...path, "user_data"], server.user_data, files) : undefined;

    let importId: string | undefined;
    const importIps = server.import_primary_ips;
    if (importIps !== undefined && server.import_id === undefined) {
      r.report([...path, "import_primary_ips"], "import_primary_ips is only used with import_id", "add import_id, or remove import_primary_ips");
    }
    if (server.import_id !== undefined && importIps === undefined) {
      r.report(
        [...path, "import_id"],
        `adopting server ${server.name} needs import_primary_ips: the ids of its current primary IPs (or "create" for a new address)`,
        server.public.ipv4 ? "add import_primary_ips: { ipv4: <id>, ipv6: <id> }" : "add import_primary_ips: { ipv6: <id> }",
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
      r.report([...path, "import_primary_ips"], `server ${server.name} has public.ipv4 true: name its current IPv4 (or "create")`, "add import_primary_ips.ipv4");
    }
    if (server.import_id !== undefined) {
      importId = String(server.import_id);
      const file = r.file([...path, "import_id"]);
      if (input.sharedFiles.has(file)) {
        r.report(
          [...path, "import_id"],
          "import_id is specific to one environment's Hetzner project",
          `move it to config/environments/${env}.yaml (or the overlay it belongs to)`,
        );
      }
    }

    const labels = labelsFor(env, server.role, envLabels, server.labels);
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
      floating_ip: server.floating_ip ? { ...server.floating_ip, labels: { ...labels, ...server.floating_ip.labels } } : undefined,
      labels,
    };
  });

  // ---------- zones
  const serverAddresses = new Map<string, ServerAddresses>();
  d.servers.forEach((s, i) => {
    if (serverNames.get(s.name) === i) serverAddresses.set(s.name, { index: i, ipv4: s.public.ipv4, ipv6: s.public.ipv6 });
  });
  const secondaries = checkSecondaries(r, d.dns_secondaries);
  const zoneNames = new Map<string, number>();
  const tsigVars = new Map<string, { key: string; path: PathSegment[] }>();
  const zones: ZoneSpec[] = [];
  d.zones.forEach((zone, i) => {
    const path: PathSegment[] = ["zones", i];
    checkLabels(r, [...path, "labels"], zone.labels);
    const parsed = parseDomainName(zone.name, { minLabels: 2 });
    if (!parsed.ok) return r.report([...path, "name"], `zone name "${zone.name}" ${parsed.reason}`);
    const ascii = parsed.name.ascii;
    const previous = zoneNames.get(ascii);
    if (previous !== undefined) {
      return r.report(
        [...path, "name"],
        `duplicate zone "${zone.name}" (first at ${r.where(["zones", previous, "name"], [...path, "name"])})`,
        "one entry per zone",
      );
    }
    zoneNames.set(ascii, i);
    let primary: ZoneSpec["primary"];
    if (zone.mode === "secondary") {
      if (!zone.primary) {
        r.report(
          [...path, "mode"],
          `secondary zone ${zone.name} needs a primary (the hidden primary server and its TSIG key name)`,
          "add primary: { server: ns-1, tsig_key: <key name> }",
        );
      } else {
        primary = checkZonePrimary(r, [...path, "primary"], zone.primary, serverAddresses, tsigVars, secondaries);
      }
    } else if (zone.primary) {
      r.report(
        [...path, "primary"],
        `primary zone ${zone.name} has no primary server to transfer from`,
        'remove primary, or set mode: secondary',
      );
    }
    const records = checkRecords(
      {
        zone: ascii,
        mode: zone.mode,
        defaultTtl: zone.ttl,
        servers: serverAddresses,
        path,
        report: (p, message, hint) => r.report(p, message, hint),
      },
      zone.records,
      (index) => r.line([...path, "records", index]),
    );
    zones.push({
      name: ascii,
      unicode_name: parsed.name.unicode,
      mode: zone.mode,
      ttl: zone.ttl,
      ...(primary ? { primary } : {}),
      records,
      labels: labelsFor(env, "dns", envLabels, zone.labels),
    });
  });

  // ---------- storage boxes
  uniqueNames(r, d.storage_boxes, ["storage_boxes"], "storage box name", (b) => b.name);
  const boxes: StorageBoxSpec[] = d.storage_boxes.map((box, i) => {
    const path: PathSegment[] = ["storage_boxes", i];
    checkLabels(r, [...path, "labels"], box.labels);
    locationAllowed(box.location, [...path, "location"]);
    if (!LOCATIONS[box.location].storageBoxes) {
      const where = Object.entries(LOCATIONS).filter(([, l]) => l.storageBoxes).map(([n]) => n);
      r.report([...path, "location"], `storage boxes are not offered in ${box.location}`, `choose one of ${where.join(", ")}`);
    }
    box.ssh_keys.forEach((name, j) => {
      if (!keyNames.has(name)) r.report([...path, "ssh_keys", j], `unknown SSH key "${name}"`, suggestionHint(name, operatorKeyNames, "SSH keys (operators.ssh_keys)"));
    });
    const plan = box.snapshot_plan;
    if (plan.day_of_week !== undefined && plan.day_of_month !== undefined) {
      r.report(
        [...path, "snapshot_plan", "day_of_month"],
        "give day_of_week (weekly) or day_of_month (monthly), not both",
        "omit both for a daily plan",
      );
    }
    uniqueNames(r, box.subaccounts, [...path, "subaccounts"], "subaccount name", (s) => s.name);
    const homes: { dir: string; index: number; readonly: boolean }[] = [];
    const perServer = new Map<string, number>();
    const subaccounts = box.subaccounts.map((sub, j) => {
      const subPath = [...path, "subaccounts", j];
      checkLabels(r, [...subPath, "labels"], sub.labels);
      if (sub.server !== undefined) {
        if (!serverNames.has(sub.server)) {
          r.report(
            [...subPath, "server"],
            `unknown server "${sub.server}"`,
            suggestionHint(sub.server, [...serverNames.keys()], "servers"),
          );
        } else {
          const previous = perServer.get(sub.server);
          if (previous !== undefined) r.report([...subPath, "server"], `server ${sub.server} already has subaccount ${box.subaccounts[previous].name} in this box`, "one subaccount per server");
          else perServer.set(sub.server, j);
        }
      } else if (!sub.description?.trim()) {
        r.report(subPath, `subaccount ${sub.name} has neither a server nor a description`, "say which server or service it is for");
      }
      const home = (sub.home_directory ?? sub.name).replace(/\/+$/, "");
      const homePath = sub.home_directory !== undefined ? [...subPath, "home_directory"] : [...subPath, "name"];
      if (!/^[A-Za-z0-9._-]+(?:\/[A-Za-z0-9._-]+)*$/.test(home) || home.split("/").some((part) => part === "." || part === "..")) {
        r.report(homePath, `home directory "${home}" must be a relative path of letters, digits, ".", "_" and "-"`, "e.g. servers/web-1");
      } else {
        // A read-only subaccount may look into others' directories (restores); a writable one may not.
        const clash = homes.find(
          (h) => h.dir === home || (home.startsWith(`${h.dir}/`) && !h.readonly) || (h.dir.startsWith(`${home}/`) && !sub.readonly),
        );
        if (clash) {
          r.report(
            homePath,
            `home directory ${home} overlaps ${clash.dir} of subaccount ${box.subaccounts[clash.index].name}`,
            "each writable subaccount needs its own directory: it could change the other's backups (a readonly one may contain others)",
          );
        }
        homes.push({ dir: home, index: j, readonly: sub.readonly });
      }
      return { ...sub, home_directory: home, labels: labelsFor(env, "backup", envLabels, sub.labels) };
    });
    return { ...box, subaccounts, labels: labelsFor(env, "backup", envLabels, box.labels) };
  });

  // ---------- suppressions
  const existing: Record<(typeof SUPPRESSION_KINDS)[number], string[]> = {
    server: [...serverNames.keys()],
    volume: [...volumeNames.keys()],
    network: [...networkNames.keys()],
    "firewall-policy": [...policyNames.keys()],
    "placement-group": [...groupNames.keys()],
    zone: [...zoneNames.keys()],
    "storage-box": d.storage_boxes.map((b) => b.name),
    "ssh-key": operatorKeyNames,
  };
  const seenSuppressions = new Map<string, number>();
  d.suppressions.forEach((suppression, i) => {
    const path: PathSegment[] = ["suppressions", i];
    if (!/^[a-z0-9][a-z0-9-]*(?:\/[a-z0-9-]+)?$/.test(suppression.rule)) {
      r.report(
        [...path, "rule"],
        `rule id "${suppression.rule}" is not a policy rule id`,
        "rule ids are kebab-case, as printed by the policy check",
      );
    }
    const slash = suppression.resource.indexOf("/");
    const kind = suppression.resource.slice(0, slash) as (typeof SUPPRESSION_KINDS)[number];
    const name = suppression.resource.slice(slash + 1);
    if (slash < 0 || !(SUPPRESSION_KINDS as readonly string[]).includes(kind)) {
      r.report([...path, "resource"], `resource "${suppression.resource}" must be <kind>/<name>`, `kinds: ${SUPPRESSION_KINDS.join(", ")}`);
    } else if (!existing[kind].includes(kind === "zone" ? name.toLowerCase().replace(/\.$/, "") : name)) {
      // A suppression of the shared files may name what this environment's overlay removes:
      // here it is unused, which the policy pack reports as the warning suppression-unused.
      const removedHere = input.sharedFiles.has(r.file(path)) && (input.sharedNames?.has(suppression.resource) ?? false);
      if (!removedHere) r.report([...path, "resource"], `unknown ${kind} "${name}"`, suggestionHint(name, existing[kind], `${kind}s`));
    }
    const reason = suppression.reason.trim();
    const words = reason.split(/\s+/).filter((w) => /[A-Za-z0-9]/.test(w)).length;
    if (reason.length < REASON_MIN_CHARS || words < REASON_MIN_WORDS) {
      r.report(
        [...path, "reason"],
        reason === "" ? "the reason is empty" : `the reason "${reason}" is too short`,
        `say why in at least a sentence (${REASON_MIN_CHARS} characters, ${REASON_MIN_WORDS} words): reviewers read it`,
      );
    }
    const key = `${suppression.rule} ${suppression.resource}`;
    const previous = seenSuppressions.get(key);
    if (previous !== undefined) r.report(path, `duplicate suppression of ${suppression.rule} for ${suppression.resource} (suppressions[${previous}])`);
    else seenSuppressions.set(key, i);
  });

  if (r.problems.length > 0) return { problems: r.problems, warnings: r.warnings };
  return {
    problems: [],
    warnings: r.warnings,
    spec: {
      environment: { ...d.environment, name: env, network_zone: envZone, state },
      operators: { ssh_keys: sshKeys, admin_ranges: adminRanges },
      placement_groups: d.placement_groups.map((g) => ({ ...g, labels: labelsFor(env, "placement", envLabels, g.labels) })),
      networks,
      firewall_policies: policies,
      servers,
      zones,
      storage_boxes: boxes,
      suppressions: d.suppressions.map((s) => ({ ...s })),
      files: [],
    },
  };
}

function checkState(r: Reporter, env: string, state: Description["environment"]["state"]): StateSpec {
  const path = ["environment", "state"];
  const s3Fields = ["bucket", "key_prefix", "endpoint", "region"] as const;
  if (state.backend === "local") {
    for (const field of s3Fields) {
      if (state[field] !== undefined) r.report([...path, field], `${field} is only for the s3 backend`, "set backend: s3, or remove it");
    }
    return { backend: "local" };
  }
  for (const field of ["bucket", "endpoint", "region"] as const) {
    if (!state[field]?.trim()) r.report([...path, field], `the s3 backend needs ${field}`);
  }
  if (state.endpoint !== undefined && !/^https:\/\/[A-Za-z0-9.-]+(?::[0-9]+)?\/?$/.test(state.endpoint)) {
    r.report([...path, "endpoint"], `endpoint "${state.endpoint}" must be an https:// URL`, "e.g. https://fsn1.your-objectstorage.com");
  }
  if (state.bucket !== undefined && !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(state.bucket)) {
    r.report(
      [...path, "bucket"],
      `bucket name "${state.bucket}" is not a valid S3 bucket name`,
      "3 to 63 lower-case letters, digits, dots and hyphens",
    );
  }
  const keyPrefix = state.key_prefix ?? `all2all/${env}`;
  if (!/^[A-Za-z0-9._-]+(?:\/[A-Za-z0-9._-]+)*$/.test(keyPrefix)) {
    r.report([...path, "key_prefix"], `key_prefix "${keyPrefix}" must be a relative path without leading or trailing slash`);
  }
  return { backend: "s3", bucket: state.bucket ?? "", key_prefix: keyPrefix, endpoint: state.endpoint ?? "", region: state.region ?? "" };
}

/** A network rule's problem (primitives/network-rules.ts) at `path`; the value it collides with named by where it is written. */
function reportRule(r: Reporter, path: readonly PathSegment[], problem: RuleProblem, conflictPath?: (index: number) => readonly PathSegment[]): void {
  const where = problem.conflict !== undefined && conflictPath !== undefined ? ` (${r.where(conflictPath(problem.conflict.index), path)})` : "";
  r.report(path, `${problem.message}${where}`, problem.hint);
}

function checkRule(r: Reporter, path: readonly PathSegment[], rule: Description["firewall_policies"][number]["rules"][number], adminRanges: readonly string[]): FirewallRuleSpec {
  let port: string | undefined;
  const withPorts = rule.protocol === "tcp" || rule.protocol === "udp";
  if (rule.port !== undefined && !withPorts) {
    r.report([...path, "port"], `port is only for tcp and udp, not ${rule.protocol}`, "remove port");
  } else if (rule.port === undefined && withPorts) {
    r.report(path, `a ${rule.protocol} rule needs a port`, 'e.g. port: 443, port: "1024-5000" or port: any');
  } else if (rule.port !== undefined) {
    const text = String(rule.port).trim();
    const range = /^([0-9]{1,5})(?:-([0-9]{1,5}))?$/.exec(text);
    if (text === "any") port = "any";
    else if (!range) r.report([...path, "port"], `port "${text}" must be a number, a range like 1024-5000, or any`);
    else {
      const low = Number(range[1]);
      const high = range[2] !== undefined ? Number(range[2]) : low;
      if (low < 1 || high > 65535 || low > 65535) r.report([...path, "port"], `port "${text}" is outside 1-65535`);
      else if (high <= low && range[2] !== undefined) r.report([...path, "port"], `port range "${text}" must go from low to high`);
      else port = text;
    }
  }
  const expand = (field: "sources" | "destinations"): string[] => {
    const list = rule[field] ?? [];
    const out: string[] = [];
    list.forEach((entry, i) => {
      const entryPath = [...path, field, i];
      const text = entry.trim();
      let cidrs: string[] = [];
      if (text === "any") cidrs = ["0.0.0.0/0", "::/0"];
      else if (text === "admin") {
        if (adminRanges.length === 0) r.report(entryPath, '"admin" stands for operators.admin_ranges, which is empty', "add the operators' ranges");
        cidrs = [...adminRanges];
      } else {
        const cidr = cidrAt(r, entryPath, text, field === "sources" ? "source" : "destination");
        if (cidr) cidrs = [cidr.text];
      }
      for (const c of cidrs) if (!out.includes(c)) out.push(c);
    });
    return out;
  };
  if (rule.direction === "in") {
    if (rule.destinations !== undefined) r.report([...path, "destinations"], "an inbound rule has sources, not destinations", "rename destinations to sources");
    if (!rule.sources || rule.sources.length === 0) r.report(path, "an inbound rule needs sources", 'e.g. sources: [any] or sources: [admin]');
  } else {
    if (rule.sources !== undefined) r.report([...path, "sources"], "an outbound rule has destinations, not sources", "rename sources to destinations");
    if (!rule.destinations || rule.destinations.length === 0) r.report(path, "an outbound rule needs destinations");
  }
  return {
    direction: rule.direction,
    protocol: rule.protocol,
    ...(port !== undefined ? { port } : {}),
    source_ips: rule.direction === "in" ? expand("sources") : [],
    destination_ips: rule.direction === "out" ? expand("destinations") : [],
    ...(rule.description !== undefined ? { description: rule.description } : {}),
  };
}

function checkHostName(r: Reporter, path: readonly PathSegment[], text: string, what: string): void {
  const parsed = parseDomainName(text, { minLabels: 2 });
  if (!parsed.ok) r.report(path, `${what} "${text}" ${parsed.reason}`);
}

/** dns_secondaries: unique names, absolute host names, address literals. */
function checkSecondaries(r: Reporter, list: Description["dns_secondaries"]): Map<string, DnsSecondarySpec> {
  const names = uniqueNames(r, list, ["dns_secondaries"], "DNS secondary", (s) => s.name);
  const result = new Map<string, DnsSecondarySpec>();
  list.forEach((s, i) => {
    const path: PathSegment[] = ["dns_secondaries", i];
    s.nameservers.forEach((ns, j) => {
      if (!ns.endsWith(".")) return r.report([...path, "nameservers", j], `name server "${ns}" must be absolute, with the final dot`, `write "${ns}."`);
      checkHostName(r, [...path, "nameservers", j], ns.slice(0, -1), "name server");
    });
    for (const field of ["transfer_sources", "notify"] as const) {
      s[field].forEach((address, j) => {
        if (!parseAddress(address)) r.report([...path, field, j], `"${address}" is not an IPv4 or IPv6 address`, "one address per item, without a prefix length");
      });
    }
    if (names.get(s.name) === i) {
      result.set(s.name, {
        name: s.name,
        nameservers: s.nameservers.map((n) => n.toLowerCase()),
        transfer_sources: [...s.transfer_sources],
        notify: [...s.notify],
      });
    }
  });
  return result;
}

function checkZonePrimary(
  r: Reporter,
  path: readonly PathSegment[],
  primary: NonNullable<Description["zones"][number]["primary"]>,
  servers: ReadonlyMap<string, ServerAddresses>,
  tsigVars: Map<string, { key: string; path: PathSegment[] }>,
  secondaries: ReadonlyMap<string, DnsSecondarySpec>,
): ZoneSpec["primary"] {
  const serving: DnsSecondarySpec[] = [];
  primary.secondaries.forEach((name, i) => {
    const found = secondaries.get(name);
    if (found) serving.push(found);
    else r.report([...path, "secondaries", i], `unknown DNS secondary "${name}"`, suggestionHint(name, [...secondaries.keys()], "dns_secondaries"));
  });
  const server = servers.get(primary.server);
  const addresses: AddressRef[] = [];
  if (!server) {
    r.report([...path, "server"], `unknown server "${primary.server}"`, suggestionHint(primary.server, [...servers.keys()], "servers"));
  } else {
    if (server.ipv4) addresses.push({ kind: "address", server: primary.server, family: "ipv4" });
    if (server.ipv6) addresses.push({ kind: "address", server: primary.server, family: "ipv6" });
    if (addresses.length === 0) r.report([...path, "server"], `server ${primary.server} has no public address for Hetzner to transfer the zone from`);
  }
  const key = primary.tsig_key.trim().toLowerCase().replace(/\.$/, "");
  const envVar = tsigEnvVar(key);
  if (!TSIG_KEY_PATTERN.test(key)) {
    r.report(
      [...path, "tsig_key"],
      `TSIG key name "${primary.tsig_key}" must be lower-case labels of letters, digits and hyphens`,
      "e.g. all2all-org-transfer",
    );
  } else {
    const previous = tsigVars.get(envVar);
    if (previous && previous.key !== key) {
      r.report([...path, "tsig_key"], `TSIG key names "${previous.key}" and "${key}" both read ${envVar}`, "rename one of the keys");
    } else if (!previous) {
      tsigVars.set(envVar, { key, path: [...path, "tsig_key"] });
    }
  }
  return { server: primary.server, port: primary.port, addresses, secondaries: serving, tsig: { key_name: key, algorithm: primary.tsig_algorithm, variable: tsigVariable(key), env_var: envVar } };
}

const CLOUD_INIT_FIRST_LINES = ["#cloud-config", "#!", "#include", "#cloud-boothook", "## template: jinja"];

function checkUserData(r: Reporter, path: readonly PathSegment[], relative: string, files: ConfigFiles): ServerSpec["user_data"] {
  const rel = relative.trim();
  if (rel.startsWith("/") || /^[A-Za-z]:[\\/]/.test(rel) || rel.split(/[\\/]/).includes("..")) {
    r.report(path, `user_data "${relative}" must be a path inside the config directory`, "e.g. cloud-init/web.yaml");
    return undefined;
  }
  const read = files.read(rel);
  if (!read.ok) {
    const why = read.reason === "missing" ? "does not exist" : read.reason === "not-a-file" ? "is not a file" : "is outside the config directory";
    r.report(path, `user_data file ${files.display(rel)} ${why}`, "paths are relative to the config directory, e.g. cloud-init/web.yaml");
    return undefined;
  }
  const bytes = read.bytes;
  if (bytes.length > LIMITS.userDataBytes) {
    r.report(
      path,
      `user_data file ${files.display(rel)} is ${bytes.length} bytes (Hetzner accepts at most ${LIMITS.userDataBytes})`,
      "move large content to a package or a download; keep cloud-init small",
    );
    return undefined;
  }
  const content = bytes.toString("utf8");
  if (content.includes("\uFFFD") && !Buffer.from(content, "utf8").equals(bytes)) {
    r.report(path, `user_data file ${files.display(rel)} is not UTF-8 text`);
    return undefined;
  }
  const display = files.display(rel);
  let ok = true;
  for (const line of privateKeyLines(content)) {
    r.problems.push({ file: display, line, col: 1, path: formatPath(path), message: PRIVATE_KEY_MESSAGE, hint: PRIVATE_KEY_HINT });
    ok = false;
  }
  const firstLine = content.split(/\r?\n/, 1)[0].trimEnd();
  if (!CLOUD_INIT_FIRST_LINES.some((start) => firstLine.startsWith(start))) {
    r.problems.push({ file: display, line: 1, col: 1, path: formatPath(path), message: `user_data must start with #cloud-config or #! (cloud-init ignores it otherwise), not "${firstLine.slice(0, 40)}"` });
    ok = false;
  } else if (firstLine.startsWith("#cloud-config")) {
    const parsed = parseYaml(display, content);
    for (const problem of parsed.problems) {
      r.problems.push({ ...problem, path: formatPath(path) });
      ok = false;
    }
    if (parsed.root && parsed.root.kind !== "map") {
      r.problems.push({ file: display, line: 1, col: 1, path: formatPath(path), message: "a #cloud-config file must be a YAML mapping" });
      ok = false;
    }
  }
  return ok ? { path: rel, content } : undefined;
}
