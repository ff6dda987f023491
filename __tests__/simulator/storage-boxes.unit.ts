/**
 * The simulated storage box API (Hetzner API): types, boxes, their actions,
 * subaccounts and snapshots, every check with the error it answers, and the
 * action polling the provider does on the Cloud API.
 */
import { expectCreated, expectUpdated, inProcessApi } from "../../testing/simulator";
import { startSimulator } from "../../simulator/server";
import { checkPassword } from "../../simulator/resources/storage-box-offer";
import { registerStorageBoxes } from "../../simulator/resources/storage-boxes";

const simulator = () => inProcessApi("hetzner", registerStorageBoxes);

type Call = ReturnType<typeof simulator>;

const PASSWORD = "Box-Passw0rd!long";

const fieldError = (r: { json: any }): string => {
  const f = r.json.error.details.fields[0];
  return `${f.name}: ${f.messages[0]}`;
};

const createBox = (call: Call, extra: Record<string, unknown> = {}) =>
  call("POST", "/storage_boxes", {
    name: "backup",
    storage_box_type: "bx21",
    location: "hel1",
    password: PASSWORD,
    ...extra,
  });

const createSub = (call: Call, box: number, extra: Record<string, unknown> = {}) =>
  call("POST", `/storage_boxes/${box}/subaccounts`, { home_directory: "servers/web-1", password: PASSWORD, ...extra });

describe("storage box types", () => {
  test("the offer lists bx11 to bx41 with their limits and a price in each location that sells boxes", () => {
    const call = simulator();
    const types = call("GET", "/storage_box_types").json.storage_box_types;
    expect(
      types.map((t: any) => [t.name, t.size, t.subaccounts_limit, t.snapshot_limit, t.automatic_snapshot_limit]),
    ).toEqual([
      ["bx11", 1099511627776, 100, 10, 10],
      ["bx21", 5497558138880, 100, 20, 20],
      ["bx31", 10995116277760, 100, 30, 30],
      ["bx41", 21990232555520, 100, 40, 40],
    ]);
    expect(types[0].prices.map((p: any) => p.location)).toEqual(["fsn1", "nbg1", "hel1"]);
    expect(types[0].prices[0]).toEqual({
      location: "fsn1",
      price_hourly: { net: "0.0051", gross: "0.0062" },
      price_monthly: { net: "3.2000", gross: "3.8720" },
      setup_fee: { net: "0.0000", gross: "0.0000" },
    });
    expect(JSON.stringify(types)).not.toContain("$");
    expect(call("GET", "/storage_box_types?name=bx31").json.storage_box_types).toHaveLength(1);
    expect(call("GET", `/storage_box_types/${types[1].id}`).json.storage_box_type.name).toBe("bx21");
    expect(call("GET", "/storage_box_types/999").json.error.code).toBe("not_found");
  });
});

