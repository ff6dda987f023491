// Suppressions from config: matched by rule and resource, kept in the report
// with their reason, written into the synthesised JSON's metadata; refused
// for rules that guard secrets and destruction; reported when unused.
import * as fs from "node:fs";
import * as path from "node:path";
import stringify from "safe-stable-stringify";
import { validateStack } from "../../validate";
import { appendSuppressions, findingAt, findingsOf, PRODUCTION, synthEdited } from "../../testing/policies";
import { hcloudSchemas } from "../../testing/construct-expect";

const REASON = "The floating IPv4 is a failover address that config cannot name in a record yet.";

test(
  "a suppression turns a finding off, keeps it with its reason, and " + "writes it into the resource's JSON metadata",
  () => {
    const { findings, stacks } = synthEdited(
      (ws) =>
        appendSuppressions(ws, "environments/production.yaml", [
          { rule: "rdns-forward-floating", resource: "server/web-1", reason: REASON },
        ]),
      PRODUCTION,
    );
    expect(findingsOf(findings, "rdns-forward-floating")).toEqual([
      expect.objectContaining({
        severity: "warning",
        address: "hcloud_floating_ip.web-1-floating-ipv4",
        subject: "server/web-1",
        suppressed: { reason: REASON },
      }),
    ]);
    expect(findingsOf(findings, "suppression-unused")).toEqual([]);
    const servers = stacks.get("production-servers");
    expect(servers.resource.hcloud_floating_ip["web-1-floating-ipv4"]["//"]).toEqual({
      metadata: { path: "production-servers/web-1/floating-ipv4", uniqueId: "web-1-floating-ipv4" },
      policy_suppressions: [{ rule: "rdns-forward-floating", reason: REASON }],
    });
    const annotated = [...stacks.entries()].flatMap(([stack, tf]) =>
      Object.entries(tf.resource ?? {}).flatMap(([type, byName]) =>
        Object.entries(byName as object)
          .filter(([, body]) => body["//"]?.policy_suppressions)
          .map(([name]) => `${stack} ${type}.${name}`),
      ),
    );
    expect(annotated).toEqual(["production-servers hcloud_floating_ip.web-1-floating-ipv4"]);
    for (const [name, tf] of stacks)
      expect({ name, problems: validateStack(name, tf, hcloudSchemas()) }).toEqual({ name, problems: [] });
  },
);

test("the stack holding a suppression is written again in cdktn's own format: sorted keys, two-space indent", () => {
  const texts = new Map<string, string>();
  synthEdited(
    (ws) =>
      appendSuppressions(ws, "environments/production.yaml", [
        { rule: "rdns-forward-floating", resource: "server/web-1", reason: REASON },
      ]),
    {
      ...PRODUCTION,
      inspect: (_run, outdir) => {
        for (const stack of ["production-servers", "production-dns"])
          texts.set(stack, fs.readFileSync(path.join(outdir, "stacks", stack, "cdk.tf.json"), "utf8"));
      },
    },
  );
  const servers = texts.get("production-servers")!;
  expect(servers).toContain(`"policy_suppressions": [`);
  // Written again: byte for byte what cdktn's serializer makes of the same document.
  expect(servers).toBe(stringify(JSON.parse(servers), null, 2));
  expect(servers.split("\n").slice(0, 3)).toEqual(["{", '  "//": {', '    "metadata": {']);
  // A stack without suppressions is left as cdktn wrote it, in the same format.
  const dns = texts.get("production-dns")!;
  expect(dns).not.toContain("policy_suppressions");
  expect(dns).toBe(stringify(JSON.parse(dns), null, 2));
});

test("several suppressions on one resource are all written, sorted by rule", () => {
  const { findings, stacks } = synthEdited((ws) => {
    ws.replace("config/network.yaml", "    role: dns\n", "    role: monitoring\n");
    appendSuppressions(ws, "network.yaml", [
      {
        rule: "public-ipv4-role",
        resource: "server/ns-1",
        reason: "Hetzner's secondaries transfer the zones over IPv4 too.",
      },
      {
        rule: "firewall-public-port-role",
        resource: "server/ns-1",
        reason: "The monitoring host also serves the hidden primary zone.",
      },
    ]);
  }, PRODUCTION);
  expect(findings.filter((f) => f.subject === "server/ns-1").map((f) => [f.rule, f.suppressed?.reason])).toEqual([
    ["firewall-public-port-role", "The monitoring host also serves the hidden primary zone."],
    ["public-ipv4-role", "Hetzner's secondaries transfer the zones over IPv4 too."],
  ]);
  expect(stacks.get("production-servers").resource.hcloud_server["ns-1"]["//"].policy_suppressions).toEqual([
    { rule: "firewall-public-port-role", reason: "The monitoring host also serves the hidden primary zone." },
    { rule: "public-ipv4-role", reason: "Hetzner's secondaries transfer the zones over IPv4 too." },
  ]);
});

