/**
 * The rule pack: every rule's id, severity, whether config may suppress it,
 * and what it checks. docs/policies.md documents the same table (a test keeps
 * the two in step). The checks themselves live in checks.ts (at synth, on the
 * construct tree) and secrets.ts (after synth, on the written JSON).
 */
import type { RuleInfo } from "./types";

/** Rule ids, so that code never spells one twice. */
export const RULE = {
  serverFirewall: "server-firewall",
  firewallWorldSensitivePort: "firewall-world-sensitive-port",
  firewallPublicPortRole: "firewall-public-port-role",
  protectStateful: "protect-stateful",
  productionProtect: "production-protect",
  publicIpPrimary: "public-ip-primary",
  publicIpv4Role: "public-ipv4-role",
  rdnsForward: "rdns-forward",
  rdnsForwardFloating: "rdns-forward-floating",
  statefulBackups: "stateful-backups",
  storageBoxAccess: "storage-box-access",
  storageBoxSnapshots: "storage-box-snapshots",
  storageBoxDeleteProtection: "storage-box-delete-protection",
  resourceLabels: "resource-labels",
  allowedLocations: "allowed-locations",
  noLiteralSecret: "no-literal-secret",
  dnsCaa: "dns-caa",
  dnsMailAuth: "dns-mail-auth",
  dnsRrsetTtl: "dns-rrset-ttl",
  dnsTxtFormat: "dns-txt-format",
  serverReplaceGuard: "server-replace-guard",
  serverRebuildAllowed: "server-rebuild-allowed",
  budgetMonthly: "budget-monthly",
  suppressionInvalid: "suppression-invalid",
  suppressionUnused: "suppression-unused",
} as const;

export type RuleId = (typeof RULE)[keyof typeof RULE];

