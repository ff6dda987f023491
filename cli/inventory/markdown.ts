/**
 * The inventory as Markdown: one section per environment, readable tables
 * (servers, addresses, volumes and backups, networks, firewalls, zones and
 * their record sets, storage boxes, secrets to set), each row naming the
 * stack that owns it. Deterministic: the same description gives the same
 * bytes (docs/inventory.md is compared with a fresh rendering by a test).
 * The servers' tables are in ./markdown-servers, the Markdown syntax in
 * ./markdown-blocks.
 */
import type { Inventory, InventoryValue, InventoryZone } from "./items";
import { formatEuros } from "../../catalogue/catalogue";
import { inventoryCost } from "./cost";
import { code, list, shorten, table, yesNo } from "./markdown-blocks";
import { renderServers } from "./markdown-servers";

function recordValue(v: InventoryValue): string {
  if (v.kind === "text") return code(shorten(v.text));
  return v.value !== undefined ? `${code(v.value)} (${code(v.ref)})` : code(v.ref);
}

/** One environment's section: its stacks, then what each stack holds, its cost and its secrets. */
function renderEnvironment(inv: Inventory): string[] {
  return [
    ...renderOverview(inv),
    ...renderServers(inv),
    ...renderNetworks(inv),
    ...renderFirewalls(inv),
    ...renderGroupsAndKeys(inv),
    ...renderZones(inv),
    ...renderStorage(inv),
    ...renderCost(inv),
    ...renderSecrets(inv),
  ];
}

/** The environment's location, state and addresses, and its stacks. */
function renderOverview(inv: Inventory): string[] {
  const env = inv.environment;
  return [
    `## Environment ${env.name}`,
    "",
    `- Location: ${env.location} (network zone ${env.network_zone}); ` +
      `${env.protect ? "protected (delete protection and `prevent_destroy` on stateful resources)" : "not protected"}.`,
    `- State: ${env.state}.`,
    `- Public addresses: ${inv.addresses.source}.`,
    "",
    "### Stacks",
    "",
    `\`all2all plan|deploy --env ${env.name}\` runs each stack after the ` +
      `stacks whose outputs it reads (docs/deploy.md).`,
    "",
    ...table(
      ["stack", "holds", "after", "resources"],
      inv.stacks.map((s) => [
        code(s.name),
        s.holds,
        s.after.length > 0 ? s.after.map(code).join(", ") : "—",
        String(s.resources),
      ]),
    ),
  ];
}

/** The private networks, their subnets and routes. */
function renderNetworks(inv: Inventory): string[] {
  const parts = inv.networks.flatMap((n) => [
    ...n.subnets.map((s) => [n.name, "subnet", s.ip_range, "—", code(n.stack), code(s.resource)]),
    ...n.routes.map((r) => [n.name, "route", r.destination, r.gateway, code(n.stack), code(r.resource)]),
  ]);
  return [
    ...tableSection(
      "### Networks",
      ["network", "IP range", "zone", "servers", "stack", "resource"],
      inv.networks.map((n) => [
        n.name,
        n.ip_range,
        n.zone,
        list(n.servers.map((s) => (s.ip !== undefined ? `${s.server} ${s.ip}` : s.server))),
        code(n.stack),
        code(n.resource),
      ]),
    ),
    ...(parts.length === 0
      ? []
      : tableSection(
          "#### Subnets and routes",
          ["network", "kind", "range or destination", "gateway", "stack", "resource"],
          parts,
        )),
  ];
}

/** The firewall policies and their rules. */
function renderFirewalls(inv: Inventory): string[] {
  return [
    "### Firewall policies",
    "",
    "A policy applies to the servers carrying its label; Hetzner firewalls filter public interfaces only.",
    "",
    ...table(
      ["policy", "description", "servers", "label", "rules", "stack", "resource"],
      inv.firewall_policies.map((f) => [
        f.name,
        f.description ?? "—",
        list(f.servers, "none"),
        code(f.applies_to),
        String(f.rules.length),
        code(f.stack),
        code(f.resource),
      ]),
    ),
    ...tableSection(
      "#### Firewall rules",
      ["policy", "direction", "protocol", "port", "from / to", "description"],
      inv.firewall_policies.flatMap((f) =>
        f.rules.map((r) => [
          f.name,
          r.direction,
          r.protocol,
          r.port ?? "—",
          r.addresses.join(", "),
          r.description ?? "—",
        ]),
      ),
    ),
  ];
}

/** The placement groups and the operators' SSH keys, when there are any. */
function renderGroupsAndKeys(inv: Inventory): string[] {
  if (inv.placement_groups.length === 0 && inv.ssh_keys.length === 0) return [];
  return tableSection(
    "### Placement groups and SSH keys",
    ["kind", "name", "details", "stack", "resource"],
    [
      ...inv.placement_groups.map((g) => [
        "placement group",
        g.name,
        `${g.type}: ${list(g.servers, "no servers")}`,
        code(g.stack),
        code(g.resource),
      ]),
      ...inv.ssh_keys.map((k) => [
        "SSH key",
        k.name,
        `${k.type} ${code(k.fingerprint)}`,
        code(k.stack),
        code(k.resource),
      ]),
    ],
  );
}

/** A heading, a blank line, then a table. */
function tableSection(heading: string, header: string[], rows: string[][]): string[] {
  return [heading, "", ...table(header, rows)];
}

/** A zone's name, with its Unicode form when that differs. */
function zoneTitle(z: InventoryZone): string {
  return z.unicode_name !== z.name ? `${z.name} (${z.unicode_name})` : z.name;
}

