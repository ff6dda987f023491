/**
 * Negative tests: each bad input makes `all2all check` exit 2 and print a
 * problem naming the file, the line, the YAML path and what is wrong.
 * Each case edits a copy of the default config; expected lines are computed
 * from the edited text.
 */
import {
  check,
  ed25519PublicKey,
  findProblem,
  pastedPrivateKey,
  rsaPublicKey,
  workspace,
  type Expected,
  type Workspace,
} from "../../testing/description";
import { joinRegExp } from "../../primitives/regexp";

const NET = "config/network.yaml";
const DNS = "config/dns.yaml";
const BACKUP = "config/backup.yaml";
const STAGING = "config/environments/staging.yaml";
const PROD = "config/environments/production.yaml";

interface Case {
  readonly name: string;
  /** Edits the workspace and returns the problem(s) expected. */
  readonly edit: (ws: Workspace) => Expected | Expected[];
  readonly env?: string;
}

/** Appends records to the all2all.org zone (secondary) and returns the line of the first one added. */
function addRecords(ws: Workspace, lines: string[], zone: "all2all.org" | "exemple-asbl.be" = "all2all.org"): number {
  const anchor =
    zone === "all2all.org"
      ? "      # Mailing lists (their own MTA on lists-1)."
      : '      - { name: _imaps._tcp, type: SRV, values: ["0 1 993 mail.all2all.org."] }';
  ws.replace(DNS, anchor, `${lines.map((l) => `      ${l}`).join("\n")}\n${anchor}`);
  return ws.line(DNS, lines[0]!.trim(), zone === "exemple-asbl.be" ? "name: exemple-asbl.be" : undefined);
}

/** Index of the first record added by addRecords in all2all.org (zones[0]): records before the anchor. */
const ALL2ALL_RECORDS_BEFORE_LISTS = 27;
/** Records of exemple-asbl.be before its last one (the anchor). */
const ASBL_RECORDS_BEFORE_IMAPS = 8;

function addSuppression(ws: Workspace, body: string): number {
  const text = ws.read(NET);
  ws.write(NET, `${text}\nsuppressions:\n  - rule: server-backups\n    resource: server/web-1\n${body}`);
  return ws.line(NET, "  - rule: server-backups");
}

/** One text replaced in a file; the problem is on the line holding `at` (after the line holding `at[1]`). */
interface ReplaceCase {
  readonly name: string;
  readonly file: string;
  readonly from: string;
  readonly to: string;
  readonly at: string | readonly [needle: string, after: string];
  readonly path: string;
  /** The message, or how to build it from the edited files (when it cites the line of an earlier item). */
  readonly message: RegExp | ((ws: Workspace) => RegExp);
  readonly env?: string;
}

