/**
 * The simulated firewalls API: rules, apply_to by server and label selector,
 * and the firewalls in a server's view (simulator/resources/firewalls.ts).
 */
import { inProcessSim } from "../../testing/simulator";
import { registerNetworking } from "../../simulator/resources/networking";

function setup() {
  const { sim, call } = inProcessSim(registerNetworking);
  /** A minimal server record, as the compute module stores them. */
  const server = (
    name: string,
    labels: Record<string, string> = {},
    publicNet: unknown = { ipv4: { id: 1, ip: "192.0.2.1" }, ipv6: null },
  ) => {
    const record = { id: sim.id(), name, labels, public_net: publicNet };
    sim.collection("servers").set(record.id, record);
    return record;
  };
  const view = (record: any) =>
    sim.view("server", record, { id: record.id, name: record.name, public_net: { floating_ips: [] } }) as any;
  const firewall = (body: Record<string, any> = {}) =>
    call("POST", "/firewalls", { name: "base", ...body }).body.firewall;
  return { sim, call, server, view, firewall };
}

const errorCode = (r: { body: any }) => r.body.error?.code;
const errorField = (r: { body: any }) => r.body.error?.details?.fields?.[0]?.name;

const icmpIn = { direction: "in", protocol: "icmp", source_ips: ["0.0.0.0/0", "::/0"], description: "ping" };

