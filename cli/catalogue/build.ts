/**
 * The catalogue (catalogue/hetzner.json) made from Hetzner's answers: the
 * conversion of each API shape to the catalogue's, the checks that need more
 * than one answer (a server type must have a price wherever it is available,
 * every location named must be one Hetzner lists), and the server types that
 * left the offer (kept as retired, with the nearest current type as their
 * successor).
 *
 * Lists keep the order of the previous file, new entries follow in the API's
 * order: a refresh's diff then shows what changed, not a reshuffle.
 *
 * Imports: the catalogue's types, ./api's types, ./decimals, ./retired.
 */
import type { Catalogue } from "../../catalogue/catalogue";
import type {
  ApiDeprecation,
  ApiImage,
  ApiLocation,
  ApiPricing,
  ApiServerType,
  ApiStorageBoxType,
  Finding,
  Located,
} from "./api";
import { money, plainDecimal, round4, toUnits } from "./decimals";
import { retiredTypes } from "./retired";

/**
 * The member states of the European Union (ISO 3166-1 alpha-2; Greece is GR
 * there, EL only in the EU's own usage). A fact about the EU, not an offer:
 * a location is `eu` when its country is one of them.
 */
export const EU_COUNTRIES: ReadonlySet<string> = new Set([
  "AT",
  "BE",
  "BG",
  "CY",
  "CZ",
  "DE",
  "DK",
  "EE",
  "ES",
  "FI",
  "FR",
  "GR",
  "HR",
  "HU",
  "IE",
  "IT",
  "LT",
  "LU",
  "LV",
  "MT",
  "NL",
  "PL",
  "PT",
  "RO",
  "SE",
  "SI",
  "SK",
]);

/** Bytes in a TB as Hetzner counts traffic and storage (a tebibyte: 20 TB = 21990232555520 bytes). */
const TB = 2 ** 40;

/** Everything read from the two APIs. */
export interface Answers {
  readonly locations: readonly Located<ApiLocation>[];
  readonly serverTypes: readonly Located<ApiServerType>[];
  readonly images: readonly Located<ApiImage>[];
  readonly pricing: Located<ApiPricing>;
  readonly storageBoxTypes: readonly Located<ApiStorageBoxType>[];
}

export interface BuildContext {
  /** The file being replaced (its retired types, comment, volume limits and order are kept). */
  readonly previous: Catalogue;
  /** Today, YYYY-MM-DD. */
  readonly today: string;
  /** The `source` line. */
  readonly source: string;
}

export interface Built {
  readonly catalogue: Catalogue;
  /** The VAT rate of the gross prices, in percent ("21"): the account's country's. */
  readonly vatRate: string;
  /** Errors: nothing may be written. */
  readonly problems: readonly Finding[];
  readonly warnings: readonly Finding[];
}

type ServerTypeEntry = Catalogue["server_types"][number];
/** Records a problem when `name` (at `path` below the entry `at`) is not a location GET /locations lists. */
type LocationCheck = (name: string, at: Located<unknown>, path: string) => void;

