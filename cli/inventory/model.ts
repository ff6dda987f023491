/**
 * The inventory of one environment: everything the stacks create, read from
 * the NetworkSpec, with the stack that owns each item and its Terraform
 * address. Pure data (JSON-ready, deterministic): the markdown and JSON
 * renderings and `all2all inventory` build on it.
 *
 * The addresses follow the naming of stacks/environment.ts and the
 * constructs (each resource's name is pinned there, see
 * constructs/common.ts `pinAddress`); the slugs are the constructs' own
 * functions, not copies. A test compares, stack by stack, the addresses
 * listed here with the resources of a real synth.
 */
import { recordSlug } from "../../constructs/dns-zone";
import { slugOfRange } from "../../constructs/private-network";
import { snake } from "../../constructs/common";
import type { AddressRef, Family, NetworkSpec, RecordValue } from "../../spec";
import { outputName, type AddressBook } from "../../zonefile/addresses";

/** The four stacks of every environment (stacks/environment.ts), in deployment order. */
export const STACK_CONCERNS = ["network", "servers", "dns", "backup"] as const;
export type StackConcern = (typeof STACK_CONCERNS)[number];

const HOLDS: Record<StackConcern, string> = {
  network: "operators' SSH keys, private networks, subnets, routes, firewall policies, placement groups",
  servers: "servers, their primary IPs, reverse DNS, private attachments, volumes, floating IPs",
  dns: "DNS zones and the record sets of zones in primary mode",
  backup: "storage boxes and their subaccounts",
};

/** The concerns each stack reads the outputs of (its manifest dependencies): it is planned and applied after them. */
export const STACK_AFTER: Record<StackConcern, readonly StackConcern[]> = {
  network: [],
  servers: ["network"],
  dns: ["servers"],
  backup: [],
};

/** The stack of an environment holding one concern: `production-servers`. */
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
  readonly floating_ip?: { type: string; description?: string; reverse_dns?: string; resource: string; assignment: string; reverse_dns_resource?: string };
  /** Firewall policies applied (label `fw-<policy>=on`), owned by the network stack. */
  readonly firewalls: readonly string[];
  readonly backups: boolean;
  readonly volumes: readonly { name: string; size_gb: number; filesystem: string; automount: boolean; resource: string; attachment: string }[];
  /** The storage box subaccounts this server's backups go to (owned by the backup stack). */
  readonly storage_subaccounts: readonly { box: string; subaccount: string; home_directory: string; stack: string; resource: string }[];
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
  readonly rules: readonly { direction: "in" | "out"; protocol: string; port?: string; addresses: readonly string[]; description?: string }[];
}

/** A record value: text as served, or a server's address (`web-1.ipv4`, with the address when known). */
export type InventoryValue = { kind: "text"; text: string } | { kind: "address"; ref: string; output: string; value?: string };

export interface InventoryRecordSet {
  readonly name: string;
  readonly fqdn: string;
  readonly type: string;
  readonly ttl: number;
  readonly values: readonly InventoryValue[];
  readonly comment?: string;
  /** The rrset in the dns stack (primary zones); absent for secondary zones, whose records live in the hidden primary's zone file. */
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
  readonly primary?: { server: string; port: number; tsig_key: string; tsig_env_var: string; secondaries: readonly string[] };
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
  readonly placement_groups: readonly { name: string; type: string; stack: string; resource: string; servers: readonly string[] }[];
  readonly ssh_keys: readonly { name: string; type: string; fingerprint: string; stack: string; resource: string }[];
  readonly zones: readonly InventoryZone[];
  readonly storage_boxes: readonly InventoryStorageBox[];
  readonly variables: readonly InventoryVariable[];
}

function access(a: { ssh?: boolean; samba?: boolean; webdav?: boolean; zfs?: boolean; reachable_externally?: boolean }): string[] {
  const on: string[] = [];
  if (a.ssh) on.push("ssh");
  if (a.samba) on.push("samba");
  if (a.webdav) on.push("webdav");
  if (a.zfs) on.push("zfs");
  on.push(a.reachable_externally ? "reachable externally" : "Hetzner network only");
  return on;
}

