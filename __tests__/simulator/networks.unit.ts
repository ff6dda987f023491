/**
 * The simulated networks API: networks, subnets, routes and server
 * attachments, with Hetzner's shapes and checks (simulator/resources/networks.ts).
 */
import { inProcessSim } from "../../testing/simulator";
import { startSimulator } from "../../simulator/server";
import { registerNetworking } from "../../simulator/resources/networking";

function setup() {
  const { sim, call } = inProcessSim(registerNetworking);
  const network = (body: Record<string, any> = {}) =>
    call("POST", "/networks", { name: "internal", ip_range: "10.20.0.0/16", ...body }).body.network;
  /** A minimal server record, as the compute module stores them. */
  const server = (name: string, zone = "eu-central", labels: Record<string, string> = {}) => {
    const record = { id: sim.id(), name, labels, location: { name: "fsn1", network_zone: zone } };
    sim.collection("servers").set(record.id, record);
    return record;
  };
  const view = (record: any) => sim.view("server", record, { id: record.id, name: record.name, public_net: {} }) as any;
  return { sim, call, network, server, view };
}

const errorCode = (r: { body: any }) => r.body.error?.code;
const errorField = (r: { body: any }) => r.body.error?.details?.fields?.[0]?.name;
/** Expects `invalid_input` on `field`. */
const expectInvalidInput = (r: { body: any }, field: string) => {
  expect(errorCode(r)).toBe("invalid_input");
  expect(errorField(r)).toBe(field);
};