/** The catalogue of the answers; `problems` says whether it may be written. */
export function buildCatalogue(answers: Answers, ctx: BuildContext): Built {
  const problems: Finding[] = [];
  const warnings: Finding[] = [];
  const prev = ctx.previous;

  const locations = keepOrder(
    prev.locations,
    answers.locations.map((l) => location(l.value)),
  );
  const known = new Set(locations.map((l) => l.name));
  const checkLocation: LocationCheck = (name, at, path) => {
    if (!known.has(name))
      problems.push({
        endpoint: at.endpoint,
        path: `${at.path}.${path}`,
        message: `location ${JSON.stringify(name)} is not one GET /locations lists`,
      });
  };
  duplicates(answers.locations, (l) => l.name, problems);
  duplicates(answers.serverTypes, (t) => t.name, problems);
  duplicates(answers.storageBoxTypes, (t) => t.name, problems);

  const serverTypes = keepOrder(
    prev.server_types,
    answers.serverTypes.map((at) => serverType(at, checkLocation, problems)),
  );
  const current = new Set(serverTypes.map((t) => t.name));
  const retired = retiredTypes(prev, serverTypes, ctx.today, warnings);

  const pricing = answers.pricing;
  if (pricing.value.currency !== "EUR") {
    problems.push({
      endpoint: pricing.endpoint,
      path: "pricing.currency",
      message: `the catalogue is in EUR; this account's prices are in ${pricing.value.currency}`,
    });
  }

  const catalogue: Catalogue = {
    ...(prev.$comment ? { $comment: prev.$comment } : {}),
    taken: ctx.today,
    source: ctx.source,
    currency: "EUR",
    locations,
    server_types: serverTypes,
    retired_server_types: retired.filter((r) => !current.has(r.name)),
    images: keepOrder(prev.images, images(answers.images, warnings)),
    volumes: {
      min_gb: prev.volumes.min_gb,
      max_gb: prev.volumes.max_gb,
      price_per_gb_month: money(pricing.value.volume.price_per_gb_month),
    },
    primary_ips: ipPrices(pricing, "primary_ips", pricing.value.primary_ips, locations, checkLocation, warnings).map(
      (p) => ({
        type: p.type,
        location: p.location,
        monthly: money(p.price.price_monthly),
        hourly: money(p.price.price_hourly),
      }),
    ),
    floating_ips: ipPrices(pricing, "floating_ips", pricing.value.floating_ips, locations, checkLocation, warnings).map(
      (p) => ({
        type: p.type,
        location: p.location,
        monthly: money(p.price.price_monthly),
      }),
    ),
    server_backups: { percentage: plainDecimal(pricing.value.server_backup.percentage) },
    storage_box_types: keepOrder(
      prev.storage_box_types,
      answers.storageBoxTypes.map((at) => storageBoxType(at, checkLocation, warnings)),
    ),
  };
  return { catalogue, vatRate: plainDecimal(pricing.value.vat_rate), problems, warnings };
}

function location(l: ApiLocation): Catalogue["locations"][number] {
  return {
    name: l.name,
    city: l.city,
    country: l.country,
    network_zone: l.network_zone,
    eu: EU_COUNTRIES.has(l.country),
  };
}

/** A server type; a location where it is available without a price there is a problem. */
function serverType(at: Located<ApiServerType>, checkLocation: LocationCheck, problems: Finding[]): ServerTypeEntry {
  const t = at.value;
  for (const [i, l] of t.locations.entries()) checkLocation(l.name, at, `locations[${i}].name`);
  for (const [i, p] of t.prices.entries()) checkLocation(p.location, at, `prices[${i}].location`);
  const priced = new Set(t.prices.map((p) => p.location));
  for (const l of t.locations) {
    if (l.available && !priced.has(l.name)) {
      problems.push({
        endpoint: at.endpoint,
        path: `${at.path}.prices`,
        message: `${t.name} has no price for ${l.name}, where it is available`,
      });
    }
  }
  return {
    name: t.name,
    category: t.category,
    architecture: t.architecture,
    cores: t.cores,
    memory_gb: t.memory,
    disk_gb: t.disk,
    cpu_type: t.cpu_type,
    storage_type: t.storage_type,
    deprecation: deprecation(t.deprecation),
    locations: t.locations.map((l) => ({
      name: l.name,
      available: l.available,
      deprecation: deprecation(l.deprecation),
    })),
    prices: t.prices.map((p) => ({
      location: p.location,
      monthly: money(p.price_monthly),
      hourly: money(p.price_hourly),
      included_traffic_tb: round4(p.included_traffic / TB),
    })),
  };
}

/** System images by name, with the architectures each name has (one image per architecture in the API). */
function images(list: readonly Located<ApiImage>[], warnings: Finding[]): Catalogue["images"] {
  const byName = new Map<string, Catalogue["images"][number]>();
  for (const at of list) {
    const i = at.value;
    if (i.type !== "system" || i.name === null) {
      warnings.push({
        endpoint: at.endpoint,
        path: at.path,
        message: `a ${i.type} image${i.name === null ? " without a name" : ""} in the list of system images, left out`,
      });
      continue;
    }
    const entry = byName.get(i.name);
    if (!entry) {
      byName.set(i.name, {
        name: i.name,
        os_flavor: i.os_flavor,
        os_version: i.os_version ?? "",
        architectures: [i.architecture],
        deprecated: i.deprecated,
      });
      continue;
    }
    if (!entry.architectures.includes(i.architecture)) entry.architectures.push(i.architecture);
    // The name is deprecated from the first of its images' deprecation.
    if (i.deprecated !== null && (entry.deprecated === null || i.deprecated < entry.deprecated))
      entry.deprecated = i.deprecated;
  }
  const order = ["x86", "arm"];
  for (const e of byName.values()) e.architectures.sort((a, b) => order.indexOf(a) - order.indexOf(b));
  return [...byName.values()];
}

