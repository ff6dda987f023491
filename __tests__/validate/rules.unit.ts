/**
 * One describe per validation rule (1–12): each feeds bad input and asserts
 * the problem's message, stack, address and path; valid variants give no
 * problems. Uses the committed hcloud 1.68.0 schema.
 */

import * as path from "node:path";
import { type Problem, formatProblem, indexProviderSchemas, loadProviderSchemas, validateStack } from "../../validate";
import { joinRegExp } from "../../primitives/regexp";

const schemas = loadProviderSchemas([path.join(__dirname, "../../providers/hcloud/schema.json")]);
const STACK = "production-network";

/**
 * A stack with the usual preamble (required_providers, token variable,
 * provider) plus `sections`; variables given in `sections` are added to the
 * token variable.
 */
function stack(sections: Record<string, unknown>): Record<string, unknown> {
  const variables = (sections.variable ?? {}) as Record<string, unknown>;
  return {
    "//": { metadata: { backend: "local", stackName: STACK, version: "0.24.0" }, outputs: {} },
    terraform: { required_providers: { hcloud: { source: "hetznercloud/hcloud", version: "1.68.0" } } },
    provider: { hcloud: [{ token: "${var.hcloud_token}" }] },
    ...sections,
    variable: { hcloud_token: { type: "string", sensitive: true }, ...variables },
  };
}

const server = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  name: "web-1",
  server_type: "cx22",
  image: "debian-12",
  location: "fsn1",
  ...extra,
});

/** A storage box with its required attributes, plus `extra`. */
const storageBox = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  name: "b",
  location: "fsn1",
  storage_box_type: "bx11",
  password: "p",
  ...extra,
});

function run(doc: unknown): Problem[] {
  return validateStack(STACK, doc, schemas);
}

/** Runs and expects exactly one problem, which is returned. */
function single(doc: unknown): Problem {
  const problems = run(doc);
  expect(problems.map(formatProblem)).toHaveLength(1);
  return problems[0]!;
}

function expectProblem(p: Problem, address: string, path: string, message: string | RegExp, severity = "error"): void {
  expect(p.stack).toBe(STACK);
  expect(p.severity).toBe(severity);
  expect(p.address).toBe(address);
  expect(p.path).toBe(path);
  if (typeof message === "string") expect(p.message).toBe(message);
  else expect(p.message).toMatch(message);
}

/** A stack whose one resource is the server `web`: the usual one plus `extra`. */
const withServer = (extra: Record<string, unknown>): unknown =>
  stack({ resource: { hcloud_server: { web: server(extra) } } });

/** Validates {@link withServer}'s stack, expects its single problem at `path`, and returns it. */
function expectServerProblem(
  extra: Record<string, unknown>,
  path: string,
  message: string | RegExp,
  severity = "error",
): Problem {
  const p = single(withServer(extra));
  expectProblem(p, "hcloud_server.web", path, message, severity);
  return p;
}

describe("a realistic valid stack", () => {
  it("yields no problems", () => {
    const doc = stack({
      data: {
        hcloud_image: { debian: { name: "debian-12", with_architecture: "x86" } },
        terraform_remote_state: {
          "cross-stack-reference-input-dns": {
            backend: "local",
            config: { path: "../dns/terraform.tfstate" },
            workspace: "${terraform.workspace}",
          },
        },
      },
      resource: {
        hcloud_network: {
          main: {
            "//": { metadata: { path: `${STACK}/main`, uniqueId: "main" } },
            name: "main",
            ip_range: "10.0.0.0/8",
            labels: { env: "prod" },
          },
        },
        hcloud_network_subnet: {
          cloud: {
            network_id: "${hcloud_network.main.id}",
            type: "cloud",
            network_zone: "eu-central",
            ip_range: "10.0.1.0/24",
          },
        },
        hcloud_firewall: {
          web: {
            name: "web",
            rule: [
              {
                "//": { comment: "metadata is allowed in nested blocks too" },
                direction: "in",
                protocol: "tcp",
                port: "22",
                source_ips: ["0.0.0.0/0", "::/0"],
                description: "ssh",
              },
              { direction: "in", protocol: "icmp", source_ips: ["0.0.0.0/0"] },
            ],
          },
        },
        hcloud_primary_ip: {
          "web-1-v4": { name: "web-1-v4", type: "ipv4", location: "fsn1", assignee_type: "server", auto_delete: false },
        },
        hcloud_server: {
          "web-1": server({
            "//": { metadata: { path: `${STACK}/web-1`, uniqueId: "web-1" } },
            image: "${data.hcloud_image.debian.name}",
            firewall_ids: ["${hcloud_firewall.web.id}"],
            labels: { role: "web", dns: "${data.terraform_remote_state.cross-stack-reference-input-dns.outputs.zone}" },
            user_data: "#cloud-config\nhostname: web-1\n",
            public_net: [{ ipv4_enabled: true, ipv4: "${hcloud_primary_ip.web-1-v4.id}", ipv6_enabled: false }],
            network: [{ network_id: "${hcloud_network.main.id}", ip: "10.0.1.5" }],
            timeouts: { create: "10m" },
            depends_on: ["hcloud_network_subnet.cloud"],
            lifecycle: { ignore_changes: ["ssh_keys", "user_data"], create_before_destroy: true },
          }),
        },
        hcloud_storage_box: {
          backup: {
            name: "backup",
            location: "fsn1",
            storage_box_type: "bx11",
            password: "${var.hcloud_token}",
            access_settings: { ssh_enabled: true, samba_enabled: false },
            snapshot_plan: { hour: 3, minute: 0, max_snapshots: 10, day_of_week: null },
          },
        },
      },
      variable: { hcloud_token: { type: "string", sensitive: true, description: "API token" } },
      output: { "web-1-ip": { value: "${hcloud_server.web-1.ipv4_address}", description: "public IPv4" } },
      import: [{ to: "hcloud_server.web-1", id: "12345" }],
      moved: [{ from: "hcloud_server.web", to: "hcloud_server.web-1" }],
    });
    expect(run(doc).map(formatProblem)).toEqual([]);
  });
});

