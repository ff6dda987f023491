/**
 * What every check and message of the construct library shares: the error
 * thrown for an invalid prop, how messages name a construct and show a value,
 * tokens (whose checks are skipped), literal text for the engine and integer
 * ranges. The other shared concerns have a module each: names.ts, labels.ts,
 * addresses.ts, protection.ts, secrets.ts and import-blocks.ts.
 */
import { Token } from "cdktn";

/** Thrown for every invalid prop: the message names the construct, the value received and the fix. */
export class ConstructPropsError extends Error {
  constructor(where: string, message: string) {
    super(`${where}: ${message}`);
    this.name = "ConstructPropsError";
  }
}

/** `Server "web-1"`: how messages name a construct. */
export function describeConstruct(kind: string, id: string): string {
  return `${kind} "${id}"`;
}

/** JSON text of a received value, for messages. */
export function show(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

/** True when the value (or any string in it) is an unresolved token: checks are skipped for those. */
export function isToken(value: unknown): boolean {
  return Token.isUnresolved(value);
}

/**
 * Text written by a person, as the engine must receive it to pass it on
 * unchanged: Terraform's template syntax reads `${…}` as an interpolation and
 * `%{…}` as a directive even in JSON, so both are escaped (`$${`, `%%{`).
 * Tokens that cdktn embeds in the text (`${TfToken[…]}`) are left as they
 * are, so a value mixing a reference and literal text keeps the reference.
 */
export function literal(text: string): string;
export function literal(text: string | undefined): string | undefined;
export function literal(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  return text.replace(/\$\{(?!TfToken\[)/g, "$$${").replace(/%\{/g, "%%{");
}

/** Throws unless `value` is an integer in [min, max] (tokens skipped). */
export function checkInteger(
  where: string,
  what: string,
  value: number | undefined,
  min: number,
  max: number,
  fix: string,
): void {
  if (value === undefined || isToken(value)) return;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConstructPropsError(
      where,
      `${what} must be an integer from ${min} to ${max} (got ${show(value)}); ${fix}`,
    );
  }
}
