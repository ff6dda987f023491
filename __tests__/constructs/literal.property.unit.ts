// Property: text written by a person (a TXT record, a server's user data, a
// firewall rule's description) reaches the synthesised JSON with Terraform's
// template syntax escaped (`$${`, `%%{`; constructs/common.ts, literal()), and
// reading it back the way Terraform's template parser does gives exactly
// what was written: whatever mix of `${`, `%{`, `$${`, `%%{`, quotes,
// backslashes, newlines and non-ASCII text it holds.
import fc from "fast-check";
import { DnsZone, FirewallPolicy, Server, formatTxtValue, literal } from "../../constructs";
import { LABELS, makeStack } from "../../testing/construct-stacks";
import { resourcesOf, synth } from "../../testing/synth-json";

/** Each property synthesises a stack per run: bounded. */
const RUNS = 100;

/**
 * A literal string as Terraform's template parser reads it (HCL's scanner,
 * TemplateNotInterp and TemplateNotControl): `$${` is the text `${`, `%%{`
 * is `%{`, nothing else is an escape (backslashes and quotes are plain text
 * once the JSON string is decoded). An unescaped `${` or `%{` would start an
 * interpolation or a directive: an error here, since the text was to pass
 * through unchanged.
 */
function untemplate(text: string): string {
  let out = "";
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if ((c === "$" || c === "%") && text[i + 1] === c && text[i + 2] === "{") {
      out += `${c}{`;
      i += 3;
    } else if ((c === "$" || c === "%") && text[i + 1] === "{") {
      throw new Error(`the engine would read a template at ${i} of ${JSON.stringify(text)}`);
    } else {
      out += c;
      i += 1;
    }
  }
  return out;
}

/** Pieces that matter to the template syntax, to JSON, to TXT quoting, and to UTF-8. */
const FRAGMENTS = [
  "${",
  "%{",
  "$${",
  "%%{",
  "$$${",
  "$",
  "%",
  "$$",
  "%%",
  "{",
  "}",
  "~}",
  "${~",
  "%{~",
  "${var.x}",
  "${hello}",
  "%{ if x }",
  "%{ endif }",
  "${TfToken",
  "$ {",
  "% {",
  '"',
  "'",
  '\\"',
  "\\",
  "\\\\",
  "\\n",
  "\\t",
  "`",
  "\n",
  "\r\n",
  "\r",
  "\t",
  " ",
  "\u0000",
  "é",
  "ß",
  "€",
  "日本語",
  "🙂",
  "👩‍💻",
  "\u00a0",
  "\u200b",
  "\u2028",
  "\ufeff",
];

const unit = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...FRAGMENTS) },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", minLength: 1, maxLength: 3 }) },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme-ascii", minLength: 1, maxLength: 4 }) },
);

/** Text of one to 30 pieces (never a cdktn token marker, which literal() keeps as a reference on purpose). */
const text = fc.string({ unit, minLength: 1, maxLength: 30 }).filter((s) => !s.includes("${TfToken["));

describe("untemplate reads literals as Terraform's template parser does", () => {
  test("examples", () => {
    const read: ReadonlyArray<readonly [literal: string, text: string]> = [
      ["v=DKIM1; p=$${key}", "v=DKIM1; p=${key}"],
      ["%%{ if x }", "%{ if x }"],
      ["$$${x}", "$${x}"],
      ["%%%{x}", "%%{x}"],
      ['$ { % { $$ %% "q" \\ \n', '$ { % { $$ %% "q" \\ \n'],
    ];
    for (const [literal, text] of read) expect(untemplate(literal)).toBe(text);
    for (const template of ["a ${b}", "%{ endif }", "\\${x}"]) expect(() => untemplate(template)).toThrow(/template/);
  });
});

describe("literal text, synthesised, reads back as written", () => {
  test("literal() alone", () => {
    fc.assert(
      fc.property(text, (value) => {
        expect(untemplate(literal(value))).toBe(value);
      }),
      { numRuns: 5 * RUNS },
    );
  });

  test("a DnsZone TXT record value: the JSON holds formatTxtValue's form, escaped", () => {
    fc.assert(
      fc.property(text, (value) => {
        const stack = makeStack();
        const zone = new DnsZone(stack, "zone", { name: "example.org", mode: "primary", labels: LABELS });
        zone.addRecordSet({ name: "@", type: "TXT", records: [value] });
        const rrsets = Object.values(resourcesOf(synth(stack), "hcloud_zone_rrset"));
        expect(rrsets).toHaveLength(1);
        const written = rrsets[0].records[0].value;
        expect(written).toBe(literal(formatTxtValue(value)));
        expect(untemplate(written)).toBe(formatTxtValue(value));
      }),
      { numRuns: RUNS },
    );
  });

  test("a Server's userData", () => {
    fc.assert(
      fc.property(text, (value) => {
        const stack = makeStack();
        new Server(stack, "web-1", {
          serverType: "cx23",
          location: "fsn1",
          labels: LABELS,
          sshKeys: [],
          userData: value,
        });
        const written = resourcesOf(synth(stack), "hcloud_server")["web-1"].user_data;
        expect(written).toBe(literal(value));
        expect(untemplate(written)).toBe(value);
      }),
      { numRuns: RUNS },
    );
  });

  test("a firewall rule's description", () => {
    fc.assert(
      fc.property(
        text.filter((s) => s.length <= 255),
        (value) => {
          const stack = makeStack();
          const fw = new FirewallPolicy(stack, "web", { labels: LABELS });
          fw.allowFrom(["192.0.2.0/24"], "tcp", 22, value);
          const rules = resourcesOf(synth(stack), "hcloud_firewall").web.rule;
          expect(rules).toHaveLength(1);
          expect(rules[0].description).toBe(literal(value));
          expect(untemplate(rules[0].description)).toBe(value);
        },
      ),
      { numRuns: RUNS },
    );
  });
});
