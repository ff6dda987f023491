/**
 * A server as the simulator stores it and as the API shows it: the record,
 * its collection, the name rule and the view (with the other modules'
 * additions through the core's hooks). See servers.ts for the routes.
 */
import { type Sim, checkUniqueName, invalidInput } from "../core";
import { floatingIpsOf } from "./floating-ips";
import type { Image, Iso, Location, ServerType } from "./offer";
import { placementGroupView, placementGroups } from "./placement-groups";
import { primaryIpOf } from "./primary-ips";
import { ptrView } from "./reverse-dns";
import { volumesOf } from "./volumes";

export const SERVERS = "servers";
/** Hetzner refuses `user_data` above 32 KiB. */
export const USER_DATA_MAX_BYTES = 32 * 1024;
/** The backup window Hetzner assigns when backups are enabled. */
export const BACKUP_WINDOW = "22-02";

export type ServerStatus =
  | "initializing"
  | "starting"
  | "running"
  | "stopping"
  | "off"
  | "deleting"
  | "migrating"
  | "rebuilding"
  | "unknown";

/** A server as stored: the API's fields (objects where the API shows objects), plus what the API never shows. */
export interface ServerRecord {
  id: number;
  name: string;
  status: ServerStatus;
  created: string;
  server_type: ServerType;
  location: Location;
  image: Image | null;
  iso: Iso | null;
  labels: Record<string, string>;
  protection: { delete: boolean; rebuild: boolean };
  backup_window: string | null;
  rescue_enabled: boolean;
  locked: boolean;
  placement_group: number | null;
  primary_disk_size: number;
  /** Never shown by the API: kept for a rebuild. */
  user_data: string;
  /** Never shown by the API: the keys given at create. */
  ssh_keys: number[];
}

export const servers = (sim: Sim): Map<number, ServerRecord> => sim.collection<ServerRecord>(SERVERS);

const HOSTNAME =
  /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** A server name: required, a valid hostname (RFC 1123), unique in the project. */
export function checkServerName(sim: Sim, name: unknown, self?: number): string {
  if (typeof name !== "string" || name === "") throw invalidInput("name", "is required");
  if (!HOSTNAME.test(name)) throw invalidInput("name", "must be a valid hostname (RFC 1123)");
  checkUniqueName(servers(sim), name, "server", self);
  return name;
}

/** The traffic a server of this type includes in its location (bytes). */
function includedTraffic(s: ServerRecord): number {
  return s.server_type.prices.find((p) => p.location === s.location.name)?.included_traffic ?? 0;
}

/** The server as the API shows it (with the other modules' additions). */
export function serverView(sim: Sim, s: ServerRecord): Record<string, unknown> {
  const v4 = primaryIpOf(sim, s.id, "ipv4");
  const v6 = primaryIpOf(sim, s.id, "ipv6");
  const group = s.placement_group === null ? undefined : placementGroups(sim).get(s.placement_group);
  const base = {
    id: s.id,
    name: s.name,
    status: s.status,
    created: s.created,
    public_net: {
      ipv4: v4
        ? { id: v4.id, ip: v4.ip, blocked: v4.blocked, dns_ptr: v4.dns_ptr.find((p) => p.ip === v4.ip)?.dns_ptr ?? "" }
        : null,
      ipv6: v6 ? { id: v6.id, ip: v6.ip, blocked: v6.blocked, dns_ptr: ptrView(v6) } : null,
      floating_ips: floatingIpsOf(sim, s.id),
      firewalls: [] as unknown[],
    },
    private_net: [] as unknown[],
    server_type: s.server_type,
    included_traffic: includedTraffic(s),
    outgoing_traffic: 0,
    ingoing_traffic: 0,
    backup_window: s.backup_window,
    rescue_enabled: s.rescue_enabled,
    iso: s.iso,
    locked: s.locked,
    location: s.location,
    image: s.image,
    protection: { ...s.protection },
    labels: { ...s.labels },
    volumes: volumesOf(sim, s.id),
    load_balancers: [] as number[],
    primary_disk_size: s.primary_disk_size,
    placement_group: group ? placementGroupView(sim, group) : null,
  };
  return sim.view("server", s, base);
}
