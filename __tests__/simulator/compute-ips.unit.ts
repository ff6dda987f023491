/**
 * Simulated primary and floating IPs: addresses, assignment rules, delete
 * rules, reverse DNS (what hcloud_rdns sets must read back exactly), and the
 * canonical text of addresses the provider compares against.
 */
import { expectApiError, expectRenamed, inProcessSim } from "../../testing/simulator";
import { Sim } from "../../simulator/core";
import { registerCompute } from "../../simulator/resources/compute";
import {
  allocateIPv4,
  allocateIPv6Network,
  canonicalIp,
  defaultPtr,
  formatIPv6,
  inNetwork64,
  parseIPv6,
} from "../../simulator/resources/ip-addresses";

type Res = { status: number; body: any };

function setup() {
  const { sim, call } = inProcessSim(registerCompute);
  const pip = (over: Record<string, any> = {}): Res =>
    call("POST", "/primary_ips", { name: "a-ipv4", type: "ipv4", location: "fsn1", ...over });
  /** A server that is off, with no public addresses, to assign primary IPs to. */
  const bare = (name = "web-1", location = "fsn1") =>
    call("POST", "/servers", {
      name,
      server_type: "cx23",
      image: "debian-13",
      location,
      start_after_create: false,
      public_net: { enable_ipv4: false, enable_ipv6: false },
    }).body.server;
  return { sim, call, pip, bare };
}

describe("addresses", () => {
  test("IPv6 text is printed as Go prints it", () => {
    const cases: [string, string][] = [
      ["2001:0DB8:0000:0001:0000:0000:0000:0001", "2001:db8:0:1::1"],
      ["2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"],
      ["2001:db8::", "2001:db8::"],
      ["0:0:0:0:0:0:0:1", "::1"],
      ["2001:0:0:1:0:0:0:1", "2001:0:0:1::1"],
      ["::ffff:192.0.2.1", "192.0.2.1"],
      ["2001:db8::192.0.2.1", "2001:db8::c000:201"],
    ];
    for (const [input, go] of cases) expect(canonicalIp(input)).toBe(go);
  });

  test("what is no address is refused", () => {
    for (const bad of ["2001:db8::1::2", "2001:db8:g::1", "1.2.3", "1.2.3.256", "01.2.3.4", "", "1:2:3:4:5:6:7:8:9"]) {
      expect(canonicalIp(bad)).toBeUndefined();
    }
    expect(parseIPv6("1:2:3:4:5:6:7:8")).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(formatIPv6([0, 0, 0, 0, 0, 0, 0, 0])).toBe("::");
  });

  test("/64 membership", () => {
    expect(inNetwork64("2001:db8:1:5::abcd", "2001:db8:1:5::/64")).toBe(true);
    expect(inNetwork64("2001:db8:1:6::1", "2001:db8:1:5::/64")).toBe(false);
  });

  test("addresses come from documentation and benchmark ranges and never repeat", () => {
    const sim = new Sim();
    const v4 = Array.from({ length: 300 }, () => allocateIPv4(sim));
    expect(new Set(v4).size).toBe(300);
    expect(v4[0]).toBe("203.0.113.1");
    expect(v4[253]).toBe("203.0.113.254");
    expect(v4[254]).toBe("198.18.0.1");
    expect(v4.every((a) => a.startsWith("203.0.113.") || a.startsWith("198.18."))).toBe(true);
    const v6 = Array.from({ length: 50 }, () => allocateIPv6Network(sim));
    expect(new Set(v6).size).toBe(50);
    expect(v6.every((n) => /^2001:db8:1:[0-9a-f]+::\/64$/.test(n))).toBe(true);
    // Another simulator starts again: addresses are per simulator.
    expect(allocateIPv4(new Sim())).toBe("203.0.113.1");
  });

  test("the default reverse name of an IPv4 address is Hetzner's", () => {
    expect(defaultPtr("203.0.113.7")).toBe("static.7.113.0.203.clients.your-server.de");
  });
});

