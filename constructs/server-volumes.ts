/**
 * A Server's volumes: each an `hcloud_volume` in the server's location,
 * protected like the server, and its `hcloud_volume_attachment`, both at the
 * volume's name (unique per project, e.g. "web-1-data").
 */
import type { Construct } from "constructs";
import { Token } from "cdktn";
import * as volume from "../.gen/providers/hcloud/volume";
import * as volumeAttachment from "../.gen/providers/hcloud/volume-attachment";
import { ConstructPropsError, checkInteger, show } from "./common";
import { checkLabels } from "./labels";
import { protectedLifecycle } from "./protection";
import { checkNumericImportId } from "./import-blocks";
import { newItemWhere, pinnedResource } from "./construct-setup";
import type { ServerBase, ServerVolume, ServerVolumeOptions } from "./server-props";

/**
 * Checks `options`, then creates the volume and attaches it to `serverId`
 * (`hcloud_volume.<name>`, `hcloud_volume_attachment.<name>`). `byName` holds
 * the volumes declared so far; the new one is added to it.
 */
export function addServerVolume(
  scope: Construct,
  base: ServerBase,
  serverId: number,
  byName: Map<string, ServerVolume>,
  options: ServerVolumeOptions,
): ServerVolume {
  const where = newItemWhere(base.where, "volume", options.name, byName);
  checkInteger(where, "sizeGb", options.sizeGb, 10, 10240, "Hetzner volumes are 10 to 10240 GB");
  if (options.format !== undefined && options.format !== "ext4" && options.format !== "xfs") {
    throw new ConstructPropsError(where, `format must be "ext4" or "xfs" (got ${show(options.format)})`);
  }
  checkNumericImportId(where, "importId", options.importId);
  const labels = { ...base.labels, ...checkLabels(where, options.labels ?? {}) };
  const vol = new volume.Volume(scope, `volume-${options.name}`, {
    name: options.name,
    size: options.sizeGb,
    format: options.format ?? "ext4",
    location: base.location,
    labels,
    deleteProtection: base.protect,
    lifecycle: protectedLifecycle(base.protect),
  });
  pinnedResource(vol, options.name, options.importId);
  const attachment = new volumeAttachment.VolumeAttachment(scope, `volume-${options.name}-attachment`, {
    volumeId: Token.asNumber(vol.id),
    serverId,
    automount: options.automount ?? true,
  });
  pinnedResource(attachment, options.name);
  const created = { volume: vol, attachment };
  byName.set(options.name, created);
  return created;
}