describe("firewalls", () => {
  test("create answers the rules as sent and a label selector's servers at read time", () => {
    const { call, server } = setup();
    const web = server("web-1", { "fw-web": "on" });
    server("db-1", { role: "db" });
    const r = call("POST", "/firewalls", {
      name: "web",
      labels: { role: "firewall" },
      rules: [
        { direction: "in", protocol: "tcp", port: "443", source_ips: ["0.0.0.0/0", "2001:db8:a11::/48"] },
        { direction: "out", protocol: "udp", port: "any", destination_ips: ["10.0.0.0/8"], description: "all udp out" },
        { direction: "in", protocol: "tcp", port: "80-85", source_ips: ["192.0.2.7/32"] },
      ],
      apply_to: [{ type: "label_selector", label_selector: { selector: "fw-web=on" } }],
    });
    expect(r.status).toBe(201);
    expect(r.body.actions.map((a: any) => a.command)).toEqual(["apply_firewall"]);
    expect(r.body.firewall).toMatchObject({
      name: "web",
      labels: { role: "firewall" },
      rules: [
        {
          direction: "in",
          protocol: "tcp",
          port: "443",
          source_ips: ["0.0.0.0/0", "2001:db8:a11::/48"],
          destination_ips: [],
          description: null,
        },
        {
          direction: "out",
          protocol: "udp",
          port: "any",
          source_ips: [],
          destination_ips: ["10.0.0.0/8"],
          description: "all udp out",
        },
        {
          direction: "in",
          protocol: "tcp",
          port: "80-85",
          source_ips: ["192.0.2.7/32"],
          destination_ips: [],
          description: null,
        },
      ],
      applied_to: [
        {
          type: "label_selector",
          label_selector: { selector: "fw-web=on" },
          applied_to_resources: [{ type: "server", server: { id: web.id } }],
        },
      ],
    });
    // A server labelled later is selected from then on.
    const web2 = server("web-2", { "fw-web": "on" });
    const got = call("GET", `/firewalls/${r.body.firewall.id}`).body.firewall;
    expect(got.applied_to[0].applied_to_resources.map((x: any) => x.server.id)).toEqual([web.id, web2.id]);
  });

  test("an icmp rule has no port; lists filter by name and label selector", () => {
    const { call, firewall } = setup();
    const fw = firewall({ rules: [icmpIn], labels: { env: "prod" } });
    expect(fw.rules[0]).toEqual({
      direction: "in",
      protocol: "icmp",
      port: null,
      source_ips: ["0.0.0.0/0", "::/0"],
      destination_ips: [],
      description: "ping",
    });
    firewall({ name: "other" });
    expect(call("GET", "/firewalls", {}, "name=other").body.firewalls.map((f: any) => f.name)).toEqual(["other"]);
    expect(call("GET", "/firewalls", {}, "label_selector=env=prod").body.firewalls.map((f: any) => f.name)).toEqual([
      "base",
    ]);
  });

  test.each([
    ["a missing port for tcp", { direction: "in", protocol: "tcp", source_ips: ["0.0.0.0/0"] }, "rules[0].port"],
    ["a port for icmp", { ...icmpIn, port: "22" }, "rules[0].port"],
    ["a port for gre", { direction: "in", protocol: "gre", port: "any", source_ips: ["0.0.0.0/0"] }, "rules[0].port"],
    ["port 0", { direction: "in", protocol: "tcp", port: "0", source_ips: ["0.0.0.0/0"] }, "rules[0].port"],
    ["port 65536", { direction: "in", protocol: "udp", port: "65536", source_ips: ["0.0.0.0/0"] }, "rules[0].port"],
    [
      "a reversed range",
      { direction: "in", protocol: "tcp", port: "90-80", source_ips: ["0.0.0.0/0"] },
      "rules[0].port",
    ],
    ["a named port", { direction: "in", protocol: "tcp", port: "ssh", source_ips: ["0.0.0.0/0"] }, "rules[0].port"],
    ["a numeric port", { direction: "in", protocol: "tcp", port: 22, source_ips: ["0.0.0.0/0"] }, "rules[0].port"],
    ["an unknown direction", { ...icmpIn, direction: "both" }, "rules[0].direction"],
    ["an unknown protocol", { ...icmpIn, protocol: "sctp" }, "rules[0].protocol"],
    ["an inbound rule without sources", { direction: "in", protocol: "icmp" }, "rules[0].source_ips"],
    ["an inbound rule with destinations", { ...icmpIn, destination_ips: ["10.0.0.0/8"] }, "rules[0].destination_ips"],
    ["an outbound rule without destinations", { direction: "out", protocol: "icmp" }, "rules[0].destination_ips"],
    [
      "an outbound rule with sources",
      { direction: "out", protocol: "esp", source_ips: ["10.0.0.0/8"], destination_ips: ["10.0.0.0/8"] },
      "rules[0].source_ips",
    ],
    ["a CIDR with host bits", { ...icmpIn, source_ips: ["10.0.0.1/8"] }, "rules[0].source_ips"],
    ["an IPv6 CIDR with host bits", { ...icmpIn, source_ips: ["2001:db8::1/32"] }, "rules[0].source_ips"],
    ["an address without prefix", { ...icmpIn, source_ips: ["10.0.0.1"] }, "rules[0].source_ips"],
    [
      "more than 100 CIDRs",
      { ...icmpIn, source_ips: Array.from({ length: 101 }, (_, i) => `10.0.${i}.0/24`) },
      "rules[0].source_ips",
    ],
    ["a description over 255 characters", { ...icmpIn, description: "x".repeat(256) }, "rules[0].description"],
  ])("create refuses %s", (_what, rule, field) => {
    const { call } = setup();
    const r = call("POST", "/firewalls", { name: "f", rules: [rule] });
    expect(r.status).toBe(400);
    expect(errorCode(r)).toBe("invalid_input");
    expect(errorField(r)).toBe(field);
    expect(call("GET", "/firewalls").body.firewalls).toEqual([]);
  });

  test("create refuses a used name; update renames (unique) and replaces labels, keeping the rules", () => {
    const { call, firewall } = setup();
    const fw = firewall({ rules: [icmpIn] });
    firewall({ name: "other" });
    expect(errorCode(call("POST", "/firewalls", { name: "base" }))).toBe("uniqueness_error");
    expect(errorCode(call("PUT", `/firewalls/${fw.id}`, { name: "other" }))).toBe("uniqueness_error");
    const r = call("PUT", `/firewalls/${fw.id}`, { name: "renamed", labels: { a: "b" } });
    expect(r.body.firewall).toMatchObject({ name: "renamed", labels: { a: "b" }, rules: [{ protocol: "icmp" }] });
  });

  test("set_rules replaces the rules, an empty list clears them", () => {
    const { call, firewall, server } = setup();
    const s = server("a");
    const fw = firewall({ rules: [icmpIn], apply_to: [{ type: "server", server: { id: s.id } }] });
    const r = call("POST", `/firewalls/${fw.id}/actions/set_rules`, {
      rules: [{ direction: "in", protocol: "tcp", port: "22", source_ips: ["192.0.2.0/24"] }],
    });
    expect(r.status).toBe(201);
    expect(r.body.actions.map((a: any) => a.command)).toEqual(["set_firewall_rules", "apply_firewall"]);
    expect(call("GET", `/firewalls/${fw.id}`).body.firewall.rules.map((x: any) => x.port)).toEqual(["22"]);
    expect(
      errorField(
        call("POST", `/firewalls/${fw.id}/actions/set_rules`, { rules: [{ direction: "in", protocol: "tcp" }] }),
      ),
    ).toBe("rules[0].port");
    expect(errorField(call("POST", `/firewalls/${fw.id}/actions/set_rules`, {}))).toBe("rules");
    call("POST", `/firewalls/${fw.id}/actions/set_rules`, { rules: [] });
    expect(call("GET", `/firewalls/${fw.id}`).body.firewall.rules).toEqual([]);
  });
});

