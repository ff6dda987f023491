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
 *  import { to = hcloud_server.web-1 } when importId is given (and for the primary IPs, volumes, floating IPs given an
 * importId)
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
 * import-blocks.ts, `importExisting`), never through cdktn's `importFrom`, which
 * would run `terraform version` during synth. An adopted server's primary IPs
 * must be imported too (`importPrimaryIpIds`), or linking new ones would
 * delete its current addresses; `location` must match the real one (a change
 * replaces), image/ssh_keys/user_data differences are ignored by default.
 */
import { Construct } from "constructs";
import { Fn, Token } from "cdktn";
import type * as primaryIp from "../.gen/providers/hcloud/primary-ip";
import type * as rdns from "../.gen/providers/hcloud/rdns";
import * as server from "../.gen/providers/hcloud/server";
import * as serverNetwork from "../.gen/providers/hcloud/server-network";
import { ConstructPropsError, checkInteger, isToken, literal, show } from "./common";
import { checkName } from "./names";
import { protectedLifecycle } from "./protection";
import { constructWhere, pinnedResource } from "./construct-setup";
import { parseIpv4 } from "../primitives/ip";
import {
  type FloatingIpOptions,
  REBUILD_ATTRIBUTES,
  type ServerBase,
  type ServerFloatingIp,
  type ServerNetworkOptions,
  type ServerProps,
  type ServerVolume,
  type ServerVolumeOptions,
} from "./server-props";
import { addServerFloatingIp, createPrimaryIp, createPrimaryReverseDns } from "./server-public-net";
import { type CheckedServerProps, checkServerProps } from "./server-validation";
import { addServerVolume } from "./server-volumes";

export { MAX_USER_DATA_BYTES, REBUILD_ATTRIBUTES } from "./server-props";
export type {
  FloatingIpOptions,
  ImportPrimaryIpIds,
  ReverseDns,
  ServerFloatingIp,
  ServerNetworkOptions,
  ServerProps,
  ServerVolume,
  ServerVolumeOptions,
} from "./server-props";

