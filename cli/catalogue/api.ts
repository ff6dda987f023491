/**
 * Reading Hetzner's offer and prices from its two APIs, for `all2all
 * catalogue refresh`: every answer is checked against a zod schema of the
 * fields used, and every problem is collected (endpoint, JSON path, message)
 * instead of thrown, so that one run lists them all.
 *
 * The schemas are facts taken from the official Go client's schema package
 * (hcloud-go v2.47.0, hcloud/schema/{location,server_type,image,pricing,
 * storage_box_type,deprecation,meta,error}.go): every field it names is known
 * here; fields this refresh reads are typed, the others accepted as they come.
 * A field the Go client does not know is a warning, never an error: Hetzner
 * adds fields without notice.
 *
 * Imports: zod and Node 20's global fetch only.
 */
import { z } from "zod";

/** The schema package the shapes below are taken from. */
export const SCHEMA_SOURCE = "hcloud-go v2.47.0";

/** Items per page asked for (Hetzner's maximum). */
const PER_PAGE = 50;
/** Pages followed per list at most: 5,000 entries, far more than Hetzner's offer. */
export const MAX_PAGES = 100;
/** Time allowed for one request. */
const TIMEOUT_MS = 30_000;

// ---------------------------------------------------------------------------
// Shapes of the answers (hcloud-go v2.47.0 hcloud/schema).

/** A field the refresh does not read: known (no warning), any value. */
const unused = z.unknown().optional();

/** Prices are decimal strings, e.g. "5.4900000000". */
const Decimal = z.string().regex(/^\d+(\.\d+)?$/, { error: 'a decimal number as a string, e.g. "5.4900"' });
/** schema.Price. */
const Price = z.strictObject({ net: Decimal, gross: Decimal });
/** time.Time as the API writes it (RFC 3339). */
const Time = z.iso.datetime({ offset: true, error: "a date and time (RFC 3339)" });
/** schema.DeprecationInfo, behind DeprecatableResource's pointer. */
const Deprecation = z.strictObject({ announced: Time, unavailable_after: Time }).nullable();
const Architecture = z.enum(["x86", "arm"]);

/** schema.MetaPagination. */
const Pagination = z.strictObject({
  page: z.number().int().positive(),
  per_page: unused,
  previous_page: unused,
  next_page: z.number().int().positive().nullable(),
  last_page: unused,
  total_entries: unused,
});
/** schema.Meta of list answers. */
const Meta = z.strictObject({ pagination: Pagination.nullable().optional() }).optional();

/** schema.Location. */
export const LocationSchema = z.strictObject({
  id: unused,
  name: z.string().min(1),
  description: unused,
  country: z.string().regex(/^[A-Z]{2}$/, { error: "a two-letter country code" }),
  city: z.string(),
  latitude: unused,
  longitude: unused,
  network_zone: z.string().min(1),
});

/** schema.PricingServerTypePrice (in server types and in the pricing). */
const ServerTypePrice = z.strictObject({
  location: z.string().min(1),
  price_hourly: Price,
  price_monthly: Price,
  /** Bytes per month. */
  included_traffic: z.number().int().nonnegative(),
  price_per_tb_traffic: unused,
});

/** schema.ServerTypeLocation. */
const ServerTypeLocation = z.strictObject({
  id: unused,
  name: z.string().min(1),
  recommended: unused,
  available: z.boolean(),
  deprecation: Deprecation.optional(),
});

/** schema.ServerType. */
export const ServerTypeSchema = z.strictObject({
  id: unused,
  name: z.string().min(1),
  description: unused,
  category: z.string(),
  cores: z.number().int().positive(),
  memory: z.number().positive(),
  disk: z.number().int().positive(),
  storage_type: z.string().min(1),
  cpu_type: z.enum(["shared", "dedicated"]),
  architecture: Architecture,
  included_traffic: unused,
  prices: z.array(ServerTypePrice),
  deprecated: unused,
  deprecation: Deprecation.optional(),
  locations: z.array(ServerTypeLocation),
});

/** schema.Image. */
export const ImageSchema = z.strictObject({
  id: unused,
  status: unused,
  type: z.string(),
  name: z.string().min(1).nullable(),
  description: unused,
  image_size: unused,
  disk_size: unused,
  created: unused,
  created_from: unused,
  bound_to: unused,
  os_flavor: z.string().min(1),
  os_version: z.string().nullable(),
  architecture: Architecture,
  rapid_deploy: unused,
  protection: unused,
  deprecated: Time.nullable(),
  deleted: unused,
  labels: unused,
});

