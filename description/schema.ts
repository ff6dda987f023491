/**
 * The zod model of the network description: the single source of the
 * TypeScript types, the runtime shape checks and the JSON Schema for editors.
 *
 * Shape first (this file: types, required keys, enums, ranges, name
 * patterns); the rules that need several fields or the whole description
 * (references, addresses inside ranges, DNS record contents) are in
 * checks/ and dns/, with exact paths.
 *
 * Every object is strict: a misspelt key is an error that lists the allowed
 * keys. Every default is the safe choice; the description says why.
 */
import { z } from "zod";
import {
  DEFAULT_IMAGE,
  EU_LOCATIONS,
  IMAGES,
  LIMITS,
  LOCATION_NAMES,
  NETWORK_ZONES,
  SERVER_TYPE_NAMES,
  STORAGE_BOX_TYPE_NAMES,
} from "./catalogue";
import { NAME_PATTERN } from "./names";

const unknownValue = (what: string) => (issue: { input?: unknown; code?: string }) =>
  issue.code === "invalid_value" ? `unknown ${what} ${JSON.stringify(issue.input)}` : undefined;

/** An item name: hostname label and Terraform id. */
export const NameSchema = z
  .string()
  .regex(NAME_PATTERN, { error: (issue) => `${JSON.stringify(issue.input)} is not a valid name` })
  .describe(
    "Lower-case letters, digits and hyphens, starting with a letter, at most 63 characters: it becomes a hostname and a Terraform id, so renaming replaces the resource.",
  );

export const LocationSchema = z
  .enum(LOCATION_NAMES, { error: unknownValue("location") })
  .describe("A Hetzner location (see catalogue/hetzner.json).");

export const LabelsSchema = z
  .record(z.string(), z.string())
  .describe(
    "Extra Hetzner labels. Keys: optional DNS-subdomain prefix and '/', then at most 63 letters, digits, '-', '_' or '.', starting and ending alphanumeric; values: the same rule, or empty. managed-by, environment and role are set automatically.",
  );

const PortSchema = z
  .union([z.number().int().min(1).max(65535), z.string()])
  .describe('A port (22), a range ("1024-5000") or "any"; only for tcp and udp.');

export const StateBackendSchema = z
  .strictObject({
    backend: z
      .enum(["local", "s3"], { error: unknownValue("state backend") })
      .default("local")
      .describe(
        "local: state files next to the synthesised stacks; s3: an S3-compatible bucket (Hetzner Object Storage) with lock files.",
      ),
    bucket: z.string().optional().describe("s3: the bucket."),
    key_prefix: z
      .string()
      .optional()
      .describe("s3: prefix of the state keys (<prefix>/<stack>.tfstate). Default: all2all/<environment>."),
    endpoint: z.string().optional().describe("s3: the endpoint URL, e.g. https://fsn1.your-objectstorage.com."),
    region: z.string().optional().describe("s3: the region, e.g. fsn1."),
  })
  .describe(
    "Where Terraform state lives. Credentials never go here: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY come from the environment.",
  );

export const EnvironmentSchema = z
  .strictObject({
    location: LocationSchema.default("fsn1").describe("Default location of servers. Default fsn1 (Falkenstein, EU)."),
    allowed_locations: z
      .array(LocationSchema)
      .min(1)
      .default([...EU_LOCATIONS])
      .describe(
        "Locations items may use. Default: the EU ones (fsn1, nbg1, hel1); any other must be listed here explicitly.",
      ),
    protect: z
      .boolean()
      .default(true)
      .describe(
        "Delete/rebuild protection and prevent_destroy on stateful resources. Default true (safe); staging turns it off.",
      ),
    state: StateBackendSchema.prefault({}),
    labels: LabelsSchema.default({}).describe("Labels added to every resource of the environment."),
    budget_monthly: z
      .number({ error: "budget_monthly is a number of euros, e.g. 120" })
      .positive({ error: "budget_monthly must be more than 0 euros" })
      .optional()
      .describe(
        "The most the environment may cost per month, in euros, VAT included; the policy pack warns when the estimate (all2all cost) exceeds it.",
      ),
  })
  .describe(
    "Per-environment settings. The environment's name is its overlay's file name (config/environments/<name>.yaml).",
  );