describe("networks", () => {
  test("create answers Hetzner's shape: subnets' gateway is the network's first address, servers listed", () => {
    const { call } = setup();
    const r = call("POST", "/networks", {
      name: "internal",
      ip_range: "10.20.0.0/16",
      labels: { role: "network" },
      subnets: [{ type: "cloud", ip_range: "10.20.1.0/24", network_zone: "eu-central" }],
      routes: [{ destination: "10.30.0.0/24", gateway: "10.20.1.10" }],
    });
    expect(r.status).toBe(201);
    expect(r.body.network).toMatchObject({
      name: "internal",
      ip_range: "10.20.0.0/16",
      subnets: [{ type: "cloud", ip_range: "10.20.1.0/24", network_zone: "eu-central", gateway: "10.20.0.1" }],
      routes: [{ destination: "10.30.0.0/24", gateway: "10.20.1.10" }],
      servers: [],
      load_balancers: [],
      protection: { delete: false },
      labels: { role: "network" },
      expose_routes_to_vswitch: false,
    });
    expect(r.body.network.subnets[0]).not.toHaveProperty("vswitch_id");
    const got = call("GET", `/networks/${r.body.network.id}`);
    expect(got.body.network).toEqual(r.body.network);
  });

  test("lists filter by name and label selector", () => {
    const { call, network } = setup();
    network({ name: "a", labels: { env: "prod" } });
    network({ name: "b", ip_range: "10.21.0.0/16", labels: { env: "dev" } });
    expect(call("GET", "/networks", {}, "name=b").body.networks.map((n: any) => n.name)).toEqual(["b"]);
    expect(call("GET", "/networks", {}, "label_selector=env=prod").body.networks.map((n: any) => n.name)).toEqual([
      "a",
    ]);
    expect(call("GET", "/networks").body.meta.pagination.total_entries).toBe(2);
  });

  test.each([
    ["a public range", "8.8.0.0/16", "ip_range"],
    ["a range only partly private", "172.0.0.0/8", "ip_range"],
    ["a range smaller than /24", "10.0.0.0/25", "ip_range"],
    ["host bits set", "10.20.0.1/16", "ip_range"],
    ["not a CIDR", "10.20.0.0", "ip_range"],
  ])("create refuses %s", (_what, ipRange, field) => {
    const { call } = setup();
    const r = call("POST", "/networks", { name: "n", ip_range: ipRange });
    expect(r.status).toBe(400);
    expectInvalidInput(r, field);
  });

  test("create refuses a used name, a missing name and bad labels", () => {
    const { call, network } = setup();
    network();
    expect(errorCode(call("POST", "/networks", { name: "internal", ip_range: "10.21.0.0/16" }))).toBe(
      "uniqueness_error",
    );
    expect(errorField(call("POST", "/networks", { ip_range: "10.21.0.0/16" }))).toBe("name");
    expect(
      errorField(call("POST", "/networks", { name: "x", ip_range: "10.21.0.0/16", labels: { "bad key!": "v" } })),
    ).toBe("labels");
  });

  test("create checks the subnets and routes it is given against each other", () => {
    const { call } = setup();
    const r = call("POST", "/networks", {
      name: "n",
      ip_range: "10.20.0.0/16",
      subnets: [
        { type: "cloud", ip_range: "10.20.0.0/20", network_zone: "eu-central" },
        { type: "cloud", ip_range: "10.20.1.0/24", network_zone: "eu-central" },
      ],
    });
    expectInvalidInput(r, "subnets[1].ip_range");
  });

  test("update renames (unique), replaces labels, sets expose_routes_to_vswitch", () => {
    const { call, network } = setup();
    const n = network({ labels: { a: "1" } });
    network({ name: "other", ip_range: "10.21.0.0/16" });
    expect(errorCode(call("PUT", `/networks/${n.id}`, { name: "other" }))).toBe("uniqueness_error");
    const r = call("PUT", `/networks/${n.id}`, { name: "renamed", labels: { b: "2" }, expose_routes_to_vswitch: true });
    expect(r.body.network).toMatchObject({ name: "renamed", labels: { b: "2" }, expose_routes_to_vswitch: true });
    expect(errorField(call("PUT", `/networks/${n.id}`, { expose_routes_to_vswitch: "yes" }))).toBe(
      "expose_routes_to_vswitch",
    );
  });

  test("delete is refused while protected, then removes the network", () => {
    const { call, network } = setup();
    const n = network();
    const p = call("POST", `/networks/${n.id}/actions/change_protection`, { delete: true });
    expect(p.status).toBe(201);
    expect(p.body.action).toMatchObject({ command: "change_protection", resources: [{ id: n.id, type: "network" }] });
    expect(call("GET", `/networks/${n.id}`).body.network.protection).toEqual({ delete: true });
    expect(errorCode(call("DELETE", `/networks/${n.id}`))).toBe("protected");
    call("POST", `/networks/${n.id}/actions/change_protection`, { delete: false });
    expect(call("DELETE", `/networks/${n.id}`).status).toBe(204);
    expect(call("GET", `/networks/${n.id}`).status).toBe(404);
    expect(call("GET", "/networks/abc").status).toBe(404);
  });

  test("actions complete once read and are listed per network", () => {
    const { call, network } = setup();
    const n = network();
    const a = call("POST", `/networks/${n.id}/actions/add_subnet`, {
      type: "cloud",
      ip_range: "10.20.1.0/24",
      network_zone: "eu-central",
    }).body.action;
    expect(a.status).toBe("running");
    call("GET", `/actions/${a.id}`);
    expect(call("GET", `/actions/${a.id}`).body.action.status).toBe("success");
    const list = call("GET", `/networks/${n.id}/actions`).body.actions;
    expect(list.map((x: any) => x.command)).toEqual(["add_subnet"]);
    expect(call("GET", `/networks/${n.id}/actions/${a.id}`).body.action.id).toBe(a.id);
    const other = network({ name: "other", ip_range: "10.21.0.0/16" });
    expect(call("GET", `/networks/${other.id}/actions/${a.id}`).status).toBe(404);
  });
});