describe("primary IPs", () => {
  test("an IPv4 one has one address and its default PTR; an IPv6 one a /64 and no PTR; both unassigned", () => {
    const { pip } = setup();
    const v4 = pip().body;
    expect(v4.primary_ip).toMatchObject({
      type: "ipv4",
      ip: "203.0.113.1",
      assignee_id: null,
      assignee_type: "unassigned",
      auto_delete: false,
      location: { name: "fsn1" },
    });
    expect(v4.primary_ip.dns_ptr).toEqual([
      { ip: "203.0.113.1", dns_ptr: "static.1.113.0.203.clients.your-server.de" },
    ]);
    expect(v4.primary_ip).not.toHaveProperty("datacenter");
    expect(v4.action.command).toBe("create_primary_ip");
    const v6 = pip({ name: "a-ipv6", type: "ipv6" }).body.primary_ip;
    expect(v6.ip).toBe("2001:db8:1:1::/64");
    expect(v6.dns_ptr).toEqual([]);
  });

  test.each([
    ["no name", { name: undefined }, 400, "invalid_input", "name"],
    ["an unknown type", { type: "ipv5" }, 400, "invalid_input", "type"],
    ["an unknown location", { location: "fsn9" }, 400, "invalid_input", "location"],
    ["neither location nor assignee", { location: undefined }, 400, "invalid_input", "location"],
    ["both location and assignee", { assignee_id: 1, assignee_type: "server" }, 400, "invalid_input", "location"],
    ["an assignee type other than server", { assignee_type: "load_balancer" }, 400, "invalid_input", "assignee_type"],
    [
      "a datacenter in place of a location",
      { location: undefined, datacenter: "fsn1-dc14" },
      400,
      "invalid_input",
      "location",
    ],
  ])("create refuses %s", (_what, over, status, code, field) => {
    const { pip, call } = setup();
    expectApiError(pip(over), status, code, field);
    expect(call("GET", "/primary_ips").body.primary_ips).toEqual([]);
  });

  test("create refuses a name already used", () => {
    const { pip } = setup();
    pip();
    expectApiError(pip(), 409, "uniqueness_error", "name");
  });

  test("created for a server: it must be off, and without an address of that type", () => {
    const { pip, bare, call } = setup();
    const s = bare();
    const p = pip({ location: undefined, assignee_id: s.id, assignee_type: "server" }).body.primary_ip;
    expect(p).toMatchObject({ assignee_id: s.id, assignee_type: "server", location: { name: "fsn1" } });
    expectApiError(
      pip({ name: "b", location: undefined, assignee_id: s.id, assignee_type: "server" }),
      422,
      "server_has_ipv4",
    );
    call("POST", `/servers/${s.id}/actions/poweron`);
    expectApiError(
      pip({ name: "c", type: "ipv6", location: undefined, assignee_id: s.id, assignee_type: "server" }),
      422,
      "server_not_stopped",
    );
  });

  test("assign and unassign need the server off; one address of each type per server; same location", () => {
    const { pip, bare, call } = setup();
    const s = bare();
    const a = pip().body.primary_ip;
    const b = pip({ name: "b" }).body.primary_ip;
    const assign = (id: number, server = s.id) =>
      call("POST", `/primary_ips/${id}/actions/assign`, { assignee_id: server, assignee_type: "server" });
    const r = assign(a.id);
    expect(r.body.action.command).toBe("assign_primary_ip");
    expect(call("GET", `/primary_ips/${a.id}`).body.primary_ip.assignee_type).toBe("server");
    expect(call("GET", `/servers/${s.id}`).body.server.public_net.ipv4.ip).toBe(a.ip);
    expectApiError(assign(b.id), 422, "server_has_ipv4");
    const t = bare("web-2");
    expectApiError(assign(a.id, t.id), 422, "primary_ip_already_assigned");
    const hel = bare("web-3", "hel1");
    expectApiError(assign(b.id, hel.id), 422, "primary_ip_datacenter_mismatch");
    expectApiError(
      call("POST", `/primary_ips/${b.id}/actions/assign`, { assignee_id: t.id, assignee_type: "volume" }),
      400,
      "invalid_input",
      "assignee_type",
    );
    expectApiError(assign(b.id, 424242), 400, "invalid_input", "assignee_id");
    call("POST", `/servers/${s.id}/actions/poweron`);
    expectApiError(call("POST", `/primary_ips/${a.id}/actions/unassign`), 422, "server_not_stopped");
    call("POST", `/servers/${s.id}/actions/poweroff`);
    expect(call("POST", `/primary_ips/${a.id}/actions/unassign`).body.action.command).toBe("unassign_primary_ip");
    expect(call("GET", `/primary_ips/${a.id}`).body.primary_ip).toMatchObject({
      assignee_id: null,
      assignee_type: "unassigned",
    });
    call("POST", `/servers/${s.id}/actions/poweron`);
    expectApiError(assign(b.id), 422, "server_not_stopped");
  });

  test("delete needs the IP unassigned (since May 2026) and unprotected", () => {
    const { pip, bare, call } = setup();
    const s = bare();
    const a = pip().body.primary_ip;
    call("POST", `/primary_ips/${a.id}/actions/assign`, { assignee_id: s.id, assignee_type: "server" });
    expectApiError(call("DELETE", `/primary_ips/${a.id}`), 422, "must_be_unassigned");
    call("POST", `/primary_ips/${a.id}/actions/unassign`);
    call("POST", `/primary_ips/${a.id}/actions/change_protection`, { delete: true });
    expectApiError(call("DELETE", `/primary_ips/${a.id}`), 423, "protected");
    call("POST", `/primary_ips/${a.id}/actions/change_protection`, { delete: false });
    expect(call("DELETE", `/primary_ips/${a.id}`).status).toBe(204);
    expectApiError(call("GET", `/primary_ips/${a.id}`), 404, "not_found");
  });

  test("delete protection only while auto_delete is off", () => {
    const { pip, call } = setup();
    const a = pip({ auto_delete: true }).body.primary_ip;
    expectApiError(
      call("POST", `/primary_ips/${a.id}/actions/change_protection`, { delete: true }),
      400,
      "invalid_input",
      "delete",
    );
    expectApiError(call("POST", `/primary_ips/${a.id}/actions/change_protection`, {}), 400, "invalid_input", "delete");
    call("PUT", `/primary_ips/${a.id}`, { auto_delete: false });
    expect(call("POST", `/primary_ips/${a.id}/actions/change_protection`, { delete: true }).status).toBe(201);
    expect(call("GET", `/primary_ips/${a.id}`).body.primary_ip.protection).toEqual({ delete: true });
  });

  test("PUT renames, replaces labels, sets auto_delete", () => {
    const { pip, call } = setup();
    const a = pip({ labels: { x: "1" } }).body.primary_ip;
    pip({ name: "taken" });
    const change = { name: "b", labels: { y: "2" }, auto_delete: true };
    expectRenamed(call, `/primary_ips/${a.id}`, "primary_ip", change, "taken");
    expectApiError(call("PUT", `/primary_ips/${a.id}`, { auto_delete: "yes" }), 400, "invalid_input", "auto_delete");
  });

  test("list filters by name, label selector and ip", () => {
    const { pip, call } = setup();
    pip({ labels: { role: "web" } });
    const v6 = pip({ name: "b", type: "ipv6" }).body.primary_ip;
    const names = (q: string) => call("GET", "/primary_ips", {}, q).body.primary_ips.map((p: any) => p.name);
    expect(names("name=b")).toEqual(["b"]);
    expect(names("label_selector=role")).toEqual(["a-ipv4"]);
    expect(names("ip=203.0.113.1")).toEqual(["a-ipv4"]);
    expect(names(`ip=${encodeURIComponent(v6.ip.replace("/64", ""))}`)).toEqual(["b"]);
  });
});