/** Primary or floating IP prices, one per location (in the catalogue's order) and type (IPv4, then IPv6). */
function ipPrices<P extends { location: string }>(
  pricing: Located<ApiPricing>,
  key: "primary_ips" | "floating_ips",
  groups: readonly { type: string; prices: readonly P[] }[],
  locations: readonly { name: string }[],
  checkLocation: LocationCheck,
  warnings: Finding[],
): { type: "ipv4" | "ipv6"; location: string; price: P }[] {
  const at = { ...pricing, path: "pricing" };
  const out: { type: "ipv4" | "ipv6"; location: string; price: P }[] = [];
  groups.forEach((group, g) => {
    const type = group.type;
    if (type !== "ipv4" && type !== "ipv6") {
      warnings.push({
        endpoint: pricing.endpoint,
        path: `pricing.${key}[${g}].type`,
        message: `unknown IP type ${JSON.stringify(type)}, left out`,
      });
      return;
    }
    group.prices.forEach((p, i) => {
      checkLocation(p.location, at, `${key}[${g}].prices[${i}].location`);
      out.push({ type, location: p.location, price: p });
    });
  });
  const rank = (l: string) => locations.findIndex((x) => x.name === l);
  return out.sort(
    (a, b) => rank(a.location) - rank(b.location) || (a.type === b.type ? 0 : a.type === "ipv4" ? -1 : 1),
  );
}

function storageBoxType(
  at: Located<ApiStorageBoxType>,
  checkLocation: LocationCheck,
  warnings: Finding[],
): Catalogue["storage_box_types"][number] {
  const t = at.value;
  t.prices.forEach((p, i) => {
    checkLocation(p.location, at, `prices[${i}].location`);
    if (toUnits(p.setup_fee.net) !== 0n) {
      warnings.push({
        endpoint: at.endpoint,
        path: `${at.path}.prices[${i}].setup_fee`,
        message: `${t.name} has a setup fee of ${p.setup_fee.net} in ${p.location}; the catalogue has no place for it`,
      });
    }
  });
  if (t.snapshot_limit === null)
    warnings.push({
      endpoint: at.endpoint,
      path: `${at.path}.snapshot_limit`,
      message: `${t.name} has no snapshot limit; written as 0`,
    });
  if (t.deprecation) {
    warnings.push({
      endpoint: at.endpoint,
      path: `${at.path}.deprecation`,
      message: `${t.name} is deprecated (unavailable after ${t.deprecation.unavailable_after}); the catalogue has no place for it`,
    });
  }
  return {
    name: t.name,
    size_tb: round4(t.size / TB),
    subaccounts_limit: t.subaccounts_limit,
    snapshot_limit: t.snapshot_limit ?? 0,
    prices: t.prices.map((p) => ({
      location: p.location,
      monthly: money(p.price_monthly),
      hourly: money(p.price_hourly),
    })),
  };
}

// ---------------------------------------------------------------------------
// Helpers.

function deprecation(d: ApiDeprecation | undefined): { announced: string; unavailable_after: string } | null {
  return d ? { announced: d.announced, unavailable_after: d.unavailable_after } : null;
}

/** Entries named in `previous` first, in its order, then the others in the API's order. */
export function keepOrder<T extends { name: string }>(previous: readonly { name: string }[], items: readonly T[]): T[] {
  const rank = new Map(previous.map((p, i) => [p.name, i]));
  const at = (t: T, i: number) => rank.get(t.name) ?? previous.length + i;
  return items
    .map((t, i) => ({ t, r: at(t, i) }))
    .sort((a, b) => a.r - b.r)
    .map((x) => x.t);
}

function duplicates<T>(list: readonly Located<T>[], name: (t: T) => string, problems: Finding[]): void {
  const seen = new Set<string>();
  for (const at of list) {
    const n = name(at.value);
    if (seen.has(n))
      problems.push({
        endpoint: at.endpoint,
        path: `${at.path}.name`,
        message: `${JSON.stringify(n)} is listed twice`,
      });
    seen.add(n);
  }
}
