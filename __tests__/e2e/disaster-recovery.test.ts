// The disaster recovery drill of docs/disaster-recovery.md, run as written:
// the runbook's own sh blocks (all but the `# real disaster only` and
// `# not run by this project` ones), in order, in one bash, in a copy of the
// repository laid out as a fresh clone (its files, the build, node_modules),
// with the real engine against the empty simulated cloud that the drill's
// own first block starts on loopback. Between the drill's last step and the
// block that stops the simulator, the test asks the simulator what it holds.
import { execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { engineEnv } from "../../engine/engine";
import { loadNetwork } from "../../description";
import { runCli } from "../../testing/cli";
import { describeE2e, requireEngine } from "../../testing/engine";
import { shBlocks } from "../../testing/runbooks";
import { defaultConfig, makeTempDir, readJson, repoRoot } from "../../testing/tmp";

/**
 * The whole drill: synth, four deploys through the real engine, outputs, zone files and checks. A limit, not a timed
 * assertion.
 */
const DRILL_TIMEOUT_MS = 1_200_000;

interface Drill {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A copy of the repository as a fresh clone has it, plus the build (dist/, .gen/) and node_modules (linked). */
function cloneLike(dest: string): void {
  const files = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
    cwd: repoRoot,
    encoding: "utf8",
  })
    .split("\0")
    .filter(Boolean);
  for (const f of files) {
    const from = path.join(repoRoot, f);
    if (!fs.existsSync(from)) continue; // deleted in the working tree
    fs.mkdirSync(path.dirname(path.join(dest, f)), { recursive: true });
    fs.copyFileSync(from, path.join(dest, f));
  }
  for (const built of ["dist", ".gen"])
    fs.cpSync(path.join(repoRoot, built), path.join(dest, built), { recursive: true });
  fs.symlinkSync(path.join(repoRoot, "node_modules"), path.join(dest, "node_modules"));
}

