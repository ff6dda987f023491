/**
 * Server: one Hetzner Cloud server with its public addresses (as primary IPs
 * that outlive the server), their reverse DNS, its private network
 * attachments, volumes and floating IPs, protected and durable by default.
 *
 * Address scheme, for `new Server(stack, "web-1", …)` (the construct id is the
 * address base; the Hetzner name defaults to it):
 *
 *   hcloud_server.web-1
 *   hcloud_primary_ip.web-1-ipv6               always
 *   hcloud_primary_ip.web-1-ipv4               when ipv4: true
 *   hcloud_rdns.web-1-ipv6 / web-1-ipv4        when reverseDns.ipv6 / .ipv4 is given
 *   hcloud_server_network.web-1-<network>      per networks[].name ("internal" → web-1-internal)
 *   hcloud_volume.<volume>                     per volumes[].name (already unique per project, e.g. "web-1-data")
 *   hcloud_volume_attachment.<volume>
 *   hcloud_floating_ip.web-1-floating-<type>   per floatingIps[] (at most one per type: ipv4, ipv6)
 *   hcloud_floating_ip_assignment.web-1-floating-<type>
 *   hcloud_rdns.web-1-floating-<type>          when the floating IP has a reverseDns
 *   import { to = hcloud_server.web-1 }        when importId is given (and for the primary IPs, volumes, floating IPs given an importId)
 *
 * Safe defaults, and why:
 * - protect: true → delete_protection = rebuild_protection = true (the
 *   provider requires them equal) and lifecycle.prevent_destroy = true on the
 *   server, its primary IPs, volumes and floating IPs (delete protection alone
 *   does not stop `terraform destroy`, the provider lifts it first).
 * - image, ssh_keys and user_data are in ignore_changes: a change to any of
 *   them replaces the server in this provider. `allowRebuild: true` takes them
 *   out for a deliberate rebuild, and lifts prevent_destroy on the server
 *   alone (a replacement destroys it first); its primary IPs, volumes and
 *   floating IPs stay protected, so the rebuilt server gets the same addresses
 *   and data volumes.
 * - Public addresses are explicit `hcloud_primary_ip`s with auto_delete =
 *   false, linked through `public_net`: an address survives a rebuild, and
 *   nothing is auto-created that a later link would delete (providers/hcloud/NOTES.md).
 *   IPv6 always; IPv4 only when asked (it costs money and attack surface).
 * - backups: true (turning backups off later deletes every existing backup).
 * - keep_disk: true (a type change then never grows the disk, so the server
 *   can be downsized again).
 * - shutdown_before_deletion: true (services stop cleanly before a delete).
 * - Private networks are `hcloud_server_network` resources, never inline
 *   `network` blocks (Terraform ≥ 1.4 detaches and re-attaches inline blocks
 *   on every apply unless alias_ips = []); alias_ips are left unset.
 *
 * IPv6: a primary IPv6 is a /64. `ipv6Address` is one host of it (`::1` by
 * default, the address Hetzner's images configure), computed with
 * `cidrhost(ip_network, n)`; the reverse DNS entry is set on that address.
 *
 * Floating IPs: the server's OS must configure the address itself (cloud-init
 * or a network file). The assignment is managed here, so a failover made
 * outside Terraform (moving the IP to another server) is reverted by the next
 * apply unless the config follows it.
 *
 * Adoption (`importId`): import blocks are written directly (see
 * common.ts, `importExisting`), never through cdktn's `importFrom`, which
 * would run `terraform version` during synth. An adopted server's primary IPs
 * must be imported too (`importPrimaryIpIds`), or linking new ones would
 * delete its current addresses; `location` must match the real one (a change
 * replaces), image/ssh_keys/user_data differences are ignored by default.
 */
