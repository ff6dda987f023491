/**
 * What Hetzner sells, as the simulated Cloud API lists it: locations, server
 * types, system images and public ISOs, read from the fixture
 * `simulator/offer.json` (its own data, separate from the project's catalogue
 * in description/catalogue.ts, so the simulator can refuse what the catalogue still
 * lists and Hetzner no longer sells).
 *
 * Routes: GET /locations, /server_types, /images, /isos (lists with their
 * filters, and by id), and /datacenters, which Hetzner removed on 2026-10-01
 * and now answers with 410 `deprecated_api_endpoint`.
 *
 * Keys of the fixture starting with `$` are notes for readers (sources,
 * unverified figures) and are never served.
 */
import offerFixture from "../offer.json";
import { ApiError, type Sim, type SimRequest, invalidInput, labelSelector, notFound, ok, paginate } from "../core";

export interface Location {
  readonly id: number;
  readonly name: string;
  readonly description: string;
  readonly country: string;
  readonly city: string;
  readonly latitude: number;
  readonly longitude: number;
  readonly network_zone: string;
}

export interface Deprecation {
  readonly announced: string;
  readonly unavailable_after: string;
}

export interface ServerTypeLocation {
  readonly id: number;
  readonly name: string;
  readonly available: boolean;
  readonly recommended: boolean;
  readonly deprecation: Deprecation | null;
}

export interface Price {
  readonly net: string;
  readonly gross: string;
}

/** A server type's price in one location (hcloud-go's PricingServerTypePrice). */
export interface ServerTypePrice {
  readonly location: string;
  readonly price_hourly: Price;
  readonly price_monthly: Price;
  /** Bytes of traffic included per month. */
  readonly included_traffic: number;
  readonly price_per_tb_traffic: Price;
}

export interface ServerType {
  readonly id: number;
  readonly name: string;
  readonly description: string;
  readonly category: string;
  readonly cores: number;
  readonly memory: number;
  readonly disk: number;
  readonly storage_type: "local" | "network";
  readonly cpu_type: "shared" | "dedicated";
  readonly architecture: "x86" | "arm";
  readonly deprecated: boolean;
  readonly deprecation: Deprecation | null;
  readonly included_traffic: number;
  readonly locations: readonly ServerTypeLocation[];
  readonly prices: readonly ServerTypePrice[];
}

export interface Image {
  readonly id: number;
  readonly type: "system" | "app" | "snapshot" | "backup";
  readonly status: string;
  readonly name: string | null;
  readonly description: string;
  readonly architecture: "x86" | "arm";
  readonly os_flavor: string;
  readonly os_version: string | null;
  readonly disk_size: number;
  readonly created: string;
  readonly deprecated: string | null;
  readonly labels: Readonly<Record<string, string>>;
}

export interface Iso {
  readonly id: number;
  readonly name: string;
  readonly description: string;
  readonly type: "public" | "private";
  readonly architecture: "x86" | "arm" | null;
  readonly deprecation: Deprecation | null;
}

export interface Offer {
  readonly locations: readonly Location[];
  readonly server_types: readonly ServerType[];
  readonly images: readonly Image[];
  readonly isos: readonly Iso[];
}

/** A copy of `value` without the keys that start with `$` (the fixture's notes), at every depth. */
export function withoutNotes(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNotes);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (!k.startsWith("$")) out[k] = withoutNotes(v);
    return out;
  }
  return value;
}

/** The offer of the fixture, notes removed (frozen: handlers copy before changing anything). */
export const OFFER: Offer = deepFreeze(withoutNotes(offerFixture) as Offer);

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object") {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** A location by name or numeric id (as the API takes either), or undefined. */
export function findLocation(nameOrId: unknown): Location | undefined {
  return OFFER.locations.find((l) => l.name === nameOrId || String(l.id) === String(nameOrId));
}

/** A location named in a request body, or `invalid_input` on that field. */
export function requireLocation(field: string, nameOrId: unknown): Location {
  const l = findLocation(nameOrId);
  if (!l) throw invalidInput(field, `location ${JSON.stringify(nameOrId)} not found`);
  return l;
}

/** A server type by name or id: only those Hetzner sells today (retired types are not listed). */
export function findServerType(nameOrId: unknown): ServerType | undefined {
  return OFFER.server_types.find((t) => t.name === nameOrId || String(t.id) === String(nameOrId));
}

/** Whether the type can be ordered in the location (listed there, available, not past its deprecation). */
export function orderableIn(type: ServerType, location: Location, now = new Date()): boolean {
  const entry = type.locations.find((l) => l.name === location.name);
  if (!entry?.available) return false;
  return entry.deprecation === null || new Date(entry.deprecation.unavailable_after) > now;
}

