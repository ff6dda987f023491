/**
 * Simulated volumes: sizes, location or server, attach rules, growth only,
 * delete rules, and a deleted server's volumes detached.
 */
import { expectApiError, expectRenamed, inProcessSim } from "../../testing/simulator";
import { registerCompute } from "../../simulator/resources/compute";

type Res = { status: number; body: any };

function setup() {
  const { call } = inProcessSim(registerCompute);
  const volume = (over: Record<string, any> = {}): Res =>
    call("POST", "/volumes", { name: "data", size: 50, location: "fsn1", format: "ext4", ...over });
  const server = (name = "web-1", location = "fsn1") =>
    call("POST", "/servers", { name, server_type: "cx23", image: "debian-13", location }).body.server;
  return { call, volume, server };
}

test("a volume in a location, detached, with Hetzner's linux device path", () => {
  const { volume } = setup();
  const r = volume();
  expect(r.status).toBe(201);
  const v = r.body.volume;
  expect(v).toMatchObject({
    name: "data",
    size: 50,
    server: null,
    status: "available",
    format: "ext4",
    location: { name: "fsn1" },
    protection: { delete: false },
  });
  expect(v.linux_device).toBe(`/dev/disk/by-id/scsi-0HC_Volume_${v.id}`);
  expect(r.body.action.command).toBe("create_volume");
  expect(r.body.next_actions).toEqual([]);
});

test("a volume created for a server is attached, in the server's location", () => {
  const { volume, server, call } = setup();
  const s = server("web-1", "hel1");
  const r = volume({ location: undefined, server: s.id, automount: true });
  expect(r.body.volume).toMatchObject({ server: s.id, location: { name: "hel1" } });
  expect(r.body.next_actions.map((a: any) => a.command)).toEqual(["attach_volume"]);
  expect(call("GET", `/servers/${s.id}`).body.server.volumes).toEqual([r.body.volume.id]);
});

test.each([
  ["a size below 10 GB", { size: 9 }, "size"],
  ["a size above 10240 GB", { size: 10241 }, "size"],
  ["a fractional size", { size: 10.5 }, "size"],
  ["no name", { name: undefined }, "name"],
  ["an unknown format", { format: "btrfs" }, "format"],
  ["no location and no server", { location: undefined }, "location"],
  ["an unknown location", { location: "fsn9" }, "location"],
  ["automount without a server", { automount: true }, "automount"],
  ["an unknown server", { location: undefined, server: 424242 }, "server"],
  ["invalid labels", { labels: { "-bad": "x" } }, "labels"],
])("create refuses %s", (_what, over, field) => {
  const { volume, call } = setup();
  expectApiError(volume(over), 400, "invalid_input", field);
  expect(call("GET", "/volumes").body.volumes).toEqual([]);
});

test("create refuses a location other than the server's, and a name already used", () => {
  const { volume, server } = setup();
  const s = server();
  expectApiError(volume({ location: "nbg1", server: s.id }), 400, "invalid_input", "location");
  volume();
  expectApiError(volume(), 409, "uniqueness_error", "name");
});

test("attach: one server at a time, in the volume's location; detach", () => {
  const { volume, server, call } = setup();
  const v = volume().body.volume;
  const a = server("web-1");
  const b = server("web-2");
  const far = server("web-3", "nbg1");
  const attach = (id: number) => call("POST", `/volumes/${v.id}/actions/attach`, { server: id, automount: true });
  expect(attach(a.id).body.action.command).toBe("attach_volume");
  expect(call("GET", `/volumes/${v.id}`).body.volume.server).toBe(a.id);
  expectApiError(attach(b.id), 422, "volume_already_attached");
  expect(call("POST", `/volumes/${v.id}/actions/detach`).body.action.command).toBe("detach_volume");
  expectApiError(attach(far.id), 400, "invalid_input", "server");
  expectApiError(attach(424242), 400, "invalid_input", "server");
  expectApiError(
    call("POST", `/volumes/${v.id}/actions/attach`, { server: b.id, automount: "yes" }),
    400,
    "invalid_input",
    "automount",
  );
  expect(attach(b.id).status).toBe(201);
});

test("resize grows, never shrinks", () => {
  const { volume, call } = setup();
  const v = volume().body.volume;
  const resize = (size: number) => call("POST", `/volumes/${v.id}/actions/resize`, { size });
  expect(resize(60).body.action.command).toBe("resize_volume");
  expect(call("GET", `/volumes/${v.id}`).body.volume.size).toBe(60);
  expectApiError(resize(50), 400, "invalid_input", "size");
  expectApiError(resize(20000), 400, "invalid_input", "size");
  expect(call("GET", `/volumes/${v.id}`).body.volume.size).toBe(60);
});

test("delete: refused while protected or attached; a deleted server's volumes are detached", () => {
  const { volume, server, call } = setup();
  const s = server();
  const v = volume({ location: undefined, server: s.id }).body.volume;
  call("POST", `/volumes/${v.id}/actions/change_protection`, { delete: true });
  expectApiError(call("DELETE", `/volumes/${v.id}`), 423, "protected");
  expectApiError(
    call("POST", `/volumes/${v.id}/actions/change_protection`, { delete: "no" }),
    400,
    "invalid_input",
    "delete",
  );
  call("POST", `/volumes/${v.id}/actions/change_protection`, { delete: false });
  expectApiError(call("DELETE", `/volumes/${v.id}`), 400, "invalid_input", "server");
  call("DELETE", `/servers/${s.id}`);
  expect(call("GET", `/volumes/${v.id}`).body.volume.server).toBeNull();
  expect(call("DELETE", `/volumes/${v.id}`).status).toBe(204);
  expectApiError(call("GET", `/volumes/${v.id}`), 404, "not_found");
});

test("PUT renames and replaces labels; list filters", () => {
  const { volume, call } = setup();
  const v = volume({ labels: { role: "web" } }).body.volume;
  volume({ name: "other" });
  expectRenamed(call, `/volumes/${v.id}`, "volume", { name: "web-data", labels: { role: "mail" } }, "other");
  const names = (q: string) => call("GET", "/volumes", {}, q).body.volumes.map((x: any) => x.name);
  expect(names("label_selector=role%3Dmail")).toEqual(["web-data"]);
  expect(names("name=other")).toEqual(["other"]);
  expect(names("status=creating")).toEqual([]);
});

test("the volume's actions are listed", () => {
  const { volume, call } = setup();
  const v = volume().body.volume;
  call("POST", `/volumes/${v.id}/actions/resize`, { size: 60 });
  expect(call("GET", `/volumes/${v.id}/actions`).body.actions.map((a: any) => a.command)).toEqual([
    "create_volume",
    "resize_volume",
  ]);
});