describe("apply_to and remove_from", () => {
  test("apply_to_resources applies to a server; the server's view lists the firewall", () => {
    const { call, firewall, server, view } = setup();
    const s = server("a");
    const fw = firewall();
    const r = call("POST", `/firewalls/${fw.id}/actions/apply_to_resources`, {
      apply_to: [{ type: "server", server: { id: s.id } }],
    });
    expect(r.status).toBe(201);
    expect(r.body.actions[0]).toMatchObject({
      command: "apply_firewall",
      resources: [
        { id: fw.id, type: "firewall" },
        { id: s.id, type: "server" },
      ],
    });
    expect(call("GET", `/firewalls/${fw.id}`).body.firewall.applied_to).toEqual([
      { type: "server", server: { id: s.id } },
    ]);
    expect(view(s).public_net).toEqual({ floating_ips: [], firewalls: [{ id: fw.id, status: "applied" }] });
    expect(call("GET", `/firewalls/${fw.id}/actions`).body.actions.map((a: any) => a.command)).toEqual([
      "apply_firewall",
    ]);
  });

  test.each([
    ["an unknown server", [{ type: "server", server: { id: 999 } }], "firewall_resource_not_found"],
    ["a server without public interface", "private", "private_net_only_server"],
    ["a server already applied", "applied", "firewall_already_applied"],
    [
      "a selector already applied",
      [{ type: "label_selector", label_selector: { selector: "fw=on" } }],
      "firewall_already_applied",
    ],
    ["the same server twice", "twice", "server_already_added"],
    [
      "a selector that does not parse",
      [{ type: "label_selector", label_selector: { selector: "a in (b" } }],
      "invalid_input",
    ],
    ["an unknown type", [{ type: "load_balancer", load_balancer: { id: 1 } }], "invalid_input"],
    ["a server without id", [{ type: "server", server: {} }], "invalid_input"],
  ])("apply_to_resources refuses %s and applies nothing", (_what, targets, code) => {
    const { call, firewall, server } = setup();
    const applied = server("applied");
    const fresh = server("fresh");
    const privateOnly = server("private", {}, { ipv4: null, ipv6: null });
    const fw = firewall({
      apply_to: [
        { type: "server", server: { id: applied.id } },
        { type: "label_selector", label_selector: { selector: "fw=on" } },
      ],
    });
    const byName: Record<string, unknown[]> = {
      private: [
        { type: "server", server: { id: fresh.id } },
        { type: "server", server: { id: privateOnly.id } },
      ],
      applied: [
        { type: "server", server: { id: fresh.id } },
        { type: "server", server: { id: applied.id } },
      ],
      twice: [
        { type: "server", server: { id: fresh.id } },
        { type: "server", server: { id: fresh.id } },
      ],
    };
    const apply = typeof targets === "string" ? byName[targets] : targets;
    const r = call("POST", `/firewalls/${fw.id}/actions/apply_to_resources`, { apply_to: apply });
    expect(errorCode(r)).toBe(code);
    expect(call("GET", `/firewalls/${fw.id}`).body.firewall.applied_to).toHaveLength(2);
  });

  test("a server record without public_net has a public interface when a primary IP is assigned to it", () => {
    const { sim, call, firewall } = setup();
    const fw = firewall();
    const record = { id: sim.id(), name: "bare", labels: {} };
    sim.collection("servers").set(record.id, record);
    const apply = () =>
      call("POST", `/firewalls/${fw.id}/actions/apply_to_resources`, {
        apply_to: [{ type: "server", server: { id: record.id } }],
      });
    expect(errorCode(apply())).toBe("private_net_only_server");
    sim.collection("primary_ips").set(sim.id(), { type: "ipv4", assignee_id: record.id });
    expect(apply().status).toBe(201);
  });

  test("remove_from_resources removes; what is not applied, or applied by selector only, is refused", () => {
    const { call, firewall, server, view } = setup();
    const s = server("a", { fw: "on" });
    const other = server("b");
    const fw = firewall({
      apply_to: [
        { type: "server", server: { id: s.id } },
        { type: "label_selector", label_selector: { selector: "fw=on" } },
      ],
    });
    const remove = (target: unknown) =>
      call("POST", `/firewalls/${fw.id}/actions/remove_from_resources`, { remove_from: [target] });
    expect(remove({ type: "server", server: { id: s.id } }).body.actions[0].command).toBe("remove_firewall");
    // Still applied through its label.
    expect(view(s).public_net.firewalls).toEqual([{ id: fw.id, status: "applied" }]);
    expect(errorCode(remove({ type: "server", server: { id: s.id } }))).toBe("firewall_managed_by_label_selector");
    expect(errorCode(remove({ type: "server", server: { id: other.id } }))).toBe("firewall_already_removed");
    expect(errorCode(remove({ type: "server", server: { id: 999 } }))).toBe("firewall_resource_not_found");
    expect(errorField(call("POST", `/firewalls/${fw.id}/actions/remove_from_resources`, {}))).toBe("remove_from");
    remove({ type: "label_selector", label_selector: { selector: "fw=on" } });
    expect(view(s).public_net.firewalls).toEqual([]);
    expect(call("GET", `/firewalls/${fw.id}`).body.firewall.applied_to).toEqual([]);
  });

  test("delete is refused while the firewall is applied, even by a selector matching nothing", () => {
    const { call, firewall } = setup();
    const fw = firewall({ apply_to: [{ type: "label_selector", label_selector: { selector: "nothing=here" } }] });
    expect(errorCode(call("DELETE", `/firewalls/${fw.id}`))).toBe("resource_in_use");
    call("POST", `/firewalls/${fw.id}/actions/remove_from_resources`, {
      remove_from: [{ type: "label_selector", label_selector: { selector: "nothing=here" } }],
    });
    expect(call("DELETE", `/firewalls/${fw.id}`).status).toBe(204);
    expect(call("GET", `/firewalls/${fw.id}`).status).toBe(404);
  });
});

