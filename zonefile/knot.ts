/**
 * Knot DNS configuration for a hidden primary: every zone in secondary mode
 * whose `primary.server` is that server, signed with DNSSEC, transferable
 * only by the secondaries (by address and TSIG key), NOTIFY sent only to
 * them. One file per hidden primary server.
 *
 * Secrets are never written: a TSIG key is `include`d from
 * `keys/<key name>.conf` next to the configuration, a file the operators
 * create on the server from the same secret the dns stack gives Hetzner
 * (TF_VAR_tsig_<key>). Knot resolves the relative path against the
 * directory of the including file.
 *
 * Serials: Knot loads each zone file with `zonefile-load:
 * difference-no-serial`: it compares the file with the zone it serves
 * (kept in its journal, `journal-content: all`), ignores the file's serial,
 * and increments the served serial itself (`serial-policy: dateserial`)
 * when the content changed or when it re-signs. So the served serial always
 * grows, even when a file was rendered afresh elsewhere. Knot never writes
 * the zone files back (`zonefile-sync: -1`): they stay exactly as rendered.
 */
import type { ZoneSpec } from "../description";
import { isPlaceholderAddress, servingOf, type SecondaryServers, type ZoneServing } from "./serving";

export interface KnotOptions {
  /** The environment's name, for the header. */
  readonly environment: string;
  /**
   * Knot's storage directory (journal, timers, keys of the signing policy).
   * @default "/var/lib/knot" - Debian's
   */
  readonly storage?: string;
  /**
   * Directory of the zone files, relative to the storage.
   * @default "zones"
   */
  readonly zoneDir?: string;
  /**
   * Directory of the TSIG key files, relative to the configuration file.
   * @default "keys"
   */
  readonly keysDir?: string;
  /** How each zone is served. @default servingOf(zone) */
  readonly servingOf?: (zone: ZoneSpec) => ZoneServing;
}

export interface RenderedKnotConfig {
  /** The hidden primary server. */
  readonly server: string;
  /** `<server>.conf`. */
  readonly fileName: string;
  readonly text: string;
  /** ASCII names of its zones, in file order. */
  readonly zones: readonly string[];
  /** TSIG key names it includes, and the file each is included from (relative to the configuration). */
  readonly keys: readonly {
    readonly name: string;
    readonly file: string;
    readonly algorithm: string;
    readonly envVar: string;
  }[];
  /** Whether some secondary's addresses are placeholders (transfers would be refused). */
  readonly placeholder: boolean;
}

/** The DNSSEC signing policy's id. */
export const POLICY_ID = "all2all";

function list(items: readonly string[]): string {
  return `[ ${items.join(", ")} ]`;
}

function quoted(text: string): string {
  return JSON.stringify(text);
}

/** `address@port` in Knot's syntax. */
function withPort(address: string, port: number): string {
  return `${address}@${port}`;
}

interface ZoneEntry {
  readonly zone: ZoneSpec;
  readonly serving: ZoneServing;
}

/** Renders one configuration per hidden primary server, in server name order. */
export function renderKnotConfigs(zones: readonly ZoneSpec[], options: KnotOptions): RenderedKnotConfig[] {
  const byServer = new Map<string, ZoneEntry[]>();
  for (const zone of zones) {
    if (zone.mode !== "secondary" || !zone.primary) continue;
    const entries = byServer.get(zone.primary.server) ?? [];
    entries.push({ zone, serving: (options.servingOf ?? servingOf)(zone) });
    byServer.set(zone.primary.server, entries);
  }
  return [...byServer.keys()].sort().map((server) => renderKnotConfig(server, byServer.get(server)!, options));
}

/** A TSIG key a configuration includes. */
type KnotKey = RenderedKnotConfig["keys"][number];

/** Where each file of a configuration is, on the server. */
interface KnotPaths {
  readonly storage: string;
  readonly zoneDir: string;
  readonly keysDir: string;
}

