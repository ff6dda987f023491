/**
 * BackupStorage: a Hetzner Storage Box for backups, locked down by default,
 * with snapshots, and one subaccount per backup client (`addSubaccount`).
 *
 * Address scheme, for `new BackupStorage(stack, "backup", …)`:
 *
 *   hcloud_storage_box.backup
 *   hcloud_storage_box_subaccount.backup-<name>           per addSubaccount({ name })
 *   variable storage_box_password_backup                  TF_VAR_storage_box_password_backup
 *   variable storage_box_subaccount_password_backup_<n>   TF_VAR_storage_box_subaccount_password_backup_<n>
 *                                                         (<n> = the subaccount name with "_" for "-")
 *
 * Passwords are never props and never in the synthesised JSON: each is
 * `${var.…}` of a sensitive variable declared at the top of the stack, set by
 * operators through `TF_VAR_<name>` (Hetzner's password policy applies). The
 * provider stores them in state (no write-only variant yet): encrypt state.
 *
 * Safe defaults, and why:
 * - protect: true → delete_protection and prevent_destroy on the box (the
 *   backups are in it).
 * - access: SSH on (borg/restic over SSH), Samba, WebDAV and the ZFS snapshot
 *   folder off, not reachable from outside Hetzner's network: the smallest
 *   surface that backups from Hetzner servers need. Each is overridable.
 * - snapshot plan: daily at 03:00 UTC, 7 kept. Snapshots are made by Hetzner,
 *   outside the clients' reach, so a compromised server that deletes its
 *   backups cannot delete them. `snapshotPlan: false` turns them off.
 * - ssh_keys are in ignore_changes: a change replaces the box *with its data*
 *   (providers/hcloud/NOTES.md). Keys given here are installed at creation; later key changes
 *   are made on the box itself.
 * - Subaccounts: SSH only, not reachable externally, writable (they exist so
 *   that a server can push its backups; a restore account passes readonly: true).
 */
import { Construct } from "constructs";
import { Token } from "cdktn";
import * as storageBox from "../.gen/providers/hcloud/storage-box";
import * as storageBoxSubaccount from "../.gen/providers/hcloud/storage-box-subaccount";
import { ConstructPropsError, checkInteger, isToken, literal, show } from "./common";
import { snake } from "./names";
import { type Labels, checkLabels } from "./labels";
import { protectedLifecycle } from "./protection";
import { sensitiveVariable } from "./secrets";
import { checkNumericImportId } from "./import-blocks";
import { constructWhere, newItemWhere, pinnedResource } from "./construct-setup";
import { publicKeyLiteral, sshPublicKeyProblem } from "./ssh-keys";

/** Access settings of the box. */
export interface StorageBoxAccess {
  /** @default true - backups over SSH (borg, restic, rsync) */
  readonly ssh?: boolean;
  /** @default false - not needed by backup clients */
  readonly samba?: boolean;
  /** @default false - not needed by backup clients */
  readonly webdav?: boolean;
  /** @default false - the .zfs snapshot folder stays hidden from clients */
  readonly zfs?: boolean;
  /** @default false - reachable from Hetzner's network only */
  readonly reachableExternally?: boolean;
}

/** Access settings of a subaccount. */
export interface SubaccountAccess {
  /** @default true */
  readonly ssh?: boolean;
  /** @default false */
  readonly samba?: boolean;
  /** @default false */
  readonly webdav?: boolean;
  /** @default false - reachable from Hetzner's network only */
  readonly reachableExternally?: boolean;
}

/** When Hetzner snapshots the box (UTC). */
export interface SnapshotPlan {
  /** Snapshots kept; older ones are deleted. */
  readonly maxSnapshots: number;
  /** Hour, 0 to 23 (UTC). */
  readonly hour: number;
  /** Minute, 0 to 59. */
  readonly minute: number;
  /**
   * Day of the week, 0 (Sunday) to 6 (Saturday), as the provider counts.
   * @default - every day
   */
  readonly dayOfWeek?: number;
  /**
   * Day of the month, 1 to 31.
   * @default - every day
   */
  readonly dayOfMonth?: number;
}

/** The default snapshot plan: daily at 03:00 UTC, a week kept. */
export const DEFAULT_SNAPSHOT_PLAN: SnapshotPlan = { maxSnapshots: 7, hour: 3, minute: 0 };

