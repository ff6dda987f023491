/**
 * Staging, rehearsed with the real engine against the simulated Hetzner
 * Cloud: every stack applies and plans again empty; text from the config
 * reaches the API exactly as written; plan and deploy (preflight, plan,
 * summary, confirmation, apply) work on the real engine; and staging
 * destroyed leaves nothing behind.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { runDeploy, runPlan } from "../../cli/deploy";
import { runPlanSummary } from "../../cli/plan-summary";
import type { Sandbox } from "../../cli/rehearse/sandbox";
import { runSynth } from "../../cli/synth";
import { formatTxtValue } from "../../constructs/dns-zone";
import { describeE2e, tofu } from "../../testing/engine";
import { capture, copyConfig, editFile, rehearse, writes, type Rehearsed } from "../../testing/rehearsal";
import { makeTempDir, repoRoot } from "../../testing/tmp";

jest.setTimeout(600_000);

// Literal text, as a person may write it: template syntax, quotes, backslashes, non-ASCII.
const TXT = 'say ${hello} and %{world}: "quoted", back\\slash, café, ü, ✓';
const USER_DATA_LINE = '# kept as written: ${not_interpolated} %{ if nothing } "q" \\ é';
const RULE_DESCRIPTION = 'ping ${x} and %{y}, "q" \\ é';

const LIST_ROUTES: [api: "cloud" | "hetzner", path: string, key: string][] = [
  ["cloud", "/servers", "servers"],
  ["cloud", "/primary_ips", "primary_ips"],
  ["cloud", "/floating_ips", "floating_ips"],
  ["cloud", "/volumes", "volumes"],
  ["cloud", "/networks", "networks"],
  ["cloud", "/firewalls", "firewalls"],
  ["cloud", "/placement_groups", "placement_groups"],
  ["cloud", "/ssh_keys", "ssh_keys"],
  ["cloud", "/zones", "zones"],
  ["hetzner", "/storage_boxes", "storage_boxes"],
];

/** A TXT value with its \DDD byte escapes read back as UTF-8. */
function decodeTxtBytes(value: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < value.length; i++) {
    const m = /^\\(\d{3})/.exec(value.slice(i));
    if (m) {
      bytes.push(Number(m[1]));
      i += 3;
    } else if (value[i] === "\\") {
      bytes.push(...Buffer.from(value.slice(i, i + 2)));
      i += 1;
    } else bytes.push(...Buffer.from(value[i]!));
  }
  return Buffer.from(bytes).toString("utf8");
}

function list(sb: Sandbox, api: "cloud" | "hetzner", route: string, key: string): any[] {
  const r = sb.sim.sim.handle(api, "GET", route, new URLSearchParams({ per_page: "50" }), {});
  return (r.body as Record<string, any[]>)[key] ?? [];
}