import { Construct } from "constructs";
import { Fn, Token } from "cdktn";
import * as floatingIp from "../.gen/providers/hcloud/floating-ip";
import * as floatingIpAssignment from "../.gen/providers/hcloud/floating-ip-assignment";
import * as primaryIp from "../.gen/providers/hcloud/primary-ip";
import * as rdns from "../.gen/providers/hcloud/rdns";
import * as server from "../.gen/providers/hcloud/server";
import * as serverNetwork from "../.gen/providers/hcloud/server-network";
import * as volume from "../.gen/providers/hcloud/volume";
import * as volumeAttachment from "../.gen/providers/hcloud/volume-attachment";
import {
  ConstructPropsError,
  Labels,
  checkHostname,
  checkInteger,
  checkLabels,
  checkName,
  checkNumericImportId,
  describeConstruct,
  importExisting,
  isToken,
  literal,
  pinAddress,
  protectedLifecycle,
  show,
} from "./common";
import { parseIpv4 } from "../primitives/ip";

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

export class Server extends Construct {
  /** The hcloud_server resource. */
  readonly server: server.Server;
  /** The server's Hetzner name. */
  readonly name: string;
  /** The server id as a number (for attachments, firewalls, load balancers). */
  readonly serverId: number;
  /** The primary IPv6 (/64) resource. */
  readonly ipv6PrimaryIp: primaryIp.PrimaryIp;
  /** The primary IPv4 resource, when `ipv4: true`. */
  readonly ipv4PrimaryIp?: primaryIp.PrimaryIp;
  /** The server's IPv6 /64, e.g. "2001:db8:1:2::/64" (a token). */
  readonly ipv6Network: string;
  /** The server's IPv6 address, host `ipv6HostNumber` of its /64 (a token): for AAAA records. */
  readonly ipv6Address: string;
  /** The server's IPv4 address (a token), when `ipv4: true`: for A records. */
  readonly ipv4Address?: string;
  /** Reverse DNS entry of the primary IPv4, when `reverseDns.ipv4` is given. */
  readonly ipv4ReverseDns?: rdns.Rdns;
  /** Reverse DNS entry of `ipv6Address`, when `reverseDns.ipv6` is given. */
  readonly ipv6ReverseDns?: rdns.Rdns;
  /** Whether the construct applies production protection. */
  readonly protect: boolean;

  private readonly where: string;
  private readonly baseName: string;
  private readonly location: string;
  private readonly labels: Record<string, string>;
  private readonly ipv6HostNumber: number;
  private readonly attachmentsByName = new Map<string, serverNetwork.ServerNetworkA>();
  private readonly volumesByName = new Map<string, ServerVolume>();
  private readonly floatingByType = new Map<string, ServerFloatingIp>();

