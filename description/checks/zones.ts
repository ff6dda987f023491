/**
 * DNS: the secondaries (absolute name servers, address literals), the zones
 * (valid, unique names; a secondary zone's hidden primary, its server and TSIG
 * key) and each zone's record sets (description/dns/).
 */
import { suggestionHint } from "../catalogue";
import { checkRecords, type AddressRef, type ServerAddresses } from "../dns";
import type { Description } from "../schema";
import { parseAddress } from "../../primitives/ip";
import { parseDomainName, TSIG_KEY_PATTERN, tsigEnvVar, tsigVariable } from "../domain-names";
import type { PathSegment } from "../problems";
import type { DnsSecondarySpec, ZoneSpec } from "../types";
import { checkHostName, checkLabels, uniqueNames } from "./common";
import { labelsFor, type CheckContext } from "./context";

type ZoneInput = Description["zones"][number];
type TsigVars = Map<string, { key: string; path: PathSegment[] }>;

/** What every zone is checked against: the servers' public addresses, the secondaries, the TSIG keys so far. */
interface ZoneRefs {
  readonly servers: ReadonlyMap<string, ServerAddresses>;
  readonly secondaries: ReadonlyMap<string, DnsSecondarySpec>;
  readonly tsigVars: TsigVars;
}

/** The zones, resolved, and each zone's (ASCII) name with its first index. */
export interface Zones {
  readonly zones: ZoneSpec[];
  readonly names: ReadonlyMap<string, number>;
}

/** Checks dns_secondaries and zones; `serverNames` gives the first index of each server name. */
export function checkZones(ctx: CheckContext, serverNames: ReadonlyMap<string, number>): Zones {
  const servers = new Map<string, ServerAddresses>();
  ctx.d.servers.forEach((s, i) => {
    if (serverNames.get(s.name) === i) servers.set(s.name, { index: i, ipv4: s.public.ipv4, ipv6: s.public.ipv6 });
  });
  const refs: ZoneRefs = { servers, secondaries: checkSecondaries(ctx), tsigVars: new Map() };
  const names = new Map<string, number>();
  const zones: ZoneSpec[] = [];
  ctx.d.zones.forEach((zone, i) => {
    const checked = checkZone(ctx, refs, names, zone, i);
    if (checked) zones.push(checked);
  });
  return { zones, names };
}

/** One zone; undefined when its name is invalid or taken (reported). */
function checkZone(
  ctx: CheckContext,
  refs: ZoneRefs,
  names: Map<string, number>,
  zone: ZoneInput,
  index: number,
): ZoneSpec | undefined {
  const { r } = ctx;
  const path: PathSegment[] = ["zones", index];
  checkLabels(r, [...path, "labels"], zone.labels);
  const parsed = parseDomainName(zone.name, { minLabels: 2 });
  if (!parsed.ok) {
    r.report([...path, "name"], `zone name "${zone.name}" ${parsed.reason}`);
    return undefined;
  }
  const ascii = parsed.name.ascii;
  const previous = names.get(ascii);
  if (previous !== undefined) {
    r.report(
      [...path, "name"],
      `duplicate zone "${zone.name}" (first at ${r.where(["zones", previous, "name"], [...path, "name"])})`,
      "one entry per zone",
    );
    return undefined;
  }
  names.set(ascii, index);
  const primary = checkZoneMode(ctx, refs, zone, path);
  const records = checkRecords(
    {
      zone: ascii,
      mode: zone.mode,
      defaultTtl: zone.ttl,
      servers: refs.servers,
      path,
      report: (p, message, hint) => r.report(p, message, hint),
    },
    zone.records,
    (index) => r.line([...path, "records", index]),
  );
  return {
    name: ascii,
    unicode_name: parsed.name.unicode,
    mode: zone.mode,
    ttl: zone.ttl,
    ...(primary ? { primary } : {}),
    records,
    labels: labelsFor(ctx, "dns", zone.labels),
  };
}

