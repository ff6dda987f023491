import * as fc from "fast-check";
import { Construct } from "constructs";
import type { TerraformStack } from "cdktn";
import * as network from "../../.gen/providers/hcloud/network";
import {
  NAME_PATTERN,
  checkLabels,
  cidrContains,
  formatCidr,
  formatAddress,
  kebabGuess,
  labelKeyProblem,
  labelValueProblem,
  parseCidr,
  parseIpv4,
  parseIpv6,
  pinAddress,
  protectedLifecycle,
  sensitiveVariable,
} from "../../constructs";
import { makeStack } from "../../testing/construct-stacks";
import { addressesOf, synth } from "../../testing/synth-json";

function networkIn(scope: Construct, id: string): network.Network {
  return new network.Network(scope, id, { name: id, ipRange: "10.0.0.0/16" });
}

describe("addresses (why every resource is pinned)", () => {
  it("cdktn names a nested resource after its path with a hash suffix", () => {
    const stack = makeStack();
    networkIn(new Construct(stack, "internal"), "network");
    expect(addressesOf(synth(stack))).toEqual([
      expect.stringMatching(/^hcloud_network\.internal_network_[0-9A-F]{8}$/),
    ]);
  });

  it('cdktn keeps the parent\'s name for a child "Default", but only directly under the stack', () => {
    const stack = makeStack();
    networkIn(new Construct(stack, "internal"), "Default");
    networkIn(new Construct(new Construct(stack, "group"), "other"), "Default");
    expect(addressesOf(synth(stack))).toEqual([
      expect.stringMatching(/^hcloud_network\.group_other_[0-9A-F]{8}$/),
      "hcloud_network.internal",
    ]);
  });

  it("pinAddress gives a fixed name wherever the resource sits", () => {
    const stack = makeStack();
    pinAddress(networkIn(new Construct(new Construct(stack, "a"), "b"), "network"), "internal");
    expect(addressesOf(synth(stack))).toEqual(["hcloud_network.internal"]);
  });

  it("pinAddress refuses a second resource with the same address, and invalid names", () => {
    const stack = makeStack();
    pinAddress(networkIn(new Construct(stack, "a"), "network"), "internal");
    expect(() => pinAddress(networkIn(new Construct(stack, "b"), "network"), "internal")).toThrow(
      "test/b/network: the address hcloud_network.internal is already used in stack " +
        '"test" by test/a/network; give one of the two another name',
    );
    expect(() => pinAddress(networkIn(stack, "c"), "1-internal")).toThrow(
      'test/c: "1-internal" is not a valid Terraform name',
    );
  });

  it("the same address in two stacks is fine", () => {
    const app = makeStack("one").node.scope as Construct;
    pinAddress(networkIn(makeStack("two", app as never), "n"), "internal");
    pinAddress(networkIn(makeStack("three", app as never), "n"), "internal");
  });
});

