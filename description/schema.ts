/**
 * The zod model of the network description: the single source of the
 * TypeScript types, the runtime shape checks and the JSON Schema for editors.
 *
 * Shape first (this file and schemas/: types, required keys, enums, ranges,
 * name patterns, one file per part of the description); the rules that need
 * several fields or the whole description (references, addresses inside
 * ranges, DNS record contents) are in checks/ and dns/, with exact paths.
 *
 * Every object is strict: a misspelt key is an error that lists the allowed
 * keys. Every default is the safe choice; the description says why.
 */
import { z } from "zod";
import { listOf } from "./schemas/common";
import { DnsSecondarySchema, ZoneSchema } from "./schemas/dns";
import { EnvironmentSchema, OperatorsSchema } from "./schemas/environment";
import { FirewallPolicySchema } from "./schemas/firewalls";
import { NetworkSchema } from "./schemas/networks";
import { PlacementGroupSchema, ServerSchema } from "./schemas/servers";
import { StorageBoxSchema } from "./schemas/storage";

export { LabelsSchema, LocationSchema, NameSchema } from "./schemas/common";
export {
  CONFIG_RECORD_TYPES,
  DnsRecordSchema,
  DnsSecondarySchema,
  type RecordType,
  ZonePrimarySchema,
  ZoneSchema,
} from "./schemas/dns";
export { EnvironmentSchema, OperatorsSchema, SshKeySchema, StateBackendSchema } from "./schemas/environment";
export { FirewallPolicySchema, FirewallRuleSchema } from "./schemas/firewalls";
export { NetworkSchema, RouteSchema, SubnetSchema } from "./schemas/networks";
export {
  FloatingIpSchema,
  NetworkAttachmentSchema,
  PlacementGroupSchema,
  PublicNetSchema,
  ServerSchema,
  VolumeSchema,
} from "./schemas/servers";
export {
  SnapshotPlanSchema,
  StorageBoxAccessSchema,
  StorageBoxSchema,
  SubaccountAccessSchema,
  SubaccountSchema,
} from "./schemas/storage";

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
    placement_groups: listOf(PlacementGroupSchema),
    networks: listOf(NetworkSchema),
    firewall_policies: listOf(FirewallPolicySchema),
    servers: listOf(ServerSchema),
    dns_secondaries: listOf(DnsSecondarySchema).describe(
      "Secondary name servers of zones in secondary mode (see zones[].primary.secondaries).",
    ),
    zones: listOf(ZoneSchema),
    storage_boxes: listOf(StorageBoxSchema),
    suppressions: listOf(SuppressionSchema).describe("Policy rules turned off for one resource, each with its reason."),
  })
  .describe(
    "The all2all network description (see docs/config.md). The shared files and the environment overlays together form one of these.",
  );

/** The description after defaults, before cross-reference checks. */
export type Description = z.output<typeof NetworkDescriptionSchema>;