/** A secondary zone has a primary, a primary zone none; returns the secondary zone's primary, resolved. */
function checkZoneMode(ctx: CheckContext, refs: ZoneRefs, zone: ZoneInput, path: PathSegment[]): ZoneSpec["primary"] {
  if (zone.mode === "secondary") {
    if (zone.primary) return checkZonePrimary(ctx, refs, [...path, "primary"], zone.primary);
    ctx.r.report(
      [...path, "mode"],
      `secondary zone ${zone.name} needs a primary (the hidden primary server and its TSIG key name)`,
      "add primary: { server: ns-1, tsig_key: <key name> }",
    );
  } else if (zone.primary) {
    ctx.r.report(
      [...path, "primary"],
      `primary zone ${zone.name} has no primary server to transfer from`,
      "remove primary, or set mode: secondary",
    );
  }
  return undefined;
}

/** dns_secondaries: unique names, absolute host names, address literals. */
function checkSecondaries(ctx: CheckContext): Map<string, DnsSecondarySpec> {
  const { r } = ctx;
  const list = ctx.d.dns_secondaries;
  const names = uniqueNames(r, list, ["dns_secondaries"], "DNS secondary", (s) => s.name);
  const result = new Map<string, DnsSecondarySpec>();
  list.forEach((s, i) => {
    const path: PathSegment[] = ["dns_secondaries", i];
    s.nameservers.forEach((ns, j) => {
      if (!ns.endsWith(".")) {
        r.report(
          [...path, "nameservers", j],
          `name server "${ns}" must be absolute, with the final dot`,
          `write "${ns}."`,
        );
        return;
      }
      checkHostName(r, [...path, "nameservers", j], ns.slice(0, -1), "name server");
    });
    for (const field of ["transfer_sources", "notify"] as const) {
      s[field].forEach((address, j) => {
        if (!parseAddress(address)) {
          r.report(
            [...path, field, j],
            `"${address}" is not an IPv4 or IPv6 address`,
            "one address per item, without a prefix length",
          );
        }
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

/** A secondary zone's primary: known secondaries, a server with a public address, a TSIG key name of its own. */
function checkZonePrimary(
  ctx: CheckContext,
  refs: ZoneRefs,
  path: readonly PathSegment[],
  primary: NonNullable<ZoneInput["primary"]>,
): ZoneSpec["primary"] {
  const { r } = ctx;
  const serving: DnsSecondarySpec[] = [];
  primary.secondaries.forEach((name, i) => {
    const found = refs.secondaries.get(name);
    if (found) serving.push(found);
    else {
      r.report(
        [...path, "secondaries", i],
        `unknown DNS secondary "${name}"`,
        suggestionHint(name, [...refs.secondaries.keys()], "dns_secondaries"),
      );
    }
  });
  const addresses = primaryAddresses(ctx, refs.servers, path, primary.server);
  const key = primary.tsig_key.trim().toLowerCase().replace(/\.$/, "");
  const envVar = tsigEnvVar(key);
  if (!TSIG_KEY_PATTERN.test(key)) {
    r.report(
      [...path, "tsig_key"],
      `TSIG key name "${primary.tsig_key}" must be lower-case labels of letters, digits and hyphens`,
      "e.g. all2all-org-transfer",
    );
  } else {
    const previous = refs.tsigVars.get(envVar);
    if (previous && previous.key !== key) {
      r.report(
        [...path, "tsig_key"],
        `TSIG key names "${previous.key}" and "${key}" both read ${envVar}`,
        "rename one of the keys",
      );
    } else if (!previous) {
      refs.tsigVars.set(envVar, { key, path: [...path, "tsig_key"] });
    }
  }
  return {
    server: primary.server,
    port: primary.port,
    addresses,
    secondaries: serving,
    tsig: { key_name: key, algorithm: primary.tsig_algorithm, variable: tsigVariable(key), env_var: envVar },
  };
}

/** The public addresses of the primary's server, which Hetzner transfers the zone from. */
function primaryAddresses(
  ctx: CheckContext,
  servers: ReadonlyMap<string, ServerAddresses>,
  path: readonly PathSegment[],
  name: string,
): AddressRef[] {
  const server = servers.get(name);
  const addresses: AddressRef[] = [];
  if (!server) {
    ctx.r.report([...path, "server"], `unknown server "${name}"`, suggestionHint(name, [...servers.keys()], "servers"));
    return addresses;
  }
  if (server.ipv4) addresses.push({ kind: "address", server: name, family: "ipv4" });
  if (server.ipv6) addresses.push({ kind: "address", server: name, family: "ipv6" });
  if (addresses.length === 0) {
    ctx.r.report([...path, "server"], `server ${name} has no public address for Hetzner to transfer the zone from`);
  }
  return addresses;
}
