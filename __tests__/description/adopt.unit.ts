// The adoption file (config/adopt/<env>.yaml): every rule fed bad input,
// each message naming the file, line, path and what would be valid; and the
// cross-check against the stacks (unknown address, the wrong zone, twice adopted).
import * as fs from "node:fs";
import * as path from "node:path";
import { adoptionProblems, loadForCommand } from "../../cli/check";
import { captureIo } from "../../cli/io";
import { loadNetwork, parseAdoption, type ConfigProblem } from "../../description";
import { LAB, LAB_ZONE, writeLabConfig } from "../../testing/adopt";
import { makeTempDir } from "../../testing/tmp";

const FILE = "config/adopt/lab.yaml";

function problems(text: string): ConfigProblem[] {
  const r = parseAdoption(FILE, text);
  if (r.ok) throw new Error("expected problems");
  return r.problems;
}

test("a valid file gives its entries, ids as text, with where each is written", () => {
  const r = parseAdoption(
    FILE,
    "servers:\n  hcloud_server.web-1: { id: 4711, matched: server named web-1 }\n  " +
      'hcloud_primary_ip.web-1-ipv4: { id: create }\ndns:\n  hcloud_zone_rrset.x-apex-a: { id: "x.org/@/A" }\n',
  );
  expect(r.ok).toBe(true);
  if (!r.ok) return;
  expect(r.adoption.entries.map((e) => [e.concern, e.address, e.id, e.origin.line])).toEqual([
    ["servers", "hcloud_server.web-1", "4711", 2],
    ["servers", "hcloud_primary_ip.web-1-ipv4", "create", 3],
    ["dns", "hcloud_zone_rrset.x-apex-a", "x.org/@/A", 5],
  ]);
  expect(r.adoption.entries[0]!.matched).toBe("server named web-1");
});

test("an empty file (comments only) adopts nothing", () => {
  const r = parseAdoption(FILE, "# nothing\n");
  expect(r.ok && r.adoption.entries).toEqual([]);
});

