/**
 * What Hetzner refuses or does on its own: updates it cannot do in place,
 * what it does in a replacement (a location, a network's range), server
 * type changes (disk size, storage), and network ranges that leave out
 * their subnets.
 */
import { catalogue } from "../../../catalogue/catalogue";
import { cidrContains, parseCidr } from "../../../primitives/ip";
import type { DangerClass, Reason } from "../change-types";
import { isPlainObject, type Maybe, valueAt } from "../values";
import { type Body, changedAt, type ChangeFinder, isIgnored, type ResourcePair, type SideResource } from "./common";

/**
 * Where each fact about what Hetzner cannot do comes from: Hetzner's Cloud
 * API reference (docs.hetzner.cloud) and the provider's source, read at
 * hetznercloud/hcloud 1.68.0 (re-read them on a provider upgrade, with
 * replace.json: docs/provider-upgrade.md).
 */
export const HETZNER_SOURCES = {
  volumeResize:
    "docs.hetzner.cloud, Volume Actions: Resize Volume; " +
    "hetznercloud/hcloud 1.68.0, internal/volume/resource.go:38, :288",
  changeType:
    "docs.hetzner.cloud, Server Actions: Change the Type of a Server; " +
    "hetznercloud/hcloud 1.68.0, internal/server/resource.go:587",
  changeIpRange:
    "docs.hetzner.cloud, Network Actions: Change IP range of a Network; hetznercloud/hcloud 1.68.0 " +
    "never calls it (ip_range forces a new network: internal/network/resource.go:40)",
  networkSubnets: "docs.hetzner.cloud, Networks: ip_range must span all included subnets",
  primaryIpLocation:
    "docs.hetzner.cloud, Primary IPs: a Primary IP can only be assigned to a Server in the same location",
  serverBackups: "docs.hetzner.com, Cloud FAQ: backups are bound to a single server and deleted with it",
} as const;

/**
 * The class of an update Hetzner refuses or cannot do as asked (a volume
 * made smaller, a server moved to a type with a smaller disk): no class of
 * its own in change-types.ts (DANGER_CLASSES), so the nearest, an update in place
 * that goes wrong.
 */
const CANNOT_UPDATE: DangerClass = "destructive-update";

/** A location name as written (`fsn1`), or undefined for a reference, an unknown value, anything else. */
function plainName(value: Maybe): string | undefined {
  return typeof value === "string" && /^[a-z0-9][a-z0-9-]*$/.test(value) ? value : undefined;
}

/** The attributes that place a resource, what the resource is called in a sentence, and what the new one is. */
const PLACED: Readonly<Record<string, { attributes: readonly string[]; what: string; becomes: string }>> = {
  hcloud_server: {
    attributes: ["location"],
    what: "a server",
    becomes: "a fresh disk, installed again from its image and user data",
  },
  hcloud_volume: { attributes: ["location"], what: "a volume", becomes: "an empty volume" },
  hcloud_primary_ip: { attributes: ["location"], what: "a primary IP", becomes: "another address" },
  hcloud_floating_ip: { attributes: ["home_location"], what: "a floating IP", becomes: "another address" },
  hcloud_storage_box: {
    attributes: ["location"],
    what: "a storage box",
    becomes: "an empty storage box, without the backups of the old one",
  },
  hcloud_load_balancer: {
    attributes: ["location", "network_zone"],
    what: "a load balancer",
    becomes: "other addresses",
  },
  hcloud_network_subnet: {
    attributes: ["network_zone"],
    what: "a subnet",
    becomes: "its servers lose their private addresses until attached again",
  },
};

/**
 * What Hetzner does when this attribute forces a replacement, when it is one of the limits above (a location, a
 * network's range).
 */