  constructor(scope: Construct, id: string, props: ServerProps) {
    super(scope, id);
    const where = describeConstruct("Server", id);
    this.where = where;
    checkName(where, "the construct id", id);
    this.baseName = id;
    this.name = props.name ?? id;
    checkHostname(where, "name", this.name);
    requireText(where, "serverType", props.serverType, 'e.g. "cx23"');
    requireText(where, "location", props.location, 'e.g. "fsn1"');
    const image = props.image ?? "debian-13";
    requireText(where, "image", image, 'e.g. "debian-13"');
    this.location = props.location;
    this.labels = checkLabels(where, props.labels);
    this.protect = props.protect ?? true;
    const ipv4 = props.ipv4 ?? false;
    this.ipv6HostNumber = props.ipv6HostNumber ?? 1;
    checkInteger(where, "ipv6HostNumber", this.ipv6HostNumber, 1, Number.MAX_SAFE_INTEGER, "1 gives <prefix>::1");

    if (!Array.isArray(props.sshKeys)) {
      throw new ConstructPropsError(where, `sshKeys must be a list of ssh key ids or names (got ${show(props.sshKeys)}); pass sshKeys.ids from an SshKeys construct`);
    }
    props.sshKeys.forEach((key, i) => {
      if (typeof key !== "string" || (!isToken(key) && key.trim() === "")) {
        throw new ConstructPropsError(where, `sshKeys[${i}] must be an ssh key id or name (got ${show(key)})`);
      }
    });
    if (props.userData !== undefined && !isToken(props.userData)) {
      const bytes = Buffer.byteLength(props.userData, "utf8");
      if (bytes > MAX_USER_DATA_BYTES) {
        throw new ConstructPropsError(where, `userData is ${bytes} bytes (Hetzner accepts at most ${MAX_USER_DATA_BYTES}); move large files out of cloud-init (fetch them, or use a volume)`);
      }
    }
    if (props.reverseDns?.ipv4 !== undefined && !ipv4) {
      throw new ConstructPropsError(where, `reverseDns.ipv4 is ${show(props.reverseDns.ipv4)} but the server has no IPv4; set ipv4: true or drop reverseDns.ipv4`);
    }
    if (props.reverseDns?.ipv4 !== undefined) checkHostname(where, "reverseDns.ipv4", props.reverseDns.ipv4, { minLabels: 2 });
    if (props.reverseDns?.ipv6 !== undefined) checkHostname(where, "reverseDns.ipv6", props.reverseDns.ipv6, { minLabels: 2 });
    (props.firewallIds ?? []).forEach((fw, i) => checkInteger(where, `firewallIds[${i}]`, fw, 1, Number.MAX_SAFE_INTEGER, "pass FirewallPolicy.firewallId"));
    checkInteger(where, "placementGroupId", props.placementGroupId, 1, Number.MAX_SAFE_INTEGER, "pass Token.asNumber(placementGroup.id)");

    // Adoption of an existing server: its primary IPs must be adopted too.
    checkNumericImportId(where, "importId", props.importId);
    if (props.importPrimaryIpIds !== undefined && props.importId === undefined) {
      throw new ConstructPropsError(where, "importPrimaryIpIds is only meaningful with importId (adopting an existing server)");
    }
    const families: Array<"ipv6" | "ipv4"> = ipv4 ? ["ipv6", "ipv4"] : ["ipv6"];
    if (props.importId !== undefined) {
      for (const family of families) {
        const given = props.importPrimaryIpIds?.[family];
        if (given === undefined) {
          throw new ConstructPropsError(
            where,
            `importId is set but importPrimaryIpIds.${family} is missing: adopting a server without its current primary ${family.toUpperCase()} would link a new address and delete the current one; give the id of the server's primary ${family.toUpperCase()} (hcloud primary-ip list), or "create" to get a new address on purpose`,
          );
        }
        if (given !== "create") checkNumericImportId(where, `importPrimaryIpIds.${family}`, given);
      }
      if (!ipv4 && props.importPrimaryIpIds?.ipv4 !== undefined) {
        throw new ConstructPropsError(where, `importPrimaryIpIds.ipv4 is given but ipv4 is false: set ipv4: true to keep the server's IPv4 (with ipv4: false it would be released)`);
      }
    }

    // Public addresses: explicit primary IPs that outlive the server.
    const makePrimaryIp = (family: "ipv6" | "ipv4"): primaryIp.PrimaryIp => {
      const ip = new primaryIp.PrimaryIp(this, family, {
        name: `${this.name}-${family}`,
        type: family,
        location: props.location,
        // No assignee_type: Hetzner answers "unassigned" for an unassigned
        // primary IP since August 2026, so a fixed "server" makes every create
        // end in "inconsistent result after apply" (the provider says to leave it out).
        autoDelete: false,
        deleteProtection: this.protect,
        labels: this.labels,
        lifecycle: protectedLifecycle(this.protect),
      });
      pinAddress(ip, `${id}-${family}`);
      const importId = props.importPrimaryIpIds?.[family];
      if (importId !== undefined && importId !== "create") importExisting(ip, importId);
      return ip;
    };
    this.ipv6PrimaryIp = makePrimaryIp("ipv6");
    this.ipv4PrimaryIp = ipv4 ? makePrimaryIp("ipv4") : undefined;
    this.ipv6Network = this.ipv6PrimaryIp.ipNetwork;
    this.ipv6Address = Fn.cidrhost(this.ipv6PrimaryIp.ipNetwork, this.ipv6HostNumber);
    this.ipv4Address = this.ipv4PrimaryIp?.ipAddress;

    this.server = new server.Server(this, "server", {
      name: this.name,
      serverType: props.serverType,
      image,
      location: props.location,
      labels: this.labels,
      backups: props.backups ?? true,
      keepDisk: props.keepDisk ?? true,
      shutdownBeforeDeletion: props.shutdownBeforeDeletion ?? true,
      deleteProtection: this.protect,
      rebuildProtection: this.protect,
      sshKeys: [...props.sshKeys],
      userData: literal(props.userData),
      placementGroupId: props.placementGroupId,
      firewallIds: props.firewallIds === undefined ? undefined : [...props.firewallIds],
      publicNet: [
        {
          ipv4Enabled: ipv4,
          ipv4: this.ipv4PrimaryIp === undefined ? undefined : this.ipv4PrimaryIp.id,
          ipv6Enabled: true,
          ipv6: this.ipv6PrimaryIp.id,
        },
      ],
      lifecycle:
        props.allowRebuild === true
          ? protectedLifecycle(false) // a deliberate rebuild: the replacement must be allowed to destroy it
          : protectedLifecycle(this.protect, REBUILD_ATTRIBUTES),
    });
    pinAddress(this.server, id);
    if (props.importId !== undefined) importExisting(this.server, props.importId);
    this.serverId = Token.asNumber(this.server.id);

    if (props.reverseDns?.ipv6 !== undefined) {
      this.ipv6ReverseDns = pinAddress(
        new rdns.Rdns(this, "ipv6-rdns", { primaryIpId: this.ipv6PrimaryIp.id, ipAddress: this.ipv6Address, dnsPtr: props.reverseDns.ipv6 }),
        `${id}-ipv6`,
      );
    }
    if (props.reverseDns?.ipv4 !== undefined && this.ipv4PrimaryIp !== undefined) {
      this.ipv4ReverseDns = pinAddress(
        new rdns.Rdns(this, "ipv4-rdns", { primaryIpId: this.ipv4PrimaryIp.id, ipAddress: this.ipv4PrimaryIp.ipAddress, dnsPtr: props.reverseDns.ipv4 }),
        `${id}-ipv4`,
      );
    }

    for (const net of props.networks ?? []) this.attachToNetwork(net);
    for (const vol of props.volumes ?? []) this.addVolume(vol);
    for (const fip of props.floatingIps ?? []) this.addFloatingIp(fip);
  }