test.each([
  [
    "an unknown stack, with a did-you-mean",
    "server:\n  hcloud_server.web-1: { id: 1 }\n",
    1,
    "server",
    'unknown stack "server"',
    /did you mean "servers"/,
  ],
  [
    "an unknown key in an entry",
    "servers:\n  hcloud_server.web-1: { id: 1, match: x }\n",
    2,
    'servers["hcloud_server.web-1"].match',
    'unknown key "match"',
    /did you mean "matched"/,
  ],
  [
    "a zone name given for a server",
    "servers:\n  hcloud_server.web-1: { id: example.org }\n",
    2,
    'servers["hcloud_server.web-1"].id',
    '"example.org" is not an import id of hcloud_server',
    /the server's id \(digits\)/,
  ],
  [
    "letters for a firewall id",
    "network:\n  hcloud_firewall.base: { id: abc }\n",
    2,
    'network["hcloud_firewall.base"].id',
    '"abc" is not an import id of hcloud_firewall',
    /the firewall's id \(digits\)/,
  ],
  [
    "an rrset id without /TYPE",
    "dns:\n  hcloud_zone_rrset.x-www-cname: { id: x.org/www }\n",
    2,
    'dns["hcloud_zone_rrset.x-www-cname"].id',
    '"x.org/www" is not an import id of hcloud_zone_rrset',
    /<zone name>\/<record name>\/<TYPE>/,
  ],
  [
    "an rrset id with an unknown type",
    "dns:\n  hcloud_zone_rrset.x-www-cname: { id: x.org/www/CNAM }\n",
    2,
    'dns["hcloud_zone_rrset.x-www-cname"].id',
    'the record type "CNAM" is not one of',
    /<TYPE>/,
  ],
  [
    "a zone with a final dot",
    "dns:\n  hcloud_zone.x: { id: x.org. }\n",
    2,
    'dns["hcloud_zone.x"].id',
    '"x.org." is not an import id of hcloud_zone',
    /without the final dot/,
  ],
  [
    "a subnet id without its range",
    "network:\n  hcloud_network_subnet.internal-10-20-1-0-24: { id: 42 }\n",
    2,
    'network["hcloud_network_subnet.internal-10-20-1-0-24"].id',
    "is not an import id of hcloud_network_subnet",
    /<network id>-<ip range>/,
  ],
  [
    "a subaccount id without its box",
    "backup:\n  hcloud_storage_box_subaccount.backup-web-1: { id: 42 }\n",
    2,
    'backup["hcloud_storage_box_subaccount.backup-web-1"].id',
    "is not an import id of hcloud_storage_box_subaccount",
    /<storage box id>\/<subaccount id>/,
  ],
  [
    "create for a server",
    "servers:\n  hcloud_server.web-1: { id: create }\n",
    2,
    'servers["hcloud_server.web-1"].id',
    '"create" is not an import id of hcloud_server',
    /digits/,
  ],
  [
    "a type in the wrong stack",
    "network:\n  hcloud_server.web-1: { id: 1 }\n",
    2,
    'network["hcloud_server.web-1"]',
    "hcloud_server resources are in the servers stack, not in network",
    /move the entry under servers/,
  ],
  [
    "a type this project does not write",
    "servers:\n  hcloud_load_balancer.lb: { id: 1 }\n",
    2,
    'servers["hcloud_load_balancer.lb"]',
    "resources of type hcloud_load_balancer cannot be adopted here",
    /known types|did you mean/,
  ],
  [
    "something that is no address",
    "servers:\n  web-1: { id: 1 }\n",
    2,
    "servers.web-1",
    '"web-1" is not a Terraform address',
    /hcloud_server\.web-1/,
  ],
  [
    "an entry that is a bare id",
    "servers:\n  hcloud_server.web-1: 4711\n",
    2,
    'servers["hcloud_server.web-1"]',
    "each address takes a mapping with id (and matched)",
    /id: "4711"/,
  ],
  [
    "an id that is a list",
    "servers:\n  hcloud_server.web-1: { id: [1] }\n",
    2,
    'servers["hcloud_server.web-1"].id',
    "the import id must be text or a number",
    /digits/,
  ],
  [
    "a stack that is a list",
    "servers: [1]\n",
    1,
    "servers",
    'the stack "servers" takes a mapping of Terraform addresses',
    /hcloud_server\.web-1/,
  ],
])("%s", (_what, text, line, where, message, hint) => {
  const [p, ...rest] = problems(text);
  expect(rest).toEqual([]);
  expect(p).toMatchObject({ file: FILE, line, path: where });
  expect(p!.message).toContain(message);
  expect(p!.hint).toMatch(hint);
});

test("every bad entry is reported at once", () => {
  expect(problems("servers:\n  hcloud_server.a: { id: x }\n  hcloud_server.b: { id: y }\n").map((p) => p.line)).toEqual(
    [2, 3],
  );
});

test("YAML that does not parse is a problem with its line", () => {
  const [p] = problems("servers:\n  hcloud_server.a: { id: 1\n");
  expect(p).toMatchObject({ file: FILE });
  expect(p!.line).toBeGreaterThan(0);
});

