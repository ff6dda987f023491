/**
 * The inventory of one environment: everything the stacks create, with the
 * stack that owns each item and its Terraform address. Pure data
 * (JSON-ready, deterministic): the markdown and JSON renderings and
 * `all2all inventory` build on it.
 *
 * What each item is comes from the NetworkSpec; where it is comes from the
 * stacks built for it (built.ts): each resource's stack and address are read
 * from its construct (its type and its pinned name, see constructs/addresses.ts
 * `pinAddress`), the stacks and their order from EnvironmentStacks, what each
 * stack comes after from its cross-stack references. One file per stack
 * reads its items (network.ts, servers.ts, dns.ts, backup.ts). A test
 * compares, stack by stack, the addresses listed here with a real synth.
 */
import type { AddressRef, Family, NetworkSpec } from "../../description";
import { STACK_CONCERNS, type EnvironmentStacks, type StackConcern } from "../../stacks/environment";
import type { AddressBook } from "../../zonefile/addresses";
import { inventoryStorageBoxes } from "./backup";
import { buildEnvironmentStacks, prepareStacks, type AddressLookup } from "./built";
import { inventoryZones } from "./dns";
import { inventoryFirewalls, inventoryNetworks, inventoryPlacementGroups, inventorySshKeys } from "./network";
import { inventoryServers } from "./servers";

export { STACK_CONCERNS, type StackConcern };

const HOLDS: Record<StackConcern, string> = {
  network: "operators' SSH keys, private networks, subnets, routes, firewall policies, placement groups",
  servers: "servers, their primary IPs, reverse DNS, private attachments, volumes, floating IPs",
  dns: "DNS zones and the record sets of zones in primary mode",
  backup: "storage boxes and their subaccounts",
};

/** The stack of an environment holding one concern: `production-servers` (for messages before the stacks are built). */
export function stackName(env: string, concern: StackConcern): string {
  return `${env}-${concern}`;
}

/** Where a public address comes from: an output of the servers stack, and its value when known. */
export interface PublicAddress {
  readonly family: Family;
  /** The output of `<env>-servers` holding it: `web-1-ipv4`. */
  readonly output: string;
  /** The address, from `--addresses` (the outputs of an applied stack); absent when not read. */
  readonly value?: string;
  /** `hcloud_primary_ip.web-1-ipv4`. */
  readonly primary_ip: string;
  readonly reverse_dns?: string;
  /** `hcloud_rdns.web-1-ipv4`, when reverse DNS is set. */
  readonly reverse_dns_resource?: string;
}

export interface InventoryServer {
  readonly name: string;
  readonly role: string;
  readonly type: string;
  readonly image: string;
  readonly location: string;
  readonly stack: string;
  readonly resource: string;
  readonly placement_group?: string;
  readonly private: readonly { network: string; ip?: string; resource: string }[];
  readonly public: readonly PublicAddress[];
  readonly floating_ip?: {
    type: string;
    description?: string;
    reverse_dns?: string;
    resource: string;
    assignment: string;
    reverse_dns_resource?: string;
  };
  /** Firewall policies applied (label `fw-<policy>=on`), owned by the network stack. */
  readonly firewalls: readonly string[];
  readonly backups: boolean;
  readonly volumes: readonly {
    name: string;
    size_gb: number;
    filesystem: string;
    automount: boolean;
    resource: string;
    attachment: string;
  }[];
  /** The storage box subaccounts this server's backups go to (owned by the backup stack). */
  readonly storage_subaccounts: readonly {
    box: string;
    subaccount: string;
    home_directory: string;
    stack: string;
    resource: string;
  }[];
  readonly import_id?: string;
  readonly allow_rebuild: boolean;
  /** Every Terraform address of this server in its stack, sorted. */
  readonly resources: readonly string[];
}

export interface InventoryNetwork {
  readonly name: string;
  readonly ip_range: string;
  readonly zone: string;
  readonly stack: string;
  readonly resource: string;
  readonly subnets: readonly { ip_range: string; resource: string }[];
  readonly routes: readonly { destination: string; gateway: string; resource: string }[];
  /** Servers attached, with their fixed IP when given. */
  readonly servers: readonly { server: string; ip?: string }[];
}

export interface InventoryFirewall {
  readonly name: string;
  readonly description?: string;
  readonly stack: string;
  readonly resource: string;
  /** The label selector that applies it. */
  readonly applies_to: string;
  readonly servers: readonly string[];
  readonly rules: readonly {
    direction: "in" | "out";
    protocol: string;
    port?: string;
    addresses: readonly string[];
    description?: string;
  }[];
}