  /** Attaches the server to a private network (`hcloud_server_network.<server>-<name>`). */
  attachToNetwork(options: ServerNetworkOptions): serverNetwork.ServerNetworkA {
    const where = `${this.where}, network "${options.name}"`;
    checkName(where, "the network name", options.name);
    if (this.attachmentsByName.has(options.name)) {
      throw new ConstructPropsError(this.where, `the network "${options.name}" is attached twice; attach each network once`);
    }
    if ((options.subnetId === undefined) === (options.networkId === undefined)) {
      throw new ConstructPropsError(where, "give exactly one of subnetId (preferred: it orders the attachment after the subnet) and networkId");
    }
    if (options.ip !== undefined && !isToken(options.ip) && parseIpv4(options.ip) === undefined) {
      throw new ConstructPropsError(where, `ip ${show(options.ip)} is not an IPv4 address (private networks are IPv4 only), e.g. "10.20.1.10"`);
    }
    checkInteger(where, "networkId", options.networkId, 1, Number.MAX_SAFE_INTEGER, "pass PrivateNetwork.networkId");
    const attachment = new serverNetwork.ServerNetworkA(this, `network-${options.name}`, {
      serverId: this.serverId,
      subnetId: options.subnetId,
      networkId: options.networkId,
      ip: options.ip,
    });
    pinAddress(attachment, `${this.baseName}-${options.name}`);
    this.attachmentsByName.set(options.name, attachment);
    return attachment;
  }

  /** Creates a volume in the server's location and attaches it (`hcloud_volume.<name>`, `hcloud_volume_attachment.<name>`). */
  addVolume(options: ServerVolumeOptions): ServerVolume {
    const where = `${this.where}, volume "${options.name}"`;
    checkName(where, "the volume name", options.name);
    if (this.volumesByName.has(options.name)) {
      throw new ConstructPropsError(this.where, `the volume "${options.name}" is declared twice; give each volume its own name`);
    }
    checkInteger(where, "sizeGb", options.sizeGb, 10, 10240, "Hetzner volumes are 10 to 10240 GB");
    if (options.format !== undefined && options.format !== "ext4" && options.format !== "xfs") {
      throw new ConstructPropsError(where, `format must be "ext4" or "xfs" (got ${show(options.format)})`);
    }
    checkNumericImportId(where, "importId", options.importId);
    const labels = { ...this.labels, ...checkLabels(where, options.labels ?? {}) };
    const vol = new volume.Volume(this, `volume-${options.name}`, {
      name: options.name,
      size: options.sizeGb,
      format: options.format ?? "ext4",
      location: this.location,
      labels,
      deleteProtection: this.protect,
      lifecycle: protectedLifecycle(this.protect),
    });
    pinAddress(vol, options.name);
    if (options.importId !== undefined) importExisting(vol, options.importId);
    const attachment = new volumeAttachment.VolumeAttachment(this, `volume-${options.name}-attachment`, {
      volumeId: Token.asNumber(vol.id),
      serverId: this.serverId,
      automount: options.automount ?? true,
    });
    pinAddress(attachment, options.name);
    const created = { volume: vol, attachment };
    this.volumesByName.set(options.name, created);
    return created;
  }

