/**
 * The props of Server and what its methods return (re-exported by server.ts,
 * the public entry), plus `ServerBase`: what the server's helper files
 * (server-public-net.ts, server-volumes.ts) need to know of the Server they
 * build on.
 */
import type * as floatingIp from "../.gen/providers/hcloud/floating-ip";
import type * as floatingIpAssignment from "../.gen/providers/hcloud/floating-ip-assignment";
import type * as rdns from "../.gen/providers/hcloud/rdns";
import type * as volume from "../.gen/providers/hcloud/volume";
import type * as volumeAttachment from "../.gen/providers/hcloud/volume-attachment";
import type { Labels } from "./labels";

/** The attributes whose change replaces an hcloud_server, kept out of plans unless `allowRebuild`. */
export const REBUILD_ATTRIBUTES = ["image", "ssh_keys", "user_data"] as const;

/** Hetzner's limit for user_data. */
export const MAX_USER_DATA_BYTES = 32 * 1024;

/** Reverse DNS names for the server's public addresses. */
export interface ReverseDns {
  /**
   * PTR name of the primary IPv4 address (requires `ipv4: true`).
   * @default - Hetzner's default name (static.<address>.clients.your-server.de)
   */
  readonly ipv4?: string;
  /**
   * PTR name of `ipv6Address` (the `ipv6HostNumber` host of the /64).
   * @default - none
   */
  readonly ipv6?: string;
}

/** A private network attachment (`hcloud_server_network.<server>-<name>`). */
export interface ServerNetworkOptions {
  /** Short name of the network, part of the address (e.g. "internal"). */
  readonly name: string;
  /**
   * The subnet to attach to (a PrivateNetwork subnet's `id`). Preferred over
   * `networkId`: it orders the attachment after the subnet's creation.
   * @default - use networkId
   */
  readonly subnetId?: string;
  /**
   * The network to attach to, when no subnet is named.
   * @default - use subnetId
   */
  readonly networkId?: number;
  /**
   * A fixed private IPv4 address inside the subnet. Changing it replaces the attachment.
   * @default - Hetzner picks a free address
   */
  readonly ip?: string;
}

/** A volume attached to the server (`hcloud_volume.<name>` + `hcloud_volume_attachment.<name>`). */
export interface ServerVolumeOptions {
  /** The volume's name at Hetzner and its Terraform name, unique per project, e.g. "web-1-data". */
  readonly name: string;
  /** Size in GB, 10 to 10240. It can grow in place, never shrink. */
  readonly sizeGb: number;
  /**
   * Filesystem created on the new volume. The provider ignores later changes.
   * @default "ext4" - mountable by every image, and needed for automount
   */
  readonly format?: "ext4" | "xfs";
  /**
   * Mount the volume at /mnt/HC_Volume_<id> when attached.
   * @default true
   */
  readonly automount?: boolean;
  /**
   * Labels added to the server's labels for this volume.
   * @default - the server's labels
   */
  readonly labels?: Labels;
  /**
   * Id of an existing volume to adopt with an import block.
   * @default - the volume is created
   */
  readonly importId?: string;
}

/** A floating IP assigned to the server (`hcloud_floating_ip.<server>-floating-<type>`). */
export interface FloatingIpOptions {
  /** Address family. */
  readonly type: "ipv4" | "ipv6";
  /**
   * Name at Hetzner.
   * @default "<server name>-floating-<type>"
   */
  readonly name?: string;
  /**
   * Description at Hetzner.
   * @default - none
   */
  readonly description?: string;
  /**
   * PTR name of the floating address (for IPv6: of its `ipv6HostNumber` host).
   * @default - Hetzner's default name
   */
  readonly reverseDns?: string;
  /**
   * Labels added to the server's labels.
   * @default - the server's labels
   */
  readonly labels?: Labels;
  /**
   * Id of an existing floating IP to adopt with an import block.
   * @default - the floating IP is created
   */
  readonly importId?: string;
}

/** Existing primary IPs of an adopted server: an id to import, or "create" to make a new address on purpose. */
export interface ImportPrimaryIpIds {
  /**
   * Id of the server's current primary IPv4, or "create".
   * @default - required when `ipv4: true`, refused otherwise (the IPv4 would be released)
   */
  readonly ipv4?: string;
  /**
   * Id of the server's current primary IPv6, or "create".
   * @default - required
   */
  readonly ipv6?: string;
}

