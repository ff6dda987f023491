/**
 * Names in DNS records: a record's owner name (`@`, relative labels, one
 * leading wildcard; never absolute) and the names records point to (`@`,
 * relative, or absolute with the final dot; never an address).
 */
import { parseIpv4, parseIpv6 } from "../../primitives/ip";
import { parseDomainName } from "../domain-names";
import type { PathSegment } from "../problems";
import type { ZoneContext } from "./types";

/** Whether the zone holds reverse DNS (in-addr.arpa, ip6.arpa). */
export function isReverseZone(zone: string): boolean {
  return zone.endsWith(".in-addr.arpa") || zone.endsWith(".ip6.arpa") || zone === "in-addr.arpa" || zone === "ip6.arpa";
}

/** The record's owner name: `@` or relative labels, checked; undefined when invalid (reported). */
export function ownerName(
  ctx: ZoneContext,
  raw: string,
  path: readonly PathSegment[],
): { name: string; fqdn: string } | undefined {
  const input = raw.trim();
  const zone = ctx.zone;
  if (input === "@" || input === "") {
    if (input === "") ctx.report(path, "record name is empty", 'use "@" for the zone apex');
    return input === "@" ? { name: "@", fqdn: `${zone}.` } : undefined;
  }
  if (input.endsWith(".")) {
    const absolute = input.slice(0, -1).toLowerCase();
    if (absolute === zone) ctx.report(path, `record name "${input}" is the zone apex written in full`, 'write "@"');
    else if (absolute.endsWith(`.${zone}`)) {
      ctx.report(
        path,
        `record name "${input}" is absolute`,
        `write it relative to the zone: "${absolute.slice(0, -zone.length - 1)}"`,
      );
    } else ctx.report(path, `record name "${input}" is outside the zone ${zone}`);
    return undefined;
  }
  const lower = input.toLowerCase();
  if (lower === zone || lower.endsWith(`.${zone}`)) {
    const relative = lower === zone ? "@" : lower.slice(0, -zone.length - 1);
    ctx.report(path, `record name "${input}" is relative, so it means ${lower}.${zone}`, `write "${relative}"`);
    return undefined;
  }
  return relativeOwner(ctx, input, lower, path);
}

/** Relative labels, a "*" only as the first; the whole name at most 253 characters. */
function relativeOwner(
  ctx: ZoneContext,
  input: string,
  lower: string,
  path: readonly PathSegment[],
): { name: string; fqdn: string } | undefined {
  const labels = lower.split(".");
  const wildcard = labels[0] === "*";
  if (labels.slice(1).includes("*")) {
    ctx.report(path, `record name "${input}" has a "*" that is not the first label`);
    return undefined;
  }
  const rest = wildcard ? labels.slice(1).join(".") : lower;
  let ascii = "";
  if (rest !== "") {
    const parsed = parseDomainName(rest, { allowUnderscore: true });
    if (!parsed.ok) {
      ctx.report(path, `record name "${input}" ${parsed.reason}`);
      return undefined;
    }
    ascii = parsed.name.ascii;
  }
  const name = wildcard ? (ascii === "" ? "*" : `*.${ascii}`) : ascii;
  const fqdn = `${name}.${ctx.zone}.`;
  if (fqdn.length > 254) {
    ctx.report(path, `record name "${input}" makes a name of ${fqdn.length - 1} characters (at most 253)`);
    return undefined;
  }
  return { name, fqdn };
}

export type Target = { ok: true; fqdn: string } | { ok: false; message: string; hint?: string };

/** A name a record points to: `@`, relative (to the zone) or absolute with a final dot. */
export function hostTarget(value: string, zone: string, options: { allowUnderscore?: boolean; what: string }): Target {
  if (value === "@") return { ok: true, fqdn: `${zone}.` };
  if (parseIpv4(value) !== undefined || parseIpv6(value) !== undefined) {
    return {
      ok: false,
      message: `${options.what} "${value}" is an address, but a host name is expected`,
      hint: "point to a name that has A/AAAA records",
    };
  }
  const absolute = value.endsWith(".");
  const parsed = parseDomainName(absolute ? value.slice(0, -1) : value, { allowUnderscore: options.allowUnderscore });
  if (!parsed.ok) return { ok: false, message: `${options.what} "${value}" ${parsed.reason}` };
  const fqdn = absolute ? `${parsed.name.ascii}.` : `${parsed.name.ascii}.${zone}.`;
  if (!absolute && (parsed.name.ascii === zone || parsed.name.ascii.endsWith(`.${zone}`))) {
    return {
      ok: false,
      message: `${options.what} "${value}" has no final dot, so it means ${parsed.name.ascii}.${zone}`,
      hint: `end it with a dot ("${value}.") or write it relative`,
    };
  }
  if (fqdn.length > 254) return { ok: false, message: `${options.what} "${value}" is longer than 253 characters` };
  return { ok: true, fqdn };
}