/** One Hetzner Cloud server with its addresses, networks, volumes and floating IPs (see the top of this file). */
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

  private readonly base: ServerBase;
  private readonly attachmentsByName = new Map<string, serverNetwork.ServerNetworkA>();
  private readonly volumesByName = new Map<string, ServerVolume>();
  private readonly floatingByType = new Map<string, ServerFloatingIp>();

  constructor(scope: Construct, id: string, props: ServerProps) {
    super(scope, id);
    const where = constructWhere("Server", id);
    const checked = checkServerProps(where, id, props);
    this.name = checked.name;
    this.protect = checked.protect;
    const base: ServerBase = {
      where,
      baseName: id,
      name: checked.name,
      location: props.location,
      labels: checked.labels,
      protect: checked.protect,
      ipv6HostNumber: checked.ipv6HostNumber,
    };
    this.base = base;

    // Public addresses: explicit primary IPs that outlive the server.
    this.ipv6PrimaryIp = createPrimaryIp(this, base, "ipv6", props.importPrimaryIpIds?.ipv6);
    this.ipv4PrimaryIp = checked.ipv4 ? createPrimaryIp(this, base, "ipv4", props.importPrimaryIpIds?.ipv4) : undefined;
    this.ipv6Network = this.ipv6PrimaryIp.ipNetwork;
    this.ipv6Address = Fn.cidrhost(this.ipv6PrimaryIp.ipNetwork, base.ipv6HostNumber);
    this.ipv4Address = this.ipv4PrimaryIp?.ipAddress;

    this.server = new server.Server(
      this,
      "server",
      serverConfig(props, checked, this.ipv6PrimaryIp, this.ipv4PrimaryIp),
    );
    pinnedResource(this.server, id, props.importId);
    this.serverId = Token.asNumber(this.server.id);

    if (props.reverseDns?.ipv6 !== undefined) {
      this.ipv6ReverseDns = createPrimaryReverseDns(
        this,
        base,
        "ipv6",
        this.ipv6PrimaryIp,
        this.ipv6Address,
        props.reverseDns.ipv6,
      );
    }
    if (props.reverseDns?.ipv4 !== undefined && this.ipv4PrimaryIp !== undefined) {
      this.ipv4ReverseDns = createPrimaryReverseDns(
        this,
        base,
        "ipv4",
        this.ipv4PrimaryIp,
        this.ipv4PrimaryIp.ipAddress,
        props.reverseDns.ipv4,
      );
    }

    for (const net of props.networks ?? []) this.attachToNetwork(net);
    for (const vol of props.volumes ?? []) this.addVolume(vol);
    for (const fip of props.floatingIps ?? []) this.addFloatingIp(fip);
  }

  /** Attaches the server to a private network (`hcloud_server_network.<server>-<name>`). */
  attachToNetwork(options: ServerNetworkOptions): serverNetwork.ServerNetworkA {
    const where = `${this.base.where}, network "${options.name}"`;
    checkName(where, "the network name", options.name);
    if (this.attachmentsByName.has(options.name)) {
      throw new ConstructPropsError(
        this.base.where,
        `the network "${options.name}" is attached twice; attach each network once`,
      );
    }
    if ((options.subnetId === undefined) === (options.networkId === undefined)) {
      throw new ConstructPropsError(
        where,
        "give exactly one of subnetId (preferred: it orders the attachment after the subnet) and networkId",
      );
    }
    if (options.ip !== undefined && !isToken(options.ip) && parseIpv4(options.ip) === undefined) {
      throw new ConstructPropsError(
        where,
        `ip ${show(options.ip)} is not an IPv4 address (private networks are IPv4 only), e.g. "10.20.1.10"`,
      );
    }
    checkInteger(where, "networkId", options.networkId, 1, Number.MAX_SAFE_INTEGER, "pass PrivateNetwork.networkId");
    const attachment = new serverNetwork.ServerNetworkA(this, `network-${options.name}`, {
      serverId: this.serverId,
      subnetId: options.subnetId,
      networkId: options.networkId,
      ip: options.ip,
    });
    pinnedResource(attachment, `${this.base.baseName}-${options.name}`);
    this.attachmentsByName.set(options.name, attachment);
    return attachment;
  }

  /**
   * Creates a volume in the server's location and attaches it
   * (`hcloud_volume.<name>`, `hcloud_volume_attachment.<name>`).
   */
  addVolume(options: ServerVolumeOptions): ServerVolume {
    return addServerVolume(this, this.base, this.serverId, this.volumesByName, options);
  }

  /** Creates a floating IP in the server's location, assigns it, and sets its reverse DNS. */
  addFloatingIp(options: FloatingIpOptions): ServerFloatingIp {
    return addServerFloatingIp(this, this.base, this.serverId, this.floatingByType, options);
  }

  /** The private IPv4 address on a network attached under `name` (a token). */
  privateIp(name: string): string {
    const attachment = this.attachmentsByName.get(name);
    if (attachment === undefined) {
      const attached = [...this.attachmentsByName.keys()].join(", ") || "none";
      throw new ConstructPropsError(this.base.where, `no network attached as ${show(name)} (attached: ${attached})`);
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

/** The hcloud_server's arguments: the props with their defaults, the server linked to its primary IPs. */
function serverConfig(
  props: ServerProps,
  checked: CheckedServerProps,
  ipv6: primaryIp.PrimaryIp,
  ipv4: primaryIp.PrimaryIp | undefined,
): server.ServerConfig {
  return {
    name: checked.name,
    serverType: props.serverType,
    image: checked.image,
    location: props.location,
    labels: checked.labels,
    backups: props.backups ?? true,
    keepDisk: props.keepDisk ?? true,
    shutdownBeforeDeletion: props.shutdownBeforeDeletion ?? true,
    deleteProtection: checked.protect,
    rebuildProtection: checked.protect,
    sshKeys: [...props.sshKeys],
    userData: literal(props.userData),
    placementGroupId: props.placementGroupId,
    firewallIds: props.firewallIds === undefined ? undefined : [...props.firewallIds],
    publicNet: [
      {
        ipv4Enabled: checked.ipv4,
        ipv4: ipv4 === undefined ? undefined : ipv4.id,
        ipv6Enabled: true,
        ipv6: ipv6.id,
      },
    ],
    lifecycle:
      props.allowRebuild === true
        ? protectedLifecycle(false) // a deliberate rebuild: the replacement must be allowed to destroy it
        : protectedLifecycle(checked.protect, REBUILD_ATTRIBUTES),
  };
}
