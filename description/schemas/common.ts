/**
 * The pieces every part of the description's zod model uses: item names,
 * locations, labels, lists that default to empty and the message of an
 * unknown enum value.
 */
import { z } from "zod";
import { LOCATION_NAMES } from "../catalogue";
import { NAME_PATTERN } from "../domain-names";

/** The message of a value outside an enum: `unknown <what> "<value>"`. */
export const unknownValue = (what: string) => (issue: { input?: unknown; code?: string }) =>
  issue.code === "invalid_value" ? `unknown ${what} ${JSON.stringify(issue.input)}` : undefined;

/** An item name: hostname label and Terraform id. */
export const NameSchema = z
  .string()
  .regex(NAME_PATTERN, { error: (issue) => `${JSON.stringify(issue.input)} is not a valid name` })
  .describe(
    "Lower-case letters, digits and hyphens, starting with a letter, at most 63 characters: it " +
      "becomes a hostname and a Terraform id, so renaming replaces the resource.",
  );

export const LocationSchema = z
  .enum(LOCATION_NAMES, { error: unknownValue("location") })
  .describe("A Hetzner location (see catalogue/hetzner.json).");

export const LabelsSchema = z
  .record(z.string(), z.string())
  .describe(
    "Extra Hetzner labels. Keys: optional DNS-subdomain prefix and '/', then at most 63 letters, digits, '-', " +
      "'_' or '.', starting and ending alphanumeric; values: the same rule, or empty. managed-by, environment and " +
      "role are set automatically.",
  );

/** A list that is empty when omitted. */
export const listOf = <T extends z.ZodType>(item: T) => z.array(item).default([]);