export interface BackupStorageProps {
  /**
   * The box's name at Hetzner.
   * @default - the construct id
   */
  readonly name?: string;
  /** Storage Box type, e.g. "bx21". */
  readonly storageBoxType: string;
  /** Location, e.g. "hel1" (off-site from the servers). A change replaces the box and its data. */
  readonly location: string;
  /** Labels of the box and its subaccounts (managed-by, environment, role). */
  readonly labels: Labels;
  /**
   * Production protection: delete_protection and prevent_destroy.
   * @default true - the backups are in it
   */
  readonly protect?: boolean;
  /**
   * Access settings.
   * @default - SSH only, not reachable externally (see StorageBoxAccess)
   */
  readonly access?: StorageBoxAccess;
  /**
   * Hetzner-made snapshots, or false for none.
   * @default DEFAULT_SNAPSHOT_PLAN - daily at 03:00 UTC, 7 kept
   */
  readonly snapshotPlan?: SnapshotPlan | false;
  /**
   * OpenSSH public keys installed for the main account at creation (later changes are ignored).
   * @default - none (password only; use subaccounts with keys installed on the box)
   */
  readonly sshKeys?: readonly string[];
  /**
   * Id of an existing box to adopt with an import block.
   * @default - the box is created
   */
  readonly importId?: string;
}

/** One subaccount. */
export interface SubaccountOptions {
  /** Short name, e.g. the server that uses it ("web-1"); part of the address and the password variable. */
  readonly name: string;
  /** Home directory inside the box, relative, e.g. "servers/web-1" (created if missing). */
  readonly homeDirectory: string;
  /**
   * Read-only access.
   * @default false - subaccounts exist so a server can write its backups; restore accounts pass true
   */
  readonly readonly?: boolean;
  /**
   * Access settings.
   * @default - SSH only, not reachable externally
   */
  readonly access?: SubaccountAccess;
  /**
   * Description at Hetzner.
   * @default - none
   */
  readonly description?: string;
  /**
   * Labels added to the box's labels.
   * @default - the box's labels
   */
  readonly labels?: Labels;
}

/** What `addSubaccount` creates. */
export interface BackupSubaccount {
  /** The hcloud_storage_box_subaccount resource. */
  readonly subaccount: storageBoxSubaccount.StorageBoxSubaccount;
  /** The variable operators set (`TF_VAR_<name>`). */
  readonly passwordVariable: string;
  /** The subaccount's login (a token), e.g. for a backup client's configuration. */
  readonly username: string;
  /** The host to connect to (a token). */
  readonly server: string;
}

export class BackupStorage extends Construct {
  /** The hcloud_storage_box resource. */
  readonly storageBox: storageBox.StorageBox;
  /** The box id as a number. */
  readonly storageBoxId: number;
  /** The variable holding the main account's password (`TF_VAR_<name>`). */
  readonly passwordVariable: string;
  /** Whether the construct applies production protection. */
  readonly protect: boolean;

  private readonly where: string;
  private readonly baseName: string;
  private readonly labels: Record<string, string>;
  private readonly subaccountsByName = new Map<string, BackupSubaccount>();
  private readonly homes = new Map<string, string>();

  constructor(scope: Construct, id: string, props: BackupStorageProps) {
    super(scope, id);
    this.where = constructWhere("BackupStorage", id);
    this.baseName = id;
    this.protect = props.protect ?? true;
    this.labels = checkLabels(this.where, props.labels);
    for (const [what, value, example] of [
      ["storageBoxType", props.storageBoxType, '"bx21"'],
      ["location", props.location, '"hel1"'],
    ] as const) {
      if (typeof value !== "string" || (!isToken(value) && value.trim() === "")) {
        throw new ConstructPropsError(
          this.where,
          `${what} must be a non-empty string (got ${show(value)}), e.g. ${example}`,
        );
      }
    }
    checkNumericImportId(this.where, "importId", props.importId);
    (props.sshKeys ?? []).forEach((key, i) => {
      if (isToken(key)) return;
      const problem = sshPublicKeyProblem(key);
      if (problem !== undefined) throw new ConstructPropsError(this.where, `sshKeys[${i}] is not usable: ${problem}`);
    });
    const plan = props.snapshotPlan === undefined ? DEFAULT_SNAPSHOT_PLAN : props.snapshotPlan;
    if (plan !== false) checkSnapshotPlan(this.where, plan);

    this.passwordVariable = `storage_box_password_${snake(id)}`;
    const password = sensitiveVariable(
      this,
      this.passwordVariable,
      `Password of the storage box ${props.name ?? id} (Hetzner's password ` +
        `policy applies); set TF_VAR_${this.passwordVariable}`,
    );
    const access = props.access ?? {};
    this.storageBox = new storageBox.StorageBox(this, "storage-box", {
      name: props.name ?? id,
      storageBoxType: props.storageBoxType,
      location: props.location,
      labels: this.labels,
      password: password.stringValue,
      accessSettings: { ...accessSettings(access), zfsEnabled: access.zfs ?? false },
      snapshotPlan: plan === false ? undefined : { ...plan },
      sshKeys: props.sshKeys === undefined ? undefined : props.sshKeys.map(publicKeyLiteral),
      deleteProtection: this.protect,
      lifecycle: protectedLifecycle(this.protect, ["ssh_keys"]),
    });
    pinnedResource(this.storageBox, id, props.importId);
    this.storageBoxId = Token.asNumber(this.storageBox.id);
  }

