// `all2all validate` on synthesised output that someone edited by hand: each
// acceptance case of the foundation issue, through the command line.
import * as fs from "node:fs";
import * as path from "node:path";
import { captureIo } from "../../cli/io";
import { main } from "../../cli/main";
import { expectUnvalidatedSynth } from "../../testing/cli-process";
import { makeTempDir, readJson, repoRoot } from "../../testing/tmp";

const t = makeTempDir("all2all-validate-");
const pristine = path.join(t.dir, "pristine");
let serverStack = "";
let serverName = "";

beforeAll(async () => {
  await expectUnvalidatedSynth("production", pristine, t.dir);
  for (const stack of fs.readdirSync(path.join(pristine, "stacks"))) {
    const tf = readJson(path.join(pristine, "stacks", stack, "cdk.tf.json"));
    const servers = Object.keys(tf.resource?.hcloud_server ?? {});
    if (servers.length > 0 && !serverStack) {
      serverStack = stack;
      serverName = servers[0]!;
    }
  }
  expect(serverStack).not.toBe("");
});
afterAll(() => t.cleanup());

/** Copies the pristine output, lets `edit` change the server's stack, validates the copy. */
async function validateEdited(name: string, edit: (tf: any) => void) {
  const out = path.join(t.dir, name);
  fs.cpSync(pristine, out, { recursive: true });
  const file = path.join(out, "stacks", serverStack, "cdk.tf.json");
  const tf = readJson(file);
  edit(tf);
  fs.writeFileSync(file, JSON.stringify(tf, null, 2));
  const io = captureIo({}, t.dir);
  const code = await main(["validate", "--out", out], io, repoRoot);
  return { code, stderr: io.stderr.join("\n"), stdout: io.stdout.join("\n") };
}

test("the unedited output is valid: 0 problems, exit 0", async () => {
  const io = captureIo({}, t.dir);
  expect(await main(["validate", "--out", pristine], io, repoRoot)).toBe(0);
  expect(io.stdout.join("\n")).toMatch(/validate: \d+ stacks?, 0 problems/);
  expect(io.stderr).toEqual([]);
});

// Each case edits the server of the server's stack; `says` is what the message adds to the attribute's name.
test.each([
  {
    what: "an unknown attribute",
    attribute: "server_flavour",
    edit: (server: any) => {
      server.server_flavour = "large";
    },
    says: /unknown attribute/,
  },
  {
    what: "a missing required attribute",
    attribute: "name",
    edit: (server: any) => {
      delete server.name;
    },
    says: /required/,
  },
  {
    what: "a string where the schema wants a list",
    attribute: "ssh_keys",
    edit: (server: any) => {
      server.ssh_keys = "ops-key";
    },
    says: /list/,
  },
  {
    what: "a reference to a resource that does not exist",
    attribute: "placement_group_id",
    edit: (server: any) => {
      server.placement_group_id = "${hcloud_server.nope.id}";
    },
    says: "hcloud_server.nope",
  },
])("$what: exit 1, naming stack, address and attribute", async ({ attribute, edit, says }) => {
  const r = await validateEdited(attribute, (tf) => edit(tf.resource.hcloud_server[serverName]));
  expect(r.code).toBe(1);
  expect(r.stderr).toContain(`${serverStack} hcloud_server.${serverName} ${attribute}:`);
  expect(r.stderr).toMatch(says);
});

test("every problem is reported at once", async () => {
  const r = await validateEdited("several", (tf) => {
    tf.resource.hcloud_server[serverName].server_flavour = "large";
    delete tf.resource.hcloud_server[serverName].name;
  });
  expect(r.code).toBe(1);
  expect(r.stderr).toContain("server_flavour:");
  expect(r.stderr).toContain(" name:");
  expect(r.stderr).toMatch(/validate: \d+ stacks?, 2 problems/);
});

test("a stack file that is not JSON is a problem naming the file", async () => {
  const out = path.join(t.dir, "broken-json");
  fs.cpSync(pristine, out, { recursive: true });
  fs.writeFileSync(path.join(out, "stacks", serverStack, "cdk.tf.json"), "{ not json");
  const io = captureIo({}, t.dir);
  expect(await main(["validate", "--out", out], io, repoRoot)).toBe(1);
  expect(io.stderr.join("\n")).toContain(`stacks/${serverStack}/cdk.tf.json`);
});

describe("broken project files are bad input, not crashes", () => {
  function fakeRoot(files: Record<string, string>): string {
    const root = path.join(t.dir, `root-${Object.keys(files).join("-").replace(/[/.]/g, "_")}`);
    fs.mkdirSync(path.join(root, "providers", "hcloud"), { recursive: true });
    fs.copyFileSync(path.join(repoRoot, "cdktf.json"), path.join(root, "cdktf.json"));
    fs.copyFileSync(
      path.join(repoRoot, "providers", "hcloud", "schema.json"),
      path.join(root, "providers", "hcloud", "schema.json"),
    );
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(root, name), text);
    return root;
  }

  test("a provider schema that is not JSON: exit 2, naming the file", async () => {
    const root = fakeRoot({ "providers/hcloud/schema.json": "{ broken" });
    const io = captureIo({}, t.dir);
    expect(await main(["validate", "--out", pristine], io, root)).toBe(2);
    expect(io.stderr).toHaveLength(1);
    expect(io.stderr[0]).toMatch(/^all2all: .*providers\/hcloud\/schema\.json/);
  });

  test("a cdktf.json that is not JSON: exit 2, naming the file", async () => {
    const root = fakeRoot({ "cdktf.json": "not json" });
    const io = captureIo({}, t.dir);
    expect(await main(["validate", "--out", pristine], io, root)).toBe(2);
    expect(io.stderr).toEqual([expect.stringMatching(/^all2all: .*cdktf\.json: cannot read the project file/)]);
  });
});
