// Hetzner's network rules, written once (primitives/network-rules.ts) and
// used by the description's checks and by the PrivateNetwork construct: each
// rule fed a bad value, with its message and what would be valid.
import { parseCidr, type Cidr } from "../../primitives/ip";
import {
  checkNetworkRange,
  checkRouteDestination,
  checkRouteGateway,
  checkSubnetRange,
  type Checked,
} from "../../primitives/network-rules";

const cidr = (text: string): Cidr => parseCidr(text)!;
const problem = <T>(checked: Checked<T>) => (checked.ok ? undefined : checked.problem);
const NET = cidr("10.20.0.0/16");

/** A range refused with `message`, naming the subnet or route it conflicts with (if any); returns the problem. */
function expectRefused<T>(checked: Checked<T>, message: string, conflict: unknown) {
  const p = problem(checked);
  expect(p?.message).toBe(message);
  expect(p?.conflict).toEqual(conflict);
  return p;
}

describe("network range", () => {
  test.each([
    ["10.20.0.0", 'network range "10.20.0.0" is not a CIDR range', "write 10.20.0.0/32 for a single address"],
    ["ten", 'network range "ten" is not a CIDR range', "e.g. 10.20.0.0/16"],
    ["10.20.1.0/16", 'network range "10.20.1.0/16" has host bits set', "did you mean 10.20.0.0/16?"],
    ["fd00::/8", "network range fd00::/8 is not IPv4", "private networks are IPv4 (RFC 1918), e.g. 10.20.0.0/16"],
    [
      "100.64.0.0/16",
      "network range 100.64.0.0/16 is not a private (RFC 1918) range",
      "use part of 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16",
    ],
    [
      "10.20.0.0/25",
      "network range 10.20.0.0/25 is too small (at most /24)",
      "Hetzner's minimum is a /24; a /16 leaves room to grow",
    ],
    [
      "172.16.0.0/12",
      "network range 172.16.0.0/12 contains 172.31.1.1, the default gateway of every Hetzner Cloud server",
      "choose another range, e.g. in 10.0.0.0/8",
    ],
  ])("%s is refused", (text, message, hint) => {
    expect(problem(checkNetworkRange(text))).toEqual({ message, hint });
  });

  test("a private /16 and a /24 are accepted, as parsed blocks", () => {
    expect(checkNetworkRange("10.20.0.0/16")).toEqual({ ok: true, value: NET });
    expect(checkNetworkRange(" 192.168.7.0/24 ")).toMatchObject({ ok: true, value: { text: "192.168.7.0/24" } });
  });
});

describe("subnet", () => {
  test.each([
    ["10.20.1.0/31", [], "subnet 10.20.1.0/31 is too small (at most /30)", undefined],
    ["10.30.1.0/24", [], "subnet 10.30.1.0/24 is outside its network's range 10.20.0.0/16", undefined],
    [
      "10.20.1.128/25",
      ["10.20.2.0/24", "10.20.1.0/24"],
      "subnet 10.20.1.128/25 overlaps subnet 10.20.1.0/24",
      { kind: "subnet", index: 1 },
    ],
    ["10.20.1.1/24", [], 'subnet "10.20.1.1/24" has host bits set', undefined],
  ])("%s is refused", (text, before, message, conflict) => {
    const p = expectRefused(checkSubnetRange(text, NET, before.map(cidr)), message, conflict);
    expect(p?.hint).toBeTruthy();
  });

  test(
    "inside the network and beside the others: accepted; without a " + "known network range, not compared with it",
    () => {
      expect(checkSubnetRange("10.20.3.0/24", NET, [cidr("10.20.1.0/24")]).ok).toBe(true);
      expect(checkSubnetRange("10.30.1.0/24", undefined, []).ok).toBe(true);
    },
  );
});

describe("route", () => {
  const subnets = [cidr("10.20.1.0/24")];

  test.each([
    ["10.20.0.0/16", [], "route destination 10.20.0.0/16 overlaps subnet 10.20.1.0/24", { kind: "subnet", index: 0 }],
    [
      "10.30.1.0/24",
      ["10.30.0.0/16"],
      "route destination 10.30.1.0/24 overlaps route 10.30.0.0/16",
      { kind: "route", index: 0 },
    ],
    ["2001:db8::/32", [], "route destination 2001:db8::/32 is not IPv4", undefined],
  ])("destination %s is refused", (text, before, message, conflict) => {
    expectRefused(checkRouteDestination(text, subnets, before.map(cidr)), message, conflict);
  });

  test.each([
    ["gw", 'route gateway "gw" is not an IPv4 address'],
    ["172.31.1.1", "route gateway 172.31.1.1 is Hetzner's public gateway"],
    ["10.21.0.10", "route gateway 10.21.0.10 is outside the network 10.20.0.0/16"],
    ["10.20.0.1", "route gateway 10.20.0.1 is the network's own router address"],
    ["10.20.2.10", "route gateway 10.20.2.10 is in no subnet of the network"],
  ])("gateway %s is refused", (text, message) => {
    expect(problem(checkRouteGateway(text, NET, subnets))?.message).toBe(message);
  });

  test("a gateway in a subnet is accepted; with the subnets unknown, only the network is checked", () => {
    expect(checkRouteGateway("10.20.1.10", NET, subnets)).toEqual({ ok: true, value: 0x0a14010an });
    expect(checkRouteGateway("10.20.2.10", NET, undefined).ok).toBe(true);
    expect(problem(checkRouteGateway("10.20.1.10", NET, []))?.hint).toBe("subnets: none");
  });
});