  /** Creates a floating IP in the server's location, assigns it, and sets its reverse DNS. */
  addFloatingIp(options: FloatingIpOptions): ServerFloatingIp {
    const where = `${this.where}, floating IP ${show(options.type)}`;
    if (options.type !== "ipv4" && options.type !== "ipv6") {
      throw new ConstructPropsError(where, `type must be "ipv4" or "ipv6" (got ${show(options.type)})`);
    }
    if (this.floatingByType.has(options.type)) {
      throw new ConstructPropsError(this.where, `a floating ${options.type} is already declared; a server has at most one floating IP per type here`);
    }
    if (options.reverseDns !== undefined) checkHostname(where, "reverseDns", options.reverseDns, { minLabels: 2 });
    if (options.description !== undefined && !isToken(options.description) && options.description.length > 255) {
      throw new ConstructPropsError(where, `description is ${options.description.length} characters long (at most 255)`);
    }
    checkNumericImportId(where, "importId", options.importId);
    const labels = { ...this.labels, ...checkLabels(where, options.labels ?? {}) };
    const address = `${this.baseName}-floating-${options.type}`;
    const fip = new floatingIp.FloatingIp(this, `floating-${options.type}`, {
      name: options.name ?? `${this.name}-floating-${options.type}`,
      type: options.type,
      homeLocation: this.location,
      description: literal(options.description),
      labels,
      deleteProtection: this.protect,
      lifecycle: protectedLifecycle(this.protect),
    });
    pinAddress(fip, address);
    if (options.importId !== undefined) importExisting(fip, options.importId);
    const assignment = new floatingIpAssignment.FloatingIpAssignment(this, `floating-${options.type}-assignment`, {
      floatingIpId: Token.asNumber(fip.id),
      serverId: this.serverId,
    });
    pinAddress(assignment, address);
    const ip = options.type === "ipv6" ? Fn.cidrhost(fip.ipNetwork, this.ipv6HostNumber) : fip.ipAddress;
    const reverseDns =
      options.reverseDns === undefined
        ? undefined
        : pinAddress(new rdns.Rdns(this, `floating-${options.type}-rdns`, { floatingIpId: Token.asNumber(fip.id), ipAddress: ip, dnsPtr: options.reverseDns }), address);
    const created: ServerFloatingIp = { floatingIp: fip, assignment, reverseDns, address: ip };
    this.floatingByType.set(options.type, created);
    return created;
  }

  /** The private IPv4 address on a network attached under `name` (a token). */
  privateIp(name: string): string {
    const attachment = this.attachmentsByName.get(name);
    if (attachment === undefined) {
      throw new ConstructPropsError(this.where, `no network attached as ${show(name)} (attached: ${[...this.attachmentsByName.keys()].join(", ") || "none"})`);
    }
    return attachment.ip;
  }

  /** Network attachments by name. */
  get networkAttachments(): ReadonlyMap<string, serverNetwork.ServerNetworkA> {
    return this.attachmentsByName;
  }

  /** Volumes by name. */
  get volumes(): ReadonlyMap<string, ServerVolume> {
    return this.volumesByName;
  }

  /** Floating IPs by type. */
  get floatingIps(): ReadonlyMap<string, ServerFloatingIp> {
    return this.floatingByType;
  }
}

function requireText(where: string, what: string, value: unknown, example: string): void {
  if (typeof value !== "string" || (!isToken(value) && value.trim() === "")) {
    throw new ConstructPropsError(where, `${what} must be a non-empty string (got ${show(value)}), ${example}`);
  }
}