describe("in a config directory", () => {
  const t = makeTempDir("all2all-adopt-spec-");
  afterAll(() => t.cleanup());
  let n = 0;
  const config = (adopt?: string, name = LAB): string => {
    const dir = writeLabConfig(path.join(t.dir, `c${++n}`, "config"));
    if (adopt !== undefined) {
      fs.mkdirSync(path.join(dir, "adopt"));
      fs.writeFileSync(path.join(dir, "adopt", `${name}.yaml`), adopt);
    }
    return dir;
  };
  const crossCheck = (dir: string): ConfigProblem[] => {
    const r = loadNetwork(dir, { env: LAB });
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    return adoptionProblems(r.specs);
  };

  test("the loader reads the file of the environment and names it in problems", () => {
    const dir = config("servers:\n  hcloud_server.web-1: { id: abc }\n");
    const r = loadNetwork(dir, { env: LAB });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems).toEqual([expect.objectContaining({ file: path.join(dir, "adopt", "lab.yaml"), line: 2 })]);
  });

  test("a file for an environment that does not exist is refused, with a did-you-mean", () => {
    const dir = config("servers: {}\n", "labb");
    const r = loadNetwork(dir);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems).toEqual([
      expect.objectContaining({
        message: 'adoption file for an unknown environment "labb"',
        hint: 'did you mean "lab"?',
      }),
    ]);
  });

  test("an address that is not in its stack: an error with a did-you-mean, and the command exits 2", () => {
    const dir = config("servers:\n  hcloud_server.web-2: { id: 1 }\n  hcloud_primary_ip.web-2-ipv6: { id: 2 }\n");
    const [p, q] = crossCheck(dir);
    expect(p).toMatchObject({
      line: 2,
      path: 'servers["hcloud_server.web-2"].id',
      message: "stack lab-servers has no resource hcloud_server.web-2",
    });
    expect(p!.hint).toMatch(/did you mean "hcloud_server\.web-1"/);
    expect(q!.message).toBe("stack lab-servers has no resource hcloud_primary_ip.web-2-ipv6");
    const io = captureIo({}, t.dir);
    expect(loadForCommand({ config: dir, env: LAB }, io)).toBeUndefined();
    expect(io.stderr.join("\n")).toContain("has no resource hcloud_server.web-2");
  });

  test("the cross-check writes nothing where the command runs (cdktn's App is given a temporary folder)", () => {
    const dir = config("servers:\n  hcloud_server.web-2: { id: 1 }\n");
    const cwd = process.cwd();
    const here = makeTempDir("all2all-adopt-cwd-");
    try {
      process.chdir(here.dir);
      expect(crossCheck(dir)).toHaveLength(1);
      expect(fs.readdirSync(here.dir)).toEqual([]);
    } finally {
      process.chdir(cwd);
      here.cleanup();
    }
  });

  test("a zone or record set id naming another zone or record is refused", () => {
    const dir = config(
      `dns:\n  hcloud_zone.all2all-lab-org: { id: other.org }\n  ` +
        `hcloud_zone_rrset.all2all-lab-org-www-cname: { id: ${LAB_ZONE}/www/A }\n`,
    );
    expect(crossCheck(dir).map((p) => [p.line, p.message])).toEqual([
      [2, `"other.org" is not the import id of hcloud_zone.all2all-lab-org: the zone is "${LAB_ZONE}"`],
      [
        3,
        `"${LAB_ZONE}/www/A" is not the import id of ` +
          `hcloud_zone_rrset.all2all-lab-org-www-cname: this record set is ` +
          `"${LAB_ZONE}/www/CNAME"`,
      ],
    ]);
  });

  test("a server adopted without its primary IPs is refused: new ones would replace its addresses", () => {
    const dir = config("servers:\n  hcloud_server.web-1: { id: 1 }\n  hcloud_primary_ip.web-1-ipv6: { id: 2 }\n");
    const [p, ...rest] = crossCheck(dir);
    expect(rest).toEqual([]);
    expect(p!.message).toBe(
      "hcloud_server.web-1 is adopted without hcloud_primary_ip.web-1-ipv4: linking a new " +
        "primary IP to an existing server deletes its current address",
    );
    expect(p!.hint).toMatch(/id: create/);
    expect(
      crossCheck(
        config(
          "servers:\n  hcloud_server.web-1: { id: 1 }\n  hcloud_primary_ip.web-1-ipv6: { " +
            "id: 2 }\n  hcloud_primary_ip.web-1-ipv4: { id: create }\n",
        ),
      ),
    ).toEqual([]);
  });

  test("a resource adopted both by the overlay's import_id and by the file is refused", () => {
    const dir = config(
      "servers:\n  hcloud_server.web-1: { id: 1 }\n  hcloud_primary_ip.web-1-ipv6: " +
        "{ id: 2 }\n  hcloud_primary_ip.web-1-ipv4: { id: 3 }\n",
    );
    fs.appendFileSync(
      path.join(dir, "environments", "lab.yaml"),
      "servers:\n  - name: web-1\n    import_id: 9\n    import_primary_ips: { ipv4: 7, ipv6: 8 }\n",
    );
    const found = crossCheck(dir);
    expect(found.map((p) => p.message)).toEqual([
      "hcloud_server.web-1 is already adopted by the environment's overlay (import_id / import_primary_ips: 9)",
      "hcloud_primary_ip.web-1-ipv6 is already adopted by the " +
        "environment's overlay (import_id / import_primary_ips: 8)",
      "hcloud_primary_ip.web-1-ipv4 is already adopted by the " +
        "environment's overlay (import_id / import_primary_ips: 7)",
    ]);
  });
});
