/**
 * What Hetzner charges, as the simulated Cloud API answers `GET /pricing`
 * (hcloud-go v2.47.0 schema.Pricing): currency and VAT rate, primary and
 * floating IPs per type and location, volumes and images per GB, server
 * backups as a percentage, the deprecated traffic and single floating IP
 * parts, and the server types' prices, which are the offer's own
 * (simulator/offer.json via ./offer): /pricing and /server_types agree.
 *
 * The figures are the fixture `simulator/pricing.json`; its keys starting
 * with `$` are notes for readers and are never served.
 *
 * Imports: ../core, ./offer, the fixture.
 */
import pricingFixture from "../pricing.json";
import { type Sim, ok } from "../core";
import { OFFER, type Price, type ServerTypePrice, withoutNotes } from "./offer";

/** One price of an IP type in one location. */
export interface IpPrice {
  readonly location: string;
  readonly price_monthly: Price;
}

/** The pricing as the API answers it. */
export interface Pricing {
  readonly currency: string;
  readonly vat_rate: string;
  readonly image: { readonly price_per_gb_month: Price };
  readonly floating_ip: { readonly price_monthly: Price };
  readonly floating_ips: readonly { readonly type: "ipv4" | "ipv6"; readonly prices: readonly IpPrice[] }[];
  readonly primary_ips: readonly {
    readonly type: "ipv4" | "ipv6";
    readonly prices: readonly (IpPrice & { readonly price_hourly: Price })[];
  }[];
  readonly traffic: { readonly price_per_tb: Price };
  readonly server_backup: { readonly percentage: string };
  readonly server_types: readonly {
    readonly id: number;
    readonly name: string;
    readonly prices: readonly ServerTypePrice[];
  }[];
  readonly load_balancer_types: readonly unknown[];
  readonly volume: { readonly price_per_gb_month: Price };
}

/** The pricing: the fixture's figures and the offer's server type prices (by ID, as /server_types lists them). */
export const PRICING: Pricing = {
  ...(withoutNotes(pricingFixture) as Omit<Pricing, "server_types">),
  server_types: [...OFFER.server_types]
    .sort((a, b) => a.id - b.id)
    .map((t) => ({ id: t.id, name: t.name, prices: t.prices })),
};

export function registerPricing(sim: Sim): void {
  sim.route("cloud", "GET", "/pricing", () => ok({ pricing: PRICING }));
}