/** schema.PricingPrimaryIPTypePrice (`datacenter` is deprecated and unused). */
const PrimaryIpPrice = z.strictObject({
  datacenter: unused,
  location: z.string().min(1),
  price_hourly: Price,
  price_monthly: Price,
});
/** schema.PricingFloatingIPTypePrice. */
const FloatingIpPrice = z.strictObject({ location: z.string().min(1), price_monthly: Price });

/** schema.Pricing. */
export const PricingSchema = z.strictObject({
  currency: z.string().min(1),
  vat_rate: Decimal,
  image: unused,
  floating_ip: unused,
  floating_ips: z.array(z.strictObject({ type: z.string(), prices: z.array(FloatingIpPrice) })),
  primary_ips: z.array(z.strictObject({ type: z.string(), prices: z.array(PrimaryIpPrice) })),
  traffic: unused,
  server_backup: z.strictObject({ percentage: Decimal }),
  server_types: unused,
  load_balancer_types: unused,
  volume: z.strictObject({ price_per_gb_month: Price }),
});

/** schema.StorageBoxTypePrice. */
const StorageBoxTypePrice = z.strictObject({
  location: z.string().min(1),
  price_hourly: Price,
  price_monthly: Price,
  setup_fee: Price,
});

/** schema.StorageBoxType. */
export const StorageBoxTypeSchema = z.strictObject({
  id: unused,
  name: z.string().min(1),
  description: unused,
  snapshot_limit: z.number().int().nonnegative().nullable(),
  automatic_snapshot_limit: unused,
  subaccounts_limit: z.number().int().nonnegative(),
  /** Bytes. */
  size: z.number().int().positive(),
  prices: z.array(StorageBoxTypePrice),
  deprecation: Deprecation.optional(),
});

export type ApiPrice = z.infer<typeof Price>;
export type ApiDeprecation = z.infer<typeof Deprecation>;
export type ApiLocation = z.infer<typeof LocationSchema>;
export type ApiServerType = z.infer<typeof ServerTypeSchema>;
export type ApiImage = z.infer<typeof ImageSchema>;
export type ApiPricing = z.infer<typeof PricingSchema>;
export type ApiStorageBoxType = z.infer<typeof StorageBoxTypeSchema>;

/** schema.ErrorResponse, as far as a message needs it. */
const ErrorBody = z.looseObject({ error: z.looseObject({ code: z.string(), message: z.string() }) });

// ---------------------------------------------------------------------------
// Reading.

/** One thing wrong with an answer, or worth a warning. */
export interface Finding {
  /** The request, e.g. `GET /server_types` or `GET /server_types?page=2`. */
  readonly endpoint: string;
  /** JSON path in the answer, e.g. `server_types[3].prices[0].price_monthly.net`; empty for the whole answer. */
  readonly path: string;
  readonly message: string;
}

export function formatFinding(f: Finding): string {
  return `${f.endpoint}${f.path === "" ? "" : ` ${f.path}`}: ${f.message}`;
}

/** An entry of a list answer, with where it came from (for messages about it). */
export interface Located<T> {
  readonly value: T;
  readonly endpoint: string;
  /** Its JSON path in that answer, e.g. `server_types[3]`. */
  readonly path: string;
}

/** The two APIs' base URLs, without a trailing slash. */
export interface Endpoints {
  readonly cloud: string;
  readonly hetzner: string;
}

/**
 * Reads answers with one API token, collecting problems (errors) and
 * warnings instead of throwing: one run reports everything.
 */
export class ApiReader {
  readonly problems: Finding[] = [];
  readonly warnings: Finding[] = [];

  constructor(
    private readonly token: string,
    private readonly endpoints: Endpoints,
  ) {}

  /** One answer of `path` on `api`, checked against `schema`; undefined when it is unusable (problems recorded). */
  async get<T>(api: keyof Endpoints, path: string, schema: z.ZodType<T>): Promise<T | undefined> {
    const endpoint = `GET ${path}`;
    const body = await this.fetchJson(api, path, endpoint);
    return body === undefined ? undefined : this.check(body, schema, endpoint);
  }

