/**
 * The zod model of the environment's settings (location, protection, state
 * backend, budget) and of the operators (SSH keys, admin ranges).
 */
import { z } from "zod";
import { EU_LOCATIONS } from "../catalogue";
import { LabelsSchema, LocationSchema, NameSchema, unknownValue, listOf } from "./common";

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
    ssh_keys: listOf(SshKeySchema).describe(
      "Operators' SSH public keys; servers get all of them unless they list ssh_keys.",
    ),
    admin_ranges: listOf(z.string()).describe(
      "CIDRs (IPv4 or IPv6) operators connect from; the firewall source keyword 'admin' stands for them.",
    ),
  })
  .describe("The people who administer the network.");
