/**
 * The zod model of firewall policies and their rules.
 */
import { z } from "zod";
import { LabelsSchema, NameSchema, unknownValue } from "./common";

const PortSchema = z
  .union([z.number().int().min(1).max(65535), z.string()])
  .describe('A port (22), a range ("1024-5000") or "any"; only for tcp and udp.');
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