  /**
   * Every entry of a paginated list (`key` of each page), following
   * `meta.pagination.next_page` for at most {@link MAX_PAGES} pages; undefined
   * when a page is unusable (problems recorded).
   */
  async list<T>(
    api: keyof Endpoints,
    path: string,
    key: string,
    item: z.ZodType<T>,
  ): Promise<Located<T>[] | undefined> {
    const page = z.strictObject({ [key]: z.array(item), meta: Meta });
    const items: Located<T>[] = [];
    const sep = path.includes("?") ? "&" : "?";
    for (let n = 1; n <= MAX_PAGES; n++) {
      const endpoint = `GET ${path}${n === 1 ? "" : `${sep}page=${n}`}`;
      const body = await this.fetchJson(api, `${path}${sep}per_page=${PER_PAGE}&page=${n}`, endpoint);
      const answer = body === undefined ? undefined : this.check(body, page, endpoint);
      if (answer === undefined) return undefined;
      const entries = answer[key] as T[];
      for (const [i, value] of entries.entries()) items.push({ value, endpoint, path: `${key}[${i}]` });
      const meta = answer.meta as z.infer<typeof Meta>;
      const next = meta?.pagination?.next_page ?? null;
      if (next === null) return items;
      if (next <= n) {
        this.problems.push({
          endpoint,
          path: "meta.pagination.next_page",
          message: `${next} does not follow page ${n}`,
        });
        return undefined;
      }
      n = next - 1;
    }
    this.problems.push({
      endpoint: `GET ${path}`,
      path: "meta.pagination",
      message: `more than ${MAX_PAGES} pages: stopped following next_page`,
    });
    return undefined;
  }

  /**
   * The parsed JSON of a successful answer, or undefined with the problem recorded (HTTP error with Hetzner's message,
   * no JSON, no connection).
   */
  private async fetchJson(api: keyof Endpoints, path: string, endpoint: string): Promise<unknown> {
    const url = `${this.endpoints[api]}${path}`;
    let status: number;
    let text: string;
    try {
      const res = await fetch(url, {
        headers: { Authorization: `Bearer ${this.token}`, Accept: "application/json" },
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      status = res.status;
      text = await res.text();
    } catch (err) {
      const e = err as Error & { cause?: { message?: string } };
      this.problems.push({ endpoint, path: "", message: `no answer from ${url}: ${e.cause?.message ?? e.message}` });
      return undefined;
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      const shown = text.length > 200 ? `${text.slice(0, 200)}…` : text;
      this.problems.push({
        endpoint,
        path: "",
        message: `HTTP ${status}, and the answer is not JSON: ${JSON.stringify(shown)}`,
      });
      return undefined;
    }
    if (status < 200 || status > 299) {
      const error = ErrorBody.safeParse(body);
      const why = error.success
        ? `${error.data.error.code}: ${error.data.error.message}`
        : `(no Hetzner error in the answer) ${JSON.stringify(body).slice(0, 200)}`;
      this.problems.push({ endpoint, path: "", message: `HTTP ${status} ${why}` });
      return undefined;
    }
    return body;
  }

  /**
   * The answer if it matches the schema; fields unknown to the Go client are
   * warnings (the answer is still used), anything else is a problem.
   */
  private check<T>(body: unknown, schema: z.ZodType<T>, endpoint: string): T | undefined {
    const r = schema.safeParse(body, {
      reportInput: true,
      error: (iss) => (iss.input === undefined ? "missing" : undefined),
    });
    if (r.success) return r.data;
    let errors = 0;
    for (const issue of r.error.issues) {
      const where = jsonPath(issue.path);
      if (issue.code === "unrecognized_keys") {
        for (const k of issue.keys) {
          this.warnings.push({
            endpoint,
            path: where,
            message: `unknown field ${JSON.stringify(k)} (not in ${SCHEMA_SOURCE}'s schema), ignored`,
          });
        }
      } else {
        errors++;
        const got = "input" in issue && issue.input !== undefined ? ` (got ${shortJson(issue.input)})` : "";
        this.problems.push({ endpoint, path: where, message: `${issue.message}${got}` });
      }
    }
    // Only unknown fields: every known field matched, so the answer is usable as it is.
    return errors === 0 ? (body as T) : undefined;
  }
}

/** `server_types[3].prices[0].price_monthly.net` from zod's path. */
export function jsonPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const p of path) out += typeof p === "number" ? `[${p}]` : `${out === "" ? "" : "."}${String(p)}`;
  return out;
}

function shortJson(value: unknown): string {
  const s = JSON.stringify(value) ?? String(value);
  return s.length > 80 ? `${s.slice(0, 80)}…` : s;
}
