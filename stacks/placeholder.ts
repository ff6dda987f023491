/**
 * A small stand-in network (one private network, one firewall, one server)
 * that exercises synth and validate until the network description in
 * config/ is mapped onto stacks.
 */
import { Construct } from "constructs";
import { Token } from "cdktn";
import { firewall, network, networkSubnet, server, serverNetwork } from "../.gen/providers/hcloud";
import { HcloudStack } from "./hcloud-stack";

export class PlaceholderStack extends HcloudStack {
  constructor(scope: Construct, environment: string, localStateDir?: string) {
    super(scope, { environment, concern: "example", localStateDir });

    const net = new network.Network(this, "internal", {
      name: "internal",
      ipRange: "10.20.0.0/16",
      labels: this.labels({ role: "network" }),
    });
    const subnet = new networkSubnet.NetworkSubnet(this, "internal-servers", {
      networkId: Token.asNumber(net.id),
      type: "cloud",
      networkZone: "eu-central",
      ipRange: "10.20.1.0/24",
    });

    const fw = new firewall.Firewall(this, "web", {
      name: "web",
      labels: this.labels({ role: "web" }),
      rule: [
        { direction: "in", protocol: "tcp", port: "443", sourceIps: ["0.0.0.0/0", "::/0"], description: "HTTPS" },
        { direction: "in", protocol: "tcp", port: "22", sourceIps: ["192.0.2.0/24"], description: "SSH from admins (placeholder range)" },
      ],
    });

    const web = new server.Server(this, "web-1", {
      name: "web-1",
      serverType: "cx22",
      image: "debian-13",
      location: "fsn1",
      firewallIds: [Token.asNumber(fw.id)],
      labels: this.labels({ role: "web" }),
      deleteProtection: false,
      rebuildProtection: false,
      lifecycle: { ignoreChanges: ["image", "ssh_keys", "user_data"] },
    });

    new serverNetwork.ServerNetworkA(this, "web-1-internal", {
      serverId: Token.asNumber(web.id),
      subnetId: subnet.id,
      ip: "10.20.1.10",
    });
  }
}
