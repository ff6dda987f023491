import { Construct } from "constructs";
import { type TerraformStack, TerraformVariable } from "cdktn";
import { PrivateNetwork, type PrivateNetworkProps } from "../../constructs";
import { LABELS, inFreshStack, labelledProtected, makeStack, resolveIn } from "../../testing/construct-stacks";
import { addressesOf, importsOf, resourcesOf, synth } from "../../testing/synth-json";
import { expectRefused, expectSchemaValid, expectSoleResource } from "../../testing/construct-expect";

const BASE: PrivateNetworkProps = { ipRange: "10.20.0.0/16", labels: LABELS };

function build(
  props: Partial<PrivateNetworkProps> = {},
  id = "internal",
): { stack: TerraformStack; net: PrivateNetwork; json: any } {
  const { stack, construct: net } = inFreshStack(PrivateNetwork, BASE, props, id);
  return { stack, net, json: synth(stack) };
}

describe("PrivateNetwork", () => {
  it("defaults: protected network, labelled, no subnets or routes", () => {
    const { json } = build();
    expectSoleResource(
      json,
      "hcloud_network",
      "internal",
      labelledProtected({ name: "internal", ip_range: "10.20.0.0/16" }),
    );
    expect(json.import).toBeUndefined();
  });

  it("synthesises schema-valid JSON with subnets and routes", () => {
    const { json } = build({
      subnets: [{ ipRange: "10.20.1.0/24" }, { ipRange: "10.20.2.0/24", name: "services" }],
      routes: [{ destination: "10.30.0.0/24", gateway: "10.20.1.10" }],
    });
    expectSchemaValid(json);
  });

  it("protect: false lifts delete protection and prevent_destroy (staging)", () => {
    const { json } = build({ protect: false });
    const net = resourcesOf(json, "hcloud_network").internal;
    expect({ delete_protection: net.delete_protection, lifecycle: net.lifecycle }).toEqual({
      delete_protection: false,
      lifecycle: { prevent_destroy: false },
    });
  });

  it("names subnets and routes after their ranges by default, or after the name given", () => {
    const { json } = build({
      subnets: [{ ipRange: "10.20.1.0/24" }, { ipRange: "10.20.2.0/24", name: "services" }],
      routes: [
        { destination: "10.30.0.0/24", gateway: "10.20.1.10" },
        { destination: "10.40.0.0/16", gateway: "10.20.1.11", name: "vpn" },
      ],
    });
    expect(addressesOf(json)).toEqual([
      "hcloud_network.internal",
      "hcloud_network_route.internal-route-10-30-0-0-24",
      "hcloud_network_route.internal-vpn",
      "hcloud_network_subnet.internal-10-20-1-0-24",
      "hcloud_network_subnet.internal-services",
    ]);
    expect(resourcesOf(json, "hcloud_network_subnet")["internal-10-20-1-0-24"]).toEqual({
      network_id: "${hcloud_network.internal.id}",
      type: "cloud",
      network_zone: "eu-central",
      ip_range: "10.20.1.0/24",
    });
    expect(resourcesOf(json, "hcloud_network_route")["internal-vpn"]).toEqual({
      network_id: "${hcloud_network.internal.id}",
      destination: "10.40.0.0/16",
      gateway: "10.20.1.11",
    });
  });

  it("addSubnet and addRoute return what they create; subnet ids feed server attachments", () => {
    const { net, stack } = build();
    const subnet = net.addSubnet({ ipRange: "10.20.1.0/24" });
    const route = net.addRoute({ destination: "10.30.0.0/24", gateway: "10.20.1.10" });
    expect(net.subnet("10-20-1-0-24")).toBe(subnet);
    expect([...net.subnets.keys()]).toEqual(["10-20-1-0-24"]);
    expect([...net.routes.values()]).toEqual([route]);
    expect(resolveIn(stack, subnet.id)).toBe("${hcloud_network_subnet.internal-10-20-1-0-24.id}");
    expect(resolveIn(stack, net.networkId)).toBe("${hcloud_network.internal.id}");
    expect(() => net.subnet("nope")).toThrow(
      'PrivateNetwork "internal": no subnet named "nope" (declared: 10-20-1-0-24)',
    );
  });

  it("passes name, network zone and vSwitch subnets through", () => {
    const { json } = build({
      name: "all2all-internal",
      networkZone: "eu-central",
      subnets: [{ ipRange: "10.20.8.0/24", type: "vswitch", vswitchId: 1234, name: "robot" }],
    });
    expect(resourcesOf(json, "hcloud_network").internal.name).toBe("all2all-internal");
    expect(resourcesOf(json, "hcloud_network_subnet")["internal-robot"]).toEqual({
      network_id: "${hcloud_network.internal.id}",
      type: "vswitch",
      vswitch_id: 1234,
      network_zone: "eu-central",
      ip_range: "10.20.8.0/24",
    });
  });

  it("keeps its addresses when nested", () => {
    const stack = makeStack();
    new PrivateNetwork(new Construct(stack, "net"), "internal", { ...BASE, subnets: [{ ipRange: "10.20.1.0/24" }] });
    expect(addressesOf(synth(stack))).toEqual([
      "hcloud_network.internal",
      "hcloud_network_subnet.internal-10-20-1-0-24",
    ]);
  });

  it("adopts an existing network with an import block", () => {
    expect(importsOf(build({ importId: "4711" }).json)).toEqual([{ to: "hcloud_network.internal", id: "4711" }]);
  });

  it("skips range checks for tokens", () => {
    const stack = makeStack();
    const range = new TerraformVariable(stack, "range", { type: "string" }).stringValue;
    const net = new PrivateNetwork(stack, "internal", { ...BASE, ipRange: range });
    net.addSubnet({ ipRange: "10.20.1.0/24" });
    expect(() => net.addSubnet({ ipRange: range })).toThrow("a subnet whose ipRange is a token needs a name");
    net.addSubnet({ ipRange: range, name: "dynamic" });
    expectSchemaValid(synth(stack));
  });

  describe("labels", () => {
    it("fails on an invalid label", () => {
      expectRefused(build, [
        [
          { labels: { "role/": "x" } },
          'PrivateNetwork "internal": labels: label key "role/" has an empty name after its prefix',
        ],
        [{ labels: { role: "-x" } }, 'PrivateNetwork "internal": labels: label "role": label value "-x" must be empty'],
      ]);
    });
  });

  describe("validation", () => {
    it("fails on a range that is not an IPv4 CIDR block", () => {
      expectRefused(build, [
        [
          { ipRange: "10.20.0.0" },
          'PrivateNetwork "internal": ipRange: network range "10.20.0.0" is not a ' +
            "CIDR range; write 10.20.0.0/32 for a single address",
        ],
        [
          { ipRange: "fd00::/8" },
          "ipRange: network range fd00::/8 is not IPv4; private networks are IPv4 (RFC 1918), e.g. 10.20.0.0/16",
        ],
      ]);
    });

    it("fails on host bits in the range, suggesting the network address", () => {
      expect(() => build({ ipRange: "10.20.1.0/16" })).toThrow(
        'PrivateNetwork "internal": ipRange: network range "10.20.1.0/16" ' +
          "has host bits set; did you mean 10.20.0.0/16?",
      );
    });

    it("fails on a public or too small range", () => {
      expect(() => build({ ipRange: "192.0.2.0/24" })).toThrow(
        "ipRange: network range 192.0.2.0/24 is not a private (RFC 1918) range; use " +
          "part of 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16",
      );
      expect(() => build({ ipRange: "10.20.0.0/25" })).toThrow(
        "ipRange: network range 10.20.0.0/25 is too small (at most /24); Hetzner's minimum is a /24",
      );
    });

    it("fails on subnets outside the range or overlapping", () => {
      expect(() => build({ subnets: [{ ipRange: "10.30.1.0/24" }] })).toThrow(
        'PrivateNetwork "internal", subnet "10-30-1-0-24": ipRange: subnet 10.30.1.0/24 is outside its ' +
          "network's range 10.20.0.0/16; pick a block inside it, or widen the network",
      );
      expect(() => build({ subnets: [{ ipRange: "10.20.0.0/23" }, { ipRange: "10.20.1.0/24" }] })).toThrow(
        'PrivateNetwork "internal", subnet "10-20-1-0-24": ipRange: subnet 10.20.1.0/24 overlaps ' +
          'subnet 10.20.0.0/23 ("10-20-0-0-23"); subnets of a network may not overlap',
      );
      expect(() => build({ subnets: [{ ipRange: "10.20.1.1/24" }] })).toThrow(
        'ipRange: subnet "10.20.1.1/24" has host bits set; did you mean 10.20.1.0/24?',
      );
      expect(() => build({ subnets: [{ ipRange: "10.20.1.0/24" }, { ipRange: "10.20.1.0/24" }] })).toThrow(
        'the subnet "10-20-1-0-24" is declared twice',
      );
    });

    it("fails on network zones: unknown, or mixed within one network", () => {
      expectRefused(build, [
        [
          { networkZone: "eu-west" as never },
          'PrivateNetwork "internal": networkZone "eu-west" is not a Hetzner network ' +
            "zone (eu-central, us-east, us-west, ap-southeast)",
        ],
        [
          { subnets: [{ ipRange: "10.20.1.0/24" }, { ipRange: "10.20.2.0/24", networkZone: "us-east" }] },
          'networkZone "us-east" differs from subnet "10-20-1-0-24" ' +
            '("eu-central"): all subnets of a network share one network zone',
        ],
      ]);
    });

    it("fails on vSwitch subnets without an id, and ids without vSwitch", () => {
      expectRefused(build, [
        [
          { subnets: [{ ipRange: "10.20.1.0/24", type: "vswitch" }] },
          'type "vswitch" needs vswitchId (the Robot vSwitch id)',
        ],
        [{ subnets: [{ ipRange: "10.20.1.0/24", vswitchId: 1 }] }, 'vswitchId is only meaningful with type "vswitch"'],
      ]);
    });

    it("fails on routes whose gateway is outside the network, its first address or Hetzner's gateway", () => {
      expectRefused(build, [
        [
          { routes: [{ destination: "10.30.0.0/24", gateway: "10.21.0.10" }] },
          'PrivateNetwork "internal", route "route-10-30-0-0-24": gateway: route ' +
            "gateway 10.21.0.10 is outside the network 10.20.0.0/16",
        ],
        [
          { routes: [{ destination: "10.30.0.0/24", gateway: "10.20.0.1" }] },
          "gateway: route gateway 10.20.0.1 is the network's own router address",
        ],
        [
          { routes: [{ destination: "10.30.0.0/24", gateway: "gw" }] },
          'gateway: route gateway "gw" is not an IPv4 address',
        ],
      ]);
    });

    it("fails on route destinations that are not blocks, cover a subnet or overlap another route", () => {
      expect(() => build({ routes: [{ destination: "10.30.0.1", gateway: "10.20.1.10" }] })).toThrow(
        'destination: route destination "10.30.0.1" is not a CIDR range; write 10.30.0.1/32 for a single address',
      );
      expect(() =>
        build({
          subnets: [{ ipRange: "10.20.1.0/24" }],
          routes: [{ destination: "10.20.0.0/16", gateway: "10.20.1.10" }],
        }),
      ).toThrow(
        "destination: route destination 10.20.0.0/16 overlaps subnet 10.20.1.0/24 " +
          '("10-20-1-0-24"); a route cannot cover a subnet of its network',
      );
      expect(() =>
        build({
          routes: [
            { destination: "10.30.0.0/16", gateway: "10.20.1.10" },
            { destination: "10.30.1.0/24", gateway: "10.20.1.10" },
          ],
        }),
      ).toThrow('destination: route destination 10.30.1.0/24 overlaps route 10.30.0.0/16 ("route-10-30-0-0-16")');
    });

    it("fails on a construct id or import id that cannot be used", () => {
      expect(() => build({}, "Internal Net")).toThrow(
        'PrivateNetwork "Internal Net": the construct id "Internal Net" is not a valid name',
      );
      expect(() => build({ importId: "abc" })).toThrow('PrivateNetwork "internal": importId "abc" is not a Hetzner id');
    });
  });
});