describe("rule 1: unknown resource and data source types", () => {
  it("reports an unknown resource type with the nearest known name", () => {
    const p = single(stack({ resource: { hcloud_servr: { web: server() } } }));
    expectProblem(
      p,
      "hcloud_servr.web",
      "",
      'unknown resource type "hcloud_servr" (expected a resource type of ' +
        'provider hetznercloud/hcloud; nearest is "hcloud_server")',
    );
  });

  it("reports an unknown data source type with the nearest known name", () => {
    const p = single(stack({ data: { hcloud_imagee: { debian: { name: "debian-12" } } } }));
    expectProblem(
      p,
      "data.hcloud_imagee.debian",
      "",
      /^unknown data source type "hcloud_imagee" .*nearest is "hcloud_image"\)$/,
    );
  });

  it("gives no suggestion when nothing is close", () => {
    const p = single(stack({ resource: { hcloud_quantum_computer: { q: {} } } }));
    expect(p.message).toBe(
      'unknown resource type "hcloud_quantum_computer" (expected a resource type of provider hetznercloud/hcloud)',
    );
  });

  it("accepts the built-in terraform_data and terraform_remote_state", () => {
    const doc = stack({
      resource: { terraform_data: { marker: { input: { a: 1 }, triggers_replace: ["x"] } } },
      data: { terraform_remote_state: { other: { backend: "local", config: { path: "x" } } } },
    });
    expect(run(doc)).toEqual([]);
  });
});

describe("rule 2: unknown attributes and blocks", () => {
  it("reports an unknown top-level attribute", () => {
    expectServerProblem(
      { imag: "debian-12" },
      "imag",
      'unknown attribute or block "imag" (expected an attribute or block of hcloud_server; nearest is "image")',
    );
  });

  it("reports an unknown attribute inside a nested block", () => {
    const rule = { direction: "in", protocol: "tcp", prot: "22" };
    const p = single(stack({ resource: { hcloud_firewall: { web: { name: "web", rule: [rule] } } } }));
    expectProblem(
      p,
      "hcloud_firewall.web",
      "rule[0].prot",
      'unknown attribute or block "prot" (expected an attribute or block of rule; nearest is "port")',
    );
  });

  it("reports an unknown attribute inside a nested attribute (nested_type)", () => {
    const box = storageBox({ access_settings: { samba_enable: true } });
    const p = single(stack({ resource: { hcloud_storage_box: { box } } }));
    expectProblem(
      p,
      "hcloud_storage_box.box",
      "access_settings.samba_enable",
      /^unknown attribute or block "samba_enable" .*nearest is "samba_enabled"\)$/,
    );
  });

  it("suggests the snake_case name for a camelCase slip", () => {
    const problems = run(stack({ resource: { hcloud_server: { web: { name: "w", serverType: "cx22" } } } }));
    expect(problems.map((p) => [p.path, p.message])).toEqual([
      [
        "serverType",
        'unknown attribute or block "serverType" (expected an attribute or ' +
          'block of hcloud_server; nearest is "server_type")',
      ],
      ["server_type", 'missing required attribute "server_type" (expected string)'],
    ]);
  });

  it("reports an unknown block type in a dynamic block", () => {
    const dynamic = { rules: { for_each: "${var.rules}", content: { direction: "in", protocol: "tcp" } } };
    const doc = stack({ variable: { rules: {} }, resource: { hcloud_firewall: { web: { name: "web", dynamic } } } });
    const p = single(doc);
    expectProblem(
      p,
      "hcloud_firewall.web",
      "dynamic.rules",
      /^unknown block type "rules" in dynamic block .*nearest is "rule"\)$/,
    );
  });
});

describe("rule 3: missing required attributes and blocks", () => {
  it("reports a missing required attribute", () => {
    const p = single(stack({ resource: { hcloud_server: { web: { name: "web" } } } }));
    expectProblem(p, "hcloud_server.web", "server_type", 'missing required attribute "server_type" (expected string)');
  });

  it("reports a required attribute set to null", () => {
    expectServerProblem({ name: null }, "name", 'required attribute "name" is null (expected string)');
  });

  it("reports a missing required attribute inside a nested block", () => {
    const p = single(
      stack({
        resource: {
          hcloud_firewall: { web: { name: "web", rule: [{ direction: "in", protocol: "tcp" }, { direction: "in" }] } },
        },
      }),
    );
    expectProblem(
      p,
      "hcloud_firewall.web",
      "rule[1].protocol",
      'missing required attribute "protocol" (expected string)',
    );
  });

  it("reports a missing required attribute inside a nested attribute", () => {
    const box = storageBox({ snapshot_plan: { hour: 3, minute: 0 } });
    const p = single(stack({ resource: { hcloud_storage_box: { box } } }));
    expectProblem(
      p,
      "hcloud_storage_box.box",
      "snapshot_plan.max_snapshots",
      'missing required attribute "max_snapshots" (expected number)',
    );
  });

  it("reports a missing block type with min_items > 0", () => {
    const custom = indexProviderSchemas([
      {
        format_version: "1.0",
        provider_schemas: {
          "registry.terraform.io/acme/box": {
            provider: { version: 0, block: {} },
            resource_schemas: {
              box_thing: {
                version: 0,
                block: {
                  attributes: { name: { type: "string", optional: true } },
                  block_types: {
                    part: {
                      nesting_mode: "list",
                      block: { attributes: { size: { type: "number", required: true } } },
                      min_items: 1,
                    },
                  },
                },
              },
            },
          },
        },
      },
    ]);
    const problems = validateStack(STACK, { resource: { box_thing: { t: { name: "x" } } } }, custom);
    expect(problems).toEqual([
      {
        severity: "error",
        stack: STACK,
        address: "box_thing.t",
        path: "part",
        message: 'missing required block "part" (expected at least 1 block)',
      },
    ]);
    const viaDynamic = {
      resource: {
        box_thing: { t: { dynamic: { part: { for_each: "${toset([1])}", content: { size: "${part.value}" } } } } },
      },
    };
    expect(validateStack(STACK, viaDynamic, custom)).toEqual([]);
  });
});

