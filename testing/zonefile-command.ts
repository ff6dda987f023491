/**
 * `all2all zonefile` run in process for the zone file tests, on the default
 * config and on a copy whose production has two more zones with every kind
 * of record (EXTRA_ZONES_YAML).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { workspace, type Workspace } from "./description";
import { makeTempDir } from "./tmp";

// ---------------------------------------------------------------- a config with every kind of record

/** A long TXT value (over 255 bytes, with UTF-8, a quote and a backslash). */
export const LONG_TXT = `v=test1; café "quoted" back\\slash; ${"abcdefghijklmnopqrstuvwxyz0123456789".repeat(9)}`;

/**
 * Two zones added to production by its overlay: `café-asbl.be` in secondary
 * mode (served by our hidden primary ns-1; SSHFP allowed) and
 * `bücher-asbl.be` in primary mode (Hetzner's rrsets): IDN zone names and
 * owners, wildcards, long and multi-string TXT, CAA with the critical flag,
 * TLSA, SRV with a "." target, SSHFP, MX, literal and server addresses.
 */
export const EXTRA_ZONES_YAML = `
zones:
  - name: café-asbl.be
    mode: secondary
    ttl: 1800
    primary: { server: ns-1, tsig_key: cafe-asbl-transfer }
    records:
      - { name: "@", type: A, ttl: 600, values: [web-1.ipv4, 198.51.100.7] }
      - { name: "@", type: AAAA, ttl: 600, values: [web-2.ipv6, "2001:DB8:0:0:0:0:0:77"] }
      - { name: "@", type: MX, values: ["10 mx", "20 mail.all2all.org."] }
      - { name: mx, type: A, values: [mail-1.ipv4] }
      - { name: mx, type: AAAA, values: [mail-1.ipv6] }
      - name: "@"
        type: TXT
        comment: "a long value; split for you"
        values:
          - ${JSON.stringify(LONG_TXT)}
          - '"part one" "part two"'
      - { name: "*.cdn", type: CNAME, values: ["@"] }
      - { name: www, type: A, values: [web-1.ipv4] }
      - { name: ns-1, type: A, values: [ns-1.ipv4] }
      - { name: ns-1, type: AAAA, values: [ns-1.ipv6] }
      - { name: sip, type: AAAA, values: [web-2.ipv6] }
      - { name: _sip._udp, type: SRV, values: ["10 60 5060 sip", "20 0 5060 ."] }
      - { name: _443._tcp.www, type: TLSA, values: ["3 1 1 8935477CEEF0DF65A530600F8B8FCC929E159FF3ECBDE32EFBEF9317D213C058"] }
      - { name: "@", type: CAA, values: ['128 issue "letsencrypt.org; validationmethods=dns-01"', '0 iodef "https://café-asbl.be/caa"'] }
      - { name: www, type: SSHFP, values: ["1 1 024f4af6232b14dbc9f60540a3cf40d897f9d627", "4 2 8935477ceef0df65a530600f8b8fcc929e159ff3ecbde32efbef9317d213c058"] }
      - { name: ünïcode, type: TXT, values: ["idn owner"] }
  - name: bücher-asbl.be
    mode: primary
    ttl: 7200
    records:
      - { name: "@", type: A, values: [web-1.ipv4, web-2.ipv4] }
      - { name: "@", type: AAAA, values: [web-1.ipv6] }
      - { name: "@", type: MX, values: ["10 mail.all2all.org."] }
      - { name: "@", type: TXT, ttl: 300, values: [${JSON.stringify(LONG_TXT)}, "v=spf1 include:all2all.org -all"] }
      - { name: "*.dev", type: A, values: [192.0.2.99] }
      - { name: www, type: CNAME, values: ["@"] }
      - { name: _submissions._tcp, type: SRV, values: ["0 1 465 mail.all2all.org."] }
      - { name: _25._tcp.mail, type: TLSA, values: ["2 0 2 90f425f46c51e5fb2a991610652f33cc502b669b041cffa278e8e8bb419e1ebabae30184823f35362c53dc4d2b169a80d01afc90f89a28abaec028523cf4a813"] }
      - { name: mail, type: A, values: [mail-1.ipv4] }
      - { name: "@", type: CAA, values: ['0 issue "letsencrypt.org"', '128 issuewild ";"'] }
      - { name: lëser, type: TXT, values: ["idn owner in a primary zone"] }
      - { name: sub, type: NS, values: [hydrogen.ns.hetzner.com., oxygen.ns.hetzner.com.] }
`;