/**
 * An image by id, or by name and architecture (a system image's name serves
 * both architectures, one image each).
 */
export function findImage(idOrName: unknown, architecture?: string): Image | undefined {
  if (typeof idOrName === "number" || (typeof idOrName === "string" && /^\d+$/.test(idOrName))) {
    return OFFER.images.find((i) => i.id === Number(idOrName));
  }
  return OFFER.images.find(
    (i) => i.name === idOrName && (architecture === undefined || i.architecture === architecture),
  );
}

export function findIso(idOrName: unknown): Iso | undefined {
  return OFFER.isos.find((i) => i.name === idOrName || String(i.id) === String(idOrName));
}

/** The changelog entry Hetzner points to from the removed datacenter endpoints. */
export const DATACENTERS_ANNOUNCEMENT = "https://docs.hetzner.cloud/changelog#2026-06-02-datacenters-deprecated";

export function registerOffer(sim: Sim): void {
  sim.route("cloud", "GET", "/locations", (req) => paginate("locations", byName(OFFER.locations, req), req.query));
  sim.route("cloud", "GET", "/locations/:id", (req) => ok({ location: byId(OFFER.locations, req, "location") }));
  sim.route("cloud", "GET", "/server_types", (req) =>
    paginate("server_types", byName(OFFER.server_types, req), req.query),
  );
  sim.route("cloud", "GET", "/server_types/:id", (req) =>
    ok({ server_type: byId(OFFER.server_types, req, "server type") }),
  );
  sim.route("cloud", "GET", "/images", (req) => paginate("images", listImages(req), req.query));
  sim.route("cloud", "GET", "/images/:id", (req) => ok({ image: byId(OFFER.images, req, "image") }));
  sim.route("cloud", "GET", "/isos", (req) => paginate("isos", listIsos(req), req.query));
  sim.route("cloud", "GET", "/isos/:id", (req) => ok({ iso: byId(OFFER.isos, req, "iso") }));
  for (const path of ["/datacenters", "/datacenters/:id"]) {
    sim.route("cloud", "GET", path, () => {
      throw new ApiError(410, "deprecated_api_endpoint", "API functionality was removed", {
        announcement: DATACENTERS_ANNOUNCEMENT,
      });
    });
  }
}

/** A list filtered by `name`, in Hetzner's order (by ID). */
function byName<T extends { id: number; name: string | null }>(items: readonly T[], req: SimRequest): T[] {
  const name = req.query.get("name");
  return items.filter((i) => name === null || i.name === name).sort((a, b) => a.id - b.id);
}

function byId<T extends { id: number }>(items: readonly T[], req: SimRequest, what: string): T {
  const found = items.find((i) => String(i.id) === req.params.id);
  if (!found) throw notFound(what, req.params.id);
  return found;
}

/**
 * GET /images with Hetzner's filters: `name`, `architecture`, `type` and
 * `status` (each repeatable), `bound_to`, `label_selector`; deprecated images
 * only with `include_deprecated=true`.
 */
function listImages(req: SimRequest): Image[] {
  const q = req.query;
  const name = q.get("name");
  const archs = q.getAll("architecture");
  const types = q.getAll("type");
  const statuses = q.getAll("status");
  const includeDeprecated = q.get("include_deprecated") === "true";
  const boundTo = q.get("bound_to");
  const selector = q.get("label_selector");
  for (const a of archs)
    if (a !== "x86" && a !== "arm") throw invalidInput("architecture", `unknown architecture ${JSON.stringify(a)}`);
  const match = selector === null ? () => true : labelSelector(selector);
  const list = OFFER.images.filter(
    (i) =>
      (name === null || i.name === name) &&
      (archs.length === 0 || archs.includes(i.architecture)) &&
      (types.length === 0 || types.includes(i.type)) &&
      (statuses.length === 0 || statuses.includes(i.status)) &&
      (includeDeprecated || i.deprecated === null) &&
      // System images are bound to no server.
      boundTo === null &&
      match(i.labels),
  );
  return list.sort((a, b) => a.id - b.id);
}

/** GET /isos with `name` and `architecture` (plus `include_architecture_wildcard`). */
function listIsos(req: SimRequest): Iso[] {
  const name = req.query.get("name");
  const arch = req.query.get("architecture");
  const wildcard = req.query.get("include_architecture_wildcard") === "true";
  return OFFER.isos.filter(
    (i) =>
      (name === null || i.name === name) &&
      (arch === null || i.architecture === arch || (wildcard && i.architecture === null)),
  );
}
