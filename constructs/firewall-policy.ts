/**
 * FirewallPolicy: an `hcloud_firewall` built from intent methods
 * (`allowFrom`, `allowSshFrom`, `allowOutboundTo`), applied to servers by
 * label selector (the default) or by attachment.
 *
 * Address scheme, for `new FirewallPolicy(stack, "web", …)`:
 *
 *   hcloud_firewall.web
 *   hcloud_firewall_attachment.web      only when attachToServers() is used
 *
 * Semantics (Hetzner's): inbound traffic that no rule allows is dropped, so a
 * policy without inbound rules blocks everything inbound (deny by default).
 * Outbound traffic is allowed while the firewall has no outbound rule; the
 * first `allowOutboundTo` turns outbound into deny-by-default too. Several
 * firewalls on one server add up (a packet passes when any of them allows it).
 * Firewalls are stateful: replies to allowed connections pass.
 *
 * How a policy reaches servers, and why label selectors are the default:
 * - `labelSelectors` / `applyToLabelSelector()` → `apply_to { label_selector }`
 *   in the firewall itself. Hetzner applies the firewall to every matching
 *   server, including servers created later, without any reference between
 *   the firewall and the servers: no ordering edge, no cross-stack reference,
 *   and a replaced server is covered again as soon as it exists.
 * - `attachToServers(ids)` → one `hcloud_firewall_attachment` owning the list
 *   of server ids for this firewall (servers no longer listed lose it). It
 *   needs the server ids, so it lives where the servers are, and a new server
 *   runs without the firewall until the attachment is applied; use it for
 *   servers that cannot carry a selecting label.
 * - A Server's `firewallIds` applies a firewall at creation; do not combine it
 *   with a selector that matches the same server.
 *
 * Provider issue #931 (open): changing the firewall's name or labels in place
 * drops its rules at Hetzner (inbound then fails closed: everything blocked;
 * outbound rules dropped means outbound opens). Keep `name` and `labels`
 * stable; when they must change, run a second plan/apply right after, which
 * shows and restores the missing rules. Also: a plan that removes every rule
 * leaves the old rules in place (providers/hcloud/NOTES.md), so a policy without rules is only
 * deny-all when it is created that way.
 *
 * Checked early: sources/destinations are CIDR blocks with their host bits
 * zero, ports only for tcp/udp (and required there: "443", "8000-8080" or
 * "any"), descriptions at most 255 characters, no duplicate rules.
 */
import { Construct } from "constructs";
import { Token } from "cdktn";
import * as firewall from "../.gen/providers/hcloud/firewall";
import * as firewallAttachment from "../.gen/providers/hcloud/firewall-attachment";
import { ConstructPropsError, isToken, literal, show } from "./common";
import { type Labels, checkLabels } from "./labels";
import { checkNumericImportId } from "./import-blocks";
import { constructWhere, pinnedResource } from "./construct-setup";
import { formatCidr, isNetworkAddress, networkOf, parseCidr, parseIp } from "../primitives/ip";

/** Every IPv4 address. */
export const ANY_IPV4 = "0.0.0.0/0";
/** Every IPv6 address. */
export const ANY_IPV6 = "::/0";
/** Every address of both families. */
export const ANYWHERE: readonly string[] = [ANY_IPV4, ANY_IPV6];

/** Protocols a Hetzner firewall rule can match. */
export type FirewallProtocol = "tcp" | "udp" | "icmp" | "esp" | "gre";
const PROTOCOLS: readonly FirewallProtocol[] = ["tcp", "udp", "icmp", "esp", "gre"];

/**
 * What a rule is given, inbound or outbound alike: the peers (CIDR blocks: sources inbound, destinations
 * outbound), the protocol and, for tcp/udp, a port ("443", "8000-8080", "any"), and what the rule is for.
 */
export type RuleArguments = [
  peers: readonly string[],
  protocol: FirewallProtocol,
  port?: string | number,
  description?: string,
];

/** One rule as synthesised (the hcloud_firewall `rule` block). */
export interface FirewallRuleSpec {
  /** "in" (sources) or "out" (destinations). */
  readonly direction: "in" | "out";
  /** Matched protocol. */
  readonly protocol: FirewallProtocol;
  /** Port, range or "any" (tcp and udp only). */
  readonly port?: string;
  /** CIDR blocks allowed in (inbound rules). */
  readonly sourceIps?: string[];
  /** CIDR blocks allowed out (outbound rules). */
  readonly destinationIps?: string[];
  /** What the rule is for, shown in the console. */
  readonly description?: string;
}