describe("reverse DNS (hcloud_rdns)", () => {
  test("an IPv4 PTR reads back exactly; null resets it to Hetzner's default", () => {
    const { pip, call } = setup();
    const a = pip().body.primary_ip;
    const ptr = (dns_ptr: string | null) =>
      call("POST", `/primary_ips/${a.id}/actions/change_dns_ptr`, { ip: a.ip, dns_ptr });
    expect(ptr("mail.all2all.org").body.action.command).toBe("change_dns_ptr");
    expect(call("GET", `/primary_ips/${a.id}`).body.primary_ip.dns_ptr).toEqual([
      { ip: a.ip, dns_ptr: "mail.all2all.org" },
    ]);
    ptr(null);
    expect(call("GET", `/primary_ips/${a.id}`).body.primary_ip.dns_ptr).toEqual([
      { ip: a.ip, dns_ptr: defaultPtr(a.ip) },
    ]);
  });

  test("IPv6 PTRs for any address in the /64, stored canonically, removed by null", () => {
    const { pip, call } = setup();
    const p = pip({ type: "ipv6" }).body.primary_ip;
    const set = (ip: string, dns_ptr: string | null) =>
      call("POST", `/primary_ips/${p.id}/actions/change_dns_ptr`, { ip, dns_ptr });
    set("2001:db8:1:1::1", "ns-1.all2all.org");
    set("2001:0DB8:0001:0001:0000:0000:0000:1234", "other.all2all.org");
    set("2001:db8:1:1::1", "ns-2.all2all.org");
    expect(call("GET", `/primary_ips/${p.id}`).body.primary_ip.dns_ptr).toEqual([
      { ip: "2001:db8:1:1::1234", dns_ptr: "other.all2all.org" },
      { ip: "2001:db8:1:1::1", dns_ptr: "ns-2.all2all.org" },
    ]);
    set("2001:db8:1:1::1234", null);
    expect(call("GET", `/primary_ips/${p.id}`).body.primary_ip.dns_ptr).toEqual([
      { ip: "2001:db8:1:1::1", dns_ptr: "ns-2.all2all.org" },
    ]);
  });

  test("refuses an address outside the IP, a missing address, a name that is no hostname, a 101st IPv6 entry", () => {
    const { pip, call } = setup();
    const a = pip().body.primary_ip;
    const p = pip({ name: "b", type: "ipv6" }).body.primary_ip;
    const v4 = (body: Record<string, any>) => call("POST", `/primary_ips/${a.id}/actions/change_dns_ptr`, body);
    const v6 = (body: Record<string, any>) => call("POST", `/primary_ips/${p.id}/actions/change_dns_ptr`, body);
    expectApiError(v4({ ip: "203.0.113.99", dns_ptr: "x.example.org" }), 400, "invalid_input", "ip");
    expectApiError(v4({ dns_ptr: "x.example.org" }), 400, "invalid_input", "ip");
    expectApiError(v4({ ip: "not-an-ip", dns_ptr: "x.example.org" }), 400, "invalid_input", "ip");
    expectApiError(v4({ ip: a.ip, dns_ptr: "bad name!" }), 400, "invalid_input", "dns_ptr");
    expectApiError(v6({ ip: "2001:db8:9:9::1", dns_ptr: "x.example.org" }), 400, "invalid_input", "ip");
    expectApiError(v6({ ip: a.ip, dns_ptr: "x.example.org" }), 400, "invalid_input", "ip");
    for (let i = 1; i <= 100; i++)
      expect(v6({ ip: `2001:db8:1:1::${i.toString(16)}`, dns_ptr: `h${i}.example.org` }).status).toBe(201);
    expectApiError(v6({ ip: "2001:db8:1:1::ffff", dns_ptr: "h101.example.org" }), 400, "invalid_input", "ip");
    // Replacing an existing entry is not a 101st one.
    expect(v6({ ip: "2001:db8:1:1::1", dns_ptr: "again.example.org" }).status).toBe(201);
  });
});

