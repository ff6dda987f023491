// The Markdown and JSON renderings of a report, and the value helpers they rely on.
import type { Change, DiffReport } from "../../cli/diff/change-types";
import { MAX_MARKDOWN, code, toJson, toMarkdown, titleLine } from "../../cli/diff/render";
import { ABSENT, diffValues, formatPath, normaliseReference, showValue, valueAt } from "../../cli/diff/values";
import { joinRegExp } from "../../primitives/regexp";
import { changeOf } from "../../testing/diff";

const change = changeOf;

function report(changes: Change[], notes: string[] = []): DiffReport {
  return {
    command: "diff",
    base: "origin/main (1a2b3c4d5e)",
    head: "the working tree",
    stacks: ["production-network", "production-servers"],
    changes,
    notes,
  };
}

describe("Markdown", () => {
  test("no changes", () => {
    const text = toMarkdown(report([]));
    expect(text).toBe(
      "## all2all diff: no changes\n\nBase: origin/main (1a2b3c4d5e) → head: the working tree. 2 " +
        "stacks compared.\n\nThe synthesised stacks are identical: nothing to apply.\n",
    );
  });

  test("title with counts, notes, dangerous changes first, warnings, then every change by stack", () => {
    const changes = [
      change({
        action: "replace",
        dangers: [
          { class: "replace", attribute: "location", message: '`location` "fsn1" → "nbg1" forces replacement' },
        ],
        attributes: [{ path: "location", old: '"fsn1"', new: '"nbg1"', forcesReplacement: true }],
      }),
      change({
        stack: "production-network",
        address: "hcloud_firewall.base",
        type: "hcloud_firewall",
        stateful: false,
        warnings: [{ class: "firewall-rename", message: "its name or labels change" }],
        attributes: [{ path: "labels.team", new: '"infra"' }],
      }),
      change({
        address: "hcloud_ssh_key.bob",
        type: "hcloud_ssh_key",
        action: "create",
        stateful: false,
        summary: ['name "bob"'],
        stack: "production-network",
      }),
    ];
    const text = toMarkdown(report(changes, ["base was synthesised with the working tree's code"]));
    expect(titleLine(report(changes))).toBe("diff: 1 dangerous change (1 to add, 1 to replace, 1 to change)");
    expect(text.split("\n")).toEqual([
      "## all2all diff: 1 dangerous change (1 to add, 1 to replace, 1 to change)",
      "",
      "Base: origin/main (1a2b3c4d5e) → head: the working tree. 2 stacks compared.",
      "",
      "> base was synthesised with the working tree's code",
      "",
      "### Dangerous changes (1)",
      "",
      "Each needs an explicit approval: read the reasons here, then the stack's plan before applying.",
      "",
      "- `hcloud_server.web-1` in `production-servers` — REPLACE (destroy, then create)",
      '  - **REPLACED**: `location` "fsn1" → "nbg1" forces replacement',
      "",
      "### Worth a look (1)",
      "",
      "- `hcloud_firewall.base` in `production-network` — update in place",
      "  - _firewall name or labels change_: its name or labels change",
      "",
      "### Changes by stack",
      "",
      "#### `production-network`: 1 to add, 1 to change",
      "",
      "- `~` `hcloud_firewall.base` update in place",
      '  - `labels.team`: (absent) → `"infra"`',
      '- `+` `hcloud_ssh_key.bob` create: `name "bob"`',
      "",
      "#### `production-servers`: 1 to replace",
      "",
      "- `-/+` `hcloud_server.web-1` REPLACE (destroy, then create)",
      '  - `location`: `"fsn1"` → `"nbg1"` — **forces replacement**',
      "",
    ]);
  });

  test("backticks in values stay inside their code span", () => {
    expect(code("a`b")).toBe("`` a`b ``");
    expect(code("plain")).toBe("`plain`");
  });

  test("a report longer than a pull-request comment allows is cut, saying where the rest is", () => {
    const many = Array.from({ length: 3000 }, (_, i) =>
      change({
        address: `hcloud_zone_rrset.r${i}`,
        type: "hcloud_zone_rrset",
        attributes: [{ path: "ttl", old: "300", new: "3600" }],
      }),
    );
    const text = toMarkdown(report(many));
    expect(text.length).toBeLessThanOrEqual(MAX_MARKDOWN);
    expect(text).toMatch(
      joinRegExp(
        /\n\n_The report is cut here \(\d+ characters, 3000 changes\): every dangerous change is /,
        /above; the JSON output \(`--format json`\) has every change\._\n$/,
      ),
    );
  });
});

