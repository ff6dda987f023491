/** The JSON rendering of a report, for tools (cli/diff/render.ts has the Markdown one). */
import type { DiffReport } from "./change-types";
import { countChanges } from "./sort";
import { zoneCounts } from "./zones";

/**
 * The report as JSON (version 1): summary counts, notes, and every change
 * with its attributes and reasons; for diff (a report with `refusal`) also
 * `refused` and the head's `errors`, `digests` per environment, and the
 * self-hosted `zones`.
 * `summary.dangerous` counts the dangerous DNS changes too.
 */
export function toJson(report: DiffReport): string {
  const counts = countChanges(report.changes);
  const z = zoneCounts(report.zones);
  const diffOnly =
    report.refusal !== undefined
      ? {
          refused: (report.refusal?.errors.length ?? 0) > 0,
          errors: report.refusal?.errors ?? [],
          ...(report.digests !== undefined
            ? {
                digests: Object.fromEntries(
                  Object.keys(report.digests)
                    .sort()
                    .map((k) => [k, report.digests![k]]),
                ),
              }
            : {}),
        }
      : {};
  return `${JSON.stringify(
    {
      version: 1,
      command: report.command,
      base: report.base ?? null,
      head: report.head ?? null,
      dangerous: counts.dangerous + z.dangerous > 0,
      ...diffOnly,
      summary: { ...counts, dangerous: counts.dangerous + z.dangerous },
      ...(report.cost
        ? {
            monthly_cost: {
              before: Math.round(report.cost.before / 100) / 100,
              after: Math.round(report.cost.after / 100) / 100,
              delta: Math.round(report.cost.delta / 100) / 100,
              currency: "EUR",
              vat_included: true,
              catalogue: { base: report.cost.baseTaken, head: report.cost.headTaken },
            },
          }
        : {}),
      stacks: report.stacks,
      notes: report.notes,
      changes: report.changes,
      ...(report.zones !== undefined
        ? {
            zones: {
              summary: {
                added: z.add,
                removed: z.remove,
                changed: z.change,
                dangerous: z.dangerous,
                knot_changed: z.knot,
              },
              compared: report.zones.zones,
              knot: report.zones.knot,
              notes: report.zones.notes,
            },
          }
        : {}),
    },
    null,
    2,
  )}\n`;
}
