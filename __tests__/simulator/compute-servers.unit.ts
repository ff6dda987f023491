/**
 * Simulated servers: create as hcloud-go's ServerCreateResponse, the view with
 * top-level location and public_net from primary IPs, the other modules'
 * hooks, every refusal Hetzner makes on create, the actions, and what a delete
 * frees.
 */
import { expectApiError, expectRenamed, inProcessSim } from "../../testing/simulator";
import { ApiError } from "../../simulator/core";
import { registerCompute } from "../../simulator/resources/compute";
import { SERVER_ACTIONS } from "../../simulator/resources/servers";

type Res = { status: number; body: any };

function setup() {
  const { sim, call } = inProcessSim(registerCompute);
  const key = call("POST", "/ssh_keys", { name: "alice", public_key: ALICE }).body.ssh_key;
  const create = (over: Record<string, any> = {}): Res =>
    call("POST", "/servers", {
      name: "web-1",
      server_type: "cx23",
      image: "debian-13",
      location: "fsn1",
      ssh_keys: [key.id],
      ...over,
    });
  const pip = (name: string, type: "ipv4" | "ipv6", location = "fsn1") =>
    call("POST", "/primary_ips", { name, type, location }).body.primary_ip;
  const server = (id: number) => call("GET", `/servers/${id}`).body.server;
  return { sim, call, create, pip, server, key };
}

const ALICE = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEh7oet/H9/fH/EUbz5hw/Nm495rjVRO26Mn+aIWybns alice";