describe("subnets", () => {
  test.each([
    ["outside the network", { ip_range: "10.21.0.0/24" }, "subnet.ip_range"],
    ["smaller than /30", { ip_range: "10.20.1.0/31" }, "subnet.ip_range"],
    ["overlapping a subnet", { ip_range: "10.20.1.128/25" }, "subnet.ip_range"],
    ["overlapping a route's destination", { ip_range: "10.20.9.0/24" }, "subnet.ip_range"],
    ["of an unknown type", { type: "private" }, "subnet.type"],
    ["in an unknown zone", { network_zone: "eu-west" }, "subnet.network_zone"],
    ["of type vswitch without vswitch_id", { type: "vswitch", ip_range: "10.20.3.0/24" }, "subnet.vswitch_id"],
    ["of type cloud with a vswitch_id", { ip_range: "10.20.3.0/24", vswitch_id: 7 }, "subnet.vswitch_id"],
  ])("add_subnet refuses a subnet %s", (_what, change, field) => {
    const { call, network } = setup();
    const n = network({
      subnets: [{ type: "cloud", ip_range: "10.20.1.0/24", network_zone: "eu-central" }],
      routes: [{ destination: "10.20.9.0/24", gateway: "10.20.1.5" }],
    });
    const r = call("POST", `/networks/${n.id}/actions/add_subnet`, {
      type: "cloud",
      network_zone: "eu-central",
      ip_range: "10.20.2.0/24",
      ...change,
    });
    expectInvalidInput(r, field);
  });

  test("add_subnet without ip_range takes the first free /24", () => {
    const { call, network } = setup();
    const n = network({ subnets: [{ type: "cloud", ip_range: "10.20.0.0/23", network_zone: "eu-central" }] });
    call("POST", `/networks/${n.id}/actions/add_subnet`, { type: "cloud", network_zone: "eu-central" });
    expect(call("GET", `/networks/${n.id}`).body.network.subnets.map((s: any) => s.ip_range)).toEqual([
      "10.20.0.0/23",
      "10.20.2.0/24",
    ]);
    const small = network({
      name: "small",
      ip_range: "192.168.5.0/24",
      subnets: [{ type: "cloud", ip_range: "192.168.5.0/24", network_zone: "eu-central" }],
    });
    expect(
      errorCode(
        call("POST", `/networks/${small.id}/actions/add_subnet`, { type: "cloud", network_zone: "eu-central" }),
      ),
    ).toBe("invalid_input");
  });

  test("a vSwitch is coupled to one network only", () => {
    const { call, network } = setup();
    const a = network({
      subnets: [{ type: "vswitch", ip_range: "10.20.1.0/24", network_zone: "eu-central", vswitch_id: 42 }],
    });
    expect(a.subnets[0]).toMatchObject({ vswitch_id: 42, gateway: "10.20.0.1" });
    const b = network({ name: "b", ip_range: "10.21.0.0/16" });
    const r = call("POST", `/networks/${b.id}/actions/add_subnet`, {
      type: "vswitch",
      ip_range: "10.21.1.0/24",
      network_zone: "eu-central",
      vswitch_id: 42,
    });
    expect(errorCode(r)).toBe("vswitch_id_already_used");
  });

  test("delete_subnet removes it; an unknown one is not_found", () => {
    const { call, network } = setup();
    const n = network({ subnets: [{ type: "cloud", ip_range: "10.20.1.0/24", network_zone: "eu-central" }] });
    expect(errorCode(call("POST", `/networks/${n.id}/actions/delete_subnet`, { ip_range: "10.20.2.0/24" }))).toBe(
      "not_found",
    );
    expect(call("POST", `/networks/${n.id}/actions/delete_subnet`, { ip_range: "10.20.1.0/24" }).status).toBe(201);
    expect(call("GET", `/networks/${n.id}`).body.network.subnets).toEqual([]);
  });
});

