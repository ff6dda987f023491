/**
 * What each server role may do, as data: the ports it may open to the whole
 * Internet, whether it needs a public IPv4, whether it holds data worth a
 * backup. A server's role is its `role` label (set from `servers[].role` in
 * config). A role missing here may open no public port, gets the IPv4
 * warning, and counts as stateful: the safe reading of an unknown role.
 *
 * Adding a role, or a port to a role, is a one-line reviewed change here
 * (docs/policies.md shows the same table).
 */

/** A public service: a protocol and, for tcp/udp, one port. */
export interface PublicService {
  readonly protocol: "tcp" | "udp" | "esp" | "gre";
  /** For tcp and udp. */
  readonly port?: number;
  /** What listens there. */
  readonly service: string;
}

export interface RolePolicy {
  /** What the role is. */
  readonly description: string;
  /** Services it may expose to 0.0.0.0/0 and ::/0 (ICMP is always allowed). */
  readonly publicServices: readonly PublicService[];
  /** Why it needs a public IPv4, or undefined when IPv6 is enough. */
  readonly ipv4Reason?: string;
  /** True when the role holds data worth a backup (a server with a volume always does). */
  readonly stateful: boolean;
}

const tcp = (port: number, service: string): PublicService => ({ protocol: "tcp", port, service });
const udp = (port: number, service: string): PublicService => ({ protocol: "udp", port, service });

const WEB: readonly PublicService[] = [tcp(80, "HTTP (redirects, ACME)"), tcp(443, "HTTPS"), udp(443, "HTTP/3")];

/** The roles of the all2all network. */
export const ROLES: Readonly<Record<string, RolePolicy>> = {
  bastion: {
    description: "the operators' entry point: SSH and WireGuard from the admin ranges",
    // WireGuard answers nothing to unauthenticated packets, so opening it wider is not an exposure of a service.
    publicServices: [udp(51820, "WireGuard")],
    ipv4Reason: "operators behind IPv4-only connections",
    stateful: true,
  },
  web: {
    description: "web hosting",
    publicServices: WEB,
    ipv4Reason: "visitors without IPv6",
    stateful: true,
  },
  mail: {
    description: "SMTP, submission and mailbox access; HTTPS for webmail, autoconfig and MTA-STS",
    publicServices: [
      tcp(25, "SMTP"),
      tcp(465, "submission over TLS"),
      tcp(587, "submission"),
      tcp(993, "IMAP over TLS"),
      tcp(995, "POP3 over TLS"),
      ...WEB,
    ],
    ipv4Reason: "mail to and from IPv4-only hosts",
    stateful: true,
  },
  lists: {
    description: "mailing lists with their own MTA, and the collaboration tools' web front",
    publicServices: [tcp(25, "SMTP (the lists' own MTA)"), ...WEB],
    ipv4Reason: "mail to and from IPv4-only hosts, visitors without IPv6",
    stateful: true,
  },
  dns: {
    description: "the hidden primary name server Hetzner's secondaries transfer from",
    publicServices: [tcp(53, "DNS (zone transfers)"), udp(53, "DNS (SOA queries, NOTIFY)")],
    ipv4Reason: "Hetzner's secondaries transfer over IPv4 too",
    stateful: true,
  },
};

/** Ports that are never opened to the whole Internet: SSH, databases, remote administration. */
export const SENSITIVE_PORTS: ReadonlyMap<number, string> = new Map([
  [22, "SSH"],
  // Databases and caches
  [1433, "Microsoft SQL Server"],
  [1521, "Oracle"],
  [3306, "MySQL/MariaDB"],
  [5432, "PostgreSQL"],
  [5984, "CouchDB"],
  [6379, "Redis"],
  [8086, "InfluxDB"],
  [9042, "Cassandra"],
  [9200, "Elasticsearch/OpenSearch"],
  [9300, "Elasticsearch transport"],
  [11211, "memcached"],
  [27017, "MongoDB"],
  // Remote administration
  [2375, "Docker API"],
  [2376, "Docker API (TLS)"],
  [2379, "etcd"],
  [2380, "etcd peers"],
  [3389, "RDP"],
  [5900, "VNC"],
  [10250, "kubelet"],
]);
