import { Construct } from "constructs";
import type { TerraformStack } from "cdktn";
import { BackupStorage, type BackupStorageProps, DEFAULT_SNAPSHOT_PLAN } from "../../constructs";
import { LABELS, inFreshStack, makeStack, resolveIn } from "../../testing/construct-stacks";
import { addressesOf, importsOf, resourcesOf, synth, variableReferences } from "../../testing/synth-json";
import {
  expectRefused,
  expectResourceAmong,
  expectSchemaValid,
  expectSoleResource,
} from "../../testing/construct-expect";

const BASE: BackupStorageProps = { storageBoxType: "bx21", location: "hel1", labels: LABELS };
const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEh7oet/H9/fH/EUbz5hw/Nm495rjVRO26Mn+aIWybns backup@all2all";

function build(props: Partial<BackupStorageProps> = {}, id = "backup"): { stack: TerraformStack; box: BackupStorage } {
  const { stack, construct: box } = inFreshStack(BackupStorage, BASE, props, id);
  return { stack, box };
}

describe("BackupStorage", () => {
  it(
    "defaults: protected, SSH only, not reachable externally, daily " + "snapshots, password from a sensitive variable",
    () => {
      const { stack } = build();
      const json = synth(stack);
      expectSoleResource(json, "hcloud_storage_box", "backup", {
        name: "backup",
        storage_box_type: "bx21",
        location: "hel1",
        labels: LABELS,
        password: "${var.storage_box_password_backup}",
        access_settings: {
          ssh_enabled: true,
          samba_enabled: false,
          webdav_enabled: false,
          zfs_enabled: false,
          reachable_externally: false,
        },
        snapshot_plan: { max_snapshots: 7, hour: 3, minute: 0 },
        delete_protection: true,
        lifecycle: { prevent_destroy: true, ignore_changes: ["ssh_keys"] },
      });
      expect(json.variable).toEqual({
        storage_box_password_backup: {
          type: "string",
          sensitive: true,
          nullable: false,
          description:
            "Password of the storage box backup (Hetzner's password policy " +
            "applies); set TF_VAR_storage_box_password_backup",
        },
      });
      expect(DEFAULT_SNAPSHOT_PLAN).toEqual({ maxSnapshots: 7, hour: 3, minute: 0 });
    },
  );

  it("synthesises schema-valid JSON with subaccounts", () => {
    const { stack, box } = build({ sshKeys: [KEY] });
    box.addSubaccount({ name: "web-1", homeDirectory: "servers/web-1", description: "web sites and databases" });
    box.addSubaccount({ name: "restore", homeDirectory: "servers", readonly: true });
    expectSchemaValid(synth(stack));
  });

  it("protect: false lifts delete protection and prevent_destroy (ssh_keys stay ignored)", () => {
    const box = resourcesOf(synth(build({ protect: false }).stack), "hcloud_storage_box").backup;
    expect({ delete_protection: box.delete_protection, lifecycle: box.lifecycle }).toEqual({
      delete_protection: false,
      lifecycle: { prevent_destroy: false, ignore_changes: ["ssh_keys"] },
    });
  });

  it("overrides access settings one by one", () => {
    const box = resourcesOf(
      synth(build({ access: { samba: true, reachableExternally: true } }).stack),
      "hcloud_storage_box",
    ).backup;
    expect(box.access_settings).toEqual({
      ssh_enabled: true,
      samba_enabled: true,
      webdav_enabled: false,
      zfs_enabled: false,
      reachable_externally: true,
    });
  });

  it("takes a snapshot plan, or none", () => {
    const weekly = resourcesOf(
      synth(build({ snapshotPlan: { maxSnapshots: 14, hour: 2, minute: 30, dayOfWeek: 0 } }).stack),
      "hcloud_storage_box",
    ).backup;
    expect(weekly.snapshot_plan).toEqual({ max_snapshots: 14, hour: 2, minute: 30, day_of_week: 0 });
    const monthly = resourcesOf(
      synth(build({ snapshotPlan: { maxSnapshots: 12, hour: 4, minute: 0, dayOfMonth: 1 } }).stack),
      "hcloud_storage_box",
    ).backup;
    expect(monthly.snapshot_plan).toEqual({ max_snapshots: 12, hour: 4, minute: 0, day_of_month: 1 });
    expect(
      resourcesOf(synth(build({ snapshotPlan: false }).stack), "hcloud_storage_box").backup.snapshot_plan,
    ).toBeUndefined();
  });

  it("installs ssh keys at creation, normalised, and ignores later changes", () => {
    const box = resourcesOf(
      synth(build({ sshKeys: [`  ${KEY.replace(" ", "   ")}\n`] }).stack),
      "hcloud_storage_box",
    ).backup;
    expect(box.ssh_keys).toEqual([KEY]);
    expect(box.lifecycle.ignore_changes).toEqual(["ssh_keys"]);
  });

  it("passes the name through, keeps addresses when nested, and adopts an existing box", () => {
    const stack = makeStack();
    new BackupStorage(new Construct(stack, "storage"), "backup", { ...BASE, name: "all2all-backup", importId: "555" });
    const json = synth(stack);
    expect(addressesOf(json)).toEqual(["hcloud_storage_box.backup"]);
    expect(resourcesOf(json, "hcloud_storage_box").backup.name).toBe("all2all-backup");
    expect(importsOf(json)).toEqual([{ to: "hcloud_storage_box.backup", id: "555" }]);
  });

  describe("subaccounts", () => {
    it("addSubaccount creates a writable, SSH-only subaccount with its own password variable, and returns it", () => {
      const { stack, box } = build();
      const web = box.addSubaccount({
        name: "web-1",
        homeDirectory: "servers/web-1",
        description: "web sites and databases",
      });
      const json = synth(stack);
      const addresses = ["hcloud_storage_box.backup", "hcloud_storage_box_subaccount.backup-web-1"];
      expectResourceAmong(json, addresses, "hcloud_storage_box_subaccount", "backup-web-1", {
        storage_box_id: "${hcloud_storage_box.backup.id}",
        name: "web-1",
        home_directory: "servers/web-1",
        password: "${var.storage_box_subaccount_password_backup_web_1}",
        description: "web sites and databases",
        labels: LABELS,
        access_settings: {
          readonly: false,
          ssh_enabled: true,
          samba_enabled: false,
          webdav_enabled: false,
          reachable_externally: false,
        },
      });
      expect(json.variable.storage_box_subaccount_password_backup_web_1).toEqual({
        type: "string",
        sensitive: true,
        nullable: false,
        description:
          "Password of the subaccount web-1 of the storage box backup; set " +
          "TF_VAR_storage_box_subaccount_password_backup_web_1",
      });
      expect(web.passwordVariable).toBe("storage_box_subaccount_password_backup_web_1");
      expect(resolveIn(stack, web.username)).toBe("${hcloud_storage_box_subaccount.backup-web-1.username}");
      expect(resolveIn(stack, web.server)).toBe("${hcloud_storage_box_subaccount.backup-web-1.server}");
      expect(box.subaccounts.get("web-1")).toBe(web);
      expect(box.passwordVariables).toEqual([
        "storage_box_password_backup",
        "storage_box_subaccount_password_backup_web_1",
      ]);
    });

    it("takes readonly, access overrides and extra labels", () => {
      const { stack, box } = build();
      box.addSubaccount({
        name: "restore",
        homeDirectory: "servers",
        readonly: true,
        access: { webdav: true },
        labels: { purpose: "restore" },
      });
      const sub = resourcesOf(synth(stack), "hcloud_storage_box_subaccount")["backup-restore"];
      expect(sub.access_settings).toEqual({
        readonly: true,
        ssh_enabled: true,
        samba_enabled: false,
        webdav_enabled: true,
        reachable_externally: false,
      });
      expect(sub.labels).toEqual({ ...LABELS, purpose: "restore" });
    });

    it("fails on a second subaccount of the same name, or a writer sharing another writer's home", () => {
      const { box } = build();
      box.addSubaccount({ name: "web-1", homeDirectory: "servers/web-1" });
      expectRefused(box.addSubaccount.bind(box), [
        [
          { name: "web-1", homeDirectory: "servers/web-1b" },
          'BackupStorage "backup": the subaccount "web-1" is declared twice',
        ],
        [
          { name: "web-2", homeDirectory: "servers/web-1/" },
          'BackupStorage "backup", subaccount "web-2": homeDirectory "servers/web-1/" is already the ' +
            'home of subaccount "web-1"; give each writing subaccount its own directory',
        ],
      ]);
      box.addSubaccount({ name: "audit", homeDirectory: "servers/web-1", readonly: true });
    });

    it("fails on home directories that are absolute or leave the box", () => {
      const { box } = build();
      expectRefused(box.addSubaccount.bind(box), [
        [
          { name: "web-1", homeDirectory: "/servers/web-1" },
          'BackupStorage "backup", subaccount "web-1": homeDirectory "/servers/web-1" must be a ' +
            'relative path inside the box without "." or ".." parts, e.g. "servers/web-1"',
        ],
        [{ name: "web-1", homeDirectory: "servers/../.." }, 'homeDirectory "servers/../.." must be a relative path'],
        [{ name: "web-1", homeDirectory: "" }, 'homeDirectory "" must be a relative path'],
      ]);
    });

    it("fails on a subaccount name that cannot be part of an address or variable", () => {
      expect(() => build().box.addSubaccount({ name: "Web 1", homeDirectory: "x" })).toThrow(
        'BackupStorage "backup", subaccount "Web 1": the subaccount name "Web 1" is not a valid name',
      );
    });
  });

  describe("secrets", () => {
    it("passwords appear in the JSON only as ${var.…} references of sensitive variables", () => {
      const { stack, box } = build();
      box.addSubaccount({ name: "web-1", homeDirectory: "servers/web-1" });
      box.addSubaccount({ name: "mail-1", homeDirectory: "servers/mail-1" });
      const json = synth(stack);
      expect(variableReferences(json)).toEqual([
        "${var.storage_box_password_backup}",
        "${var.storage_box_subaccount_password_backup_mail_1}",
        "${var.storage_box_subaccount_password_backup_web_1}",
      ]);
      const passwords = [
        resourcesOf(json, "hcloud_storage_box").backup,
        ...Object.values(resourcesOf(json, "hcloud_storage_box_subaccount")),
      ].map((r: any) => r.password);
      for (const password of passwords) expect(password).toMatch(/^\$\{var\.[a-z0-9_]+\}$/);
      for (const variable of Object.values(json.variable) as any[]) expect(variable.sensitive).toBe(true);
      for (const variable of Object.values(json.variable) as any[]) expect(variable.default).toBeUndefined();
    });

    it("offers no prop for a password (the type has none)", () => {
      // @ts-expect-error: there is deliberately no password prop
      const props: BackupStorageProps = { ...BASE, password: "hunter2hunter2" };
      expect(props).toBeDefined();
    });
  });

  describe("labels", () => {
    it("labels the box and its subaccounts", () => {
      const { stack, box } = build();
      box.addSubaccount({ name: "web-1", homeDirectory: "servers/web-1" });
      const json = synth(stack);
      expect(resourcesOf(json, "hcloud_storage_box").backup.labels).toEqual(LABELS);
      expect(resourcesOf(json, "hcloud_storage_box_subaccount")["backup-web-1"].labels).toEqual(LABELS);
    });

    it("fails on an invalid label", () => {
      expect(() => build({ labels: { "Backup.Box/x": "y" } })).toThrow(
        'BackupStorage "backup": labels: label key "Backup.Box/x": its prefix "Backup.Box" must be a DNS subdomain',
      );
      expect(() =>
        build().box.addSubaccount({ name: "web-1", homeDirectory: "x", labels: { server: "web 1" } }),
      ).toThrow(
        'BackupStorage "backup", subaccount "web-1": labels: label "server": label value ' +
          '"web 1" must be empty or start and end with a letter or digit',
      );
    });
  });

  describe("validation", () => {
    it("fails on snapshot plans outside their ranges", () => {
      expect(() => build({ snapshotPlan: { maxSnapshots: 0, hour: 3, minute: 0 } })).toThrow(
        'BackupStorage "backup": snapshotPlan.maxSnapshots must be an integer from 1 to 1000 (got 0)',
      );
      expect(() => build({ snapshotPlan: { maxSnapshots: 7, hour: 24, minute: 0 } })).toThrow(
        "snapshotPlan.hour must be an integer from 0 to 23 (got 24); hours are UTC",
      );
      expect(() => build({ snapshotPlan: { maxSnapshots: 7, hour: 3, minute: 60 } })).toThrow(
        "snapshotPlan.minute must be an integer from 0 to 59 (got 60)",
      );
      expect(() => build({ snapshotPlan: { maxSnapshots: 7, hour: 3, minute: 0, dayOfWeek: 7 } })).toThrow(
        "snapshotPlan.dayOfWeek must be an integer from 0 to 6 (got 7); 0 is Sunday, 6 " +
          "Saturday (the provider's numbering, not the API's 1-7)",
      );
      expect(() => build({ snapshotPlan: { maxSnapshots: 7, hour: 3, minute: 0, dayOfMonth: 32 } })).toThrow(
        "snapshotPlan.dayOfMonth must be an integer from 1 to 31 (got 32)",
      );
    });

    it("fails on ssh keys that are not public keys", () => {
      expectRefused(build, [
        [
          { sshKeys: ["ssh-ed25519 AAAA"] },
          'BackupStorage "backup": sshKeys[0] is not usable: the key data does not hold a ssh-ed25519 key ' +
            "(the type before the key data must match the key; paste the .pub file again)",
        ],
        [
          { sshKeys: [`-----BEGIN OPENSSH ${"PRIVATE"} KEY-----`] },
          "sshKeys[0] is not usable: a PRIVATE key is pasted here",
        ],
      ]);
    });

    it("fails on empty type or location, and on import ids that are not Hetzner ids", () => {
      expectRefused(build, [
        [
          { storageBoxType: "" },
          'BackupStorage "backup": storageBoxType must be a non-empty string (got ""), e.g. "bx21"',
        ],
        [{ location: "" }, 'BackupStorage "backup": location must be a non-empty string (got ""), e.g. "hel1"'],
        [{ importId: "u12345" }, 'BackupStorage "backup": importId "u12345" is not a Hetzner id'],
      ]);
    });
  });
});
