/**
 * `all2all inventory [--env NAME] [--format md|json] [--out FILE] [--addresses FILE]`:
 * everything the stacks of an environment hold (servers with their role,
 * type, location, addresses, reverse DNS, firewalls, backups, volumes and
 * storage subaccount; networks; firewall policies; zones and record sets;
 * storage boxes; the secrets to set), each with the stack that owns it and
 * its Terraform address. Read from the description and the stacks built
 * from it in memory: no synth, no network. See docs/inventory.md
 * (production's, generated) and cli/inventory/items.ts.
 *
 * Exit codes: 0 printed or written; 1 writing failed; 2 bad input
 * (arguments, configuration, the addresses file, the output path).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { NetworkSpec } from "../description";
import { parseServerOutputs, type AddressBook } from "../zonefile/addresses";
import { writeFileAtomic } from "../primitives/atomic";
import { loadForCommand, type CheckOptions } from "./check";
import { ExitCode, type Io } from "./io";
import { renderInventoryMarkdown } from "./inventory/markdown";
import { addressesNeeded, buildInventory, stackName, type Inventory } from "./inventory/items";
import { inventoryCost } from "./inventory/cost";
import { buildEnvironmentStacks } from "./inventory/built";

export { buildInventory, resourcesByStack, STACK_CONCERNS, stackName, type Inventory } from "./inventory/items";
export { renderInventoryMarkdown } from "./inventory/markdown";

export const INVENTORY_FORMATS = ["md", "json"] as const;
export type InventoryFormat = (typeof INVENTORY_FORMATS)[number];

export interface InventoryOptions extends CheckOptions {
  /** `md` (default) or `json`. */
  readonly format?: string;
  /** Write to this file (atomically) instead of standard output; its folder must exist. */
  readonly out?: string;
  /**
   * The servers stack's outputs (`all2all output --env <env> --stack servers --format json`), for the real public
   * addresses; needs --env.
   */
  readonly addresses?: string;
}

const PREFIX = "inventory";

/** The JSON document: a version, then one inventory per environment. */
export function renderInventoryJson(inventories: readonly Inventory[]): string {
  const euros = (n: number) => Math.round(n / 100) / 100;
  const environments = inventories.map((inv) => {
    const cost = inventoryCost(inv);
    return {
      ...inv,
      monthly_cost: {
        catalogue_taken: cost.taken,
        net: euros(cost.net),
        gross: euros(cost.gross),
        stacks: cost.stacks.map((s) => ({ name: s.name, net: euros(s.net), gross: euros(s.gross) })),
      },
    };
  });
  return `${JSON.stringify({ version: 1, environments }, null, 2)}\n`;
}

/** The inventories of the given environments, rendered. */
export function renderInventory(specs: readonly NetworkSpec[], format: InventoryFormat, book?: AddressBook): string {
  const built = buildEnvironmentStacks(specs);
  const inventories = specs.map((spec, i) => buildInventory(spec, book, built[i]));
  return format === "json" ? renderInventoryJson(inventories) : renderInventoryMarkdown(inventories);
}

function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}

/** `2 servers, 1 network, …`: what an environment's inventory lists. */
function holds(spec: NetworkSpec): string {
  return [
    count(spec.servers.length, "server"),
    count(spec.networks.length, "network"),
    count(spec.firewall_policies.length, "firewall policy", "firewall policies"),
    count(spec.zones.length, "zone"),
    count(
      spec.zones.reduce((n, z) => n + z.records.length, 0),
      "record set",
    ),
    count(spec.storage_boxes.length, "storage box", "storage boxes"),
  ].join(", ");
}

export async function runInventory(opts: InventoryOptions, io: Io): Promise<number> {
  const format = (opts.format ?? "md") as InventoryFormat;
  if (!INVENTORY_FORMATS.includes(format)) {
    io.err(`${PREFIX}: --format must be one of ${INVENTORY_FORMATS.join(", ")} (got "${opts.format}")`);
    return ExitCode.badInput;
  }
  if (opts.addresses !== undefined && (opts.env === undefined || opts.env.trim() === "")) {
    io.err(`${PREFIX}: --addresses is the output of one environment's servers stack: give --env too`);
    return ExitCode.badInput;
  }
  let outFile: string | undefined;
  if (opts.out !== undefined) {
    outFile = path.resolve(io.cwd, opts.out);
    const parent = path.dirname(outFile);
    if (!fs.existsSync(parent) || !fs.statSync(parent).isDirectory()) {
      io.err(
        `${PREFIX}: the folder ${path.relative(io.cwd, parent) || "."} does not ` +
          `exist: --out must name a file in an existing folder`,
      );
      return ExitCode.badInput;
    }
    if (fs.existsSync(outFile) && fs.statSync(outFile).isDirectory()) {
      io.err(`${PREFIX}: ${opts.out} is a folder: --out names the file to write`);
      return ExitCode.badInput;
    }
  }
  const specs = loadForCommand(opts, io);
  if (!specs) return ExitCode.badInput;

  let book: AddressBook | undefined;
  if (opts.addresses !== undefined) {
    // --env is given with --addresses (checked above): the one environment loaded.
    const spec = specs[0]!;
    const stack = stackName(spec.environment.name, "servers");
    let text: string;
    try {
      text = fs.readFileSync(path.resolve(io.cwd, opts.addresses), "utf8");
    } catch (err) {
      io.err(`${PREFIX}: cannot read the addresses file ${opts.addresses}: ${(err as Error).message}`);
      return ExitCode.badInput;
    }
    const parsed = parseServerOutputs(text, opts.addresses, addressesNeeded(spec), stack);
    if (!parsed.ok) {
      for (const problem of parsed.problems) io.err(`${PREFIX}: ${problem}`);
      io.err(
        `${PREFIX}: write it with \`all2all output --env ${spec.environment.name} ` +
          `--stack servers --format json > FILE\` after applying ${stack}`,
      );
      return ExitCode.badInput;
    }
    book = parsed.book;
  }

  const text = renderInventory(specs, format, book);
  if (outFile === undefined) {
    for (const line of text.replace(/\n$/, "").split("\n")) io.out(line);
    return ExitCode.ok;
  }
  try {
    writeFileAtomic(outFile, text);
  } catch (err) {
    io.err(`${PREFIX}: cannot write ${opts.out}: ${(err as Error).message}`);
    return ExitCode.failed;
  }
  const label = path.relative(io.cwd, outFile) || outFile;
  for (const spec of specs) io.out(`${PREFIX}: ${spec.environment.name}: ${holds(spec)}`);
  io.out(`${PREFIX}: wrote ${label} (${format === "json" ? "JSON" : "Markdown"})`);
  return ExitCode.ok;
}
