/**
 * `all2all zonefile --env NAME [--zone Z] [--out DIR] [--addresses FILE] [--knot]`:
 * renders the zones of one environment as RFC 1035 zone files, and with
 * --knot the Knot DNS configuration of each hidden primary, into DIR
 * (default zones/<env>). See docs/dns.md.
 *
 * Without --zone the whole directory is rendered into a temporary sibling
 * and moved into place at once (a directory holding anything else than
 * what this command writes is refused, not replaced). With --zone only that
 * zone's file (and the Knot configuration, with --knot) is replaced, each
 * file atomically.
 *
 * Exit codes: 0 written; 1 rendering or writing failed; 2 bad input
 * (arguments, configuration, the addresses file, the output directory).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { AddressRef, NetworkSpec, ZoneSpec } from "../description";
import {
  chooseSerial,
  parseServerOutputs,
  placeholderAddresses,
  renderKnotConfigs,
  renderZone,
  withSerial,
  type AddressBook,
  type SerialChoice,
} from "../zonefile";
import { replaceDir, tempSiblingDir, writeFileAtomic } from "../primitives/atomic";
import { configDirOf, loadForCommand } from "./check";
import { plural } from "../primitives/plural";
import { ExitCode, shownPath, type Io } from "./io";

export interface ZonefileOptions {
  /** Config directory; default $ALL2ALL_CONFIG, else `defaultConfig`. */
  readonly config?: string;
  /**
   * The config directory when neither --config nor ALL2ALL_CONFIG is given (the command line passes the repository's config/).
   * @default "config" - relative to the working directory
   */
  readonly defaultConfig?: string;
  /** The environment (required). */
  readonly env?: string;
  /** One zone (ASCII or Unicode name); default every zone of the environment. */
  readonly zone?: string;
  /** Output directory, replaced as a whole unless --zone is given; its parent folder must exist. Default `<zonesRoot>/<env>`. */
  readonly out?: string;
  /**
   * Where the output goes without --out: `<zonesRoot>/<env>` (created when missing). The command line passes the repository's zones/.
   * @default "zones" - relative to the working directory
   */
  readonly zonesRoot?: string;
  /** Also render the Knot DNS configuration of each hidden primary (`knot/<server>.conf`). */
  readonly knot?: boolean;
  /** The servers stack's outputs (`all2all output --env <env> --stack servers --format json`); default placeholder addresses. */
  readonly addresses?: string;
}

/** The sub-directory of the output holding the Knot configurations. */
export const KNOT_DIR = "knot";

const PREFIX = "zonefile";

/** Today, for serials: $SOURCE_DATE_EPOCH (seconds, for reproducible output) or the clock. */
function today(io: Io): Date | string {
  const epoch = io.env.SOURCE_DATE_EPOCH;
  if (epoch === undefined || epoch === "") return new Date();
  if (!/^[0-9]{1,12}$/.test(epoch)) return `SOURCE_DATE_EPOCH must be a number of seconds since 1970 (got "${epoch}")`;
  return new Date(Number(epoch) * 1000);
}

/** The zone named `wanted` (ASCII or Unicode, final dot and case ignored). */
function findZone(spec: NetworkSpec, wanted: string): ZoneSpec | undefined {
  const name = wanted.trim().replace(/\.$/, "").toLowerCase();
  return spec.zones.find((z) => z.name === name || z.unicode_name.toLowerCase() === name) as ZoneSpec | undefined;
}

function zoneList(spec: NetworkSpec): string {
  return (
    spec.zones.map((z) => (z.unicode_name !== z.name ? `${z.name} (${z.unicode_name})` : z.name)).join(", ") || "none"
  );
}

/** The address references the zones need, in order. */
function referencedAddresses(zones: readonly ZoneSpec[]): AddressRef[] {
  const refs: AddressRef[] = [];
  for (const zone of zones) {
    for (const set of zone.records) for (const value of set.values) if (value.kind === "address") refs.push(value);
  }
  return refs;
}

/** Entries of an existing output directory that this command did not write. */
function foreignEntries(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const foreign: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.isFile() && entry.name.endsWith(".zone")) continue;
    if (entry.isDirectory() && entry.name === KNOT_DIR) {
      for (const inner of fs.readdirSync(path.join(dir, entry.name), { withFileTypes: true })) {
        if (!(inner.isFile() && inner.name.endsWith(".conf"))) foreign.push(`${KNOT_DIR}/${inner.name}`);
      }
      continue;
    }
    foreign.push(entry.name);
  }
  return foreign.sort();
}

