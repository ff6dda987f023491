// The generated files through the real tools: BIND's named-checkzone and
// Knot's kzonecheck on every zone file, `knotc conf-check` on every Knot
// configuration. A missing tool fails the test with the package to install
// (or, with ALL2ALL_SKIP_DNS_TOOLS=1, skips it with a notice).
import * as fs from "node:fs";
import * as path from "node:path";
import { DEFAULT_CONFIG } from "../../testing/description";
import {
  describeWithTool,
  KNOTC,
  KZONECHECK,
  NAMED_CHECKZONE,
  NAMED_CHECKZONE_STRICT,
  runTool,
} from "../../testing/dns-tools";
import { knotCheckDir } from "../../testing/knot";
import { renderedCases } from "../../testing/zonefile-command";

const rendered = renderedCases(DEFAULT_CONFIG, "all2all-zonefile-tools-");
const CASES = rendered.cases;
const zoneFiles = rendered.zoneFiles;

test("every case renders zone files, and the Knot configuration where a zone is in secondary mode", () => {
  expect(rendered.run("production").files).toEqual(["all2all.org.zone", "exemple-asbl.be.zone", "knot/ns-1.conf"]);
  expect(rendered.run("staging").files).toEqual(["all2all-staging.org.zone"]);
  expect(rendered.run("dr").files).toEqual(["all2all.org.zone", "exemple-asbl.be.zone", "knot/ns-1.conf"]);
  expect(rendered.run("production with the extra zones").files).toEqual([
    "all2all.org.zone",
    "exemple-asbl.be.zone",
    "knot/ns-1.conf",
    "xn--bcher-asbl-9db.be.zone",
    "xn--caf-asbl-d1a.be.zone",
  ]);
});

/** A copy of a zone file with a CNAME next to other data at www: both checkers must refuse it. */
function brokenCopy(origin: string, file: string): string {
  const broken = path.join(rendered.dir, `broken-${origin}.zone`);
  fs.writeFileSync(broken, `${fs.readFileSync(file, "utf8")}www.${origin}. 3600 IN A 192.0.2.200\n`);
  return broken;
}

describeWithTool(NAMED_CHECKZONE, "BIND named-checkzone", (bin) => {
  test.each(CASES.map((c) => c.label))("accepts every zone file of %s with the strict checks", (label) => {
    for (const { origin, file } of zoneFiles(label)) {
      const run = runTool(bin(), [...NAMED_CHECKZONE_STRICT, origin, file]);
      expect({ file: path.basename(file), status: run.status, output: run.stdout + run.stderr }).toEqual({
        file: path.basename(file),
        status: 0,
        output: expect.stringContaining(`zone ${origin}/IN: loaded serial 2026010200\nOK`),
      });
    }
  });

  test("refuses a broken file (the check can fail)", () => {
    const { origin, file } = zoneFiles("production").find((z) => z.origin === "all2all.org")!;
    const run = runTool(bin(), [...NAMED_CHECKZONE_STRICT, origin, brokenCopy(origin, file)]);
    expect(run.status).not.toBe(0);
    expect(run.stdout + run.stderr).toMatch(/CNAME and other data/);
  });
});

describeWithTool(KZONECHECK, "Knot kzonecheck", (bin) => {
  test.each(CASES.map((c) => c.label))("accepts every zone file of %s", (label) => {
    for (const { origin, file } of zoneFiles(label)) {
      const run = runTool(bin(), ["-o", origin, file]);
      expect({ file: path.basename(file), status: run.status, output: run.stdout + run.stderr }).toEqual({
        file: path.basename(file),
        status: 0,
        output: "",
      });
    }
  });

  test("refuses a broken file (the check can fail)", () => {
    const { origin, file } = zoneFiles("production").find((z) => z.origin === "all2all.org")!;
    const run = runTool(bin(), ["-o", origin, brokenCopy(origin, file)]);
    expect(run.status).not.toBe(0);
    expect(run.stdout + run.stderr).toMatch(/CNAME/);
  });
});

describeWithTool(KNOTC, "Knot knotc conf-check", (bin) => {
  test.each(["production", "dr", "production with the extra zones"])(
    "accepts the Knot configuration of %s, with its key files in place",
    (label) => {
      const run = rendered.run(label);
      const { conf, keys } = knotCheckDir(
        path.join(run.out, "knot", "ns-1.conf"),
        path.join(rendered.dir, `etc-${label.replace(/ /g, "-")}`),
      );
      expect(keys).toEqual(
        label.includes("extra") ? ["all2all-org-transfer", "cafe-asbl-transfer"] : ["all2all-org-transfer"],
      );
      const check = runTool(bin(), ["-c", conf, "conf-check"]);
      expect({ status: check.status, output: (check.stdout + check.stderr).trim() }).toEqual({
        status: 0,
        output: "Configuration is valid",
      });
    },
  );

  test("refuses the configuration while a key file is missing: the secret is not in it", () => {
    const run = rendered.run("production");
    const dir = path.join(rendered.dir, "etc-nokeys");
    fs.mkdirSync(dir, { recursive: true });
    fs.copyFileSync(path.join(run.out, "knot", "ns-1.conf"), path.join(dir, "knot.conf"));
    const check = runTool(bin(), ["-c", path.join(dir, "knot.conf"), "conf-check"]);
    expect(check.status).not.toBe(0);
    expect(check.stdout + check.stderr).toMatch(
      /item 'include', value 'keys\/all2all-org-transfer\.conf' \(file error\)/,
    );
  });
});
