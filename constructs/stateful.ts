/**
 * The hcloud resource types that hold data or addresses, in one table: what
 * replacing or destroying one loses (the review's `all2all diff`,
 * `plan-summary` and the plan of `all2all deploy` say it first), and which of
 * them `environment.protect: true` must guard with delete protection and
 * `prevent_destroy` (the policy rule protect-stateful). Pure data, no
 * dependencies, so the command line can read it without loading cdktn.
 */

export interface StatefulType {
  /** What a replacement or destruction loses, in a reviewer's words. */
  readonly loses: string;
  /** protect-stateful demands delete_protection and prevent_destroy of it (the type has delete protection). */
  readonly protect: boolean;
  /**
   * Listed by the review (`diff`, `plan-summary`): its destruction or
   * replacement is a dangerous change there. A type only the deploy summary
   * names still hurts a running system when replaced, but loses nothing that
   * cannot be given again.
   */
  readonly review: boolean;
}

const ADDRESS = "the address: DNS, reverse DNS and allow-lists that name it break";

export const STATEFUL: ReadonlyMap<string, StatefulType> = new Map<string, StatefulType>([
  [
    "hcloud_server",
    { loses: "the server's disk and its addresses unless they are separate primary IPs", protect: true, review: true },
  ],
  ["hcloud_primary_ip", { loses: ADDRESS, protect: true, review: true }],
  ["hcloud_floating_ip", { loses: ADDRESS, protect: true, review: true }],
  ["hcloud_volume", { loses: "the volume's data", protect: true, review: true }],
  ["hcloud_zone", { loses: "the zone and every record in it", protect: true, review: true }],
  [
    "hcloud_zone_rrset",
    {
      loses: "the record set: DNS answers nothing for it between the delete and the create",
      protect: false,
      review: true,
    },
  ],
  [
    "hcloud_zone_record",
    { loses: "the record: DNS answers nothing for it between the delete and the create", protect: false, review: true },
  ],
  ["hcloud_storage_box", { loses: "the storage box and every backup in it", protect: true, review: true }],
  ["hcloud_storage_box_snapshot", { loses: "the snapshot's data", protect: false, review: true }],
  ["hcloud_snapshot", { loses: "the snapshot's data", protect: false, review: true }],
  [
    "hcloud_network",
    { loses: "the network: every server in it loses its private addresses", protect: true, review: true },
  ],
  [
    "hcloud_network_subnet",
    {
      loses:
        "the subnet: servers in it lose their private addresses (subnets " +
        "cannot be updated, every change replaces them)",
      protect: false,
      review: true,
    },
  ],
  [
    "hcloud_storage_box_subaccount",
    {
      loses: "the subaccount's login: the server's backup job loses access until it is given the new one",
      protect: false,
      review: false,
    },
  ],
]);

/** The types of the table with a flag set, in the table's order. */
export function statefulTypes(flag: "protect" | "review"): string[] {
  return [...STATEFUL].filter(([, t]) => t[flag]).map(([type]) => type);
}
