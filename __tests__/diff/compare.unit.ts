// The comparison core of `all2all diff` on stack documents built in the test:
// every dangerous class, what is not dangerous, ignore_changes, moved/import/
// removed blocks, secrets masked, and the order of the report.
import type { StackDocument } from "../../cli/diff/blocks";
import { compareOutputs } from "../../cli/diff/compare";
import type { Change } from "../../cli/diff/change-types";
import { toJson, toMarkdown } from "../../cli/diff/render";
import { clone, compareStacks, firewall, inbound, onlyChange, server, stackDoc, tables } from "../../testing/diff";

const T = tables();

function classes(c: Change): string[] {
  return c.dangers.map((d) => d.class);
}

function report(changes: Change[]) {
  return {
    command: "diff" as const,
    base: "base",
    head: "head",
    stacks: [...new Set(changes.map((c) => c.stack))],
    changes,
    notes: [],
  };
}

const ADMIN = ["192.0.2.0/24"];
const WORLD = ["0.0.0.0/0", "::/0"];

/** A production environment: network stack (firewalls) and servers stack. */
function environment(): Record<string, StackDocument> {
  return {
    "production-network": stackDoc({
      hcloud_firewall: {
        base: firewall("base", [inbound("icmp", undefined, WORLD)]),
        web: firewall("web", [inbound("tcp", "80", WORLD), inbound("tcp", "443", WORLD)]),
        "ssh-admin": firewall("ssh-admin", [inbound("tcp", "22", ADMIN)]),
        "mail-access": firewall("mail-access", [inbound("tcp", "993", WORLD)]),
      },
      hcloud_ssh_key: {
        alice: {
          name: "alice",
          public_key: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEh7oet/H9/fH/EUbz5hw/Nm495rjVRO26Mn+aIWybns alice",
        },
      },
    }),
    "production-servers": stackDoc({
      hcloud_server: { "web-1": server("web-1") },
      hcloud_primary_ip: {
        "web-1-ipv4": {
          name: "web-1-ipv4",
          type: "ipv4",
          location: "fsn1",
          auto_delete: false,
          delete_protection: true,
          lifecycle: { prevent_destroy: true },
        },
        "web-1-ipv6": {
          name: "web-1-ipv6",
          type: "ipv6",
          location: "fsn1",
          auto_delete: false,
          delete_protection: true,
          lifecycle: { prevent_destroy: true },
        },
      },
      hcloud_volume: {
        "web-1-data": {
          name: "web-1-data",
          size: 50,
          location: "fsn1",
          delete_protection: true,
          lifecycle: { prevent_destroy: true },
        },
      },
      hcloud_server_network: {
        "web-1-internal": { server_id: "${hcloud_server.web-1.id}", subnet_id: "${data.x.subnet}", ip: "10.20.1.21" },
      },
    }),
  };
}

describe("nothing to report", () => {
  test("identical outputs give no changes", () => {
    expect(compareStacks(environment(), environment())).toEqual([]);
  });

  test("cdktn's construct metadata (//.metadata) is not a change", () => {
    const head = environment();
    (head["production-servers"] as any).resource.hcloud_server["web-1"]["//"].metadata.path = "elsewhere/web-1";
    expect(compareStacks(environment(), head)).toEqual([]);
  });
});

