/**
 * A server's attachments to private networks: known networks, each once, in
 * the server's network zone, and fixed IPs inside a subnet, not its network,
 * broadcast or router address, and not taken by another server.
 */
import { suggestionHint, type NetworkZone } from "../catalogue";
import type { Description } from "../schema";
import { cidrContains, lastAddress, parseIpv4 } from "../../primitives/ip";
import { formatPath, type PathSegment } from "../problems";
import type { CheckContext } from "./context";
import type { NetworkInfo, Networks } from "./networks";

type ServerInput = Description["servers"][number];

/** Checks `servers[i].networks`; `takenIps` holds the fixed IPs of the servers before, by network. */
export function checkAttachments(
  ctx: CheckContext,
  networks: Networks,
  takenIps: Map<string, PathSegment[]>,
  server: ServerInput,
  path: readonly PathSegment[],
  where: { location: string; zone: NetworkZone },
): void {
  const { r } = ctx;
  const attached = new Map<string, number>();
  server.networks.forEach((attachment, j) => {
    const attachPath = [...path, "networks", j];
    const info = networks.info.get(attachment.network);
    if (!info) {
      r.report(
        [...attachPath, "network"],
        `unknown network "${attachment.network}"`,
        suggestionHint(attachment.network, [...networks.names.keys()], "networks"),
      );
      return;
    }
    const previous = attached.get(attachment.network);
    if (previous !== undefined) {
      r.report(
        [...attachPath, "network"],
        `server ${server.name} is attached to network ${attachment.network} twice (networks[${previous}])`,
      );
      return;
    }
    attached.set(attachment.network, j);
    if (info.zone !== where.zone) {
      r.report(
        [...attachPath, "network"],
        `network ${attachment.network} is in zone ${info.zone}, but server ${server.name} is in ` +
          `${where.location} (${where.zone})`,
        "a server can only join networks of its location's network zone",
      );
    }
    if (attachment.ip === undefined) return;
    checkFixedIp(ctx, info, takenIps, { network: attachment.network, ip: attachment.ip }, [...attachPath, "ip"]);
  });
}

/** One fixed IP of an attachment. */
function checkFixedIp(
  ctx: CheckContext,
  info: NetworkInfo,
  takenIps: Map<string, PathSegment[]>,
  attachment: { network: string; ip: string },
  ipPath: PathSegment[],
): void {
  const { r } = ctx;
  const value = parseIpv4(attachment.ip.trim());
  if (value === undefined) {
    r.report(ipPath, `fixed IP "${attachment.ip}" is not an IPv4 address`);
    return;
  }
  const address = { family: "ipv4" as const, value };
  const subnet = info.subnets.find((s) => cidrContains(s, address));
  if (!subnet) {
    r.report(
      ipPath,
      `fixed IP ${attachment.ip} is outside the subnets of network ${attachment.network}`,
      `subnets: ${info.subnets.map((s) => s.text).join(", ") || "none"}`,
    );
    return;
  }
  if (value === subnet.base || value === lastAddress(subnet)) {
    r.report(
      ipPath,
      `fixed IP ${attachment.ip} is the ${value === subnet.base ? "network" : "broadcast"} address ` +
        `of subnet ${subnet.text}`,
    );
    return;
  }
  if (info.range && value === info.range.base + 1n) {
    r.report(
      ipPath,
      `fixed IP ${attachment.ip} is the network's router address`,
      "Hetzner uses the first address of the network",
    );
    return;
  }
  const key = `${attachment.network}/${value}`;
  const taken = takenIps.get(key);
  if (taken) {
    r.report(
      ipPath,
      `fixed IP ${attachment.ip} is already taken by ${formatPath(taken)} (${r.where(taken, ipPath)})`,
      "each fixed IP belongs to one server",
    );
    return;
  }
  takenIps.set(key, ipPath);
}
