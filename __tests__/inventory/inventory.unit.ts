// `all2all inventory`: what it lists matches what synth creates, stack by
// stack; docs/inventory.md is fresh; the formats, --addresses, --out and
// every refusal.
import * as fs from "node:fs";
import * as path from "node:path";
import {
  buildInventory,
  renderInventory,
  resourcesByStack,
  runInventory,
  STACK_CONCERNS,
  type InventoryOptions,
} from "../../cli/inventory";
import { captureIo } from "../../cli/io";
import { loadNetwork, type NetworkSpec } from "../../description";
import { synthDefault, type SynthResult } from "../../testing/synth";
import { defaultConfig, makeTempDir, repoRoot } from "../../testing/tmp";

const t = makeTempDir("all2all-inventory-");
afterAll(() => t.cleanup());

function specsOf(env?: string): NetworkSpec[] {
  const loaded = loadNetwork(defaultConfig, { env });
  if (!loaded.ok) throw new Error("the default config does not load");
  return loaded.specs;
}

async function inventory(opts: InventoryOptions, cwd = t.dir) {
  const io = captureIo({}, cwd);
  const code = await runInventory({ config: defaultConfig, ...opts }, io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

/** The outputs of a servers stack as `tofu output -json` prints them, with documentation addresses. */
function fakeServerOutputs(spec: NetworkSpec): Record<string, { value: string; type: string; sensitive: boolean }> {
  const outputs: Record<string, { value: string; type: string; sensitive: boolean }> = {
    "cross-stack-output-ignored": { value: "x", type: "string", sensitive: false },
  };
  spec.servers.forEach((s, i) => {
    if (s.public.ipv4) outputs[`${s.name}-ipv4`] = { value: `198.51.100.${i + 10}`, type: "string", sensitive: false };
    if (s.public.ipv6)
      outputs[`${s.name}-ipv6`] = { value: `2001:DB8:${i + 10}:0:0:0:0:1`, type: "string", sensitive: false };
  });
  return outputs;
}

describe("docs/inventory.md", () => {
  test("is the current output of `all2all inventory --env production --format md` (npm run inventory)", () => {
    const committed = fs.readFileSync(path.join(repoRoot, "docs", "inventory.md"), "utf8");
    const fresh = renderInventory(specsOf("production"), "md");
    // A plain comparison would print two 200-line documents; say what to do instead.
    expect(
      committed === fresh ? "fresh" : "docs/inventory.md is stale: run `npm run inventory` and commit the result",
    ).toBe("fresh");
  });

  test("the command with --out writes exactly that file", async () => {
    const out = path.join(t.dir, "inventory.md");
    const r = await inventory({ env: "production", out });
    expect(r.code).toBe(0);
    expect(fs.readFileSync(out, "utf8")).toBe(renderInventory(specsOf("production"), "md"));
    expect(r.stdout).toEqual([
      "inventory: production: 6 servers, 1 network, 6 firewall policies, 2 zones, 44 record sets, 1 storage box",
      "inventory: wrote inventory.md (Markdown)",
    ]);
    expect(fs.readdirSync(t.dir).filter((f) => f.includes(".tmp-"))).toEqual([]);
  });
});

describe("what the inventory lists is what synth creates", () => {
  let synth: SynthResult;
  beforeAll(() => {
    synth = synthDefault();
  });
  afterAll(() => synth.cleanup());

  test("every resource of every stack of every environment, and nothing else", () => {
    for (const spec of synth.specs) {
      const byStack = resourcesByStack(buildInventory(spec));
      for (const concern of STACK_CONCERNS) {
        const stack = `${spec.environment.name}-${concern}`;
        const tf = synth.stacks.get(stack);
        const synthesised = Object.entries(tf.resource ?? {})
          .flatMap(([type, byName]) => Object.keys(byName as object).map((name) => `${type}.${name}`))
          .sort();
        expect({ stack, resources: byStack.get(stack) ?? [] }).toEqual({ stack, resources: synthesised });
      }
    }
  });

  test("each stack comes after the stacks of its manifest dependencies", () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(synth.outdir, "manifest.json"), "utf8"));
    for (const spec of synth.specs) {
      for (const s of buildInventory(spec).stacks)
        expect({ stack: s.name, after: [...s.after].sort() }).toEqual({
          stack: s.name,
          after: [...manifest.stacks[s.name].dependencies].sort(),
        });
    }
  });

  test("the secrets to set are the variables the stacks declare", () => {
    for (const spec of synth.specs) {
      const inv = buildInventory(spec);
      for (const concern of STACK_CONCERNS) {
        const stack = `${spec.environment.name}-${concern}`;
        const declared = Object.keys(synth.stacks.get(stack).variable ?? {}).sort();
        const listed = inv.variables
          .filter((v) => v.stack === stack)
          .map((v) => v.variable)
          .sort();
        expect({ stack, variables: listed }).toEqual({ stack, variables: declared });
        for (const v of inv.variables) expect(v.env_var).toBe(`TF_VAR_${v.variable}`);
      }
    }
  });

  test("the outputs it names exist: each public address in <env>-servers, each box's host in <env>-backup", () => {
    for (const spec of synth.specs) {
      const inv = buildInventory(spec);
      const env = spec.environment.name;
      const serverOutputs = Object.keys(synth.stacks.get(`${env}-servers`).output ?? {});
      for (const s of inv.servers) for (const a of s.public) expect(serverOutputs).toContain(a.output);
      const backupOutputs = Object.keys(synth.stacks.get(`${env}-backup`).output ?? {});
      for (const b of inv.storage_boxes) expect(backupOutputs).toContain(b.host_output);
    }
  });

  test("the import id of each primary zone's record set is the provider's <zone>/<name>/<type>", () => {
    const inv = buildInventory(specsOf("production")[0]!);
    const zone = inv.zones.find((z) => z.name === "exemple-asbl.be")!;
    expect(zone.import_id).toBe("exemple-asbl.be");
    expect(zone.record_sets.find((r) => r.type === "A" && r.name === "@")).toMatchObject({
      resource: "hcloud_zone_rrset.exemple-asbl-be-apex-a",
      import_id: "exemple-asbl.be/@/A",
    });
    // A secondary zone's records are no resources: they live in the hidden primary's zone file.
    const secondary = inv.zones.find((z) => z.name === "all2all.org")!;
    expect(secondary.record_sets.every((r) => r.resource === undefined && r.import_id === undefined)).toBe(true);
  });
});