/** Runs `script` with bash in `cwd`, in a process group of its own, bounded in time. */
function bash(script: string, cwd: string, env: Record<string, string>): Promise<Drill> {
  return new Promise((resolve, reject) => {
    const child = spawn("bash", ["-c", script], { cwd, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const killGroup = () => {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        /* already gone */
      }
    };
    const timer = setTimeout(killGroup, DRILL_TIMEOUT_MS - 60_000);
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    // On bash's exit, not on its streams' close: a simulator left running by a failed drill would hold them open.
    child.on("exit", (code) => {
      clearTimeout(timer);
      // The simulator the drill started, should the drill have failed before stopping it (the group is bash's own).
      killGroup();
      // What is still in the pipes arrives before the streams close.
      let ended = 0;
      const end = () => (++ended === 2 ? resolve({ code, stdout, stderr }) : undefined);
      if (child.stdout.readableEnded) end();
      else child.stdout.once("close", end);
      if (child.stderr.readableEnded) end();
      else child.stderr.once("close", end);
    });
  });
}

/** What the simulator holds, written to $DRILL_OBSERVED (run inside the drill, before its last block). */
const OBSERVE = `node -e '
  const headers = { authorization: "Bearer " + process.env.HCLOUD_TOKEN };
  const get = (p) => fetch(process.env.HCLOUD_ENDPOINT + p, { headers }).then((r) => r.json());
  const server = (x) => ({ name: x.name, location: x.location.name, ipv4: x.public_net.ipv4 && x.public_net.ipv4.ip });
  Promise.all([get("/servers?per_page=50"), get("/zones?per_page=50")]).then(([s, z]) =>
    require("fs").writeFileSync(process.env.DRILL_OBSERVED, JSON.stringify({
      servers: s.servers.map(server),
      zones: z.zones.map((x) => x.name),
    })),
  );
'
`;

describeE2e("docs/disaster-recovery.md: the drill, from an empty simulated cloud", () => {
  const t = makeTempDir("all2all-dr-drill-");
  const project = path.join(t.dir, "project");
  const observed = path.join(t.dir, "observed.json");
  let drill: Drill;

  const loaded = loadNetwork(defaultConfig);
  if (!loaded.ok) throw new Error("the default config does not load");
  const dr = loaded.specs.find((s) => s.environment.name === "dr")!;

  beforeAll(async () => {
    const engine = requireEngine();
    cloneLike(project);
    const blocks = shBlocks(fs.readFileSync(path.join(repoRoot, "docs", "disaster-recovery.md"), "utf8"), [
      "# real disaster only",
    ]);
    const last = blocks[blocks.length - 1]!;
    if (!last.startsWith("# drill only") || !last.includes('kill "$SIM_PID"'))
      throw new Error(`the runbook's last block is not the drill's end:\n${last}`);
    const script = ["set -eo pipefail", ...blocks.slice(0, -1), OBSERVE, last].join("\n");
    // A clean environment: nothing of this machine's credentials; the engine's cache found as the tests find it.
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: process.env.HOME ?? t.dir,
      TMPDIR: process.env.TMPDIR ?? "/tmp",
      DRILL_OBSERVED: observed,
    };
    for (const k of ["ALL2ALL_ENGINE_CACHE", "XDG_CACHE_HOME", "LANG"]) if (process.env[k]) env[k] = process.env[k]!;
    expect(engine.tofu).toBeTruthy();
    drill = await bash(script, project, env);
  }, DRILL_TIMEOUT_MS);
  afterAll(() => t.cleanup());

  const output = () =>
    `exit ${drill.code}\n--- stdout ` +
    `(end)\n${drill.stdout.slice(-4000)}\n--- stderr ` +
    `(end)\n${drill.stderr.slice(-4000)}`;

  test("runs through", () => {
    expect({ code: drill.code, output: drill.code === 0 ? "" : output() }).toEqual({ code: 0, output: "" });
  });

  test("dr is rebuilt: the simulator holds every server of dr, in dr's location, and its zones", () => {
    const held = readJson<{ servers: { name: string; location: string; ipv4: string | null }[]; zones: string[] }>(
      observed,
    );
    expect(held.servers.map((s) => s.name).sort()).toEqual(dr.servers.map((s) => s.name).sort());
    expect(new Set(held.servers.map((s) => s.location))).toEqual(new Set([dr.environment.location]));
    expect(held.zones.sort()).toEqual(dr.zones.map((z) => z.name).sort());
    // State stayed local (synth --local-state): nothing of the dr bucket was needed.
    expect(fs.readdirSync(path.join(project, "state")).sort()).toEqual([
      "dr-backup.tfstate",
      "dr-dns.tfstate",
      "dr-network.tfstate",
      "dr-servers.tfstate",
    ]);
  });

  test("the zone files name the rebuilt servers' addresses, read by `all2all output`", () => {
    const held = readJson<{ servers: { name: string; ipv4: string | null }[] }>(observed);
    const outputs = readJson<Record<string, { value: string }>>(path.join(project, "dr-servers.json"));
    for (const s of held.servers.filter((x) => x.ipv4)) expect(outputs[`${s.name}-ipv4`]?.value).toBe(s.ipv4);
    const apex = fs.readFileSync(path.join(project, "zones", "dr", "all2all.org.zone"), "utf8");
    const web1 = held.servers.find((s) => s.name === "web-1")!.ipv4!;
    expect(apex).toContain(web1);
    // Not the placeholder addresses zonefile falls back to without outputs (the SSHFP and TLSA
    // placeholders are the config's own, marked as such whatever the addresses).
    expect(apex).not.toMatch(/^; addresses: placeholders/m);
    expect(apex).not.toMatch(/\b192\.0\.2\.\d|PLACEHOLDER addresses/);
  });

  test("every zone passes named-checkzone and kzonecheck, and the Knot configuration knotc conf-check", () => {
    const zones = fs
      .readdirSync(path.join(project, "zones", "dr"))
      .filter((f) => f.endsWith(".zone"))
      .map((f) => f.replace(/\.zone$/, ""));
    expect(zones.sort()).toEqual(dr.zones.map((z) => z.name).sort());
    for (const zone of zones) {
      expect(drill.stdout).toMatch(new RegExp(`zone ${zone.replace(/\./g, "\\.")}/IN: loaded serial \\d+\\nOK`));
      expect(drill.stderr).toMatch(new RegExp(`^timed: \\d+ s: kzonecheck -o ${zone.replace(/\./g, "\\.")} `, "m"));
    }
    expect(drill.stdout).toContain("Configuration is valid");
    expect(drill.stderr).toMatch(/^timed: \d+ s: knotc -c zones\/dr-knot-check\/knot\.conf conf-check$/m);
    // The key file the check wrote holds the drill's TSIG secret, readable by its owner only.
    const keyFile = path.join(project, "zones", "dr-knot-check", "keys", "all2all-org-transfer.conf");
    expect(fs.readFileSync(keyFile, "utf8")).toMatch(
      /^key:\n {2}- id: all2all-org-transfer\n {4}algorithm: hmac-sha256\n {4}secret: [A-Za-z0-9+/]{43}=\n$/,
    );
    expect(fs.statSync(keyFile).mode & 0o077).toBe(0);
  });

  test("every step printed how long it took", () => {
    const timed = [...drill.stderr.matchAll(/^timed: (\d+) s: (.*)$/gm)].map((m) => m[2]);
    expect(timed).toEqual(
      expect.arrayContaining([
        "npm run build --silent",
        "npx all2all synth --env dr --local-state",
        "npx all2all inventory --env dr",
        "npx all2all deploy --env dr --stack network --auto-approve --allow-missing-lock",
        "npx all2all deploy --env dr --stack servers --auto-approve --allow-missing-lock",
        "npx all2all deploy --env dr --stack backup --auto-approve --allow-missing-lock",
        "npx all2all output --env dr --stack servers --format json",
        "npx all2all inventory --env dr --addresses dr-servers.json",
        "npx all2all zonefile --env dr --knot --addresses dr-servers.json",
        "knotc -c zones/dr-knot-check/knot.conf conf-check",
        "npx all2all deploy --env dr --stack dns --auto-approve --allow-missing-lock",
        "npx all2all output --env dr --stack backup",
      ]),
    );
  });

  test("the backup stack's host is printed by `all2all output`, as step 6 says", () => {
    expect(drill.stdout).toMatch(/^backup-host = \S+$/m);
  });

  test(
    "all2all output with the real engine: a stack whose state holds " + "nothing is said not to be applied (exit 1)",
    async () => {
      const engine = requireEngine();
      fs.rmSync(path.join(project, "state", "dr-servers.tfstate"));
      const r = await runCli(
        [
          "output",
          "--env",
          "dr",
          "--stack",
          "servers",
          "--out",
          path.join(project, "cdktf.out"),
          "--binary",
          engine.tofu,
        ],
        project,
        {
          ...engineEnv(engine),
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          TF_VAR_state_passphrase: "any-passphrase-for-no-state-0123",
        },
      );
      expect(r.stdout).toEqual([]);
      expect(r.stderr[r.stderr.length - 1]).toMatch(
        /^output: dr-servers is not applied yet: its state holds none of its outputs \(.+\); deploy it first/,
      );
      expect(r.code).toBe(1);
    },
  );
});