describe("routes", () => {
  const base = {
    subnets: [
      { type: "cloud", ip_range: "10.20.1.0/24", network_zone: "eu-central" },
      { type: "vswitch", ip_range: "10.20.8.0/24", network_zone: "eu-central", vswitch_id: 9 },
    ],
    routes: [{ destination: "10.30.0.0/24", gateway: "10.20.1.10" }],
  };

  test.each([
    ["a gateway outside the network", { gateway: "10.21.0.5" }, "route.gateway"],
    ["the network's gateway as gateway", { gateway: "10.20.0.1" }, "route.gateway"],
    ["a gateway behind a vSwitch", { gateway: "10.20.8.5" }, "route.gateway"],
    ["a gateway that is no address", { gateway: "10.20.1" }, "route.gateway"],
    ["a destination overlapping a subnet", { destination: "10.20.1.0/25" }, "route.destination"],
    ["a destination overlapping another route", { destination: "10.30.0.0/16" }, "route.destination"],
    ["a destination holding the network's gateway", { destination: "10.20.0.0/24" }, "route.destination"],
    ["a public destination", { destination: "8.8.8.0/24" }, "route.destination"],
    ["a destination with host bits", { destination: "10.40.0.1/24" }, "route.destination"],
  ])("add_route refuses %s", (_what, change, field) => {
    const { call, network } = setup();
    const n = network(base);
    const r = call("POST", `/networks/${n.id}/actions/add_route`, {
      destination: "10.40.0.0/24",
      gateway: "10.20.1.11",
      ...change,
    });
    expectInvalidInput(r, field);
  });

  test("add_route and delete_route change the network's routes", () => {
    const { call, network } = setup();
    const n = network(base);
    expect(
      call("POST", `/networks/${n.id}/actions/add_route`, { destination: "0.0.0.0/0", gateway: "10.20.1.11" }).status,
    ).toBe(201);
    expect(call("GET", `/networks/${n.id}`).body.network.routes).toHaveLength(2);
    expect(
      errorField(
        call("POST", `/networks/${n.id}/actions/add_route`, { destination: "0.0.0.0/0", gateway: "10.20.1.12" }),
      ),
    ).toBe("route.destination");
    expect(
      errorCode(
        call("POST", `/networks/${n.id}/actions/delete_route`, { destination: "10.30.0.0/24", gateway: "10.20.1.99" }),
      ),
    ).toBe("not_found");
    call("POST", `/networks/${n.id}/actions/delete_route`, { destination: "10.30.0.0/24", gateway: "10.20.1.10" });
    expect(call("GET", `/networks/${n.id}`).body.network.routes).toEqual([
      { destination: "0.0.0.0/0", gateway: "10.20.1.11" },
    ]);
  });
});

describe("change_ip_range", () => {
  test.each([
    ["shrinks", "10.20.0.0/17"],
    ["keeps the size", "10.20.0.0/16"],
    ["moves the start", "10.22.0.0/15"],
    ["leaves the private ranges", "10.0.0.0/7"],
  ])("refuses a range that %s", (_what, ipRange) => {
    const { call, network } = setup();
    const n = network();
    const r = call("POST", `/networks/${n.id}/actions/change_ip_range`, { ip_range: ipRange });
    expect(errorCode(r)).toBe("invalid_input");
    expect(call("GET", `/networks/${n.id}`).body.network.ip_range).toBe("10.20.0.0/16");
  });

  test("grows the range", () => {
    const { call, network } = setup();
    const n = network();
    expect(
      call("POST", `/networks/${n.id}/actions/change_ip_range`, { ip_range: "10.20.0.0/15" }).body.action.command,
    ).toBe("change_ip_range");
    expect(call("GET", `/networks/${n.id}`).body.network.ip_range).toBe("10.20.0.0/15");
  });
});

