/**
 * `all2all catalogue refresh`: reads Hetzner's offer and prices from the API
 * (HCLOUD_TOKEN; a read-only token is enough) and rewrites the committed
 * catalogue, catalogue/hetzner.json, so that a change of Hetzner's offer or
 * prices is a diff to review like code.
 *
 * Read: GET /locations, /server_types, /images?type=system (every page) and
 * /pricing on the Cloud API (HCLOUD_ENDPOINT, default
 * https://api.hetzner.cloud/v1), GET /storage_box_types on the Hetzner API
 * (HETZNER_ENDPOINT, default https://api.hetzner.com/v1). A bad answer (an
 * HTTP error, a missing or malformed price, a server type without a price
 * where it is available, an unexpected shape) is reported with its endpoint
 * and JSON path and nothing is written; a field Hetzner added is only a
 * warning. See cli/catalogue/ for the reading (api.ts), the conversion
 * (build.ts) and the summary (changes.ts).
 *
 * Kept from the file being replaced: `$comment`, the retired server types
 * (a type it listed that the API no longer does joins them), the volume
 * size limits (no endpoint gives them), and the order of every list.
 *
 * Exit codes: 0 written; 1 a bad answer (nothing written); 2 bad input
 * (no token, a malformed endpoint, an unreadable previous catalogue).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { type Catalogue, catalogueProblems } from "../catalogue/catalogue";
import { writeFileAtomic } from "../primitives/atomic";
import { z } from "zod";
import {
  ApiReader,
  type Endpoints,
  formatFinding,
  ImageSchema,
  LocationSchema,
  PricingSchema,
  ServerTypeSchema,
  StorageBoxTypeSchema,
} from "./catalogue/api";
import { buildCatalogue, type Answers } from "./catalogue/build";
import { describeChanges } from "./catalogue/changes";
import { ExitCode, type Io } from "./io";

export interface CatalogueRefreshOptions {
  /** The file to write, relative to the working directory (default: the repository's catalogue/hetzner.json). */
  readonly out?: string;
  /** The refresh's date (tests); default now. */
  readonly now?: Date;
}

export const DEFAULT_CLOUD_ENDPOINT = "https://api.hetzner.cloud/v1";
export const DEFAULT_HETZNER_ENDPOINT = "https://api.hetzner.com/v1";

const NAME = "catalogue refresh";

export async function runCatalogueRefresh(opts: CatalogueRefreshOptions, io: Io, root: string): Promise<number> {
  const token = io.env.HCLOUD_TOKEN;
  if (token === undefined || token.trim() === "") {
    io.err(
      `${NAME}: HCLOUD_TOKEN is not set: the refresh reads Hetzner's offer and prices ` +
        `with an API token of the project (read-only is enough)`,
    );
    return ExitCode.badInput;
  }
  const endpoints = readEndpoints(io);
  if (typeof endpoints === "string") {
    io.err(`${NAME}: ${endpoints}`);
    return ExitCode.badInput;
  }
  const committed = path.join(root, "catalogue", "hetzner.json");
  const out = opts.out === undefined ? committed : path.resolve(io.cwd, opts.out);
  const shown = (f: string) => path.relative(io.cwd, f) || f;
  // The file being replaced; a new file starts from the committed one.
  const previousFile = fs.existsSync(out) ? out : committed;
  const previous = readPrevious(previousFile);
  if (typeof previous === "string") {
    io.err(`${NAME}: ${shown(previousFile)}: ${previous}`);
    return ExitCode.badInput;
  }

  const reader = new ApiReader(token, endpoints);
  const answers = await readAnswers(reader);
  const today = (opts.now ?? new Date()).toISOString().slice(0, 10);
  const built =
    answers && buildCatalogue(answers, { previous, today, source: `Hetzner Cloud API (${endpoints.cloud}), ${today}` });
  const warnings = [...reader.warnings, ...(built?.warnings ?? [])];
  for (const w of warnings) io.err(`warning: ${formatFinding(w)}`);
  const problems: string[] = [...reader.problems, ...(built?.problems ?? [])].map(formatFinding);
  if (built && problems.length === 0)
    problems.push(...catalogueProblems(built.catalogue).map((p) => `the new catalogue at ${p}`));
  if (!built || problems.length > 0) {
    io.err(
      `${NAME}: ${problems.length} problem${problems.length === 1 ? "" : "s"} in Hetzner's answers ` +
        `(${endpoints.cloud}, ${endpoints.hetzner}); ${shown(out)} was not written:`,
    );
    for (const p of problems) io.err(`  ${p}`);
    return ExitCode.failed;
  }

  const next = built.catalogue;
  try {
    writeFileAtomic(out, `${JSON.stringify(next, null, 2)}\n`);
  } catch (err) {
    io.err(`${NAME}: cannot write ${shown(out)}: ${(err as Error).message}`);
    return ExitCode.failed;
  }
  for (const line of summary(previous, next, {
    out: shown(out),
    previousFile: shown(previousFile),
    vatRate: built.vatRate,
    warnings: warnings.length,
  }))
    io.out(line);
  return ExitCode.ok;
}

