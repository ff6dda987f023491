// New resources in full: what a reviewer checks on a created (or destroyed)
// resource is in its summary — a server's type, location, image, addresses,
// firewalls and placement group; an rDNS record's name and address; a
// firewall's rules; a record set's values. References are shown as the
// reference, secrets stay masked.
import { randomBytes } from "node:crypto";
import type { StackDocument } from "../../cli/diff/blocks";
import { toJson, toMarkdown } from "../../cli/diff/render";
import { looksRandom } from "../../policies/secrets";
import {
  compareStacks,
  firewall,
  inbound,
  onlyChange,
  planChanges,
  resourceChange,
  server,
  stackDoc,
} from "../../testing/diff";

function randomLookingSecret(): string {
  for (let i = 0; i < 1_000; i++) {
    const candidate = randomBytes(24)
      .toString("base64")
      .replace(/[^A-Za-z0-9]/g, "x");
    if (looksRandom(candidate)) return candidate;
  }
  throw new Error("no random-looking string in 1,000 draws: the detector's thresholds changed");
}
const WORLD = ["0.0.0.0/0", "::/0"];

/** An environment's network stack (firewalls) and a servers stack of these resources (none by default). */
function environment(servers: Record<string, Record<string, unknown>> = {}): Record<string, StackDocument> {
  return {
    "production-network": stackDoc({
      hcloud_firewall: {
        base: firewall("base", [inbound("icmp", undefined, WORLD, "ping")]),
        web: firewall("web", [inbound("tcp", "443", WORLD, "HTTPS")]),
      },
    }),
    "production-servers": stackDoc(servers),
  };
}

describe("a new server", () => {
  const head = (): Record<string, StackDocument> =>
    environment({
      hcloud_server: {
        "web-2": server("web-2", {
          server_type: "cx23",
          placement_group_id: "${hcloud_placement_group.web.id}",
          firewall_ids: ["${hcloud_firewall.extra.id}"],
        }),
      },
    });

  test("shows its type, location, image, addresses (references as such), firewalls and placement group", () => {
    const c = onlyChange(compareStacks(environment(), head()), "hcloud_server.web-2");
    expect(c.action).toBe("create");
    expect(c.summary).toEqual([
      'name "web-2"',
      'server_type "cx23"',
      'location "fsn1"',
      'image "debian-13"',
      'public IPv4 "${hcloud_primary_ip.web-2-ipv4.id}"',
      'public IPv6 "${hcloud_primary_ip.web-2-ipv6.id}"',
      'firewall_ids ["${hcloud_firewall.extra.id}"]',
      'placement_group_id "${hcloud_placement_group.web.id}"',
      "firewalls base, web (label selectors)",
    ]);
  });

  test("auto-created and disabled addresses, inline networks; no firewall at all", () => {
    const { public_net: _, ...bare } = server("odd-1", { labels: { role: "web" } }) as Record<string, unknown>;
    const env = environment({
      hcloud_server: {
        "odd-1": { ...bare, network: [{ network_id: "${hcloud_network.internal.id}", ip: "10.20.1.30" }] },
        "v6-1": server("v6-1", { public_net: [{ ipv4_enabled: false, ipv6_enabled: true }] }),
      },
    });
    const changes = compareStacks(environment(), env);
    const odd = onlyChange(changes, "hcloud_server.odd-1");
    expect(odd.summary).toEqual([
      'name "odd-1"',
      'server_type "cx32"',
      'location "fsn1"',
      'image "debian-13"',
      "public IPv4 auto-created (no public_net: it dies with the server)",
      "public IPv6 auto-created (no public_net: it dies with the server)",
      'network network_id "${hcloud_network.internal.id}" ip "10.20.1.30"',
      "no firewall applies",
    ]);
    expect(onlyChange(changes, "hcloud_server.v6-1").summary).toEqual(
      expect.arrayContaining([
        "no public IPv4",
        "public IPv6 auto-created (no primary IP linked: it dies with the server)",
        "firewalls base, web (label selectors)",
      ]),
    );
  });

  test("the Markdown lists it on the change's line", () => {
    const changes = compareStacks(environment(), head());
    const md = toMarkdown({
      command: "diff",
      base: "b",
      head: "h",
      stacks: ["production-network", "production-servers"],
      changes,
      notes: [],
    });
    expect(md).toContain(
      '- `+` `hcloud_server.web-2` create: `name "web-2"`, `server_type "cx23"`, `location "fsn1"`, `image ' +
        '"debian-13"`, `public IPv4 "${hcloud_primary_ip.web-2-ipv4.id}"`, `public IPv6 ' +
        '"${hcloud_primary_ip.web-2-ipv6.id}"`',
    );
  });
});