describe("labels", () => {
  it.each([
    ["role", "web"],
    ["managed-by", "all2all-infra"],
    ["all2all.org/service", "mail"],
    ["a", ""],
    ["A.b_c-D", "X.y_z-1"],
    ["k".repeat(63), "v".repeat(63)],
    [`${"p".repeat(60)}.example/${"n".repeat(63)}`, "x"],
  ])("accepts %s=%s", (key, value) => {
    expect(labelKeyProblem(key)).toBeUndefined();
    expect(labelValueProblem(value)).toBeUndefined();
  });

  it.each([
    ["", "label key is empty"],
    ["all2all.org/", 'label key "all2all.org/" has an empty name after its prefix'],
    [
      "-role",
      'label key "-role" must start and end with a letter or digit, with ' +
        'only letters, digits, "-", "_" and "." between',
    ],
    ["role-", 'label key "role-" must start and end'],
    ["ro le", 'label key "ro le" must start and end'],
    ["all2all.org/ro le", 'label key "all2all.org/ro le": its name "ro le" must start and end'],
    ["k".repeat(64), `label key "${"k".repeat(64)}" is 64 characters long (at most 63)`],
    ["/role", 'label key "/role": its prefix "" must be a DNS subdomain'],
    ["Example.org/role", 'label key "Example.org/role": its prefix "Example.org" must be a DNS subdomain'],
    ["hetzner.cloud/role", 'label key "hetzner.cloud/role": its prefix "hetzner.cloud" is reserved by Hetzner'],
    ["lb.hetzner.cloud/role", 'its prefix "lb.hetzner.cloud" is reserved by Hetzner'],
  ])("refuses the key %j", (key, problem) => {
    expect(labelKeyProblem(key)).toContain(problem);
  });

  it.each([
    [
      "-web",
      'label value "-web" must be empty or start and end with a letter or digit, ' +
        'with only letters, digits, "-", "_" and "." between',
    ],
    ["web server", 'label value "web server" must be empty'],
    ["x".repeat(64), "label value is 64 characters long (at most 63)"],
  ])("refuses the value %j", (value, problem) => {
    expect(labelValueProblem(value)).toContain(problem);
  });

  it("checkLabels returns a copy and names the construct in its errors", () => {
    const given = { role: "web" };
    const copy = checkLabels('Thing "x"', given);
    expect(copy).toEqual(given);
    expect(copy).not.toBe(given);
    expect(() => checkLabels('Thing "x"', { role: 1 as never })).toThrow(
      'Thing "x": labels: the value of label "role" must be a string (got 1)',
    );
    expect(() => checkLabels('Thing "x"', ["role"] as never)).toThrow(
      'Thing "x": labels must be an object of string keys and values (got ["role"])',
    );
  });
});

describe("names", () => {
  it("kebabGuess suggests a valid name (property)", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (input) => {
        const guess = kebabGuess(input);
        if (guess !== undefined) expect(guess).toMatch(NAME_PATTERN);
      }),
    );
    expect(kebabGuess("Web_1")).toBe("web-1");
  });
});

describe("protection and secrets", () => {
  it("protectedLifecycle pairs prevent_destroy with the ignored attributes", () => {
    expect(protectedLifecycle(true)).toEqual({ preventDestroy: true });
    expect(protectedLifecycle(false, ["ssh_keys"])).toEqual({ preventDestroy: false, ignoreChanges: ["ssh_keys"] });
  });

  it("sensitiveVariable declares one sensitive variable at the top of the stack and shares it", () => {
    const stack = makeStack();
    const inner = new Construct(new Construct(stack, "a"), "b");
    const first = sensitiveVariable(inner, "secret_one", "a secret");
    expect(sensitiveVariable(stack, "secret_one", "again")).toBe(first);
    expect(first.node.scope).toBe(stack);
    expect(synth(stack).variable).toEqual({
      secret_one: { type: "string", sensitive: true, nullable: false, description: "a secret" },
    });
    expect(() => sensitiveVariable(stack, "secret-two", "x")).toThrow(
      'variable name "secret-two" must be letters, digits and "_" (it is set as TF_VAR_secret-two)',
    );
  });
});