const WEEKDAYS = ["", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

function snapshotPlan(p: { enabled: boolean; hour: number; minute: number; max_snapshots: number; day_of_week?: number; day_of_month?: number }): string {
  if (!p.enabled) return "none";
  const at = `${String(p.hour).padStart(2, "0")}:${String(p.minute).padStart(2, "0")} UTC`;
  const when = p.day_of_week !== undefined ? `every ${WEEKDAYS[p.day_of_week]}` : p.day_of_month !== undefined ? `monthly on day ${p.day_of_month}` : "daily";
  return `${when} at ${at}, ${p.max_snapshots} kept`;
}

/**
 * The inventory of one environment. `book` gives the public addresses (the
 * servers stack's outputs); without it they are named by their output only.
 */
export function buildInventory(spec: NetworkSpec, book?: AddressBook): Inventory {
  const env = spec.environment;
  const network = stackName(env.name, "network");
  const serversStack = stackName(env.name, "servers");
  const dns = stackName(env.name, "dns");
  const backup = stackName(env.name, "backup");
  const known = book !== undefined && !book.placeholder;
  const addressOf = (ref: Pick<AddressRef, "server" | "family">): string | undefined =>
    known ? book!.address({ kind: "address", server: ref.server, family: ref.family }) : undefined;

  const subaccountsOf = new Map<string, InventoryServer["storage_subaccounts"][number][]>();
  for (const box of spec.storage_boxes) {
    for (const sub of box.subaccounts) {
      if (sub.server === undefined) continue;
      const list = subaccountsOf.get(sub.server) ?? [];
      list.push({ box: box.name, subaccount: sub.name, home_directory: sub.home_directory, stack: backup, resource: `hcloud_storage_box_subaccount.${box.name}-${sub.name}` });
      subaccountsOf.set(sub.server, list);
    }
  }

  const servers: InventoryServer[] = spec.servers.map((s) => {
    const resources: string[] = [`hcloud_server.${s.name}`];
    const pub: PublicAddress[] = [];
    for (const family of ["ipv4", "ipv6"] as const) {
      if (!s.public[family]) continue;
      const rdns = s.public.rdns[family];
      const value = addressOf({ server: s.name, family });
      const entry: PublicAddress = {
        family,
        output: outputName({ server: s.name, family }),
        ...(value !== undefined ? { value } : {}),
        primary_ip: `hcloud_primary_ip.${s.name}-${family}`,
        ...(rdns !== undefined ? { reverse_dns: rdns, reverse_dns_resource: `hcloud_rdns.${s.name}-${family}` } : {}),
      };
      resources.push(entry.primary_ip);
      if (entry.reverse_dns_resource) resources.push(entry.reverse_dns_resource);
      pub.push(entry);
    }
    const priv = s.networks.map((a) => ({ network: a.network, ...(a.ip !== undefined ? { ip: a.ip } : {}), resource: `hcloud_server_network.${s.name}-${a.network}` }));
    resources.push(...priv.map((p) => p.resource));
    const volumes = s.volumes.map((v) => ({
      name: v.name,
      size_gb: v.size,
      filesystem: v.filesystem,
      automount: v.automount,
      resource: `hcloud_volume.${v.name}`,
      attachment: `hcloud_volume_attachment.${v.name}`,
    }));
    for (const v of volumes) resources.push(v.resource, v.attachment);
    let floating: InventoryServer["floating_ip"];
    if (s.floating_ip) {
      const name = `${s.name}-floating-${s.floating_ip.type}`;
      floating = {
        type: s.floating_ip.type,
        ...(s.floating_ip.description !== undefined ? { description: s.floating_ip.description } : {}),
        ...(s.floating_ip.rdns !== undefined ? { reverse_dns: s.floating_ip.rdns, reverse_dns_resource: `hcloud_rdns.${name}` } : {}),
        resource: `hcloud_floating_ip.${name}`,
        assignment: `hcloud_floating_ip_assignment.${name}`,
      };
      resources.push(floating.resource, floating.assignment);
      if (floating.reverse_dns_resource) resources.push(floating.reverse_dns_resource);
    }
    return {
      name: s.name,
      role: s.role,
      type: s.type,
      image: s.image,
      location: s.location,
      stack: serversStack,
      resource: `hcloud_server.${s.name}`,
      ...(s.placement_group !== undefined ? { placement_group: s.placement_group } : {}),
      private: priv,
      public: pub,
      ...(floating ? { floating_ip: floating } : {}),
      firewalls: [...s.firewall_policies],
      backups: s.backups,
      volumes,
      storage_subaccounts: subaccountsOf.get(s.name) ?? [],
      ...(s.import_id !== undefined ? { import_id: String(s.import_id) } : {}),
      allow_rebuild: s.allow_rebuild,
      resources: resources.sort(),
    };
  });

  const networks: InventoryNetwork[] = spec.networks.map((n) => ({
    name: n.name,
    ip_range: n.ip_range,
    zone: n.zone,
    stack: network,
    resource: `hcloud_network.${n.name}`,
    subnets: n.subnets.map((sub) => ({ ip_range: sub.ip_range, resource: `hcloud_network_subnet.${n.name}-${slugOfRange(sub.ip_range)}` })),
    routes: n.routes.map((r) => ({ destination: r.destination, gateway: r.gateway, resource: `hcloud_network_route.${n.name}-route-${slugOfRange(r.destination)}` })),
    servers: spec.servers.flatMap((s) => s.networks.filter((a) => a.network === n.name).map((a) => ({ server: s.name, ...(a.ip !== undefined ? { ip: a.ip } : {}) }))),
  }));

  const firewalls: InventoryFirewall[] = spec.firewall_policies.map((p) => ({
    name: p.name,
    ...(p.description !== undefined ? { description: p.description } : {}),
    stack: network,
    resource: `hcloud_firewall.${p.name}`,
    applies_to: `fw-${p.name}=on`,
    servers: spec.servers.filter((s) => s.firewall_policies.includes(p.name)).map((s) => s.name),
    rules: p.rules.map((r) => ({
      direction: r.direction,
      protocol: r.protocol,
      ...(r.port !== undefined ? { port: r.port } : {}),
      addresses: [...(r.direction === "in" ? r.source_ips : r.destination_ips)],
      ...(r.description !== undefined ? { description: r.description } : {}),
    })),
  }));

  const value = (v: RecordValue): InventoryValue => {
    if (v.kind === "text") return { kind: "text", text: v.text };
    const address = addressOf(v);
    return { kind: "address", ref: `${v.server}.${v.family}`, output: outputName(v), ...(address !== undefined ? { value: address } : {}) };
  };
  const zones: InventoryZone[] = spec.zones.map((z) => {
    const zoneId = z.name.replace(/\./g, "-");
    const primary = z.primary;
    return {
      name: z.name,
      unicode_name: z.unicode_name,
      mode: z.mode,
      ttl: z.ttl,
      stack: dns,
      resource: `hcloud_zone.${zoneId}`,
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
      record_sets: z.records.map((rs) => ({
        name: rs.name,
        fqdn: rs.fqdn,
        type: rs.type,
        ttl: rs.ttl,
        values: rs.values.map(value),
        ...(rs.comment !== undefined ? { comment: rs.comment } : {}),
        ...(z.mode === "primary"
          ? { resource: `hcloud_zone_rrset.${zoneId}-${recordSlug(rs.name)}-${rs.type.toLowerCase()}`, import_id: `${z.name}/${rs.name}/${rs.type}` }
          : {}),
      })),
    };
  });

  const boxes: InventoryStorageBox[] = spec.storage_boxes.map((b) => ({
    name: b.name,
    type: b.type,
    location: b.location,
    stack: backup,
    resource: `hcloud_storage_box.${b.name}`,
    host_output: `${b.name}-host`,
    access: access(b.access),
    snapshot_plan: snapshotPlan(b.snapshot_plan),
    password_env_var: `TF_VAR_storage_box_password_${snake(b.name)}`,
    subaccounts: b.subaccounts.map((sub) => ({
      name: sub.name,
      ...(sub.server !== undefined ? { server: sub.server } : {}),
      home_directory: sub.home_directory,
      readonly: sub.readonly,
      access: access(sub.access),
      ...(sub.description !== undefined ? { description: sub.description } : {}),
      resource: `hcloud_storage_box_subaccount.${b.name}-${sub.name}`,
      password_env_var: `TF_VAR_storage_box_subaccount_password_${snake(b.name)}_${snake(sub.name)}`,
    })),
  }));

  const variables: InventoryVariable[] = [];
  const seenVariables = new Set<string>();
  for (const z of zones) {
    if (!z.primary || seenVariables.has(z.primary.tsig_env_var)) continue;
    seenVariables.add(z.primary.tsig_env_var);
    const zonesOfKey = zones.filter((o) => o.primary?.tsig_env_var === z.primary!.tsig_env_var).map((o) => o.name);
    variables.push({
      env_var: z.primary.tsig_env_var,
      variable: z.primary.tsig_env_var.replace(/^TF_VAR_/, ""),
      stack: dns,
      purpose: `TSIG secret (base64) of key ${z.primary.tsig_key}, transfers of ${zonesOfKey.join(", ")}`,
    });
  }
  for (const b of boxes) {
    variables.push({ env_var: b.password_env_var, variable: b.password_env_var.replace(/^TF_VAR_/, ""), stack: backup, purpose: `password of storage box ${b.name}` });
    for (const sub of b.subaccounts) {
      variables.push({
        env_var: sub.password_env_var,
        variable: sub.password_env_var.replace(/^TF_VAR_/, ""),
        stack: backup,
        purpose: `password of subaccount ${sub.name} of storage box ${b.name}`,
      });
    }
  }

  // Every stack's state and plans are encrypted with the key of one passphrase (docs/deploy.md, "State encryption").
  for (const stack of [network, serversStack, dns, backup]) {
    variables.push({ env_var: "TF_VAR_state_passphrase", variable: "state_passphrase", stack, purpose: "passphrase of the state encryption (one for all stacks, at least 16 characters)" });
  }

  const placementGroups = spec.placement_groups.map((pg) => ({
    name: pg.name,
    type: pg.type,
    stack: network,
    resource: `hcloud_placement_group.${pg.name}`,
    servers: spec.servers.filter((s) => s.placement_group === pg.name).map((s) => s.name),
  }));
  const sshKeys = spec.operators.ssh_keys.map((k) => ({ name: k.name, type: k.type, fingerprint: k.fingerprint, stack: network, resource: `hcloud_ssh_key.${k.name}` }));

  const inventory: Omit<Inventory, "stacks"> = {
    environment: {
      name: env.name,
      location: env.location,
      network_zone: env.network_zone,
      protect: env.protect,
      state:
        env.state.backend === "s3"
          ? `s3: bucket ${env.state.bucket} at ${env.state.endpoint}, keys ${env.state.key_prefix}/<stack>.tfstate`
          : "local: state/<stack>.tfstate beside the synthesised output",
    },
    addresses: known
      ? { source: book!.source, known: true }
      : { source: `not read: each public address is an output of ${serversStack} (\`all2all output --env ${env.name} --stack servers\`)`, known: false },
    servers,
    networks,
    firewall_policies: firewalls,
    placement_groups: placementGroups,
    ssh_keys: sshKeys,
    zones,
    storage_boxes: boxes,
    variables,
  };
  const counts = resourcesByStack(inventory);
  return {
    ...inventory,
    environment: inventory.environment,
    stacks: STACK_CONCERNS.map((c) => ({
      name: stackName(env.name, c),
      holds: HOLDS[c],
      after: STACK_AFTER[c].map((d) => stackName(env.name, d)),
      resources: counts.get(stackName(env.name, c))?.length ?? 0,
    })),
  } as Inventory;
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
  for (const n of inv.networks) add(n.stack, n.resource, ...n.subnets.map((s) => s.resource), ...n.routes.map((r) => r.resource));
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
    for (const family of ["ipv4", "ipv6"] as const) if (s.public[family]) refs.push({ kind: "address", server: s.name, family });
  }
  return refs;
}