test("an rDNS record shows its name, its address and where the address comes from", () => {
  const head = environment({
    hcloud_rdns: {
      "web-2-ipv4": {
        dns_ptr: "web-2.all2all.org",
        ip_address: "${hcloud_primary_ip.web-2-ipv4.ip_address}",
        primary_ip_id: "${hcloud_primary_ip.web-2-ipv4.id}",
      },
      literal: { dns_ptr: "mail.all2all.org", ip_address: "192.0.2.25", server_id: "${hcloud_server.mail-1.id}" },
    },
  });
  const changes = compareStacks(environment(), head);
  expect(onlyChange(changes, "hcloud_rdns.web-2-ipv4").summary).toEqual([
    'dns_ptr "web-2.all2all.org"',
    'ip_address "${hcloud_primary_ip.web-2-ipv4.ip_address}"',
    'primary_ip_id "${hcloud_primary_ip.web-2-ipv4.id}"',
  ]);
  expect(onlyChange(changes, "hcloud_rdns.literal").summary).toEqual([
    'dns_ptr "mail.all2all.org"',
    'ip_address "192.0.2.25"',
    'server_id "${hcloud_server.mail-1.id}"',
  ]);
});

test("a firewall shows what it applies to and every rule: direction, protocol, port, addresses, description", () => {
  const head = environment();
  (head["production-network"] as any).resource.hcloud_firewall.mail = firewall("mail", [
    inbound("tcp", "25", WORLD, "SMTP"),
    inbound("tcp", "993", ["192.0.2.0/24", "2001:db8::/32"], "IMAPS from the office"),
    { direction: "out", protocol: "udp", port: "53", destination_ips: ["9.9.9.9/32"] },
    inbound("icmp", undefined, ["0.0.0.0/0"], "ping"),
  ]);
  const c = onlyChange(compareStacks(environment(), head), "hcloud_firewall.mail");
  expect(c.summary).toEqual([
    'name "mail"',
    'applies to label_selector "fw-mail=on"',
    'rule in tcp 25 from ["0.0.0.0/0", "::/0"] description "SMTP"',
    'rule in tcp 993 from ["192.0.2.0/24", "2001:db8::/32"] description "IMAPS from the office"',
    'rule out udp 53 to ["9.9.9.9/32"]',
    'rule in icmp from ["0.0.0.0/0"] description "ping"',
  ]);
});

test("a record set shows its name, type, ttl and every value", () => {
  const base = { "production-dns": stackDoc({}) };
  const head = {
    "production-dns": stackDoc({
      hcloud_zone_rrset: {
        www: {
          zone: "${hcloud_zone.all2all-org.name}",
          name: "www",
          type: "A",
          ttl: 300,
          records: [{ value: "192.0.2.10" }, { value: "192.0.2.11", comment: "web-2" }],
        },
        mx: { zone: "all2all.org", name: "@", type: "MX", records: [{ value: "10 mail.all2all.org." }] },
      },
    }),
  };
  const changes = compareStacks(base, head);
  expect(onlyChange(changes, "hcloud_zone_rrset.www").summary).toEqual([
    'zone "${hcloud_zone.all2all-org.name}"',
    'name "www"',
    'type "A"',
    "ttl 300",
    'records ["192.0.2.10", "192.0.2.11"]',
  ]);
  expect(onlyChange(changes, "hcloud_zone_rrset.mx").summary).toEqual([
    'zone "all2all.org"',
    'name "@"',
    'type "MX"',
    'records ["10 mail.all2all.org."]',
  ]);
});

