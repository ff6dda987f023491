/**
 * The inventory as Markdown: one section per environment, readable tables
 * (servers, addresses, volumes and backups, networks, firewalls, zones and
 * their record sets, storage boxes, secrets to set), each row naming the
 * stack that owns it. Deterministic: the same description gives the same
 * bytes (docs/inventory.md is compared with a fresh rendering by a test).
 */
import { stackName, type Inventory, type InventoryServer, type InventoryValue, type PublicAddress } from "./model";
import { formatEuros } from "../../catalogue/catalogue";
import { inventoryCost } from "./cost";

/** Values longer than this are shortened in tables (the JSON format keeps them whole). */
export const MAX_VALUE_CHARS = 80;

/** One table cell: `|` escaped, line breaks as spaces. */
function cell(text: string): string {
  return text.replace(/\r?\n/g, " ").replace(/\|/g, "\\|");
}

/** Inline code: the text as is, in a code span wide enough for its backticks. */
function code(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longest + 1);
  const pad = text.startsWith("`") || text.endsWith("`") ? " " : "";
  return `${fence}${pad}${text}${pad}${fence}`;
}

function table(header: string[], rows: string[][]): string[] {
  const lines = [`| ${header.join(" | ")} |`, `|${header.map(() => "---").join("|")}|`];
  for (const row of rows)
    lines.push(
      `| ${row
        .map((c) => (c === "" ? " " : c))
        .map(cell)
        .join(" | ")} |`,
    );
  return lines;
}

function list(items: readonly string[], none = "—"): string {
  return items.length === 0 ? none : items.join(", ");
}

function yesNo(value: boolean): string {
  return value ? "yes" : "no";
}

function shorten(text: string): string {
  if (text.length <= MAX_VALUE_CHARS) return text;
  return `${text.slice(0, MAX_VALUE_CHARS - 20)}… (${text.length} characters)`;
}

function recordValue(v: InventoryValue): string {
  if (v.kind === "text") return code(shorten(v.text));
  return v.value !== undefined ? `${code(v.value)} (${code(v.ref)})` : code(v.ref);
}

function publicAddress(server: InventoryServer, family: "ipv4" | "ipv6"): string {
  const a = server.public.find((p) => p.family === family);
  if (!a) return "none";
  return a.value !== undefined ? code(a.value) : `output ${code(a.output)}`;
}

function reverseDns(addresses: readonly PublicAddress[]): string {
  const named = addresses.filter((a) => a.reverse_dns !== undefined);
  if (named.length === 0) return "Hetzner's default";
  if (named.length === addresses.length && new Set(named.map((a) => a.reverse_dns)).size === 1) {
    return named[0]!.reverse_dns!;
  }
  return named.map((a) => `${a.family}: ${a.reverse_dns}`).join(", ");
}

/** Lines, and a function that appends to them: each section renders into its own. */
function section(): [string[], (...more: string[]) => void] {
  const out: string[] = [];
  return [out, (...more: string[]) => void out.push(...more)];
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
    ...renderCostAndSecrets(inv),
  ];
}

/** The environment's location, state and addresses, and its stacks. */
function renderOverview(inv: Inventory): string[] {
  const env = inv.environment;
  const [out, p] = section();
  p(`## Environment ${env.name}`, "");
  p(
    `- Location: ${env.location} (network zone ${env.network_zone}); ${env.protect ? "protected (delete protection and `prevent_destroy` on stateful resources)" : "not protected"}.`,
    `- State: ${env.state}.`,
    `- Public addresses: ${inv.addresses.source}.`,
    "",
  );

  p(
    "### Stacks",
    "",
    `\`all2all plan|deploy --env ${env.name}\` runs each stack after the stacks whose outputs it reads (docs/deploy.md).`,
    "",
  );
  p(
    ...table(
      ["stack", "holds", "after", "resources"],
      inv.stacks.map((s) => [
        code(s.name),
        s.holds,
        s.after.length > 0 ? s.after.map(code).join(", ") : "—",
        String(s.resources),
      ]),
    ),
    "",
  );

  return out;
}

