/**
 * The zod model of DNS: the record types, records, zones, their hidden
 * primary and the secondary name servers.
 */
import { z } from "zod";
import { LIMITS } from "../catalogue";
import { LabelsSchema, NameSchema, unknownValue, listOf } from "./common";

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
    notify: listOf(z.string()).describe(
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
  records: listOf(DnsRecordSchema),
  labels: LabelsSchema.default({}),
});
