/**
 * The description against Hetzner's offer of the catalogue: a server type
 * that is not sold in its location, an image without the server type's
 * architecture, a retired server type (refused, with its successor); a
 * deprecated server type or image (a warning with its date).
 */
import {
  DEPRECATED_IMAGES,
  IMAGE_ARCHITECTURES,
  RETIRED_SERVER_TYPES,
  SERVER_TYPES,
  type ServerTypeInfo,
} from "./catalogue";

export interface OfferFinding {
  readonly field: "type" | "image";
  readonly severity: "error" | "warning";
  readonly message: string;
  readonly hint?: string;
}

/**
 * The current server types nearest to `wanted` (same architecture, closest cores then memory) that are sold in
 * `location`.
 */
export function nearestServerTypes(
  wanted: Pick<ServerTypeInfo, "arch" | "cores" | "memoryGb">,
  location: string,
  max = 3,
  types: Offer["types"] = SERVER_TYPES,
): string[] {
  return Object.keys(types)
    .filter(
      (n) =>
        types[n]!.arch === wanted.arch &&
        types[n]!.locations[location]?.available === true &&
        !types[n]!.locations[location]?.deprecation &&
        !types[n]!.deprecation,
    )
    .map((n) => ({ n, t: types[n]! }))
    .sort(
      (a, b) =>
        Math.abs(a.t.cores - wanted.cores) - Math.abs(b.t.cores - wanted.cores) ||
        Math.abs(a.t.memoryGb - wanted.memoryGb) - Math.abs(b.t.memoryGb - wanted.memoryGb) ||
        (a.n < b.n ? -1 : 1),
    )
    .slice(0, max)
    .map((x) => x.n);
}

const quoted = (names: readonly string[]) => names.map((n) => JSON.stringify(n)).join(", ");

/** ` (2 vCPU, 4 GB, 40 GB disk)`: a current server type's size, or nothing for a name not sold. */
function sizeOf(name: string): string {
  const t = SERVER_TYPES[name];
  return t ? ` (${t.cores} vCPU, ${t.memoryGb} GB, ${t.diskGb} GB disk)` : "";
}

/** The message for a server type the catalogue lists as retired; undefined for any other name. */
export function retiredServerType(name: string): { message: string; hint: string } | undefined {
  const r = RETIRED_SERVER_TYPES[name];
  if (!r) return undefined;
  return {
    message:
      `server type "${name}" was retired by Hetzner ` +
      `(announced ${r.announced}, not orderable after ${r.unavailableAfter})`,
    hint: `use its successor "${r.successor}"${sizeOf(r.successor)}`,
  };
}

/** The parts of the catalogue the checks read (the committed catalogue's by default; tests give their own). */
export interface Offer {
  readonly types: Readonly<Record<string, ServerTypeInfo>>;
  readonly images: Readonly<Record<string, readonly ("x86" | "arm")[]>>;
  /** Deprecated images, with the date Hetzner deprecated each. */
  readonly deprecatedImages?: Readonly<Record<string, string>>;
}

const COMMITTED: Offer = { types: SERVER_TYPES, images: IMAGE_ARCHITECTURES, deprecatedImages: DEPRECATED_IMAGES };

/** What the catalogue says of one server's type and image in its location, on `today` (YYYY-MM-DD). */
export function offerFindings(
  server: { type: string; image: string; location: string },
  today: string,
  offer: Offer = COMMITTED,
): OfferFinding[] {
  const out: OfferFinding[] = [];
  const t = offer.types[server.type];
  if (!t) return out; // an unknown or retired name is refused by the schema already
  const here = t.locations[server.location];
  const dep = here?.deprecation ?? t.deprecation;
  if (!here?.available || (dep && dep.unavailableAfter < today)) {
    const instead = nearestServerTypes(t, server.location, 3, offer.types);
    out.push({
      field: "type",
      severity: "error",
      message: `server type "${server.type}" is not sold in ${server.location}${
        dep && dep.unavailableAfter < today
          ? ` (deprecated ${dep.announced}, not orderable after ${dep.unavailableAfter})`
          : ""
      }; Hetzner sells it in ${
        Object.entries(t.locations)
          .filter(([, l]) => l.available)
          .map(([n]) => n)
          .join(", ") || "no location"
      }`,
      ...(instead.length > 0 ? { hint: `nearest current types in ${server.location}: ${quoted(instead)}` } : {}),
    });
  } else if (dep) {
    const instead = nearestServerTypes(t, server.location, 3, offer.types);
    out.push({
      field: "type",
      severity: "warning",
      message:
        `server type "${server.type}" is deprecated in ${server.location} ` +
        `(announced ${dep.announced}, not orderable after ${dep.unavailableAfter})`,
      ...(instead.length > 0 ? { hint: `plan a move to ${quoted(instead)}` } : {}),
    });
  }
  const deprecatedOn = offer.deprecatedImages?.[server.image];
  if (deprecatedOn !== undefined) {
    const newer = Object.keys(offer.images).filter(
      (n) =>
        n !== server.image &&
        !offer.deprecatedImages?.[n] &&
        n.replace(/[\d.]+$/, "") === server.image.replace(/[\d.]+$/, ""),
    );
    out.push({
      field: "image",
      severity: "warning",
      message:
        `image "${server.image}" was deprecated by Hetzner ` +
        `on ${deprecatedOn}: new servers cannot use it once it is removed`,
      ...(newer.length > 0 ? { hint: `a current one: ${quoted(newer)}` } : {}),
    });
  }
  const archs = offer.images[server.image];
  if (archs && !archs.includes(t.arch)) {
    out.push({
      field: "image",
      severity: "error",
      message: `image "${server.image}" has no ${t.arch} build, which server type "${server.type}" needs`,
      hint: `images for ${t.arch}: ${quoted(
        Object.entries(offer.images)
          .filter(([, a]) => a.includes(t.arch))
          .map(([n]) => n)
          .slice(0, 8),
      )}`,
    });
  }
  return out;
}