test("a destroyed resource shows the same", () => {
  const base = environment({
    hcloud_rdns: {
      r: {
        dns_ptr: "web-1.all2all.org",
        ip_address: "192.0.2.10",
        primary_ip_id: "${hcloud_primary_ip.web-1-ipv4.id}",
      },
    },
  });
  const c = onlyChange(compareStacks(base, environment()), "hcloud_rdns.r");
  expect(c.action).toBe("delete");
  expect(c.summary).toEqual([
    'dns_ptr "web-1.all2all.org"',
    'ip_address "192.0.2.10"',
    'primary_ip_id "${hcloud_primary_ip.web-1-ipv4.id}"',
  ]);
});

describe("secrets stay masked", () => {
  // Built at run time: no secret-looking text is committed, even a fake one. A random string is
  // not always random-looking (about 1 in 100 lacks a digit or has long letter runs): draw until
  // the detector takes it for a key, at most 1,000 times.
  const secret = randomLookingSecret();

  test("a reference to a sensitive variable, a high-entropy string, a private key in a record", () => {
    const armour = (edge: string) => `-----${edge} OPENSSH ${["PRIVATE", "KEY"].join(" ")}-----`;
    const body = Buffer.from("openssh-key-v1 fake body for the test").toString("base64");
    const key = `${armour("BEGIN")}\n${body}\n${armour("END")}\n`;
    const base = { s: stackDoc({}, { variable: { office: { type: "string", sensitive: true } } }) };
    const head = {
      s: stackDoc(
        {
          hcloud_firewall: { f: firewall("f", [inbound("tcp", "22", ["${var.office}"], secret)]) },
          hcloud_zone_rrset: { k: { zone: "z", name: "k", type: "TXT", records: [{ value: key }] } },
        },
        { variable: { office: { type: "string", sensitive: true } } },
      ),
    };
    const changes = compareStacks(base, head);
    expect(onlyChange(changes, "hcloud_firewall.f").summary).toContain(
      "rule in tcp 22 from [(sensitive)] description (sensitive)",
    );
    expect(onlyChange(changes, "hcloud_zone_rrset.k").summary).toContain("records [(sensitive)]");
    const report = { command: "diff" as const, base: "b", head: "h", stacks: ["s"], changes, notes: [] };
    for (const text of [toMarkdown(report), toJson(report)]) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain("PRIVATE KEY");
    }
  });

  test("plan-summary: values the plan marks sensitive, and values known after apply", () => {
    const after = {
      name: "web-3",
      server_type: "cx23",
      location: "fsn1",
      image: "debian-13",
      public_net: [{ ipv4: null, ipv4_enabled: true, ipv6: 12, ipv6_enabled: true }],
      placement_group_id: 5,
      labels: {},
    };
    const changes = planChanges(
      resourceChange("hcloud_server.web-3", ["create"], null, after, {
        after_unknown: { id: true, public_net: [{ ipv4: true }] },
        after_sensitive: { image: true },
      }),
      resourceChange(
        "hcloud_rdns.web-3",
        ["create"],
        null,
        { dns_ptr: "web-3.all2all.org", server_id: 77 },
        { after_unknown: { id: true, ip_address: true } },
      ),
    );
    expect(onlyChange(changes, "hcloud_server.web-3").summary).toEqual([
      'name "web-3"',
      'server_type "cx23"',
      'location "fsn1"',
      "image (sensitive)",
      "public IPv4 (known after apply)",
      "public IPv6 12",
      "placement_group_id 5",
    ]);
    expect(onlyChange(changes, "hcloud_rdns.web-3").summary).toEqual([
      'dns_ptr "web-3.all2all.org"',
      "ip_address (known after apply)",
      "server_id 77",
    ]);
  });
});