export const SshKeySchema = z.strictObject({
  name: NameSchema,
  public_key: z
    .string()
    .describe(
      "One line of a .pub file: ssh-ed25519, ecdsa-sha2-nistp256/384/521, or ssh-rsa of at least 3072 bits. Never a private key.",
    ),
  labels: LabelsSchema.default({}),
});

export const OperatorsSchema = z
  .strictObject({
    ssh_keys: z
      .array(SshKeySchema)
      .default([])
      .describe("Operators' SSH public keys; servers get all of them unless they list ssh_keys."),
    admin_ranges: z
      .array(z.string())
      .default([])
      .describe("CIDRs (IPv4 or IPv6) operators connect from; the firewall source keyword 'admin' stands for them."),
  })
  .describe("The people who administer the network.");

export const PlacementGroupSchema = z.strictObject({
  name: NameSchema,
  type: z
    .enum(["spread"])
    .default("spread")
    .describe("spread: each server on a different physical host (at most 10 servers)."),
  labels: LabelsSchema.default({}),
});

export const SubnetSchema = z.strictObject({
  ip_range: z
    .string()
    .describe(
      "An IPv4 CIDR inside the network's ip_range, not overlapping other subnets. Changing it replaces the subnet.",
    ),
});

export const RouteSchema = z.strictObject({
  destination: z.string().describe("Destination CIDR."),
  gateway: z.string().describe("IPv4 address inside one of the network's subnets (typically a server's fixed IP)."),
});

export const NetworkSchema = z.strictObject({
  name: NameSchema,
  ip_range: z.string().describe("An RFC 1918 IPv4 range (/8 to /24). Changing it replaces the network."),
  zone: z
    .enum(NETWORK_ZONES, { error: unknownValue("network zone") })
    .optional()
    .describe("Network zone. Default: the zone of the environment's location."),
  subnets: z.array(SubnetSchema).min(1).describe("Subnets servers attach to."),
  routes: z.array(RouteSchema).default([]),
  labels: LabelsSchema.default({}),
});

export const FirewallRuleSchema = z.strictObject({
  direction: z.enum(["in", "out"], { error: unknownValue("direction") }),
  protocol: z.enum(["tcp", "udp", "icmp", "esp", "gre"], { error: unknownValue("protocol") }),
  port: PortSchema.optional(),
  sources: z
    .array(z.string())
    .optional()
    .describe(
      "For direction in: CIDRs (IPv4 or IPv6), or the keywords 'admin' (operators.admin_ranges) and 'any' (0.0.0.0/0 and ::/0).",
    ),
  destinations: z.array(z.string()).optional().describe("For direction out: CIDRs, 'admin' or 'any'."),
  description: z.string().max(255).optional(),
});