describe("create", () => {
  test("answers server, action, next_actions and a null root password when keys are given", () => {
    const { create, server } = setup();
    const r = create();
    expect(r.status).toBe(201);
    expect(r.body.server.status).toBe("initializing");
    expect(r.body.action.command).toBe("create_server");
    expect(r.body.next_actions.map((a: any) => a.command)).toEqual(["start_server"]);
    expect(r.body.root_password).toBeNull();
    const s = server(r.body.server.id);
    expect(s.status).toBe("running");
    expect(s.location.name).toBe("fsn1");
    expect(s).not.toHaveProperty("datacenter");
    expect(s).toMatchObject({
      image: { name: "debian-13" },
      server_type: { name: "cx23" },
      primary_disk_size: 40,
      backup_window: null,
    });
    expect(s.private_net).toEqual([]);
    expect(s.public_net.firewalls).toEqual([]);
  });

  test("a server without SSH keys gets a root password; one not started is off", () => {
    const { create, server } = setup();
    const r = create({ ssh_keys: [], start_after_create: false });
    expect(typeof r.body.root_password).toBe("string");
    expect(r.body.next_actions).toEqual([]);
    expect(server(r.body.server.id).status).toBe("off");
  });

  test("SSH keys are taken by name too", () => {
    const { create } = setup();
    expect(create({ ssh_keys: ["alice"] }).status).toBe(201);
  });

  test("without public_net the API creates both primary IPs, auto_delete, assigned to the server", () => {
    const { create, call } = setup();
    const s = create().body.server;
    const ips = call("GET", "/primary_ips").body.primary_ips;
    expect(ips.map((p: any) => p.type).sort()).toEqual(["ipv4", "ipv6"]);
    for (const p of ips)
      expect(p).toMatchObject({
        auto_delete: true,
        assignee_id: s.id,
        assignee_type: "server",
        name: `primary_ip-${p.id}`,
      });
    expect(s.public_net.ipv4.ip).toBe(ips.find((p: any) => p.type === "ipv4").ip);
    expect(s.public_net.ipv6.ip).toMatch(/^2001:db8:[0-9a-f:]+::\/64$/);
    expect(s.public_net.ipv4.dns_ptr).toMatch(/^static\..*\.clients\.your-server\.de$/);
  });

  test("enable_ipv4 false leaves the server without IPv4", () => {
    const { create, call } = setup();
    const s = create({ public_net: { enable_ipv4: false, enable_ipv6: true } }).body.server;
    expect(s.public_net.ipv4).toBeNull();
    expect(call("GET", "/primary_ips").body.primary_ips).toHaveLength(1);
  });

  test("named primary IPs are assigned, not copied", () => {
    const { create, pip, call } = setup();
    const v4 = pip("a-ipv4", "ipv4");
    const v6 = pip("a-ipv6", "ipv6");
    const s = create({ public_net: { enable_ipv4: true, enable_ipv6: true, ipv4: v4.id, ipv6: v6.id } }).body.server;
    expect(s.public_net.ipv4.id).toBe(v4.id);
    expect(s.public_net.ipv6.id).toBe(v6.id);
    expect(call("GET", "/primary_ips").body.primary_ips).toHaveLength(2);
    expect(call("GET", `/primary_ips/${v4.id}`).body.primary_ip).toMatchObject({
      assignee_id: s.id,
      assignee_type: "server",
    });
  });

  test("volumes named at create are attached", () => {
    const { create, call, server } = setup();
    const v = call("POST", "/volumes", { name: "data", size: 10, location: "fsn1" }).body.volume;
    const r = create({ volumes: [v.id], automount: true });
    expect(r.body.next_actions.map((a: any) => a.command)).toContain("attach_volume");
    expect(server(r.body.server.id).volumes).toEqual([v.id]);
    expect(call("GET", `/volumes/${v.id}`).body.volume.server).toBe(r.body.server.id);
  });

  test.each([
    ["a retired server type", { server_type: "cx22" }, 400, "invalid_input", "server_type"],
    ["no server type", { server_type: undefined }, 400, "invalid_input", "server_type"],
    ["an unknown image", { image: "debian-9" }, 400, "invalid_input", "image"],
    ["an arm image for an x86 type", { image: 114690389 }, 400, "invalid_input", "image"],
    ["an unknown location", { location: "fsn9" }, 400, "invalid_input", "location"],
    ["a name that is no hostname", { name: "web_1" }, 400, "invalid_input", "name"],
    ["an unknown SSH key", { ssh_keys: ["mallory"] }, 400, "invalid_input", "ssh_keys"],
    ["user data above 32 KiB", { user_data: "x".repeat(32 * 1024 + 1) }, 400, "invalid_input", "user_data"],
    ["invalid labels", { labels: { "bad key": "v" } }, 400, "invalid_input", "labels"],
    ["an unknown placement group", { placement_group: 999 }, 400, "invalid_input", "placement_group"],
    ["an unknown volume", { volumes: [999] }, 400, "invalid_input", "volumes"],
    ["start_after_create not a boolean", { start_after_create: "yes" }, 400, "invalid_input", "start_after_create"],
  ])("refuses %s", (_what, over, status, code, field) => {
    const { create, call } = setup();
    expectApiError(create(over), status, code, field);
    expect(call("GET", "/servers").body.servers).toEqual([]);
    expect(call("GET", "/primary_ips").body.primary_ips).toEqual([]);
  });

  test("refuses a type where it is not sold, as Hetzner words it", () => {
    const { create } = setup();
    const r = create({ location: "ash" });
    expectApiError(r, 400, "invalid_input");
    expect(r.body.error).toEqual({
      code: "invalid_input",
      message: "unsupported location for server type",
      details: {},
    });
  });

  test("refuses a name already used", () => {
    const { create } = setup();
    create();
    expectApiError(create(), 409, "uniqueness_error", "name");
  });

  test("refuses primary IPs that are assigned, of the wrong type, or elsewhere", () => {
    const { create, pip } = setup();
    const v4 = pip("a-ipv4", "ipv4");
    create({ public_net: { enable_ipv4: true, enable_ipv6: false, ipv4: v4.id } });
    expectApiError(
      create({ name: "web-2", public_net: { enable_ipv4: true, enable_ipv6: false, ipv4: v4.id } }),
      422,
      "primary_ip_assigned",
    );
    const v6 = pip("b-ipv6", "ipv6");
    expectApiError(
      create({ name: "web-3", public_net: { enable_ipv4: true, enable_ipv6: false, ipv4: v6.id } }),
      422,
      "primary_ip_version_mismatch",
    );
    const hel = pip("c-ipv4", "ipv4", "hel1");
    expectApiError(
      create({ name: "web-4", public_net: { enable_ipv4: true, enable_ipv6: false, ipv4: hel.id } }),
      422,
      "primary_ip_datacenter_mismatch",
    );
    expectApiError(
      create({ name: "web-5", public_net: { enable_ipv4: false, enable_ipv6: false, ipv4: hel.id } }),
      400,
      "invalid_input",
      "public_net.ipv4",
    );
  });

  test("a full spread group refuses the eleventh server", () => {
    const { create, call } = setup();
    const g = call("POST", "/placement_groups", { name: "web", type: "spread" }).body.placement_group;
    for (let i = 0; i < 10; i++) expect(create({ name: `web-${i}`, placement_group: g.id }).status).toBe(201);
    expectApiError(create({ name: "web-10", placement_group: g.id }), 422, "placement_error");
    expect(call("GET", `/placement_groups/${g.id}`).body.placement_group.servers).toHaveLength(10);
  });
});

