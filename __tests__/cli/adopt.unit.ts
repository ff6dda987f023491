// `all2all adopt`: the lookup of an environment's resources in its Hetzner
// project (the in-process simulator), the adoption file it writes, and its
// refusals: no token, a name that matches two resources.
import * as fs from "node:fs";
import * as path from "node:path";
import { matchExisting, runAdopt, type ApiGet, type Existing, type StackDoc } from "../../cli/adopt";
import { captureIo, ExitCode } from "../../cli/io";
import { registerCompute } from "../../simulator/resources/compute";
import { registerDns } from "../../simulator/resources/dns";
import { registerNetworking } from "../../simulator/resources/networking";
import { registerStorageBoxes } from "../../simulator/resources/storage-boxes";
import { parseAdoption } from "../../description";
import {
  createLabNetwork,
  LAB,
  LAB_ZONE,
  labLabels,
  labPublicKey,
  writeLabConfig,
  type LabIds,
} from "../../testing/adopt";
import { inProcessSim } from "../../testing/simulator";
import { synthDefault } from "../../testing/synth";
import { makeTempDir, repoRoot } from "../../testing/tmp";

jest.setTimeout(60_000);

function lab() {
  const { sim } = inProcessSim(registerCompute, registerNetworking, registerDns, registerStorageBoxes);
  sim.instantActions = true;
  const calls: string[] = [];
  const request = async (api: "cloud" | "hetzner", method: string, route: string, body?: Record<string, unknown>) => {
    const r = sim.handle(api, method, route, new URLSearchParams(), body ?? {});
    return { status: r.status, body: r.body as any };
  };
  const get: ApiGet = async (api, route, query) => {
    calls.push(`${api} GET ${route}`);
    const r = sim.handle(api, "GET", route, new URLSearchParams(query), {});
    return { status: r.status, body: r.body as any };
  };
  return { sim, request, get, calls };
}

const t = makeTempDir("all2all-adopt-cli-");
afterAll(() => t.cleanup());
let n = 0;

/** Creates an SSH key in the lab's project: its id. */
async function postSshKey(l: ReturnType<typeof lab>, name: string, public_key: string): Promise<number> {
  return (await l.request("cloud", "POST", "/ssh_keys", { name, public_key })).body.ssh_key.id;
}
function labDir(): { dir: string; config: string; file: string } {
  const dir = path.join(t.dir, `case-${++n}`);
  const config = writeLabConfig(path.join(dir, "config"));
  return { dir, config, file: path.join(config, "adopt", `${LAB}.yaml`) };
}

