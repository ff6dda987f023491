/**
 * `all2all cost [--env NAME] [--config DIR] [--format md|json] [--out FILE]`:
 * the monthly cost of every priced resource of the environments' stacks (as
 * synthesised, in a temporary folder), per stack and environment, and the
 * total, with the catalogue's date. Prices from catalogue/hetzner.json; a
 * resource that cannot be priced is listed, never counted as zero.
 *
 * Exit codes: 0 done; 2 bad input (arguments, configuration).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { catalogue } from "../catalogue/catalogue";
import { estimate, type Estimate, type StackDoc } from "../catalogue/estimate";
import { formatEuros } from "../catalogue/catalogue";
import { buildApp } from "../stacks/app";
import { writeFileAtomic } from "../primitives/atomic";
import { loadForCommand, type CheckOptions } from "./check";
import { environmentStacks } from "./deploy/output";
import { parseFormat } from "./diff/output";
import { InputError } from "./errors";
import { ExitCode, type Io } from "./io";
import { readProjectConfig } from "./project";

export interface CostOptions extends CheckOptions {
  readonly format?: string;
  readonly out?: string;
}

/** Synthesises the environments in a temporary folder and prices their stacks. */
export function estimateEnvironments(specs: Parameters<typeof buildApp>[0], root: string): Estimate {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "all2all-cost-"));
  try {
    const built = buildApp(specs, { outdir: tmp, context: readProjectConfig(root).context });
    built.app.synth();
    const docs: StackDoc[] = specs.flatMap((spec) =>
      environmentStacks(tmp, tmp, spec.environment.name).map((s) => ({
        name: s.name,
        environment: spec.environment.name,
        doc: JSON.parse(fs.readFileSync(s.file, "utf8")),
      })),
    );
    return estimate(catalogue(), docs);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

const euros = (n: number) => Math.round(n / 100) / 100;

/** The estimate as JSON: amounts in euros (two decimals), net and gross. */
export function costJson(e: Estimate): string {
  return `${JSON.stringify(
    {
      catalogue: { taken: e.taken, source: e.source, unverified_prices: e.unverified },
      currency: "EUR",
      monthly: { net: euros(e.net), gross: euros(e.gross) },
      environments: e.environments.map((env) => ({
        name: env.name,
        monthly: { net: euros(env.net), gross: euros(env.gross) },
      })),
      stacks: e.stacks.map((s) => ({
        name: s.name,
        environment: s.environment,
        monthly: { net: euros(s.net), gross: euros(s.gross) },
        resources: s.resources
          .filter((r) => !r.unpriced)
          .map((r) => ({
            address: r.address,
            monthly: { net: euros(r.net), gross: euros(r.gross) },
            charges: r.charges.map((c) => ({
              what: c.what,
              net: euros(c.net),
              gross: euros(c.gross),
              ...(c.unverified ? { unverified: true } : {}),
            })),
          })),
      })),
      unpriced: e.unpriced,
    },
    null,
    2,
  )}\n`;
}

/** The estimate as Markdown: a table per environment, its total, and the grand total. */
export function costMarkdown(e: Estimate): string {
  const lines = ["# Monthly cost", ""];
  lines.push(
    `Prices of the catalogue taken ${e.taken} (catalogue/hetzner.json; ${e.source}), in ` +
      `euros per month; gross includes VAT as the catalogue gives it.` +
      (e.unverified ? " Prices marked * are not verified against the API yet (`all2all catalogue refresh`)." : ""),
  );
  for (const env of e.environments) {
    lines.push(
      "",
      `## ${env.name}: ${formatEuros(env.gross)} gross (${formatEuros(env.net)} net)`,
      "",
      "| stack | resource | charge | net | gross |",
      "|---|---|---|---:|---:|",
    );
    for (const s of e.stacks.filter((x) => x.environment === env.name)) {
      for (const r of s.resources.filter((x) => !x.unpriced)) {
        for (const c of r.charges)
          lines.push(
            `| ${s.name} | \`${r.address}\` | ${c.what}${c.unverified ? " *" : ""} ` +
              `| ${formatEuros(c.net)} | ${formatEuros(c.gross)} |`,
          );
      }
      lines.push(`| **${s.name}** | | **total** | **${formatEuros(s.net)}** | **${formatEuros(s.gross)}** |`);
    }
  }
  lines.push("", `**Total: ${formatEuros(e.gross)} gross (${formatEuros(e.net)} net) per month.**`);
  if (e.unpriced.length > 0) {
    lines.push("", "Not priced (not in the totals):", "");
    for (const u of e.unpriced) lines.push(`- ${u.stack} \`${u.address}\`: ${u.reason}`);
  }
  return `${lines.join("\n")}\n`;
}

export function runCost(opts: CostOptions, io: Io, root: string): number {
  const format = parseFormat(opts.format);
  const specs = loadForCommand(opts, io);
  if (!specs) return ExitCode.badInput;
  const e = estimateEnvironments(specs, root);
  const text = format === "json" ? costJson(e) : costMarkdown(e);
  if (opts.out !== undefined) {
    try {
      writeFileAtomic(path.resolve(io.cwd, opts.out), text);
    } catch (err) {
      throw new InputError(`cannot write ${opts.out}: ${(err as Error).message}`);
    }
    io.out(`cost: ${formatEuros(e.gross)} gross per month; written to ${opts.out}`);
  } else for (const line of text.replace(/\n$/, "").split("\n")) io.out(line);
  for (const u of e.unpriced) io.err(`cost: warning: ${u.stack} ${u.address} not priced: ${u.reason}`);
  return ExitCode.ok;
}
