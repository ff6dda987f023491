/**
 * The resolved description of one environment: what the stacks consume.
 * Derived from the zod schemas (schema.ts), with defaults applied, the
 * environment's defaults filled in (locations, zones), references checked and
 * resolved, and the whole object frozen.
 */
import type { z } from "zod";
import type { LocationName, NetworkZone } from "./catalogue";
import type { AdoptionSpec } from "./adopt";
import type { AddressRef, RecordSetSpec } from "./dns";
import type * as M from "./schema";
import type { Family } from "../primitives/ip";
import type { SshKeyType } from "./sshkeys";

export type { AddressRef, RecordSetSpec, RecordValue, TextValue } from "./dns";
export type { Family } from "../primitives/ip";

export type DeepReadonly<T> = T extends (infer U)[]
  ? readonly DeepReadonly<U>[]
  : T extends ReadonlyArray<infer U>
    ? readonly DeepReadonly<U>[]
    : T extends object
      ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
      : T;

type Out<T extends z.ZodType> = z.output<T>;

/**
 * Hetzner labels of a resource, complete: `managed-by`, `environment`, `role`, then the environment's and the item's
 * labels.
 */
export type LabelMap = Record<string, string>;

export type StateSpec =
  | { backend: "local" }
  | { backend: "s3"; bucket: string; key_prefix: string; endpoint: string; region: string };

export type EnvironmentSpec = Omit<Out<typeof M.EnvironmentSchema>, "state"> & {
  /** The overlay's file name: production, staging, dr… */
  name: string;
  /** The network zone of the default location. */
  network_zone: NetworkZone;
  state: StateSpec;
};

export type SshKeySpec = Omit<Out<typeof M.SshKeySchema>, "labels"> & {
  type: SshKeyType;
  bits: number;
  /** `SHA256:…`, as ssh-keygen -l prints it. */
  fingerprint: string;
  labels: LabelMap;
};

export type PlacementGroupSpec = Omit<Out<typeof M.PlacementGroupSchema>, "labels"> & { labels: LabelMap };

export type PrivateNetworkSpec = Omit<Out<typeof M.NetworkSchema>, "zone" | "labels"> & {
  zone: NetworkZone;
  labels: LabelMap;
};

export interface FirewallRuleSpec {
  direction: "in" | "out";
  protocol: "tcp" | "udp" | "icmp" | "esp" | "gre";
  /** "22", "1024-5000" or "any"; only for tcp and udp. */
  port?: string;
  /** Expanded CIDRs (the keywords admin and any resolved), for direction in. */
  source_ips: string[];
  /** Expanded CIDRs, for direction out. */
  destination_ips: string[];
  description?: string;
}

export type FirewallPolicySpec = Omit<Out<typeof M.FirewallPolicySchema>, "rules" | "labels"> & {
  rules: FirewallRuleSpec[];
  labels: LabelMap;
};

export interface UserDataSpec {
  /** Relative to the config directory, as written in config. */
  path: string;
  content: string;
}

export type ServerSpec = Omit<
  Out<typeof M.ServerSchema>,
  "location" | "ssh_keys" | "user_data" | "import_id" | "import_primary_ips" | "labels" | "volumes" | "floating_ip"
> & {
  /** With import_id: the current primary IP ids to adopt, or "create". */
  import_primary_ips?: { ipv4?: string; ipv6: string };
  location: LocationName;
  network_zone: NetworkZone;
  /** Names of operators.ssh_keys, never empty. */
  ssh_keys: string[];
  user_data?: UserDataSpec;
  import_id?: string;
  volumes: (Omit<Out<typeof M.VolumeSchema>, "labels"> & { labels: LabelMap })[];
  floating_ip?: Omit<Out<typeof M.FloatingIpSchema>, "labels"> & { labels: LabelMap };
  labels: LabelMap;
};

/** A secondary name server set, resolved from dns_secondaries. */
export interface DnsSecondarySpec {
  name: string;
  /** Absolute host names (final dot), lower case. */
  nameservers: string[];
  transfer_sources: string[];
  notify: string[];
}

export interface ZonePrimarySpec {
  /** The hidden primary server. */
  server: string;
  port: number;
  /** Its public addresses Hetzner transfers from (one per enabled family). */
  addresses: AddressRef[];
  /** The secondaries that serve the zone: the only ones allowed to transfer it and sent NOTIFY. */
  secondaries: DnsSecondarySpec[];
  tsig: {
    key_name: string;
    algorithm: "hmac-sha256";
    /** The Terraform variable holding the base64 secret, e.g. tsig_all2all_org_transfer. */
    variable: string;
    /** Where the secret comes from: the environment variable TF_VAR_<variable>. */
    env_var: string;
  };
}

export interface ZoneSpec {
  /** ASCII (punycode) name, lower case, no final dot. */
  name: string;
  /** The name as people write it (Unicode). */
  unicode_name: string;
  mode: "primary" | "secondary";
  ttl: number;
  primary?: ZonePrimarySpec;
  records: RecordSetSpec[];
  labels: LabelMap;
}

export type SubaccountSpec = Omit<Out<typeof M.SubaccountSchema>, "home_directory" | "labels"> & {
  home_directory: string;
  labels: LabelMap;
};

export type StorageBoxSpec = Omit<Out<typeof M.StorageBoxSchema>, "subaccounts" | "labels"> & {
  subaccounts: SubaccountSpec[];
  labels: LabelMap;
};

export type SuppressionSpec = Out<typeof M.SuppressionSchema>;

export interface NetworkSpecData {
  environment: EnvironmentSpec;
  operators: { ssh_keys: SshKeySpec[]; admin_ranges: string[] };
  placement_groups: PlacementGroupSpec[];
  networks: PrivateNetworkSpec[];
  firewall_policies: FirewallPolicySpec[];
  servers: ServerSpec[];
  zones: ZoneSpec[];
  storage_boxes: StorageBoxSpec[];
  suppressions: SuppressionSpec[];
  /** The files this environment was built from, as given (shared files, then the overlay). */
  files: string[];
  /** The environment's adoption file (config/adopt/<env>.yaml), when it has one. */
  adoption?: AdoptionSpec;
}

/** One environment, fully resolved and frozen. */
export type NetworkSpec = DeepReadonly<NetworkSpecData>;

/** Address family of a reference, re-exported for the stacks. */
export type AddressFamily = Family;
