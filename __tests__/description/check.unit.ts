import * as path from "node:path";
import { loadNetwork } from "../../description";
import { check, DEFAULT_CONFIG, findProblem, REPO, workspace } from "../../testing/description";

/** Hetzner's secondaries in the default config: they transfer from these addresses and are notified at them. */
const HETZNER_SECONDARY_ADDRESSES = [
  "203.0.113.53",
  "203.0.113.54",
  "203.0.113.55",
  "2001:db8:53::53",
  "2001:db8:53::54",
  "2001:db8:53::55",
];

/** The counts of dr and production: the same network in two locations. */
const FULL_NETWORK_COUNTS =
  "  6 servers, 12 primary IPs, 1 floating IP, 4 volumes, 1 placement group, 1 network, 2 subnets, 1 route, 6 " +
  "firewall policies, 12 firewall rules, 2 zones, 44 record sets (32 in all2all.org, served from the hidden " +
  "primary; 12 in exemple-asbl.be, at Hetzner), 1 storage box, 7 subaccounts, 2 SSH keys, 3 admin ranges, 1 " +
  "suppression";

/** What `all2all check` prints for the default config. */
const DEFAULT_SUMMARY = [
  "dr: nbg1 (eu-central), protected, state s3",
  FULL_NETWORK_COUNTS,
  "production: fsn1 (eu-central), protected, state s3",
  FULL_NETWORK_COUNTS,
  "staging: fsn1 (eu-central), unprotected, state local",
  "  3 servers, 6 primary IPs, 0 floating IPs, 2 volumes, 1 placement group, 1 network, 2 subnets, 1 route, 6 " +
    "firewall policies, 12 firewall rules, 1 zone, 13 record sets (13 in all2all-staging.org, at Hetzner), 1 " +
    "storage box, 4 subaccounts, 2 SSH keys, 3 admin ranges, 1 suppression",
  "config: 3 environments valid",
];

describe("all2all check on the default config", () => {
  test("passes for every environment and prints the counts per kind", async () => {
    const run = await check(REPO);
    expect(run.stderr).toEqual([]);
    expect(run.code).toBe(0);
    expect(run.stdout).toEqual(DEFAULT_SUMMARY);
  });

  test.each(["production", "staging", "dr"])("passes for --env %s alone", async (env) => {
    const run = await check(REPO, { env });
    expect(run.stderr).toEqual([]);
    expect(run.code).toBe(0);
    expect(run.stdout[0]!.startsWith(`${env}: `)).toBe(true);
    expect(run.stdout[run.stdout.length - 1]).toBe("config: 1 environment valid");
  });

  test("takes the directory from --config, else ALL2ALL_CONFIG, else config/", async () => {
    const ws = workspace();
    try {
      const moved = path.join(ws.root, "config");
      expect((await check(ws.root)).code).toBe(0);
      expect((await check("/", { config: moved })).code).toBe(0);
      expect((await check("/", { vars: { ALL2ALL_CONFIG: moved } })).code).toBe(0);
      const missing = await check(ws.root, { config: "nowhere" });
      expect(missing.code).toBe(2);
      findProblem(missing, { file: "nowhere", path: "", message: /config directory nowhere does not exist/ });
    } finally {
      ws.remove();
    }
  });

  test("an international zone name is converted to punycode, both names kept", async () => {
    const ws = workspace();
    try {
      ws.write(
        "config/dns.yaml",
        `${ws.read("config/dns.yaml")}\n  - name: café-asbl.be\n    mode: primary\n    records:\n      - { name: ` +
          `"@", type: A, values: [web-1.ipv4] }\n      - { name: école, type: CNAME, values: ["@"] }\n`,
      );
      const result = loadNetwork("config", { cwd: ws.root, env: "production" });
      if (!result.ok) throw new Error(result.problems.map((p) => p.message).join("\n"));
      const zone = result.specs[0]!.zones.find((z) => z.unicode_name === "café-asbl.be")!;
      expect(zone.name).toBe("xn--caf-asbl-d1a.be");
      expect(zone.records[1]).toMatchObject({
        name: "xn--cole-9oa",
        fqdn: "xn--cole-9oa.xn--caf-asbl-d1a.be.",
        values: [{ kind: "text", text: "xn--caf-asbl-d1a.be." }],
      });
    } finally {
      ws.remove();
    }
  });

  test("an unknown --env lists the known environments", async () => {
    const run = await check(REPO, { env: "prod" });
    expect(run.code).toBe(2);
    expect(run.stdout).toEqual([]);
    findProblem(run, {
      file: "config/environments",
      path: "",
      message: /unknown environment "prod" \(did you mean "production"\?\)/,
    });
  });
});