/** Every rule, in the order docs/policies.md lists them. */
export const RULES: readonly RuleInfo[] = [
  {
    id: RULE.serverFirewall,
    severity: "error",
    suppressible: true,
    description:
      "Every server is covered by at least one firewall: a firewall whose label selector matches the " +
      "server's labels, a firewall in its firewall_ids, or a firewall attachment listing it.",
  },
  {
    id: RULE.firewallWorldSensitivePort,
    severity: "error",
    suppressible: true,
    description:
      "No inbound firewall rule opens SSH, a database or remote-administration port, or every " +
      "port (port any or a range covering one of them) to 0.0.0.0/0 or ::/0.",
  },
  {
    id: RULE.firewallPublicPortRole,
    severity: "error",
    suppressible: true,
    description:
      "A port open to the whole Internet on a server is one its role serves (the role " +
      "table in policies/roles.ts: web, mail, lists, dns, bastion).",
  },
  {
    id: RULE.protectStateful,
    severity: "error",
    suppressible: false,
    description:
      "In an environment with protect: true, every stateful resource (server, volume, primary IP, floating IP, " +
      "zone, storage box, network) has delete_protection and lifecycle.prevent_destroy; servers also " +
      "rebuild_protection.",
  },
  {
    id: RULE.productionProtect,
    severity: "error",
    suppressible: false,
    description: 'The environment named "production" has protect: true.',
  },
  {
    id: RULE.publicIpPrimary,
    severity: "error",
    suppressible: false,
    description:
      "Every public address of a server is a separate hcloud_primary_ip linked in public_net " +
      "(never auto-created), and every primary IP has auto_delete = false.",
  },
  {
    id: RULE.publicIpv4Role,
    severity: "warning",
    suppressible: true,
    description: "A server has a public IPv4 only when its role needs one (the role table in policies/roles.ts).",
  },
  {
    id: RULE.rdnsForward,
    severity: "warning",
    suppressible: true,
    description:
      "Every primary IP has reverse DNS, and its name has a forward A/AAAA record (in " +
      "a zone of the environment) pointing back at that address.",
  },
  {
    id: RULE.rdnsForwardFloating,
    severity: "warning",
    suppressible: true,
    description:
      "Every floating IP has reverse DNS, and its name has a forward A/AAAA record (in " +
      "a zone of the environment) pointing back at that address.",
  },
  {
    id: RULE.statefulBackups,
    severity: "warning",
    suppressible: true,
    description:
      "A server with a stateful role (or a volume) has Hetzner backups on or a storage-box subaccount naming it.",
  },
  {
    id: RULE.storageBoxAccess,
    severity: "error",
    suppressible: true,
    description:
      "Storage boxes and their subaccounts are not reachable from outside Hetzner, with " +
      "Samba and WebDAV off (access settings given explicitly).",
  },
  {
    id: RULE.storageBoxSnapshots,
    severity: "error",
    suppressible: true,
    description: "Every storage box has a snapshot plan keeping at least one snapshot.",
  },
  {
    id: RULE.budgetMonthly,
    severity: "warning",
    suppressible: false,
    description:
      "The environment's estimated monthly cost (all2all cost, VAT included) " +
      "is within its budget_monthly, when it sets one.",
  },
  {
    id: RULE.storageBoxDeleteProtection,
    severity: "warning",
    suppressible: true,
    description:
      "In an environment with protect: false, storage boxes still have delete protection " +
      "(with protect: true, protect-stateful demands it as an error).",
  },
  {
    id: RULE.resourceLabels,
    severity: "error",
    suppressible: true,
    description:
      'Every resource that takes labels has managed-by = "all2all-infra", environment = its ' +
      "environment and a non-empty role, and every label follows Hetzner's syntax.",
  },
  {
    id: RULE.allowedLocations,
    severity: "error",
    suppressible: true,
    description: "Every location (location, home_location, datacenter) is in the environment's allowed_locations.",
  },
  {
    id: RULE.noLiteralSecret,
    severity: "error",
    suppressible: false,
    description:
      "No literal secret anywhere in the synthesised JSON: private key blocks, literal values of attributes, " +
      "variables or outputs named like passwords, tokens, secrets or keys, and high-entropy strings outside " +
      "public data.",
  },
  {
    id: RULE.dnsCaa,
    severity: "error",
    suppressible: true,
    description: "Every zone has a CAA record set at its apex with an issue or issuewild property.",
  },
  {
    id: RULE.dnsMailAuth,
    severity: "error",
    suppressible: true,
    description:
      "Every name with an MX record set has exactly one SPF record (TXT v=spf1) and a DMARC " +
      "record (TXT v=DMARC1 at _dmarc.<name> or at the zone's _dmarc).",
  },
  {
    id: RULE.dnsRrsetTtl,
    severity: "error",
    suppressible: true,
    description:
      "One name and type is one record set with one TTL: never two hcloud_zone_rrset blocks, nor " +
      "an rrset and hcloud_zone_record blocks, for the same name and type.",
  },
  {
    id: RULE.dnsTxtFormat,
    severity: "error",
    suppressible: true,
    description:
      'TXT values are in the provider\'s form: quoted strings ("…" "…") of at most 255 bytes each, " and \\ escaped.',
  },
  {
    id: RULE.serverReplaceGuard,
    severity: "error",
    suppressible: false,
    description:
      "A change of a server's image, SSH keys or user data is never silently a replacement: they are in " +
      "lifecycle.ignore_changes unless the server is declared allow_rebuild: true.",
  },
  {
    id: RULE.serverRebuildAllowed,
    severity: "warning",
    suppressible: false,
    description:
      "A server declared allow_rebuild: true is replaced by a change of its image, SSH keys or user " +
      "data: a reminder to set it back to false after the deliberate rebuild.",
  },
  {
    id: RULE.suppressionInvalid,
    severity: "error",
    suppressible: false,
    description: "A config suppression names an existing rule that may be suppressed.",
  },
  {
    id: RULE.suppressionUnused,
    severity: "warning",
    suppressible: false,
    description: "A config suppression matched at least one finding in its environment.",
  },
];

const BY_ID = new Map(RULES.map((rule) => [rule.id, rule]));

/** The rule with this id, or undefined. */
export function ruleInfo(id: string): RuleInfo | undefined {
  return BY_ID.get(id);
}

/** The rule with this id; throws on an id not in RULES (a bug in the pack). */
export function rule(id: RuleId): RuleInfo {
  const found = BY_ID.get(id);
  if (found === undefined) throw new Error(`policies: rule ${id} is not in RULES`);
  return found;
}
