/**
 * validateSynthOutput: reading a cdktn output directory (manifest or
 * stacks/* fallback), reporting unreadable files as problems, and an
 * end-to-end check that what cdktn really synthesises validates cleanly.
 */

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  App,
  DataTerraformRemoteStateLocal,
  LocalBackend,
  TerraformOutput,
  TerraformStack,
  TerraformVariable,
  Token,
} from "cdktn";
import { Firewall } from "../../.gen/providers/hcloud/firewall";
import { Network } from "../../.gen/providers/hcloud/network";
import { NetworkSubnet } from "../../.gen/providers/hcloud/network-subnet";
import { PrimaryIp } from "../../.gen/providers/hcloud/primary-ip";
import { HcloudProvider } from "../../.gen/providers/hcloud/provider";
import { Server } from "../../.gen/providers/hcloud/server";
import { StorageBox } from "../../.gen/providers/hcloud/storage-box";
import { formatProblem, loadProviderSchemas, validateSynthOutput } from "../../validate";

const schemas = loadProviderSchemas([path.join(__dirname, "../../providers/hcloud/schema.json")]);

const goodStack = {
  terraform: { required_providers: { hcloud: { source: "hetznercloud/hcloud" } } },
  provider: { hcloud: [{}] },
  resource: { hcloud_network: { n: { name: "n", ip_range: "10.0.0.0/8" } } },
};
const badStack = { resource: { hcloud_network: { n: { name: "n" } } } };

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "synth-output-test-"));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function write(relative: string, content: unknown): void {
  const file = path.join(dir, relative);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content));
}

function manifestEntry(name: string): Record<string, unknown> {
  return {
    name,
    constructPath: name,
    workingDirectory: `stacks/${name}`,
    synthesizedStackPath: `stacks/${name}/cdk.tf.json`,
    annotations: [],
    dependencies: [],
  };
}

describe("validateSynthOutput", () => {
  it("validates every stack listed in manifest.json and collects all problems", () => {
    write("manifest.json", { version: "0.24.0", stacks: { good: manifestEntry("good"), bad: manifestEntry("bad") } });
    write("stacks/good/cdk.tf.json", goodStack);
    write("stacks/bad/cdk.tf.json", badStack);
    write("stacks/unlisted/cdk.tf.json", badStack);
    const result = validateSynthOutput(dir, schemas);
    expect(result.stacks).toEqual(["good", "bad"]);
    expect(result.problems.map(formatProblem)).toEqual([
      'bad hcloud_network.n ip_range: missing required attribute "ip_range" (expected string)',
    ]);
  });

  it("reports missing and unparsable stack files as problems naming the file", () => {
    write("manifest.json", {
      version: "0.24.0",
      stacks: { gone: manifestEntry("gone"), broken: manifestEntry("broken"), bad: manifestEntry("bad") },
    });
    write("stacks/broken/cdk.tf.json", "{ nope");
    write("stacks/bad/cdk.tf.json", badStack);
    const result = validateSynthOutput(dir, schemas);
    expect(result.stacks).toEqual(["gone", "broken", "bad"]);
    const [gone, broken, bad] = result.problems;
    expect(gone).toMatchObject({ severity: "error", stack: "gone", address: "", path: "" });
    expect(gone!.message).toBe(
      `cannot read ${path.join(dir, "stacks/gone/cdk.tf.json")}: file not found (expected a synthesised JSON file)`,
    );
    expect(broken).toMatchObject({ severity: "error", stack: "broken", address: "", path: "" });
    expect(broken!.message).toContain(`cannot parse ${path.join(dir, "stacks/broken/cdk.tf.json")}: `);
    expect(bad).toMatchObject({ stack: "bad", address: "hcloud_network.n", path: "ip_range" });
    expect(result.problems).toHaveLength(3);
  });

  it("falls back to stacks/*/cdk.tf.json without a manifest", () => {
    write("stacks/b/cdk.tf.json", badStack);
    write("stacks/a/cdk.tf.json", goodStack);
    fs.mkdirSync(path.join(dir, "stacks/empty"));
    const result = validateSynthOutput(dir, schemas);
    expect(result.stacks).toEqual(["a", "b"]);
    expect(result.problems.map((p) => `${p.stack} ${p.address} ${p.path}`)).toEqual(["b hcloud_network.n ip_range"]);
  });

  it("reports an unparsable manifest and still validates the stacks directory", () => {
    write("manifest.json", "not json");
    write("stacks/a/cdk.tf.json", goodStack);
    const result = validateSynthOutput(dir, schemas);
    expect(result.stacks).toEqual(["a"]);
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatchObject({ stack: "", address: "", path: "" });
    expect(result.problems[0]!.message).toContain(`cannot parse ${path.join(dir, "manifest.json")}`);
  });

  it("reports an output directory without stacks", () => {
    const result = validateSynthOutput(path.join(dir, "missing"), schemas);
    expect(result.stacks).toEqual([]);
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]!.message).toMatch(
      /^no stacks found in .*missing \(expected .*manifest\.json or .*cdk\.tf\.json\)$/,
    );
  });
});