describe("the JSON format", () => {
  test(
    "one object per environment, with each server's role, type, location, addresses, " +
      "reverse DNS, firewalls, backups, volumes and subaccount",
    async () => {
      const r = await inventory({ env: "production", format: "json" });
      expect(r.code).toBe(0);
      const doc = JSON.parse(r.stdout.join("\n"));
      expect(doc.version).toBe(1);
      expect(doc.environments).toHaveLength(1);
      const env = doc.environments[0];
      expect(env.stacks.map((s: { name: string }) => s.name)).toEqual([
        "production-network",
        "production-servers",
        "production-dns",
        "production-backup",
      ]);
      const web1 = env.servers.find((s: { name: string }) => s.name === "web-1");
      expect(web1).toMatchObject({
        role: "web",
        type: "cx33",
        location: "fsn1",
        stack: "production-servers",
        resource: "hcloud_server.web-1",
        firewalls: ["base", "web"],
        backups: true,
        public: [
          {
            family: "ipv4",
            output: "web-1-ipv4",
            primary_ip: "hcloud_primary_ip.web-1-ipv4",
            reverse_dns: "web-1.all2all.org",
            reverse_dns_resource: "hcloud_rdns.web-1-ipv4",
          },
          {
            family: "ipv6",
            output: "web-1-ipv6",
            primary_ip: "hcloud_primary_ip.web-1-ipv6",
            reverse_dns: "web-1.all2all.org",
            reverse_dns_resource: "hcloud_rdns.web-1-ipv6",
          },
        ],
        volumes: [
          {
            name: "web-1-data",
            size_gb: 50,
            filesystem: "ext4",
            automount: true,
            resource: "hcloud_volume.web-1-data",
            attachment: "hcloud_volume_attachment.web-1-data",
          },
        ],
        storage_subaccounts: [
          {
            box: "backup",
            subaccount: "web-1",
            home_directory: "servers/web-1",
            stack: "production-backup",
            resource: "hcloud_storage_box_subaccount.backup-web-1",
          },
        ],
        floating_ip: {
          type: "ipv4",
          reverse_dns: "www.all2all.org",
          resource: "hcloud_floating_ip.web-1-floating-ipv4",
        },
      });
      expect(web1.public[0].value).toBeUndefined();
      expect(env.addresses.known).toBe(false);
      const a = env.zones
        .find((z: { name: string }) => z.name === "all2all.org")
        .record_sets.find((rs: { name: string; type: string }) => rs.name === "@" && rs.type === "A");
      expect(a.values).toEqual([
        { kind: "address", ref: "web-1.ipv4", output: "web-1-ipv4" },
        { kind: "address", ref: "web-2.ipv4", output: "web-2-ipv4" },
      ]);
    },
  );

  test("without --env: every environment", async () => {
    const r = await inventory({ format: "json" });
    expect(r.code).toBe(0);
    expect(
      JSON.parse(r.stdout.join("\n")).environments.map((e: { environment: { name: string } }) => e.environment.name),
    ).toEqual(specsOf().map((s) => s.environment.name));
  });
});

