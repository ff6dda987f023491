/** What a reviewer reads of a created or destroyed resource: {@link summaryAttributes}. */
import { type Path, type ShowContext, showValue } from "../values";
import type { Body } from "./common";
import { isLinked, listOfBlocks } from "./hetzner";

/**
 * The attributes a reviewer checks on a created or destroyed resource, per type; other types show a few identifying
 * ones.
 */
const SUMMARY_KEYS: Readonly<Record<string, readonly string[]>> = {
  hcloud_server: [
    "name",
    "server_type",
    "location",
    "image",
    "ipv4_address",
    "ipv6_address",
    "firewall_ids",
    "placement_group_id",
  ],
  hcloud_primary_ip: ["name", "type", "location", "auto_delete", "assignee_id", "ip_address"],
  hcloud_floating_ip: ["name", "type", "home_location", "server_id", "ip_address"],
  hcloud_floating_ip_assignment: ["floating_ip_id", "server_id"],
  hcloud_rdns: ["dns_ptr", "ip_address", "server_id", "primary_ip_id", "floating_ip_id", "load_balancer_id"],
  hcloud_volume: ["name", "size", "location", "server_id"],
  hcloud_volume_attachment: ["volume_id", "server_id"],
  hcloud_server_network: ["server_id", "network_id", "subnet_id", "ip"],
  hcloud_firewall: ["name"],
  hcloud_firewall_attachment: ["firewall_id", "server_ids", "label_selectors"],
  hcloud_zone: ["name", "mode", "ttl"],
  hcloud_zone_rrset: ["zone", "name", "type", "ttl"],
  hcloud_zone_record: ["zone", "name", "type", "value"],
};
const DEFAULT_SUMMARY_KEYS = [
  "name",
  "type",
  "server_type",
  "location",
  "home_location",
  "ip_range",
  "mode",
  "size",
  "storage_box_type",
  "ttl",
  "zone",
  "records",
  "value",
];

/**
 * `in tcp 22 from ["0.0.0.0/0", "::/0"] description "SSH"`: one firewall rule as shown (values masked as everywhere).
 */
function ruleSummary(rule: Body, index: number, ctx: ShowContext): string {
  const at = (k: string): Path => ["rule", index, k];
  const word = (k: string): string | undefined => {
    const v = rule[k];
    if (v === undefined || v === null || v === "") return undefined;
    return typeof v === "string" && /^[A-Za-z0-9-]+$/.test(v) ? v : showValue(v, at(k), ctx);
  };
  const parts = [word("direction") ?? "(no direction)", word("protocol") ?? "(no protocol)"];
  const port = word("port");
  if (port !== undefined) parts.push(port);
  const ips = (k: string, label: string): void => {
    const v = rule[k];
    if (v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0))
      parts.push(`${label} ${showValue(v, at(k), ctx)}`);
  };
  ips("source_ips", "from");
  ips("destination_ips", "to");
  if (typeof rule.description === "string" && rule.description !== "")
    parts.push(`description ${showValue(rule.description, at("description"), ctx)}`);
  return `rule ${parts.join(" ")}`;
}

/**
 * A server's public addresses: `public IPv4 "${hcloud_primary_ip.web-1-ipv4.id}"`, `public IPv4 auto-created`, `no
 * public IPv6`.
 */
function publicNetSummary(body: Body, ctx: ShowContext): string[] {
  const blocks = listOfBlocks(body.public_net);
  const out: string[] = [];
  for (const family of ["ipv4", "ipv6"] as const) {
    const label = `public ${family === "ipv4" ? "IPv4" : "IPv6"}`;
    if (blocks.length === 0) {
      out.push(`${label} auto-created (no public_net: it dies with the server)`);
      continue;
    }
    blocks.forEach((b, i) => {
      const id = b[family];
      if (b[`${family}_enabled`] === false) out.push(`no ${label}`);
      else if (isLinked(id)) out.push(`${label} ${showValue(id, ["public_net", i, family], ctx)}`);
      else out.push(`${label} auto-created (no primary IP linked: it dies with the server)`);
    });
  }
  return out;
}

/**
 * What a reviewer checks on a created or destroyed resource, as shown
 * (masked like every value; references shown as the reference): a server's
 * type, location, image, public addresses, firewalls, placement group and
 * private networks; a firewall's targets and every rule; an rDNS record's
 * name, address and where the address comes from; a record set's values.
 */
export function summaryAttributes(type: string, body: Body | undefined, ctx: ShowContext): string[] {
  if (body === undefined) return [];
  const keys = SUMMARY_KEYS[type];
  const out: string[] = [];
  const has = (k: string): boolean => Object.hasOwn(body, k) && body[k] !== null && body[k] !== undefined;
  const at = (k: string): void => {
    if (has(k)) out.push(`${k} ${showValue(body[k], [k], ctx)}`);
  };
  if (keys === undefined) {
    for (const k of DEFAULT_SUMMARY_KEYS) at(k);
    return out.slice(0, 5);
  }
  for (const k of keys) {
    at(k);
    // A server's addresses right after what it is (name, type, location, image).
    if (type === "hcloud_server" && k === "image") out.push(...publicNetSummary(body, ctx));
  }
  if (type === "hcloud_server") {
    listOfBlocks(body.network).forEach((n, i) => {
      const where = ["network_id", "subnet_id"]
        .filter((k) => isLinked(n[k]))
        .map((k) => `${k} ${showValue(n[k], ["network", i, k], ctx)}`);
      if (isLinked(n.ip)) where.push(`ip ${showValue(n.ip, ["network", i, "ip"], ctx)}`);
      out.push(`network ${where.join(" ")}`.trimEnd());
    });
  }
  if (type === "hcloud_firewall") {
    listOfBlocks(body.apply_to).forEach((a, i) => {
      for (const k of ["label_selector", "server"])
        if (isLinked(a[k])) out.push(`applies to ${k} ${showValue(a[k], ["apply_to", i, k], ctx)}`);
    });
    const rules = listOfBlocks(body.rule);
    if (rules.length === 0) out.push("no rules");
    for (const [i, r] of rules.entries()) out.push(ruleSummary(r, i, ctx));
  }
  if (type === "hcloud_zone_rrset") {
    const records = listOfBlocks(body.records);
    out.push(`records [${records.map((r, i) => showValue(r.value, ["records", i, "value"], ctx)).join(", ")}]`);
  }
  if (type === "hcloud_zone") {
    const primaries = listOfBlocks(body.primary_nameservers);
    if (primaries.length > 0)
      out.push(
        `primary_nameservers ` +
          `[${primaries.map((p, i) => showValue(p.address, ["primary_nameservers", i, "address"], ctx)).join(", ")}]`,
      );
  }
  return out;
}
