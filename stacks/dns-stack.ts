/**
 * The dns stack of an environment (`<env>-dns`, after servers): each zone,
 * and the record sets of primary zones, whose values may name a server's
 * address (taken from the servers stack).
 */
import { TerraformResource } from "cdktn";
import { DnsZone, type RrsetType, type Server } from "../constructs";
import type { AddressRef, NetworkSpec, RecordValue } from "../description";
import type { HcloudStack } from "./hcloud-stack";

type ZoneSpec = NetworkSpec["zones"][number];

/** What the dns stack holds. */
export interface DnsStackConstructs {
  /** The DnsZone constructs by zone name (`all2all.org`). */
  readonly zones: Map<string, DnsZone>;
  /** The zone name of each zone and record set resource (their import ids are names). */
  readonly zoneOf: Map<TerraformResource, string>;
}

/** Builds the dns stack's constructs in `stack`; `server` gives the Server construct of a server's name. */
export function buildDnsStack(
  stack: HcloudStack,
  spec: NetworkSpec,
  server: (name: string) => Server,
): DnsStackConstructs {
  const built: DnsStackConstructs = { zones: new Map(), zoneOf: new Map() };
  const address = (ref: AddressRef) => serverAddress(server(ref.server), ref);
  for (const z of spec.zones) {
    const zone = buildZone(stack, z, spec.environment.protect, address);
    noteZone(built.zoneOf, zone);
    built.zones.set(z.name, zone);
  }
  return built;
}

function buildZone(stack: HcloudStack, z: ZoneSpec, protect: boolean, address: (ref: AddressRef) => string): DnsZone {
  const zoneId = z.name.replace(/\./g, "-");
  if (z.mode !== "primary") {
    const primary = z.primary!;
    return new DnsZone(stack, zoneId, {
      name: z.name,
      labels: z.labels,
      ttl: z.ttl,
      protect,
      mode: "secondary",
      tsigKeyVariable: primary.tsig.variable,
      primaryNameservers: primary.addresses.map((a) => ({
        address: address(a),
        port: primary.port,
        tsigAlgorithm: primary.tsig.algorithm,
      })),
    });
  }
  const zone = new DnsZone(stack, zoneId, { name: z.name, labels: z.labels, ttl: z.ttl, protect, mode: "primary" });
  const recordValue = (v: RecordValue) => (v.kind === "address" ? address(v) : v.text);
  for (const rs of z.records) {
    // The config check allows only Hetzner's record types in primary zones (SSHFP only in secondary ones).
    zone.addRecordSet({
      name: rs.name,
      type: rs.type as RrsetType,
      ttl: rs.ttl,
      comment: rs.comment,
      records: rs.values.map(recordValue),
    });
  }
  return zone;
}

function noteZone(zoneOf: Map<TerraformResource, string>, zone: DnsZone): void {
  const name = zone.zone.nameInput;
  if (name === undefined) return;
  for (const c of zone.node.findAll()) if (c instanceof TerraformResource) zoneOf.set(c, name);
}

/** The public address of a server that a record value or a primary name server names. */
function serverAddress(server: Server, ref: AddressRef): string {
  const value = ref.family === "ipv4" ? server.ipv4Address : server.ipv6Address;
  if (value === undefined)
    throw new Error(
      `server ${ref.server} has no public ${ref.family} (the config check should have refused this reference)`,
    );
  return value;
}
