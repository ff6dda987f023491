/**
 * What one resource costs per month, from its attributes as synthesised
 * (hcloud_server's server_type, location and backups; a primary IP's type
 * and location; a volume's size; …) and the catalogue's prices. One pricer
 * for `all2all cost`, the inventory, diff, plan-summary and the budget policy.
 *
 * Amounts are integers in ten-thousandths of a euro (the API's precision).
 */
import { toTenThousandths, type Catalogue } from "./catalogue";

export interface Charge {
  /** What is billed: "server cx33 in fsn1", "backups (20 %)", "volume 50 GB". */
  readonly what: string;
  readonly net: number;
  readonly gross: number;
  /** A price the catalogue marks as not read from an API answer. */
  readonly unverified?: boolean;
}

/** A resource type the catalogue has no price for (or whose price is missing): named, never counted as zero. */
export interface Unpriced {
  readonly reason: string;
}

/** The resource types that cost money by themselves (others, such as firewalls or networks, are free at Hetzner). */
export const PRICED_TYPES = [
  "hcloud_server",
  "hcloud_primary_ip",
  "hcloud_floating_ip",
  "hcloud_volume",
  "hcloud_storage_box",
] as const;

const str = (v: unknown): string | undefined => (typeof v === "string" && !v.includes("${") ? v : undefined);

function money(m: { net: string; gross: string }): { net: number; gross: number } {
  return { net: toTenThousandths(m.net), gross: toTenThousandths(m.gross) };
}

/** The server's monthly price and, with backups on, the backup charge. */
function serverCharges(c: Catalogue, attrs: Record<string, unknown>): Charge[] | Unpriced {
  const type = str(attrs.server_type);
  const location = str(attrs.location);
  if (!type || !location) return { reason: "server type or location not known before apply" };
  const t = c.server_types.find((s) => s.name === type);
  if (!t) return { reason: `server type ${type} is not in the catalogue` };
  const p = t.prices.find((x) => x.location === location);
  if (!p) return { reason: `no price of ${type} in ${location} in the catalogue` };
  const base = money(p.monthly);
  const out: Charge[] = [
    { what: `server ${type} in ${location}`, ...base, ...(p.unverified || t.unverified ? { unverified: true } : {}) },
  ];
  if (attrs.backups === true) {
    const pct = toTenThousandths(c.server_backups.percentage); // percent × 10,000
    out.push({
      what: `backups (${c.server_backups.percentage} %)`,
      net: Math.round((base.net * pct) / 1_000_000),
      gross: Math.round((base.gross * pct) / 1_000_000),
      ...(c.server_backups.unverified ? { unverified: true } : {}),
    });
  }
  return out;
}

/** The monthly charge of a primary or floating IP of `family` in `location`, or why it has no price. */
function ipCharges(
  kind: "primary" | "floating",
  prices: readonly { type: string; location: string; monthly: { net: string; gross: string } }[],
  family: string | undefined,
  location: string | undefined,
  unverified: string | undefined,
): Charge[] | Unpriced {
  const p = prices.find((x) => x.type === family && x.location === location);
  if (!p) return { reason: `no price of a ${kind} ${family ?? "?"} in ${location ?? "?"} in the catalogue` };
  return [
    { what: `${kind} ${family} in ${location}`, ...money(p.monthly), ...(unverified ? { unverified: true } : {}) },
  ];
}

/** The monthly charges of one resource, [] for a free one, or why it cannot be priced. */
export function priceResource(c: Catalogue, type: string, attrs: Record<string, unknown>): Charge[] | Unpriced {
  switch (type) {
    case "hcloud_server":
      return serverCharges(c, attrs);
    case "hcloud_primary_ip":
      return ipCharges("primary", c.primary_ips, str(attrs.type), str(attrs.location), c.primary_ips_unverified);
    case "hcloud_floating_ip":
      // The catalogue notes one verification for both kinds of IP prices: primary_ips_unverified.
      return ipCharges("floating", c.floating_ips, str(attrs.type), str(attrs.home_location), c.primary_ips_unverified);
    case "hcloud_volume": {
      const size = typeof attrs.size === "number" ? attrs.size : undefined;
      if (size === undefined) return { reason: "volume size not known before apply" };
      const per = money(c.volumes.price_per_gb_month);
      return [
        {
          what: `volume ${size} GB`,
          net: per.net * size,
          gross: per.gross * size,
          ...(c.volumes.unverified ? { unverified: true } : {}),
        },
      ];
    }
    case "hcloud_storage_box": {
      const boxType = str(attrs.storage_box_type);
      const location = str(attrs.location);
      const t = c.storage_box_types.find((x) => x.name === boxType);
      const p = t?.prices.find((x) => x.location === location);
      if (!t || !p)
        return { reason: `no price of storage box ${boxType ?? "?"} in ${location ?? "?"} in the catalogue` };
      return [
        {
          what: `storage box ${boxType} in ${location}`,
          ...money(p.monthly),
          ...(t.unverified ? { unverified: true } : {}),
        },
      ];
    }
    default:
      return [];
  }
}

export const isUnpriced = (r: Charge[] | Unpriced): r is Unpriced => !Array.isArray(r);

/** The sum of some charges. */
export function total(charges: readonly Pick<Charge, "net" | "gross">[]): { net: number; gross: number } {
  return charges.reduce((a, ch) => ({ net: a.net + ch.net, gross: a.gross + ch.gross }), { net: 0, gross: 0 });
}
