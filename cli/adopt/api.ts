/**
 * The Hetzner APIs as `all2all adopt` reads them: one GET (fetch, with the
 * bearer token), paginated lists, and everything that exists in a project.
 */
/** Which API: the Cloud API or the storage box API (api.hetzner.com). */
export type Api = "cloud" | "hetzner";
/** One GET of an API: status and parsed JSON body. */
export type ApiGet = (api: Api, route: string, query: Record<string, string>) => Promise<{ status: number; body: any }>;

/** The Cloud API, unless HCLOUD_ENDPOINT says otherwise. */
export const DEFAULT_CLOUD_ENDPOINT = "https://api.hetzner.cloud/v1";
/** The storage box API, unless HETZNER_ENDPOINT says otherwise. */
export const DEFAULT_HETZNER_ENDPOINT = "https://api.hetzner.com/v1";

/** GET through fetch, with the bearer token. */
export function fetchGet(env: Readonly<Record<string, string | undefined>>, token: string): ApiGet {
  const base = {
    cloud: env.HCLOUD_ENDPOINT || DEFAULT_CLOUD_ENDPOINT,
    hetzner: env.HETZNER_ENDPOINT || DEFAULT_HETZNER_ENDPOINT,
  };
  return async (api, route, query) => {
    const url = `${base[api].replace(/\/+$/, "")}${route}?${new URLSearchParams(query).toString()}`;
    const res = await fetch(url, { headers: { authorization: `Bearer ${token}`, accept: "application/json" } });
    const text = await res.text();
    let body: any;
    try {
      body = text === "" ? {} : JSON.parse(text);
    } catch {
      body = { error: { message: text.slice(0, 200) } };
    }
    return { status: res.status, body };
  };
}

/** An API call that answered an error (its message says which and why). */
export class ApiFailure extends Error {}

const MAX_PAGES = 200;

/** Every item of a paginated list (bounded). */
async function listAll(get: ApiGet, api: Api, route: string, key: string): Promise<any[]> {
  const items: any[] = [];
  for (let page = 1; page <= MAX_PAGES; page++) {
    const r = await get(api, route, { per_page: "50", page: String(page) });
    if (r.status !== 200) {
      const e = r.body?.error;
      throw new ApiFailure(
        `GET ${route} answered ${r.status}${e?.code ? ` ${e.code}` : ""}${e?.message ? `: ${e.message}` : ""}`,
      );
    }
    items.push(...((r.body?.[key] as any[] | undefined) ?? []));
    const next = r.body?.meta?.pagination?.next_page;
    if (next === null || next === undefined) return items;
  }
  throw new ApiFailure(`GET ${route}: more than ${MAX_PAGES} pages`);
}

/** What exists in the project, as the APIs list it. */
export interface Existing {
  readonly ssh_keys: any[];
  readonly networks: any[];
  readonly firewalls: any[];
  readonly placement_groups: any[];
  readonly servers: any[];
  readonly primary_ips: any[];
  readonly volumes: any[];
  readonly floating_ips: any[];
  readonly zones: any[];
  /** Record sets per zone id. */
  readonly rrsets: Map<number, any[]>;
  readonly storage_boxes: any[];
  /** Subaccounts per storage box id. */
  readonly subaccounts: Map<number, any[]>;
}

/** The Cloud API lists `adopt` matches, each at the route of its name. */
const CLOUD_LISTS = [
  "ssh_keys",
  "networks",
  "firewalls",
  "placement_groups",
  "servers",
  "primary_ips",
  "volumes",
  "floating_ips",
  "zones",
] as const;

/** Lists everything `adopt` matches: the Cloud resources, record sets per zone, storage boxes and subaccounts. */
export async function listExisting(get: ApiGet): Promise<Existing> {
  const cloud = (route: string, key: string) => listAll(get, "cloud", route, key);
  const [lists, storage_boxes] = await Promise.all([
    Promise.all(CLOUD_LISTS.map((key) => cloud(`/${key}`, key))),
    listAll(get, "hetzner", "/storage_boxes", "storage_boxes"),
  ]);
  const byKey = Object.fromEntries(CLOUD_LISTS.map((key, i) => [key, lists[i]!])) as Record<
    (typeof CLOUD_LISTS)[number],
    any[]
  >;
  const rrsets = new Map<number, any[]>();
  for (const z of byKey.zones) rrsets.set(z.id, await cloud(`/zones/${z.id}/rrsets`, "rrsets"));
  const subaccounts = new Map<number, any[]>();
  for (const b of storage_boxes)
    subaccounts.set(b.id, await listAll(get, "hetzner", `/storage_boxes/${b.id}/subaccounts`, "subaccounts"));
  return { ...byKey, rrsets, storage_boxes, subaccounts };
}