/** A record value: text as served, or a server's address (`web-1.ipv4`, with the address when known). */
export type InventoryValue =
  | { kind: "text"; text: string }
  | { kind: "address"; ref: string; output: string; value?: string };

export interface InventoryRecordSet {
  readonly name: string;
  readonly fqdn: string;
  readonly type: string;
  readonly ttl: number;
  readonly values: readonly InventoryValue[];
  readonly comment?: string;
  /**
   * The rrset in the dns stack (primary zones); absent for secondary zones, whose records live in the hidden primary's
   * zone file.
   */
  readonly resource?: string;
  /** The provider's import id of that rrset (`<zone>/<name>/<type>`). */
  readonly import_id?: string;
}

export interface InventoryZone {
  readonly name: string;
  readonly unicode_name: string;
  readonly mode: "primary" | "secondary";
  readonly ttl: number;
  readonly stack: string;
  readonly resource: string;
  /** The provider's import id of the zone (its name). */
  readonly import_id: string;
  readonly primary?: {
    server: string;
    port: number;
    tsig_key: string;
    tsig_env_var: string;
    secondaries: readonly string[];
  };
  readonly record_sets: readonly InventoryRecordSet[];
}

export interface InventoryStorageBox {
  readonly name: string;
  readonly type: string;
  readonly location: string;
  readonly stack: string;
  readonly resource: string;
  /** The output of the backup stack holding the box's host name. */
  readonly host_output: string;
  readonly access: readonly string[];
  readonly snapshot_plan: string;
  readonly password_env_var: string;
  readonly subaccounts: readonly {
    name: string;
    server?: string;
    home_directory: string;
    readonly: boolean;
    access: readonly string[];
    description?: string;
    resource: string;
    password_env_var: string;
  }[];
}

export interface InventoryVariable {
  /** What the operator exports: `TF_VAR_…`. */
  readonly env_var: string;
  readonly variable: string;
  readonly stack: string;
  readonly purpose: string;
}

export interface Inventory {
  readonly environment: {
    readonly name: string;
    readonly location: string;
    readonly network_zone: string;
    readonly protect: boolean;
    readonly state: string;
  };
  /** Where the public addresses come from. */
  readonly addresses: { readonly source: string; readonly known: boolean };
  readonly stacks: readonly { name: string; holds: string; after: readonly string[]; resources: number }[];
  readonly servers: readonly InventoryServer[];
  readonly networks: readonly InventoryNetwork[];
  readonly firewall_policies: readonly InventoryFirewall[];
  readonly placement_groups: readonly {
    name: string;
    type: string;
    stack: string;
    resource: string;
    servers: readonly string[];
  }[];
  readonly ssh_keys: readonly { name: string; type: string; fingerprint: string; stack: string; resource: string }[];
  readonly zones: readonly InventoryZone[];
  readonly storage_boxes: readonly InventoryStorageBox[];
  readonly variables: readonly InventoryVariable[];
}

/**
 * The inventory of one environment. `book` gives the public addresses (the
 * servers stack's outputs); without it they are named by their output only.
 * Each resource's stack and address are read from the stacks built for
 * `spec` (`built`, by default built here in memory, see built.ts).
 */
export function buildInventory(spec: NetworkSpec, book?: AddressBook, built?: EnvironmentStacks): Inventory {
  // One environment in, its stacks out.
  const stacks = built ?? buildEnvironmentStacks([spec])[0]!;
  if (stacks.spec.environment.name !== spec.environment.name) {
    throw new Error(`the stacks of ${stacks.spec.environment.name} are not those of ${spec.environment.name}`);
  }
  prepareStacks(stacks);
  const known = book !== undefined && !book.placeholder;
  const addressOf: AddressLookup = (ref) =>
    known ? book!.address({ kind: "address", server: ref.server, family: ref.family }) : undefined;
  const zones = inventoryZones(spec, stacks, addressOf);
  const boxes = inventoryStorageBoxes(spec, stacks);
  const serversStack = stacks.servers.node.id;
  const inventory: Omit<Inventory, "stacks"> = {
    environment: inventoryEnvironment(spec),
    addresses: known
      ? { source: book!.source, known: true }
      : {
          source:
            `not read: each public address is an output of ${serversStack} ` +
            `(\`all2all output --env ${spec.environment.name} --stack servers\`)`,
          known: false,
        },
    servers: inventoryServers(spec, stacks, addressOf),
    networks: inventoryNetworks(spec, stacks),
    firewall_policies: inventoryFirewalls(spec, stacks),
    placement_groups: inventoryPlacementGroups(spec, stacks),
    ssh_keys: inventorySshKeys(spec, stacks),
    zones,
    storage_boxes: boxes,
    variables: inventoryVariables(stacks, zones, boxes),
  };
  return { ...inventory, stacks: inventoryStacks(stacks) };
}

