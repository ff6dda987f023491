/**
 * What Hetzner offers, kept as data: names in the configuration are checked
 * against it, and a miss suggests the nearest known names.
 *
 * Source: the Hetzner Cloud console and API (`hcloud server-type list`,
 * `hcloud image list --type system`, `hcloud location list`,
 * `hcloud storage-box-type list`). Hetzner adds and retires offers: when a name
 * is missing or retired, edit this file (a reviewed one-line change), never
 * work around it in the YAML.
 */
import { editDistance } from "../validate/levenshtein";

/** A network zone groups the locations a private network can span. */
export type NetworkZone = "eu-central" | "us-east" | "us-west" | "ap-southeast";

export interface LocationInfo {
  readonly city: string;
  readonly country: string;
  readonly networkZone: NetworkZone;
  /** In the European Union (the all2all default: data of Belgian associations stays in the EU). */
  readonly eu: boolean;
  /** Storage boxes can be ordered here. */
  readonly storageBoxes: boolean;
}

export const LOCATIONS = {
  fsn1: { city: "Falkenstein", country: "DE", networkZone: "eu-central", eu: true, storageBoxes: true },
  nbg1: { city: "Nuremberg", country: "DE", networkZone: "eu-central", eu: true, storageBoxes: false },
  hel1: { city: "Helsinki", country: "FI", networkZone: "eu-central", eu: true, storageBoxes: true },
  ash: { city: "Ashburn, VA", country: "US", networkZone: "us-east", eu: false, storageBoxes: false },
  hil: { city: "Hillsboro, OR", country: "US", networkZone: "us-west", eu: false, storageBoxes: false },
  sin: { city: "Singapore", country: "SG", networkZone: "ap-southeast", eu: false, storageBoxes: false },
} as const satisfies Record<string, LocationInfo>;

export type LocationName = keyof typeof LOCATIONS;
export const LOCATION_NAMES = Object.keys(LOCATIONS) as [LocationName, ...LocationName[]];
export const NETWORK_ZONES = ["eu-central", "us-east", "us-west", "ap-southeast"] as const satisfies readonly NetworkZone[];
/** The default set of allowed locations: the EU ones. */
export const EU_LOCATIONS = LOCATION_NAMES.filter((name) => LOCATIONS[name].eu);

export interface ServerTypeInfo {
  readonly arch: "x86" | "arm";
  /** Shared or dedicated vCPUs, and which generation. */
  readonly family: string;
}

const shared = (family: string): ServerTypeInfo => ({ arch: "x86", family });

export const SERVER_TYPES = {
  // Shared vCPU, Intel (CX, 2022 generation)
  cx22: shared("shared Intel"),
  cx32: shared("shared Intel"),
  cx42: shared("shared Intel"),
  cx52: shared("shared Intel"),
  // Shared vCPU, cost-optimised (CX, 2025 generation)
  cx23: shared("shared cost-optimised"),
  cx33: shared("shared cost-optimised"),
  cx43: shared("shared cost-optimised"),
  cx53: shared("shared cost-optimised"),
  // Shared vCPU, AMD (CPX)
  cpx11: shared("shared AMD"),
  cpx21: shared("shared AMD"),
  cpx31: shared("shared AMD"),
  cpx41: shared("shared AMD"),
  cpx51: shared("shared AMD"),
  // Shared vCPU, AMD (CPX, 2025 generation)
  cpx12: shared("shared AMD (2025)"),
  cpx22: shared("shared AMD (2025)"),
  cpx32: shared("shared AMD (2025)"),
  cpx42: shared("shared AMD (2025)"),
  cpx52: shared("shared AMD (2025)"),
  cpx62: shared("shared AMD (2025)"),
  // Shared vCPU, Ampere (CAX, arm64)
  cax11: { arch: "arm", family: "shared Ampere" },
  cax21: { arch: "arm", family: "shared Ampere" },
  cax31: { arch: "arm", family: "shared Ampere" },
  cax41: { arch: "arm", family: "shared Ampere" },
  // Dedicated vCPU, AMD (CCX)
  ccx13: { arch: "x86", family: "dedicated AMD" },
  ccx23: { arch: "x86", family: "dedicated AMD" },
  ccx33: { arch: "x86", family: "dedicated AMD" },
  ccx43: { arch: "x86", family: "dedicated AMD" },
  ccx53: { arch: "x86", family: "dedicated AMD" },
  ccx63: { arch: "x86", family: "dedicated AMD" },
} as const satisfies Record<string, ServerTypeInfo>;

export type ServerTypeName = keyof typeof SERVER_TYPES;
export const SERVER_TYPE_NAMES = Object.keys(SERVER_TYPES) as [ServerTypeName, ...ServerTypeName[]];

/** System images (the same name serves x86 and arm64 server types). */
export const IMAGES = [
  "debian-13",
  "debian-12",
  "ubuntu-24.04",
  "ubuntu-22.04",
  "rocky-10",
  "rocky-9",
  "alma-10",
  "alma-9",
  "centos-stream-10",
  "centos-stream-9",
  "fedora-42",
  "opensuse-15",
] as const;
export type ImageName = (typeof IMAGES)[number];
export const DEFAULT_IMAGE: ImageName = "debian-13";

export interface StorageBoxTypeInfo {
  /** Capacity in TB. */
  readonly sizeTb: number;
}

export const STORAGE_BOX_TYPES = {
  bx11: { sizeTb: 1 },
  bx21: { sizeTb: 5 },
  bx31: { sizeTb: 10 },
  bx41: { sizeTb: 20 },
} as const satisfies Record<string, StorageBoxTypeInfo>;
export type StorageBoxTypeName = keyof typeof STORAGE_BOX_TYPES;
export const STORAGE_BOX_TYPE_NAMES = Object.keys(STORAGE_BOX_TYPES) as [StorageBoxTypeName, ...StorageBoxTypeName[]];

/** Hetzner limits the configuration is checked against. */
export const LIMITS = {
  /** `user_data` is refused by the API above 32 KiB. */
  userDataBytes: 32 * 1024,
  /** Volume size in GB. */
  volumeMinGb: 10,
  volumeMaxGb: 10 * 1024,
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
    // "cx2" → "cx22", "web" → "web-1": a prefix is a good guess too.
    if (needle.length >= 2 && candidate.startsWith(needle)) distance = Math.min(distance, 1);
    if (distance <= threshold) scored.push({ name, distance });
  }
  scored.sort((x, y) => x.distance - y.distance || (x.name < y.name ? -1 : 1));
  return scored.slice(0, max).map((s) => s.name);
}

/** `did you mean "cx22"?`, `did you mean "cx22" or "cx32"?`, or undefined. */
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
  const shown = known.slice(0, 12).map((n) => JSON.stringify(n)).join(", ");
  return `known ${what}: ${shown}${known.length > 12 ? ", …" : ""}`;
}
