/**
 * The backup stack of an environment (`<env>-backup`): storage boxes and
 * their subaccounts, independent of the rest, so a backup change never plans
 * against servers. Each box's host name is an output.
 */
import { TerraformOutput } from "cdktn";
import { BackupStorage, type BackupStorageProps } from "../constructs";
import type { NetworkSpec } from "../description";
import type { HcloudStack } from "./hcloud-stack";

type StorageBoxSpec = NetworkSpec["storage_boxes"][number];

/** Builds the backup stack's constructs in `stack`; the BackupStorage constructs by name. */
export function buildBackupStack(stack: HcloudStack, spec: NetworkSpec): Map<string, BackupStorage> {
  const boxes = new Map<string, BackupStorage>();
  for (const b of spec.storage_boxes) {
    const box = new BackupStorage(stack, b.name, storageBoxProps(b, spec));
    for (const sub of b.subaccounts) {
      box.addSubaccount({
        name: sub.name,
        homeDirectory: sub.home_directory,
        readonly: sub.readonly,
        description: sub.description,
        labels: sub.labels,
        access: {
          ssh: sub.access.ssh,
          samba: sub.access.samba,
          webdav: sub.access.webdav,
          reachableExternally: sub.access.reachable_externally,
        },
      });
    }
    new TerraformOutput(stack, `${b.name}-host`, {
      value: box.storageBox.server,
      description: `host name of storage box ${b.name} (subaccounts log in as <box user>-<n>@ this host)`,
    });
    boxes.set(b.name, box);
  }
  return boxes;
}

/** The BackupStorage construct's props for one storage box of the description. */
function storageBoxProps(b: StorageBoxSpec, spec: NetworkSpec): BackupStorageProps {
  return {
    storageBoxType: b.type,
    location: b.location,
    labels: b.labels,
    protect: spec.environment.protect,
    access: {
      ssh: b.access.ssh,
      samba: b.access.samba,
      webdav: b.access.webdav,
      zfs: b.access.zfs,
      reachableExternally: b.access.reachable_externally,
    },
    snapshotPlan: b.snapshot_plan.enabled
      ? {
          maxSnapshots: b.snapshot_plan.max_snapshots,
          hour: b.snapshot_plan.hour,
          minute: b.snapshot_plan.minute,
          // The description counts 1 (Monday) to 7 (Sunday); the provider 0 (Sunday) to 6.
          dayOfWeek: b.snapshot_plan.day_of_week === undefined ? undefined : b.snapshot_plan.day_of_week % 7,
          dayOfMonth: b.snapshot_plan.day_of_month,
        }
      : false,
    sshKeys: b.ssh_keys.map((name) => spec.operators.ssh_keys.find((k) => k.name === name)!.public_key),
  };
}
