/**
 * The monthly cost of an inventory, from the description only (no synth):
 * its servers (with backups), primary and floating IPs, volumes and storage
 * boxes, given to the same pricer as `all2all cost` in the attributes the
 * stacks synthesise for them.
 */
import { catalogue, type Catalogue } from "../../catalogue/catalogue";
import { estimate, type Estimate, type StackDoc } from "../../catalogue/estimate";
import type { Inventory } from "./items";

type Resources = Record<string, Record<string, Record<string, unknown>>>;

function put(into: Map<string, Resources>, stack: string, address: string, attrs: Record<string, unknown>): void {
  const [type, name] = [address.slice(0, address.indexOf(".")), address.slice(address.indexOf(".") + 1)];
  const doc = into.get(stack) ?? {};
  doc[type] ??= {};
  doc[type][name] = attrs;
  into.set(stack, doc);
}

/** The priced resources of an inventory, as stack documents. */
export function inventoryStackDocs(inv: Inventory): StackDoc[] {
  const stacks = new Map<string, Resources>();
  for (const s of inv.servers) {
    put(stacks, s.stack, s.resource, { server_type: s.type, location: s.location, backups: s.backups });
    for (const a of s.public) put(stacks, s.stack, a.primary_ip, { type: a.family, location: s.location });
    if (s.floating_ip)
      put(stacks, s.stack, s.floating_ip.resource, { type: s.floating_ip.type, home_location: s.location });
    for (const v of s.volumes) put(stacks, s.stack, v.resource, { size: v.size_gb });
  }
  for (const b of inv.storage_boxes)
    put(stacks, b.stack, b.resource, { storage_box_type: b.type, location: b.location });
  return inv.stacks.map((st) => ({
    name: st.name,
    environment: inv.environment.name,
    doc: { resource: stacks.get(st.name) ?? {} },
  }));
}

export function inventoryCost(inv: Inventory, c: Catalogue = catalogue()): Estimate {
  return estimate(c, inventoryStackDocs(inv));
}
