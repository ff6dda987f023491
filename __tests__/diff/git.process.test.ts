// `all2all diff` end to end, on a temporary clone of this repository: an
// unchanged tree, configuration edits of each dangerous class, a ref whose
// code differs (built and synthesised with its own code), bad refs.
import * as fs from "node:fs";
import * as path from "node:path";
import { type DiffOptions, runDiff } from "../../cli/diff";
import { DIFF_REFUSED } from "../../cli/diff/output";
import { ExitCode, captureIo } from "../../cli/io";
import { cloneForTests, diffIn, exitCodeOf } from "../../testing/diff";
import { makeTempDir, repoRoot } from "../../testing/tmp";
import { joinRegExp } from "../../primitives/regexp";

jest.setTimeout(180_000);

const repo = cloneForTests();

const diff = (options: DiffOptions) => diffIn(repo, options);

/** Configuration edits with one change of each dangerous class. */
function dangerousEdits(): void {
  // Labels of every production resource change; with the SSH rule below, the ssh-admin firewall changes labels and
  // rules at once.
  repo.edit(
    "config/environments/production.yaml",
    "environment:\n  protect: true\n",
    "environment:\n  protect: true\n  labels:\n    team: infra\n",
  );
  repo.edit(
    "config/environments/production.yaml",
    /\nsuppressions:/,
    [
      "",
      "servers:",
      "  - name: web-1",
      "    location: nbg1                # replaces the server (and its addresses and volume)",
      "  - name: web-2",
      "    allow_rebuild: true           # lifts prevent_destroy",
      "    floating_ip: { type: ipv4, description: failover }   # a new public IPv4",
      "    volumes:",
      "      - { name: web-2-data, $remove: true }              # destroys a volume",
      "",
      "suppressions:",
    ].join("\n"),
  );
  // SSH open to the world (every environment).
  repo.edit("config/network.yaml", "port: 22, sources: [admin]", "port: 22, sources: [any]");
  // Secrets: a literal password in user data (a policy error too), and a renamed TSIG key (a sensitive variable).
  repo.append("config/cloud-init/mail.yaml", `password: ${PASSWORD}\nchpasswd: { expire: false }\n`);
  repo.edit("config/dns.yaml", "tsig_key: all2all-org-transfer", "tsig_key: all2all-org-axfr");
}

const PASSWORD = "Sup3r-Secret-Passw0rd-4711";