describe("rule 4: literal values of the wrong type", () => {
  it("accepts Terraform's conversions", () => {
    const converted = withServer({
      name: 42, // number → string
      user_data: true, // bool → string
      placement_group_id: "42", // numeric string → number
      backups: "true", // "true" → bool
      keep_disk: "0", // "0" → bool
      firewall_ids: [1, "2", null],
      labels: { a: "x", b: 1, c: false },
      iso: null, // null for optional
    });
    expect(run(converted)).toEqual([]);
  });

  // Each row: what the server is given, and the problems (path, message) reported for it, in order.
  it.each<[string, Record<string, unknown>, [string, string][]]>([
    [
      "a non-numeric string where a number is expected",
      { placement_group_id: "abc" },
      [["placement_group_id", 'wrong type: got string "abc", which is not a number (expected number)']],
    ],
    [
      "a bool where a number is expected and a number where a bool is expected",
      { placement_group_id: true, backups: 1 },
      [
        ["placement_group_id", "wrong type: got boolean true (expected number)"],
        ["backups", "wrong type: got number 1 (expected bool)"],
      ],
    ],
    [
      "a string that is not a bool",
      { backups: "yes" },
      [["backups", 'wrong type: got string "yes", which is not "true", "false", "1" or "0" (expected bool)']],
    ],
    [
      "a string where a list is expected",
      { ssh_keys: "my-key" },
      [["ssh_keys", 'wrong type: got string "my-key" (expected list of string)']],
    ],
    [
      "an object or a list where a string is expected",
      { name: { first: "web" }, image: ["debian-12"] },
      [
        ["name", "wrong type: got object (expected string)"],
        ["image", "wrong type: got array of 1 element (expected string)"],
      ],
    ],
    [
      "a wrong element inside a set, with its index",
      { firewall_ids: [1, "two"] },
      [["firewall_ids[1]", 'wrong type: got string "two", which is not a number (expected number)']],
    ],
  ])("reports %s", (_what, extra, expected) => {
    const problems = run(withServer(extra));
    expect(problems.map((p) => [p.stack, p.severity, p.address])).toEqual(
      expected.map(() => [STACK, "error", "hcloud_server.web"]),
    );
    expect(problems.map((p) => [p.path, p.message])).toEqual(expected);
  });

  it("reports wrong map values and a list where a map is expected", () => {
    const problems = run(withServer({ labels: { env: { nested: 1 }, "app.kubernetes.io/name": ["x"] } }));
    expect(problems.map((p) => [p.path, p.message])).toEqual([
      ["labels.env", "wrong type: got object (expected string)"],
      ['labels["app.kubernetes.io/name"]', "wrong type: got array of 1 element (expected string)"],
    ]);
    expect(single(withServer({ labels: ["env=prod"] })).message).toBe(
      "wrong type: got array of 1 element (expected map of string)",
    );
  });

  it("reports wrong types inside nested blocks and nested attributes", () => {
    const box = storageBox({ snapshot_plan: { hour: "three", minute: 0, max_snapshots: 1 } });
    const problems = run(
      stack({
        resource: {
          hcloud_storage_box: { box },
          hcloud_firewall: {
            web: { name: "web", rule: [{ direction: "in", protocol: "tcp", source_ips: "0.0.0.0/0" }] },
          },
        },
      }),
    );
    expect(problems.map((p) => [p.address, p.path, p.message])).toEqual([
      [
        "hcloud_storage_box.box",
        "snapshot_plan.hour",
        'wrong type: got string "three", which is not a number (expected number)',
      ],
      ["hcloud_firewall.web", "rule[0].source_ips", 'wrong type: got string "0.0.0.0/0" (expected set of string)'],
    ]);
  });

  it("reports a nested attribute given the wrong shape", () => {
    const box = storageBox({ access_settings: [{ ssh_enabled: true }] });
    const p = single(stack({ resource: { hcloud_storage_box: { box } } }));
    expectProblem(
      p,
      "hcloud_storage_box.box",
      "access_settings",
      /^wrong type for "access_settings": got array of 1 element \(expected object with attributes /,
    );
  });
});

describe("rule 5: number of blocks", () => {
  const lb = (extra: Record<string, unknown>): unknown =>
    stack({
      resource: {
        hcloud_load_balancer: { lb: { name: "lb", load_balancer_type: "lb11", location: "fsn1", ...extra } },
      },
    });

  it("accepts a single block as an object or a one-element array, and list blocks as an object", () => {
    expect(
      run(
        stack({
          resource: {
            hcloud_server: { a: server({ timeouts: { create: "5m" } }), b: server({ timeouts: [{ create: "5m" }] }) },
          },
        }),
      ),
    ).toEqual([]);
    expect(run(lb({ algorithm: { type: "round_robin" } }))).toEqual([]);
    expect(
      run(
        stack({ resource: { hcloud_firewall: { web: { name: "web", rule: { direction: "in", protocol: "icmp" } } } } }),
      ),
    ).toEqual([]);
  });

  it("reports two blocks where a single block is expected", () => {
    const p = single(
      stack({ resource: { hcloud_server: { web: server({ timeouts: [{ create: "5m" }, { create: "6m" }] }) } } }),
    );
    expectProblem(p, "hcloud_server.web", "timeouts", 'too many "timeouts" blocks: 2 given (expected at most 1)');
  });

  it("reports more blocks than max_items", () => {
    const p = single(lb({ algorithm: [{ type: "round_robin" }, { type: "least_connections" }] }));
    expectProblem(
      p,
      "hcloud_load_balancer.lb",
      "algorithm",
      'too many "algorithm" blocks: 2 given (expected at most 1)',
    );
  });

  it("reports fewer blocks than min_items", () => {
    const custom = indexProviderSchemas([
      {
        provider_schemas: {
          "acme/box": {
            resource_schemas: {
              box_pair: {
                block: { block_types: { side: { nesting_mode: "set", block: {}, min_items: 2, max_items: 2 } } },
              },
            },
          },
        },
      },
    ]);
    const problems = validateStack(STACK, { resource: { box_pair: { p: { side: [{}] } } } }, custom);
    expect(problems).toEqual([
      {
        severity: "error",
        stack: STACK,
        address: "box_pair.p",
        path: "side",
        message: 'too few "side" blocks: 1 given (expected at least 2)',
      },
    ]);
  });

  it("reports blocks given as an expression or a scalar", () => {
    const problems = run(
      stack({
        variable: { rules: {} },
        resource: {
          hcloud_firewall: {
            a: { name: "a", rule: "${var.rules}" },
            b: { name: "b", rule: 7 },
            c: { name: "c", rule: ["in"] },
          },
        },
      }),
    );
    expect(problems.map((p) => [p.address, p.path, p.message])).toEqual([
      [
        "hcloud_firewall.a",
        "rule",
        'block "rule" cannot be set from an expression (expected an object ' +
          'or an array of objects, or a "dynamic" block)',
      ],
      [
        "hcloud_firewall.b",
        "rule",
        'wrong type for block "rule": got number 7 (expected an object or an array of objects)',
      ],
      ["hcloud_firewall.c", "rule[0]", 'wrong type for block "rule": got string "in" (expected an object)'],
    ]);
  });
});

describe("rule 6: computed-only attributes", () => {
  it("reports a computed-only attribute that is set", () => {
    expectServerProblem(
      { ipv4_address: "1.2.3.4" },
      "ipv4_address",
      'attribute "ipv4_address" is computed by the provider and cannot be set (expected it to be left out)',
    );
  });

  it("reports a computed-only attribute inside a nested block, and accepts optional+computed ones", () => {
    const p = single(
      stack({
        resource: {
          hcloud_server: { web: server({ network: [{ network_id: 1, ip: "10.0.0.2", mac_address: "aa:bb" }] }) },
        },
      }),
    );
    expectProblem(
      p,
      "hcloud_server.web",
      "network[0].mac_address",
      /^attribute "mac_address" is computed by the provider/,
    );
  });
});

describe("rule 7: references", () => {
  const base = {
    hcloud_firewall: { web: { name: "web" } },
    hcloud_server: { web: server(), pool: { ...server(), count: 3 }, named: { ...server(), for_each: { a: "x" } } },
    hcloud_zone: { z: { name: "example.com", mode: "primary" } },
    hcloud_storage_box: { box: storageBox() },
  };
  const withOutputs = (values: Record<string, string>, extra: Record<string, unknown> = {}): unknown =>
    stack({
      resource: base,
      data: {
        hcloud_image: { debian: { name: "debian-12" } },
        terraform_remote_state: { "cross-stack-reference-input-foo": { backend: "local" } },
      },
      locals: { region: "fsn1", labels: { env: "prod" } },
      output: Object.fromEntries(Object.entries(values).map(([name, value]) => [name, { value }])),
      ...extra,
    });
  /** The problems of a stack with these outputs, each as [output name, message]; all are on an output's value. */
  const outputProblems = (values: Record<string, string>): [string, string][] => {
    const problems = run(withOutputs(values));
    expect(problems.map((p) => p.path)).toEqual(problems.map(() => "value"));
    return problems.map((p) => [p.address.replace(/^output\./, ""), p.message]);
  };

  it("accepts references to declared objects and their attributes", () => {
    const doc = withOutputs({
      a: "${hcloud_firewall.web.id}",
      b: "${hcloud_server.web.ipv4_address}",
      c: "${data.hcloud_image.debian.id}",
      d: "${data.terraform_remote_state.cross-stack-reference-input-foo.outputs.bar}",
      e: "${data.terraform_remote_state.cross-stack-reference-input-foo.id}",
      f:
        "${hcloud_server.pool[0].id} ${hcloud_server.pool.*.id} " +
        '${hcloud_server.named["a"].name} ${hcloud_server.pool[*].ipv4_address}',
      g: "${hcloud_zone.z.authoritative_nameservers.assigned[0]}",
      h: "${hcloud_storage_box.box.access_settings.samba_enabled} ${hcloud_server.web.network[*].ip}",
      i: "${var.hcloud_token} ${local.region} ${path.module} ${terraform.workspace}",
    });
    expect(run(doc).map(formatProblem)).toEqual([]);
  });

  it("understands function calls, operators, string literals, directives and escapes", () => {
    const doc = withOutputs({
      a: "${element(hcloud_server.web.*.id, 0)}",
      b: "${tolist(hcloud_zone.z.authoritative_nameservers)[0]}",
      c: '${hcloud_server.web.ipv4_address != "" ? 1 : 0}',
      d: '${upper("hcloud_server.nope.id")} and $${hcloud_server.escaped.id}',
      e: '%{ if local.region == "fsn1" }eu%{ else }${hcloud_server.web.location}%{ endif }',
      f: "%{ for ip in hcloud_server.pool[*].ipv4_address }${ip},%{ endfor }",
      g: '${[for s in hcloud_server.pool : s.ipv4_address if s.status == "running"]}',
      h: '${merge(local.labels, { role = "web", zone = hcloud_zone.z.name })}',
      i: "${provider::hcloud::noop(1)} ${jsonencode({ a = [1, 2.5e3, true, null] })}",
    });
    expect(run(doc).map(formatProblem)).toEqual([]);
  });

  it("reports a reference to an undeclared resource, with the nearest name", () => {
    const p = single(
      stack({
        resource: {
          hcloud_firewall: { web: { name: "web" } },
          hcloud_server: { s: server({ firewall_ids: ["${hcloud_firewall.webb.id}"] }) },
        },
      }),
    );
    expectProblem(
      p,
      "hcloud_server.s",
      "firewall_ids[0]",
      'reference to undeclared resource "hcloud_firewall.webb" (expected a resource ' +
        'declared in this stack; nearest is "hcloud_firewall.web")',
    );
  });

  it("reports a reference to an unknown attribute, with the nearest name", () => {
    const p = single(withOutputs({ ip: "${hcloud_server.web.ipv4}" }));
    expectProblem(
      p,
      "output.ip",
      "value",
      'invalid reference "hcloud_server.web.ipv4": hcloud_server.web has no attribute "ipv4" ' +
        '(expected an attribute or block of its schema; nearest is "ipv4_address")',
    );
  });

  it("checks deeper steps into nested attributes and remote state", () => {
    expect(
      outputProblems({
        a: "${hcloud_storage_box.box.access_settings.samba}",
        b: "${data.terraform_remote_state.cross-stack-reference-input-foo.output.bar}",
        c: "${hcloud_server.web.network[0].ip}",
        d: "${hcloud_server.web.name.first}",
      }),
    ).toEqual([
      [
        "a",
        'invalid reference "hcloud_storage_box.box.access_settings.samba": access_settings has no attribute ' +
          '"samba" (expected an attribute or block of its schema; nearest is "samba_enabled")',
      ],
      [
        "b",
        'invalid reference "data.terraform_remote_state.cross-stack-reference-input-foo.output.bar": ' +
          'data.terraform_remote_state.cross-stack-reference-input-foo has no attribute "output" (expected an ' +
          'attribute or block of its schema; nearest is "outputs")',
      ],
      [
        "c",
        'invalid reference "hcloud_server.web.network[0].ip": "network" is a set, and set elements ' +
          "cannot be indexed (expected a for expression or a splat such as network[*])",
      ],
      [
        "d",
        'invalid reference "hcloud_server.web.name.first": "name" is a string, ' +
          'which has no attribute "first" (expected name itself)',
      ],
    ]);
  });

  it("checks instance keys against count and for_each", () => {
    expect(outputProblems({ a: "${hcloud_server.pool.id}", b: "${hcloud_server.web[0].id}" })).toEqual([
      [
        "a",
        'missing instance key in "hcloud_server.pool.id": hcloud_server.pool uses count ' +
          "(expected hcloud_server.pool[<key>].id or hcloud_server.pool[*].id)",
      ],
      [
        "b",
        'unexpected instance key in "hcloud_server.web[0].id": hcloud_server.web has neither ' +
          "count nor for_each (expected hcloud_server.web.<attribute>)",
      ],
    ]);
  });

  it("reports undeclared variables, locals, modules and data sources", () => {
    expect(
      outputProblems({
        a: "${var.hcloud_tokn}",
        b: "${local.regon}",
        c: "${module.dns.zone_id}",
        d: "${data.hcloud_image.debain.id}",
        e: "${vars.x}",
      }),
    ).toEqual([
      [
        "a",
        'reference to undeclared variable "var.hcloud_tokn" (expected a variable ' +
          'declared in this stack; nearest is "var.hcloud_token")',
      ],
      [
        "b",
        'reference to undeclared local value "local.regon" (expected a local value ' +
          'declared in this stack; nearest is "local.region")',
      ],
      ["c", 'reference to undeclared module "module.dns" (expected a module declared in this stack)'],
      [
        "d",
        'reference to undeclared data source "data.hcloud_image.debain" (expected a data source ' +
          'declared in this stack; nearest is "data.hcloud_image.debian")',
      ],
      ["e", 'reference to undeclared resource "vars.x" (expected a resource declared in this stack; nearest is "var")'],
    ]);
  });

  it("checks references inside nested values, locals and dynamic blocks", () => {
    const doc = stack({
      variable: { rules: {} },
      locals: { ips: ["${hcloud_server.ghost.ipv4_address}"] },
      resource: {
        hcloud_firewall: {
          web: {
            name: "web",
            dynamic: {
              rule: {
                for_each: "${var.rules}",
                iterator: "r",
                content: { direction: "in", protocol: "${r.value.protocol}", port: "${q.value}" },
              },
            },
          },
        },
      },
    });
    const problems = run(doc);
    expect(problems.map((p) => [p.address, p.path, p.message])).toEqual([
      [
        "local.ips",
        "[0]",
        'reference to undeclared resource "hcloud_server.ghost" (expected a resource declared in this stack)',
      ],
      [
        "hcloud_firewall.web",
        "dynamic.rule.content.port",
        'reference to undeclared resource "q.value" (expected a resource declared in this stack)',
      ],
    ]);
  });

  it("checks depends_on addresses", () => {
    const doc = stack({
      resource: {
        hcloud_network: { n: { name: "n", ip_range: "10.0.0.0/8" } },
        hcloud_server: { web: server({ depends_on: ["hcloud_network.n", "hcloud_network.m", "hcloud_network.n.id"] }) },
      },
    });
    const problems = run(doc);
    expect(problems.map((p) => [p.path, p.message])).toEqual([
      [
        "depends_on[1]",
        'reference to undeclared resource "hcloud_network.m" (expected a resource ' +
          'declared in this stack; nearest is "hcloud_network.n")',
      ],
      [
        "depends_on[2]",
        'depends_on must name a whole object, not an attribute: "hcloud_network.n.id" (expected an ' +
          "address such as hcloud_server.web, data.hcloud_image.debian or module.x)",
      ],
    ]);
  });

  it("reports an unclosed interpolation", () => {
    const p = single(withOutputs({ a: "${hcloud_server.web.id" }));
    expectProblem(p, "output.a", "value", 'invalid template: unclosed "${" (expected "}")');
  });
});

describe("rule 8: deprecated attributes and blocks", () => {
  it("warns about a deprecated attribute", () => {
    const p = expectServerProblem(
      { datacenter: "fsn1-dc14" },
      "datacenter",
      'attribute "datacenter" is deprecated',
      "warning",
    );
    expect(formatProblem(p)).toBe(
      `warning: ${STACK} hcloud_server.web datacenter: attribute "datacenter" is deprecated`,
    );
  });

  it("warns about a deprecated block and a deprecated data source type", () => {
    const problems = run(
      stack({
        resource: {
          hcloud_load_balancer: {
            lb: {
              name: "lb",
              load_balancer_type: "lb11",
              location: "fsn1",
              target: [{ type: "server", server_id: 1 }],
            },
          },
        },
        data: { hcloud_datacenter: { dc: { name: "fsn1-dc14" } } },
      }),
    );
    expect(problems.map((p) => [p.severity, p.address, p.path, p.message])).toEqual([
      ["warning", "hcloud_load_balancer.lb", "target", 'block "target" is deprecated'],
      ["warning", "data.hcloud_datacenter.dc", "", 'data source type "hcloud_datacenter" is deprecated'],
    ]);
  });
});

describe("rule 9: provider blocks", () => {
  it("accepts the object form, alias and version", () => {
    const doc = stack({
      provider: {
        hcloud: [
          { token: "${var.hcloud_token}" },
          { alias: "eu", version: "~> 1.68", token: "${var.hcloud_token}", poll_interval: "1s" },
        ],
      },
      resource: { hcloud_server: { web: server({ provider: "hcloud.eu" }) } },
    });
    expect(run(doc)).toEqual([]);
    expect(run(stack({ provider: { hcloud: { token: "${var.hcloud_token}" } } }))).toEqual([]);
  });

  it("reports an unknown provider argument", () => {
    const p = single(stack({ provider: { hcloud: [{ tokn: "${var.hcloud_token}" }] } }));
    expectProblem(
      p,
      "provider.hcloud",
      "tokn",
      'unknown attribute or block "tokn" (expected an attribute or block of provider hcloud; nearest is "token")',
    );
  });

  it("reports a wrong type in an aliased provider", () => {
    const p = single(stack({ provider: { hcloud: [{}, { alias: "eu", poll_interval: ["1s"] }] } }));
    expectProblem(p, "provider.hcloud.eu", "poll_interval", "wrong type: got array of 1 element (expected string)");
  });

  it("reports a resource using an undeclared provider alias", () => {
    expectServerProblem(
      { provider: "hcloud.us" },
      "provider",
      'provider configuration "hcloud.us" is not declared (expected a provider "hcloud" block with alias "us")',
    );
  });

  it("matches providers through required_providers sources and other local names", () => {
    for (const source of [
      "hetznercloud/hcloud",
      "registry.terraform.io/hetznercloud/hcloud",
      "registry.opentofu.org/hetznercloud/hcloud",
    ]) {
      const doc = {
        terraform: { required_providers: { hetzner: { source } } },
        provider: { hetzner: [{ token: "t" }] },
        resource: { hcloud_server: { web: server({ provider: "hetzner" }) } },
      };
      expect(run(doc)).toEqual([]);
    }
  });
});

describe("rule 10: interpolations stand for any type", () => {
  const declarations = { variable: { keys: {}, backups: {} }, locals: { labels: {}, settings: {} } };

  it("accepts interpolations where numbers, lists, maps, bools and nested objects are expected", () => {
    const doc = stack({
      ...declarations,
      resource: {
        hcloud_placement_group: { pg: { name: "pg", type: "spread" } },
        hcloud_server: {
          web: server({
            placement_group_id: "${hcloud_placement_group.pg.id}",
            ssh_keys: "${var.keys}",
            labels: "${local.labels}",
            backups: "${var.backups}",
          }),
        },
        hcloud_storage_box: {
          box: storageBox({ access_settings: "${local.settings}", ssh_keys: ["${var.keys}"] }),
        },
      },
    });
    expect(run(doc)).toEqual([]);
  });

  it("still checks the references inside such interpolations", () => {
    const p = single(
      stack({ ...declarations, resource: { hcloud_server: { web: server({ ssh_keys: "${var.nokeys}" }) } } }),
    );
    expectProblem(p, "hcloud_server.web", "ssh_keys", /^reference to undeclared variable "var.nokeys"/);
  });
});

describe("rule 11: meta-arguments and top-level sections", () => {
  it("accepts every meta-argument and section cdktn or Terraform may emit", () => {
    const doc = stack({
      "//": { metadata: { version: "0.24.0" } },
      terraform: {
        required_version: ">= 1.6",
        required_providers: { hcloud: { source: "hetznercloud/hcloud", version: "1.68.0" } },
        backend: { local: { path: "terraform.tfstate" } },
      },
      variable: {
        hcloud_token: {
          type: "string",
          sensitive: true,
          nullable: false,
          validation: [{ condition: "${length(var.hcloud_token) == 64}", error_message: "64 chars" }],
        },
      },
      locals: { names: ["a", "b"], ports: ["80", "443"] },
      module: {
        dns: {
          source: "./modules/dns",
          version: "1.0.0",
          zone: "example.com",
          providers: { hcloud: "hcloud" },
          depends_on: ["hcloud_network.n"],
        },
      },
      resource: {
        hcloud_network: { n: { name: "n", ip_range: "10.0.0.0/8", lifecycle: { prevent_destroy: true } } },
        hcloud_firewall: {
          dyn: {
            name: "dyn",
            dynamic: {
              rule: {
                for_each: "${toset(local.ports)}",
                iterator: "each",
                content: { direction: "in", protocol: "tcp", port: "${each.value}" },
              },
            },
          },
        },
        hcloud_server: {
          web: {
            ...server({ name: "${each.key}" }),
            "//": { metadata: { path: "x/web", uniqueId: "web" } },
            for_each: "${toset(local.names)}",
            depends_on: ["hcloud_network.n", "module.dns"],
            provider: "hcloud",
            lifecycle: {
              create_before_destroy: true,
              ignore_changes: ["labels", "ssh_keys", "network"],
              replace_triggered_by: ["${hcloud_network.n}", "hcloud_network.n.id"],
              precondition: [{ condition: "${length(local.names) > 0}", error_message: "names" }],
              postcondition: [{ condition: '${self.status == "running"}', error_message: "running" }],
            },
            provisioner: [{ "local-exec": { command: "echo ${self.ipv4_address}" } }],
            connection: { type: "ssh", host: "${self.ipv4_address}" },
          },
          count: { ...server({ name: "web-${count.index}" }), count: 2, lifecycle: { ignore_changes: "all" } },
        },
      },
      output: { ids: { value: "${module.dns.zone_id}", sensitive: true, depends_on: ["hcloud_server.web"] } },
      import: { to: "hcloud_network.n", id: "42" },
      moved: [{ from: "hcloud_server.old", to: "hcloud_server.web" }],
      removed: [{ from: "hcloud_server.gone", lifecycle: { destroy: false } }],
      check: {
        health: {
          data: { hcloud_image: { probe: { name: "debian-12" } } },
          assert: [{ condition: '${data.hcloud_image.probe.id != ""}', error_message: "image" }],
        },
      },
    });
    expect(run(doc).map(formatProblem)).toEqual([]);
  });

  it("reports ignore_changes entries that name unknown attributes", () => {
    const p = single(
      stack({ resource: { hcloud_server: { web: server({ lifecycle: { ignore_changes: ["labels", "sshkeys"] } }) } } }),
    );
    expectProblem(
      p,
      "hcloud_server.web",
      "lifecycle.ignore_changes[1]",
      'ignore_changes names unknown attribute "sshkeys" (expected an ' +
        'attribute or block of the schema; nearest is "ssh_keys")',
    );
  });

  it("reports unknown lifecycle arguments, bad count and a literal for_each list", () => {
    const problems = run(
      stack({
        resource: {
          hcloud_server: {
            a: server({ lifecycle: { prevent_destroi: true } }),
            b: server({ count: -1 }),
            c: server({ for_each: ["a", "b"] }),
          },
        },
      }),
    );
    expect(problems.map((p) => [p.address, p.path, p.message])).toEqual([
      [
        "hcloud_server.a",
        "lifecycle.prevent_destroi",
        expect.stringMatching(/^unknown argument "prevent_destroi" in lifecycle .*nearest is "prevent_destroy"\)$/),
      ],
      ["hcloud_server.b", "count", "wrong type: got number -1 (expected a whole number >= 0)"],
      [
        "hcloud_server.c",
        "for_each",
        "a JSON array is a tuple, which for_each does not accept (expected an " +
          'object, or a set of strings such as "${toset([...])}")',
      ],
    ]);
  });

  it("reports an unknown top-level key", () => {
    const p = single(stack({ resources: {} }));
    expectProblem(
      p,
      "resources",
      "",
      joinRegExp(
        /^unknown top-level key "resources" \(expected one of terraform, /,
        /provider, resource, .*; nearest is "resource"\)$/,
      ),
    );
  });

  it("reports an import whose target is not declared", () => {
    const p = single(
      stack({ resource: { hcloud_server: { web: server() } }, import: [{ to: "hcloud_server.web-1", id: "1" }] }),
    );
    expectProblem(
      p,
      "import[0]",
      "to",
      'reference to undeclared resource "hcloud_server.web-1" (expected a resource ' +
        'declared in this stack; nearest is "hcloud_server.web")',
    );
  });

  it("reports a moved block whose target is not declared", () => {
    const p = single(
      stack({
        resource: { hcloud_server: { web: server() } },
        moved: [{ from: "hcloud_server.web", to: "hcloud_server.www" }],
      }),
    );
    expectProblem(p, "moved[0]", "to", /^reference to undeclared resource "hcloud_server.www"/);
  });

  it("reports a removed block for a resource that is still declared", () => {
    const p = single(
      stack({ resource: { hcloud_server: { web: server() } }, removed: [{ from: "hcloud_server.web" }] }),
    );
    expectProblem(
      p,
      "removed[0]",
      "from",
      '"hcloud_server.web" is still declared in this stack (expected a ' +
        "removed block only for objects no longer declared)",
    );
  });

  it("reports unknown arguments of outputs and variables and a missing output value", () => {
    const problems = run(
      stack({
        variable: { hcloud_token: { type: "string", sensitve: true } },
        output: { x: { description: "no value" } },
      }),
    );
    expect(problems.map((p) => [p.address, p.path, p.message])).toEqual([
      [
        "var.hcloud_token",
        "sensitve",
        expect.stringMatching(/^unknown argument "sensitve" in a variable .*nearest is "sensitive"\)$/),
      ],
      ["output.x", "value", 'missing required argument "value" (expected the value to export)'],
    ]);
  });
});