/** The TSIG keys of the zones, in name order; one include each. */
function tsigKeys(sorted: readonly ZoneEntry[], keysDir: string): KnotKey[] {
  const keys = new Map<string, KnotKey>();
  for (const { zone } of sorted) {
    const tsig = zone.primary!.tsig;
    keys.set(tsig.key_name, {
      name: tsig.key_name,
      file: `${keysDir}/${tsig.key_name}.conf`,
      algorithm: tsig.algorithm,
      envVar: tsig.env_var,
    });
  }
  return [...keys.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** How a hidden primary reaches its secondaries, from the zones it serves. */
interface SecondaryLinks {
  /** One NOTIFY remote per (secondary, address, key), by id. */
  readonly remotes: Map<string, { id: string; address: string; key: string; secondary: string }>;
  /** One transfer ACL per (secondary, key), by id. */
  readonly acls: Map<string, { id: string; addresses: readonly string[]; key: string; secondary: string }>;
  /** The remotes and ACLs of each zone, by its name. */
  readonly zoneRefs: Map<string, { notify: string[]; acl: string[] }>;
  /** The secondaries whose addresses are placeholders. */
  readonly placeholders: Set<string>;
  /** The ports the primary listens on. */
  readonly ports: Set<number>;
  /** Every secondary's name, sorted. */
  readonly secondaryNames: readonly string[];
}

function secondaryLinks(sorted: readonly ZoneEntry[]): SecondaryLinks {
  const links: SecondaryLinks = {
    remotes: new Map(),
    acls: new Map(),
    zoneRefs: new Map(),
    placeholders: new Set(),
    ports: new Set(),
    secondaryNames: [
      ...new Set(sorted.flatMap((e) => e.serving.secondaries.map((s: SecondaryServers) => s.name))),
    ].sort(),
  };
  for (const { zone, serving } of sorted) {
    const key = zone.primary!.tsig.key_name;
    links.ports.add(zone.primary!.port);
    const refs = { notify: [] as string[], acl: [] as string[] };
    for (const secondary of serving.secondaries) {
      if ([...secondary.transferSources, ...secondary.notify].some(isPlaceholderAddress))
        links.placeholders.add(secondary.name);
      secondary.notify.forEach((address, i) => {
        const id = `${secondary.name}-notify-${i + 1}-${key}`;
        links.remotes.set(id, { id, address, key, secondary: secondary.name });
        refs.notify.push(id);
      });
      if (secondary.transferSources.length === 0) continue;
      const aclId = `${secondary.name}-transfer-${key}`;
      links.acls.set(aclId, { id: aclId, addresses: secondary.transferSources, key, secondary: secondary.name });
      refs.acl.push(aclId);
    }
    links.zoneRefs.set(zone.name, refs);
  }
  return links;
}

/** The comment at the top: what the file is, how to install it, where its secrets come from. */
function headerLines(
  server: string,
  environment: string,
  paths: KnotPaths,
  keyList: readonly KnotKey[],
  placeholders: ReadonlySet<string>,
): string[] {
  const out = [
    `# Knot DNS configuration of ${server}, the hidden primary of environment ${environment}.`,
    "# Rendered by `all2all zonefile --knot` from the network description (config/). Do not edit:",
    "# change the config and render again. For Knot DNS 3.2 or newer; check it with",
    "#   knotc -c /etc/knot/knot.conf conf-check",
    "#",
    "# Install: this file as /etc/knot/knot.conf, the zone files rendered with it as",
    `#   ${paths.storage}/${paths.zoneDir}/<zone>.zone (readable by the knot user).`,
    "#",
    "# Secrets: none in this file. Each TSIG key is included from a file next to it,",
    `# /etc/knot/${paths.keysDir}/<key name>.conf (owner root:knot, mode 0640), holding the same secret the`,
    "# dns stack gives Hetzner (the environment variable named below):",
    "#   key:",
    "#     - id: <key name>",
    "#       algorithm: hmac-sha256",
    "#       secret: <base64>",
    "# `keymgr -t <key name> hmac-sha256` prints such a block with a new secret.",
    ...keyList.map((k) => `#   ${k.file}: key ${k.name} (${k.algorithm}), secret from ${k.envVar}`),
  ];
  if (placeholders.size > 0) {
    out.push(
      "#",
      `# !!! PLACEHOLDERS !!! The addresses of ${[...placeholders].sort().join(", ")} ` +
        "below are documentation addresses:",
      "# every transfer is refused and no NOTIFY arrives until they are replaced (docs/dns.md).",
    );
  }
  return out;
}

/** The server, log and database sections and the key includes. */
function serverLines(ports: ReadonlySet<number>, storage: string, keyList: readonly KnotKey[]): string[] {
  const listen = [...ports].sort((a, b) => a - b).flatMap((p) => [withPort("0.0.0.0", p), withPort("::", p)]);
  return [
    "",
    "server:",
    '    rundir: "/run/knot"',
    "    user: knot:knot",
    `    listen: ${list(listen)}`,
    "    # Transfers are allowed by the ACLs below only, never implied by a remote.",
    "    automatic-acl: off",
    "",
    "log:",
    "  - target: syslog",
    "    any: info",
    "",
    "database:",
    `    storage: ${quoted(storage)}`,
    "",
    ...keyList.map((k) => `include: ${quoted(k.file)}`),
    "",
  ];
}

/** The NOTIFY remotes by secondary, then the transfer ACLs; each section only when it has entries. */
function secondaryLines(links: SecondaryLinks): string[] {
  const out: string[] = [];
  const marked = (secondary: string) => (links.placeholders.has(secondary) ? " (PLACEHOLDER addresses)" : "");
  if (links.remotes.size > 0) {
    out.push("remote:");
    for (const secondary of links.secondaryNames) {
      const mine = [...links.remotes.values()].filter((r) => r.secondary === secondary);
      if (mine.length === 0) continue;
      out.push(`  # NOTIFY to ${secondary}${marked(secondary)}`);
      for (const r of mine) out.push(`  - id: ${r.id}`, `    address: ${withPort(r.address, 53)}`, `    key: ${r.key}`);
    }
    out.push("");
  }
  if (links.acls.size > 0) {
    out.push("acl:");
    for (const a of links.acls.values()) {
      out.push(
        `  # Transfers by ${a.secondary}${marked(a.secondary)}, signed with ${a.key}`,
        `  - id: ${a.id}`,
        `    address: ${list(a.addresses)}`,
        `    key: ${a.key}`,
        "    action: transfer",
      );
    }
    out.push("");
  }
  return out;
}

/** The DNSSEC signing policy and the template every zone uses. */
function policyLines(storage: string): string[] {
  return [
    "policy:",
    `  - id: ${POLICY_ID}`,
    "    # ECDSA P-256 (RFC 8624); NSEC3 without extra iterations or salt (RFC 9276).",
    "    algorithm: ecdsap256sha256",
    "    nsec3: on",
    "    nsec3-iterations: 0",
    "    nsec3-salt-length: 0",
    "    # The KSK is rolled by hand (its DS is at the registrar); the ZSK every 90 days.",
    "    ksk-lifetime: 0",
    "    zsk-lifetime: 90d",
    "    # Signatures always keep more than 16 days of validity, longer than the SOA expire",
    "    # (14 days): a secondary cut off from this server stops serving before they expire.",
    "    rrsig-lifetime: 30d",
    "    rrsig-refresh: 16d",
    "    # Time for the secondaries to pick a change up (SOA refresh 1 h, retry 15 min).",
    "    propagation-delay: 2h",
    "",
    "template:",
    "  - id: default",
    `    storage: ${quoted(storage)}`,
    "    semantic-checks: on",
    "    # The zone files are rendered from config: Knot never writes them back.",
    "    zonefile-sync: -1",
    "    # Knot serves the signed zone from its journal, applies the difference of each new",
    "    # file ignoring its serial, and increments the served serial itself.",
    "    zonefile-load: difference-no-serial",
    "    journal-content: all",
    "    serial-policy: dateserial",
    "    dnssec-signing: on",
    `    dnssec-policy: ${POLICY_ID}`,
    "",
  ];
}

/** The zone section: each zone with its file, NOTIFY remotes and ACLs. */
function zoneLines(sorted: readonly ZoneEntry[], links: SecondaryLinks, zoneDir: string): string[] {
  const out = ["zone:"];
  for (const { zone, serving } of sorted) {
    const refs = links.zoneRefs.get(zone.name)!;
    const unicode = zone.unicode_name !== zone.name ? ` (${zone.unicode_name})` : "";
    const servedBy = serving.secondaries.map((s) => s.name).join(", ") || "nobody";
    out.push(
      `  # ${zone.name}${unicode}: served by ${servedBy}; TSIG key ${zone.primary!.tsig.key_name}`,
      `  - domain: ${zone.name}`,
      `    file: ${quoted(`${zoneDir}/${zone.name}.zone`)}`,
    );
    if (refs.notify.length > 0) out.push(`    notify: ${list(refs.notify)}`);
    if (refs.acl.length > 0) out.push(`    acl: ${list(refs.acl)}`);
  }
  out.push("");
  return out;
}

function renderKnotConfig(server: string, entries: readonly ZoneEntry[], options: KnotOptions): RenderedKnotConfig {
  const paths: KnotPaths = {
    storage: options.storage ?? "/var/lib/knot",
    zoneDir: options.zoneDir ?? "zones",
    keysDir: options.keysDir ?? "keys",
  };
  const sorted = [...entries].sort((a, b) => (a.zone.name < b.zone.name ? -1 : a.zone.name > b.zone.name ? 1 : 0));
  const keyList = tsigKeys(sorted, paths.keysDir);
  const links = secondaryLinks(sorted);
  const out = [
    ...headerLines(server, options.environment, paths, keyList, links.placeholders),
    ...serverLines(links.ports, paths.storage, keyList),
    ...secondaryLines(links),
    ...policyLines(paths.storage),
    ...zoneLines(sorted, links, paths.zoneDir),
  ];
  return {
    server,
    fileName: `${server}.conf`,
    text: out.join("\n"),
    zones: sorted.map((e) => e.zone.name),
    keys: keyList,
    placeholder: links.placeholders.size > 0,
  };
}