describe("the other modules' hooks", () => {
  test("created sees the record and the body before the server is stored, and may refuse", () => {
    const { sim, create, call } = setup();
    let seen: { stored: boolean; networks: unknown } | undefined;
    sim.onCreate("server", (record, body) => {
      seen = { stored: call("GET", `/servers/${record.id}`).status === 200, networks: body.networks };
      if ((body.networks as number[]).includes(666))
        throw new ApiError(404, "not_found", "network with ID 666 not found");
    });
    expect(create({ networks: [1] }).status).toBe(201);
    expect(seen).toEqual({ stored: false, networks: [1] });
    expectApiError(create({ name: "web-2", networks: [666] }), 404, "not_found");
    expect(call("GET", "/servers", {}, "name=web-2").body.servers).toEqual([]);
    expect(call("GET", "/primary_ips").body.primary_ips).toHaveLength(2);
  });

  test("view additions appear in every answer; deletes are announced", () => {
    const { sim, create, call, server } = setup();
    sim.extendView("server", (record, view) => {
      view.public_net.firewalls = [{ id: 7, status: "applied" }];
      view.private_net = [{ network: 3, ip: `10.0.0.${record.id}` }];
    });
    const deleted: number[] = [];
    sim.onDelete("server", (id) => deleted.push(id));
    const s = create().body.server;
    expect(s.public_net.firewalls).toEqual([{ id: 7, status: "applied" }]);
    expect(server(s.id).private_net).toEqual([{ network: 3, ip: `10.0.0.${s.id}` }]);
    call("DELETE", `/servers/${s.id}`);
    expect(deleted).toEqual([s.id]);
  });

  test("network actions are left to the networking module: no catch-all action route", () => {
    const { sim, create, call } = setup();
    const s = create().body.server;
    for (const action of ["attach_to_network", "detach_from_network", "change_alias_ips"]) {
      expect(SERVER_ACTIONS).not.toContain(action);
      expect(call("POST", `/servers/${s.id}/actions/${action}`, { network: 1 }).status).toBe(404);
    }
    expect(sim.missing).toHaveLength(3);
  });
});

describe("update and delete", () => {
  test("PUT renames and replaces labels; a name taken or no hostname is refused", () => {
    const { create, call } = setup();
    const s = create({ labels: { a: "1" } }).body.server;
    create({ name: "web-2" });
    expectRenamed(call, `/servers/${s.id}`, "server", { name: "www-1", labels: { b: "2" } }, "web-2");
    expectApiError(call("PUT", `/servers/${s.id}`, { name: "-x" }), 400, "invalid_input", "name");
  });

  test("delete is refused while protected, and frees the server's addresses and volumes", () => {
    const { create, call, pip } = setup();
    const v4 = pip("a-ipv4", "ipv4");
    const s = create({ public_net: { enable_ipv4: true, enable_ipv6: true, ipv4: v4.id } }).body.server;
    const auto6 = s.public_net.ipv6.id;
    const vol = call("POST", "/volumes", { name: "data", size: 10, server: s.id }).body.volume;
    const fip = call("POST", "/floating_ips", { type: "ipv4", server: s.id }).body.floating_ip;
    call("POST", `/servers/${s.id}/actions/change_protection`, { delete: true, rebuild: true });
    expectApiError(call("DELETE", `/servers/${s.id}`), 423, "protected");
    call("POST", `/servers/${s.id}/actions/change_protection`, { delete: false, rebuild: false });
    const r = call("DELETE", `/servers/${s.id}`);
    expect(r.status).toBe(200);
    expect(r.body.action.command).toBe("delete_server");
    expect(call("GET", `/servers/${s.id}`).status).toBe(404);
    expect(call("GET", `/primary_ips/${v4.id}`).body.primary_ip).toMatchObject({
      assignee_id: null,
      assignee_type: "unassigned",
    });
    expect(call("GET", `/primary_ips/${auto6}`).status).toBe(404);
    expect(call("GET", `/volumes/${vol.id}`).body.volume.server).toBeNull();
    expect(call("GET", `/floating_ips/${fip.id}`).body.floating_ip.server).toBeNull();
  });

  test("list filters by name, label selector and status", () => {
    const { create, call } = setup();
    create({ labels: { role: "web" } });
    const db = create({ name: "db-1", labels: { role: "db" } }).body.server;
    call("POST", `/servers/${db.id}/actions/poweroff`);
    const names = (q: string) => call("GET", "/servers", {}, q).body.servers.map((s: any) => s.name);
    expect(names("name=db-1")).toEqual(["db-1"]);
    expect(names("label_selector=role%3Dweb")).toEqual(["web-1"]);
    expect(names("status=off")).toEqual(["db-1"]);
    expectApiError(
      call("GET", "/servers", {}, "label_selector=role%20%3D%3D%3D"),
      400,
      "invalid_input",
      "label_selector",
    );
  });
});

