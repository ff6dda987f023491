// Adopting an existing server: an import_id in the environment's overlay
// becomes import blocks for the server and its primary IPs, not a new server.
import * as fs from "node:fs";
import * as path from "node:path";
import { synthDefault } from "../../testing/synth";
import { defaultConfig, makeTempDir } from "../../testing/tmp";

const t = makeTempDir("all2all-adopt-");
const config = path.join(t.dir, "config");
fs.cpSync(defaultConfig, config, { recursive: true });
const overlay = path.join(config, "environments", "production.yaml");
fs.appendFileSync(
  overlay,
  "\nservers:\n  - name: ns-1\n    import_id: 4711\n    import_primary_ips: { ipv4: 1001, ipv6: create }\n",
);
const synth = synthDefault(config);
afterAll(() => {
  synth.cleanup();
  t.cleanup();
});

test("the adopted server and its named primary IP are imported; a primary IP said to be created is not", () => {
  const imports = synth.stacks.get("production-servers").import;
  expect(imports).toEqual(
    expect.arrayContaining([
      { to: "hcloud_server.ns-1", id: "4711" },
      { to: "hcloud_primary_ip.ns-1-ipv4", id: "1001" },
    ]),
  );
  expect(imports.filter((i: { to: string }) => i.to.includes("ns-1"))).toHaveLength(2);
});

test("other environments are untouched by production's overlay", () => {
  expect(synth.stacks.get("staging-servers").import).toBeUndefined();
  expect(synth.stacks.get("dr-servers").import).toBeUndefined();
});

test(
  "the adopted server keeps ignore_changes on the attributes that would rebuild " +
    "it, and on public_net, which an import does not read back",
  () => {
    const ns = synth.stacks.get("production-servers").resource.hcloud_server["ns-1"];
    expect(ns.lifecycle.ignore_changes).toEqual(["image", "ssh_keys", "user_data", "public_net"]);
  },
);
