/**
 * A small network for the adoption tests: its config (one environment,
 * "lab"), and the same network created through the simulator's API as a
 * person would in the Console, before any config existed.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { defaultConfig } from "./tmp";

export const LAB = "lab";
export const LAB_ZONE = "all2all-lab.org";

/** A public key of the default config (a placeholder, never a real person's), read at run time. */
export function labPublicKey(): string {
  const text = fs.readFileSync(path.join(defaultConfig, "network.yaml"), "utf8");
  const m = /public_key: (ssh-ed25519 \S+)/.exec(text);
  if (!m) throw new Error("no ssh-ed25519 key in the default config");
  return m[1]!;
}

/** Writes the lab config into `dir` (created); returns `dir`. */
export function writeLabConfig(dir: string): string {
  fs.mkdirSync(path.join(dir, "environments"), { recursive: true });
  fs.mkdirSync(path.join(dir, "cloud-init"), { recursive: true });
  fs.writeFileSync(
    path.join(dir, "network.yaml"),
    `# yaml-language-server: $schema=./schema.json
environment:
  location: fsn1
  labels:
    owner: lab

operators:
  ssh_keys:
    - name: alice
      public_key: ${labPublicKey()} alice@lab
  admin_ranges: [192.0.2.0/24]

networks:
  - name: internal
    ip_range: 10.20.0.0/16
    subnets:
      - ip_range: 10.20.1.0/24

firewall_policies:
  - name: base
    description: ping, and SSH from the admins
    rules:
      - { direction: in, protocol: icmp, sources: [any], description: ping }
      - { direction: in, protocol: tcp, port: 22, sources: [admin], description: SSH }

servers:
  - name: web-1
    role: web
    type: cx23
    networks:
      - { network: internal, ip: 10.20.1.11 }
    public:
      ipv4: true
      rdns: { ipv4: web-1.${LAB_ZONE} }
    firewall_policies: [base]
  - name: db-1
    role: db
    type: cx23
    networks:
      - { network: internal, ip: 10.20.1.12 }
    firewall_policies: [base]
`,
  );
  fs.writeFileSync(
    path.join(dir, "dns.yaml"),
    `# yaml-language-server: $schema=./schema.json
zones:
  - name: ${LAB_ZONE}
    mode: primary
    records:
      - { name: "@", type: A, values: [web-1.ipv4] }
      - { name: www, type: CNAME, values: ["@"] }
      - { name: "@", type: TXT, values: ["v=spf1 -all"] }
      - { name: "@", type: CAA, values: ['0 issue "letsencrypt.org"'] }
`,
  );
  fs.writeFileSync(
    path.join(dir, "backup.yaml"),
    `# yaml-language-server: $schema=./schema.json
storage_boxes:
  - name: backup
    type: bx11
    location: hel1
    subaccounts:
      - { name: web-1, server: web-1, home_directory: servers/web-1, description: web sites }
`,
  );
  fs.writeFileSync(
    path.join(dir, "environments", `${LAB}.yaml`),
    `# yaml-language-server: $schema=../overlay.schema.json
environment:
  protect: false
  state: { backend: local }
`,
  );
  for (const f of ["schema.json", "overlay.schema.json"])
    fs.copyFileSync(path.join(defaultConfig, f), path.join(dir, f));
  return dir;
}

/** One request to the simulated APIs, as a person's tool (curl, the Console) would make it. */
export type LabRequest = (
  api: "cloud" | "hetzner",
  method: string,
  route: string,
  body?: Record<string, unknown>,
) => Promise<{ status: number; body: any }>;

/** The labels the lab config gives each role (what a careful person typed in the Console). */
export function labLabels(role: string, extra: Record<string, string> = {}): Record<string, string> {
  return { environment: LAB, "managed-by": "all2all-infra", owner: "lab", role, ...extra };
}

/** A password of Hetzner's policy, made at run time (never a literal in the code). */
export function labPassword(seed: string): string {
  return `${seed.replace(/[^A-Za-z]/g, "").slice(0, 4) || "Lab"}Aa9${"#"}${Date.now().toString(36)}`;
}

/** Ids of what the person created. */
export interface LabIds {
  readonly sshKey: number;
  readonly network: number;
  readonly firewall: number;
  readonly servers: Record<string, number>;
  readonly primaryIps: Record<string, number>;
  readonly zone: number;
  readonly box: number;
  readonly subaccount: number;
}