const replaceCases: ReplaceCase[] = [
  {
    name: "a server without public IPv6",
    file: NET,
    from: "      ipv4: true                    # web visitors still need IPv4\n      ipv6: true\n",
    to: "      ipv4: true                    # web visitors still need IPv4\n      ipv6: false\n",
    at: "ipv6: false",
    path: "servers[1].public.ipv6",
    message: /server web-1: public\.ipv6 cannot be false, every server has a public IPv6 address \(remove the line/,
  },
  {
    name: "YAML syntax error (a mis-indented key)",
    file: NET,
    from: "    role: lists\n",
    to: "   role: lists\n",
    at: "   role: lists",
    path: "",
    message: joinRegExp(
      /YAML syntax error: bad indentation of a sequence entry \(check the /,
      /indentation and brackets on this line and the one before\)/,
    ),
  },
  {
    name: "YAML duplicate key",
    file: NET,
    from: "    role: mail\n",
    to: "    role: mail\n    role: lists\n",
    at: ["    role: lists", "role: mail"],
    path: "",
    message:
      /YAML: duplicate key "role" in one mapping \(first at line \d+\) \(each key may appear once in a mapping\)/,
  },
  {
    name: "unknown key, listing the allowed keys",
    file: NET,
    from: "    role: bastion\n",
    to: "    role: bastion\n    tpye: cx22\n",
    at: "tpye: cx22",
    path: "servers[0].tpye",
    message: /unknown key "tpye" \(did you mean "type"\? allowed keys: name, role, type, image, location,/,
  },
  {
    name: "a password field, refused as a secret",
    file: BACKUP,
    from: "    type: bx21\n",
    to: "    type: bx21\n    password: hunter2\n",
    at: "password:",
    path: "storage_boxes[0].password",
    message: /unknown key "password" \(secrets never go in config/,
  },
  {
    name: "server name that is not a hostname label",
    file: NET,
    from: "  - name: lists-1\n",
    to: "  - name: Lists_1\n",
    at: "name: Lists_1",
    path: "servers[4].name",
    message: /"Lists_1" is not a valid name \(.*"lists-1"\?\)/,
  },
  {
    name: "subnet outside its network",
    file: NET,
    from: "      - ip_range: 10.20.2.0/24",
    to: "      - ip_range: 10.21.2.0/24",
    at: "10.21.2.0/24",
    path: "networks[0].subnets[1].ip_range",
    message: /subnet 10\.21\.2\.0\/24 is outside its network's range 10\.20\.0\.0\/16/,
  },
  {
    name: "non-RFC 1918 network range",
    file: NET,
    from: "    ip_range: 10.20.0.0/16",
    to: "    ip_range: 100.64.0.0/16",
    at: "100.64.0.0/16",
    path: "networks[0].ip_range",
    message: /network range 100\.64\.0\.0\/16 is not a private \(RFC 1918\) range/,
  },
  {
    name: "route gateway outside the network",
    file: NET,
    from: "        gateway: 10.20.1.10",
    to: "        gateway: 10.99.1.10",
    at: "gateway: 10.99.1.10",
    path: "networks[0].routes[0].gateway",
    message: /route gateway 10\.99\.1\.10 is outside the network 10\.20\.0\.0\/16/,
  },
  {
    name: "fixed IP outside its subnets",
    file: NET,
    from: "ip: 10.20.1.10 }",
    to: "ip: 10.20.7.10 }",
    at: "10.20.7.10",
    path: "servers[0].networks[0].ip",
    message: /fixed IP 10\.20\.7\.10 is outside the subnets of network internal/,
  },
  {
    name: "unknown firewall policy, with did you mean",
    file: NET,
    from: "    firewall_policies: [base, dns-primary]",
    to: "    firewall_policies: [base, dns-primry]",
    at: "dns-primry",
    path: "servers[5].firewall_policies[1]",
    message: /unknown firewall policy "dns-primry" \(did you mean "dns-primary"\?\)/,
  },
  {
    name: "unknown SSH key",
    file: NET,
    from: "    user_data: cloud-init/ns.yaml\n",
    to: "    user_data: cloud-init/ns.yaml\n    ssh_keys: [alice, bbo]\n",
    at: "ssh_keys: [alice, bbo]",
    path: "servers[5].ssh_keys[1]",
    message: /unknown SSH key "bbo" \(did you mean "bob"\?\)/,
  },
  {
    name: "bad public key (truncated)",
    file: NET,
    from: "AAAAC3NzaC1lZDI1NTE5AAAAIO5R9iSuRbRGsF3ypzJRXGyV7zRDE1eLwmNwrj2R20K/",
    to: "AAAAC3NzaC1lZDI1NTE5AAAAIO5R9iSuRbRGsF3ypzJRXGyV7zRD",
    at: "PLACEHOLDER-bob",
    path: "operators.ssh_keys[1].public_key",
    message: /the ssh-ed25519 key data is malformed \(expected a 32-byte key\)/,
  },
  {
    name: "unsupported key type",
    file: NET,
    from: "public_key: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIO5R9iSuRbRGsF3ypzJRXGyV7zRDE1eLwmNwrj2R20K/",
    to: "public_key: ssh-dss AAAAB3NzaC1kc3MAAACBAP",
    at: "ssh-dss",
    path: "operators.ssh_keys[1].public_key",
    message: /DSA keys are broken and refused/,
  },
  {
    name: "RSA key shorter than 3072 bits",
    file: NET,
    from:
      "public_key: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIO5R9iSuRbRGsF3ypzJRXGyV7zRDE1" +
      "eLwmNwrj2R20K/ PLACEHOLDER-bob@all2all-not-a-real-key",
    to: `public_key: ${rsaPublicKey(2048)}`,
    at: "ssh-rsa ",
    path: "operators.ssh_keys[1].public_key",
    message: /RSA key of 2048 bits is too short \(at least 3072\) \(generate an ed25519 key/,
  },
  {
    name: "location outside the allowed set",
    file: NET,
    from: "    role: dns\n",
    to: "    role: dns\n    location: ash\n",
    at: "location: ash",
    path: "servers[5].location",
    message: /location "ash" is not in environment\.allowed_locations \(fsn1, nbg1, hel1\) \(ash is outside the EU/,
  },
  {
    name: "unknown location",
    file: NET,
    from: "  location: fsn1 ",
    to: "  location: fns1 ",
    at: "location: fns1",
    path: "environment.location",
    message: /unknown location "fns1" \(did you mean "fsn1"\?\)/,
  },
  {
    name: "unknown server type, with a suggestion",
    file: NET,
    from: "    role: bastion\n    type: cx23",
    to: "    role: bastion\n    type: cx2",
    at: "type: cx2",
    path: "servers[0].type",
    message: /unknown server type "cx2" \(did you mean "cx23"/,
  },
  {
    name: "a retired server type, with its successor",
    file: NET,
    from: "    role: bastion\n    type: cx23",
    to: "    role: bastion\n    type: cx32",
    at: "type: cx32",
    path: "servers[0].type",
    message: joinRegExp(
      /server type "cx32" was retired by Hetzner \(announced 2025-10-16, not /,
      /orderable after 2025-12-31\) \(use its successor "cx33"/,
    ),
  },
  {
    name: "unknown image",
    file: NET,
    from: "    role: bastion\n",
    to: "    role: bastion\n    image: debian-14\n",
    at: "image: debian-14",
    path: "servers[0].image",
    message: /unknown image "debian-14" \(did you mean .*"debian-13"/,
  },
  {
    name: "port given for icmp",
    file: NET,
    from: "{ direction: in, protocol: icmp, sources: [any]",
    to: "{ direction: in, protocol: icmp, port: 8, sources: [any]",
    at: "protocol: icmp, port: 8",
    path: "firewall_policies[0].rules[0].port",
    message: /port is only for tcp and udp, not icmp/,
  },
  {
    name: "tcp rule without a port",
    file: NET,
    from: "{ direction: in, protocol: tcp, port: 25, sources: [any]",
    to: "{ direction: in, protocol: tcp, sources: [any]",
    at: "description: SMTP }",
    path: "firewall_policies[3].rules[0]",
    message: /a tcp rule needs a port/,
  },
  {
    name: "firewall source that is not a CIDR",
    file: NET,
    from: "port: 443, sources: [any], description: HTTPS",
    to: "port: 443, sources: [10.0.0.300/8], description: HTTPS",
    at: "10.0.0.300/8",
    path: "firewall_policies[2].rules[1].sources[0]",
    message: /source "10\.0\.0\.300\/8" is not a CIDR range/,
  },
  {
    name: "admin range with host bits set",
    file: NET,
    from: "    - 198.51.100.0/24",
    to: "    - 198.51.100.7/24",
    at: "198.51.100.7/24",
    path: "operators.admin_ranges[1]",
    message: /admin range "198\.51\.100\.7\/24" has host bits set \(did you mean 198\.51\.100\.0\/24\?\)/,
  },
  {
    name: "bad label key",
    file: NET,
    from: "    owner: all2all",
    to: "    owner: all2all\n    -team: infra",
    at: "-team: infra",
    path: 'environment.labels["-team"]',
    message: /label key "-team" must start and end with a letter or digit/,
  },
  {
    name: "bad label value",
    file: NET,
    from: "    owner: all2all",
    to: "    owner: all2all asbl",
    at: "owner: all2all asbl",
    path: "environment.labels.owner",
    message: /label value "all2all asbl" must be empty or start and end with a letter or digit/,
  },
  {
    name: "reserved label key",
    file: NET,
    from: "    owner: all2all",
    to: "    owner: all2all\n    role: infra",
    at: "role: infra",
    path: "environment.labels.role",
    message: /label "role" is set automatically/,
  },
  {
    name: "label value that is a number (must be quoted)",
    file: NET,
    from: "    owner: all2all",
    to: "    owner: all2all\n    version: 2",
    at: "version: 2",
    path: "environment.labels.version",
    message: /expected text, got number 2 \(quote it: "2"\)/,
  },
  {
    name: "user_data file missing",
    file: NET,
    from: "user_data: cloud-init/ns.yaml",
    to: "user_data: cloud-init/dns.yaml",
    at: "cloud-init/dns.yaml",
    path: "servers[5].user_data",
    message: /user_data file config\/cloud-init\/dns\.yaml does not exist/,
  },
  {
    name: "dangling web-9.ipv4 reference",
    file: DNS,
    from: "{ name: web-2, type: A, values: [web-2.ipv4] }",
    to: "{ name: web-2, type: A, values: [web-9.ipv4] }",
    at: "web-9.ipv4",
    path: "zones[0].records[7].values[0]",
    message: /web-9\.ipv4 refers to an unknown server "web-9" \(did you mean "web-1" or "web-2"\?\)/,
  },
  {
    name: "bad MX (no priority)",
    file: DNS,
    from: '{ name: "@", type: MX, values: ["10 mail.all2all.org."] }',
    to: '{ name: "@", type: MX, values: ["mail.all2all.org."] }',
    at: 'values: ["mail.all2all.org."]',
    path: "zones[1].records[3].values[0]",
    message: /MX value "mail\.all2all\.org\." must be "<priority> <host>"/,
  },
  {
    name: "MX pointing to a CNAME",
    file: DNS,
    from: '{ name: lists, type: MX, values: ["10 lists"] }',
    to: '{ name: lists, type: MX, values: ["10 autoconfig"] }',
    at: '"10 autoconfig"',
    path: "zones[0].records[27].values[0]",
    message: /MX target autoconfig\.all2all\.org\. is a CNAME/,
  },
  {
    name: "bad SRV (missing port)",
    file: DNS,
    from: '{ name: _imaps._tcp, type: SRV, values: ["0 1 993 mail"] }',
    to: '{ name: _imaps._tcp, type: SRV, values: ["0 1 mail"] }',
    at: '"0 1 mail"',
    path: "zones[0].records[25].values[0]",
    message: /SRV value "0 1 mail" must be "<priority> <weight> <port> <target>"/,
  },
  {
    name: "bad SRV name",
    file: DNS,
    from: '{ name: _imaps._tcp, type: SRV, values: ["0 1 993 mail"] }',
    to: '{ name: imaps, type: SRV, values: ["0 1 993 mail"] }',
    at: "name: imaps,",
    path: "zones[0].records[25].values[0]",
    message: /SRV record name "imaps" must start with _service\._proto/,
  },
  {
    name: "bad CAA tag",
    file: DNS,
    from: '          - 0 issue "letsencrypt.org"',
    to: '          - 0 isue "letsencrypt.org"',
    at: "0 isue",
    path: "zones[0].records[30].values[0]",
    message: /unknown CAA tag "isue" \(did you mean "issue"\?\)/,
  },
  {
    name: "bad TLSA digest length",
    file: DNS,
    from: "3 1 1 ae7e1b2c6b57e1c324ee260734ad8d311afe9ebb49083f8c104a8a45184fdbbc",
    to: "3 1 1 ae7e1b2c",
    at: "3 1 1 ae7e1b2c",
    path: "zones[0].records[26].values[0]",
    message: /TLSA data must be 64 hex digits for matching type 1/,
  },
  {
    name: "secondary zone without a primary server",
    file: DNS,
    from: "    primary:\n      server: ns-1\n      tsig_key: all2all-org-transfer\n      tsig_algorithm: hmac-sha256\n",
    to: "",
    at: "mode: secondary",
    path: "zones[0].mode",
    message: /secondary zone all2all\.org needs a primary \(the hidden primary server and its TSIG key name\)/,
  },
  {
    name: "secondary zone without a TSIG key name",
    file: DNS,
    from: "      tsig_key: all2all-org-transfer\n",
    to: "",
    at: "server: ns-1",
    path: "zones[0].primary.tsig_key",
    message:
      /missing required key "tsig_key" \(TSIG key name\. The secret comes from the environment variable TF_VAR_tsig_/,
  },
  {
    name: "TSIG algorithm refused",
    file: DNS,
    from: "tsig_algorithm: hmac-sha256",
    to: "tsig_algorithm: hmac-md5",
    at: "hmac-md5",
    path: "zones[0].primary.tsig_algorithm",
    message: /unknown TSIG algorithm "hmac-md5"/,
  },
  {
    name: "storage box type unknown",
    file: BACKUP,
    from: "    type: bx21",
    to: "    type: bx12",
    at: "type: bx12",
    path: "storage_boxes[0].type",
    message: /unknown storage box type "bx12" \(did you mean "bx11"/,
  },
  {
    name: "storage box where none are offered",
    file: BACKUP,
    from: "    location: hel1 ",
    to: "    location: nbg1 ",
    at: "location: nbg1",
    path: "storage_boxes[0].location",
    message: /storage boxes are not offered in nbg1 \(choose one of fsn1, hel1\)/,
  },
  {
    name: "subaccount referencing an unknown server",
    file: BACKUP,
    from: "{ name: ns-1, server: ns-1,",
    to: "{ name: ns-1, server: ns-2,",
    at: "server: ns-2",
    path: "storage_boxes[0].subaccounts[5].server",
    message: /unknown server "ns-2" \(did you mean "ns-1"\?\)/,
  },
  {
    name: "subaccount home directory inside another writable one",
    file: BACKUP,
    from: "home_directory: servers/web-2,",
    to: "home_directory: servers/web-1/more,",
    at: "servers/web-1/more",
    path: "storage_boxes[0].subaccounts[2].home_directory",
    message: /home directory servers\/web-1\/more overlaps servers\/web-1 of subaccount web-1/,
  },
  {
    name: "s3 state backend without a bucket",
    file: PROD,
    from: "    bucket: all2all-tfstate\n",
    to: "",
    at: "backend: s3",
    path: "environment.state.bucket",
    message: /the s3 backend needs bucket/,
    env: "production",
  },
  {
    name: "an overlay error points into the overlay, after merging",
    file: STAGING,
    from: "  - name: mail-1\n    type: cx23",
    to: "  - name: mail-1\n    type: cx21",
    at: "type: cx21",
    path: "servers[2].type",
    message: /unknown server type "cx21" .*\[environment staging\]$/,
  },
  {
    name: "an overlay removing an item that does not exist",
    file: STAGING,
    from: "  - { name: ns-1, $remove: true }\n\nzones:",
    to: "  - { name: ns-2, $remove: true }\n\nzones:",
    at: "name: ns-2",
    path: "servers",
    message: /cannot remove name: ns-2: the shared description has no such item in servers/,
  },
  {
    name: "import_id in the shared description",
    file: NET,
    from: "    role: dns\n",
    to: "    role: dns\n    import_id: 4711\n",
    at: "import_id: 4711",
    path: "servers[5].import_id",
    message: /import_id is specific to one environment's Hetzner project/,
  },
  {
    name: "a server without its type",
    file: NET,
    from: "    role: lists\n    type: cx23\n",
    to: "    role: lists\n",
    at: "  - name: lists-1",
    path: "servers[4].type",
    message: /missing required key "type" \(one of cx23, /,
  },
  {
    name: "a zone naming an unknown DNS secondary",
    file: DNS,
    from: "      tsig_key: all2all-org-transfer\n",
    to: "      tsig_key: all2all-org-transfer\n      secondaries: [hetzer]\n",
    at: "secondaries: [hetzer]",
    path: "zones[0].primary.secondaries[0]",
    message: /unknown DNS secondary "hetzer" \(did you mean "hetzner"\?\)/,
  },
  {
    name: "a DNS secondary with a transfer source that is not an address",
    file: DNS,
    from: "transfer_sources: [203.0.113.53,",
    to: "transfer_sources: [203.0.113.0/24,",
    at: "transfer_sources:",
    path: "dns_secondaries[0].transfer_sources[0]",
    message: /"203\.0\.113\.0\/24" is not an IPv4 or IPv6 address \(one address per item, without a prefix length\)/,
  },
  {
    name: "a DNS secondary name server without its final dot",
    file: DNS,
    from: "nameservers: [hydrogen.ns.hetzner.com.,",
    to: "nameservers: [hydrogen.ns.hetzner.com,",
    at: "nameservers: [hydrogen",
    path: "dns_secondaries[0].nameservers[0]",
    message: /name server "hydrogen\.ns\.hetzner\.com" must be absolute, with the final dot/,
  },
  {
    name: "$remove in the shared description",
    file: NET,
    from: "    role: dns\n",
    to: "    role: dns\n    $remove: true\n",
    at: "$remove: true",
    path: "servers[5].$remove",
    message: /unknown key "\$remove" \(\$remove: true is for environment overlays/,
  },
  {
    name: "an environment name written in its overlay",
    file: STAGING,
    from: "  protect: false\n",
    to: "  protect: false\n  name: staging\n",
    at: "name: staging",
    path: "environment.name",
    message: /unknown key "name" \(an environment's name is its overlay's file name\)/,
  },
  {
    name: "unknown placement group",
    file: NET,
    from: "    placement_group: web\n    networks:\n      - { network: internal, ip: 10.20.1.22 }",
    to: "    placement_group: webs\n    networks:\n      - { network: internal, ip: 10.20.1.22 }",
    at: "placement_group: webs",
    path: "servers[2].placement_group",
    message: /unknown placement group "webs" \(did you mean "web"\?\)/,
  },
  {
    name: "network range containing Hetzner's public gateway",
    file: NET,
    from: "    ip_range: 10.20.0.0/16",
    to: "    ip_range: 172.16.0.0/12",
    at: "172.16.0.0/12",
    path: "networks[0].ip_range",
    message: /contains 172\.31\.1\.1, the default gateway of every Hetzner Cloud server/,
  },
  {
    name: "duplicate server name",
    file: NET,
    from: "  - name: web-2\n",
    to: "  - name: web-1\n",
    at: ["  - name: web-1", "role: web"],
    path: "servers[2].name",
    message: (ws) => new RegExp(`duplicate server name "web-1" \\(first at line ${ws.line(NET, "  - name: web-1")}\\)`),
  },
  {
    name: "overlapping subnets",
    file: NET,
    from: "      - ip_range: 10.20.2.0/24",
    to: "      - ip_range: 10.20.1.128/25",
    at: "10.20.1.128/25",
    path: "networks[0].subnets[1].ip_range",
    message: (ws) =>
      new RegExp(
        `subnet 10\\.20\\.1\\.128/25 overlaps subnet 10\\.20\\.1\\.0/24 \\(line ${ws.line(NET, "10.20.1.0/24")}\\)`,
      ),
  },
  {
    name: "route destination covering a subnet (the network rule the construct applies too)",
    file: NET,
    from: "      - destination: 10.30.0.0/24",
    to: "      - destination: 10.20.0.0/23",
    at: "10.20.0.0/23",
    path: "networks[0].routes[0].destination",
    message: (ws) =>
      new RegExp(
        `route destination 10\\.20\\.0\\.0/23 overlaps subnet ` +
          `10\\.20\\.1\\.0/24 \\(line ${ws.line(NET, "10.20.1.0/24")}\\)`,
      ),
  },
  {
    name: "fixed IP taken twice",
    file: NET,
    from: "ip: 10.20.1.22 }",
    to: "ip: 10.20.1.21 }",
    at: ["ip: 10.20.1.21", "name: web-2"],
    path: "servers[2].networks[0].ip",
    message: (ws) =>
      new RegExp(
        `fixed IP 10\\.20\\.1\\.21 is already taken by ` +
          `servers\\[1\\]\\.networks\\[0\\]\\.ip ` +
          `\\(line ${ws.line(NET, "ip: 10.20.1.21")}\\)`,
      ),
  },
];

function replaced({ name, file, from, to, at, path, message, env }: ReplaceCase): Case {
  const [needle, after] = typeof at === "string" ? [at] : at;
  const edit = (ws: Workspace): Expected => {
    ws.replace(file, from, to);
    const expected = typeof message === "function" ? message(ws) : message;
    return { file, line: ws.line(file, needle, after), path, message: expected };
  };
  return env ? { name, edit, env } : { name, edit };
}

/** One record added by addRecords; the problem is on its line, at `field` of the new record. */
interface RecordCase {
  readonly name: string;
  readonly record: string;
  readonly zone?: "exemple-asbl.be";
  readonly field: "" | ".name" | ".type" | ".values[0]";
  readonly message: RegExp;
}

const recordCases: RecordCase[] = [
  {
    name: "A record with an IPv6 literal",
    record: '- { name: test, type: A, values: ["2001:db8::1"] }',
    field: ".values[0]",
    message: /A record value "2001:db8::1" is an IPv6 address \(IPv6 addresses go in an AAAA record\)/,
  },
  {
    name: "AAAA record with a server's IPv4 reference",
    record: "- { name: test, type: AAAA, values: [web-1.ipv4] }",
    zone: "exemple-asbl.be",
    field: ".values[0]",
    message: /AAAA record cannot hold web-1\.ipv4 \(use web-1\.ipv6/,
  },
  {
    name: "over-long TXT value",
    record: `- { name: big, type: TXT, values: ["${"a".repeat(3000)}"] }`,
    field: ".values[0]",
    message: /TXT value is 3000 bytes \(at most 2048\)/,
  },
  {
    name: "explicit TXT string longer than 255 bytes",
    record: `- { name: big, type: TXT, values: ['"${"b".repeat(300)}" "tail"'] }`,
    field: ".values[0]",
    message: /a quoted TXT string is 300 bytes \(at most 255\)/,
  },
  {
    name: "SSHFP in a primary zone (Hetzner DNS does not serve it)",
    record:
      '- { name: www, type: SSHFP, values: ["4 2 9dbb2400f40d3936cae305158c81cb546208a0397f386a8ccba87edb620a5a2f"] }',
    zone: "exemple-asbl.be",
    field: ".type",
    message: /Hetzner DNS does not serve SSHFP records/,
  },
  {
    name: "PTR in a forward zone",
    record: "- { name: host, type: PTR, values: [web-1.all2all.org.] }",
    field: ".type",
    message: /PTR records belong in a reverse zone/,
  },
  {
    name: "record name written absolute",
    record: "- { name: ftp.all2all.org., type: CNAME, values: [web-1] }",
    field: ".name",
    message: /record name "ftp\.all2all\.org\." is absolute \(write it relative to the zone: "ftp"\)/,
  },
];

function recordAdded({ name, record, zone, field, message }: RecordCase): Case {
  const records = zone
    ? `zones[1].records[${ASBL_RECORDS_BEFORE_IMAPS}]`
    : `zones[0].records[${ALL2ALL_RECORDS_BEFORE_LISTS}]`;
  return {
    name,
    edit: (ws) => ({ file: DNS, line: addRecords(ws, [record], zone), path: `${records}${field}`, message }),
  };
}

/** A server (ns-1) adopted in the production overlay with these `server` lines; the problem is on the line of `at`. */
interface AdoptionCase {
  readonly name: string;
  readonly server: string;
  readonly at: string;
  readonly path: string;
  readonly message: RegExp;
}

const adoptionCases: AdoptionCase[] = [
  {
    name: "import_id without the server's primary IPs",
    server: "    import_id: 4711\n",
    at: "import_id: 4711",
    path: "servers[5].import_id",
    message: joinRegExp(
      /adopting server ns-1 needs import_primary_ips: the ids of its current primary IPs \(or "create" /,
      /for a new address\) \(add import_primary_ips: \{ ipv4: <id>, ipv6: <id> \}\)/,
    ),
  },
  {
    name: "import_primary_ips without import_id",
    server: "    import_primary_ips: { ipv4: 11, ipv6: 12 }\n",
    at: "import_primary_ips:",
    path: "servers[5].import_primary_ips",
    message: /import_primary_ips is only used with import_id \(add import_id/,
  },
  {
    name: "import_primary_ips without the IPv4 of a server that has one",
    server: "    import_id: 4711\n    import_primary_ips: { ipv6: 12 }\n",
    at: "import_primary_ips:",
    path: "servers[5].import_primary_ips",
    message: /server ns-1 has public\.ipv4 true: name its current IPv4 \(or "create"\)/,
  },
  {
    name: "import_primary_ips with a bad id",
    server: "    import_id: 4711\n    import_primary_ips: { ipv4: 11, ipv6: twelve }\n",
    at: "import_primary_ips:",
    path: "servers[5].import_primary_ips.ipv6",
    message: /a primary IP id is digits, or "create"/,
  },
];

function adopted({ name, server, at, path, message }: AdoptionCase): Case {
  return {
    name,
    env: "production",
    edit: (ws) => {
      ws.write(PROD, `${ws.read(PROD)}\nservers:\n  - name: ns-1\n${server}`);
      return { file: PROD, line: ws.line(PROD, at), path, message };
    },
  };
}

/** One file written whole (user_data, or another shared file); the problem is at `line` of that file. */
interface WrittenCase {
  readonly name: string;
  readonly file: string;
  readonly text: string;
  readonly line: number;
  readonly path: string;
  readonly message: RegExp;
}

const writtenCases: WrittenCase[] = [
  {
    name: "user_data that cloud-init would ignore",
    file: "config/cloud-init/ns.yaml",
    text: "packages: [knot]\n",
    line: 1,
    path: "servers[5].user_data",
    message: /user_data must start with #cloud-config or #!/,
  },
  {
    name: "a top-level key defined in two shared files",
    file: "config/more.yaml",
    text: "# yaml-language-server: $schema=./schema.json\nzones: []\n",
    line: 2,
    path: "zones",
    message: /"zones" is already defined in config\/dns\.yaml:\d+/,
  },
];

function written({ name, file, text, line, path, message }: WrittenCase): Case {
  return {
    name,
    edit: (ws) => {
      ws.write(file, text);
      return { file, line, path, message };
    },
  };
}

/** The cases whose edit or expectation is their own. */
const editCases: Case[] = [
  {
    name: "private key pasted instead of the public key",
    edit: (ws) => {
      const pasted = pastedPrivateKey()
        .split("\n")
        .map((l) => `        ${l}`)
        .join("\n");
      ws.replace(
        NET,
        "      public_key: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIO5R9iSuRbRGsF3ypzJRXGyV7zR" +
          "DE1eLwmNwrj2R20K/ PLACEHOLDER-bob@all2all-not-a-real-key",
        `      public_key: |\n${pasted}`,
      );
      const header = ws.line(NET, "PRIVATE KEY-----");
      return [
        { file: NET, line: header, path: "", message: /a PRIVATE key is pasted here: remove it now/ },
        {
          file: NET,
          line: header - 1,
          path: "operators.ssh_keys[1].public_key",
          message: /a PRIVATE key is pasted here/,
        },
      ];
    },
  },
  {
    name: "the same public key twice",
    edit: (ws) => {
      const key = ed25519PublicKey("carol");
      ws.replace(
        NET,
        "  admin_ranges:",
        `    - { name: carol, public_key: ${key} }\n    - { name: carol-laptop, public_key: ${key} }\n  admin_ranges:`,
      );
      return {
        file: NET,
        line: ws.line(NET, "name: carol-laptop"),
        path: "operators.ssh_keys[3].public_key",
        message: /the same public key as operators\.ssh_keys\[2\]/,
      };
    },
  },
  {
    name: "user_data file too large",
    edit: (ws) => {
      ws.write(
        "config/cloud-init/ns.yaml",
        `#cloud-config\nwrite_files:\n  - path: /etc/motd\n    content: "${"x".repeat(40_000)}"\n`,
      );
      return {
        file: NET,
        line: ws.line(NET, "cloud-init/ns.yaml"),
        path: "servers[5].user_data",
        message: /is 40\d\d\d bytes \(Hetzner accepts at most 32768\)/,
      };
    },
  },
  {
    name: "CNAME beside another type",
    edit: (ws) => {
      const line = addRecords(ws, ["- { name: www, type: A, values: [web-1.ipv4] }"]);
      return {
        file: DNS,
        line: ws.line(DNS, "{ name: www, type: CNAME"),
        path: "zones[0].records[2]",
        message: new RegExp(`CNAME "www" cannot share its name with an A record \\(line ${line}\\)`),
      };
    },
  },
  {
    name: "reference to a server without public IPv4",
    edit: (ws) => {
      ws.replace(
        NET,
        "      ipv4: true                    # Hetzner's secondaries",
        "      ipv4: false                   # Hetzner's secondaries",
      );
      ws.replace(
        NET,
        "      rdns: { ipv4: ns-1.all2all.org, ipv6: ns-1.all2all.org }",
        "      rdns: { ipv6: ns-1.all2all.org }",
      );
      return {
        file: DNS,
        line: ws.line(DNS, "values: [ns-1.ipv4]"),
        path: "zones[0].records[13].values[0]",
        message: /ns-1\.ipv4: server ns-1 has no public IPv4 \(set servers\[5\]\.public\.ipv4: true/,
      };
    },
  },
  {
    name: "duplicate record set with different TTLs",
    edit: (ws) => {
      const first = ws.line(DNS, '{ name: "@", type: MX, values: ["10 mail"] }');
      const line = addRecords(ws, ['- { name: "@", type: MX, ttl: 300, values: ["20 mail"] }']);
      return {
        file: DNS,
        line,
        path: `zones[0].records[${ALL2ALL_RECORDS_BEFORE_LISTS}]`,
        message: new RegExp(`duplicate record set @ MX with a different TTL \\(300 here, 3600 at line ${first}\\)`),
      };
    },
  },
  {
    name: "suppression without a reason",
    edit: (ws) => {
      const line = addSuppression(ws, "");
      return { file: NET, line: line + 0, path: "suppressions[0].reason", message: /missing required key "reason"/ };
    },
  },
  {
    name: "suppression with a too short reason",
    edit: (ws) => {
      addSuppression(ws, "    reason: because\n");
      return {
        file: NET,
        line: ws.line(NET, "reason: because"),
        path: "suppressions[0].reason",
        message: /the reason "because" is too short \(say why in at least a sentence/,
      };
    },
  },
  {
    name: "suppression of an unknown resource",
    edit: (ws) => {
      ws.write(
        NET,
        `${ws.read(NET)}\nsuppressions:\n  - rule: server-backups\n    resource: server/web-3\n    ` +
          `reason: The web server holds no data; sites are redeployed from git.\n`,
      );
      return {
        file: NET,
        line: ws.line(NET, "resource: server/web-3"),
        path: "suppressions[0].resource",
        message: /unknown server "web-3" \(did you mean "web-1"/,
      };
    },
  },
  {
    name: "a removal that leaves a dangling reference (staging)",
    edit: (ws) => {
      ws.replace(STAGING, "      - { name: lists-1, $remove: true }\n", "");
      return {
        file: BACKUP,
        line: ws.line(BACKUP, "server: lists-1"),
        path: "storage_boxes[0].subaccounts[3].server",
        message: /unknown server "lists-1" .*\[environment staging\]$/,
      };
    },
  },
  {
    name: "missing schema comment",
    edit: (ws) => {
      ws.replace(BACKUP, "# yaml-language-server: $schema=./schema.json\n", "");
      return {
        file: BACKUP,
        line: 1,
        path: "",
        message: joinRegExp(
          /the first line must name the JSON Schema for editors \(start the file with: /,
          /# yaml-language-server: \$schema=\.\/schema\.json\)/,
        ),
      };
    },
  },
  {
    name: "server attached to a network of another network zone",
    edit: (ws) => {
      ws.replace(NET, "  allowed_locations: [fsn1, nbg1, hel1]", "  allowed_locations: [fsn1, nbg1, hel1, ash]");
      ws.replace(NET, "    role: lists\n", "    role: lists\n    location: ash\n");
      return {
        file: NET,
        line: ws.line(NET, "ip: 10.20.1.40"),
        path: "servers[4].networks[0].network",
        message: /network internal is in zone eu-central, but server lists-1 is in ash \(us-east\)/,
      };
    },
  },
];

const cases: Case[] = [
  ...replaceCases.map(replaced),
  ...recordCases.map(recordAdded),
  ...adoptionCases.map(adopted),
  ...writtenCases.map(written),
  ...editCases,
];

describe("bad input makes all2all check exit 2 and point at the file, line and path", () => {
  test("there are at least 30 distinct cases", () => {
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
    expect(cases.length).toBeGreaterThanOrEqual(30);
  });

  test.each(cases.map((c) => [c.name, c] as const))("%s", async (_name, testCase) => {
    const ws = workspace();
    try {
      const expected = testCase.edit(ws);
      const run = await check(ws.root, { env: testCase.env });
      expect(run.code).toBe(2);
      expect(run.stdout).toEqual([]);
      for (const problem of Array.isArray(expected) ? expected : [expected]) findProblem(run, problem);
      // The header of each file's block, as STYLE.md shows it.
      expect(run.stderr[0]).toMatch(/^config\/\S+ has \d+ problems?:$/);
    } finally {
      ws.remove();
    }
  });
});