describeE2e("rehearsal of staging on the real engine", () => {
  const t = makeTempDir("all2all-e2e-staging-");
  afterAll(() => t.cleanup());
  const config = copyConfig(path.join(t.dir, "config"));
  editFile(
    path.join(config, "environments", "staging.yaml"),
    '      - { name: _dmarc, type: TXT, values: ["v=DMARC1; p=reject"] }\n',
    `      - { name: _dmarc, type: TXT, values: ["v=DMARC1; p=reject"] }\n      - { ` +
      `name: literal, type: TXT, values: [${JSON.stringify(TXT)}] }\n`,
  );
  fs.appendFileSync(path.join(config, "cloud-init", "web.yaml"), `${USER_DATA_LINE}\n`);
  editFile(
    path.join(config, "network.yaml"),
    "description: ping and path MTU discovery }",
    `description: ${JSON.stringify(RULE_DESCRIPTION)} }`,
  );
  const userData = fs.readFileSync(path.join(config, "cloud-init", "web.yaml"), "utf8");

  let result: Rehearsed;
  let received: ReturnType<typeof writes> = [];
  const seen: Record<string, unknown> = {};

  beforeAll(async () => {
    result = await rehearse("staging", { config, work: path.join(t.dir, "work") }, async (sb) => {
      received = writes(sb);
      const engineBin = sb.env.PATH!.split(path.delimiter)[0]!;
      const binary = path.join(engineBin, "tofu");
      const synthAgain = () =>
        capture(process.env, (io) => runSynth({ config, env: "staging", out: sb.out, localState: true }, io, repoRoot));
      /** plan (of `stack` only, when given) on the real engine, in the sandbox. */
      const planInSandbox = (stack?: string) =>
        capture({ ...process.env, ...sb.env }, (io) =>
          runPlan(
            { env: "staging", out: sb.out, ...(stack ? { stack } : {}), binary, allowMissingLock: true },
            io,
            repoRoot,
          ),
        );

      // Preflight on the real engine: without HCLOUD_TOKEN nothing runs.
      const { HCLOUD_TOKEN: _token, ...noToken } = sb.env;
      seen.preflight = await capture({ ...process.env, ...noToken, HCLOUD_TOKEN: "" }, (io) =>
        runPlan({ env: "staging", out: sb.out, binary, allowMissingLock: true }, io, repoRoot),
      );

      // A reviewed change (a TTL), synthesised again, planned and deployed with the confirmation typed.
      editFile(
        path.join(config, "environments", "staging.yaml"),
        "    mode: primary\n    ttl: 300\n",
        "    mode: primary\n    ttl: 600\n",
      );
      seen.synth = await synthAgain();
      seen.plan = await planInSandbox();
      seen.deploy = await capture({ ...process.env, ...sb.env }, (io) =>
        runDeploy({ env: "staging", out: sb.out, binary, allowMissingLock: true }, io, repoRoot, {
          confirm: async () => "staging",
          stdinIsTTY: true,
        }),
      );
      seen.zones = list(sb, "cloud", "/zones", "zones");
      seen.replan = await planInSandbox();

      // A change that forces a replacement (a server's location): the real plan, read by plan-summary and refused by
      // deploy --auto-approve.
      editFile(
        path.join(config, "environments", "staging.yaml"),
        "  - name: admin-1\n",
        "  - name: admin-1\n    location: nbg1\n",
      );
      seen.movedSynth = await synthAgain();
      seen.movedPlan = await planInSandbox("servers");
      const planJson = path.join(sb.out, "stacks", "staging-servers", "plan.json");
      seen.summary = await capture(process.env, (io) => runPlanSummary([planJson], { format: "json" }, io, repoRoot));
      seen.autoApprove = await capture({ ...process.env, ...sb.env }, (io) =>
        runDeploy(
          { env: "staging", out: sb.out, stack: "servers", binary, allowMissingLock: true, autoApprove: true },
          io,
          repoRoot,
        ),
      );
      seen.adminAfter = list(sb, "cloud", "/servers", "servers").find((x) => x.name === "admin-1");

      // Staging destroyed, stack by stack in reverse order, with tofu itself.
      const destroyed: { stack: string; code: number; output: string }[] = [];
      for (const stack of ["staging-dns", "staging-servers", "staging-network", "staging-backup"]) {
        const dir = path.join(sb.out, "stacks", stack);
        const init = await tofu({ tofu: binary }, dir, ["init", "-input=false"], undefined, { ...sb.env });
        const r =
          init.code === 0
            ? await tofu({ tofu: binary }, dir, ["destroy", "-auto-approve", "-input=false"], undefined, { ...sb.env })
            : init;
        destroyed.push({ stack, code: r.code, output: r.code === 0 ? "" : `${r.stdout}\n${r.stderr}` });
      }
      seen.destroy = destroyed;
      seen.left = Object.fromEntries(
        LIST_ROUTES.map(([api, route, key]) => [key, list(sb, api, route, key).map((x) => x.name ?? x.id)]),
      );
    });
  });

  test("every stack applies, creates resources, and plans again with no change", () => {
    expect(result.stderr.filter((l) => /no route|lacks/.test(l))).toEqual([]);
    expect(result.code).toBe(0);
    expect(result.report.environment).toBe("staging");
    expect(result.report.stacks.map((s) => s.name)).toEqual([
      "staging-backup",
      "staging-network",
      "staging-servers",
      "staging-dns",
    ]);
    for (const s of result.report.stacks) {
      expect(s.created.length).toBeGreaterThan(0);
      expect(s.changes_after_apply).toBe(0);
    }
    expect(result.report.missing_routes).toEqual([]);
  });

  test("text from the config reaches the API exactly as written: a TXT value, user_data, a rule description", () => {
    const rrset = received.find(
      (w) => w.method === "POST" && /\/zones\/[^/]+\/rrsets$/.test(w.path) && w.body?.name === "literal",
    );
    // The TXT value in DNS presentation form (quoted, non-ASCII bytes as \DDD): the same bytes as written.
    const values: string[] = rrset?.body.records.map((r: { value: string }) => r.value) ?? [];
    expect(values.map(decodeTxtBytes)).toEqual([formatTxtValue(TXT)].map(decodeTxtBytes));
    expect(decodeTxtBytes(values[0] ?? "")).toBe(`"${TXT.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`);

    const web = received.find((w) => w.method === "POST" && w.path === "/servers" && w.body?.name === "web-1");
    expect(web?.body.user_data).toBe(userData);

    // Labels too (Hetzner's rules allow no template syntax in them): exactly the synthesised ones.
    const synthesised = JSON.parse(
      fs.readFileSync(path.join(t.dir, "work", "out", "stacks", "staging-servers", "cdk.tf.json"), "utf8"),
    );
    expect(web?.body.labels).toEqual(synthesised.resource.hcloud_server["web-1"].labels);

    const firewall = received.find(
      (w) =>
        w.method === "POST" &&
        w.path === "/firewalls" &&
        (w.body?.rules ?? []).some((r: { protocol: string }) => r.protocol === "icmp"),
    );
    expect(firewall?.body.rules.find((r: { protocol: string }) => r.protocol === "icmp").description).toBe(
      RULE_DESCRIPTION,
    );
  });

  test("plan refuses without HCLOUD_TOKEN before running anything", () => {
    const p = seen.preflight as { code: number; stderr: string[]; stdout: string[] };
    expect(p.code).toBe(2);
    expect(p.stderr.join("\n")).toMatch(/HCLOUD_TOKEN is not set/);
    expect(p.stdout.join("\n")).not.toMatch(/\$ tofu init/);
  });

  test("plan and deploy on the real engine: a TTL change is summarised, confirmed, applied, and then stable", () => {
    expect((seen.synth as { code: number }).code).toBe(0);
    const plan = seen.plan as { code: number; stdout: string[] };
    expect(plan.code).toBe(0);
    expect(plan.stdout.filter((l) => /^staging-[a-z]+: /.test(l))).toEqual([
      "staging-backup: no changes",
      "staging-network: no changes",
      "staging-servers: no changes",
      // The zone and its record sets, whose TTL follows the zone's.
      expect.stringMatching(/^staging-dns: 0 to create, \d+ to update, 0 to replace, 0 to destroy$/),
    ]);
    expect(plan.stdout).toContain("     update hcloud_zone.all2all-staging-org");
    const deploy = seen.deploy as { code: number; stdout: string[] };
    expect(deploy.code).toBe(0);
    expect(deploy.stdout.join("\n")).toMatch(/deploy: environment staging: applied staging-dns/);
    expect((seen.zones as { name: string; ttl: number }[]).find((z) => z.name === "all2all-staging.org")?.ttl).toBe(
      600,
    );
    const replan = seen.replan as { code: number; stdout: string[] };
    expect(replan.code).toBe(0);
    expect(replan.stdout.filter((l) => /^staging-[a-z]+: \d+ to create/.test(l))).toEqual([]);
  });

  test(
    "a server moved to another location: a real plan that plan-summary lists first as " +
      "a replacement; deploy --auto-approve refuses it (exit 3)",
    () => {
      expect((seen.movedSynth as { code: number }).code).toBe(0);
      const plan = seen.movedPlan as { code: number; stdout: string[] };
      expect(plan.code).toBe(3);
      expect(plan.stdout.join("\n")).toMatch(/!! REPLACE hcloud_server\.admin-1/);
      const summary = seen.summary as { code: number; stdout: string[] };
      expect(summary.code).toBe(3);
      const report = JSON.parse(summary.stdout.join("\n"));
      expect(report.dangerous).toBe(true);
      expect(report.changes[0].action).toBe("replace");
      expect(
        report.changes
          .filter((c: { action: string }) => c.action === "replace")
          .map((c: { address: string }) => c.address),
      ).toContain("hcloud_server.admin-1");
      const auto = seen.autoApprove as { code: number; stderr: string[] };
      expect(auto.code).toBe(3);
      expect(auto.stderr.join("\n")).toMatch(/staging-servers: not applied/);
      expect((seen.adminAfter as { location: { name: string } }).location.name).toBe("fsn1");
    },
  );

  test("staging destroyed leaves no staging resource in the simulator", () => {
    for (const d of seen.destroy as { stack: string; code: number; output: string }[])
      expect(d).toEqual({ stack: d.stack, code: 0, output: "" });
    expect(seen.left).toEqual(Object.fromEntries(LIST_ROUTES.map(([, , key]) => [key, []])));
  });
});