describe("servers' firewalls", () => {
  test("a server's view lists each firewall once, by id, directly or by its labels at read time", () => {
    const { call, firewall, server, view } = setup();
    const s = server("a", { "fw-web": "on" });
    const web = firewall({
      name: "web",
      apply_to: [{ type: "label_selector", label_selector: { selector: "fw-web=on" } }],
    });
    const both = firewall({
      name: "both",
      apply_to: [
        { type: "label_selector", label_selector: { selector: "fw-web" } },
        { type: "server", server: { id: s.id } },
      ],
    });
    firewall({ name: "none", apply_to: [{ type: "label_selector", label_selector: { selector: "fw-mail=on" } }] });
    expect(view(s).public_net.firewalls).toEqual([
      { id: web.id, status: "applied" },
      { id: both.id, status: "applied" },
    ]);
    s.labels = {};
    expect(view(s).public_net.firewalls).toEqual([{ id: both.id, status: "applied" }]);
    expect(call("GET", `/firewalls/${web.id}`).body.firewall.applied_to[0].applied_to_resources).toEqual([]);
  });

  test(
    "a new server's firewalls are applied; an unknown one refuses the " +
      "create; a deleted server leaves its firewalls",
    () => {
      const { sim, call, firewall, view } = setup();
      const fw = firewall();
      const record = { id: sim.id(), name: "new", labels: {} };
      expect(() => sim.created("server", record, { firewalls: [{ firewall: fw.id }, { firewall: 4242 }] })).toThrow(
        "not found",
      );
      expect(call("GET", `/firewalls/${fw.id}`).body.firewall.applied_to).toEqual([]);
      expect(() => sim.created("server", record, { firewalls: [{ id: fw.id }] })).toThrow("invalid input");
      // A network refused with the firewalls applies neither.
      expect(() => sim.created("server", record, { firewalls: [{ firewall: fw.id }], networks: [777] })).toThrow(
        "not found",
      );
      expect(call("GET", `/firewalls/${fw.id}`).body.firewall.applied_to).toEqual([]);
      sim.created("server", record, { firewalls: [{ firewall: fw.id }] });
      sim.collection("servers").set(record.id, record);
      expect(view(record).public_net.firewalls).toEqual([{ id: fw.id, status: "applied" }]);
      expect(call("GET", `/firewalls/${fw.id}`).body.firewall.applied_to).toEqual([
        { type: "server", server: { id: record.id } },
      ]);
      sim.collection("servers").delete(record.id);
      sim.deleted("server", record.id);
      expect(call("GET", `/firewalls/${fw.id}`).body.firewall.applied_to).toEqual([]);
    },
  );
});