  /**
   * Adds a subaccount (`hcloud_storage_box_subaccount.<box>-<name>`) whose
   * password comes from `TF_VAR_storage_box_subaccount_password_<box>_<name>`.
   */
  addSubaccount(options: SubaccountOptions): BackupSubaccount {
    const where = newItemWhere(this.where, "subaccount", options.name, this.subaccountsByName);
    const home = options.homeDirectory;
    if (
      typeof home !== "string" ||
      (!isToken(home) &&
        (home.trim() === "" || home.startsWith("/") || home.split("/").some((part) => part === ".." || part === ".")))
    ) {
      throw new ConstructPropsError(
        where,
        `homeDirectory ${show(home)} must be a relative path inside the box ` +
          `without "." or ".." parts, e.g. "servers/${options.name}"`,
      );
    }
    if (!isToken(home)) {
      const normalised = home.replace(/\/+$/, "");
      const other = this.homes.get(normalised);
      if (other !== undefined && options.readonly !== true) {
        throw new ConstructPropsError(
          where,
          `homeDirectory ${show(home)} is already the home of subaccount ` +
            `"${other}"; give each writing subaccount its own directory`,
        );
      }
      if (options.readonly !== true) this.homes.set(normalised, options.name);
    }
    if (options.description !== undefined && !isToken(options.description) && options.description.length > 255) {
      throw new ConstructPropsError(
        where,
        `description is ${options.description.length} characters long (at most 255)`,
      );
    }
    const labels = { ...this.labels, ...checkLabels(where, options.labels ?? {}) };
    const passwordVariable = `storage_box_subaccount_password_${snake(this.baseName)}_${snake(options.name)}`;
    const password = sensitiveVariable(
      this,
      passwordVariable,
      `Password of the subaccount ${options.name} of the storage box ${this.baseName}; set TF_VAR_${passwordVariable}`,
    );
    const access = options.access ?? {};
    const subaccount = new storageBoxSubaccount.StorageBoxSubaccount(this, `subaccount-${options.name}`, {
      storageBoxId: this.storageBoxId,
      name: options.name,
      homeDirectory: home,
      password: password.stringValue,
      description: literal(options.description),
      labels,
      accessSettings: { readonly: options.readonly ?? false, ...accessSettings(access) },
    });
    pinnedResource(subaccount, `${this.baseName}-${options.name}`);
    const created: BackupSubaccount = {
      subaccount,
      passwordVariable,
      username: subaccount.username,
      server: subaccount.server,
    };
    this.subaccountsByName.set(options.name, created);
    return created;
  }

  /** Subaccounts by name. */
  get subaccounts(): ReadonlyMap<string, BackupSubaccount> {
    return this.subaccountsByName;
  }

  /** Every password variable this construct declared (box first): what operators must set. */
  get passwordVariables(): string[] {
    return [this.passwordVariable, ...[...this.subaccountsByName.values()].map((s) => s.passwordVariable)];
  }
}

function checkSnapshotPlan(where: string, plan: SnapshotPlan): void {
  checkInteger(
    where,
    "snapshotPlan.maxSnapshots",
    plan.maxSnapshots,
    1,
    1000,
    "give how many snapshots to keep, e.g. 7",
  );
  checkInteger(where, "snapshotPlan.hour", plan.hour, 0, 23, "hours are UTC");
  checkInteger(where, "snapshotPlan.minute", plan.minute, 0, 59, "e.g. 30");
  checkInteger(
    where,
    "snapshotPlan.dayOfWeek",
    plan.dayOfWeek,
    0,
    6,
    "0 is Sunday, 6 Saturday (the provider's numbering, not the API's 1-7)",
  );
  checkInteger(where, "snapshotPlan.dayOfMonth", plan.dayOfMonth, 1, 31, "or leave it out for every day");
}

/** The access settings of a box and of a subaccount, with their safe defaults: SSH only, from Hetzner's network. */
function accessSettings(access: SubaccountAccess) {
  return {
    sshEnabled: access.ssh ?? true,
    sambaEnabled: access.samba ?? false,
    webdavEnabled: access.webdav ?? false,
    reachableExternally: access.reachableExternally ?? false,
  };
}
