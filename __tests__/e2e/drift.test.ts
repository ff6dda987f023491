/**
 * `all2all drift` on the real engine: staging rehearsed with --serve, then
 * checked for drift as docs/drift.md says (its block marked as run by this
 * test): nothing drifted right after the rehearsal (exit 0); then, through
 * the simulated Hetzner Cloud's HTTP API, a firewall rule added, a label
 * removed, a server's reverse DNS changed, a record set deleted from the
 * zone and a server deleted: drift exits 5 and reports each by resource and
 * attribute, dangerous first, in JSON and in Markdown. Drift never writes:
 * no state file changes and the simulator receives no write request.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type { DriftReport } from "../../cli/drift/summary";
import { captureIo } from "../../cli/io";
import { main } from "../../cli/main";
import type { Sandbox } from "../../cli/rehearse/sandbox";
import { describeE2e } from "../../testing/engine";
import { copyConfig, rehearse, writes, type Rehearsed } from "../../testing/rehearsal";
import { makeTempDir, repoRoot } from "../../testing/tmp";
import { joinRegExp } from "../../primitives/regexp";

jest.setTimeout(900_000);

const THIS_TEST = "__tests__/e2e/drift.test.ts";
const NEW_PTR = "changed-by-hand.example.org";

/** The `npx all2all …` lines of the docs/drift.md block marked as run by this test. */
function documentedLines(): string[] {
  const text = fs.readFileSync(path.join(repoRoot, "docs", "drift.md"), "utf8");
  const blocks = [...text.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((m) => m[1]!.split("\n"));
  const mine = blocks.filter((lines) => lines[0]!.startsWith(`# run by ${THIS_TEST}`));
  if (mine.length !== 1)
    throw new Error(`docs/drift.md: expected one sh block marked "# run by ${THIS_TEST}", found ${mine.length}`);
  return mine[0]!.map((l) => l.trim()).filter((l) => l !== "" && !l.startsWith("#"));
}

interface Run {
  readonly line: string;
  readonly code: number;
  readonly stdout: string[];
  readonly stderr: string[];
}

/**
 * Runs the documented lines in the sandbox, as an operator would after the export lines: `"$ALL2ALL_OUT"` is the
 * sandbox's output.
 */
async function runDocumented(sb: Sandbox, cwd: string): Promise<Run[]> {
  const runs: Run[] = [];
  for (const line of documentedLines()) {
    const m = /^npx all2all (.*)$/.exec(line);
    if (!m) throw new Error(`docs/drift.md: the block run by ${THIS_TEST} has a line this test does not run: ${line}`);
    const argv = m[1]!.split(/\s+/).map((w) => (w === '"$ALL2ALL_OUT"' ? sb.out : w));
    if (argv.some((w) => /[$"'`]/.test(w)))
      throw new Error(`docs/drift.md: ${line}: shell syntax this test does not model`);
    const io = captureIo({ ...process.env, ...sb.env }, cwd);
    const code = await main(argv, io, repoRoot);
    runs.push({ line, code, stdout: io.stdout, stderr: io.stderr });
  }
  return runs;
}

/** The sha256 of every state file of the sandbox. */
function stateHashes(sb: Sandbox): Record<string, string> {
  const dir = path.join(sb.work, "state");
  return Object.fromEntries(
    fs
      .readdirSync(dir)
      .sort()
      .map((f) => [
        f,
        createHash("sha256")
          .update(fs.readFileSync(path.join(dir, f)))
          .digest("hex"),
      ]),
  );
}

/** One call of the simulated Cloud API over HTTP, as any API client makes it. */
async function api(sb: Sandbox, method: string, route: string, body?: unknown): Promise<any> {
  const res = await fetch(`${sb.env.HCLOUD_ENDPOINT}${route}`, {
    method,
    headers: {
      Authorization: `Bearer ${sb.env.HCLOUD_TOKEN}`,
      ...(body !== undefined ? { "Content-Type": "application/json" } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${route}: HTTP ${res.status}: ${text}`);
  return text === "" ? null : JSON.parse(text);
}

async function serverNamed(sb: Sandbox, name: string): Promise<any> {
  const servers = (await api(sb, "GET", `/servers?name=${encodeURIComponent(name)}`)).servers;
  if (servers.length !== 1) throw new Error(`expected one server ${name}, found ${servers.length}`);
  return servers[0];
}

describeE2e("all2all drift on a rehearsal of staging", () => {
  const t = makeTempDir("all2all-e2e-drift-");
  afterAll(() => t.cleanup());
  const config = copyConfig(path.join(t.dir, "config"));

  let rehearsal: Rehearsed;
  let clean: Run[] = [];
  let drifted: Run[] = [];
  let cleanJson: DriftReport | undefined;
  let driftJson: DriftReport | undefined;
  const seen: {
    statesBefore?: Record<string, string>;
    statesAfter?: Record<string, string>;
    writesDuringDrift?: number;
    changed?: string[];
  } = {};

  beforeAll(async () => {
    rehearsal = await rehearse("staging", { config, work: path.join(t.dir, "work") }, async (sb) => {
      const report = path.join(t.dir, "drift.json");
      seen.statesBefore = stateHashes(sb);
      const writesBefore = writes(sb).length;
      clean = await runDocumented(sb, t.dir);
      cleanJson = fs.existsSync(report) ? JSON.parse(fs.readFileSync(report, "utf8")) : undefined;

      // Changes made at Hetzner outside the code, through the API.
      const changed: string[] = [];
      const web = (await api(sb, "GET", "/firewalls?name=web")).firewalls[0];
      await api(sb, "POST", `/firewalls/${web.id}/actions/set_rules`, {
        rules: [
          ...web.rules,
          {
            direction: "in",
            protocol: "tcp",
            port: "8080",
            source_ips: ["0.0.0.0/0", "::/0"],
            description: "opened by hand",
          },
        ],
      });
      changed.push("firewall rule added");
      const web1 = await serverNamed(sb, "web-1");
      const { role: _role, ...labels } = web1.labels;
      await api(sb, "PUT", `/servers/${web1.id}`, { labels });
      changed.push("label removed");
      const admin1 = await serverNamed(sb, "admin-1");
      await api(sb, "POST", `/servers/${admin1.id}/actions/change_dns_ptr`, {
        ip: admin1.public_net.ipv4.ip,
        dns_ptr: NEW_PTR,
      });
      changed.push("reverse DNS changed");
      await api(sb, "DELETE", "/zones/all2all-staging.org/rrsets/_dmarc/TXT");
      changed.push("record deleted");
      const mail1 = await serverNamed(sb, "mail-1");
      await api(sb, "DELETE", `/servers/${mail1.id}`);
      changed.push("server deleted");
      seen.changed = changed;

      const writesBeforeDrift = writes(sb).length;
      fs.rmSync(report, { force: true });
      drifted = await runDocumented(sb, t.dir);
      driftJson = fs.existsSync(report) ? JSON.parse(fs.readFileSync(report, "utf8")) : undefined;
      seen.writesDuringDrift =
        writes(sb).length - writesBeforeDrift + (writesBeforeDrift - writesBefore - changed.length);
      seen.statesAfter = stateHashes(sb);
    });
  });

  test("the rehearsal applied staging", () => {
    const changes = ["firewall rule added", "label removed", "reverse DNS changed", "record deleted", "server deleted"];
    expect({ code: rehearsal.code, changed: seen.changed }).toEqual({ code: 0, changed: changes });
  });

  test("right after the rehearsal: no drift, exit 0, in Markdown and JSON", () => {
    expect(clean.map((r) => r.line)).toEqual(documentedLines());
    expect(clean.length).toBeGreaterThanOrEqual(2);
    for (const r of clean)
      expect({ line: r.line, code: r.code, failed: r.stderr.filter((l) => /failed|warning/.test(l)) }).toEqual({
        line: r.line,
        code: 0,
        failed: [],
      });
    expect(clean[0]!.stdout[0]).toBe("## all2all drift: environment staging: no drift");
    expect(cleanJson).toMatchObject({
      command: "drift",
      environment: "staging",
      drifted: false,
      dangerous: 0,
      complete: true,
      resources: [],
    });
    expect(cleanJson!.stacks.map((s) => `${s.name} ${s.status}`)).toEqual([
      "staging-backup no-drift",
      "staging-network no-drift",
      "staging-servers no-drift",
      "staging-dns no-drift",
    ]);
    // What the apply's own creations changed afterwards (a primary IP's assignee once its server exists) is not drift
    // from the code.
    expect(cleanJson!.computed.map((c) => `${c.address} ${c.path}`)).toEqual(
      expect.arrayContaining(["hcloud_primary_ip.web-1-ipv4 assignee_id", "hcloud_placement_group.web servers"]),
    );
  });

  test("after the changes: exit 5, each change reported by resource and attribute, dangerous first (JSON)", () => {
    for (const r of drifted) expect({ line: r.line, code: r.code }).toEqual({ line: r.line, code: 5 });
    const report = driftJson!;
    expect(report).toMatchObject({
      command: "drift",
      format_version: 1,
      environment: "staging",
      drifted: true,
      complete: true,
    });
    const at = (address: string) => report.resources.find((r) => r.address === address);
    /** The drift of `address`: its stack, kind, and its danger (none: not dangerous). */
    const driftOf = (address: string, stack: string, drift: string, danger?: string) => {
      const found = at(address);
      expect(found).toMatchObject({ stack, drift, dangerous: danger !== undefined, ...(danger ? { danger } : {}) });
      return found!;
    };

    const firewall = driftOf("hcloud_firewall.web", "staging-network", "changed", "firewall-rules");
    expect(firewall!.attributes).toEqual([
      { path: expect.stringMatching(/^rule\[\d+\]$/), actual: expect.stringContaining('port: "8080"') },
    ]);
    expect(firewall!.attributes[0]!.actual).toContain('description: "opened by hand"');

    const web1 = driftOf("hcloud_server.web-1", "staging-servers", "changed", "stateful-changed");
    expect(web1!.attributes).toEqual([{ path: "labels.role", state: '"web"' }]);

    expect(driftOf("hcloud_rdns.admin-1-ipv4", "staging-servers", "changed")).toMatchObject({
      attributes: [{ path: "dns_ptr", state: '"admin-1.all2all-staging.org"', actual: `"${NEW_PTR}"` }],
    });

    const dmarc = "hcloud_zone_rrset.all2all-staging-org-_dmarc-txt";
    expect(driftOf(dmarc, "staging-dns", "deleted", "stateful-deleted").attributes).toEqual([]);
    const mail1 = driftOf("hcloud_server.mail-1", "staging-servers", "deleted", "stateful-deleted");
    expect(mail1!.summary).toContain('name "mail-1"');

    // Dangerous first, most urgent first; then what the server's deletion took along; then the rest.
    expect(report.resources.map((r) => `${r.danger ?? r.drift} ${r.address}`)).toEqual([
      "stateful-deleted hcloud_server.mail-1",
      "stateful-deleted hcloud_zone_rrset.all2all-staging-org-_dmarc-txt",
      "firewall-rules hcloud_firewall.web",
      "stateful-changed hcloud_server.web-1",
      "deleted hcloud_server_network.mail-1-internal",
      "deleted hcloud_volume_attachment.mail-1-data",
      "changed hcloud_rdns.admin-1-ipv4",
    ]);
    expect(report.dangerous).toBe(4);
    expect(report.stacks.map((s) => `${s.name} ${s.status} ${s.drifted}`)).toEqual([
      "staging-backup no-drift 0",
      "staging-network drifted 1",
      "staging-servers drifted 5",
      "staging-dns drifted 1",
    ]);
  });

  test("after the changes: the Markdown names each resource and attribute, dangerous drift first", () => {
    const md = drifted[0]!.stdout.join("\n");
    expect(drifted[0]!.stdout[0]).toBe("## all2all drift: environment staging: 7 resources drifted (4 dangerous)");
    const dangerousAt = md.indexOf("### Dangerous drift (4)");
    const otherAt = md.indexOf("### Other drift (3)");
    expect(dangerousAt).toBeGreaterThan(0);
    expect(otherAt).toBeGreaterThan(dangerousAt);
    expect(md).toMatch(
      joinRegExp(
        /\| staging-network \| `hcloud_firewall\.web` \| \*\*FIREWALL CHANGED\*\* /,
        /\| `rule\[\d+\]` \| \(absent\) \| \{.*port: "8080"/,
      ),
    );
    expect(md).toContain(
      '| staging-servers | `hcloud_server.web-1` | **STATEFUL RESOURCE CHANGED** | `labels.role` | "web" | (absent) |',
    );
    expect(md).toMatch(
      joinRegExp(
        /\| staging-servers \| `hcloud_server\.mail-1` \| \*\*STATEFUL RESOURCE DELETED\*\* /,
        /\| \(the whole resource\) \| name "mail-1".* \| \(deleted\) \|/,
      ),
    );
    expect(md).toMatch(
      /\| staging-dns \| `hcloud_zone_rrset\.all2all-staging-org-_dmarc-txt` \| \*\*STATEFUL RESOURCE DELETED\*\* \|/,
    );
    expect(md.slice(otherAt)).toContain(
      `| staging-servers | \`hcloud_rdns.admin-1-ipv4\` | changed | \`dns_ptr\` ` +
        `| "admin-1.all2all-staging.org" | "${NEW_PTR}" |`,
    );
    expect(drifted[0]!.stderr.join("\n")).toMatch(/drift: 7 resources drifted, 4 dangerous: .*exit 5/);
  });

  test("drift writes nothing: every state file as it was, no write request to the simulated cloud", () => {
    expect(seen.statesAfter).toEqual(seen.statesBefore);
    expect(Object.keys(seen.statesBefore ?? {})).toHaveLength(4);
    expect(seen.writesDuringDrift).toBe(0);
  });
});