export function replacementFact(pair: ResourcePair, attribute: string): string | undefined {
  const placed = PLACED[pair.type];
  if (placed?.attributes.includes(attribute)) {
    const from = plainName(valueAt(pair.before, attribute));
    const to = plainName(valueAt(pair.after, attribute));
    const zone = attribute === "network_zone" ? "network zone" : "location";
    let fact =
      `Hetzner cannot move ${placed.what} to another ${zone}: tofu deletes the one${from ? ` in ${from}` : ""} and ` +
      `creates a new one${to ? ` in ${to}` : ""} (${placed.becomes}); nothing is moved or copied`;
    if (pair.type === "hcloud_server") {
      fact += `, and its backups are deleted with it (${HETZNER_SOURCES.serverBackups})`;
      const links = listOfBlocks(pair.after?.public_net).some((b) => isLinked(b.ipv4) || isLinked(b.ipv6));
      if (links)
        fact +=
          `; the primary IPs it links stay where they are, and Hetzner assigns a primary IP only to ` +
          `a server in its own location (${HETZNER_SOURCES.primaryIpLocation})`;
    }
    return fact;
  }
  if (pair.type === "hcloud_network" && attribute === "ip_range") {
    const was = typeof pair.before?.ip_range === "string" ? parseCidr(pair.before.ip_range) : undefined;
    const now = typeof pair.after?.ip_range === "string" ? parseCidr(pair.after.ip_range) : undefined;
    const widened =
      was !== undefined &&
      now !== undefined &&
      was.family === now.family &&
      now.prefix < was.prefix &&
      now.address === was.address;
    const replaced = "the subnets and server attachments that take its id are replaced with it";
    return widened
      ? `Hetzner could extend this range in place (change_ip_range keeps the first address and lowers the prefix), ` +
          `but the provider never calls it: it creates a new network, and ${replaced} ` +
          `(${HETZNER_SOURCES.changeIpRange})`
      : `Hetzner cannot narrow a network's range or move its first address (change_ip_range only extends a range ` +
          `from the same first address), so the only way is a new network: ${replaced} ` +
          `(${HETZNER_SOURCES.changeIpRange})`;
  }
  return undefined;
}

/** The blocks of a nested list (`public_net`), objects only. */
export function listOfBlocks(value: unknown): Body[] {
  return (Array.isArray(value) ? value : isPlainObject(value) ? [value] : []).filter(isPlainObject);
}

/** True for a linked primary IP id (a number, a reference), not for an absent one. */
export function isLinked(value: unknown): boolean {
  return value !== undefined && value !== null && value !== 0 && value !== "";
}

/** A server type as the catalogue knows it, or why it does not. */
function serverTypeFacts(name: string): { disk: number; storage: string } | { unknown: string } {
  let types: readonly { name: string; disk_gb: number; storage_type: string }[];
  let retired: readonly { name: string; unavailable_after: string; successor: string }[];
  try {
    const c = catalogue();
    types = c.server_types;
    retired = c.retired_server_types;
  } catch (err) {
    return { unknown: `catalogue/hetzner.json cannot be read (${(err as Error).message.split("\n")[0]})` };
  }
  const known = types.find((t) => t.name === name);
  if (known !== undefined) return { disk: known.disk_gb, storage: known.storage_type };
  const old = retired.find((t) => t.name === name);
  return {
    unknown:
      `${name} is not among the server types of catalogue/hetzner.json` +
      (old ? ` (retired: unavailable after ${old.unavailable_after}, successor ${old.successor})` : ""),
  };
}

/**
 * Updates in place that Hetzner refuses or cannot do as asked: a volume
 * made smaller, a server type with a smaller disk (or another storage
 * type). A server type the catalogue does not know is a remark for the
 * type change's warning, not a guess.
 */