describe("storage boxes", () => {
  test("a new box has its computed fields, a location object, no password and no snapshot plan", () => {
    const call = simulator();
    const r = createBox(call, {
      labels: { role: "backup" },
      access_settings: { ssh_enabled: true },
      ssh_keys: ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBx key@host"],
    });
    expect(r.status).toBe(201);
    expect(r.json.action).toMatchObject({
      command: "create",
      status: "running",
      resources: [{ id: r.json.storage_box.id, type: "storage_box" }],
    });
    const box = call("GET", `/storage_boxes/${r.json.storage_box.id}`).json.storage_box;
    expect(box).toMatchObject({
      name: "backup",
      status: "active",
      storage_box_type: { name: "bx21" },
      location: { name: "hel1", country: "FI" },
      access_settings: {
        reachable_externally: false,
        samba_enabled: false,
        ssh_enabled: true,
        webdav_enabled: false,
        zfs_enabled: false,
      },
      labels: { role: "backup" },
      protection: { delete: false },
      snapshot_plan: null,
      stats: { size: 0, size_data: 0, size_snapshots: 0 },
    });
    expect(box.username).toMatch(/^u\d+$/);
    expect(box.server).toBe(`${box.username}.your-storagebox.de`);
    expect(box.system).toMatch(/^HEL1-BX\d+$/);
    expect(JSON.stringify(r.json) + JSON.stringify(box)).not.toContain(PASSWORD);
    expect(JSON.stringify(box)).not.toContain("ssh-ed25519");
  });

  test.each([
    [
      { storage_box_type: "bx99" },
      'storage_box_type: storage box type "bx99" not found; available: bx11, bx21, bx31, bx41',
    ],
    [{ location: "ash" }, 'location: location "ash" does not offer storage boxes; available: fsn1, nbg1, hel1'],
    [{ location: "mars1" }, 'location: location "mars1" does not offer storage boxes; available: fsn1, nbg1, hel1'],
    [
      { password: "short1!A" },
      "password: the password does not match the password policy: it must be 12 to 128 characters long (it has 8)",
    ],
    [{ password: undefined }, "password: is required"],
    [{ name: "" }, "name: is required"],
    [{ ssh_keys: ["not a key"] }, "ssh_keys[0]: must be a public key in OpenSSH format"],
    [{ access_settings: { ssh_enabled: "yes" } }, "access_settings.ssh_enabled: must be a boolean"],
    [{ labels: { "bad key!": "x" } }, 'labels: invalid label key "bad key!"'],
  ])("a box with %j is refused", (extra, message) => {
    const r = createBox(simulator(), extra);
    expect(r.status).toBe(400);
    expect(r.json.error.code).toBe("invalid_input");
    expect(fieldError(r)).toBe(message);
  });

  test.each([
    ["alllowercase1!", "contain an upper case letter"],
    ["ALLUPPERCASE1!", "contain a lower case letter"],
    ["NoDigitsHere!!", "contain a digit"],
    ["NoSpecials1234", "contain a special character"],
    ["With Space1!xyz", "contain no white space or control characters"],
    [`Aa1!${"x".repeat(125)}`, "be 12 to 128 characters long (it has 129)"],
  ])("the password %s breaks the policy", (password, why) => {
    expect(() => checkPassword(password)).toThrow();
    const r = createBox(simulator(), { password });
    expect(fieldError(r)).toContain(why);
  });

  test("box names are unique; PUT renames and relabels", () => {
    const call = simulator();
    const id = createBox(call).json.storage_box.id;
    expect(createBox(call).json.error.code).toBe("uniqueness_error");
    createBox(call, { name: "other" });
    expect(call("PUT", `/storage_boxes/${id}`, { name: "other" }).json.error.code).toBe("uniqueness_error");
    expectUpdated(call, `/storage_boxes/${id}`, "storage_box", { name: "renamed", labels: { a: "b" } });
    expect(call("GET", "/storage_boxes?name=renamed").json.storage_boxes).toHaveLength(1);
    expect(call("GET", "/storage_boxes?label_selector=a%3Db").json.storage_boxes).toHaveLength(1);
  });

  test("delete protection refuses a delete; deleting a box deletes its subaccounts", () => {
    const call = simulator();
    const id = createBox(call).json.storage_box.id;
    const sub = createSub(call, id).json.subaccount.id;
    call("POST", `/storage_boxes/${id}/actions/change_protection`, { delete: true });
    const refused = call("DELETE", `/storage_boxes/${id}`);
    expect([refused.status, refused.json.error.code]).toEqual([423, "protected"]);
    call("POST", `/storage_boxes/${id}/actions/change_protection`, { delete: false });
    expect(call("DELETE", `/storage_boxes/${id}`).json.action.command).toBe("delete");
    expect(call("GET", `/storage_boxes/${id}`).json.error.code).toBe("not_found");
    expect(call("GET", `/storage_boxes/${id}/subaccounts/${sub}`).json.error.code).toBe("not_found");
  });

  test("access settings change only where given; type changes are checked", () => {
    const call = simulator();
    const id = createBox(call, { access_settings: { ssh_enabled: true } }).json.storage_box.id;
    call("POST", `/storage_boxes/${id}/actions/update_access_settings`, { samba_enabled: true });
    expect(call("GET", `/storage_boxes/${id}`).json.storage_box.access_settings).toMatchObject({
      ssh_enabled: true,
      samba_enabled: true,
      zfs_enabled: false,
    });
    expect(fieldError(call("POST", `/storage_boxes/${id}/actions/change_type`, { storage_box_type: "bx5" }))).toContain(
      'storage box type "bx5" not found',
    );
    call("POST", `/storage_boxes/${id}/actions/change_type`, { storage_box_type: "bx41" });
    expect(call("GET", `/storage_boxes/${id}`).json.storage_box.storage_box_type.name).toBe("bx41");
    expect(fieldError(call("POST", `/storage_boxes/${id}/actions/reset_password`, { password: "weak" }))).toContain(
      "password policy",
    );
    expect(
      call("POST", `/storage_boxes/${id}/actions/reset_password`, { password: "An0ther-Passw0rd!" }).json.action
        .command,
    ).toBe("reset_password");
  });

  test("a snapshot plan is enabled within the type's limit and disabled again", () => {
    const call = simulator();
    const id = createBox(call, { storage_box_type: "bx11" }).json.storage_box.id;
    const plan = { max_snapshots: 10, minute: 30, hour: 2, day_of_week: 7, day_of_month: null };
    call("POST", `/storage_boxes/${id}/actions/enable_snapshot_plan`, plan);
    expect(call("GET", `/storage_boxes/${id}`).json.storage_box.snapshot_plan).toEqual(plan);
    const enable = (extra: Record<string, unknown>) =>
      fieldError(call("POST", `/storage_boxes/${id}/actions/enable_snapshot_plan`, { ...plan, ...extra }));
    expect(enable({ max_snapshots: 11 })).toBe("max_snapshots: must be an integer from 1 to 10, got 11");
    expect(enable({ minute: 60 })).toBe("minute: must be an integer from 0 to 59, got 60");
    expect(enable({ hour: 24 })).toBe("hour: must be an integer from 0 to 23, got 24");
    expect(enable({ day_of_week: 0 })).toBe("day_of_week: must be an integer from 1 to 7 or null, got 0");
    expect(enable({ day_of_month: 32 })).toBe("day_of_month: must be an integer from 1 to 31 or null, got 32");
    call("POST", `/storage_boxes/${id}/actions/disable_snapshot_plan`);
    expect(call("GET", `/storage_boxes/${id}`).json.storage_box.snapshot_plan).toBeNull();
  });

  test("snapshots are created up to the type's limit, and a rollback needs an existing one", () => {
    const call = simulator();
    const id = createBox(call, { storage_box_type: "bx11" }).json.storage_box.id;
    const first = call("POST", `/storage_boxes/${id}/snapshots`, { description: "before upgrade", labels: { k: "v" } });
    expectCreated(first, "snapshot", {
      description: "before upgrade",
      is_automatic: false,
      storage_box: id,
      labels: { k: "v" },
    });
    for (let i = 1; i < 10; i++) call("POST", `/storage_boxes/${id}/snapshots`, {});
    const over = call("POST", `/storage_boxes/${id}/snapshots`, {});
    expect([over.status, over.json.error.code]).toEqual([403, "resource_limit_exceeded"]);
    expect(call("GET", `/storage_boxes/${id}/snapshots`).json.snapshots).toHaveLength(10);
    expect(
      call("POST", `/storage_boxes/${id}/actions/rollback_snapshot`, { snapshot: first.json.snapshot.id }).json.action
        .command,
    ).toBe("rollback_snapshot");
    expect(fieldError(call("POST", `/storage_boxes/${id}/actions/rollback_snapshot`, { snapshot: 12345 }))).toBe(
      "snapshot: the storage box has no snapshot 12345",
    );
    expect(
      call("PUT", `/storage_boxes/${id}/snapshots/${first.json.snapshot.id}`, { description: "kept" }).json.snapshot
        .description,
    ).toBe("kept");
    expect(call("DELETE", `/storage_boxes/${id}/snapshots/${first.json.snapshot.id}`).json.action.command).toBe(
      "delete_snapshot",
    );
  });
});

