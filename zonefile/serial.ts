/**
 * The SOA serial: YYYYMMDDnn (UTC), changed only when the content changes.
 *
 * A hash of the content would change only with the content too, but it is
 * not monotonic, and secondaries take a zone only when its serial grows
 * (RFC 1982 arithmetic). So the previous file in the output directory is the
 * state: when the new file equals it except for the serial, the serial is
 * kept; otherwise it becomes today's YYYYMMDD00, or the previous serial plus
 * one when that is larger (a second change on the same day, or a clock
 * behind). Keep the output directory between runs; on the hidden primary,
 * Knot manages the served serial anyway (see knot.ts).
 */
import { SERIAL_TOKEN } from "./render";

/** The largest serial: 2^32 - 1. */
export const MAX_SERIAL = 4294967295;

/** YYYYMMDD00 of a date, in UTC. */
export function dateSerial(date: Date): number {
  return date.getUTCFullYear() * 1000000 + (date.getUTCMonth() + 1) * 10000 + date.getUTCDate() * 100;
}

const SERIAL_LINE = /^(\s+)(\d{1,10})( ; serial)$/m;

/** The serial written in a file rendered by `all2all zonefile`, or undefined. */
export function serialOf(text: string): number | undefined {
  const match = SERIAL_LINE.exec(text);
  if (!match) return undefined;
  const serial = Number(match[2]);
  return serial <= MAX_SERIAL ? serial : undefined;
}

/** The file with its serial replaced by the token, for comparison with a template. */
function withoutSerial(text: string): string {
  return text.replace(
    SERIAL_LINE,
    (_all, indent: string, _serial: string, rest: string) => `${indent}${SERIAL_TOKEN}${rest}`,
  );
}

/** A template with its serial filled in. */
export function withSerial(template: string, serial: number): string {
  return template.replace(SERIAL_TOKEN, String(serial));
}

export interface SerialChoice {
  readonly serial: number;
  /** Why: the content is new, changed, or unchanged. */
  readonly reason: "new" | "changed" | "unchanged";
  readonly previous?: number;
}

/**
 * The serial for `template`, given the previous file's text (undefined when
 * there is none) and today's date.
 */
export function chooseSerial(template: string, previousText: string | undefined, today: Date): SerialChoice {
  const previous = previousText === undefined ? undefined : serialOf(previousText);
  if (previous === undefined) return { serial: dateSerial(today), reason: "new" };
  if (withoutSerial(previousText!) === template) return { serial: previous, reason: "unchanged", previous };
  const serial = Math.max(dateSerial(today), previous + 1);
  if (serial > MAX_SERIAL) {
    throw new Error(
      `the previous serial ${previous} cannot grow past ${MAX_SERIAL}; ` +
        `reset it by the RFC 1982 procedure (docs/dns.md)`,
    );
  }
  return { serial, reason: "changed", previous };
}