describe("ip", () => {
  it("parses strict IPv4 and IPv6", () => {
    expect(parseIpv4("192.0.2.1")).toBe(0xc0000201n);
    for (const bad of ["192.0.2", "192.0.2.256", "01.2.3.4", "1.2.3.4.5", "", "a.b.c.d"])
      expect(parseIpv4(bad)).toBeUndefined();
    expect(parseIpv6("::")).toBe(0n);
    expect(parseIpv6("2001:db8::1")).toBe(0x20010db8000000000000000000000001n);
    expect(parseIpv6("::ffff:192.0.2.1")).toBe(0xffffc0000201n);
    for (const bad of [
      "2001:db8::1::2",
      "2001:db8:1:2:3:4:5:6:7",
      "12345::",
      "2001:db8::g",
      "fe80::1%eth0",
      ":",
      "1:2:3:4:5:6:7::8",
    ])
      expect(parseIpv6(bad)).toBeUndefined();
  });

  it("formats IPv6 as RFC 5952 and round-trips (property)", () => {
    expect(formatAddress("ipv6", 0x20010db8000000000000000000000001n)).toBe("2001:db8::1");
    expect(formatAddress("ipv6", 0n)).toBe("::");
    expect(formatAddress("ipv6", 0x20010db8000100000000000100000000n)).toBe("2001:db8:1::1:0:0");
    const v6 = fc.bigInt({ min: 0n, max: (1n << 128n) - 1n });
    fc.assert(fc.property(v6, (address) => expect(parseIpv6(formatAddress("ipv6", address))).toBe(address)));
    const v4 = fc.bigInt({ min: 0n, max: (1n << 32n) - 1n });
    fc.assert(fc.property(v4, (address) => expect(parseIpv4(formatAddress("ipv4", address))).toBe(address)));
  });

  it("parses CIDR blocks and tests containment", () => {
    const net = parseCidr("10.20.0.0/16")!;
    expect(formatCidr(net)).toBe("10.20.0.0/16");
    expect(cidrContains(net, parseCidr("10.20.1.0/24")!)).toBe(true);
    expect(cidrContains(net, parseCidr("10.21.0.0/24")!)).toBe(false);
    expect(cidrContains(net, parseCidr("10.0.0.0/8")!)).toBe(false);
    expect(cidrContains(parseCidr("::/0")!, parseCidr("10.0.0.0/8")!)).toBe(false);
    for (const bad of ["10.0.0.0", "10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/08", "::/129", "10.0.0.0/8/8"])
      expect(parseCidr(bad)).toBeUndefined();
  });
});

describe("TerraformStack helper", () => {
  it("makeStack gives each test a fresh stack with the provider", () => {
    const stack: TerraformStack = makeStack("x");
    expect(synth(stack).provider).toEqual({ hcloud: [{}] });
  });
});

describe("literal text (Terraform's template syntax escaped)", () => {
  const { literal } = jest.requireActual("../../constructs/common") as typeof import("../../constructs/common.js");
  test("escapes ${ and %{ so that the engine passes them on unchanged", () => {
    expect(literal("v=DKIM1; p=${key}")).toBe("v=DKIM1; p=$${key}");
    expect(literal("%{ if x }y%{ endif }")).toBe("%%{ if x }y%%{ endif }");
    // Already-escaped text is escaped again: the person meant those characters too.
    expect(literal("$${x} %%{y}")).toBe("$$${x} %%%{y}");
    expect(literal("no template here: $HOME 100% {x}")).toBe("no template here: $HOME 100% {x}");
    expect(literal(undefined)).toBeUndefined();
  });
  test("keeps the references cdktn embeds in a text", () => {
    const { Token } = jest.requireActual("cdktn") as typeof import("cdktn");
    const ref = Token.asString({ resolve: () => "x" });
    expect(ref).toMatch(/^\$\{TfToken\[/);
    expect(literal(`ip4:${ref} \${not-a-ref}`)).toBe(`ip4:${ref} $\${not-a-ref}`);
  });
  test("synthesised record values and comments carry the escapes", () => {
    const { DnsZone } = jest.requireActual("../../constructs") as typeof import("../../constructs/index.js");
    const stack = makeStack();
    const zone = new DnsZone(stack, "zone", {
      name: "example.org",
      mode: "primary",
      labels: { "managed-by": "test" },
    } as any);
    zone.addRecordSet({
      name: "@",
      type: "TXT",
      records: [{ value: "say ${hello} and %{world}", comment: "a ${comment}" }],
    });
    const out = JSON.stringify(synth(stack));
    expect(out).toContain("a $${comment}");
    expect(out).toContain("$${hello}");
    expect(out).toContain("%%{world}");
    expect(out).not.toMatch(/[^$]\$\{hello\}/);
  });
});
