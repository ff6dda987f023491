/** New public IPv4 addresses: a primary or floating IP, a server that gets one (auto-created or enabled). */
import type { Reason } from "../change-types";
import { isPlainObject } from "../values";
import type { Body, ResourcePair } from "./common";

/** The server's public_net blocks (a list, or one block as an object; none when absent). */
function publicNetBlocks(server: Body): readonly unknown[] {
  const net = server.public_net;
  if (Array.isArray(net)) return net;
  return isPlainObject(net) ? [net] : [];
}

/** True when the server has a public IPv4 at all (the provider creates one when public_net is absent). */
function hasIpv4(server: Body | undefined): boolean {
  if (server === undefined) return false;
  const blocks = publicNetBlocks(server);
  if (blocks.length === 0) return true;
  return blocks.some((b) => isPlainObject(b) && b.ipv4_enabled !== false);
}

/** True when the server's public IPv4 is auto-created (no primary IP id given), so it dies with the server. */
function hasAutoIpv4(server: Body | undefined, unknown: (attribute: string) => boolean = () => false): boolean {
  if (server === undefined) return false;
  const blocks = publicNetBlocks(server);
  if (blocks.length === 0) return true;
  return blocks.some(
    (b) =>
      isPlainObject(b) &&
      b.ipv4_enabled !== false &&
      (b.ipv4 === undefined || b.ipv4 === null || b.ipv4 === 0) &&
      !unknown("public_net.ipv4"),
  );
}

/** A new public IPv4 address: a new IPv4 primary or floating IP, or a server that gets one it did not have. */
export function publicIpv4Reasons(pair: ResourcePair, unknown?: (attribute: string) => boolean): Reason[] {
  const { type, before, after, action } = pair;
  if (after === undefined || action === "import" || action === "delete" || action === "forget") return [];
  const created = action === "create";
  if (type === "hcloud_primary_ip" || type === "hcloud_floating_ip") {
    const what = type === "hcloud_primary_ip" ? "primary IP" : "floating IP";
    if (after.type === "ipv4" && (created || before?.type !== "ipv4")) {
      return [
        {
          class: "public-ipv4",
          attribute: "type",
          message:
            `a new public IPv4 address (${what}): IPv4 addresses are scarce and billed; ` +
            `check the role needs one (docs/policies.md, public-ipv4-role)`,
        },
      ];
    }
    return [];
  }
  if (type !== "hcloud_server") return [];
  if (created) {
    return hasAutoIpv4(after, unknown)
      ? [
          {
            class: "public-ipv4",
            attribute: "public_net",
            message:
              "the new server gets an auto-created public IPv4 (no primary IP linked in " +
              "public_net): a new address, and one that dies with the server",
          },
        ]
      : [];
  }
  if (!hasIpv4(before) && hasIpv4(after)) {
    return [
      {
        class: "public-ipv4",
        attribute: "public_net.ipv4_enabled",
        message: "the server gets a public IPv4 it did not have",
      },
    ];
  }
  if (!hasAutoIpv4(before) && hasAutoIpv4(after, unknown) && hasIpv4(before)) {
    return [
      {
        class: "public-ipv4",
        attribute: "public_net.ipv4",
        message:
          "the server's linked primary IPv4 is replaced by an auto-created one: a " +
          "new address, and one that dies with the server",
      },
    ];
  }
  return [];
}