/** Props of `Server`. */
export interface ServerProps {
  /**
   * The server's name at Hetzner (a host name).
   * @default - the construct id
   */
  readonly name?: string;
  /** Server type, e.g. "cx23". A change powers the server off and on. */
  readonly serverType: string;
  /** Location, e.g. "fsn1". A change replaces the server and its primary IPs. */
  readonly location: string;
  /**
   * Image to install.
   * @default "debian-13" - the current Debian stable
   */
  readonly image?: string;
  /** Labels of the server and of every resource it creates (managed-by, environment, role). */
  readonly labels: Labels;
  /**
   * SSH keys installed for root at creation: ids or names of `hcloud_ssh_key`s
   * (e.g. `sshKeys.ids`). An empty list makes Hetzner e-mail a root password.
   * Later changes are ignored unless `allowRebuild` (a change replaces the server).
   */
  readonly sshKeys: readonly string[];
  /**
   * cloud-init user data (the caller reads the file), at most 32 KiB.
   * Later changes are ignored unless `allowRebuild`.
   * @default - none
   */
  readonly userData?: string;
  /**
   * Production protection: delete and rebuild protection plus prevent_destroy
   * on the server, its primary IPs, volumes and floating IPs.
   * @default true - safe; a staging stack passes false explicitly
   */
  readonly protect?: boolean;
  /**
   * Hetzner's daily backups (7 kept, +20 % of the server price).
   * @default true - turning them off later deletes every existing backup
   */
  readonly backups?: boolean;
  /**
   * Keep the disk size when the server type changes.
   * @default true - the server can then be downsized again
   */
  readonly keepDisk?: boolean;
  /**
   * Shut the server down (ACPI) before deleting it.
   * @default true - services stop cleanly
   */
  readonly shutdownBeforeDeletion?: boolean;
  /**
   * Give the server a public IPv4 (a primary IP of its own).
   * @default false - IPv6 only: IPv4 costs money and widens the attack surface
   */
  readonly ipv4?: boolean;
  /**
   * Reverse DNS names of the public addresses.
   * @default - none (Hetzner's defaults)
   */
  readonly reverseDns?: ReverseDns;
  /**
   * Which host of the primary IPv6 /64 is the server's address (`ipv6Address`)
   * and carries the reverse DNS entry.
   * @default 1 - `<prefix>::1`, the address Hetzner's images configure
   */
  readonly ipv6HostNumber?: number;
  /**
   * Placement group the server belongs to (e.g. a spread group for two web servers).
   * @default - none
   */
  readonly placementGroupId?: number;
  /**
   * Firewalls applied at creation by id. FirewallPolicy's label selectors are
   * the usual way (see firewall-policy.ts); use one mechanism per firewall.
   * @default - none by id (firewalls select the server by its labels)
   */
  readonly firewallIds?: readonly number[];
  /**
   * Private network attachments.
   * @default - none
   */
  readonly networks?: readonly ServerNetworkOptions[];
  /**
   * Volumes to create and attach.
   * @default - none
   */
  readonly volumes?: readonly ServerVolumeOptions[];
  /**
   * Floating IPs to create and assign (at most one per type).
   * @default - none
   */
  readonly floatingIps?: readonly FloatingIpOptions[];
  /**
   * Let changes to image, ssh_keys and user_data through, which replaces the
   * server: they leave ignore_changes, and the server alone (not its
   * addresses or volumes) loses prevent_destroy, so a protected environment
   * can rebuild one server without lifting every other protection.
   * @default false - those changes are ignored, so no plan rebuilds a server by accident
   */
  readonly allowRebuild?: boolean;
  /**
   * Id of an existing server to adopt with an import block instead of creating one.
   * Requires `importPrimaryIpIds`.
   * @default - the server is created
   */
  readonly importId?: string;
  /**
   * With `importId`: the adopted server's current primary IPs, imported so its
   * addresses are kept (linking new primary IPs would delete the current ones).
   * @default - required with importId
   */
  readonly importPrimaryIpIds?: ImportPrimaryIpIds;
}

/** What `addFloatingIp` creates. */
export interface ServerFloatingIp {
  /** The hcloud_floating_ip resource. */
  readonly floatingIp: floatingIp.FloatingIp;
  /** Its assignment to this server. */
  readonly assignment: floatingIpAssignment.FloatingIpAssignment;
  /** Its reverse DNS entry, when a name was given. */
  readonly reverseDns?: rdns.Rdns;
  /** The floating address (for IPv6: its `ipv6HostNumber` host). */
  readonly address: string;
}

/** What `addVolume` creates. */
export interface ServerVolume {
  /** The hcloud_volume resource. */
  readonly volume: volume.Volume;
  /** Its attachment to this server. */
  readonly attachment: volumeAttachment.VolumeAttachment;
}

/**
 * The checked, defaulted settings of one Server that its resources share:
 * internal to the construct (server.ts and its helper files), not exported by
 * the library.
 */
export interface ServerBase {
  /** `Server "web-1"`: the prefix of every error message. */
  readonly where: string;
  /** The construct id, the base of every Terraform address. */
  readonly baseName: string;
  /** The server's Hetzner name. */
  readonly name: string;
  /** The server's location, also that of its volumes and floating IPs. */
  readonly location: string;
  /** The server's checked labels, the base of every resource's labels. */
  readonly labels: Record<string, string>;
  /** Whether production protection applies. */
  readonly protect: boolean;
  /** The host of an IPv6 /64 that is the address (`ipv6HostNumber`). */
  readonly ipv6HostNumber: number;
}
