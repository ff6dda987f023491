/**
 * The zod model of servers and what belongs to one: placement groups,
 * network attachments, public and floating addresses, volumes and adoption ids.
 */
import { z } from "zod";
import { DEFAULT_IMAGE, IMAGES, LIMITS, SERVER_TYPE_NAMES } from "../catalogue";
import { LabelsSchema, LocationSchema, NameSchema, unknownValue, listOf } from "./common";

export const PlacementGroupSchema = z.strictObject({
  name: NameSchema,
  type: z
    .enum(["spread"])
    .default("spread")
    .describe("spread: each server on a different physical host (at most 10 servers)."),
  labels: LabelsSchema.default({}),
});
export const NetworkAttachmentSchema = z.strictObject({
  network: NameSchema.describe("A network of this description."),
  ip: z
    .string()
    .optional()
    .describe("Fixed IPv4 inside one of the network's subnets, unique. Default: assigned by Hetzner."),
});

export const PublicNetSchema = z
  .strictObject({
    ipv4: z
      .boolean()
      .default(false)
      .describe(
        "A public IPv4 (a primary IP that outlives the server). Default false: IPv4 costs and is only needed for IPv4-only clients.",
      ),
    ipv6: z
      .boolean()
      .default(true)
      .describe(
        "A public IPv6 /64 (a primary IP that outlives the server). Always true: every server has IPv6; its firewall policies decide what reaches it.",
      ),
    rdns: z
      .strictObject({
        ipv4: z.string().optional().describe("Reverse DNS name of the IPv4 address."),
        ipv6: z.string().optional().describe("Reverse DNS name of the IPv6 address (::1 of the /64)."),
      })
      .default({})
      .describe("Reverse DNS per public address. Default: Hetzner's generic name."),
  })
  .describe("Public addresses, as primary IPs that outlive the server.");

export const FloatingIpSchema = z
  .strictObject({
    type: z.enum(["ipv4", "ipv6"]).default("ipv4"),
    description: z.string().optional(),
    rdns: z.string().optional().describe("Reverse DNS name of the floating address."),
    labels: LabelsSchema.default({}),
  })
  .describe(
    "A floating IP assigned to this server, to move to another server on failover. Its home location is the server's.",
  );

export const VolumeSchema = z.strictObject({
  name: NameSchema.describe("Volume name, unique in the environment."),
  size: z
    .number()
    .int()
    .min(LIMITS.volumeMinGb)
    .max(LIMITS.volumeMaxGb)
    .describe("Size in GB (10 to 10240). Volumes can grow, never shrink."),
  filesystem: z
    .enum(["ext4", "xfs"], { error: unknownValue("filesystem") })
    .default("ext4")
    .describe("Filesystem created on the new volume. Later changes are ignored by the provider."),
  automount: z.boolean().default(true).describe("Mount it at /mnt/HC_Volume_<id> at boot. Default true."),
  labels: LabelsSchema.default({}),
});

const ImportIpIdSchema = z.union([
  z.number().int().positive(),
  z.string().regex(/^([1-9][0-9]*|create)$/, { error: 'a primary IP id is digits, or "create"' }),
]);

export const ServerSchema = z.strictObject({
  name: NameSchema.describe("Server name: an RFC 1123 hostname label."),
  role: NameSchema.describe("What the server does (bastion, web, mail, lists, dns…); becomes the role label."),
  type: z
    .enum(SERVER_TYPE_NAMES, { error: unknownValue("server type") })
    .describe("Hetzner server type (see catalogue/hetzner.json)."),
  image: z
    .enum(IMAGES, { error: unknownValue("image") })
    .default(DEFAULT_IMAGE)
    .describe(
      `System image. Default ${DEFAULT_IMAGE}. A change rebuilds the server, so it is ignored unless allow_rebuild is true.`,
    ),
  location: LocationSchema.optional().describe("Default: environment.location. Changing it replaces the server."),
  placement_group: NameSchema.optional().describe("A placement group of this description."),
  networks: listOf(NetworkAttachmentSchema).describe("Private networks the server is attached to."),
  public: PublicNetSchema.prefault({}),
  floating_ip: FloatingIpSchema.optional(),
  volumes: listOf(VolumeSchema),
  firewall_policies: listOf(NameSchema).describe("Firewall policies applied to the public interfaces."),
  ssh_keys: z
    .array(NameSchema)
    .optional()
    .describe(
      "Names of operators.ssh_keys installed at creation. Default: all of them. Changing them rebuilds the server, so they are ignored unless allow_rebuild is true.",
    ),
  backups: z
    .boolean()
    .default(true)
    .describe("Hetzner daily backups (7 kept). Default true; turning them off deletes the existing backups."),
  user_data: z
    .string()
    .optional()
    .describe(
      "Cloud-init file, relative to the config directory (e.g. cloud-init/web.yaml), at most 32 KiB. Only used at creation unless allow_rebuild is true.",
    ),
  labels: LabelsSchema.default({}),
  import_id: z
    .union([
      z.number().int().positive(),
      z.string().regex(/^[1-9][0-9]*$/, { error: "import_id must be a Hetzner server id (digits)" }),
    ])
    .optional()
    .describe(
      "Id of an existing server to adopt (import) instead of creating one. Set it in the environment's overlay: ids differ per project.",
    ),
  import_primary_ips: z
    .strictObject({
      ipv4: ImportIpIdSchema.optional().describe(
        'Id of the adopted server\'s current primary IPv4, or "create" for a new address. Required when public.ipv4 is true.',
      ),
      ipv6: ImportIpIdSchema.describe(
        'Id of the adopted server\'s current primary IPv6, or "create" for a new address.',
      ),
    })
    .optional()
    .describe(
      'With import_id: the adopted server\'s current primary IPs, adopted too. Linking new primary IPs to an existing server would delete its current addresses, so each must be named (or "create" said on purpose).',
    ),
  allow_rebuild: z
    .boolean()
    .default(false)
    .describe(
      "Let changes of image, user_data and ssh_keys rebuild (replace) the server; the server alone then loses prevent_destroy (its addresses and volumes stay protected). Default false: such changes are ignored for an existing server, because a rebuild wipes its disk. Remove it again after the rebuild.",
    ),
});
