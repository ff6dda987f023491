/**
 * The zones of the inventory: each zone and, for primary zones, the record
 * set resource of each (name, type), read from the DnsZone construct.
 */
import type { RrsetType } from "../../constructs";
import type { NetworkSpec, RecordValue } from "../../description";
import { terraformAddress, type EnvironmentStacks } from "../../stacks/environment";
import { outputName } from "../../zonefile/addresses";
import { located, required, type AddressLookup } from "./built";
import type { InventoryValue, InventoryZone } from "./items";

/** Every zone of the description with its record sets; a value naming a server's address says which output holds it. */
export function inventoryZones(
  spec: NetworkSpec,
  stacks: EnvironmentStacks,
  addressOf: AddressLookup,
): InventoryZone[] {
  const value = (v: RecordValue): InventoryValue => {
    if (v.kind === "text") return { kind: "text", text: v.text };
    const address = addressOf(v);
    const ref = `${v.server}.${v.family}`;
    return { kind: "address", ref, output: outputName(v), ...(address !== undefined ? { value: address } : {}) };
  };
  return spec.zones.map((z) => {
    const zone = stacks.zone(z.name);
    const primary = z.primary;
    return {
      name: z.name,
      unicode_name: z.unicode_name,
      mode: z.mode,
      ttl: z.ttl,
      ...located(zone.zone),
      import_id: z.name,
      ...(primary
        ? {
            primary: {
              server: primary.server,
              port: primary.port,
              tsig_key: primary.tsig.key_name,
              tsig_env_var: primary.tsig.env_var,
              secondaries: primary.secondaries.map((s) => s.name),
            },
          }
        : {}),
      record_sets: z.records.map((rs) => {
        const type = rs.type as RrsetType;
        const rrset = z.mode === "primary" ? required(zone.recordSet(rs.name, type), `${type} ${rs.name}`) : undefined;
        return {
          name: rs.name,
          fqdn: rs.fqdn,
          type: rs.type,
          ttl: rs.ttl,
          values: rs.values.map(value),
          ...(rs.comment !== undefined ? { comment: rs.comment } : {}),
          ...(rrset ? { resource: terraformAddress(rrset), import_id: `${z.name}/${rs.name}/${rs.type}` } : {}),
        };
      }),
    };
  });
}