/** The servers, their addresses, volumes and storage, and every address of each. */
function renderServers(inv: Inventory): string[] {
  const [out, p] = section();
  const serversStack = stackName(inv.environment.name, "servers");
  p("### Servers", "");
  p(
    ...table(
      [
        "server",
        "role",
        "type",
        "image",
        "location",
        "placement group",
        "firewalls",
        "Hetzner backups",
        "stack",
        "resource",
      ],
      inv.servers.map((s) => [
        s.name,
        s.role,
        s.type,
        s.image,
        s.location,
        s.placement_group ?? "—",
        list(s.firewalls),
        yesNo(s.backups),
        code(s.stack),
        code(s.resource) +
          (s.import_id !== undefined ? ` (adopted: import id ${s.import_id})` : "") +
          (s.allow_rebuild ? " (allow_rebuild)" : ""),
      ]),
    ),
    "",
  );

  p("#### Addresses", "");
  if (!inv.addresses.known) {
    p(
      "Public addresses exist once the servers stack is applied: `output X` is the output of " +
        `${code(serversStack)} holding it (\`all2all output --env ${inv.environment.name} --stack servers\` prints them all, or ` +
        `\`all2all inventory --addresses FILE\` with that command's \`--format json\` saved to FILE).`,
      "",
    );
  }
  p(
    ...table(
      ["server", "public IPv4", "public IPv6", "reverse DNS", "floating IP", "private networks", "stack"],
      inv.servers.map((s) => [
        s.name,
        publicAddress(s, "ipv4"),
        publicAddress(s, "ipv6"),
        reverseDns(s.public),
        s.floating_ip
          ? `${s.floating_ip.type}${s.floating_ip.reverse_dns ? `, reverse DNS ${s.floating_ip.reverse_dns}` : ""} (${code(s.floating_ip.resource)})`
          : "—",
        list(s.private.map((n) => (n.ip !== undefined ? `${n.network} ${n.ip}` : `${n.network} (assigned)`))),
        code(s.stack),
      ]),
    ),
    "",
  );

  p("#### Volumes and backup storage", "");
  p(
    ...table(
      ["server", "volumes", "storage subaccount", "stacks"],
      inv.servers.map((s) => [
        s.name,
        list(
          s.volumes.map(
            (v) =>
              `${v.name}: ${v.size_gb} GB ${v.filesystem}${v.automount ? ", automounted" : ""} (${code(v.resource)})`,
          ),
        ),
        list(
          s.storage_subaccounts.map((a) => `${a.box}/${a.subaccount}, home ${a.home_directory} (${code(a.resource)})`),
          "none",
        ),
        [s.stack, ...new Set(s.storage_subaccounts.map((a) => a.stack))].map(code).join(", "),
      ]),
    ),
    "",
  );

  p("#### Terraform addresses of each server", "");
  p(
    ...table(
      ["server", "stack", "resources"],
      inv.servers.map((s) => [s.name, code(s.stack), s.resources.map(code).join(", ")]),
    ),
    "",
  );

  return out;
}

