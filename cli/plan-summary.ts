/**
 * `all2all plan-summary <plan.json>…`: the classification of `all2all diff`
 * for the JSON of real saved plans (`tofu show -json plan.out > plan.json`),
 * for operators who have credentials: replacements and destructions of
 * stateful resources first, then the other dangerous changes, then every
 * change, values masked where the plan marks them sensitive (and where they
 * look like secrets). Reads nothing but the given files and the replacement
 * table; needs neither tofu nor the network.
 *
 * Exit codes: 0 nothing dangerous; 3 dangerous changes; 2 bad input (a file
 * that is not a plan's JSON, bad options).
 */
import { catalogue } from "../catalogue/catalogue";
import { costEvents } from "./diff/cost";
import * as fs from "node:fs";
import * as path from "node:path";
import { emitReport, parseFormat } from "./diff/output";
import { parsePlan, planNotes, summarisePlans, type LabelledPlan } from "./diff/plan";
import { loadReplaceTables } from "./diff/tables";
import { InputError } from "./errors";
import type { Io } from "./io";

export interface PlanSummaryOptions {
  /** `md` (default) or `json`. */
  readonly format?: string;
  /** Write the report to this file (atomically) instead of standard output. */
  readonly out?: string;
  /** The stack the (single) plan is for; default from its path (`…/stacks/<stack>/plan.json`), else the file name. */
  readonly stack?: string;
}

/** The stack a plan file belongs to: the folder under `stacks/` it sits in, else its name without `.json`. */
export function stackLabel(file: string): string {
  const parts = path.resolve(file).split(path.sep);
  const i = parts.lastIndexOf("stacks");
  if (i >= 0 && i === parts.length - 3) return parts[i + 1]!;
  return path.basename(file).replace(/\.json$/i, "");
}

function readPlan(file: string, io: Io): unknown {
  const full = path.resolve(io.cwd, file);
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(full);
  } catch (err) {
    throw new InputError(`${file}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  if (bytes.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) {
    throw new InputError(
      `${file} is a binary plan file: give its JSON, made with \`tofu show -json ${file} > plan.json\``,
    );
  }
  try {
    return JSON.parse(bytes.toString("utf8").replace(/^\uFEFF/, ""));
  } catch (err) {
    throw new InputError(
      `${file}: not JSON (${(err as Error).message}); make the plan's JSON ` +
        `with \`tofu show -json plan.out > plan.json\``,
    );
  }
}

export async function runPlanSummary(
  files: readonly string[],
  options: PlanSummaryOptions,
  io: Io,
  root: string,
): Promise<number> {
  if (files.length === 0)
    throw new InputError("plan-summary: give the JSON of at least one plan (`tofu show -json plan.out > plan.json`)");
  if (options.stack !== undefined && files.length > 1)
    throw new InputError(
      "plan-summary: --stack names the stack of a single plan; with several plans, each is named after its folder",
    );
  const format = parseFormat(options.format);
  const tables = loadReplaceTables(root);
  const plans: LabelledPlan[] = files.map((file) => ({
    stack: options.stack ?? stackLabel(path.resolve(io.cwd, file)),
    plan: parsePlan(readPlan(file, io), file),
  }));
  const labels = plans.map((p) => p.stack);
  const duplicate = labels.find((l, i) => labels.indexOf(l) !== i);
  if (duplicate !== undefined)
    throw new InputError(
      `plan-summary: two plans are both for stack ${duplicate}; put each in ` +
        `its stack's folder or give one plan with --stack`,
    );
  const events = costEvents(plans, catalogue());
  const changes = summarisePlans(plans, tables, labels).map((ch) => {
    const note = events.get(`${ch.stack} ${ch.address}`);
    return note === undefined ? ch : { ...ch, notes: [...ch.notes, note] };
  });
  const versions = [
    ...new Set(plans.map((p) => p.plan.terraform_version).filter((v): v is string => typeof v === "string")),
  ];
  return emitReport(
    {
      command: "plan-summary",
      head:
        (files.length === 1 ? `plan ${files[0]}` : `${files.length} plans`) +
        (versions.length > 0 ? ` (tofu/terraform ${versions.join(", ")})` : ""),
      stacks: labels,
      changes,
      notes: planNotes(plans),
    },
    format,
    options.out,
    io,
  );
}