describe("server attachments", () => {
  function attached() {
    const t = setup();
    const n = t.network({
      subnets: [
        { type: "cloud", ip_range: "10.20.0.0/24", network_zone: "eu-central" },
        { type: "cloud", ip_range: "10.20.1.0/24", network_zone: "eu-central" },
        { type: "cloud", ip_range: "10.20.5.0/24", network_zone: "us-east" },
      ],
    });
    /** A server action on the network `n`; `body` adds to { network: n.id } or overrides it. The API's answer. */
    const onNetwork = (action: string, server: { id: unknown }, body: Record<string, unknown> = {}) =>
      t.call("POST", `/servers/${server.id}/actions/${action}`, { network: n.id, ...body });
    return { ...t, n, onNetwork };
  }

  test("attach with an ip: the server's private_net and the network's servers show it", () => {
    const { call, n, server, view, onNetwork } = attached();
    const s = server("admin-1");
    const r = onNetwork("attach_to_network", s, {
      ip: "10.20.1.10",
      ip_range: "10.20.1.0/24",
      alias_ips: ["10.20.1.11"],
    });
    expect(r.status).toBe(201);
    expect(r.body.action).toMatchObject({
      command: "attach_to_network",
      resources: [
        { id: s.id, type: "server" },
        { id: n.id, type: "network" },
      ],
    });
    const pn = view(s).private_net;
    expect(pn).toEqual([
      {
        network: n.id,
        ip: "10.20.1.10",
        alias_ips: ["10.20.1.11"],
        mac_address: expect.stringMatching(/^86:00:00(:[0-9a-f]{2}){3}$/),
      },
    ]);
    expect(call("GET", `/networks/${n.id}`).body.network.servers).toEqual([s.id]);
  });

  test("attach without ip takes the next free address of the last subnet of the server's zone", () => {
    const { server, view, onNetwork } = attached();
    const a = server("a");
    const b = server("b");
    onNetwork("attach_to_network", a);
    onNetwork("attach_to_network", b);
    expect(view(a).private_net[0].ip).toBe("10.20.1.1");
    expect(view(b).private_net[0].ip).toBe("10.20.1.2");
    // The subnet holding the network's gateway (10.20.0.1) starts at .2.
    const c = server("c");
    onNetwork("attach_to_network", c, { ip_range: "10.20.0.0/24" });
    expect(view(c).private_net[0].ip).toBe("10.20.0.2");
    const d = server("d", "us-east");
    onNetwork("attach_to_network", d);
    expect(view(d).private_net[0].ip).toBe("10.20.5.1");
    expect(view(a).private_net[0].mac_address).not.toBe(view(b).private_net[0].mac_address);
  });

  test.each([
    ["a taken address", { ip: "10.20.1.10" }, "ip_not_available"],
    ["the subnet's first address", { ip: "10.20.1.0" }, "invalid_input"],
    ["the subnet's last address", { ip: "10.20.1.255" }, "invalid_input"],
    ["the network's gateway", { ip: "10.20.0.1" }, "invalid_input"],
    ["an address outside every subnet", { ip: "10.20.3.4" }, "invalid_input"],
    ["an address in another zone's subnet", { ip: "10.20.5.4" }, "invalid_input"],
    ["an ip outside the ip_range given", { ip: "10.20.0.9", ip_range: "10.20.1.0/24" }, "invalid_input"],
    ["a subnet the network lacks", { ip_range: "10.20.7.0/24" }, "invalid_input"],
    ["a taken alias", { alias_ips: ["10.20.1.10"] }, "ip_not_available"],
    ["an alias that is no address", { alias_ips: ["x"] }, "invalid_input"],
  ])("attach refuses %s", (_what, body, code) => {
    const { call, n, server, onNetwork } = attached();
    onNetwork("attach_to_network", server("first"), { ip: "10.20.1.10" });
    const s = server("second");
    const r = onNetwork("attach_to_network", s, body);
    expect(errorCode(r)).toBe(code);
    expect(call("GET", `/networks/${n.id}`).body.network.servers).toHaveLength(1);
  });

  test("attach refuses a second attachment, unknown servers and networks, and a zone without subnet", () => {
    const { call, server, onNetwork } = attached();
    const s = server("a");
    onNetwork("attach_to_network", s);
    expect(errorCode(onNetwork("attach_to_network", s))).toBe("server_already_attached");
    expect(errorCode(onNetwork("attach_to_network", { id: 999 }))).toBe("not_found");
    expect(errorCode(onNetwork("attach_to_network", s, { network: 999 }))).toBe("not_found");
    expect(errorField(call("POST", `/servers/${s.id}/actions/attach_to_network`, {}))).toBe("network");
    const far = server("far", "us-west");
    expect(errorCode(onNetwork("attach_to_network", far))).toBe("no_subnet_available");
  });

  test("change_alias_ips replaces the aliases; detach removes the attachment", () => {
    const { server, view, onNetwork } = attached();
    const s = server("a");
    onNetwork("attach_to_network", s, { ip: "10.20.1.10", alias_ips: ["10.20.1.11"] });
    expect(onNetwork("change_alias_ips", s, { alias_ips: ["10.20.1.11", "10.20.1.12"] }).status).toBe(201);
    expect(view(s).private_net[0].alias_ips).toEqual(["10.20.1.11", "10.20.1.12"]);
    expect(errorCode(onNetwork("change_alias_ips", s, { alias_ips: ["10.20.1.10"] }))).toBe("ip_not_available");
    expect(errorField(onNetwork("change_alias_ips", s))).toBe("alias_ips");
    onNetwork("change_alias_ips", s, { alias_ips: [] });
    expect(view(s).private_net[0].alias_ips).toEqual([]);
    expect(onNetwork("detach_from_network", s).body.action.command).toBe("detach_from_network");
    expect(view(s).private_net).toEqual([]);
    expect(errorCode(onNetwork("detach_from_network", s))).toBe("not_found");
    expect(errorCode(onNetwork("change_alias_ips", s, { alias_ips: [] }))).toBe("not_found");
  });

  test("a subnet with attached servers cannot be deleted; deleting the network detaches them", () => {
    const { call, n, server, view, onNetwork } = attached();
    const s = server("a");
    onNetwork("attach_to_network", s, { ip: "10.20.1.10" });
    const r = call("POST", `/networks/${n.id}/actions/delete_subnet`, { ip_range: "10.20.1.0/24" });
    expect(errorCode(r)).toBe("service_error");
    // The provider retries on exactly this wording.
    expect(r.body.error.message).toContain("servers are attached");
    expect(call("POST", `/networks/${n.id}/actions/delete_subnet`, { ip_range: "10.20.0.0/24" }).status).toBe(201);
    expect(call("DELETE", `/networks/${n.id}`).status).toBe(204);
    expect(view(s).private_net).toEqual([]);
  });

  test("a new server's networks are attached; a deleted server's attachments go", () => {
    const { sim, call, n, network, view } = attached();
    const record = { id: sim.id(), name: "new", labels: {}, location: { name: "fsn1", network_zone: "eu-central" } };
    sim.created("server", record, { networks: [n.id] });
    sim.collection("servers").set(record.id, record);
    expect(view(record).private_net.map((p: any) => p.ip)).toEqual(["10.20.1.1"]);
    // A refused create attaches to none of its networks.
    const empty = network({ name: "empty", ip_range: "10.21.0.0/16" });
    const other = { id: sim.id(), name: "other", labels: {}, location: { name: "fsn1", network_zone: "eu-central" } };
    expect(() => sim.created("server", other, { networks: [n.id, empty.id] })).toThrow("no cloud subnet");
    expect(() => sim.created("server", other, { networks: [12345] })).toThrow("not found");
    // A firewall refused with the networks attaches to none.
    expect(() => sim.created("server", other, { networks: [n.id], firewalls: [{ firewall: 999 }] })).toThrow(
      "firewall with ID 999 not found",
    );
    expect(call("GET", `/networks/${n.id}`).body.network.servers).toEqual([record.id]);
    sim.deleted("server", record.id);
    expect(call("GET", `/networks/${n.id}`).body.network.servers).toEqual([]);
  });
});

test("the HTTP server answers the networks routes", async () => {
  const s = await startSimulator({ warn: () => {} });
  try {
    const headers = { authorization: "Bearer test", "content-type": "application/json" };
    const created = await fetch(`${s.cloudUrl}/networks`, {
      method: "POST",
      headers,
      body: JSON.stringify({ name: "n", ip_range: "10.0.0.0/16" }),
    });
    expect(created.status).toBe(201);
    const id = ((await created.json()) as any).network.id;
    const got = await fetch(`${s.cloudUrl}/networks/${id}`, { headers });
    expect(((await got.json()) as any).network.ip_range).toBe("10.0.0.0/16");
  } finally {
    await s.close();
  }
});
