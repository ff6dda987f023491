/**
 * What Hetzner offers, for the description's checks: names in the
 * configuration are checked against it, and a miss suggests the nearest
 * known names. Everything here is derived from the catalogue
 * (catalogue/hetzner.json, rewritten from the API by `all2all catalogue
 * refresh`): no offer is written in code.
 */
import { catalogue, type Catalogue } from "../catalogue/catalogue";
import { editDistance } from "../primitives/edit-distance";

const CATALOGUE: Catalogue = catalogue();

/** A network zone groups the locations a private network can span. */
export type NetworkZone = string;

export interface LocationInfo {
  readonly city: string;
  readonly country: string;
  readonly networkZone: NetworkZone;
  /** In the European Union (the all2all default: data of Belgian associations stays in the EU). */
  readonly eu: boolean;
  /** Storage boxes can be ordered here (a storage box type has a price here). */
  readonly storageBoxes: boolean;
}

const boxLocations = new Set(CATALOGUE.storage_box_types.flatMap((t) => t.prices.map((p) => p.location)));

export const LOCATIONS: Readonly<Record<string, LocationInfo>> = Object.fromEntries(
  CATALOGUE.locations.map((l) => [
    l.name,
    { city: l.city, country: l.country, networkZone: l.network_zone, eu: l.eu, storageBoxes: boxLocations.has(l.name) },
  ]),
);

export type LocationName = string;
export const LOCATION_NAMES = CATALOGUE.locations.map((l) => l.name) as [LocationName, ...LocationName[]];
export const NETWORK_ZONES = [...new Set(CATALOGUE.locations.map((l) => l.network_zone))];
/** The default set of allowed locations: the EU ones. */
export const EU_LOCATIONS = LOCATION_NAMES.filter((name) => LOCATIONS[name]!.eu);

export interface ServerTypeInfo {
  readonly arch: "x86" | "arm";
  /** Shared or dedicated vCPUs, and Hetzner's category (cost_optimized, regular_purpose, …). */
  readonly family: string;
  readonly cores: number;
  readonly memoryGb: number;
  readonly diskGb: number;
  /** Deprecation of the type everywhere, if announced. */
  readonly deprecation?: { readonly announced: string; readonly unavailableAfter: string };
  /** Per location: orderable there, and its deprecation there if announced. */
  readonly locations: Readonly<
    Record<
      string,
      {
        readonly available: boolean;
        readonly deprecation?: { readonly announced: string; readonly unavailableAfter: string };
      }
    >
  >;
}

const deprecation = (d: { announced: string; unavailable_after: string } | null | undefined) =>
  d ? { deprecation: { announced: d.announced, unavailableAfter: d.unavailable_after } } : {};

/** The server types Hetzner sells (today's catalogue), by name. */
export const SERVER_TYPES: Readonly<Record<string, ServerTypeInfo>> = Object.fromEntries(
  CATALOGUE.server_types.map((t) => [
    t.name,
    {
      arch: t.architecture,
      family: `${t.cpu_type}${t.category ? ` ${t.category}` : ""}`,
      cores: t.cores,
      memoryGb: t.memory_gb,
      diskGb: t.disk_gb,
      ...deprecation(t.deprecation),
      locations: Object.fromEntries(
        t.locations.map((l) => [l.name, { available: l.available, ...deprecation(l.deprecation) }]),
      ),
    },
  ]),
);

export type ServerTypeName = string;
export const SERVER_TYPE_NAMES = Object.keys(SERVER_TYPES) as [ServerTypeName, ...ServerTypeName[]];

/** Server types Hetzner no longer sells, with the dates and the type that replaces each. */
export const RETIRED_SERVER_TYPES: Readonly<
  Record<string, { readonly announced: string; readonly unavailableAfter: string; readonly successor: string }>
> = Object.fromEntries(
  CATALOGUE.retired_server_types.map((r) => [
    r.name,
    { announced: r.announced, unavailableAfter: r.unavailable_after, successor: r.successor },
  ]),
);