/** The two base URLs from HCLOUD_ENDPOINT and HETZNER_ENDPOINT, or what is wrong with one. */
function readEndpoints(io: Io): Endpoints | string {
  const read = (name: string, fallback: string): string | { error: string } => {
    const raw = io.env[name]?.trim() || fallback;
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return { error: `${name} is not a URL: ${JSON.stringify(raw)}` };
    }
    if (url.protocol !== "https:" && url.protocol !== "http:")
      return { error: `${name} must be an http(s) URL, got ${JSON.stringify(raw)}` };
    return raw.replace(/\/+$/, "");
  };
  const cloud = read("HCLOUD_ENDPOINT", DEFAULT_CLOUD_ENDPOINT);
  const hetzner = read("HETZNER_ENDPOINT", DEFAULT_HETZNER_ENDPOINT);
  if (typeof cloud !== "string") return cloud.error;
  if (typeof hetzner !== "string") return hetzner.error;
  return { cloud, hetzner };
}

/** The catalogue being replaced, or why it cannot be used. */
function readPrevious(file: string): Catalogue | string {
  let doc: unknown;
  try {
    doc = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    return `cannot read the previous catalogue (its retired types and comment are kept): ${(err as Error).message}`;
  }
  const problems = catalogueProblems(doc);
  if (problems.length > 0)
    return (
      `the previous catalogue is not valid (restore it from git ` +
      `first): ${problems.slice(0, 5).join("; ")}${problems.length > 5 ? "; …" : ""}`
    );
  return doc as Catalogue;
}

/**
 * Every answer the catalogue is made of; undefined when one is unusable (the
 * reader holds the problems). One request at a time: the problems come in a
 * stable order, and the API's rate limit is spared.
 */
async function readAnswers(reader: ApiReader): Promise<Answers | undefined> {
  const locations = await reader.list("cloud", "/locations", "locations", LocationSchema);
  const serverTypes = await reader.list("cloud", "/server_types", "server_types", ServerTypeSchema);
  const images = await reader.list("cloud", "/images?type=system", "images", ImageSchema);
  const pricing = await reader.get("cloud", "/pricing", z.strictObject({ pricing: PricingSchema }));
  const storageBoxTypes = await reader.list("hetzner", "/storage_box_types", "storage_box_types", StorageBoxTypeSchema);
  if (!locations || !serverTypes || !images || !pricing || !storageBoxTypes) return undefined;
  return {
    locations,
    serverTypes,
    images,
    pricing: { value: pricing.pricing, endpoint: "GET /pricing", path: "pricing" },
    storageBoxTypes,
  };
}

/** What was written: counts, then what changed since the previous file. */
function summary(
  before: Catalogue,
  after: Catalogue,
  ctx: { out: string; previousFile: string; vatRate: string; warnings: number },
): string[] {
  const { out, previousFile, warnings } = ctx;
  const deprecated = after.server_types.filter((t) => t.deprecation || t.locations.some((l) => l.deprecation)).length;
  const unverified = JSON.stringify(before).match(/"unverified"|"primary_ips_unverified"/g)?.length ?? 0;
  const changes = describeChanges(before, after);
  return [
    `${NAME}: wrote ${out} (${after.source})`,
    `  ${after.locations.length} locations, ${after.server_types.length} ` +
      `server types (${deprecated} with a deprecation), ` +
      (`${after.retired_server_types.length} retired, ${after.images.length} ` +
        `images, ${after.storage_box_types.length} storage box types, `) +
      (`${after.primary_ips.length} primary IP and ${after.floating_ips.length} ` +
        `floating IP prices; gross prices with ${ctx.vatRate} % VAT`) +
      (warnings > 0 ? `; ${warnings} warning${warnings === 1 ? "" : "s"} above` : ""),
    ...(unverified > 0
      ? [
          `  ${unverified} "unverified" note${unverified === 1 ? "" : "s"} ` +
            `of ${previousFile} dropped: every figure is now read from the API`,
        ]
      : []),
    ...(changes.length > 0
      ? [`  changes since ${previousFile}:`, ...changes.map((c) => `    ${c}`)]
      : [`  no change of the offer or prices since ${previousFile}`]),
  ];
}