export const FirewallPolicySchema = z.strictObject({
  name: NameSchema,
  description: z.string().optional(),
  rules: z
    .array(FirewallRuleSchema)
    .min(1)
    .describe(
      "At least one rule: the provider leaves old rules in place when the list becomes empty. Inbound traffic not allowed here is dropped.",
    ),
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
  networks: z.array(NetworkAttachmentSchema).default([]).describe("Private networks the server is attached to."),
  public: PublicNetSchema.prefault({}),
  floating_ip: FloatingIpSchema.optional(),
  volumes: z.array(VolumeSchema).default([]),
  firewall_policies: z.array(NameSchema).default([]).describe("Firewall policies applied to the public interfaces."),
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

export const CONFIG_RECORD_TYPES = [
  "A",
  "AAAA",
  "CNAME",
  "MX",
  "TXT",
  "SRV",
  "CAA",
  "NS",
  "TLSA",
  "SSHFP",
  "PTR",
] as const;
export type RecordType = (typeof CONFIG_RECORD_TYPES)[number];

export const DnsRecordSchema = z.strictObject({
  name: z.string().describe('"@" for the zone apex, or a name relative to the zone (www, _dmarc, *.cdn).'),
  type: z.enum(CONFIG_RECORD_TYPES, { error: unknownValue("record type") }),
  ttl: z.number().int().min(LIMITS.minTtl).max(LIMITS.maxTtl).optional().describe("Seconds. Default: the zone's ttl."),
  values: z
    .array(z.string())
    .min(1)
    .describe(
      'Record values in zone-file syntax (10 mail, 0 issue "letsencrypt.org"). A and AAAA may reference a server: web-1.ipv4, web-1.ipv6. Names without a final dot are relative to the zone. TXT longer than 255 bytes is split for you.',
    ),
  comment: z.string().max(255).optional(),
});

export const DnsSecondarySchema = z
  .strictObject({
    name: NameSchema.describe("Short name, referenced by zones' primary.secondaries, e.g. hetzner."),
    nameservers: z
      .array(z.string())
      .min(1)
      .describe(
        "Their host names, absolute with the final dot (hydrogen.ns.hetzner.com.): the apex NS of the zones they serve.",
      ),
    transfer_sources: z
      .array(z.string())
      .min(1)
      .describe(
        "Addresses they transfer from: the hidden primary lets only these transfer, and only with the zone's TSIG key.",
      ),
    notify: z
      .array(z.string())
      .default([])
      .describe(
        "Addresses that receive a NOTIFY (TSIG-signed) when a zone changes. Default: none (they poll on the SOA refresh).",
      ),
  })
  .describe("Name servers that serve our zones as secondaries, transferring them from the hidden primary.");

export const ZonePrimarySchema = z
  .strictObject({
    server: NameSchema.describe(
      "The hidden primary: a server of this description; Hetzner transfers the zone from its public addresses.",
    ),
    port: z.number().int().min(1).max(65535).default(53),
    tsig_key: z
      .string()
      .describe(
        "TSIG key name. The secret comes from the environment variable TF_VAR_tsig_<key name, lower case, non-alphanumerics as _>.",
      ),
    secondaries: z
      .array(NameSchema)
      .min(1)
      .default(["hetzner"])
      .describe(
        "dns_secondaries (by name) that serve this zone: only they may transfer it and receive NOTIFY. Default: [hetzner].",
      ),
    tsig_algorithm: z
      .enum(["hmac-sha256"], { error: unknownValue("TSIG algorithm") })
      .default("hmac-sha256")
      .describe("hmac-sha256 (RFC 8945 recommends it; md5 and sha1 are refused)."),
  })
  .describe("For mode secondary: where Hetzner's name servers transfer the zone from.");

export const ZoneSchema = z.strictObject({
  name: z.string().describe("The domain (international names allowed: they are converted to punycode)."),
  mode: z
    .enum(["primary", "secondary"], { error: unknownValue("zone mode") })
    .describe(
      "primary: records managed at Hetzner from this file; secondary: Hetzner serves a copy transferred from our hidden primary (records here feed its zone file).",
    ),
  ttl: z
    .number()
    .int()
    .min(LIMITS.minTtl)
    .max(LIMITS.maxTtl)
    .default(3600)
    .describe("Default TTL of records, in seconds. Default 3600."),
  primary: ZonePrimarySchema.optional(),
  records: z.array(DnsRecordSchema).default([]),
  labels: LabelsSchema.default({}),
});

export const StorageBoxAccessSchema = z
  .strictObject({
    ssh: z.boolean().default(true).describe("SFTP/SCP/rsync/borg over SSH. Default true."),
    samba: z.boolean().default(false).describe("Samba/CIFS. Default false."),
    webdav: z.boolean().default(false).describe("WebDAV. Default false."),
    zfs: z.boolean().default(false).describe("Show the .zfs snapshot directory. Default false."),
    reachable_externally: z
      .boolean()
      .default(false)
      .describe("Reachable from outside Hetzner's network. Default false."),
  })
  .describe("Access settings: SSH only, from Hetzner's network only, unless said so.");

export const SubaccountAccessSchema = z.strictObject({
  ssh: z.boolean().default(true),
  samba: z.boolean().default(false),
  webdav: z.boolean().default(false),
  reachable_externally: z.boolean().default(false),
});

export const SnapshotPlanSchema = z
  .strictObject({
    enabled: z.boolean().default(true).describe("Automatic snapshots. Default true."),
    hour: z.number().int().min(0).max(23).default(3).describe("Hour (UTC). Default 3."),
    minute: z.number().int().min(0).max(59).default(0),
    max_snapshots: z
      .number()
      .int()
      .min(1)
      .max(100)
      .default(7)
      .describe("Snapshots kept; the oldest is deleted. Default 7."),
    day_of_week: z
      .number()
      .int()
      .min(1)
      .max(7)
      .optional()
      .describe("1 (Monday) to 7 (Sunday) for a weekly plan. Default: every day."),
    day_of_month: z
      .number()
      .int()
      .min(1)
      .max(31)
      .optional()
      .describe("1 to 31 for a monthly plan. Default: every day."),
  })
  .describe("Automatic snapshots of the whole box. Default: daily at 03:00 UTC, 7 kept.");

export const SubaccountSchema = z.strictObject({
  name: NameSchema,
  server: NameSchema.optional().describe(
    "The server whose backups go here; omit for a service account (then say what it is for in description).",
  ),
  home_directory: z
    .string()
    .optional()
    .describe("Directory inside the box, relative (e.g. servers/web-1). Default: the subaccount's name."),
  readonly: z.boolean().default(false),
  access: SubaccountAccessSchema.prefault({}),
  description: z.string().optional(),
  labels: LabelsSchema.default({}),
});

export const StorageBoxSchema = z.strictObject({
  name: NameSchema,
  type: z.enum(STORAGE_BOX_TYPE_NAMES, { error: unknownValue("storage box type") }),
  location: LocationSchema.describe("Required: keep backups in another location than the servers they protect."),
  ssh_keys: z
    .array(NameSchema)
    .default([])
    .describe(
      "Names of operators.ssh_keys for the main account. Changing them REPLACES the box with its data; keep it stable.",
    ),
  access: StorageBoxAccessSchema.prefault({}),
  snapshot_plan: SnapshotPlanSchema.prefault({}),
  subaccounts: z.array(SubaccountSchema).default([]),
  labels: LabelsSchema.default({}),
});

export const SuppressionSchema = z.strictObject({
  rule: z.string().describe("Id of the policy rule suppressed (see policies/)."),
  resource: z
    .string()
    .describe("The resource, as <kind>/<name>: server/web-1, network/internal, zone/all2all.org, storage-box/backup…"),
  reason: z.string().describe("Why, in at least a sentence: reviewers read it."),
});

export const NetworkDescriptionSchema = z
  .strictObject({
    environment: EnvironmentSchema.prefault({}),
    operators: OperatorsSchema.prefault({}),
    placement_groups: z.array(PlacementGroupSchema).default([]),
    networks: z.array(NetworkSchema).default([]),
    firewall_policies: z.array(FirewallPolicySchema).default([]),
    servers: z.array(ServerSchema).default([]),
    dns_secondaries: z
      .array(DnsSecondarySchema)
      .default([])
      .describe("Secondary name servers of zones in secondary mode (see zones[].primary.secondaries)."),
    zones: z.array(ZoneSchema).default([]),
    storage_boxes: z.array(StorageBoxSchema).default([]),
    suppressions: z
      .array(SuppressionSchema)
      .default([])
      .describe("Policy rules turned off for one resource, each with its reason."),
  })
  .describe(
    "The all2all network description (see docs/config.md). The shared files and the environment overlays together form one of these.",
  );

/** The description after defaults, before cross-reference checks. */
export type Description = z.output<typeof NetworkDescriptionSchema>;