/** System images (most names serve x86 and arm64 server types), with the architectures each has. */
export const IMAGE_ARCHITECTURES: Readonly<Record<string, readonly ("x86" | "arm")[]>> = Object.fromEntries(
  CATALOGUE.images.map((i) => [i.name, i.architectures]),
);
export const IMAGES = CATALOGUE.images.map((i) => i.name) as [string, ...string[]];
/** Images Hetzner marks deprecated, with the date it did (they are removed later). */
export const DEPRECATED_IMAGES: Readonly<Record<string, string>> = Object.fromEntries(
  CATALOGUE.images.filter((i) => i.deprecated).map((i) => [i.name, i.deprecated!.slice(0, 10)]),
);
export type ImageName = string;
export const DEFAULT_IMAGE: ImageName = "debian-13";

export interface StorageBoxTypeInfo {
  /** Capacity in TB. */
  readonly sizeTb: number;
}

export const STORAGE_BOX_TYPES: Readonly<Record<string, StorageBoxTypeInfo>> = Object.fromEntries(
  CATALOGUE.storage_box_types.map((t) => [t.name, { sizeTb: t.size_tb }]),
);
export type StorageBoxTypeName = string;
export const STORAGE_BOX_TYPE_NAMES = Object.keys(STORAGE_BOX_TYPES) as [StorageBoxTypeName, ...StorageBoxTypeName[]];

/** The catalogue's date and source, for messages. */
export const CATALOGUE_TAKEN = CATALOGUE.taken;

/** Hetzner limits the configuration is checked against. */
export const LIMITS = {
  /** `user_data` is refused by the API above 32 KiB. */
  userDataBytes: 32 * 1024,
  /** Volume size in GB (the catalogue's). */
  volumeMinGb: CATALOGUE.volumes.min_gb,
  volumeMaxGb: CATALOGUE.volumes.max_gb,
  /** Servers in one spread placement group. */
  spreadGroupServers: 10,
  /** Smallest DNS TTL Hetzner DNS accepts. */
  minTtl: 60,
  /** A week: longer TTLs make mistakes stick. */
  maxTtl: 7 * 24 * 3600,
} as const;

/**
 * Edit distance for "did you mean": the validator's (optimal string
 * alignment, so a swapped pair of letters is one edit; allocation-free).
 */
export const levenshtein = (a: string, b: string): number => editDistance(a, b);

/**
 * The known names nearest to `input` (at most `max`), closest first; empty
 * when nothing is near enough to be a plausible typo.
 */
export function suggest(input: string, known: Iterable<string>, max = 3): string[] {
  const needle = input.toLowerCase();
  const threshold = Math.max(2, Math.floor(needle.length / 3));
  const scored: { name: string; distance: number }[] = [];
  for (const name of known) {
    const candidate = name.toLowerCase();
    let distance = levenshtein(needle, candidate);
    // "cx2" → "cx23", "web" → "web-1": a prefix is a good guess too.
    if (needle.length >= 2 && candidate.startsWith(needle)) distance = Math.min(distance, 1);
    if (distance <= threshold) scored.push({ name, distance });
  }
  scored.sort((x, y) => x.distance - y.distance || (x.name < y.name ? -1 : 1));
  return scored.slice(0, max).map((s) => s.name);
}

/** `did you mean "cx23"?`, `did you mean "cx23" or "cx33"?`, or undefined. */
export function didYouMean(input: string, known: Iterable<string>): string | undefined {
  const names = suggest(input, known);
  if (names.length === 0) return undefined;
  const quoted = names.map((n) => JSON.stringify(n));
  const list = quoted.length === 1 ? quoted[0] : `${quoted.slice(0, -1).join(", ")} or ${quoted[quoted.length - 1]}`;
  return `did you mean ${list}?`;
}

/** A hint naming the nearest known names, else listing (some of) the known ones. */
export function suggestionHint(input: string, known: readonly string[], what: string): string {
  const guess = didYouMean(input, known);
  if (guess) return guess;
  if (known.length === 0) return `no ${what} is defined`;
  const shown = known
    .slice(0, 12)
    .map((n) => JSON.stringify(n))
    .join(", ");
  return `known ${what}: ${shown}${known.length > 12 ? ", …" : ""}`;
}