function readIfExists(file: string): string | undefined {
  try {
    return fs.readFileSync(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

function describeSerial(choice: SerialChoice): string {
  if (choice.reason === "new") return `serial ${choice.serial} (new)`;
  if (choice.reason === "unchanged") return `serial ${choice.serial} (unchanged)`;
  return `serial ${choice.serial} (changed, was ${choice.previous})`;
}

/** The environment and the zones to render; an exit code when there is nothing to render or the input is wrong. */
function selectZones(opts: ZonefileOptions, io: Io): { spec: NetworkSpec; zones: readonly ZoneSpec[] } | number {
  if (opts.env === undefined || opts.env.trim() === "") {
    const all = loadForCommand({ ...opts, env: undefined }, io);
    const names = all ? all.map((s) => s.environment.name).join(", ") : undefined;
    io.err(
      `${PREFIX}: --env is required: zone files are rendered for one environment${names ? ` (one of ${names})` : ""}`,
    );
    return ExitCode.badInput;
  }
  const specs = loadForCommand(opts, io);
  if (!specs) return ExitCode.badInput;
  // --env is given (checked above): the one environment loaded.
  const spec = specs[0]!;
  const env = spec.environment.name;
  let zones = spec.zones as readonly ZoneSpec[];
  if (opts.zone !== undefined) {
    const zone = findZone(spec, opts.zone);
    if (!zone) {
      io.err(
        `${PREFIX}: unknown zone "${opts.zone}" in environment ${env} (${configDirOf(opts, io)}); ` +
          `its zones: ${zoneList(spec)}`,
      );
      return ExitCode.badInput;
    }
    zones = [zone];
  }
  if (zones.length > 0) return { spec, zones };
  io.out(`${PREFIX}: environment ${env} has no zones: nothing to render`);
  return ExitCode.ok;
}

/** The servers' addresses: from --addresses FILE, else placeholders; undefined when the file is wrong (printed). */
function addressBook(
  opts: ZonefileOptions,
  spec: NetworkSpec,
  zones: readonly ZoneSpec[],
  io: Io,
): AddressBook | undefined {
  if (opts.addresses === undefined) return placeholderAddresses(spec.servers);
  const env = spec.environment.name;
  let text: string;
  try {
    text = fs.readFileSync(path.resolve(io.cwd, opts.addresses), "utf8");
  } catch (err) {
    io.err(`${PREFIX}: cannot read the addresses file ${opts.addresses}: ${(err as Error).message}`);
    return undefined;
  }
  // With --knot, every zone of the hidden primaries is rendered; only the zone files need addresses.
  const parsed = parseServerOutputs(text, opts.addresses, referencedAddresses(zones), `${env}-servers`);
  if (parsed.ok) return parsed.book;
  for (const problem of parsed.problems) io.err(`${PREFIX}: ${problem}`);
  io.err(
    `${PREFIX}: write it with \`all2all output --env ${env} --stack servers --format json > FILE\` ` +
      `after applying ${env}-servers`,
  );
  return undefined;
}

/**
 * The output folder, once it can be written: its parent exists (made
 * without --out), it is not a file, and, replaced as a whole, it holds
 * only what this command writes; undefined when not (printed).
 */
function outputFolder(opts: ZonefileOptions, env: string, whole: boolean, io: Io) {
  const out = path.resolve(io.cwd, opts.out ?? path.join(opts.zonesRoot ?? "zones", env));
  const label = shownPath(io, out);
  const parent = path.dirname(out);
  if (opts.out === undefined) {
    fs.mkdirSync(parent, { recursive: true });
  } else if (!fs.existsSync(parent) || !fs.statSync(parent).isDirectory()) {
    // A typo in --out should not make folders.
    io.err(
      `${PREFIX}: the folder ${path.relative(io.cwd, parent) || "."} does not exist: ` +
        "--out must name a folder inside an existing one",
    );
    return undefined;
  }
  if (fs.existsSync(out) && !fs.statSync(out).isDirectory()) {
    io.err(`${PREFIX}: ${label} is a file, not a folder: give another --out`);
    return undefined;
  }
  const foreign = whole ? foreignEntries(out) : [];
  if (foreign.length > 0) {
    io.err(
      `${PREFIX}: refusing to replace ${label}: it holds ${foreign.join(", ")}, ` +
        "which `all2all zonefile` did not write " +
        "(it writes <zone>.zone files and knot/<server>.conf only); give another --out, or move them away",
    );
    return undefined;
  }
  return { out, label };
}

/** One file to write, relative to the output folder, with its line of the summary. */
interface OutputFile {
  readonly relative: string;
  readonly content: string;
  readonly summary: string;
}

/** The zone files, each with the serial chosen against the file already in `out`. */
function zoneFiles(zones: readonly ZoneSpec[], env: string, book: AddressBook, out: string, now: Date): OutputFile[] {
  return zones.map((zone) => {
    const rendered = renderZone(zone, { environment: env, addresses: book });
    const choice = chooseSerial(rendered.template, readIfExists(path.join(out, rendered.fileName)), now);
    // The description's record sets, counted as check counts them; the SOA and apex NS come from the zone itself.
    const sets = plural(zone.records.length, "record set");
    return {
      relative: rendered.fileName,
      content: withSerial(rendered.template, choice.serial),
      summary:
        `${rendered.fileName}: ${zone.mode} zone, ${describeSerial(choice)}, ${sets} of the description, ` +
        "with the SOA and the apex NS",
    };
  });
}

/** The Knot DNS configuration of each hidden primary; what to warn about is added to `warnings`. */
function knotFiles(spec: NetworkSpec, env: string, warnings: string[]): OutputFile[] {
  const configs = renderKnotConfigs(spec.zones as readonly ZoneSpec[], { environment: env });
  if (configs.length === 0)
    warnings.push(`no zone of environment ${env} is in secondary mode: no Knot configuration to render`);
  return configs.map((config) => {
    if (config.placeholder) {
      warnings.push(
        `${KNOT_DIR}/${config.fileName}: the secondaries' addresses are placeholders: ` +
          "every transfer is refused until they are replaced (docs/dns.md)",
      );
    }
    return {
      relative: `${KNOT_DIR}/${config.fileName}`,
      content: config.text,
      summary:
        `${KNOT_DIR}/${config.fileName}: Knot DNS on ${config.server} for ${config.zones.join(", ")}; ` +
        `TSIG keys included from ${config.keys.map((k) => `${k.file} (secret from ${k.envVar})`).join(", ")}`,
    };
  });
}

/** Writes the files: the whole folder at once (rendered beside it, then moved), or each file atomically. */
function writeFiles(files: readonly OutputFile[], out: string, whole: boolean): void {
  if (!whole) {
    for (const f of files) writeFileAtomic(path.join(out, f.relative), f.content);
    return;
  }
  const tmp = tempSiblingDir(out);
  try {
    for (const f of files) {
      fs.mkdirSync(path.dirname(path.join(tmp, f.relative)), { recursive: true });
      fs.writeFileSync(path.join(tmp, f.relative), f.content);
    }
    replaceDir(tmp, out);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

export async function runZonefile(opts: ZonefileOptions, io: Io): Promise<number> {
  const selected = selectZones(opts, io);
  if (typeof selected === "number") return selected;
  const { spec, zones } = selected;
  const env = spec.environment.name;
  const now = today(io);
  if (typeof now === "string") {
    io.err(`${PREFIX}: ${now}`);
    return ExitCode.badInput;
  }
  const book = addressBook(opts, spec, zones, io);
  if (book === undefined) return ExitCode.badInput;
  const whole = opts.zone === undefined;
  const folder = outputFolder(opts, env, whole, io);
  if (folder === undefined) return ExitCode.badInput;

  // Render everything before writing anything.
  let files: OutputFile[];
  const warnings: string[] = [];
  try {
    files = [...zoneFiles(zones, env, book, folder.out, now), ...(opts.knot ? knotFiles(spec, env, warnings) : [])];
  } catch (err) {
    io.err(`${PREFIX}: ${(err as Error).message}`);
    return ExitCode.failed;
  }
  try {
    writeFiles(files, folder.out, whole);
  } catch (err) {
    io.err(`${PREFIX}: cannot write ${folder.label}: ${(err as Error).message}`);
    return ExitCode.failed;
  }

  io.out(`${PREFIX}: environment ${env}, ${plural(files.length, "file")} in ${folder.label}/`);
  for (const f of files) io.out(`  ${f.summary}`);
  io.out(`  addresses: ${book.source}`);
  if (book.placeholder) {
    warnings.push(
      "addresses are placeholders (documentation addresses): not for serving; " +
        `give --addresses FILE (\`all2all output --env ${env} --stack servers --format json\`)`,
    );
  }
  for (const w of warnings) io.err(`${PREFIX}: warning: ${w}`);
  return ExitCode.ok;
}