describe("subaccounts", () => {
  test("a subaccount is answered by ids only at creation; its username counts up per box and is never reused", () => {
    const call = simulator();
    const box = createBox(call).json.storage_box;
    const created = createSub(call, box.id, {
      name: "web-1",
      description: "web",
      labels: { role: "backup" },
      access_settings: { readonly: true, ssh_enabled: true },
    });
    expect(created.status).toBe(201);
    expect(created.json.subaccount).toEqual({ id: created.json.subaccount.id, storage_box: box.id });
    const sub = call("GET", `/storage_boxes/${box.id}/subaccounts/${created.json.subaccount.id}`).json.subaccount;
    expect(sub).toMatchObject({
      name: "web-1",
      username: `${box.username}-sub1`,
      server: `${box.username}-sub1.your-storagebox.de`,
      home_directory: "servers/web-1",
      description: "web",
      labels: { role: "backup" },
      storage_box: box.id,
      access_settings: {
        readonly: true,
        ssh_enabled: true,
        samba_enabled: false,
        webdav_enabled: false,
        reachable_externally: false,
      },
    });
    expect(JSON.stringify(sub)).not.toContain(PASSWORD);
    call("DELETE", `/storage_boxes/${box.id}/subaccounts/${sub.id}`);
    const next = createSub(call, box.id).json.subaccount.id;
    const unnamed = call("GET", `/storage_boxes/${box.id}/subaccounts/${next}`).json.subaccount;
    expect(unnamed.username).toBe(`${box.username}-sub2`);
    expect(unnamed.name).toBe(unnamed.username);
    expect(unnamed.description).toBe("");
  });

  test.each([
    [
      { home_directory: "/servers" },
      'home_directory: must not start with a slash (it is relative to the box), got "/servers"',
    ],
    [{ home_directory: "servers/../etc" }, 'home_directory: must not contain . or .. segments, got "servers/../etc"'],
    [{ home_directory: "" }, "home_directory: is required"],
    [{ password: "password" }, "password: the password does not match the password policy"],
    [{ description: 5 }, "description: must be a string"],
    [{ access_settings: { readonly: 1 } }, "access_settings.readonly: must be a boolean"],
  ])("a subaccount with %j is refused", (extra, message) => {
    const call = simulator();
    const r = createSub(call, createBox(call).json.storage_box.id, extra);
    expect(r.json.error.code).toBe("invalid_input");
    expect(fieldError(r)).toContain(message);
  });

  test("names are unique within a box, and a box holds at most its type's subaccounts", () => {
    const call = simulator();
    const id = createBox(call).json.storage_box.id;
    createSub(call, id, { name: "web-1" });
    const dup = createSub(call, id, { name: "web-1" });
    expect([dup.status, dup.json.error.code]).toEqual([409, "uniqueness_error"]);
    for (let i = 0; i < 99; i++) createSub(call, id, { name: `s${i}` });
    const over = createSub(call, id, { name: "one-too-many" });
    expect([over.status, over.json.error.code]).toEqual([403, "resource_limit_exceeded"]);
    expect(call("GET", `/storage_boxes/${id}/subaccounts?per_page=50`).json.meta.pagination.total_entries).toBe(100);
    expect(call("GET", `/storage_boxes/${id}/subaccounts?name=web-1`).json.subaccounts).toHaveLength(1);
    expect(
      call("POST", "/storage_boxes/999/subaccounts", { home_directory: "x", password: PASSWORD }).json.error.code,
    ).toBe("not_found");
  });

  test(
    "actions change the password, the access settings and the home " +
      "directory; PUT the name, description and labels",
    () => {
      const call = simulator();
      const box = createBox(call).json.storage_box.id;
      const id = createSub(call, box, { name: "web-1" }).json.subaccount.id;
      const base = `/storage_boxes/${box}/subaccounts/${id}`;
      expect(
        call("POST", `${base}/actions/reset_subaccount_password`, { password: "An0ther-Passw0rd!" }).json.action
          .command,
      ).toBe("reset_subaccount_password");
      expect(fieldError(call("POST", `${base}/actions/reset_subaccount_password`, { password: "weak" }))).toContain(
        "password policy",
      );
      call("POST", `${base}/actions/update_access_settings`, { readonly: true });
      call("POST", `${base}/actions/change_home_directory`, { home_directory: "backups/web-1" });
      expect(fieldError(call("POST", `${base}/actions/change_home_directory`, { home_directory: "/abs" }))).toContain(
        "must not start with a slash",
      );
      const put = call("PUT", base, { name: "web-one", description: "web server", labels: { a: "b" } }).json.subaccount;
      expect(put).toMatchObject({
        name: "web-one",
        description: "web server",
        labels: { a: "b" },
        home_directory: "backups/web-1",
        access_settings: { readonly: true, ssh_enabled: false },
      });
      expect(call("GET", `/storage_boxes/${box}/folders`).json.folders).toEqual(["backups"]);
      expect(call("GET", `/storage_boxes/${box}/folders?path=backups`).json.folders).toEqual(["web-1"]);
    },
  );
});

describe("actions of the Hetzner API", () => {
  test("are polled on the Cloud API's /actions, as the provider does, and complete", async () => {
    const s = await startSimulator({ port: 0, warn: () => {} });
    try {
      const headers = { authorization: "Bearer test", "content-type": "application/json" };
      const created = await fetch(`${s.hetznerUrl}/storage_boxes`, {
        method: "POST",
        headers,
        body: JSON.stringify({ name: "backup", storage_box_type: "bx11", location: "fsn1", password: PASSWORD }),
      });
      expect(created.status).toBe(201);
      const { action } = (await created.json()) as { action: { id: number; status: string } };
      expect(action.status).toBe("running");
      const poll = async () =>
        ((await (await fetch(`${s.cloudUrl}/actions?id=${action.id}&sort=status&sort=id`, { headers })).json()) as any)
          .actions;
      expect((await poll())[0].status).toBe("running");
      expect((await poll())[0]).toMatchObject({ id: action.id, status: "success", progress: 100 });
    } finally {
      await s.close();
    }
  });
});