describe("--addresses", () => {
  test("shows the real addresses of the servers and of the records that name them", async () => {
    const spec = specsOf("production")[0]!;
    const file = path.join(t.dir, "production-servers.json");
    fs.writeFileSync(file, JSON.stringify(fakeServerOutputs(spec), null, 2));
    const r = await inventory({ env: "production", addresses: "production-servers.json" });
    expect(r.stderr).toEqual([]);
    expect(r.code).toBe(0);
    const text = r.stdout.join("\n");
    const web1 = spec.servers.findIndex((s) => s.name === "web-1") + 10;
    expect(text).toContain(`| web-1 | \`198.51.100.${web1}\` | \`2001:db8:${web1}::1\` | web-1.all2all.org |`);
    expect(text).toContain(`| @ | A | 300 | \`198.51.100.${web1}\` (\`web-1.ipv4\`)<br>`);
    expect(text).toContain("- Public addresses: outputs of the production-servers stack.");
    const json = await inventory({ env: "production", addresses: file, format: "json" });
    expect(JSON.parse(json.stdout.join("\n")).environments[0].servers[0].public[0].value).toMatch(
      /^198\.51\.100\.\d+$/,
    );
  });

  test("a file that lacks an address or is not JSON is refused (exit 2), every problem named", async () => {
    const spec = specsOf("production")[0]!;
    const outputs = fakeServerOutputs(spec);
    delete outputs["ns-1-ipv6"];
    outputs["mail-1-ipv4"]!.value = "2001:db8::1";
    const file = path.join(t.dir, "bad.json");
    fs.writeFileSync(file, JSON.stringify(outputs));
    const { code, stdout, stderr } = await inventory({ env: "production", addresses: "bad.json" });
    expect({ code, stdout, stderr }).toEqual({
      code: 2,
      stdout: [],
      stderr: [
        'inventory: bad.json: output "mail-1-ipv4": "2001:db8::1" is not an IPv4 address',
        'inventory: bad.json: output "ns-1-ipv6" is missing (the public IPv6 of ns-1); is ' +
          "this the output of production-servers, applied with this config?",
        "inventory: write it with `all2all output --env production --stack servers " +
          "--format json > FILE` after applying production-servers",
      ],
    });
    fs.writeFileSync(file, "not json");
    expect((await inventory({ env: "production", addresses: "bad.json" })).stderr[0]).toMatch(
      /^inventory: bad\.json: not JSON/,
    );
    expect((await inventory({ env: "production", addresses: "missing.json" })).stderr[0]).toMatch(
      /^inventory: cannot read the addresses file missing\.json: /,
    );
  });

  test("needs --env", async () => {
    const r = await inventory({ addresses: "x.json" });
    expect(r.code).toBe(2);
    expect(r.stderr).toEqual([
      "inventory: --addresses is the output of one environment's servers stack: give --env too",
    ]);
  });
});

