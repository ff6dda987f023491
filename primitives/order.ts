/**
 * Dependency order: each item after the items it depends on, ties broken by
 * name (code point order, the same on every machine). A dependency on an
 * unknown name is ignored; a cycle is an error naming an item on it.
 */
export function dependencyOrder<T>(
  items: readonly T[],
  nameOf: (item: T) => string,
  dependenciesOf: (item: T) => readonly string[],
): T[] {
  const byName = new Map(items.map((item) => [nameOf(item), item]));
  const byCodePoint = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  const done = new Set<string>();
  const visiting = new Set<string>();
  const out: T[] = [];
  const visit = (name: string): void => {
    if (done.has(name)) return;
    if (visiting.has(name)) throw new Error(`dependency cycle through ${name}`);
    visiting.add(name);
    const item = byName.get(name) as T;
    for (const dep of [...dependenciesOf(item)].sort(byCodePoint)) if (byName.has(dep)) visit(dep);
    visiting.delete(name);
    done.add(name);
    out.push(item);
  };
  for (const name of [...byName.keys()].sort(byCodePoint)) visit(name);
  return out;
}