describe("destruction of stateful resources", () => {
  test("a volume removed from the configuration is destroyed, with its data: dangerous", () => {
    const head = environment();
    delete (head["production-servers"] as any).resource.hcloud_volume;
    const c = onlyChange(compareStacks(environment(), head), "hcloud_volume.web-1-data");
    expect(c.action).toBe("delete");
    expect(classes(c)).toEqual(["destroy-stateful"]);
    expect(c.dangers[0]!.message).toMatch(/volume's data/);
    expect(c.dangers[0]!.message).toMatch(/prevent_destroy goes away with its block/);
    expect(c.summary).toContain('name "web-1-data"');
  });

  test("a record set and a subnet count as stateful; an SSH key does not", () => {
    const base = {
      s: stackDoc({
        hcloud_zone_rrset: {
          www: { zone: "${hcloud_zone.z.id}", name: "www", type: "A", records: [{ value: "192.0.2.1" }] },
        },
        hcloud_network_subnet: {
          sub: {
            network_id: "${hcloud_network.n.id}",
            type: "cloud",
            network_zone: "eu-central",
            ip_range: "10.0.1.0/24",
          },
        },
        hcloud_ssh_key: { alice: { name: "alice", public_key: "ssh-ed25519 AAAA alice" } },
      }),
    };
    const changes = compareStacks(base, { s: stackDoc({}) });
    expect(classes(onlyChange(changes, "hcloud_zone_rrset.www"))).toEqual(["destroy-stateful"]);
    expect(classes(onlyChange(changes, "hcloud_network_subnet.sub"))).toEqual(["destroy-stateful"]);
    const key = onlyChange(changes, "hcloud_ssh_key.alice");
    expect(key.action).toBe("delete");
    expect(key.dangers).toEqual([]);
  });
});

describe("replacement (providers/hcloud/replace.json)", () => {
  test("a server's location change replaces it, citing the provider source", () => {
    const head = environment();
    (head["production-servers"] as any).resource.hcloud_server["web-1"].location = "nbg1";
    const c = onlyChange(compareStacks(environment(), head), "hcloud_server.web-1");
    expect(c.action).toBe("replace");
    expect(classes(c)).toEqual(["replace"]);
    expect(c.dangers[0]!.source).toBe("hetznercloud/hcloud 1.68.0, internal/server/resource.go:70");
    expect(c.dangers[0]!.message).toContain('`location` "fsn1" → "nbg1" forces replacement');
    expect(c.dangers[0]!.message).toMatch(/destroys the server's disk/);
    expect(c.dangers[0]!.message).toMatch(/prevent_destroy is set, so tofu refuses the plan/);
    expect(c.attributes).toEqual([{ path: "location", old: '"fsn1"', new: '"nbg1"', forcesReplacement: true }]);
  });

  test(
    "image, ssh_keys and user_data in lifecycle.ignore_changes do " + "not replace: the change is shown as ignored",
    () => {
      const head = environment();
      const web = (head["production-servers"] as any).resource.hcloud_server["web-1"];
      web.image = "debian-14";
      web.ssh_keys = ["${data.terraform_remote_state.network.outputs.bob}"];
      web.user_data = "#cloud-config\npackage_update: false\n";
      const c = onlyChange(compareStacks(environment(), head), "hcloud_server.web-1");
      expect(c.action).toBe("none");
      expect(c.dangers).toEqual([]);
      expect(c.attributes.map((a) => [a.path, a.ignored])).toEqual([
        ["image", true],
        ["ssh_keys", true],
        ["user_data", true],
      ]);
      expect(c.notes.join(" ")).toMatch(/only attributes in lifecycle.ignore_changes change/);
    },
  );

  test("allow_rebuild: attributes leaving ignore_changes replace the server when they change, with a warning", () => {
    const head = environment();
    const web = (head["production-servers"] as any).resource.hcloud_server["web-1"];
    web.image = "debian-14";
    web.lifecycle = {};
    const c = onlyChange(compareStacks(environment(), head), "hcloud_server.web-1");
    expect(c.action).toBe("replace");
    expect(classes(c)).toEqual(["replace", "protection-removed"]);
    expect(c.dangers[0]!.source).toMatch(/internal\/server\/resource.go:58$/);
    expect(c.warnings.map((w) => w.class)).toEqual(["ignore-lifted"]);
    expect(c.warnings[0]!.message).toMatch(/`image`, `ssh_keys`, `user_data` leave lifecycle.ignore_changes/);
  });

  test("replace_if: a conditional replacement says when it happens", () => {
    const head = environment();
    (head["production-servers"] as any).resource.hcloud_server_network["web-1-internal"].ip = "10.20.1.99";
    const c = onlyChange(compareStacks(environment(), head), "hcloud_server_network.web-1-internal");
    expect(c.action).toBe("replace");
    expect(c.dangers[0]!.message).toMatch(
      /may force replacement \(only when the attachment's current IP falls outside subnet_id's range\)/,
    );
  });

  test("a type change of a block replaces it", () => {
    const base = { s: stackDoc({ hcloud_primary_ip: { x: { name: "x", type: "ipv6", location: "fsn1" } } }) };
    const head = { s: stackDoc({ hcloud_primary_ip: { x: { name: "x", type: "ipv4", location: "fsn1" } } }) };
    const c = onlyChange(compareStacks(base, head), "hcloud_primary_ip.x");
    expect(c.action).toBe("replace");
    expect(classes(c)).toEqual(["replace", "public-ipv4"]);
  });
});

describe("protection removed", () => {
  test("delete_protection, rebuild_protection and prevent_destroy going away are dangerous", () => {
    const head = environment();
    const web = (head["production-servers"] as any).resource.hcloud_server["web-1"];
    web.delete_protection = false;
    delete web.rebuild_protection;
    web.lifecycle.prevent_destroy = false;
    const c = onlyChange(compareStacks(environment(), head), "hcloud_server.web-1");
    expect(c.action).toBe("update");
    expect(c.dangers.map((d) => d.attribute)).toEqual([
      "delete_protection",
      "rebuild_protection",
      "lifecycle.prevent_destroy",
    ]);
    expect(c.dangers.every((d) => d.class === "protection-removed")).toBe(true);
  });

  test("adding protection is not dangerous", () => {
    const base = environment();
    (base["production-servers"] as any).resource.hcloud_volume["web-1-data"].delete_protection = false;
    const c = onlyChange(compareStacks(base, environment()), "hcloud_volume.web-1-data");
    expect(c.dangers).toEqual([]);
  });
});

describe("new public IPv4", () => {
  test("a new primary IPv4 is dangerous, a new primary IPv6 is not", () => {
    const head = environment();
    const ips = (head["production-servers"] as any).resource.hcloud_primary_ip;
    ips["web-2-ipv4"] = { name: "web-2-ipv4", type: "ipv4", location: "fsn1" };
    ips["web-2-ipv6"] = { name: "web-2-ipv6", type: "ipv6", location: "fsn1" };
    const changes = compareStacks(environment(), head);
    expect(classes(onlyChange(changes, "hcloud_primary_ip.web-2-ipv4"))).toEqual(["public-ipv4"]);
    expect(onlyChange(changes, "hcloud_primary_ip.web-2-ipv6").dangers).toEqual([]);
  });

  test("a new floating IPv4 is dangerous; an imported primary IPv4 is not new", () => {
    const head = environment();
    const res = (head["production-servers"] as any).resource;
    res.hcloud_floating_ip = { www: { type: "ipv4", home_location: "fsn1", name: "www" } };
    res.hcloud_primary_ip["old-ipv4"] = { name: "old-ipv4", type: "ipv4", location: "fsn1" };
    (head["production-servers"] as any).import = [{ to: "hcloud_primary_ip.old-ipv4", id: "4711" }];
    const changes = compareStacks(environment(), head);
    expect(classes(onlyChange(changes, "hcloud_floating_ip.www"))).toEqual(["public-ipv4"]);
    const imported = onlyChange(changes, "hcloud_primary_ip.old-ipv4");
    expect(imported.action).toBe("import");
    expect(imported.dangers).toEqual([]);
    expect(imported.notes.join(" ")).toContain('id "4711"');
  });

  test("a server turning its IPv4 on, or a new server without public_net, gets a public IPv4", () => {
    const base = environment();
    (base["production-servers"] as any).resource.hcloud_server["web-1"].public_net = [
      { ipv4_enabled: false, ipv6_enabled: true, ipv6: "${x}" },
    ];
    const head = environment();
    const { public_net: _, ...bare } = server("web-3") as any;
    (head["production-servers"] as any).resource.hcloud_server["web-3"] = bare;
    const changes = compareStacks(base, head);
    expect(classes(onlyChange(changes, "hcloud_server.web-1"))).toContain("public-ipv4");
    const web3 = onlyChange(changes, "hcloud_server.web-3");
    expect(web3.action).toBe("create");
    expect(classes(web3)).toEqual(["public-ipv4"]);
    expect(web3.dangers[0]!.message).toMatch(/auto-created public IPv4/);
  });
});

describe("firewalls opened to the world", () => {
  test("a rule whose sources become 0.0.0.0/0 and ::/0 is dangerous, naming a sensitive port", () => {
    const head = environment();
    (head["production-network"] as any).resource.hcloud_firewall["ssh-admin"].rule[0].source_ips = WORLD;
    const c = onlyChange(compareStacks(environment(), head), "hcloud_firewall.ssh-admin");
    expect(classes(c)).toEqual(["world-open"]);
    expect(c.dangers[0]!.message).toBe(
      "opens tcp 22 (SSH) from 0.0.0.0/0 and ::/0 to the whole Internet — a port never to " +
        "open to the world (docs/policies.md, firewall-world-sensitive-port)",
    );
    expect(c.attributes).toEqual([
      { path: "rule[0].source_ips", old: '["192.0.2.0/24"]', new: '["0.0.0.0/0", "::/0"]' },
    ]);
  });

  test("a new firewall with a world rule is dangerous; a description change of a world rule is not", () => {
    const head = environment();
    const fws = (head["production-network"] as any).resource.hcloud_firewall;
    fws.ftp = firewall("ftp", [inbound("tcp", "21", ["0.0.0.0/0"])]);
    fws.web.rule[0].description = "HTTP, redirects only";
    const changes = compareStacks(environment(), head);
    expect(onlyChange(changes, "hcloud_firewall.ftp").dangers[0]!.message).toBe(
      "the new firewall opens tcp 21 from 0.0.0.0/0 to the whole Internet",
    );
    const web = onlyChange(changes, "hcloud_firewall.web");
    expect(web.dangers).toEqual([]);
    expect(web.attributes.map((a) => a.path)).toEqual(["rule[0].description"]);
  });

  test("a port range covering a sensitive port, and every port, are named", () => {
    const head = environment();
    const fws = (head["production-network"] as any).resource.hcloud_firewall;
    fws.web.rule.push(inbound("tcp", "3000-3400", ["0.0.0.0/0"]), inbound("udp", undefined, ["::/0"]));
    const c = onlyChange(compareStacks(environment(), head), "hcloud_firewall.web");
    expect(c.dangers[0]!.message).toBe(
      "opens tcp 3000-3400 (3306 MySQL/MariaDB, 3389 RDP) from 0.0.0.0/0; udp every port (SSH, databases and " +
        "remote administration included) from ::/0 to the whole Internet — a port never to open to the world " +
        "(docs/policies.md, firewall-world-sensitive-port)",
    );
  });

  test("an existing server that falls under a firewall open to the world is dangerous", () => {
    const head = environment();
    (head["production-servers"] as any).resource.hcloud_server["web-1"].labels["fw-mail-access"] = "on";
    const c = onlyChange(compareStacks(environment(), head), "hcloud_server.web-1");
    expect(classes(c)).toEqual(["world-open"]);
    expect(c.dangers[0]!.message).toBe(
      "the server now falls under firewall hcloud_firewall.mail-access (production-network), " +
        "which opens tcp 993 from 0.0.0.0/0 and ::/0 to the whole Internet",
    );
  });

  test("a firewall whose selector now matches an unchanged server: the danger is on the firewall", () => {
    const head = environment();
    (head["production-network"] as any).resource.hcloud_firewall["mail-access"].apply_to = [
      { label_selector: "role=web" },
    ];
    const c = onlyChange(compareStacks(environment(), head), "hcloud_firewall.mail-access");
    expect(classes(c)).toEqual(["world-open"]);
    expect(c.dangers[0]!.message).toMatch(
      /^hcloud_server.web-1 \(production-servers\) now falls under firewall hcloud_firewall.mail-access/,
    );
  });

  test("a server left under no firewall is open on every port", () => {
    const head = environment();
    const labels = (head["production-servers"] as any).resource.hcloud_server["web-1"].labels;
    delete labels["fw-base"];
    delete labels["fw-web"];
    const c = onlyChange(compareStacks(environment(), head), "hcloud_server.web-1");
    expect(classes(c)).toEqual(["world-open"]);
    expect(c.dangers[0]!.message).toMatch(/no firewall applies to the server any more: every port/);
  });

  test("a new server notes what the world reaches on it; a new server under no firewall is dangerous", () => {
    const head = environment();
    const servers = (head["production-servers"] as any).resource.hcloud_server;
    servers["web-2"] = server("web-2");
    servers["odd-1"] = server("odd-1", { labels: { role: "web" } });
    const changes = compareStacks(environment(), head);
    const web2 = onlyChange(changes, "hcloud_server.web-2");
    expect(web2.dangers).toEqual([]);
    expect(web2.notes).toContain(
      "open to the world through firewalls base, web: icmp from 0.0.0.0/0 and ::/0; tcp " +
        "80 from 0.0.0.0/0 and ::/0; tcp 443 from 0.0.0.0/0 and ::/0",
    );
    expect(classes(onlyChange(changes, "hcloud_server.odd-1"))).toEqual(["world-open"]);
  });
});

describe("firewall name or labels changed with its rules (provider issue #931)", () => {
  test("labels and rules together are dangerous", () => {
    const head = environment();
    const fw = (head["production-network"] as any).resource.hcloud_firewall["ssh-admin"];
    fw.labels.team = "infra";
    fw.rule.push(inbound("tcp", "2222", ADMIN));
    const c = onlyChange(compareStacks(environment(), head), "hcloud_firewall.ssh-admin");
    expect(classes(c)).toEqual(["firewall-rules-at-risk"]);
    expect(c.dangers[0]!.source).toBe("hetznercloud/terraform-provider-hcloud#931");
  });

  test("a name change alone is a warning, not a danger", () => {
    const head = environment();
    (head["production-network"] as any).resource.hcloud_firewall["ssh-admin"].name = "admin-ssh";
    const c = onlyChange(compareStacks(environment(), head), "hcloud_firewall.ssh-admin");
    expect(c.dangers).toEqual([]);
    expect(c.warnings.map((w) => w.class)).toEqual(["firewall-rename"]);
  });
});

describe("updates in place from the table", () => {
  test("turning backups off deletes the backups: dangerous; turning them on is not", () => {
    const head = environment();
    (head["production-servers"] as any).resource.hcloud_server["web-1"].backups = false;
    const off = onlyChange(compareStacks(environment(), head), "hcloud_server.web-1");
    expect(classes(off)).toEqual(["destructive-update"]);
    expect(off.dangers[0]!.message).toMatch(
      /removes all existing backups of the server \(hetznercloud\/hcloud 1.68.0, internal\/server\/resource.go:992\)/,
    );
    const on = onlyChange(compareStacks(head, environment()), "hcloud_server.web-1");
    expect(on.dangers).toEqual([]);
  });

  test("a server type change is a disruptive update: a warning only", () => {
    const head = environment();
    (head["production-servers"] as any).resource.hcloud_server["web-1"].server_type = "cx42";
    const c = onlyChange(compareStacks(environment(), head), "hcloud_server.web-1");
    expect(c.action).toBe("update");
    expect(c.dangers).toEqual([]);
    expect(c.warnings.map((w) => [w.class, w.attribute])).toEqual([["disruptive-update", "server_type"]]);
  });
});

describe("moved, import and removed blocks", () => {
  test("a moved block renames: not a destruction", () => {
    const head = environment();
    const res = (head["production-servers"] as any).resource;
    res.hcloud_volume["web-1-storage"] = res.hcloud_volume["web-1-data"];
    delete res.hcloud_volume["web-1-data"];
    (head["production-servers"] as any).moved = [
      { from: "hcloud_volume.web-1-data", to: "hcloud_volume.web-1-storage" },
    ];
    const changes = compareStacks(environment(), head).filter((c) => c.type === "hcloud_volume");
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({
      address: "hcloud_volume.web-1-storage",
      action: "move",
      from: "hcloud_volume.web-1-data",
      dangers: [],
    });
  });

  test("a removed block with destroy = false forgets: not a destruction", () => {
    const head = environment();
    delete (head["production-servers"] as any).resource.hcloud_volume;
    (head["production-servers"] as any).removed = [{ from: "hcloud_volume.web-1-data", lifecycle: { destroy: false } }];
    const c = onlyChange(compareStacks(environment(), head), "hcloud_volume.web-1-data");
    expect(c.action).toBe("forget");
    expect(c.dangers).toEqual([]);
  });

  test(
    "a resource leaving one stack for another of the same environment is " +
      "destroyed and created, with a warning on both",
    () => {
      const base = environment();
      const head = environment();
      const volume = (head["production-servers"] as any).resource.hcloud_volume;
      delete (head["production-servers"] as any).resource.hcloud_volume;
      (head["production-network"] as any).resource.hcloud_volume = volume;
      const changes = compareStacks(base, head);
      const gone = onlyChange(changes, "hcloud_volume.web-1-data", "production-servers");
      expect(classes(gone)).toEqual(["destroy-stateful"]);
      expect(gone.warnings.map((w) => w.class)).toEqual(["cross-stack-move"]);
      expect(
        onlyChange(changes, "hcloud_volume.web-1-data", "production-network").warnings.map((w) => w.class),
      ).toEqual(["cross-stack-move"]);
    },
  );
});

describe("other blocks", () => {
  test("variables, outputs, the backend and the provider requirement are compared", () => {
    const base = {
      "production-dns": stackDoc(
        {},
        {
          terraform: {
            backend: { s3: { key: "a/b.tfstate" } },
            required_providers: { hcloud: { version: "~> 1.68" } },
          },
          output: { x: { value: "1" } },
        },
      ),
    };
    const head = clone(base) as any;
    head["production-dns"].terraform.backend.s3.key = "c/b.tfstate";
    head["production-dns"].terraform.required_providers.hcloud.version = "~> 1.70";
    head["production-dns"].variable = { extra: { type: "string" } };
    delete head["production-dns"].output;
    const changes = compareStacks(base, head);
    const tf = onlyChange(changes, "terraform");
    expect(tf.warnings.map((w) => w.class)).toEqual(["state-backend", "provider-version"]);
    expect(onlyChange(changes, "var.extra").action).toBe("create");
    expect(onlyChange(changes, "output.x").action).toBe("delete");
    expect(changes.every((c) => c.dangers.length === 0)).toBe(true);
  });
});

describe("secrets are masked", () => {
  const secret = "hunter2-Correct-Horse-Battery";
  const token = "tK9xQ2mZ7vB4nR8wL3pY6sD1fG5hJ0aE";

  function secretChanges(): Change[] {
    const base = {
      "production-backup": stackDoc(
        {
          hcloud_storage_box: {
            backup: { name: "backup", password: "${var.storage_box_password_backup}", location: "hel1" },
          },
          hcloud_zone: {
            z: {
              name: "example.org",
              mode: "secondary",
              primary_nameservers: [{ address: "192.0.2.1", tsig_key: "${var.tsig}" }],
            },
          },
          hcloud_server: { s: { ...server("s"), user_data: "#cloud-config\nruncmd: [true]\n" } },
        },
        {
          variable: {
            storage_box_password_backup: { type: "string", sensitive: true },
            tsig: { type: "string", sensitive: true, default: "old-default-secret" },
          },
        },
      ),
    };
    const head = clone(base) as any;
    const res = head["production-backup"].resource;
    res.hcloud_storage_box.backup.password = secret;
    res.hcloud_zone.z.primary_nameservers[0].tsig_key = secret;
    res.hcloud_zone.z.labels = { note: "${var.storage_box_password_backup}", build: token };
    res.hcloud_server.s.user_data = `#cloud-config\nchpasswd:\n  list: |\n    root:${secret}\n  password: ${secret}\n`;
    res.hcloud_server.s.lifecycle = {};
    head["production-backup"].variable.tsig.default = secret;
    return compareStacks(base, head);
  }

  test(
    "attributes named like secrets, references to sensitive variables, " +
      "high-entropy strings and sensitive defaults",
    () => {
      const changes = secretChanges();
      const box = onlyChange(changes, "hcloud_storage_box.backup");
      expect(box.attributes).toEqual([{ path: "password", old: "(sensitive)", new: "(sensitive)" }]);
      const zone = onlyChange(changes, "hcloud_zone.z");
      expect(zone.attributes).toEqual([
        { path: "labels", new: "{build: (sensitive), note: (sensitive)}" },
        { path: "primary_nameservers[0].tsig_key", old: "(sensitive)", new: "(sensitive)" },
      ]);
      expect(onlyChange(changes, "var.tsig").attributes).toEqual([
        { path: "default", old: "(sensitive)", new: "(sensitive)" },
      ]);
    },
  );

  test("user data holding a secret is masked whole, never hashed; other user data shows its length and hash", () => {
    const s = onlyChange(secretChanges(), "hcloud_server.s");
    const userData = s.attributes.find((a) => a.path === "user_data")!;
    expect(userData.old).toMatch(/^\(text: 29 bytes, 2 lines, sha256 [0-9a-f]{12}\)$/);
    expect(userData.new).toBe("(sensitive)");
    expect(userData.forcesReplacement).toBe(true);
  });

  test("no secret reaches the Markdown or the JSON", () => {
    const changes = secretChanges();
    for (const text of [toMarkdown(report(changes)), toJson(report(changes))]) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain(token);
      expect(text).not.toContain("old-default-secret");
      expect(text).toContain("(sensitive)");
    }
  });

  test("DNS record values are published data: a long DKIM key is shown, not masked", () => {
    const dkim =
      `"v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0` +
      `gunVTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxKLxoS2tFczGkPLPgizskuemMghRniWaoLcyehkd3qq` +
      `GElvW/VDL5AaWTg0nLVkjRo9z+40RQzuVaE8AkAFmxZzow3x+VJYKdx/M6sW3c7cnbnAbxXwFyRgLUWeBBo5dd72tVw"`;
    const base = {
      s: stackDoc({
        hcloud_zone_rrset: { dkim: { zone: "z", name: "mail._domainkey", type: "TXT", records: [{ value: '"old"' }] } },
      }),
    };
    const head = clone(base) as any;
    head.s.resource.hcloud_zone_rrset.dkim.records = [{ value: dkim }];
    const c = onlyChange(compareStacks(base, head), "hcloud_zone_rrset.dkim");
    expect(c.attributes[0]!.new).toMatch(/^"\\"v=DKIM1; k=rsa; p=MIIBIjAN.*… \(\d+ characters, sha256 [0-9a-f]{12}\)$/);
  });
});

describe("order", () => {
  test("stateful destruction and replacement come first, then other dangers, then the rest by stack order", () => {
    const head = environment();
    const res = (head["production-servers"] as any).resource;
    res.hcloud_server["web-1"].server_type = "cx42"; // warning only
    res.hcloud_primary_ip["web-2-ipv4"] = { name: "web-2-ipv4", type: "ipv4", location: "fsn1" }; // danger
    delete res.hcloud_volume; // stateful destruction
    (head["production-network"] as any).resource.hcloud_firewall["ssh-admin"].rule[0].source_ips = WORLD; // danger
    (head["production-network"] as any).resource.hcloud_ssh_key.bob = {
      name: "bob",
      public_key: "ssh-ed25519 AAAA bob",
    };
    const changes = compareOutputs(new Map(Object.entries(environment())), new Map(Object.entries(head)), T, {
      stackOrder: ["production-network", "production-servers"],
    });
    expect(changes.map((c) => c.address)).toEqual([
      "hcloud_volume.web-1-data",
      "hcloud_firewall.ssh-admin",
      "hcloud_primary_ip.web-2-ipv4",
      "hcloud_ssh_key.bob",
      "hcloud_server.web-1",
    ]);
  });
});
