/**
 * Checked access for the test helpers: a group of a regular expression's
 * match, which the types say may be absent (noUncheckedIndexedAccess), is
 * checked, failing with the matched text rather than a TypeError further on.
 */

/** Group `index` of a match, or an error showing the matched text when that group took no part in it. */
export function group(match: RegExpMatchArray, index: number): string {
  const value = match[index];
  if (value === undefined) throw new Error(`group ${index} took no part in the match ${JSON.stringify(match[0])}`);
  return value;
}