describe("JSON", () => {
  test("version, summary, dangerous flag, stacks, notes and changes", () => {
    const json = JSON.parse(
      toJson(report([change({ action: "delete", dangers: [{ class: "destroy-stateful", message: "m" }] })], ["n"])),
    );
    expect(json).toEqual({
      version: 1,
      command: "diff",
      base: "origin/main (1a2b3c4d5e)",
      head: "the working tree",
      dangerous: true,
      summary: { create: 0, import: 0, delete: 1, forget: 0, update: 0, replace: 0, move: 0, none: 0, dangerous: 1 },
      stacks: ["production-network", "production-servers"],
      notes: ["n"],
      changes: [
        expect.objectContaining({
          address: "hcloud_server.web-1",
          action: "delete",
          dangers: [{ class: "destroy-stateful", message: "m" }],
        }),
      ],
    });
  });
});

describe("values", () => {
  test(
    "lists of blocks are compared as sets: a block moved in the list is no " +
      "change, one changed block is compared attribute by attribute",
    () => {
      const a = { rule: [{ port: "80" }, { port: "443" }] };
      expect(diffValues(a, { rule: [{ port: "443" }, { port: "80" }] })).toEqual([]);
      expect(diffValues(a, { rule: [{ port: "443" }, { port: "8080" }] })).toEqual([
        { path: ["rule", 1, "port"], old: "80", new: "8080" },
      ]);
      expect(diffValues(a, { rule: [{ port: "443" }] })).toEqual([
        { path: ["rule", 0], old: { port: "80" }, new: ABSENT },
      ]);
    },
  );

  test("lists of scalars change as a whole", () => {
    expect(diffValues({ k: ["a", "b"] }, { k: ["a", "c"] })).toEqual([
      { path: ["k"], old: ["a", "b"], new: ["a", "c"] },
    ]);
  });

  test("paths as Terraform writes them, and ignore_changes entries as attribute paths", () => {
    expect(formatPath(["public_net", 0, "ipv4"])).toBe("public_net[0].ipv4");
    // One path format for every layer (primitives/path.ts): a key that is an HCL identifier is a traversal.
    expect(formatPath(["labels", "fw-web"])).toBe("labels.fw-web");
    expect(formatPath(["labels", "app.io/name"])).toBe('labels["app.io/name"]');
    expect(normaliseReference('labels["fw-web"]')).toBe("labels.fw-web");
    expect(normaliseReference("public_net[0].ipv4")).toBe("public_net.ipv4");
    expect(valueAt({ public_net: [{ ipv4: 1 }, { ipv4: 2 }] }, "public_net.ipv4")).toEqual([1, 2]);
    expect(valueAt({ a: 1 }, "b")).toBe(ABSENT);
  });

  test("shown values: long text summarised, long lines cut, absent and null", () => {
    expect(showValue("a\nb\n", ["user_data"])).toMatch(/^\(text: 4 bytes, 2 lines, sha256 [0-9a-f]{12}\)$/);
    expect(showValue("x".repeat(150), ["description"])).toMatch(/^"x{60}"… \(150 characters, sha256 [0-9a-f]{12}\)$/);
    expect(showValue(ABSENT, ["a"])).toBe("(absent)");
    expect(showValue(null, ["a"])).toBe("null");
    expect(showValue({ password: "x", name: "n" }, [])).toBe('{name: "n", password: (sensitive)}');
  });
});
