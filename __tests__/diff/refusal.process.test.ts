// What `all2all synth` refuses, `all2all diff` refuses: a head with configuration, synthesis, schema
// validation or policy errors exits 4 (DIFF_REFUSED), its errors listed first; a base synth refuses stays
// a note. On a clone of this repository; the heads with broken code are built with their own code.
import * as fs from "node:fs";
import * as path from "node:path";
import type { DiffOptions } from "../../cli/diff";
import { DIFF_REFUSED } from "../../cli/diff/output";
import { configurationErrors, synthErrors } from "../../cli/diff/sides";
import { ExitCode } from "../../cli/io";
import { cloneForTests, diffIn } from "../../testing/diff";
import { joinRegExp } from "../../primitives/regexp";

jest.setTimeout(300_000);

const repo = cloneForTests();
let branch: string;
let original: string;
beforeAll(() => {
  branch = repo.git("rev-parse", "--abbrev-ref", "HEAD").trim();
  original = repo.git("rev-parse", "HEAD").trim();
});

/** Back to the clone's first commit, on its branch, nothing changed. */
function reset(): void {
  repo.git("checkout", "--quiet", "--force", branch);
  repo.git("reset", "--quiet", "--hard", original);
  repo.git("clean", "--quiet", "-fd", "-e", "node_modules");
}

const diff = (options: DiffOptions) => diffIn(repo, options);

/** An edit of one file of the code (`from` replaced by `to`), committed with `message`. */
interface CodeEdit {
  readonly message: string;
  readonly file: string;
  readonly from: string;
  readonly to: string;
}

/** The heads with broken code: the edit that makes each. */
const HEAD_EDITS = {
  // An attribute the provider does not have, on every server: only the head's own code writes it.
  unknownAttribute: {
    message: "an unknown attribute on every server",
    file: "constructs/server.ts",
    from: "    pinnedResource(this.server, id, props.importId);\n",
    to: '    pinnedResource(this.server, id, props.importId);\n    this.server.addOverride("server_typ", "cx23");\n',
  },
  synthFails: {
    message: "synth fails",
    file: "stacks/app.ts",
    from: "  const app = new App(",
    to: '  if (specs.length > 0) throw new Error("the stacks cannot be built: boom");\n  const app = new App(',
  },
} satisfies Record<string, CodeEdit>;

/**
 * A head ref with its own code: `edit` committed, the working tree back on
 * the commit before it; staging compared with it as JSON must be refused
 * (exit 4). The report.
 */
async function refusedHeadReport({ message, file, from, to }: CodeEdit): Promise<any> {
  repo.edit(file, from, to);
  const head = repo.commit(message);
  repo.git("checkout", "--quiet", "HEAD~1");
  const r = await diff({ base: "HEAD", head, env: "staging", format: "json" });
  expect(r.code).toBe(DIFF_REFUSED);
  return JSON.parse(r.text);
}

describe("a head synth refuses: exit 4, its errors first", () => {
  afterEach(reset);

  test(
    "a configuration that does not load: its problems, nothing " + "compared (the base is not even synthesised)",
    async () => {
      repo.edit("config/network.yaml", "    type: cx23\n", "    type: cx2\n");
      const json = await diff({ base: "HEAD", format: "json" });
      expect(json.code).toBe(DIFF_REFUSED);
      const report = JSON.parse(json.text);
      expect(report).toMatchObject({ refused: true, stacks: [], changes: [], digests: {} });
      expect(report.errors).toEqual([
        expect.objectContaining({
          kind: "configuration",
          message: expect.stringMatching(
            /^config\/network\.yaml:\d+:\d+ {2}servers\[0\]\.type {2}unknown server type "cx2"/,
          ),
        }),
      ]);
      expect(json.stderr.join("\n")).not.toMatch(/base HEAD/);

      const md = await diff({ base: "HEAD" });
      expect(md.code).toBe(DIFF_REFUSED);
      expect(md.stdout[0]).toBe("## all2all diff: head refused by synth (1 error): nothing compared");
      expect(md.stdout[2]).toBe(
        "**The head cannot be deployed as it is: `all2all synth` refuses it (1 error).** Fix it first (a " +
          "policy error may be suppressed in config with its reason, docs/policies.md):",
      );
      expect(md.stdout[4]).toMatch(
        /^- configuration: config\/network\.yaml:\d+:\d+ {2}servers\[0\]\.type {2}unknown server type "cx2"/,
      );
      expect(md.text).toContain("Nothing compared: synth refuses the head before writing any stack.");
    },
  );

  test("policy errors: listed first with their rule and resource, the comparison still shown", async () => {
    repo.edit("config/network.yaml", "port: 22, sources: [admin]", "port: 22, sources: [any]");
    const r = await diff({ base: "HEAD", env: "staging" });
    expect(r.code).toBe(DIFF_REFUSED);
    expect(r.stdout[0]).toBe("## all2all diff: head refused by synth (2 errors); 1 dangerous change (1 to change)");
    expect(r.stdout.slice(4, 6).sort()).toEqual([
      expect.stringMatching(
        /^- policy error: firewall-public-port-role \(staging-servers hcloud_server\.admin-1\): server admin-1 /,
      ),
      expect.stringMatching(
        /^- policy error: firewall-world-sensitive-port \(staging-network hcloud_firewall\.ssh-admin\): /,
      ),
    ]);
    expect(r.text.indexOf("policy error: firewall-world-sensitive-port")).toBeLessThan(r.text.indexOf("Base: HEAD"));
    expect(r.text).toContain("**OPEN TO THE WORLD**: opens tcp 22 (SSH)");
    expect(r.text).toContain("None: `all2all synth` refuses the head, so nothing of it can be deployed.");
    expect(r.text).not.toMatch(/^digest /m);
  });

  test("an environment the working tree does not have is bad input (exit 2), not a refusal", async () => {
    const r = await diff({ base: "HEAD", env: "nowhere" });
    expect(r.code).toBe(ExitCode.badInput);
    expect(r.stderr.join("\n")).toContain(
      "the working tree has no environment nowhere (no config/environments/nowhere.yaml)",
    );
  });

  test("a head ref its own schema validation refuses: the validation errors, the comparison still shown", async () => {
    const report = await refusedHeadReport(HEAD_EDITS.unknownAttribute);
    expect(report.refused).toBe(true);
    expect(report.errors).toContainEqual({
      kind: "validation",
      message: expect.stringMatching(
        /^staging-servers hcloud_server\.web-1 server_typ: unknown attribute or block "server_typ"/,
      ),
    });
    expect(report.errors.every((e: any) => e.kind === "validation")).toBe(true);
    expect(report.changes).toContainEqual(
      expect.objectContaining({ stack: "staging-servers", address: "hcloud_server.web-1", action: "update" }),
    );
  });

  test("a head ref whose synthesis fails: its error, nothing compared", async () => {
    const report = await refusedHeadReport(HEAD_EDITS.synthFails);
    expect(report).toMatchObject({
      refused: true,
      stacks: [],
      changes: [],
      errors: [{ kind: "synth", message: "the stacks cannot be built: boom" }],
    });
  });
});