describe("the stacks are built in memory", () => {
  test("printing the inventory writes nothing where it runs (no synth output, no cdktf.out)", async () => {
    const cwd = path.join(t.dir, "empty");
    fs.mkdirSync(cwd);
    // cdktn's App makes its output folder relative to the process's folder when it is given none.
    const before = process.cwd();
    process.chdir(cwd);
    try {
      const r = await inventory({ env: "production", format: "json" }, cwd);
      expect(r.code).toBe(0);
    } finally {
      process.chdir(before);
    }
    expect(fs.readdirSync(cwd)).toEqual([]);
  });

  test("given the stacks already built, the same inventory", () => {
    const { buildApp } = require("../../stacks/app") as typeof import("../../stacks/app.js");
    const spec = specsOf("staging")[0]!;
    const { environments } = buildApp([spec], { outdir: path.join(t.dir, "built-out") });
    expect(buildInventory(spec, undefined, environments[0])).toEqual(buildInventory(spec));
  });
});

describe("refusals and errors", () => {
  test("an unknown format, an --out in a missing folder or naming a folder (exit 2, nothing written)", async () => {
    expect(await inventory({ format: "html" })).toEqual({
      code: 2,
      stdout: [],
      stderr: ['inventory: --format must be one of md, json (got "html")'],
    });
    expect(await inventory({ out: "no/such/dir/inventory.md" })).toEqual({
      code: 2,
      stdout: [],
      stderr: ["inventory: the folder no/such/dir does not exist: --out must name a file in an existing folder"],
    });
    fs.mkdirSync(path.join(t.dir, "a-folder"), { recursive: true });
    expect((await inventory({ out: "a-folder" })).stderr).toEqual([
      "inventory: a-folder is a folder: --out names the file to write",
    ]);
  });

  test("an unknown environment is a config problem (exit 2)", async () => {
    const r = await inventory({ env: "nope" });
    expect(r.code).toBe(2);
    expect(r.stderr.join("\n")).toContain("nope");
  });
});

describe("the Markdown", () => {
  test("is deterministic, and covers every environment without --env", async () => {
    const a = await inventory({});
    const b = await inventory({});
    expect(a.stdout).toEqual(b.stdout);
    for (const spec of specsOf()) expect(a.stdout).toContain(`## Environment ${spec.environment.name}`);
  });

  test("every table row has as many cells as its header, and every row of a resource table names its stack", () => {
    const lines = renderInventory(specsOf(), "md").split("\n");
    const cells = (line: string) => line.replace(/\\\|/g, "").split("|").length - 2;
    let header: string | undefined;
    let rows = 0;
    for (const line of lines) {
      if (!line.startsWith("|")) {
        header = undefined;
        continue;
      }
      if (header === undefined) {
        header = line;
        continue;
      }
      expect({ line, cells: cells(line) }).toEqual({ line, cells: cells(header) });
      if (/\| (stack|stacks) \|/.test(header) && !line.startsWith("|---")) {
        expect(line).toMatch(/`(production|staging|dr)-(network|servers|dns|backup)`/);
        rows++;
      }
    }
    expect(rows).toBeGreaterThan(50);
  });

  test("long record values are shortened in tables only", () => {
    const spec = specsOf("production")[0]!;
    const md = renderInventory([spec], "md");
    expect(md).toMatch(/`"v=DKIM1; k=rsa; p=[A-Za-z0-9+/]+… \(\d+ characters\)`/);
    const json = JSON.parse(renderInventory([spec], "json"));
    const dkim = json.environments[0].zones[0].record_sets.find((r: { name: string }) => r.name === "mail._domainkey");
    expect(dkim.values[0].text.length).toBeGreaterThan(300);
  });
});
