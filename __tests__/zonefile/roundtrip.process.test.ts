// Round trip: every generated zone file, loaded by BIND (named-checkzone -D
// prints the zone it loaded, one record per line), gives back exactly the
// config's record sets, plus the SOA and the apex NS. Our own reader of the
// file agrees with BIND's dump.
import * as fs from "node:fs";
import * as path from "node:path";
import { loadNetwork, type ZoneSpec } from "../../description";
import { DEFAULT_CONFIG } from "../../testing/description";
import { describeWithTool, NAMED_CHECKZONE, runTool } from "../../testing/dns-tools";
import { readZoneText } from "../../testing/zone-reader";
import { canonicalSets, specSets, type CanonicalSet } from "../../testing/zone-sets";
import { renderedCases } from "../../testing/zonefile-command";
import { placeholderAddresses, servingOf } from "../../zonefile";

const rendered = renderedCases(DEFAULT_CONFIG, "all2all-zonefile-roundtrip-");
const CASES = rendered.cases;

/** What a zone file must serve: the SOA, the apex NS, and the config's record sets. */
function expectedSets(zone: ZoneSpec, serial: number, servers: readonly { name: string }[]): CanonicalSet[] {
  const serving = servingOf(zone);
  const origin = `${zone.name}.`;
  const t = serving.timers;
  const sets: CanonicalSet[] = [
    {
      owner: origin,
      type: "SOA",
      ttl: zone.ttl,
      values: [[serving.mname, serving.rname, serial, t.refresh, t.retry, t.expire, t.minimum].join(" ")],
    },
    { owner: origin, type: "NS", ttl: zone.ttl, values: [...serving.nameservers].sort() },
    ...specSets(zone, placeholderAddresses(servers)),
  ];
  return sets.sort((a, b) => (`${a.owner} ${a.type}` < `${b.owner} ${b.type}` ? -1 : 1));
}

function specOf(label: string) {
  const c = CASES.find((x) => x.label === label)!;
  const loaded = loadNetwork(c.config, { env: c.env });
  if (!loaded.ok) throw new Error("config does not load");
  return loaded.specs[0]!;
}

test.each(CASES.map((c) => c.label))("our reader of the files of %s finds the config's record sets", (label) => {
  const spec = specOf(label);
  for (const { origin, file } of rendered.zoneFiles(label)) {
    const zone = spec.zones.find((z) => z.name === origin) as ZoneSpec;
    expect(canonicalSets(readZoneText(fs.readFileSync(file, "utf8"), `${origin}.`), `${origin}.`)).toEqual(
      expectedSets(zone, 2026010200, spec.servers),
    );
  }
});

describeWithTool(NAMED_CHECKZONE, "round trip through BIND (named-checkzone -D)", (bin) => {
  test.each(CASES.map((c) => c.label))(
    "the zones BIND loads from the files of %s are the config's record sets",
    (label) => {
      const spec = specOf(label);
      const files = rendered.zoneFiles(label);
      expect(files.length).toBeGreaterThan(0);
      for (const { origin, file } of files) {
        const dump = path.join(rendered.dir, `${label.replace(/ /g, "-")}-${origin}.dump`);
        const run = runTool(bin(), ["-D", "-o", dump, origin, file]);
        expect({ origin, status: run.status, output: run.stdout + run.stderr }).toEqual({
          origin,
          status: 0,
          output: expect.stringContaining("OK"),
        });
        const loaded = canonicalSets(readZoneText(fs.readFileSync(dump, "utf8"), `${origin}.`), `${origin}.`);
        const zone = spec.zones.find((z) => z.name === origin) as ZoneSpec;
        expect(loaded).toEqual(expectedSets(zone, 2026010200, spec.servers));
        // And our reader of the file we wrote agrees with BIND's reading of it.
        expect(canonicalSets(readZoneText(fs.readFileSync(file, "utf8"), `${origin}.`), `${origin}.`)).toEqual(loaded);
      }
    },
  );
});