describe("a base synth refuses stays a note", () => {
  afterEach(reset);

  test("a base with policy errors, fixed in the head: compared, noted, not refused", async () => {
    repo.edit("config/network.yaml", "port: 22, sources: [admin]", "port: 22, sources: [any]");
    const bad = repo.commit("SSH open to the world");
    repo.git("revert", "--no-edit", "--quiet", "HEAD"); // the head (the working tree) closes it again
    repo.git("reset", "--quiet", "--soft", "HEAD~1");
    const r = await diff({ base: bad, env: "staging", format: "json" });
    const report = JSON.parse(r.text);
    expect(report.refused).toBe(false);
    expect(report.errors).toEqual([]);
    expect(report.notes).toContainEqual(
      expect.stringMatching(
        joinRegExp(
          /^base [0-9a-f]+ \([0-9a-f]{10}\) has 2 unsuppressed policy errors /,
          /\(firewall-public-port-role, firewall-world-sensitive-port\): `all2all synth` refuses it/,
        ),
      ),
    );
    expect(r.code).not.toBe(DIFF_REFUSED);
    expect(report.digests).toEqual({ staging: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) });
  });
});

describe("what synth printed, as refusals", () => {
  test("configuration problems: one per problem, warnings left out", () => {
    expect(
      configurationErrors([
        "config/network.yaml has 2 problems:",
        '  config/network.yaml:41:17  servers[1].type  unknown server type "cx2" (did you mean "cx23"?)',
        "  config/network.yaml:50:3  servers[2]  duplicate name",
        "config/environments/dr.yaml has 1 warning:",
        "  config/environments/dr.yaml:3:1  servers[0].type  cx11 is deprecated",
        "all2all: something else went wrong",
      ]),
    ).toEqual([
      {
        kind: "configuration",
        message: 'config/network.yaml:41:17  servers[1].type  unknown server type "cx2" (did you mean "cx23"?)',
      },
      { kind: "configuration", message: "config/network.yaml:50:3  servers[2]  duplicate name" },
      { kind: "configuration", message: "something else went wrong" },
    ]);
  });

  test(
    "a ref's synth on exit 1: its synthesis error and validation errors; " +
      "warnings, summaries and the policy line left out",
    () => {
      expect(
        synthErrors(
          [
            "warning: staging-servers hcloud_server.web-1 datacenter: deprecated",
            "staging-servers hcloud_server.web-1 server_typ: unknown attribute",
            "synth: output not written to cdktf.out: fix the problems above (or use --no-validate to inspect it)",
            "synth: 2 policy errors (above): output not written to cdktf.out; fix them",
            "synth: boom",
            "",
          ].join("\n"),
        ),
      ).toEqual([
        { kind: "validation", message: "staging-servers hcloud_server.web-1 server_typ: unknown attribute" },
        { kind: "synth", message: "boom" },
      ]);
    },
  );

  test("the clone's config files are untouched by the tests above", () => {
    expect(fs.readFileSync(path.join(repo.dir, "config/network.yaml"), "utf8")).toContain("port: 22, sources: [admin]");
  });
});
