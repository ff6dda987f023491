/**
 * The zod model of storage boxes (backup space): access, snapshot plan and
 * subaccounts.
 */
import { z } from "zod";
import { STORAGE_BOX_TYPE_NAMES } from "../catalogue";
import { LabelsSchema, LocationSchema, NameSchema, unknownValue, listOf } from "./common";

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
  ssh_keys: listOf(NameSchema).describe(
    "Names of operators.ssh_keys for the main account. Changing them REPLACES the box with its data; keep it stable.",
  ),
  access: StorageBoxAccessSchema.prefault({}),
  snapshot_plan: SnapshotPlanSchema.prefault({}),
  subaccounts: listOf(SubaccountSchema),
  labels: LabelsSchema.default({}),
});
