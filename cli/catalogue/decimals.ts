/**
 * Hetzner's decimal strings as the catalogue writes them: prices with four
 * decimals (rounded half up, in exact ten-thousandths), percentages without
 * trailing zeros, sizes rounded to four decimals.
 *
 * Imports: ./api's types.
 */
import type { ApiPrice } from "./api";

/** A price as the catalogue writes it: net and gross with four decimals. */
export function money(p: ApiPrice): { net: string; gross: string } {
  return { net: fourDecimals(p.net), gross: fourDecimals(p.gross) };
}

/** A decimal string in ten-thousandths, rounded half up: "10.2728999999999999" → 102729n. */
export function toUnits(decimal: string): bigint {
  const [int = "0", frac = ""] = decimal.split(".");
  const units = BigInt(int + `${frac}0000`.slice(0, 4));
  return (frac[4] ?? "0") >= "5" ? units + 1n : units;
}

/**
 * A decimal string with four decimals, rounded half up (the catalogue's
 * precision, a ten-thousandth of a euro): "6.6429000000000000" → "6.6429",
 * "10.2728999999999999" → "10.2729".
 */
export function fourDecimals(decimal: string): string {
  const s = toUnits(decimal).toString().padStart(5, "0");
  return `${s.slice(0, -4)}.${s.slice(-4)}`;
}

/** A decimal without trailing zeros: "20.00" → "20", "20.50" → "20.5". */
export function plainDecimal(decimal: string): string {
  return decimal.includes(".") ? decimal.replace(/0+$/, "").replace(/\.$/, "") : decimal;
}

export function round4(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