describe("the resolved specs of the default config", () => {
  const result = loadNetwork(DEFAULT_CONFIG);
  if (!result.ok) throw new Error("the default config must load");
  const byName = Object.fromEntries(result.specs.map((s) => [s.environment.name, s]));
  const production = byName.production!;

  test("are frozen", () => {
    expect(Object.isFrozen(production)).toBe(true);
    expect(Object.isFrozen(production.servers[0]!.labels)).toBe(true);
    expect(() => (production.servers as unknown as unknown[]).push({})).toThrow();
  });

  test("apply safe defaults: Debian 13, IPv6 on, backups on, no rebuild, protected", () => {
    const server = production.servers.find((s) => s.name === "web-1")!;
    expect(server).toMatchObject({
      image: "debian-13",
      backups: true,
      allow_rebuild: false,
      location: "fsn1",
      network_zone: "eu-central",
      ssh_keys: ["alice", "bob"],
    });
    expect(production.environment.protect).toBe(true);
    expect(byName.staging!.environment.protect).toBe(false);
    expect(server.labels).toEqual({
      "managed-by": "all2all-infra",
      environment: "production",
      role: "web",
      owner: "all2all",
    });
  });

  test("keep server references in DNS records typed, not resolved to text", () => {
    const zone = production.zones.find((z) => z.name === "all2all.org")!;
    const apex = zone.records.find((r) => r.name === "@" && r.type === "AAAA")!;
    expect(apex.values).toEqual([
      { kind: "address", server: "web-1", family: "ipv6" },
      { kind: "address", server: "web-2", family: "ipv6" },
    ]);
    expect(zone.primary).toEqual({
      server: "ns-1",
      port: 53,
      addresses: [
        { kind: "address", server: "ns-1", family: "ipv4" },
        { kind: "address", server: "ns-1", family: "ipv6" },
      ],
      secondaries: [
        {
          name: "hetzner",
          nameservers: ["hydrogen.ns.hetzner.com.", "oxygen.ns.hetzner.com.", "helium.ns.hetzner.de."],
          transfer_sources: HETZNER_SECONDARY_ADDRESSES,
          notify: HETZNER_SECONDARY_ADDRESSES,
        },
      ],
      tsig: {
        key_name: "all2all-org-transfer",
        algorithm: "hmac-sha256",
        variable: "tsig_all2all_org_transfer",
        env_var: "TF_VAR_tsig_all2all_org_transfer",
      },
    });
  });

  test("split the long DKIM TXT value into strings of at most 255 bytes", () => {
    const zone = production.zones.find((z) => z.name === "all2all.org")!;
    const dkim = zone.records.find((r) => r.name === "mail._domainkey")!;
    const text = (dkim.values[0] as { text: string }).text;
    const chunks = text.match(/"[^"]*"/g)!;
    expect(chunks.length).toBe(2);
    expect(chunks.every((c) => c.length - 2 <= 255)).toBe(true);
    expect(chunks.map((c) => c.slice(1, -1)).join("")).toMatch(/^v=DKIM1; k=rsa; p=MII[A-Za-z0-9+/]+=*$/);
  });

  test("expand the firewall keywords admin and any", () => {
    const rules = production.firewall_policies.find((p) => p.name === "ssh-admin")!.rules;
    expect(rules[0]).toEqual({
      direction: "in",
      protocol: "tcp",
      port: "22",
      source_ips: ["192.0.2.0/24", "198.51.100.0/24", "2001:db8:a11::/48"],
      destination_ips: [],
      description: "SSH from the admin ranges",
    });
    const web = production.firewall_policies.find((p) => p.name === "web")!.rules[0]!;
    expect(web.source_ips).toEqual(["0.0.0.0/0", "::/0"]);
  });

  test("make DR production in another location, changing only location and state", () => {
    const dr = byName.dr!;
    expect(dr.servers.map((s) => s.location)).toEqual(production.servers.map(() => "nbg1"));
    expect(dr.storage_boxes[0]!.location).toBe("hel1");
    const strip = (spec: typeof dr): unknown =>
      JSON.parse(
        JSON.stringify({ ...spec, environment: undefined, files: undefined }).replace(
          /"(fsn1|nbg1|dr|production)"/g,
          '"X"',
        ),
      );
    expect(strip(dr)).toEqual(strip(production));
  });

  test("make staging a small copy: fewer, smaller servers and its own zone", () => {
    const staging = byName.staging!;
    expect(staging.servers.map((s) => `${s.name}:${s.type}`)).toEqual(["admin-1:cx23", "web-1:cx23", "mail-1:cx23"]);
    expect(staging.servers.find((s) => s.name === "web-1")!.floating_ip).toBeUndefined();
    expect(staging.zones.map((z) => z.name)).toEqual(["all2all-staging.org"]);
    expect(staging.storage_boxes[0]!.subaccounts.map((s) => s.name)).toEqual(["admin-1", "web-1", "mail-1", "restore"]);
  });

  test("carry the placeholder markers: documentation ranges and keys named PLACEHOLDER", () => {
    for (const key of production.operators.ssh_keys)
      expect(key.public_key).toMatch(/ PLACEHOLDER-\w+@all2all-not-a-real-key$/);
    expect(production.operators.admin_ranges).toEqual(["192.0.2.0/24", "198.51.100.0/24", "2001:db8:a11::/48"]);
  });
});
