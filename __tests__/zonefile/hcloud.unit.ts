// The zone file and Hetzner serve the same records: for every zone, the
// record sets of the generated zone file (besides the SOA and the apex NS,
// which Hetzner manages) are exactly the `hcloud_zone_rrset`s synthesised for
// that zone, compared by name, type, TTL and values, with the rrsets' server
// address references (Terraform expressions through the servers stack)
// mapped to the same placeholder addresses as the file's. A zone in secondary
// mode has no rrsets: Hetzner transfers it from the hidden primary, whose
// addresses are the zone's primary_nameservers.
import * as fs from "node:fs";
import * as path from "node:path";
import type { NetworkSpec, ZoneSpec } from "../../description";
import { synthDefault, type SynthResult } from "../../testing/synth";
import { makeTempDir } from "../../testing/tmp";
import { readZoneText } from "../../testing/zone-reader";
import { addressExpressions, synthesisedCanonicalSets, synthesisedSets } from "../../testing/zone-rrsets";
import { canonicalSets } from "../../testing/zone-sets";
import { extraZonesWorkspace, zonefile } from "../../testing/zonefile-command";
import { placeholderAddresses } from "../../zonefile";

const t = makeTempDir("all2all-zonefile-hcloud-");
const ws = extraZonesWorkspace();
const synths: { label: string; config: string; synth: SynthResult }[] = [
  { label: "default config", config: path.resolve(__dirname, "../../config"), synth: synthDefault() },
  { label: "extra zones", config: path.join(ws.root, "config"), synth: synthDefault(path.join(ws.root, "config")) },
];
afterAll(() => {
  for (const s of synths) s.synth.cleanup();
  t.cleanup();
  ws.remove();
});

const cases = synths.flatMap(({ label, config, synth }) =>
  synth.specs.flatMap((spec) =>
    spec.zones.map((zone) => ({
      title: `${label}, ${spec.environment.name}, ${zone.name} (${zone.mode})`,
      config,
      synth,
      spec,
      zone: zone as ZoneSpec,
    })),
  ),
);

async function zoneFileSets(config: string, spec: NetworkSpec, zone: ZoneSpec) {
  const out = path.join(t.dir, `${path.basename(path.dirname(config))}-${spec.environment.name}`);
  const run = await zonefile({ config, env: spec.environment.name, zone: zone.name, out }, t.dir);
  expect(run.code).toBe(0);
  const origin = `${zone.name}.`;
  const sets = canonicalSets(
    readZoneText(fs.readFileSync(path.join(out, `${zone.name}.zone`), "utf8"), origin),
    origin,
  );
  return sets.filter((s) => !(s.owner === origin && (s.type === "SOA" || s.type === "NS")));
}

test("there are zones of both modes to compare, among them IDN zones", () => {
  expect(cases.filter((c) => c.zone.mode === "primary").map((c) => c.zone.name)).toEqual(
    expect.arrayContaining(["exemple-asbl.be", "all2all-staging.org", "xn--bcher-asbl-9db.be"]),
  );
  expect(cases.filter((c) => c.zone.mode === "secondary").map((c) => c.zone.name)).toEqual(
    expect.arrayContaining(["all2all.org", "xn--caf-asbl-d1a.be"]),
  );
});

describe.each(cases.filter((c) => c.zone.mode === "primary"))("$title", ({ config, synth, spec, zone }) => {
  test("the zone file serves exactly the synthesised hcloud_zone_rrsets", async () => {
    const env = spec.environment.name;
    const rrsets = synthesisedSets(synth.stacks.get(`${env}-dns`), synth.stacks.get(`${env}-servers`), zone.name);
    expect(rrsets.length).toBe(zone.records.length);
    const fromHetzner = synthesisedCanonicalSets(rrsets, zone, placeholderAddresses(spec.servers));
    expect(await zoneFileSets(config, spec, zone)).toEqual(fromHetzner);
  });
});

describe.each(cases.filter((c) => c.zone.mode === "secondary"))("$title", ({ synth, spec, zone }) => {
  test("has no rrsets at Hetzner, and Hetzner transfers it from the hidden primary's addresses", () => {
    const env = spec.environment.name;
    const dns = synth.stacks.get(`${env}-dns`);
    const servers = synth.stacks.get(`${env}-servers`);
    expect(synthesisedSets(dns, servers, zone.name)).toEqual([]);
    const hzone = Object.values<any>(dns.resource.hcloud_zone).find((z) => z.name === zone.name);
    expect(hzone.mode).toBe("secondary");
    const addresses = addressExpressions(servers);
    const outputs = servers.output;
    const resolved = hzone.primary_nameservers.map((ns: any) => {
      const expr = /^\$\{(.*)\}$/s
        .exec(ns.address)![1]!
        .replace(
          /data\.terraform_remote_state\.[A-Za-z0-9_-]+\.outputs\.([A-Za-z0-9_-]+)/g,
          (_all: string, name: string) => /^\$\{(.*)\}$/s.exec(outputs[name]!.value)![1]!,
        );
      return addresses.get(expr);
    });
    expect(resolved).toEqual(zone.primary!.addresses.map((a) => ({ server: a.server, family: a.family })));
  });
});