export interface FirewallPolicyProps {
  /**
   * The firewall's name at Hetzner. Keep it stable (provider issue #931).
   * @default - the construct id
   */
  readonly name?: string;
  /** Labels of the firewall itself (managed-by, environment, role). Keep them stable (provider issue #931). */
  readonly labels: Labels;
  /**
   * Label selectors of the servers the firewall applies to, e.g.
   * "role=web" or "environment=production,role in (web,mail)".
   * @default - none: apply it with applyToLabelSelector(), attachToServers() or a Server's firewallIds
   */
  readonly labelSelectors?: readonly string[];
  /**
   * Id of an existing firewall to adopt with an import block.
   * @default - the firewall is created
   */
  readonly importId?: string;
}

export class FirewallPolicy extends Construct {
  /** The hcloud_firewall resource. */
  readonly firewall: firewall.Firewall;
  /** The firewall id as a number (for a Server's firewallIds). */
  readonly firewallId: number;

  private readonly where: string;
  private readonly baseName: string;
  private readonly ruleList: FirewallRuleSpec[] = [];
  private readonly ruleKeys = new Set<string>();
  private readonly selectors: string[] = [];
  private attachment?: firewallAttachment.FirewallAttachment;
  private readonly attachedServerIds: number[] = [];

  constructor(scope: Construct, id: string, props: FirewallPolicyProps) {
    super(scope, id);
    this.where = constructWhere("FirewallPolicy", id);
    this.baseName = id;
    const labels = checkLabels(this.where, props.labels);
    checkNumericImportId(this.where, "importId", props.importId);
    this.firewall = new firewall.Firewall(this, "firewall", { name: props.name ?? id, labels });
    pinnedResource(this.firewall, id, props.importId);
    this.firewallId = Token.asNumber(this.firewall.id);
    for (const selector of props.labelSelectors ?? []) this.applyToLabelSelector(selector);
  }

  /**
   * Allows inbound traffic from `sources` (CIDR blocks, e.g. ANYWHERE) for a
   * protocol and, for tcp/udp, a port ("443", "8000-8080", "any"). Returns the rule.
   */
  allowFrom(...rule: RuleArguments): FirewallRuleSpec {
    return this.addRule(this.makeRule("in", ...rule));
  }

  /** Allows SSH (tcp 22, or another port) from the operators' ranges only. Returns the rule. */
  allowSshFrom(adminRanges: readonly string[], port: string | number = 22): FirewallRuleSpec {
    if (adminRanges.some((range) => !isToken(range) && (range === ANY_IPV4 || range === ANY_IPV6))) {
      throw new ConstructPropsError(
        this.where,
        `allowSshFrom got ${show(adminRanges)}: SSH from anywhere is not an admin range; list the ` +
          `operators' ranges, or use allowFrom(ANYWHERE, "tcp", 22, ...) deliberately`,
      );
    }
    return this.allowFrom(adminRanges, "tcp", port, "SSH from the admin ranges");
  }

  /**
   * Allows outbound traffic to `destinations`. The first outbound rule makes
   * outbound deny-by-default (only what outbound rules allow passes). Returns the rule.
   */
  allowOutboundTo(...rule: RuleArguments): FirewallRuleSpec {
    return this.addRule(this.makeRule("out", ...rule));
  }

  /**
   * Applies the firewall to every server matching a label selector (`apply_to { label_selector }`). Returns the
   * selector.
   */
  applyToLabelSelector(selector: string): string {
    if (
      typeof selector !== "string" ||
      (!isToken(selector) && (selector.trim() === "" || selector !== selector.trim()))
    ) {
      throw new ConstructPropsError(
        this.where,
        `label selector ${show(selector)} must be a non-empty selector without surrounding spaces, e.g. "role=web"`,
      );
    }
    if (this.selectors.includes(selector)) {
      throw new ConstructPropsError(this.where, `label selector ${show(selector)} is given twice`);
    }
    this.selectors.push(selector);
    this.firewall.putApplyTo(this.selectors.map((labelSelector) => ({ labelSelector })));
    return selector;
  }

  /**
   * Attaches the firewall to servers by id through one `hcloud_firewall_attachment.<firewall>`
   * (further calls add to the same attachment). Returns the attachment.
   */
  attachToServers(serverIds: readonly number[]): firewallAttachment.FirewallAttachment {
    if (serverIds.length === 0)
      throw new ConstructPropsError(this.where, "attachToServers needs at least one server id (Server.serverId)");
    for (const serverId of serverIds) {
      if (!isToken(serverId) && (!Number.isInteger(serverId) || serverId < 1)) {
        throw new ConstructPropsError(
          this.where,
          `attachToServers got ${show(serverId)}, not a server id; pass Server.serverId`,
        );
      }
    }
    this.attachedServerIds.push(...serverIds);
    if (this.attachment === undefined) {
      this.attachment = new firewallAttachment.FirewallAttachment(this, "attachment", {
        firewallId: this.firewallId,
        serverIds: [...this.attachedServerIds],
      });
      pinnedResource(this.attachment, this.baseName);
    } else {
      this.attachment.serverIds = [...this.attachedServerIds];
    }
    return this.attachment;
  }