describe("a network created beforehand through the API", () => {
  const { dir, file } = labDir();
  let ids: LabIds;
  let code: number;
  let out: string[];
  beforeAll(async () => {
    const l = lab();
    ids = await createLabNetwork(l.request);
    // Created in the Console, never described: listed, never adopted.
    await l.request("cloud", "POST", "/servers", {
      name: "old-1",
      server_type: "cx23",
      image: "debian-13",
      location: "fsn1",
    });
    await l.request("cloud", "POST", `/zones/${ids.zone}/rrsets`, {
      name: "old",
      type: "A",
      ttl: 3600,
      records: [{ value: "192.0.2.7" }],
    });
    const io = captureIo({ HCLOUD_TOKEN: "x".repeat(64) }, dir);
    code = await runAdopt({ env: LAB }, io, repoRoot, { get: l.get });
    out = io.stdout;
    if (code !== 0) throw new Error(io.stderr.join("\n"));
  });

  test("every resource of the config is matched, with the provider's import id", () => {
    expect(code).toBe(ExitCode.ok);
    const parsed = parseAdoption("adopt.yaml", fs.readFileSync(file, "utf8"));
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    const byAddress = Object.fromEntries(parsed.adoption.entries.map((e) => [e.address, e.id]));
    expect(byAddress).toEqual({
      "hcloud_ssh_key.alice": String(ids.sshKey),
      "hcloud_network.internal": String(ids.network),
      "hcloud_network_subnet.internal-10-20-1-0-24": `${ids.network}-10.20.1.0/24`,
      "hcloud_firewall.base": String(ids.firewall),
      "hcloud_server.web-1": String(ids.servers["web-1"]),
      "hcloud_server.db-1": String(ids.servers["db-1"]),
      "hcloud_primary_ip.web-1-ipv4": String(ids.primaryIps["web-1-ipv4"]),
      "hcloud_primary_ip.web-1-ipv6": String(ids.primaryIps["web-1-ipv6"]),
      "hcloud_primary_ip.db-1-ipv6": String(ids.primaryIps["db-1-ipv6"]),
      "hcloud_rdns.web-1-ipv4": expect.stringMatching(
        new RegExp(`^p-${ids.primaryIps["web-1-ipv4"]}-\\d+\\.\\d+\\.\\d+\\.\\d+$`),
      ),
      "hcloud_server_network.web-1-internal": `${ids.servers["web-1"]}-${ids.network}`,
      "hcloud_server_network.db-1-internal": `${ids.servers["db-1"]}-${ids.network}`,
      "hcloud_zone.all2all-lab-org": LAB_ZONE,
      "hcloud_zone_rrset.all2all-lab-org-apex-a": `${LAB_ZONE}/@/A`,
      "hcloud_zone_rrset.all2all-lab-org-www-cname": `${LAB_ZONE}/www/CNAME`,
      "hcloud_zone_rrset.all2all-lab-org-apex-txt": `${LAB_ZONE}/@/TXT`,
      "hcloud_zone_rrset.all2all-lab-org-apex-caa": `${LAB_ZONE}/@/CAA`,
      "hcloud_storage_box.backup": String(ids.box),
      "hcloud_storage_box_subaccount.backup-web-1": `${ids.box}/${ids.subaccount}`,
    });
    expect(parsed.adoption.entries.find((e) => e.address === "hcloud_server.web-1")?.matched).toBe(
      `server named web-1 (id ${ids.servers["web-1"]})`,
    );
  });

  test("nothing is left to create, and what exists without config is listed, not adopted", () => {
    const i = out.findIndex((l) => l.startsWith("not found, to create"));
    expect(out[i]).toBe("not found, to create (0):");
    const j = out.findIndex((l) => l.startsWith("in the project but not in the config"));
    const listed = out
      .slice(j + 1)
      .filter((l) => l.startsWith("  "))
      .map((l) => l.trim());
    expect(listed).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^server old-1 \(id \d+\)$/),
        `record set old A of zone ${LAB_ZONE}`,
        expect.stringMatching(/^primary IP \S+ 203\.0\.113\.\d+ \(id \d+\)$/),
      ]),
    );
    expect(fs.readFileSync(file, "utf8")).not.toContain("old");
  });

  test("the file is accepted by the loader and synth turns it into import blocks", async () => {
    const io = captureIo({}, dir);
    const { runCheck } = await import("../../cli/check.js");
    expect(await runCheck({ env: LAB }, io)).toBe(ExitCode.ok);
    const synth = synthDefault(path.join(dir, "config"));
    try {
      expect(synth.stacks.get("lab-servers").import).toEqual(
        expect.arrayContaining([{ to: "hcloud_server.web-1", id: String(ids.servers["web-1"]) }]),
      );
      expect(synth.stacks.get("lab-dns").import).toEqual(
        expect.arrayContaining([{ to: "hcloud_zone_rrset.all2all-lab-org-www-cname", id: `${LAB_ZONE}/www/CNAME` }]),
      );
      expect(synth.stacks.get("lab-backup").import).toHaveLength(2);
      expect(synth.stacks.get("lab-network").import).toHaveLength(4);
      // What the provider does not read back after an import is ignored on adopted resources
      // (constructs/import-blocks.ts).
      const servers = synth.stacks.get("lab-servers").resource;
      expect(servers.hcloud_server["web-1"].lifecycle.ignore_changes).toEqual([
        "image",
        "ssh_keys",
        "user_data",
        "public_net",
      ]);
      expect(servers.hcloud_server_network["web-1-internal"].lifecycle.ignore_changes).toEqual(["subnet_id"]);
      const backup = synth.stacks.get("lab-backup").resource;
      expect(backup.hcloud_storage_box.backup.lifecycle.ignore_changes).toEqual(["ssh_keys", "password"]);
      expect(backup.hcloud_storage_box_subaccount["backup-web-1"].lifecycle.ignore_changes).toEqual(["password"]);
    } finally {
      synth.cleanup();
    }
  });
});