describe("floating IPs", () => {
  test("created with a home location, unassigned; or for a server, in its location and assigned", () => {
    const { call, bare } = setup();
    const f = call("POST", "/floating_ips", {
      type: "ipv4",
      home_location: "fsn1",
      name: "www",
      description: "www failover address",
    }).body;
    expect(f.floating_ip).toMatchObject({
      name: "www",
      description: "www failover address",
      server: null,
      home_location: { name: "fsn1" },
      type: "ipv4",
    });
    expect(f.action).toBeNull();
    const s = bare("web-1", "hel1");
    const g = call("POST", "/floating_ips", { type: "ipv6", server: s.id, description: "" }).body;
    expect(g.floating_ip).toMatchObject({ server: s.id, home_location: { name: "hel1" }, description: "" });
    expect(g.floating_ip.ip).toMatch(/\/64$/);
    expect(g.action.command).toBe("assign_floating_ip");
    expect(call("GET", `/servers/${s.id}`).body.server.public_net.floating_ips).toEqual([g.floating_ip.id]);
  });

  test.each([
    ["no home location and no server", { home_location: undefined }, 400, "invalid_input", "home_location"],
    ["an unknown home location", { home_location: "fsn9" }, 400, "invalid_input", "home_location"],
    ["an unknown type", { type: "ipv7" }, 400, "invalid_input", "type"],
    ["an unknown server", { server: 424242 }, 400, "invalid_input", "server"],
    ["an empty name", { name: "" }, 400, "invalid_input", "name"],
  ])("create refuses %s", (_what, over, status, code, field) => {
    const { call } = setup();
    expectApiError(
      call("POST", "/floating_ips", { type: "ipv4", home_location: "fsn1", ...over }),
      status,
      code,
      field,
    );
  });

  test("assign, unassign, rename, protect; delete unassigns, protection refuses", () => {
    const { call, bare } = setup();
    const s = bare();
    const f = call("POST", "/floating_ips", { type: "ipv4", home_location: "fsn1", name: "www" }).body.floating_ip;
    call("POST", "/floating_ips", { type: "ipv4", home_location: "fsn1", name: "taken" });
    expect(call("POST", `/floating_ips/${f.id}/actions/assign`, { server: s.id }).body.action.command).toBe(
      "assign_floating_ip",
    );
    expect(call("GET", `/floating_ips/${f.id}`).body.floating_ip.server).toBe(s.id);
    expectApiError(
      call("POST", `/floating_ips/${f.id}/actions/assign`, { server: 424242 }),
      400,
      "invalid_input",
      "server",
    );
    call("POST", `/floating_ips/${f.id}/actions/unassign`);
    expect(call("GET", `/floating_ips/${f.id}`).body.floating_ip.server).toBeNull();
    const change = { name: "www-2", description: "d", labels: { a: "b" } };
    expectRenamed(call, `/floating_ips/${f.id}`, "floating_ip", change, "taken");
    call("POST", `/floating_ips/${f.id}/actions/assign`, { server: s.id });
    call("POST", `/floating_ips/${f.id}/actions/change_protection`, { delete: true });
    expectApiError(call("DELETE", `/floating_ips/${f.id}`), 423, "protected");
    call("POST", `/floating_ips/${f.id}/actions/change_protection`, { delete: false });
    expect(call("DELETE", `/floating_ips/${f.id}`).status).toBe(204);
    expect(call("GET", `/servers/${s.id}`).body.server.public_net.floating_ips).toEqual([]);
  });

  test("reverse DNS like primary IPs", () => {
    const { call } = setup();
    const f = call("POST", "/floating_ips", { type: "ipv4", home_location: "fsn1" }).body.floating_ip;
    expect(f.dns_ptr).toEqual([{ ip: f.ip, dns_ptr: defaultPtr(f.ip) }]);
    call("POST", `/floating_ips/${f.id}/actions/change_dns_ptr`, { ip: f.ip, dns_ptr: "www.all2all.org" });
    expect(call("GET", `/floating_ips/${f.id}`).body.floating_ip.dns_ptr).toEqual([
      { ip: f.ip, dns_ptr: "www.all2all.org" },
    ]);
    expectApiError(
      call("POST", `/floating_ips/${f.id}/actions/change_dns_ptr`, { ip: "198.51.100.1", dns_ptr: "www.all2all.org" }),
      400,
      "invalid_input",
      "ip",
    );
  });
});
