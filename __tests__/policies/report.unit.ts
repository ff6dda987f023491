// How findings are shown: the table printed by synth and the JSON report
// written by --policy-report.
import {
  blockingFindings,
  formatFindingsTable,
  policyReportJson,
  sortFindings,
  summaryLine,
  type Finding,
} from "../../policies";
import { findingAt } from "../../testing/policies";

/** Where the findings below point: stack, Terraform address, subject. */
const floating = {
  stack: "production-servers",
  address: "hcloud_floating_ip.web-1-floating-ipv4",
  subject: "server/web-1",
} as const;
const stagingEnv = { stack: "staging", address: "", subject: "server/web-1" } as const;
const ns1 = { stack: "production-servers", address: "hcloud_server.ns-1", subject: "server/ns-1" } as const;
const exemple = {
  stack: "production-dns",
  address: "hcloud_zone.exemple-asbl-be",
  subject: "zone/exemple-asbl.be",
} as const;

const FLOATING_MESSAGE = "floating IP web-1-floating-ipv4 has reverse DNS www.all2all.org, not forward-confirmed.";
const FLOATING_REASON = "Config cannot name a floating IP in a record yet.";
const UNUSED_MESSAGE =
  "the suppression of rdns-forward-floating for server/web-1 in environment staging matched no finding.";

const findings: Finding[] = [
  {
    ...findingAt("rdns-forward-floating", "warning", floating, FLOATING_MESSAGE),
    suppressed: { reason: FLOATING_REASON },
  },
  findingAt("suppression-unused", "warning", stagingEnv, UNUSED_MESSAGE),
  findingAt("server-firewall", "error", ns1, "server ns-1 is in no firewall."),
  findingAt("dns-caa", "error", exemple, "zone exemple-asbl.be has no CAA record."),
];

/** A finding as the JSON report writes it: the subject is its `resource`, `suppressed` is null when not. */
function reportEntry(
  rule: string,
  severity: string,
  environment: string,
  place: { readonly stack: string; readonly address: string; readonly subject: string },
  message: string,
  suppressed: { reason: string } | null = null,
) {
  return {
    rule,
    severity,
    environment,
    stack: place.stack,
    address: place.address,
    resource: place.subject,
    message,
    suppressed,
  };
}

test(
  "the table: a summary, a header, unsuppressed errors first, then warnings, each " +
    "message wrapped below its line; suppressed findings counted",
  () => {
    expect(formatFindingsTable(findings)).toEqual([
      "policies: 2 errors, 1 warning, 1 suppressed",
      "SEVERITY  RULE                STACK               RESOURCE",
      "error     dns-caa             production-dns      hcloud_zone.exemple-asbl-be",
      "    zone exemple-asbl.be has no CAA record.",
      "error     server-firewall     production-servers  hcloud_server.ns-1",
      "    server ns-1 is in no firewall.",
      "warning   suppression-unused  staging             server/web-1",
      "    the suppression of rdns-forward-floating for server/web-1 in environment staging matched no",
      "    finding.",
      "1 suppressed finding not shown: each is accepted in config with its reason " +
        "(docs/policies.md); --policy-report FILE lists them",
    ]);
    for (const line of formatFindingsTable(findings))
      if (!line.startsWith("1 suppressed")) expect(line.length).toBeLessThanOrEqual(100);
  },
);

test(
  "the table of no findings is one line; long resource names are cut to " +
    "48 characters; a narrower width wraps shorter",
  () => {
    expect(formatFindingsTable([])).toEqual(["policies: no findings"]);
    const long = { ...findings[2]!, address: `hcloud_server.${"x".repeat(60)}` };
    const [, header, row] = formatFindingsTable([long]);
    expect(header).toMatch(/RESOURCE$/);
    expect(row).toContain(`hcloud_server.${"x".repeat(33)}…`);
    expect(row!.length).toBeLessThanOrEqual(100);
    const narrow = formatFindingsTable([findings[3]!], 40).slice(3);
    expect(narrow.every((l) => l.length <= 40)).toBe(true);
    expect(narrow.join(" ").replace(/\s+/g, " ").trim()).toBe(findings[3]!.message);
  },
);

test("the JSON report: version, summary, and every finding with its resource and suppression", () => {
  const report = JSON.parse(policyReportJson(findings));
  expect(report).toEqual({
    version: 1,
    summary: { errors: 2, warnings: 1, suppressed: 1 },
    findings: [
      reportEntry("dns-caa", "error", "production", exemple, "zone exemple-asbl.be has no CAA record."),
      reportEntry("server-firewall", "error", "production", ns1, "server ns-1 is in no firewall."),
      reportEntry("suppression-unused", "warning", "staging", stagingEnv, UNUSED_MESSAGE),
      reportEntry("rdns-forward-floating", "warning", "production", floating, FLOATING_MESSAGE, {
        reason: FLOATING_REASON,
      }),
    ],
  });
  expect(policyReportJson(findings).endsWith("}\n")).toBe(true);
  expect(policyReportJson([...findings].reverse())).toBe(policyReportJson(findings));
});

test("blocking findings are the unsuppressed errors; the order does not depend on the input order", () => {
  expect(blockingFindings(findings).map((f) => f.rule)).toEqual(["server-firewall", "dns-caa"]);
  expect(
    blockingFindings([
      { ...findings[2]!, suppressed: { reason: "accepted for a week while the firewall is rebuilt" } },
    ]),
  ).toEqual([]);
  expect(sortFindings([...findings].reverse())).toEqual(sortFindings(findings));
  expect(summaryLine(findings)).toBe("2 errors, 1 warning, 1 suppressed");
});
