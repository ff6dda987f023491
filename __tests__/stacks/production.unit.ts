// Production's synthesised stacks: pinned addresses of stateful resources, a
// reviewed snapshot, and no secret given through the environment in any file.
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { names, synthDefault } from "../../testing/synth";

/** A value that cannot occur by chance. */
const secret = (label: string) => `${label}-${randomBytes(24).toString("base64url")}`;

// Secrets an operator would have in the environment while synthesising.
const planted = {
  HCLOUD_TOKEN: secret("token"),
  TF_VAR_tsig_all2all_org_transfer: randomBytes(32).toString("base64"),
  TF_VAR_storage_box_password_backup: secret("box-password"),
  TF_VAR_storage_box_subaccount_password_backup_web_1: secret("subaccount-password"),
  AWS_SECRET_ACCESS_KEY: secret("s3-secret"),
};
const saved: Record<string, string | undefined> = {};
for (const key of Object.keys(planted)) saved[key] = process.env[key];
Object.assign(process.env, planted);
const synth = synthDefault();
afterAll(() => {
  synth.cleanup();
  for (const [key, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});

/** Every file under a folder, recursively. */
function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

test("no secret from the environment appears in any synthesised file", () => {
  const files = filesUnder(synth.outdir);
  expect(files.map((f) => path.relative(synth.outdir, f))).toContain("manifest.json");
  expect(files.length).toBeGreaterThan(synth.stacks.size);
  for (const file of files) {
    const text = fs.readFileSync(file, "utf8");
    for (const [name, value] of Object.entries(planted)) {
      expect({ file: path.relative(synth.outdir, file), name, found: text.includes(value) }).toEqual({
        file: path.relative(synth.outdir, file),
        name,
        found: false,
      });
    }
  }
});

test("secrets enter only as sensitive variables", () => {
  const dns = synth.stacks.get("production-dns");
  expect(dns.variable.tsig_all2all_org_transfer).toMatchObject({ sensitive: true, type: "string" });
  expect(
    dns.resource.hcloud_zone["all2all-org"].primary_nameservers.map((p: { tsig_key: string }) => p.tsig_key),
  ).toEqual(["${var.tsig_all2all_org_transfer}", "${var.tsig_all2all_org_transfer}"]);
  const backup = synth.stacks.get("production-backup");
  expect(backup.variable.storage_box_password_backup).toMatchObject({ sensitive: true });
  expect(backup.resource.hcloud_storage_box.backup.password).toBe("${var.storage_box_password_backup}");
  for (const [name, sub] of Object.entries(backup.resource.hcloud_storage_box_subaccount) as Array<
    [string, { password: string }]
  >) {
    expect({ name, password: sub.password }).toEqual({
      name,
      password: expect.stringMatching(/^\$\{var\.storage_box_subaccount_password_backup_[a-z0-9_]+\}$/),
    });
  }
  for (const stack of synth.stacks.values()) expect(stack.provider.hcloud).toEqual([{}]);
});

// Terraform addresses of production's stateful resources are an API: a change
// here destroys and recreates the resource unless a `moved` block says where
// it went. Change this list only together with moved blocks.
const PINNED = [
  "production-network hcloud_network.internal",
  "production-servers hcloud_server.admin-1",
  "production-servers hcloud_server.lists-1",
  "production-servers hcloud_server.mail-1",
  "production-servers hcloud_server.ns-1",
  "production-servers hcloud_server.web-1",
  "production-servers hcloud_server.web-2",
  "production-servers hcloud_primary_ip.admin-1-ipv4",
  "production-servers hcloud_primary_ip.admin-1-ipv6",
  "production-servers hcloud_primary_ip.lists-1-ipv4",
  "production-servers hcloud_primary_ip.lists-1-ipv6",
  "production-servers hcloud_primary_ip.mail-1-ipv4",
  "production-servers hcloud_primary_ip.mail-1-ipv6",
  "production-servers hcloud_primary_ip.ns-1-ipv4",
  "production-servers hcloud_primary_ip.ns-1-ipv6",
  "production-servers hcloud_primary_ip.web-1-ipv4",
  "production-servers hcloud_primary_ip.web-1-ipv6",
  "production-servers hcloud_primary_ip.web-2-ipv4",
  "production-servers hcloud_primary_ip.web-2-ipv6",
  "production-servers hcloud_floating_ip.web-1-floating-ipv4",
  "production-servers hcloud_volume.lists-1-data",
  "production-servers hcloud_volume.mail-1-data",
  "production-servers hcloud_volume.web-1-data",
  "production-servers hcloud_volume.web-2-data",
  "production-dns hcloud_zone.all2all-org",
  "production-dns hcloud_zone.exemple-asbl-be",
  "production-backup hcloud_storage_box.backup",
].sort();

const STATEFUL_TYPES = [
  "hcloud_network",
  "hcloud_server",
  "hcloud_primary_ip",
  "hcloud_floating_ip",
  "hcloud_volume",
  "hcloud_zone",
  "hcloud_storage_box",
];

test("the Terraform addresses of production's stateful resources are pinned", () => {
  const actual: string[] = [];
  for (const [stack, tf] of synth.stacks) {
    if (!stack.startsWith("production-")) continue;
    for (const type of STATEFUL_TYPES) for (const name of names(tf, type)) actual.push(`${stack} ${type}.${name}`);
  }
  expect(actual.sort()).toEqual(PINNED);
});

/** The stack without cdktn's `//` metadata (construct paths), which reviewers need not read. */
function normalise(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalise);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([key]) => key !== "//")
        .map(([key, v]) => [key, normalise(v)]),
    );
  }
  return value;
}

describe("production's synthesised stacks (snapshot: review every change)", () => {
  for (const concern of ["network", "servers", "dns", "backup"]) {
    test(`production-${concern}`, () => {
      expect(normalise(synth.stacks.get(`production-${concern}`))).toMatchSnapshot();
    });
  }
});