export function hetznerLimits(
  pair: ResourcePair,
  unknown?: (attribute: string) => boolean,
): { dangers: Reason[]; serverTypeRemark?: string } {
  const dangers: Reason[] = [];
  const applies = (attribute: string): boolean =>
    !isIgnored(attribute, pair.ignored) && changedAt(pair, attribute) && !(unknown?.(attribute) ?? false);
  if (pair.type === "hcloud_volume" && applies("size")) {
    const was = valueAt(pair.before, "size");
    const now = valueAt(pair.after, "size");
    if (typeof was === "number" && typeof now === "number" && now < was) {
      dangers.push({
        class: CANNOT_UPDATE,
        attribute: "size",
        source: HETZNER_SOURCES.volumeResize,
        message:
          `\`size\` ${was} → ${now}: Hetzner volumes only grow ("downsizing a Volume is not ` +
          `possible"; the new size must be greater than the current one). ` +
          (`The provider does not stop it in the plan — size does not force a replacement, so tofu ` +
            `plans an update in place — and the apply fails at the resize call, `) +
          (`leaving the volume at ${was} GB and the changes the provider makes after it (labels, ` +
            `delete protection) not applied (${HETZNER_SOURCES.volumeResize}). `) +
          `A smaller volume is a new volume: create it, copy the data, then remove this one`,
      });
    }
  }
  if (pair.type === "hcloud_server" && applies("server_type")) {
    const was = valueAt(pair.before, "server_type");
    const now = valueAt(pair.after, "server_type");
    if (typeof was === "string" && typeof now === "string" && !was.includes("${") && !now.includes("${")) {
      const a = serverTypeFacts(was);
      const b = serverTypeFacts(now);
      if ("unknown" in a || "unknown" in b) {
        const why = [a, b].filter((f): f is { unknown: string } => "unknown" in f).map((f) => f.unknown);
        return {
          dangers,
          serverTypeRemark:
            `${[...new Set(why)].join("; ")}: whether ${now}'s disk is smaller than ${was}'s is not checked ` +
            `(Hetzner cannot shrink a disk; check the two types' disks before applying)`,
        };
      }
      const poweredOff =
        `Hetzner refuses the change (\`invalid_server_type\`) after the provider has ` +
        `powered the server off: the apply fails and the server stays off`;
      if (b.disk < a.disk) {
        dangers.push({
          class: CANNOT_UPDATE,
          attribute: "server_type",
          source: HETZNER_SOURCES.changeType,
          message:
            `\`server_type\` ${was} → ${now}: ${now}'s disk (${b.disk} GB) is smaller than ${was}'s ` +
            `(${a.disk} GB, catalogue/hetzner.json), and Hetzner cannot shrink a disk — ` +
            (`it changes a server only to a type with an equal or bigger disk ` +
              `("Shrinking disks is not possible as it might destroy data"). `) +
            (`This works only if the server's disk was never upgraded (created with a disk of at ` +
              `most ${b.disk} GB, and every type change since made with keep_disk = true); `) +
            (`otherwise ${poweredOff} (${HETZNER_SOURCES.changeType}). Check ` +
              `the server's disk size in the console first`),
        });
      } else if (a.storage !== b.storage) {
        dangers.push({
          class: CANNOT_UPDATE,
          attribute: "server_type",
          source: HETZNER_SOURCES.changeType,
          message:
            `\`server_type\` ${was} → ${now}: ${was} has ${a.storage} storage, ${now} ${b.storage}, and Hetzner ` +
            `changes a server only to a type with the same storage type: ${poweredOff} ` +
            `(${HETZNER_SOURCES.changeType})`,
        });
      }
    }
  }
  return { dangers };
}

/**
 * A network whose range changes while a subnet of it (same stack, network_id
 * referring to it) falls outside the new range: Hetzner refuses that subnet
 * in the new network, once tofu has destroyed the old one.
 */
export function classifyNetworkRanges(
  base: readonly SideResource[],
  head: readonly SideResource[],
  find: ChangeFinder,
): void {
  for (const net of head) {
    if (net.type !== "hcloud_network" || typeof net.body.ip_range !== "string") continue;
    const was = base.find((r) => r.stack === net.stack && r.address === net.address && r.type === net.type);
    if (was === undefined || was.body.ip_range === net.body.ip_range) continue;
    const range = parseCidr(net.body.ip_range);
    if (range === undefined) continue;
    const ref = `\${${net.address}.id}`;
    const outside = head.filter((r) => {
      if (
        r.stack !== net.stack ||
        r.type !== "hcloud_network_subnet" ||
        r.body.network_id !== ref ||
        typeof r.body.ip_range !== "string"
      )
        return false;
      const sub = parseCidr(r.body.ip_range);
      return sub !== undefined && !cidrContains(range, sub);
    });
    if (outside.length === 0) continue;
    find(net).dangers.push({
      class: "replace",
      attribute: "ip_range",
      source: HETZNER_SOURCES.networkSubnets,
      message:
        `${outside.map((r) => `${r.address} (${String(r.body.ip_range)})`).join(", ")} ` +
        `${outside.length === 1 ? "lies" : "lie"} outside ` +
        `the new range ${net.body.ip_range}: ` +
        (`a network's range must span all its subnets, so Hetzner refuses ${outside.length === 1 ? "it" : "them"} ` +
          `in the new network and the apply fails after tofu has destroyed the old one ` +
          `(${HETZNER_SOURCES.networkSubnets})`),
    });
  }
}
