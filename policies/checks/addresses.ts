/**
 * Public addresses: primary IPs that outlive their server, IPv4 only where
 * the role needs it, and forward-confirmed reverse DNS for primary and
 * floating IPs.
 */
import { firstBlock, isExpression } from "../environment-model";
import { RULE } from "../rules";
import { describe, itemName, list, roleOf, rolePolicy, type ResourceCheck } from "./shared";

/** A canonical value as people read it: `hcloud_primary_ip.web-1-ipv4.ip_address`, a literal as is. */
function showValue(canonical: string): string {
  if (canonical.startsWith("lit:")) return canonical.slice(4);
  if (canonical.startsWith("ref:")) return canonical.slice(4);
  return canonical.replace(/\$\{|\}/g, "").replace(/[A-Za-z0-9_-]+\/(hcloud_)/g, "$1");
}

export const publicIpPrimary: ResourceCheck = {
  types: ["hcloud_server", "hcloud_primary_ip"],
  check(entry, model, report) {
    if (entry.type === "hcloud_primary_ip") {
      if (entry.body.auto_delete === false) return;
      report(
        RULE.publicIpPrimary,
        `primary IP ${entry.name} (${entry.address} in ${entry.stackName}) has ` +
          `auto_delete ${entry.body.auto_delete === true ? "true" : "unset"}: the address would be deleted with ` +
          `its server, and with it its reverse DNS, its reputation and every allowlist naming it. Set auto_delete ` +
          `= false (the Server construct does).`,
      );
      return;
    }
    const net = firstBlock(entry.body.public_net);
    if (net === undefined) {
      report(
        RULE.publicIpPrimary,
        `${describe(entry, "server")} has no public_net block: Hetzner then creates an IPv4 and an IPv6 that are ` +
          `deleted with the server, and linking a primary IP later deletes them. Link explicit hcloud_primary_ip ` +
          `resources in public_net (the Server construct does).`,
      );
      return;
    }
    for (const family of ["ipv4", "ipv6"] as const) {
      if (net[`${family}_enabled`] === false) continue;
      const value = net[family];
      const linked =
        model.target(value, entry.stackName)?.entry.type === "hcloud_primary_ip" ||
        (value !== undefined && value !== null && !isExpression(value) && /^[1-9][0-9]*$/.test(String(value)));
      if (linked) continue;
      const now = value === undefined || value === null ? "is unset" : `is ${JSON.stringify(value)}`;
      report(
        RULE.publicIpPrimary,
        `${describe(entry, "server")} has public ${family.toUpperCase()} enabled without a primary IP ` +
          `(public_net.${family} ${now}): ` +
          `Hetzner auto-creates an address that dies with the server, and linking a primary IP later deletes it. ` +
          `Link an hcloud_primary_ip with auto_delete = false (the Server construct does), or ` +
          `set ${family}_enabled = false.`,
      );
    }
  },
};

export const publicIpv4Role: ResourceCheck = {
  types: ["hcloud_server"],
  check(entry, _model, report) {
    const net = firstBlock(entry.body.public_net);
    if (net !== undefined && net.ipv4_enabled === false) return;
    const role = roleOf(entry);
    if (rolePolicy(role)?.ipv4Reason !== undefined) return;
    report(
      RULE.publicIpv4Role,
      `${describe(entry, "server")} has a public IPv4 but its ` +
        `role ${role === undefined ? "(none)" : `"${role}"`} does not need one (policies/roles.ts): an IPv4 costs ` +
        `money and widens the attack surface, and IPv6 reaches the other servers and most clients. Set ` +
        `public.ipv4: false in config, or give the role its reason for IPv4 in policies/roles.ts.`,
    );
  },
};

export const reverseDns: ResourceCheck = {
  types: ["hcloud_primary_ip", "hcloud_floating_ip"],
  check(entry, model, report) {
    const floating = entry.type === "hcloud_floating_ip";
    const rule = floating ? RULE.rdnsForwardFloating : RULE.rdnsForward;
    const family = entry.body.type === "ipv4" ? "ipv4" : "ipv6";
    const recordType = family === "ipv4" ? "A" : "AAAA";
    const what = `${floating ? "floating" : "primary"} IP ${entry.name} (${entry.address} in ${entry.stackName})`;
    const owner = itemName(entry.subject);
    const configField = floating ? `servers[${owner}].floating_ip.rdns` : `servers[${owner}].public.rdns.${family}`;
    const entries = model.reverseDnsOf(entry);
    if (entries.length === 0) {
      report(
        rule,
        `${what} of ${entry.subject} has no reverse DNS: it answers with Hetzner's generic name, which mail ` +
          `receivers and log readers distrust. Set ${configField} in config to a name with a ` +
          `matching ${recordType} record.`,
      );
      return;
    }
    for (const rdns of entries) {
      const ptr = rdns.body.dns_ptr;
      if (typeof ptr !== "string" || isExpression(ptr)) continue;
      const address = model.canonical(rdns.body.ip_address, rdns.stackName);
      const zone = model.zoneHolding(ptr);
      if (zone === undefined) {
        report(
          rule,
          `${what} of ${entry.subject} has reverse DNS ${ptr}, which is in no zone of environment ${model.name}, ` +
            `so no forward record can confirm it: use a name in one of the environment's zones ` +
            `(${[...model.zones.keys()].sort().join(", ") || "none"}), or add that zone.`,
        );
        continue;
      }
      const { sets, names } = model.lookup(ptr, recordType);
      if (sets.some((s) => s.canonical.includes(address))) continue;
      const relative = ptr.toLowerCase() === zone.name ? "@" : ptr.toLowerCase().slice(0, -zone.name.length - 1);
      const followed = names.length > 1 ? ` (followed ${names.join(" → ")})` : "";
      const found =
        sets.length === 0
          ? `${ptr} has no ${recordType} record${followed}`
          : `${names[names.length - 1]} ` +
            `has ${recordType} ${list(sets.flatMap((s) => s.canonical.map(showValue)))}, ` +
            `not this address${followed}`;
      const fix = floating
        ? `point an ${recordType} record at the floating address or change ${configField}`
        : `add { name: "${relative}", type: ${recordType}, values: ` +
          `[${owner}.${family}] } to zone ${zone.name}, or change ${configField}`;
      report(
        rule,
        `${what} of ${entry.subject} has reverse DNS ${ptr}, but ${found}: forward-confirmed ` +
          `reverse DNS fails (mail from it is scored as spam). Fix: ${fix}.`,
      );
    }
  },
};