/** A copy of the default config whose production also has EXTRA_ZONES_YAML. */
export function extraZonesWorkspace(): Workspace {
  const ws = workspace();
  const file = "config/environments/production.yaml";
  ws.write(file, `${ws.read(file).trimEnd()}\n${EXTRA_ZONES_YAML}`);
  return ws;
}

// ---------------------------------------------------------------- running the command

/** A fixed date for serials: 2026-01-02 (SOURCE_DATE_EPOCH). */
export const FIXED_EPOCH = "1767312000";

export interface ZonefileRun {
  readonly code: number;
  readonly stdout: string[];
  readonly stderr: string[];
  /** The output directory. */
  readonly out: string;
  /** Relative paths of the files written, sorted. */
  readonly files: string[];
}

/** Lists the files below a directory, relative, sorted. */
export function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string, prefix: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(d, e.name), `${prefix}${e.name}/`);
      else out.push(`${prefix}${e.name}`);
    }
  };
  walk(dir, "");
  return out.sort();
}

/** Runs `all2all zonefile` in-process (cwd `cwd`), with a fixed date unless `env` says otherwise. */
export async function zonefile(
  options: {
    config?: string;
    env?: string;
    zone?: string;
    out?: string;
    knot?: boolean;
    addresses?: string;
    zonesRoot?: string;
  },
  cwd: string,
  env: Record<string, string | undefined> = { SOURCE_DATE_EPOCH: FIXED_EPOCH },
): Promise<ZonefileRun> {
  // Imported here so that helpers without the command stay light.
  const { runZonefile } = await import("../cli/zonefile.js");
  const { captureIo } = await import("../cli/io.js");
  const io = captureIo(env, cwd);
  const code = await runZonefile(options, io);
  const out = path.resolve(cwd, options.out ?? path.join(options.zonesRoot ?? "zones", options.env ?? ""));
  return { code, stdout: io.stdout, stderr: io.stderr, out, files: listFiles(out) };
}

/** The cases the tool tests render: every environment of the default config, and production with the extra zones. */
export interface RenderCase {
  readonly label: string;
  readonly config: string;
  readonly env: string;
}

export function renderCases(defaultConfigDir: string, extraConfigDir: string): RenderCase[] {
  return [
    { label: "production", config: defaultConfigDir, env: "production" },
    { label: "staging", config: defaultConfigDir, env: "staging" },
    { label: "dr", config: defaultConfigDir, env: "dr" },
    { label: "production with the extra zones", config: extraConfigDir, env: "production" },
  ];
}

/** Renders every case with --knot into `<dir>/<label>`; throws on a non-zero exit. */
export async function renderAll(cases: readonly RenderCase[], dir: string): Promise<Map<string, ZonefileRun>> {
  const runs = new Map<string, ZonefileRun>();
  for (const c of cases) {
    const run = await zonefile(
      { config: c.config, env: c.env, out: path.join(dir, c.label.replace(/ /g, "-")), knot: true },
      dir,
    );
    if (run.code !== 0) throw new Error(`zonefile ${c.label} exited ${run.code}:\n${run.stderr.join("\n")}`);
    runs.set(c.label, run);
  }
  return runs;
}

/** The zone files of a run: origin (ASCII zone name) and path. */
export function zoneFilesOf(run: ZonefileRun): { origin: string; file: string }[] {
  return run.files
    .filter((f) => f.endsWith(".zone"))
    .map((f) => ({ origin: path.basename(f, ".zone"), file: path.join(run.out, f) }));
}

/** Every render case of a test file, rendered once before its tests, each run by its label. */
export interface RenderedCases {
  readonly cases: readonly RenderCase[];
  /** The temporary folder the cases are rendered into (removed after the tests), for the test's own files. */
  readonly dir: string;
  run(label: string): ZonefileRun;
  zoneFiles(label: string): { origin: string; file: string }[];
}

/**
 * Renders every case (the default config's and the extra zones') with
 * --knot into a temporary folder before the test file's tests, and removes
 * it and the extra zones' workspace after them. Call at the top of a test file.
 */
export function renderedCases(defaultConfigDir: string, tmpPrefix: string): RenderedCases {
  const t = makeTempDir(tmpPrefix);
  const ws = extraZonesWorkspace();
  afterAll(() => {
    t.cleanup();
    ws.remove();
  });
  const cases = renderCases(defaultConfigDir, path.join(ws.root, "config"));
  let runs = new Map<string, ZonefileRun>();
  beforeAll(async () => {
    runs = await renderAll(cases, t.dir);
  });
  const run = (label: string) => runs.get(label)!;
  return { cases, dir: t.dir, run, zoneFiles: (label) => zoneFilesOf(run(label)) };
}