describe("all2all diff on a clone of this repository", () => {
  test("an unchanged tree: no changes, exit 0", async () => {
    const r = await diff({ base: "HEAD" });
    expect(r.code).toBe(ExitCode.ok);
    expect(r.stdout[0]).toBe("## all2all diff: no changes");
    expect(r.text).toMatch(/^Base: HEAD \([0-9a-f]{10}\) → head: the working tree\. 12 stacks compared\.$/m);
    expect(r.text).toContain("The synthesised stacks are identical: nothing to apply.");
  });

  test("--format json and --env: one environment's stacks, nothing dangerous", async () => {
    const r = await diff({ base: "HEAD", format: "json", env: "staging" });
    expect(r.code).toBe(ExitCode.ok);
    const json = JSON.parse(r.text);
    expect(json).toMatchObject({
      version: 1,
      command: "diff",
      dangerous: false,
      changes: [],
      summary: { dangerous: 0 },
    });
    expect(json.stacks).toEqual(["staging-backup", "staging-network", "staging-servers", "staging-dns"]);
  });

  test(
    "configuration edits of each dangerous class: each reported first; " +
      "synth refuses the head (policy errors), so exit 4",
    async () => {
      dangerousEdits();
      try {
        const t = makeTempDir("all2all-diff-out-");
        try {
          const r = await diff({ base: "HEAD", format: "json", out: path.join(t.dir, "diff.json") });
          expect(r.code).toBe(DIFF_REFUSED);
          expect(r.stdout).toHaveLength(1);
          expect(r.stdout[0]).toMatch(
            joinRegExp(
              /^diff: head refused by synth \(\d+ errors\); \d+ dangerous changes /,
              /\(.*\)(; [+-]€\d+\.\d\d\/month)?; JSON written to /,
            ),
          );
          const json = JSON.parse(fs.readFileSync(path.join(t.dir, "diff.json"), "utf8"));
          // What synth refuses comes first, each error with its rule and place; no digest for a head that cannot be
          // deployed.
          expect(json.refused).toBe(true);
          expect(json.errors).toContainEqual(
            expect.objectContaining({
              kind: "policy",
              rule: "firewall-world-sensitive-port",
              stack: "production-network",
              address: "hcloud_firewall.ssh-admin",
            }),
          );
          expect(json.digests).toEqual({});
          const dangers = (stack: string, address: string): string[] =>
            json.changes
              .filter((c: any) => c.stack === stack && c.address === address)
              .flatMap((c: any) => c.dangers.map((d: any) => d.class));
          expect(dangers("production-servers", "hcloud_server.web-1")).toContain("replace");
          expect(dangers("production-servers", "hcloud_volume.web-2-data")).toEqual(["destroy-stateful"]);
          expect(dangers("production-servers", "hcloud_server.web-2")).toEqual(["protection-removed"]);
          expect(dangers("production-servers", "hcloud_floating_ip.web-2-floating-ipv4")).toEqual(["public-ipv4"]);
          expect(dangers("production-network", "hcloud_firewall.ssh-admin")).toEqual([
            "world-open",
            "firewall-rules-at-risk",
          ]);
          expect(dangers("staging-network", "hcloud_firewall.ssh-admin")).toEqual(["world-open"]);
          // Dangerous changes come first; the head's policy errors are said.
          const firstSafe = json.changes.findIndex((c: any) => c.dangers.length === 0);
          expect(json.changes.slice(firstSafe).every((c: any) => c.dangers.length === 0)).toBe(true);
          expect(json.notes.join("\n")).toMatch(
            joinRegExp(
              /head \(the working tree\) has \d+ unsuppressed policy errors /,
              /\(.*firewall-world-sensitive-port.*\): `all2all synth` refuses it/,
            ),
          );
          // Secrets masked: the user data holding a password, the TSIG key's reference to a sensitive variable.
          const mail1 = json.changes.find(
            (c: any) => c.stack === "production-servers" && c.address === "hcloud_server.mail-1",
          );
          expect(mail1.dangers).toEqual([]);
          expect(mail1.attributes).toContainEqual({
            path: "user_data",
            old: expect.stringMatching(/^\(text: \d+ bytes, \d+ lines, sha256 [0-9a-f]{12}\)$/),
            new: "(sensitive)",
            ignored: true,
          });
          const zone = json.changes.find(
            (c: any) => c.stack === "production-dns" && c.address === "hcloud_zone.all2all-org",
          );
          expect(zone.attributes.map((a: any) => a.new)).toEqual(
            expect.arrayContaining([expect.stringContaining("tsig_key: (sensitive)")]),
          );
          expect(
            json.changes.find((c: any) => c.stack === "production-dns" && c.address === "var.tsig_all2all_org_axfr")
              .action,
          ).toBe("create");
          expect(JSON.stringify(json)).not.toContain(PASSWORD);
          expect(JSON.stringify(json)).not.toContain("${var.tsig");
        } finally {
          t.cleanup();
        }

        const md = await diff({ base: "HEAD" });
        expect(md.code).toBe(DIFF_REFUSED);
        expect(md.stdout[0]).toMatch(/^## all2all diff: head refused by synth \(\d+ errors\); \d+ dangerous changes/);
        const refusedAt = md.text.indexOf("**The head cannot be deployed as it is: `all2all synth` refuses it");
        expect(refusedAt).toBeGreaterThan(0);
        expect(refusedAt).toBeLessThan(md.text.indexOf("Base: HEAD"));
        expect(md.text).toMatch(
          /^- policy error: firewall-world-sensitive-port \(production-network hcloud_firewall\.ssh-admin\): /m,
        );
        expect(md.text.indexOf("### Dangerous changes")).toBeGreaterThan(0);
        expect(md.text.indexOf("### Dangerous changes")).toBeLessThan(md.text.indexOf("### Changes by stack"));
        expect(md.text).toContain(
          '- **REPLACED**: `location` "fsn1" → "nbg1" forces replacement (hetznercloud/hcloud 1.68.0, ' +
            "internal/server/resource.go:70); the replacement destroys the server's disk",
        );
        expect(md.text).toContain(
          "**OPEN TO THE WORLD**: opens tcp 22 (SSH) from 0.0.0.0/0 and ::/0 to the whole Internet",
        );
        expect(md.text).toContain("**FIREWALL RULES AT RISK**");
        expect(md.text).toContain("**PROTECTION REMOVED**: `lifecycle.prevent_destroy` true → false");
        expect(md.text).toContain("**NEW PUBLIC IPv4**");
        expect(md.text).toContain(
          "**DESTROYS STATEFUL RESOURCE**: removed from the configuration: " +
            "tofu destroys it, and with it the volume's data",
        );
        expect(md.text).not.toContain(PASSWORD);
      } finally {
        repo.reset();
      }
    },
  );

  test("an environment the base does not have: everything in it is new", async () => {
    fs.copyFileSync(
      path.join(repo.dir, "config/environments/staging.yaml"),
      path.join(repo.dir, "config/environments/preview.yaml"),
    );
    try {
      const r = await diff({ base: "HEAD", env: "preview", format: "json" });
      const json = JSON.parse(r.text);
      expect(json.notes).toContainEqual(
        expect.stringMatching(
          joinRegExp(
            /^base HEAD \([0-9a-f]{10}\) has no environment preview \(no /,
            /config\/environments\/preview.yaml\): everything in it is new$/,
          ),
        ),
      );
      expect(json.changes.every((c: any) => c.action === "create" && c.stack.startsWith("preview-"))).toBe(true);
      expect(r.code).toBe(ExitCode.dangerous); // its primary IPv4s are new public addresses
    } finally {
      repo.reset();
    }
  });

  test(
    "bad input: no --base, an unknown ref, a ref that predates the " + "project, a folder outside git (exit 2)",
    async () => {
      expect((await diff({})).code).toBe(ExitCode.badInput);
      const unknown = await diff({ base: "no-such-branch" });
      expect(unknown.code).toBe(ExitCode.badInput);
      expect(unknown.stderr.join("\n")).toContain('unknown git ref "no-such-branch"');
      expect((await diff({ base: "HEAD", format: "yaml" })).code).toBe(ExitCode.badInput);

      // A commit of an empty tree, made without touching the clone's branch or working tree.
      const emptyTree = repo.git("hash-object", "-t", "tree", "/dev/null").trim();
      const orphan = repo.git("commit-tree", emptyTree, "-m", "before the project").trim();
      const old = await diff({ base: orphan });
      expect(old.code).toBe(ExitCode.badInput);
      expect(old.stderr.join("\n")).toMatch(
        /cannot be synthesised: it has no cdktf.json \(the ref predates this project\)/,
      );

      const t = makeTempDir("all2all-nogit-");
      try {
        fs.mkdirSync(path.join(t.dir, "providers", "hcloud"), { recursive: true });
        fs.copyFileSync(
          path.join(repoRoot, "providers/hcloud/replace.json"),
          path.join(t.dir, "providers/hcloud/replace.json"),
        );
        const io = captureIo({}, t.dir);
        const ceiling = process.env.GIT_CEILING_DIRECTORIES;
        process.env.GIT_CEILING_DIRECTORIES = path.dirname(t.dir);
        try {
          const r = await exitCodeOf(() => runDiff({ base: "HEAD" }, io, t.dir), io);
          expect(r.code).toBe(ExitCode.badInput);
          expect(r.stderr.join("\n")).toMatch(/is not in a git repository/);
        } finally {
          if (ceiling === undefined) delete process.env.GIT_CEILING_DIRECTORIES;
          else process.env.GIT_CEILING_DIRECTORIES = ceiling;
        }
      } finally {
        t.cleanup();
      }
    },
  );

  test(
    "a ref whose code differs is built and synthesised with its " + "own code, even when its synth refuses it",
    async () => {
      // The head commit changes code (the file name of local state: only the head's own compiled code
      // writes the new name, neither the working tree's code nor the working tree's build, which its
      // build may start from) and opens SSH to the world (a policy error: its synth exits 1).
      repo.edit(
        "stacks/hcloud-stack.ts",
        '"../../../state"}/${this.node.id}.tfstate`',
        '"../../../state"}/${this.node.id}.head-code.tfstate`',
      );
      repo.edit("config/network.yaml", "port: 22, sources: [admin]", "port: 22, sources: [any]");
      const head = repo.commit("code change, SSH open to the world");
      repo.git("checkout", "--quiet", "HEAD~1");
      try {
        const r = await diff({ base: "HEAD", head });
        // Its own synth refuses it (SSH open to the world): the gate refuses it too, and still shows what it would do.
        expect(r.code).toBe(DIFF_REFUSED);
        expect(r.text).toMatch(
          /^- policy error: firewall-world-sensitive-port \(production-network hcloud_firewall\.ssh-admin\): /m,
        );
        expect(r.stderr.join("\n")).toContain("building its code (npm run build)");
        expect(r.text).toMatch(
          joinRegExp(
            /was built and synthesised with its own code in a git worktree kept between runs, with /,
            /its own incremental build .*the current node_modules was reused/,
          ),
        );
        // The worktree stays in the repository's git folder with its build, for the next run's incremental build; its
        // lock is released.
        const kept = path.join(repo.dir, ".git", "all2all-diff");
        expect(fs.existsSync(path.join(kept, "head", "dist", ".tsbuildinfo"))).toBe(true);
        expect(fs.existsSync(path.join(kept, "head.lock"))).toBe(false);
        // The head's own code is what wrote this path.
        expect(r.text).toContain(
          '`backend.local.path`: `"../../../state/staging-network.tfstate"` → ' +
            '`"../../../state/staging-network.head-code.tfstate"`',
        );
        expect(r.text).toMatch(/has \d+ unsuppressed policy errors .*`all2all synth` refuses it/);
        expect(r.text).toContain("- `hcloud_firewall.ssh-admin` in `production-network` — update in place");
        expect(r.text).toContain("**OPEN TO THE WORLD**: opens tcp 22 (SSH)");
      } finally {
        repo.git("checkout", "--quiet", head);
      }
      // What stays in the repository is the kept worktrees in its git folder (one per role), no temporary one.
      const worktrees = repo
        .git("worktree", "list", "--porcelain")
        .split("\n")
        .filter((l) => l.startsWith("worktree "))
        .map((l) => l.slice("worktree ".length));
      expect(worktrees.map((w) => path.relative(repo.dir, w)).sort()).toEqual([
        "",
        ".git/all2all-diff/base",
        ".git/all2all-diff/head",
      ]);
    },
  );

  test("a ref compared again is neither built nor synthesised again, unless what its synth reads changed", async () => {
    // After the test above: other code than the working tree's, and SSH closed again, so that the head's synth
    // succeeds (only a clean synthesis is kept for the next run).
    repo.edit("stacks/hcloud-stack.ts", ".head-code.tfstate`", ".again.tfstate`");
    repo.edit("config/network.yaml", "port: 22, sources: [any]", "port: 22, sources: [admin]");
    const head = repo.commit("code change, SSH closed again");
    repo.git("checkout", "--quiet", "HEAD~1");
    const reused = /its build and synthesis were those of an earlier run/;
    try {
      const first = await diff({ base: "HEAD", head });
      expect(first.stderr.join("\n")).toContain("building its code (npm run build)");
      expect(first.text).not.toMatch(reused);
      expect(first.text).toContain('"../../../state/staging-network.again.tfstate"');
      expect(first.code).toBe(ExitCode.ok);

      const again = await diff({ base: "HEAD", head });
      expect(again.stderr.join("\n")).not.toContain("building its code");
      expect(again.stderr.join("\n")).toContain("synthesised by an earlier run (same build, same configuration)");
      expect(again.code).toBe(first.code);
      expect(again.text.split("\n").filter((l) => !reused.test(l))).toEqual(first.text.split("\n"));

      // A variable its synth reads (state encryption off) makes another output: synthesised again, not built again.
      const unencrypted = await diffIn(repo, { base: "HEAD", head }, { ALL2ALL_STATE_ENCRYPTION: "off" });
      expect(unencrypted.stderr.join("\n")).not.toContain("building its code");
      expect(unencrypted.stderr.join("\n")).toContain("synthesising…");
      expect(unencrypted.text).not.toMatch(reused);
    } finally {
      repo.git("checkout", "--quiet", head);
    }
  });
});
