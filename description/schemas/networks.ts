/**
 * The zod model of private networks: their range, subnets and routes.
 */
import { z } from "zod";
import { NETWORK_ZONES } from "../catalogue";
import { LabelsSchema, NameSchema, unknownValue, listOf } from "./common";

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
  routes: listOf(RouteSchema),
  labels: LabelsSchema.default({}),
});
