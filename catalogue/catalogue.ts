/**
 * Hetzner's offer and prices as data: catalogue/hetzner.json, validated when
 * it is read. The only place the project takes offers and prices from (the
 * description's checks, the cost estimate); no offer or price is written in
 * code. `all2all catalogue refresh` rewrites the file from the API.
 *
 * Prices are decimal strings, as the API gives them; sums are done in
 * ten-thousandths of a euro (the API's precision), never in floating point.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { z } from "zod";

const Decimal = z.string().regex(/^\d+(\.\d+)?$/, { error: 'a price is a decimal number as a string, e.g. "5.4900"' });
const Money = z.strictObject({ net: Decimal, gross: Decimal });
const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { error: "a date is YYYY-MM-DD" });
const Deprecation = z.strictObject({ announced: z.string(), unavailable_after: z.string() }).nullable();
const Unverified = z.string().optional();

export const CatalogueSchema = z.strictObject({
  $comment: z.array(z.string()).optional(),
  taken: Day,
  source: z.string().min(1),
  currency: z.literal("EUR"),
  locations: z.array(
    z.strictObject({
      name: z.string(),
      city: z.string(),
      country: z.string(),
      network_zone: z.string(),
      eu: z.boolean(),
      unverified: Unverified,
    }),
  ),
  server_types: z.array(
    z.strictObject({
      name: z.string(),
      category: z.string().nullable().optional(),
      architecture: z.enum(["x86", "arm"]),
      cores: z.number().int().positive(),
      memory_gb: z.number().positive(),
      disk_gb: z.number().int().positive(),
      cpu_type: z.enum(["shared", "dedicated"]),
      storage_type: z.string(),
      deprecation: Deprecation.optional(),
      locations: z.array(
        z.strictObject({ name: z.string(), available: z.boolean(), deprecation: Deprecation.optional() }),
      ),
      prices: z.array(
        z.strictObject({
          location: z.string(),
          monthly: Money,
          hourly: Money,
          included_traffic_tb: z.number().nonnegative(),
          unverified: Unverified,
        }),
      ),
      unverified: Unverified,
    }),
  ),
  retired_server_types: z.array(
    z.strictObject({ name: z.string(), announced: Day, unavailable_after: Day, successor: z.string() }),
  ),
  images: z.array(
    z.strictObject({
      name: z.string(),
      os_flavor: z.string(),
      os_version: z.string(),
      architectures: z.array(z.enum(["x86", "arm"])).min(1),
      deprecated: z.string().nullable(),
      unverified: Unverified,
    }),
  ),
  volumes: z.strictObject({
    min_gb: z.number().int().positive(),
    max_gb: z.number().int().positive(),
    price_per_gb_month: Money,
    unverified: Unverified,
  }),
  primary_ips: z.array(
    z.strictObject({ type: z.enum(["ipv4", "ipv6"]), location: z.string(), monthly: Money, hourly: Money }),
  ),
  primary_ips_unverified: Unverified,
  floating_ips: z.array(z.strictObject({ type: z.enum(["ipv4", "ipv6"]), location: z.string(), monthly: Money })),
  server_backups: z.strictObject({ percentage: Decimal, unverified: Unverified }),
  storage_box_types: z.array(
    z.strictObject({
      name: z.string(),
      size_tb: z.number().positive(),
      subaccounts_limit: z.number().int().nonnegative(),
      snapshot_limit: z.number().int().nonnegative(),
      prices: z.array(z.strictObject({ location: z.string(), monthly: Money, hourly: Money })),
      unverified: Unverified,
    }),
  ),
});

export type Catalogue = z.infer<typeof CatalogueSchema>;

/** catalogue/hetzner.json, from the source folder (tests) or the compiled one (dist/catalogue). */
export const CATALOGUE_FILE =
  [path.join(__dirname, "hetzner.json"), path.join(__dirname, "..", "..", "catalogue", "hetzner.json")].find((f) =>
    fs.existsSync(f),
  ) ?? path.join(__dirname, "hetzner.json");

/** The problems of a catalogue document, one line each (path: message); empty when it is valid. */
export function catalogueProblems(doc: unknown): string[] {
  const r = CatalogueSchema.safeParse(doc);
  if (r.success) return [];
  return r.error.issues.map((i) => `${i.path.map(String).join(".") || "(top)"}: ${i.message}`);
}

let cached: Catalogue | undefined;

/** The committed catalogue, read and validated once. Throws, naming the file and each problem, when it is not valid. */
export function catalogue(file = CATALOGUE_FILE): Catalogue {
  if (cached && file === CATALOGUE_FILE) return cached;
  const doc = JSON.parse(fs.readFileSync(file, "utf8")) as unknown;
  const problems = catalogueProblems(doc);
  if (problems.length > 0) throw new Error(`${file} is not a valid catalogue:\n  ${problems.join("\n  ")}`);
  const c = doc as Catalogue;
  if (file === CATALOGUE_FILE) cached = c;
  return c;
}

/** A decimal string in ten-thousandths: "5.49" → 54900. */
export function toTenThousandths(decimal: string): number {
  const [int, frac = ""] = decimal.split(".");
  return Number(int) * 10_000 + Number(`${frac}0000`.slice(0, 4));
}

/** Ten-thousandths as euros with cents: 54900 → "€5.49", -119000 → "-€11.90". */
export function formatEuros(tenThousandths: number, opts: { sign?: boolean } = {}): string {
  const cents = Math.round(tenThousandths / 100);
  const sign = cents < 0 ? "-" : opts.sign ? "+" : "";
  const abs = Math.abs(cents);
  return `${sign}€${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}