test("resources that are not adopted keep comparing those attributes", () => {
  const { config } = labDir();
  const synth = synthDefault(config);
  try {
    expect(synth.stacks.get("lab-servers").import).toBeUndefined();
    expect(synth.stacks.get("lab-servers").resource.hcloud_server["web-1"].lifecycle.ignore_changes).toEqual([
      "image",
      "ssh_keys",
      "user_data",
    ]);
    expect(synth.stacks.get("lab-servers").resource.hcloud_server_network["web-1-internal"].lifecycle).toBeUndefined();
    expect(synth.stacks.get("lab-backup").resource.hcloud_storage_box.backup.lifecycle.ignore_changes).toEqual([
      "ssh_keys",
    ]);
  } finally {
    synth.cleanup();
  }
});

test("without HCLOUD_TOKEN nothing is looked up: exit 2", async () => {
  const { dir, file } = labDir();
  const io = captureIo({}, dir);
  expect(await runAdopt({ env: LAB }, io, repoRoot)).toBe(ExitCode.badInput);
  expect(io.stderr.join("\n")).toMatch(/HCLOUD_TOKEN is not set/);
  expect(fs.existsSync(file)).toBe(false);
});

test("--dry-run prints the file and writes nothing", async () => {
  const { dir, file } = labDir();
  const l = lab();
  await createLabNetwork(l.request);
  const io = captureIo({ HCLOUD_TOKEN: "x".repeat(64) }, dir);
  expect(await runAdopt({ env: LAB, dryRun: true }, io, repoRoot, { get: l.get })).toBe(ExitCode.ok);
  expect(io.stdout.join("\n")).toMatch(/hcloud_server\.web-1: \{ id: "\d+"/);
  expect(fs.existsSync(file)).toBe(false);
});

test("a project without the network: everything is to be created, the file adopts nothing", async () => {
  const { dir, file } = labDir();
  const l = lab();
  const io = captureIo({ HCLOUD_TOKEN: "x".repeat(64) }, dir);
  expect(await runAdopt({ env: LAB }, io, repoRoot, { get: l.get })).toBe(ExitCode.ok);
  expect(io.stdout).toContain("matched, to import (0):");
  expect(io.stdout.join("\n")).toMatch(/hcloud_server\.web-1: no server named "web-1"/);
  expect(io.stdout.join("\n")).toMatch(/hcloud_zone_rrset\.all2all-lab-org-apex-a: its zone is not adopted/);
  const parsed = parseAdoption("f", fs.readFileSync(file, "utf8"));
  expect(parsed.ok && parsed.adoption.entries).toEqual([]);
});

test("a server without the IPv4 the config gives it: its primary IPv4 is created on purpose", async () => {
  const { dir, file } = labDir();
  const l = lab();
  const key = await postSshKey(l, "alice", `${labPublicKey()} alice@lab`);
  await l.request("cloud", "POST", "/servers", {
    name: "web-1",
    server_type: "cx23",
    image: "debian-13",
    location: "fsn1",
    ssh_keys: [key],
    labels: labLabels("web"),
    public_net: { enable_ipv4: false, enable_ipv6: true },
  });
  const io = captureIo({ HCLOUD_TOKEN: "x".repeat(64) }, dir);
  expect(await runAdopt({ env: LAB }, io, repoRoot, { get: l.get })).toBe(ExitCode.ok);
  const text = fs.readFileSync(file, "utf8");
  expect(text).toMatch(/hcloud_primary_ip\.web-1-ipv4: \{ id: "create", matched: "server web-1 has no IPV4/);
  expect(text).toMatch(/hcloud_primary_ip\.web-1-ipv6: \{ id: "\d+", matched: "the primary IPV6 of server web-1/);
});

test(
  "an SSH key matched twice (its public key under another name, and a key of " +
    "its name): exit 2 naming both ids, nothing written",
  async () => {
    const { dir, file } = labDir();
    const l = lab();
    const same = await postSshKey(l, "old-laptop", `${labPublicKey()} alice@old`);
    const other = await postSshKey(
      l,
      "alice",
      fs
        .readFileSync(path.join(repoRoot, "config", "network.yaml"), "utf8")
        .match(/public_key: (ssh-ed25519 \S+)/g)![1]!
        .slice(12),
    );
    const io = captureIo({ HCLOUD_TOKEN: "x".repeat(64) }, dir);
    expect(await runAdopt({ env: LAB }, io, repoRoot, { get: l.get })).toBe(ExitCode.badInput);
    const err = io.stderr.join("\n");
    expect(err).toContain(`named "old-laptop" (id ${same})`);
    expect(err).toContain(`named "alice" (id ${other})`);
    expect(err).toMatch(/nothing written/);
    expect(fs.existsSync(file)).toBe(false);
  },
);

test("two resources of one name (as a listing may show them): a conflict naming both ids", () => {
  const stacks: StackDoc[] = [
    {
      concern: "servers",
      name: "lab-servers",
      resources: { hcloud_server: { "web-1": { name: "web-1" } } },
      imported: new Set(),
    },
  ];
  const none = {
    ssh_keys: [],
    networks: [],
    firewalls: [],
    placement_groups: [],
    primary_ips: [],
    volumes: [],
    floating_ips: [],
    zones: [],
    rrsets: new Map(),
    storage_boxes: [],
    subaccounts: new Map(),
  };
  const existing: Existing = {
    ...none,
    servers: [
      { id: 11, name: "web-1" },
      { id: 12, name: "web-1" },
    ],
  };
  const lookup = matchExisting(stacks, existing);
  expect(lookup.conflicts).toEqual([
    expect.stringContaining('hcloud_server.web-1: 2 servers are named "web-1" (ids 11, 12)'),
  ]);
  expect(lookup.matches).toEqual([]);
});

test("an API error stops the command: exit 1, nothing written", async () => {
  const { dir, file } = labDir();
  const get: ApiGet = async () => ({
    status: 401,
    body: { error: { code: "unauthorized", message: "unable to authenticate" } },
  });
  const io = captureIo({ HCLOUD_TOKEN: "x".repeat(64) }, dir);
  expect(await runAdopt({ env: LAB }, io, repoRoot, { get })).toBe(ExitCode.failed);
  expect(io.stderr.join("\n")).toMatch(/answered 401 unauthorized: unable to authenticate/);
  expect(fs.existsSync(file)).toBe(false);
});

describe("through the command line", () => {
  test("adopt without --env or without a token is refused: exit 2", async () => {
    const { runCli } = await import("../../testing/cli.js");
    const { dir, config } = labDir();
    const noEnv = await runCli(["adopt", "--config", config], dir, {});
    expect(noEnv.code).toBe(ExitCode.badInput);
    expect(noEnv.stderr.join("\n")).toMatch(/--env is required/);
    const noToken = await runCli(["adopt", "--env", LAB, "--config", config], dir, { HCLOUD_TOKEN: "" });
    expect(noToken.code).toBe(ExitCode.badInput);
    expect(noToken.stderr.join("\n")).toMatch(/HCLOUD_TOKEN is not set/);
  });

  test("an API that cannot be reached (a closed loopback port): exit 1, nothing written", async () => {
    const { runCli } = await import("../../testing/cli.js");
    const { dir, config, file } = labDir();
    const closed = "http://127.0.0.1:9/v1";
    const r = await runCli(["adopt", "--env", LAB, "--config", config], dir, {
      HCLOUD_TOKEN: "x".repeat(64),
      HCLOUD_ENDPOINT: closed,
      HETZNER_ENDPOINT: closed,
    });
    expect(r.code).toBe(ExitCode.failed);
    expect(r.stderr.join("\n")).toMatch(/adopt: the API could not be reached/);
    expect(fs.existsSync(file)).toBe(false);
  });
});
