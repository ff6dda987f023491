/**
 * The all2all construct library: L2 constructs for a small hoster on Hetzner
 * Cloud, on the generated hcloud bindings. Each construct takes typed props
 * (never config files), is protected and durable by default, and gives every
 * resource a fixed, documented Terraform address (see addresses.ts).
 *
 *   Server          server + primary IPs + reverse DNS + networks + volumes + floating IPs
 *   PrivateNetwork  network + subnets + routes
 *   FirewallPolicy  firewall from intent methods, applied by label selector or attachment
 *   DnsZone         zone (primary or secondary) + one rrset per (name, type)
 *   BackupStorage   storage box + subaccounts, passwords from sensitive variables
 *   SshKeys         the operators' public keys
 */
export * from "./common";
export { NAME_PATTERN, kebabGuess, labelKeyProblem, labelValueProblem } from "../primitives/item-names";
export * from "./names";
export * from "./labels";
export * from "./addresses";
export * from "./protection";
export * from "./secrets";
export * from "./import-blocks";
export * from "../primitives/ip";
export * from "./stateful";
export * from "../primitives/txt";
export * from "./ssh-keys";
export * from "./server";
export * from "./private-network";
export * from "./firewall-policy";
export * from "./dns-zone";
export * from "./backup-storage";