  /** The rules declared so far, in order. */
  get rules(): readonly FirewallRuleSpec[] {
    return [...this.ruleList];
  }

  /** The label selectors declared so far. */
  get labelSelectors(): readonly string[] {
    return [...this.selectors];
  }

  private makeRule(direction: "in" | "out", ...[peers, protocol, port, description]: RuleArguments): FirewallRuleSpec {
    const what = direction === "in" ? "sources" : "destinations";
    const where =
      `${this.where}, ${direction === "in" ? "inbound" : "outbound"} ${show(protocol)} rule` +
      (description ? ` "${description}"` : "");
    if (!PROTOCOLS.includes(protocol)) {
      throw new ConstructPropsError(where, `protocol must be one of ${PROTOCOLS.join(", ")} (got ${show(protocol)})`);
    }
    if (!Array.isArray(peers) || peers.length === 0) {
      throw new ConstructPropsError(
        where,
        `${what} must list at least one CIDR block (got ${show(peers)}); use ANYWHERE for every address`,
      );
    }
    const seen = new Set<string>();
    for (const peer of peers) {
      if (isToken(peer)) continue;
      const cidr = parseCidr(peer);
      if (cidr === undefined) {
        const asIp = parseIp(peer);
        const hint =
          asIp !== undefined
            ? ` (a single address is "${peer}/${asIp.prefix}")`
            : ' (e.g. "192.0.2.0/24" or "2001:db8::/32")';
        throw new ConstructPropsError(where, `${what}: ${show(peer)} is not a CIDR block${hint}`);
      }
      if (!isNetworkAddress(cidr)) {
        throw new ConstructPropsError(
          where,
          `${what}: ${show(peer)} has host bits set; write "${formatCidr(networkOf(cidr))}" ` +
            `(or "/${cidr.family === "ipv4" ? 32 : 128}" for one address)`,
        );
      }
      if (seen.has(peer)) throw new ConstructPropsError(where, `${what}: ${show(peer)} is listed twice`);
      seen.add(peer);
    }
    const portText = port === undefined ? undefined : String(port);
    if (protocol === "tcp" || protocol === "udp") {
      if (portText === undefined) {
        throw new ConstructPropsError(where, `a ${protocol} rule needs a port: "443", a range "8000-8080", or "any"`);
      }
      if (!isToken(portText)) checkPort(where, portText);
    } else if (portText !== undefined) {
      throw new ConstructPropsError(
        where,
        `port ${show(port)} is only meaningful for tcp and udp, not ${protocol}; drop it`,
      );
    }
    if (description !== undefined && !isToken(description) && description.length > 255) {
      throw new ConstructPropsError(where, `description is ${description.length} characters long (at most 255)`);
    }
    return {
      direction,
      protocol,
      port: portText,
      sourceIps: direction === "in" ? [...peers] : undefined,
      destinationIps: direction === "out" ? [...peers] : undefined,
      description,
    };
  }

  private addRule(rule: FirewallRuleSpec): FirewallRuleSpec {
    const key = JSON.stringify([
      rule.direction,
      rule.protocol,
      rule.port,
      [...(rule.sourceIps ?? rule.destinationIps ?? [])].sort(),
    ]);
    if (this.ruleKeys.has(key)) {
      throw new ConstructPropsError(
        this.where,
        `the ${rule.direction === "in" ? "inbound" : "outbound"} ${rule.protocol}${rule.port ? ` ${rule.port}` : ""} ` +
          `rule for ${show(rule.sourceIps ?? rule.destinationIps)} is declared twice`,
      );
    }
    this.ruleKeys.add(key);
    this.ruleList.push(rule);
    this.firewall.putRule(this.ruleList.map((r) => ({ ...r, description: literal(r.description) })));
    return rule;
  }
}

function checkPort(where: string, port: string): void {
  if (port === "any") return;
  const match = /^([1-9][0-9]{0,4})(?:-([1-9][0-9]{0,4}))?$/.exec(port);
  const isRange = match?.[2] !== undefined;
  const low = match ? Number(match[1]) : NaN;
  const high = isRange ? Number(match?.[2]) : low;
  if (!match || low > 65535 || high > 65535 || (isRange && high <= low)) {
    throw new ConstructPropsError(
      where,
      `port ${show(port)} is not a port ("443"), an ascending range ("8000-8080") of ports 1 to 65535, or "any"`,
    );
  }
}