/** The zones, then the record sets of each. */
function renderZones(inv: Inventory): string[] {
  return [
    ...tableSection(
      "### DNS zones",
      ["zone", "mode", "TTL", "served from", "record sets", "stack", "resource", "import id"],
      inv.zones.map((z) => [
        zoneTitle(z),
        z.mode,
        String(z.ttl),
        z.primary
          ? `hidden primary ${z.primary.server} (port ${z.primary.port}, TSIG ` +
            `key ${z.primary.tsig_key}), secondaries ${list(z.primary.secondaries)}`
          : "Hetzner (records are resources)",
        String(z.record_sets.length),
        code(z.stack),
        code(z.resource),
        code(z.import_id),
      ]),
    ),
    ...inv.zones.flatMap((z) => renderRecords(inv, z)),
  ];
}

/** The record sets of one zone; for a secondary zone, where they are served from. */
function renderRecords(inv: Inventory, z: InventoryZone): string[] {
  const secondary =
    z.mode !== "secondary"
      ? []
      : [
          `Secondary zone: these records are rendered into the zone file of the hidden primary ${z.primary!.server} ` +
            (`(\`all2all zonefile --env ${inv.environment.name}\`, docs/dns.md), which ` +
              `Hetzner transfers; they are not resources of ${code(z.stack)}.`),
          "",
        ];
  const head = [`#### Records of ${zoneTitle(z)}`, "", ...secondary];
  if (z.record_sets.length === 0) return [...head, "No record sets besides the SOA and the apex NS.", ""];
  const primary = z.mode === "primary";
  return [
    ...head,
    ...table(
      primary ? ["name", "type", "TTL", "values", "resource", "import id"] : ["name", "type", "TTL", "values"],
      z.record_sets.map((rs) => {
        const row = [rs.name, rs.type, String(rs.ttl), rs.values.map(recordValue).join("<br>")];
        return primary ? [...row, code(rs.resource!), code(rs.import_id!)] : row;
      }),
    ),
  ];
}

/** The storage boxes and their subaccounts. */
function renderStorage(inv: Inventory): string[] {
  if (inv.storage_boxes.length === 0) return ["### Storage boxes", "", "None.", ""];
  return [
    ...tableSection(
      "### Storage boxes",
      ["box", "type", "location", "access", "snapshots", "host name", "stack", "resource"],
      inv.storage_boxes.map((b) => [
        b.name,
        b.type,
        b.location,
        b.access.join(", "),
        b.snapshot_plan,
        `output ${code(b.host_output)}`,
        code(b.stack),
        code(b.resource),
      ]),
    ),
    ...tableSection(
      "#### Subaccounts",
      ["box", "subaccount", "server", "home directory", "read-only", "access", "resource"],
      inv.storage_boxes.flatMap((b) =>
        b.subaccounts.map((s) => [
          b.name,
          s.name,
          s.server ?? `— (${s.description ?? "service account"})`,
          s.home_directory,
          yesNo(s.readonly),
          s.access.join(", "),
          code(s.resource),
        ]),
      ),
    ),
  ];
}

/** The monthly cost by stack. */
function renderCost(inv: Inventory): string[] {
  const cost = inventoryCost(inv);
  return [
    "### Monthly cost",
    "",
    `**${formatEuros(cost.gross)} per month, VAT included (${formatEuros(cost.net)} ` +
      `net)**, estimated from the catalogue of ${cost.taken} ` +
      (`(\`all2all cost --env ${inv.environment.name}\` lists every ` +
        `charge)${cost.unverified ? "; some of its prices are not verified against the API yet" : ""}:`),
    "",
    ...table(
      ["stack", "net", "gross (VAT included)"],
      cost.stacks
        .filter((s) => s.resources.length > 0)
        .map((s) => [code(s.name), formatEuros(s.net), formatEuros(s.gross)]),
    ),
  ];
}

/** The secrets to set in the shell that deploys. */
function renderSecrets(inv: Inventory): string[] {
  return [
    "### Secrets to set",
    "",
    "Sensitive variables of the stacks, set in the shell that runs `all2all " +
      "plan|deploy` (never in config); with `HCLOUD_TOKEN`" +
      (inv.environment.state.startsWith("s3") ? ", `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`" : "") +
      ". See docs/deploy.md.",
    "",
    ...(inv.variables.length === 0
      ? ["None.", ""]
      : table(
          ["environment variable", "stack", "for"],
          inv.variables.map((v) => [code(v.env_var), code(v.stack), v.purpose]),
        )),
  ];
}

/** The whole document: a header, then one section per environment. */
export function renderInventoryMarkdown(inventories: readonly Inventory[]): string {
  const names = inventories.map((i) => i.environment.name);
  const lines = [
    "# Inventory",
    "",
    `<!-- Generated by \`all2all inventory --format md\`: do not edit. docs/inventory.md is \`npm run ` +
      `inventory\` (environment production); a test fails when it is stale. -->`,
    "",
    `What the stacks ` +
      `of ${names.length === 1 ? `the environment ${names[0]}` : `the environments ${names.join(", ")}`} hold, ` +
      `read from the network description ` +
      ("(`config/`, docs/config.md) without any access to Hetzner: every server, " +
        "network, firewall policy, zone and record set, storage box, ") +
      ("with the stack that owns it and its Terraform address " +
        "(`<type>.<name>` in `cdktf.out/stacks/<stack>/cdk.tf.json`). ") +
      "Regenerate it with `all2all inventory`; never edit it by hand.",
    "",
  ];
  for (const inv of inventories) lines.push(...renderEnvironment(inv));
  while (lines[lines.length - 1] === "") lines.pop();
  return `${lines.join("\n")}\n`;
}