/** Creates the lab network through the API, before any config or state exists. */
export async function createLabNetwork(request: LabRequest): Promise<LabIds> {
  const ok = async (
    api: "cloud" | "hetzner",
    method: string,
    route: string,
    body?: Record<string, unknown>,
  ): Promise<any> => {
    const r = await request(api, method, route, body);
    if (r.status >= 300) throw new Error(`${method} ${route}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const sshKey = (
    await ok("cloud", "POST", "/ssh_keys", {
      name: "alice",
      public_key: `${labPublicKey()} alice@lab`,
      labels: labLabels("operator"),
    })
  ).ssh_key.id;
  const network = (
    await ok("cloud", "POST", "/networks", {
      name: "internal",
      ip_range: "10.20.0.0/16",
      labels: labLabels("network"),
      subnets: [{ type: "cloud", ip_range: "10.20.1.0/24", network_zone: "eu-central" }],
    })
  ).network.id;
  const firewall = (
    await ok("cloud", "POST", "/firewalls", {
      name: "base",
      labels: labLabels("firewall"),
      rules: [
        { direction: "in", protocol: "icmp", source_ips: ["0.0.0.0/0", "::/0"], description: "ping" },
        { direction: "in", protocol: "tcp", port: "22", source_ips: ["192.0.2.0/24"], description: "SSH" },
      ],
      apply_to: [{ type: "label_selector", label_selector: { selector: "fw-base=on" } }],
    })
  ).firewall.id;
  const primaryIps: Record<string, number> = {};
  const servers: Record<string, number> = {};
  for (const [name, role, ip, ipv4] of [
    ["web-1", "web", "10.20.1.11", true],
    ["db-1", "db", "10.20.1.12", false],
  ] as const) {
    const labels = labLabels(role, { "fw-base": "on" });
    for (const family of ipv4 ? ["ipv4", "ipv6"] : ["ipv6"]) {
      primaryIps[`${name}-${family}`] = (
        await ok("cloud", "POST", "/primary_ips", {
          name: `${name}-${family}`,
          type: family,
          location: "fsn1",
          assignee_type: "server",
          auto_delete: false,
          labels,
        })
      ).primary_ip.id;
    }
    const server = (
      await ok("cloud", "POST", "/servers", {
        name,
        server_type: "cx23",
        image: "debian-13",
        location: "fsn1",
        labels,
        ssh_keys: [sshKey],
        public_net: {
          enable_ipv4: ipv4,
          enable_ipv6: true,
          ...(ipv4 ? { ipv4: primaryIps[`${name}-ipv4`] } : {}),
          ipv6: primaryIps[`${name}-ipv6`],
        },
      })
    ).server;
    servers[name] = server.id;
    await ok("cloud", "POST", `/servers/${server.id}/actions/enable_backup`, {});
    await ok("cloud", "POST", `/servers/${server.id}/actions/attach_to_network`, { network, ip });
  }
  const web4 = (await ok("cloud", "GET", `/primary_ips/${primaryIps["web-1-ipv4"]}`)).primary_ip.ip as string;
  await ok("cloud", "POST", `/primary_ips/${primaryIps["web-1-ipv4"]}/actions/change_dns_ptr`, {
    ip: web4,
    dns_ptr: `web-1.${LAB_ZONE}`,
  });

  const zone = (
    await ok("cloud", "POST", "/zones", { name: LAB_ZONE, mode: "primary", ttl: 3600, labels: labLabels("dns") })
  ).zone.id;
  for (const [name, type, value] of [
    ["@", "A", web4],
    ["www", "CNAME", `${LAB_ZONE}.`],
    ["@", "TXT", '"v=spf1 -all"'],
    ["@", "CAA", '0 issue "letsencrypt.org"'],
  ] as const) {
    await ok("cloud", "POST", `/zones/${zone}/rrsets`, {
      name,
      type,
      ttl: 3600,
      labels: labLabels("dns"),
      records: [{ value }],
    });
  }

  const box = (
    await ok("hetzner", "POST", "/storage_boxes", {
      name: "backup",
      storage_box_type: "bx11",
      location: "hel1",
      password: labPassword("box"),
      labels: labLabels("backup"),
      ssh_keys: [],
      access_settings: sshOnly(["reachable_externally", "samba_enabled", "webdav_enabled", "zfs_enabled"]),
    })
  ).storage_box.id;
  await ok("hetzner", "POST", `/storage_boxes/${box}/actions/enable_snapshot_plan`, {
    max_snapshots: 7,
    minute: 0,
    hour: 3,
    day_of_week: null,
    day_of_month: null,
  });
  const subaccount = (
    await ok("hetzner", "POST", `/storage_boxes/${box}/subaccounts`, {
      name: "web-1",
      password: labPassword("sub"),
      home_directory: "servers/web-1",
      description: "web sites",
      labels: labLabels("backup"),
      access_settings: sshOnly(["reachable_externally", "readonly", "samba_enabled", "webdav_enabled"]),
    })
  ).subaccount.id;
  return { sshKey, network, firewall, servers, primaryIps, zone, box, subaccount };
}

/** Access settings in which SSH is the only way in: every other setting named is off. */
function sshOnly(off: readonly string[]): Record<string, boolean> {
  return { ssh_enabled: true, ...Object.fromEntries(off.map((key) => [key, false])) };
}