describe("actions", () => {
  test("power actions move the status", () => {
    const { create, call, server } = setup();
    const s = create().body.server;
    const run = (a: string) => call("POST", `/servers/${s.id}/actions/${a}`);
    expect(run("shutdown").body.action.command).toBe("shutdown_server");
    expect(server(s.id).status).toBe("off");
    run("poweron");
    expect(server(s.id).status).toBe("running");
    run("poweroff");
    expect(server(s.id).status).toBe("off");
    run("reset");
    expect(server(s.id).status).toBe("running");
  });

  test("change_type needs the server off, keeps or grows the disk, and never shrinks it", () => {
    const { create, call, server } = setup();
    const s = create().body.server;
    const change = (server_type: string, upgrade_disk: boolean) =>
      call("POST", `/servers/${s.id}/actions/change_type`, { server_type, upgrade_disk });
    expectApiError(change("cx33", false), 422, "server_not_stopped");
    call("POST", `/servers/${s.id}/actions/poweroff`);
    expect(change("cx33", false).body.action.command).toBe("change_server_type");
    expect(server(s.id)).toMatchObject({ server_type: { name: "cx33" }, primary_disk_size: 40, status: "running" });
    call("POST", `/servers/${s.id}/actions/poweroff`);
    expect(change("cx23", false).status).toBe(201);
    call("POST", `/servers/${s.id}/actions/poweroff`);
    change("cx43", true);
    expect(server(s.id).primary_disk_size).toBe(160);
    call("POST", `/servers/${s.id}/actions/poweroff`);
    expectApiError(change("cx23", false), 422, "invalid_server_type");
    expectApiError(change("cax41", false), 422, "invalid_server_type");
    expectApiError(change("cx32", false), 400, "invalid_input", "server_type");
    expectApiError(
      call("POST", `/servers/${s.id}/actions/change_type`, { server_type: "cx53" }),
      400,
      "invalid_input",
      "upgrade_disk",
    );
  });

  test("delete and rebuild protection must be equal; rebuild protection refuses a rebuild", () => {
    const { create, call, server } = setup();
    const s = create().body.server;
    expectApiError(
      call("POST", `/servers/${s.id}/actions/change_protection`, { delete: true }),
      400,
      "invalid_input",
      "rebuild",
    );
    call("POST", `/servers/${s.id}/actions/change_protection`, { delete: true, rebuild: true });
    expect(server(s.id).protection).toEqual({ delete: true, rebuild: true });
    expectApiError(call("POST", `/servers/${s.id}/actions/rebuild`, { image: "ubuntu-24.04" }), 423, "protected");
    call("POST", `/servers/${s.id}/actions/change_protection`, { delete: false, rebuild: false });
    const r = call("POST", `/servers/${s.id}/actions/rebuild`, { image: "ubuntu-24.04" });
    expect(r.body).toMatchObject({ root_password: null, action: { command: "rebuild_server" } });
    expect(server(s.id).image.name).toBe("ubuntu-24.04");
  });

  test("backups set and clear the backup window", () => {
    const { create, call, server } = setup();
    const s = create().body.server;
    call("POST", `/servers/${s.id}/actions/enable_backup`);
    expect(server(s.id).backup_window).toBe("22-02");
    call("POST", `/servers/${s.id}/actions/disable_backup`);
    expect(server(s.id).backup_window).toBeNull();
  });

  test("placement groups: adding needs the server off and no group yet; the group lists its servers", () => {
    const { create, call, server } = setup();
    const s = create().body.server;
    const g = call("POST", "/placement_groups", { name: "web", type: "spread" }).body.placement_group;
    const add = () => call("POST", `/servers/${s.id}/actions/add_to_placement_group`, { placement_group: g.id });
    expectApiError(add(), 422, "server_not_stopped");
    call("POST", `/servers/${s.id}/actions/poweroff`);
    expect(add().status).toBe(201);
    expect(server(s.id).placement_group).toMatchObject({ id: g.id, servers: [s.id] });
    expectApiError(add(), 422, "already_in_placement_group");
    call("POST", `/servers/${s.id}/actions/remove_from_placement_group`);
    expect(server(s.id).placement_group).toBeNull();
    expect(call("GET", `/placement_groups/${g.id}`).body.placement_group.servers).toEqual([]);
  });

  test("change_dns_ptr sets the PTR of the primary IPv4 and of any address in the IPv6 /64", () => {
    const { create, call, server } = setup();
    const s = create().body.server;
    const v4 = s.public_net.ipv4.ip as string;
    const net = (s.public_net.ipv6.ip as string).replace("::/64", "");
    const ptr = (ip: string, dns_ptr: string | null) =>
      call("POST", `/servers/${s.id}/actions/change_dns_ptr`, { ip, dns_ptr });
    expect(ptr(v4, "web-1.all2all.org").status).toBe(201);
    expect(ptr(`${net}::1`, "web-1.all2all.org").status).toBe(201);
    expect(ptr(`${net}:0:0:0:42`, "mx.all2all.org").status).toBe(201);
    const view = server(s.id);
    expect(view.public_net.ipv4.dns_ptr).toBe("web-1.all2all.org");
    expect(view.public_net.ipv6.dns_ptr).toEqual([
      { ip: `${net}::1`, dns_ptr: "web-1.all2all.org" },
      { ip: `${net}::42`, dns_ptr: "mx.all2all.org" },
    ]);
    expect(call("GET", `/primary_ips/${s.public_net.ipv4.id}`).body.primary_ip.dns_ptr).toEqual([
      { ip: v4, dns_ptr: "web-1.all2all.org" },
    ]);
    expectApiError(ptr("2001:db8:ffff:1::1", "x.example.org"), 400, "invalid_input", "ip");
    expectApiError(ptr("192.0.2.1", "x.example.org"), 400, "invalid_input", "ip");
    expectApiError(ptr(v4, "not a hostname"), 400, "invalid_input", "dns_ptr");
    ptr(v4, null);
    expect(server(s.id).public_net.ipv4.dns_ptr).toMatch(/^static\./);
  });

  test("ISO and rescue", () => {
    const { create, call, server } = setup();
    const s = create().body.server;
    expectApiError(
      call("POST", `/servers/${s.id}/actions/attach_iso`, { iso: "nope.iso" }),
      400,
      "invalid_input",
      "iso",
    );
    call("POST", `/servers/${s.id}/actions/attach_iso`, { iso: "virtio-win-0.1.271.iso" });
    expect(server(s.id).iso.name).toBe("virtio-win-0.1.271.iso");
    call("POST", `/servers/${s.id}/actions/detach_iso`);
    expect(server(s.id).iso).toBeNull();
    const r = call("POST", `/servers/${s.id}/actions/enable_rescue`, { type: "linux64", ssh_keys: [] });
    expect(typeof r.body.root_password).toBe("string");
    expect(server(s.id).rescue_enabled).toBe(true);
    expectApiError(
      call("POST", `/servers/${s.id}/actions/enable_rescue`, { type: "freebsd64" }),
      400,
      "invalid_input",
      "type",
    );
    call("POST", `/servers/${s.id}/actions/disable_rescue`);
    expect(server(s.id).rescue_enabled).toBe(false);
  });

  test("the server's actions are listed, and one can be read by id", () => {
    const { create, call } = setup();
    const r = create();
    const id = r.body.server.id;
    call("POST", `/servers/${id}/actions/poweroff`);
    const list = call("GET", `/servers/${id}/actions`).body.actions;
    expect(list.map((a: any) => a.command)).toEqual(["create_server", "start_server", "stop_server"]);
    // Like every action of the simulator: running when first seen, done at the next read.
    expect(list.map((a: any) => a.status)).toEqual(["running", "running", "running"]);
    expect(call("GET", `/servers/${id}/actions`, {}, "status=success").body.actions).toHaveLength(3);
    expect(call("GET", `/servers/${id}/actions/${r.body.action.id}`).body.action.command).toBe("create_server");
    expect(call("GET", `/servers/${id}/actions/999999`).body.error.code).toBe("not_found");
    expect(call("GET", "/servers/424242/actions").body.error.code).toBe("not_found");
  });

  test("an action on an unknown server is not_found", () => {
    const { call } = setup();
    expectApiError(call("POST", "/servers/424242/actions/poweron"), 404, "not_found");
  });
});