describe("rule 12: unknown providers", () => {
  it("reports a resource type whose provider has no schema", () => {
    const p = single(stack({ resource: { aws_instance: { vm: { ami: "ami-1" } } } }));
    expectProblem(
      p,
      "aws_instance.vm",
      "",
      'no schema for provider "aws" (expected a loaded provider schema with that name, or ' +
        "a terraform.required_providers entry whose source has one)",
    );
  });

  it("reports a required_providers source that has no loaded schema, for resources and provider blocks", () => {
    const doc = {
      terraform: { required_providers: { aws: { source: "hashicorp/aws" } } },
      provider: { aws: [{ region: "eu-central-1" }] },
      data: { aws_ami: { debian: { most_recent: true } } },
    };
    const problems = run(doc);
    const noSchema =
      'no schema for provider "aws" with source "hashicorp/aws" ' +
      "(expected the schema of hashicorp/aws among the loaded schema files)";
    expect(problems.map((p) => [p.address, p.path, p.message])).toEqual([
      ["provider.aws", "", noSchema],
      ["data.aws_ami.debian", "", noSchema],
    ]);
  });
});

describe("collecting problems", () => {
  it("reports every problem of a stack in one run", () => {
    const doc = stack({
      provider: { hcloud: [{ tokn: "x" }] },
      resource: {
        hcloud_servr: { a: {} },
        hcloud_server: {
          b: {
            name: "b",
            ipv4_address: "1.2.3.4",
            placement_group_id: "x",
            datacenter: "dc",
            firewall_ids: ["${hcloud_firewall.none.id}"],
          },
        },
        hcloud_firewall: { c: { name: "c", rule: [{ direction: "in" }] } },
        aws_instance: { d: {} },
      },
      output: { e: { value: "${var.nope}" } },
      import: [{ to: "hcloud_server.zzz", id: "1" }],
      bogus: true,
    });
    const lines = run(doc).map(formatProblem);
    expect(lines).toEqual([
      `${STACK} provider.hcloud tokn: unknown attribute or block "tokn" (expected an ` +
        `attribute or block of provider hcloud; nearest is "token")`,
      `${STACK} hcloud_servr.a: unknown resource type "hcloud_servr" (expected a resource ` +
        `type of provider hetznercloud/hcloud; nearest is "hcloud_server")`,
      `${STACK} hcloud_server.b ipv4_address: attribute "ipv4_address" is computed by ` +
        `the provider and cannot be set (expected it to be left out)`,
      `${STACK} hcloud_server.b placement_group_id: wrong type: got string ` +
        `"x", which is not a number (expected number)`,
      `warning: ${STACK} hcloud_server.b datacenter: attribute "datacenter" is deprecated`,
      `${STACK} hcloud_server.b firewall_ids[0]: reference to undeclared resource ` +
        `"hcloud_firewall.none" (expected a resource declared in this stack)`,
      `${STACK} hcloud_server.b server_type: missing required attribute "server_type" (expected string)`,
      `${STACK} hcloud_firewall.c rule[0].protocol: missing required attribute "protocol" (expected string)`,
      `${STACK} aws_instance.d: no schema for provider "aws" (expected a loaded provider schema with ` +
        `that name, or a terraform.required_providers entry whose source has one)`,
      `${STACK} output.e value: reference to undeclared variable "var.nope" ` +
        `(expected a variable declared in this stack)`,
      `${STACK} import[0] to: reference to undeclared resource ` +
        `"hcloud_server.zzz" (expected a resource declared in this stack)`,
      `${STACK} bogus: unknown top-level key "bogus" (expected one of terraform, provider, resource, ` +
        `data, variable, output, locals, module, import, moved, removed, check)`,
    ]);
  });

  it("reports duplicate declarations and a document that is not an object", () => {
    const doc = stack({
      resource: [
        { hcloud_network: { n: { name: "n", ip_range: "10.0.0.0/8" } } },
        { hcloud_network: { n: { name: "n2", ip_range: "10.0.0.0/8" } } },
      ],
    });
    expect(run(doc).map(formatProblem)).toEqual([
      `${STACK} hcloud_network.n: declared more than once (expected each address to be declared once)`,
    ]);
    expect(run([]).map(formatProblem)).toEqual([
      `${STACK}: wrong type: got array of 0 elements (expected a JSON object)`,
    ]);
  });
});