function inventoryEnvironment(spec: NetworkSpec): Inventory["environment"] {
  const { name, location, network_zone, protect, state } = spec.environment;
  return {
    name,
    location,
    network_zone,
    protect,
    state:
      state.backend === "s3"
        ? `s3: bucket ${state.bucket} at ${state.endpoint}, keys ${state.key_prefix}/<stack>.tfstate`
        : "local: state/<stack>.tfstate beside the synthesised output",
  };
}

/** The stacks in deployment order, each after the stacks it reads outputs of, with its number of resources. */
function inventoryStacks(stacks: EnvironmentStacks): Inventory["stacks"] {
  return stacks.stacks.map((stack) => {
    const concern = stack.concern as StackConcern;
    return {
      name: stack.node.id,
      holds: HOLDS[concern],
      after: stack.dependencies.map((d) => d.node.id),
      resources: stacks.resources(concern).size,
    };
  });
}

/** The sensitive variables: TSIG keys (dns), storage passwords (backup), the state passphrase (every stack). */
function inventoryVariables(
  stacks: EnvironmentStacks,
  zones: readonly InventoryZone[],
  boxes: readonly InventoryStorageBox[],
): InventoryVariable[] {
  const variable = (env_var: string, stack: string, purpose: string): InventoryVariable => ({
    env_var,
    variable: env_var.replace(/^TF_VAR_/, ""),
    stack,
    purpose,
  });
  const variables: InventoryVariable[] = [];
  const seen = new Set<string>();
  for (const z of zones) {
    if (!z.primary || seen.has(z.primary.tsig_env_var)) continue;
    const key = z.primary;
    seen.add(key.tsig_env_var);
    const zonesOfKey = zones.filter((o) => o.primary?.tsig_env_var === key.tsig_env_var).map((o) => o.name);
    const purpose = `TSIG secret (base64) of key ${key.tsig_key}, transfers of ${zonesOfKey.join(", ")}`;
    variables.push(variable(key.tsig_env_var, z.stack, purpose));
  }
  for (const b of boxes) {
    variables.push(variable(b.password_env_var, b.stack, `password of storage box ${b.name}`));
    for (const sub of b.subaccounts) {
      const purpose = `password of subaccount ${sub.name} of storage box ${b.name}`;
      variables.push(variable(sub.password_env_var, b.stack, purpose));
    }
  }
  // Every stack's state and plans are encrypted with the key of one passphrase (docs/deploy.md, "State encryption").
  const passphrase = "passphrase of the state encryption (one for all stacks, at least 16 characters)";
  for (const stack of stacks.stacks) variables.push(variable("TF_VAR_state_passphrase", stack.node.id, passphrase));
  return variables;
}

/** Every Terraform address the inventory lists, by stack, sorted. */
export function resourcesByStack(inv: Omit<Inventory, "stacks">): Map<string, string[]> {
  const byStack = new Map<string, string[]>();
  const add = (stack: string, ...addresses: (string | undefined)[]) => {
    const list = byStack.get(stack) ?? [];
    for (const a of addresses) if (a !== undefined) list.push(a);
    byStack.set(stack, list);
  };
  for (const k of inv.ssh_keys) add(k.stack, k.resource);
  for (const n of inv.networks)
    add(n.stack, n.resource, ...n.subnets.map((s) => s.resource), ...n.routes.map((r) => r.resource));
  for (const f of inv.firewall_policies) add(f.stack, f.resource);
  for (const pg of inv.placement_groups) add(pg.stack, pg.resource);
  for (const s of inv.servers) add(s.stack, ...s.resources);
  for (const z of inv.zones) add(z.stack, z.resource, ...z.record_sets.map((rs) => rs.resource));
  for (const b of inv.storage_boxes) add(b.stack, b.resource, ...b.subaccounts.map((sub) => sub.resource));
  for (const list of byStack.values()) list.sort();
  return byStack;
}

/** The address references every zone of the environment makes, and every public address of every server. */
export function addressesNeeded(spec: NetworkSpec): AddressRef[] {
  const refs: AddressRef[] = [];
  for (const s of spec.servers) {
    for (const family of ["ipv4", "ipv6"] as const)
      if (s.public[family]) refs.push({ kind: "address", server: s.name, family });
  }
  return refs;
}