test("a zone is matched whatever the case and final dot of its name in the suppression", () => {
  const { findings } = synthEdited((ws) => {
    ws.replace(
      "config/dns.yaml",
      `      - { name: "@", type: CAA, values: ['0 issue "letsencrypt.org"', ` +
        `'0 iodef "mailto:hostmaster@all2all.org"'] }\n`,
      "",
    );
    appendSuppressions(ws, "dns.yaml", [
      {
        rule: "dns-caa",
        resource: "zone/Exemple-ASBL.be.",
        reason: "The association's own CA policy is being decided this month.",
      },
    ]);
  }, PRODUCTION);
  expect(findingsOf(findings, "dns-caa")).toEqual([
    expect.objectContaining({
      subject: "zone/exemple-asbl.be",
      suppressed: { reason: "The association's own CA policy is being decided this month." },
    }),
  ]);
});

test(
  "a rule that guards destruction or secrets refuses suppression: the " +
    "finding stays and the suppression is an error",
  () => {
    const { findings, stacks } = synthEdited(
      (ws) =>
        appendSuppressions(ws, "environments/production.yaml", [
          {
            rule: "protect-stateful",
            resource: "server/web-1",
            reason: "We want to delete this server next week anyway.",
          },
          {
            rule: "no-literal-secret",
            resource: "server/web-1",
            reason: "The token in user data is only a test token.",
          },
        ]),
      {
        ...PRODUCTION,
        extend: ({ environments }) => {
          environments[0]!.server("web-1").server.deleteProtection = false;
        },
      },
    );
    expect(findingsOf(findings, "protect-stateful")).toEqual([
      expect.objectContaining({ severity: "error", address: "hcloud_server.web-1" }),
    ]);
    expect(findingsOf(findings, "protect-stateful")[0]!.suppressed).toBeUndefined();
    expect(findingsOf(findings, "suppression-invalid")).toEqual(
      [
        ["no-literal-secret", "guards secrets"],
        ["protect-stateful", "guards against destruction"],
      ].map(([rule, guard]) =>
        findingAt(
          "suppression-invalid",
          "error",
          { stack: "production", address: "", subject: "server/web-1" },
          `the suppression of ${rule} for server/web-1 in environment production is invalid: rule ${rule} ${guard} ` +
            "and cannot be suppressed: fix what it reports instead; remove it from config (suppressions).",
        ),
      ),
    );
    expect(findingsOf(findings, "suppression-unused")).toEqual([]);
    expect(stacks.get("production-servers").resource.hcloud_server["web-1"]["//"].policy_suppressions).toBeUndefined();
  },
);

test("a suppression of a rule that does not exist is an error, with the nearest rule", () => {
  const { findings } = synthEdited(
    (ws) =>
      appendSuppressions(ws, "environments/production.yaml", [
        {
          rule: "server-firewal",
          resource: "server/ns-1",
          reason: "The hidden primary is firewalled upstream by the provider.",
        },
      ]),
    PRODUCTION,
  );
  expect(findingsOf(findings, "suppression-invalid").map((f) => f.message)).toEqual([
    "the suppression of server-firewal for server/ns-1 in environment production is invalid: there is no rule " +
      '"server-firewal" (did you mean "server-firewall"?); remove it from config (suppressions).',
  ]);
});

test("a suppression that matches nothing is reported, per environment", () => {
  const { findings } = synthEdited(
    (ws) => {
      appendSuppressions(ws, "network.yaml", [
        { rule: "rdns-forward-floating", resource: "server/web-1", reason: REASON },
      ]);
      appendSuppressions(ws, "environments/production.yaml", [
        { rule: "dns-caa", resource: "zone/exemple-asbl.be", reason: "Kept from before the zone had its CAA record." },
      ]);
    },
    { envs: ["production", "staging"] },
  );
  expect(findingsOf(findings, "rdns-forward-floating")).toEqual([
    expect.objectContaining({ environment: "production", suppressed: { reason: REASON } }),
  ]);
  expect(
    findingsOf(findings, "suppression-unused").map((f) => [
      f.severity,
      f.environment,
      f.stack,
      f.address,
      f.subject,
      f.message,
    ]),
  ).toEqual([
    [
      "warning",
      "production",
      "production",
      "",
      "zone/exemple-asbl.be",
      "the suppression of dns-caa for zone/exemple-asbl.be in environment production matched no finding: " +
        "remove it (or correct its rule or resource), so that it cannot hide a future problem.",
    ],
    [
      "warning",
      "staging",
      "staging",
      "",
      "server/web-1",
      expect.stringMatching(
        /^the suppression of rdns-forward-floating for server\/web-1 in environment staging matched no finding/,
      ),
    ],
  ]);
});