/** The private networks, their subnets and routes. */
function renderNetworks(inv: Inventory): string[] {
  const [out, p] = section();
  p("### Networks", "");
  p(
    ...table(
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
    "",
  );
  const parts = inv.networks.flatMap((n) => [
    ...n.subnets.map((s) => [n.name, "subnet", s.ip_range, "—", code(n.stack), code(s.resource)]),
    ...n.routes.map((r) => [n.name, "route", r.destination, r.gateway, code(n.stack), code(r.resource)]),
  ]);
  if (parts.length > 0) {
    p("#### Subnets and routes", "");
    p(...table(["network", "kind", "range or destination", "gateway", "stack", "resource"], parts), "");
  }

  return out;
}

/** The firewall policies and their rules. */
function renderFirewalls(inv: Inventory): string[] {
  const [out, p] = section();
  p(
    "### Firewall policies",
    "",
    "A policy applies to the servers carrying its label; Hetzner firewalls filter public interfaces only.",
    "",
  );
  p(
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
    "",
  );
  p("#### Firewall rules", "");
  p(
    ...table(
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
    "",
  );

  return out;
}

/** The placement groups and the operators' SSH keys, when there are any. */
function renderGroupsAndKeys(inv: Inventory): string[] {
  const [out, p] = section();
  if (inv.placement_groups.length > 0 || inv.ssh_keys.length > 0) {
    p("### Placement groups and SSH keys", "");
    p(
      ...table(
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
      ),
      "",
    );
  }

  return out;
}

/** The zones, then the record sets of each. */
function renderZones(inv: Inventory): string[] {
  const [out, p] = section();
  const env = inv.environment;
  p("### DNS zones", "");
  p(
    ...table(
      ["zone", "mode", "TTL", "served from", "record sets", "stack", "resource", "import id"],
      inv.zones.map((z) => [
        z.unicode_name !== z.name ? `${z.name} (${z.unicode_name})` : z.name,
        z.mode,
        String(z.ttl),
        z.primary
          ? `hidden primary ${z.primary.server} (port ${z.primary.port}, TSIG key ${z.primary.tsig_key}), secondaries ${list(z.primary.secondaries)}`
          : "Hetzner (records are resources)",
        String(z.record_sets.length),
        code(z.stack),
        code(z.resource),
        code(z.import_id),
      ]),
    ),
    "",
  );
  for (const z of inv.zones) {
    p(`#### Records of ${z.unicode_name !== z.name ? `${z.name} (${z.unicode_name})` : z.name}`, "");
    if (z.mode === "secondary") {
      p(
        `Secondary zone: these records are rendered into the zone file of the hidden primary ${z.primary!.server} ` +
          `(\`all2all zonefile --env ${env.name}\`, docs/dns.md), which Hetzner transfers; they are not resources of ${code(z.stack)}.`,
        "",
      );
    }
    if (z.record_sets.length === 0) {
      p("No record sets besides the SOA and the apex NS.", "");
      continue;
    }
    const primary = z.mode === "primary";
    p(
      ...table(
        primary ? ["name", "type", "TTL", "values", "resource", "import id"] : ["name", "type", "TTL", "values"],
        z.record_sets.map((rs) => {
          const row = [rs.name, rs.type, String(rs.ttl), rs.values.map(recordValue).join("<br>")];
          return primary ? [...row, code(rs.resource!), code(rs.import_id!)] : row;
        }),
      ),
      "",
    );
  }

  return out;
}

/** The storage boxes and their subaccounts. */
function renderStorage(inv: Inventory): string[] {
  const [out, p] = section();
  p("### Storage boxes", "");
  if (inv.storage_boxes.length === 0) {
    p("None.", "");
  } else {
    p(
      ...table(
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
      "",
    );
    p("#### Subaccounts", "");
    p(
      ...table(
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
      "",
    );
  }

  return out;
}

/** The monthly cost by stack, and the secrets to set. */
function renderCostAndSecrets(inv: Inventory): string[] {
  const [out, p] = section();
  const env = inv.environment;
  const cost = inventoryCost(inv);
  p(
    "### Monthly cost",
    "",
    `**${formatEuros(cost.gross)} per month, VAT included (${formatEuros(cost.net)} net)**, estimated from the catalogue of ${cost.taken} ` +
      `(\`all2all cost --env ${env.name}\` lists every charge)${cost.unverified ? "; some of its prices are not verified against the API yet" : ""}:`,
    "",
  );
  p(
    ...table(
      ["stack", "net", "gross (VAT included)"],
      cost.stacks
        .filter((s) => s.resources.length > 0)
        .map((s) => [code(s.name), formatEuros(s.net), formatEuros(s.gross)]),
    ),
    "",
  );
  p(
    "### Secrets to set",
    "",
    "Sensitive variables of the stacks, set in the shell that runs `all2all plan|deploy` (never in config); with `HCLOUD_TOKEN`" +
      (env.state.startsWith("s3") ? ", `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`" : "") +
      ". See docs/deploy.md.",
    "",
  );
  if (inv.variables.length === 0) p("None.", "");
  else
    p(
      ...table(
        ["environment variable", "stack", "for"],
        inv.variables.map((v) => [code(v.env_var), code(v.stack), v.purpose]),
      ),
      "",
    );
  return out;
}

/** The whole document: a header, then one section per environment. */
export function renderInventoryMarkdown(inventories: readonly Inventory[]): string {
  const names = inventories.map((i) => i.environment.name);
  const lines = [
    "# Inventory",
    "",
    `<!-- Generated by \`all2all inventory --format md\`: do not edit. docs/inventory.md is \`npm run inventory\` (environment production); a test fails when it is stale. -->`,
    "",
    `What the stacks of ${names.length === 1 ? `the environment ${names[0]}` : `the environments ${names.join(", ")}`} hold, read from the network description ` +
      "(`config/`, docs/config.md) without any access to Hetzner: every server, network, firewall policy, zone and record set, storage box, " +
      "with the stack that owns it and its Terraform address (`<type>.<name>` in `cdktf.out/stacks/<stack>/cdk.tf.json`). " +
      "Regenerate it with `all2all inventory`; never edit it by hand.",
    "",
  ];
  for (const inv of inventories) lines.push(...renderEnvironment(inv));
  while (lines[lines.length - 1] === "") lines.pop();
  return `${lines.join("\n")}\n`;
}
