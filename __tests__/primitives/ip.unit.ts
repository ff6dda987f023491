// primitives/ip.ts: the one model of addresses and blocks (the simulator's networks and firewalls use it too).
import { parseCidr, parseIpv6 } from "../../primitives/ip";

test("parses IPv4 and IPv6 blocks and tells whether host bits are set", () => {
  expect(parseCidr("10.20.0.0/16")).toEqual({
    family: "ipv4",
    address: BigInt(0x0a140000),
    base: BigInt(0x0a140000),
    prefix: 16,
    hostBitsSet: false,
    text: "10.20.0.0/16",
  });
  expect(parseCidr("10.20.0.1/16")).toMatchObject({ hostBitsSet: true, text: "10.20.0.0/16" });
  expect(parseCidr("2001:db8:a11::/48")).toMatchObject({ family: "ipv6", prefix: 48, hostBitsSet: false });
  expect(parseCidr("2001:db8:a11::1/48")?.hostBitsSet).toBe(true);
  expect(parseCidr("::/0")).toMatchObject({ family: "ipv6", base: 0n, hostBitsSet: false });
  expect(parseIpv6("::ffff:192.0.2.1")).toBe((0xffffn << 32n) | 0xc0000201n);
});

test.each([
  "10.20.0.0",
  "10.20.0.0/33",
  "10.256.0.0/16",
  "010.1.0.0/16",
  "2001:db8::/129",
  "1::2::3/64",
  "gggg::/16",
  "1:2:3:4:5:6:7:8:9/64",
])("%s is not a block", (bad) => {
  expect(parseCidr(bad)).toBeUndefined();
});
