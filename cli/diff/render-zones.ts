/**
 * The self-hosted zones in a report's Markdown (cli/diff/render.ts): their
 * changed record sets zone by zone, the unchanged zones in one list, the
 * Knot configurations' changed lines, and the dangerous DNS changes for the
 * report's dangerous section.
 */
import { plural } from "../../primitives/plural";
import {
  DNS_CLASS_LABELS,
  type DiffReport,
  type DnsRecordChange,
  type DnsRecordSet,
  type ZoneDiff,
} from "./change-types";
import { code } from "./render-text";
import { zoneCounts } from "./zones";

function recordSet(set: DnsRecordSet | undefined): string {
  if (set === undefined) return "(absent)";
  return `${set.ttl} ${set.values.map(code).join(", ")}`;
}

const DNS_ACTION: Readonly<Record<DnsRecordChange["action"], { symbol: string; verb: string }>> = {
  add: { symbol: "+", verb: "add" },
  remove: { symbol: "-", verb: "remove" },
  change: { symbol: "~", verb: "change" },
};

function dnsChangeLine(c: DnsRecordChange): string {
  const a = DNS_ACTION[c.action];
  const what =
    c.action === "add"
      ? recordSet(c.after)
      : c.action === "remove"
        ? recordSet(c.before)
        : c.type === "SOA"
          ? `${(c.before?.values ?? []).map(code).join(" ")} → ${(c.after?.values ?? []).map(code).join(" ")}` +
            (c.before?.ttl !== c.after?.ttl ? ` (TTL ${c.before?.ttl} → ${c.after?.ttl})` : "")
          : `${recordSet(c.before)} → ${recordSet(c.after)}`;
  return `- ${code(a.symbol)} ${code(c.owner)} ${c.type}: ${what}`;
}

function serialText(z: ZoneDiff): string {
  const { base, head } = z.serial;
  if (base !== undefined && head !== undefined)
    return base === head ? `serial ${head} (unchanged)` : `serial ${base} → ${head}`;
  if (head !== undefined) return `serial ${head}`;
  return base !== undefined ? `serial ${base}` : "";
}

/** `3 DNS record changes, 1 Knot configuration changed`, or `no changes`. */
function zoneChanges(dns: number, knot: number): string {
  if (dns === 0 && knot === 0) return "no changes";
  const parts = [
    dns > 0 ? plural(dns, "DNS record change") : "",
    knot > 0 ? `${plural(knot, "Knot configuration")} changed` : "",
  ];
  return parts.filter((x) => x !== "").join(", ");
}

function zoneTitle(z: ZoneDiff): string {
  return `${code(z.zone)} in ${z.environment}${z.server !== undefined ? `, served by ${code(z.server)}` : ""}`;
}

/**
 * The self-hosted zones: changed record sets per zone, the unchanged zones in one list, the Knot configurations'
 * changed lines.
 */
export function zoneSection(report: DiffReport): string[] {
  const zr = report.zones;
  if (zr === undefined || (zr.zones.length === 0 && zr.knot.length === 0 && zr.notes.length === 0)) return [];
  const z = zoneCounts(zr);
  const dns = z.add + z.remove + z.change;
  const lines = [
    `### Self-hosted zones: ${zoneChanges(dns, z.knot)}`,
    "",
    "Zones in secondary mode are served from a hidden primary: their records are in its zone files and Knot " +
      "configuration (`all2all zonefile --env ENV --knot`), not in the stacks. Each side is rendered by its own " +
      "code; a server's address is shown as its reference (`web-1.ipv4`).",
    "",
  ];
  for (const n of zr.notes) lines.push(`> ${n}`);
  if (zr.notes.length > 0) lines.push("");
  const unchanged = zr.zones.filter((x) => x.changes.length === 0);
  for (const x of unchanged)
    lines.push(
      `- ${zoneTitle(x)}: no changes${serialText(x) !== "" ? `, ${serialText(x)}` : ""}` +
        (x.notes.length > 0 ? ` (${x.notes.join("; ")})` : ""),
    );
  if (unchanged.length > 0) lines.push("");
  for (const x of zr.zones.filter((y) => y.changes.length > 0)) {
    const counts = { add: 0, remove: 0, change: 0 };
    for (const c of x.changes) counts[c.action]++;
    const parts = [
      counts.add > 0 ? `${counts.add} added` : "",
      counts.remove > 0 ? `${counts.remove} removed` : "",
      counts.change > 0 ? `${counts.change} changed` : "",
    ].filter((p) => p !== "");
    lines.push(`#### ${zoneTitle(x)}: ${parts.join(", ")}${serialText(x) !== "" ? `; ${serialText(x)}` : ""}`, "");
    for (const n of x.notes) lines.push(`> ${n}`);
    if (x.notes.length > 0) lines.push("");
    for (const c of x.changes) {
      lines.push(dnsChangeLine(c));
      for (const d of c.dangers) lines.push(`  - **${DNS_CLASS_LABELS[d.class]}**: ${d.message}`);
    }
    lines.push("");
  }
  for (const k of zr.knot) {
    lines.push(
      `#### Knot configuration ${code(k.file)} ` +
        `in ${k.environment}: ${plural(k.added, "line")} added, ${k.removed} ` +
        `removed`,
      "",
      "```diff",
      ...k.lines,
      "```",
      "",
    );
  }
  return lines;
}

/** The dangerous DNS changes, for the report's dangerous section. */
export function dnsDangerLines(report: DiffReport): string[] {
  const lines: string[] = [];
  for (const z of report.zones?.zones ?? []) {
    for (const c of z.changes) {
      if (c.dangers.length === 0) continue;
      lines.push(
        `- ${code(c.owner)} ${c.type} in the self-hosted zone ${code(z.zone)} ` +
          `(${z.environment}) — ${DNS_ACTION[c.action].verb}`,
      );
      for (const d of c.dangers) lines.push(`  - **${DNS_CLASS_LABELS[d.class]}**: ${d.message}`);
    }
  }
  return lines;
}
