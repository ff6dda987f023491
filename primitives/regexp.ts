/**
 * One regular expression from several written one after the other, so that a long pattern can be
 * written over several lines: `joinRegExp(/^deploy: /m, /step plan failed$/m)` is `/^deploy: step plan failed$/m`.
 * The parts are joined by their source, as they stand; all must carry the same flags.
 */
export function joinRegExp(...parts: readonly [RegExp, ...RegExp[]]): RegExp {
  const flags = parts[0].flags;
  const other = parts.find((p) => p.flags !== flags);
  if (other)
    throw new Error(`joinRegExp: every part takes the same flags ("${flags}"), not /${other.source}/${other.flags}`);
  return new RegExp(parts.map((p) => p.source).join(""), flags);
}