describe("real cdktn output", () => {
  it("validates what cdktn synthesises for a realistic two-stack app with 0 problems", () => {
    const outdir = path.join(dir, "cdktf.out");
    const app = new App({ outdir });

    const network = new TerraformStack(app, "production-network");
    new LocalBackend(network, { path: path.join(dir, "network.tfstate") });
    const token = new TerraformVariable(network, "hcloud_token", { type: "string", sensitive: true });
    new HcloudProvider(network, "hcloud", { token: token.stringValue });
    const net = new Network(network, "main", { name: "main", ipRange: "10.0.0.0/8", labels: { env: "prod" } });
    new NetworkSubnet(network, "cloud", {
      networkId: Token.asNumber(net.id),
      type: "cloud",
      networkZone: "eu-central",
      ipRange: "10.0.1.0/24",
    });
    const firewall = new Firewall(network, "web", {
      name: "web",
      rule: [{ direction: "in", protocol: "tcp", port: "22", sourceIps: ["0.0.0.0/0", "::/0"] }],
    });
    const ip = new PrimaryIp(network, "web-1-v4", {
      name: "web-1-v4",
      type: "ipv4",
      location: "fsn1",
      assigneeType: "server",
      autoDelete: false,
    });
    const web = new Server(network, "web-1", {
      name: "web-1",
      serverType: "cx22",
      image: "debian-12",
      location: "fsn1",
      firewallIds: [Token.asNumber(firewall.id)],
      publicNet: [{ ipv4Enabled: true, ipv4: Token.asNumber(ip.id), ipv6Enabled: false }],
      network: [{ networkId: Token.asNumber(net.id), ip: "10.0.1.5" }],
      lifecycle: { ignoreChanges: ["ssh_keys"] },
      timeouts: { create: "10m" },
    });
    web.importFrom("12345");
    web.moveFromId("hcloud_server.web");
    new StorageBox(network, "backup", {
      name: "backup",
      location: "fsn1",
      storageBoxType: "bx11",
      password: token.stringValue,
      accessSettings: { sshEnabled: true },
      snapshotPlan: { hour: 3, minute: 0, maxSnapshots: 10 },
    });
    new TerraformOutput(network, "web-ip", { value: web.ipv4Address });

    const dns = new TerraformStack(app, "production-dns");
    new HcloudProvider(dns, "hcloud", {});
    const remote = new DataTerraformRemoteStateLocal(dns, "network-state", { path: path.join(dir, "network.tfstate") });
    new Network(dns, "mirror", {
      name: net.name,
      ipRange: "10.0.0.0/8",
      labels: { origin: remote.getString("web-ip") },
    });

    app.synth();
    const result = validateSynthOutput(outdir, schemas);
    expect(result.stacks.sort()).toEqual(["production-dns", "production-network"]);
    expect(result.problems.map(formatProblem)).toEqual([]);
  });
});
