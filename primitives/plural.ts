/** Counting words: `plural(1, "stack")` → `1 stack`, `plural(3, "entry", "entries")` → `3 entries`. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
