/** Line diffs: the Knot configurations in `all2all diff` (zones.ts). */
import type { LineDiff } from "./change-types";

/** A changed-lines diff of two texts (longest common subsequence), one line of context, `…` between hunks. */
export function lineDiff(before: string, after: string, maxLines = 4000): LineDiff {
  const a = before === "" ? [] : before.replace(/\n$/, "").split("\n");
  const b = after === "" ? [] : after.replace(/\n$/, "").split("\n");
  if (a.length > maxLines || b.length > maxLines) {
    const added = b.filter((l) => !a.includes(l)).length;
    const removed = a.filter((l) => !b.includes(l)).length;
    return { added, removed, lines: [`(too long to show: ${a.length} → ${b.length} lines)`] };
  }
  // lcs[i][j]: length of the LCS of a[i..] and b[j..]. Every index below is in range (the loops' bounds).
  const lcs: Uint16Array[] = Array.from({ length: a.length + 1 }, () => new Uint16Array(b.length + 1));
  const at = (i: number, j: number): number => lcs[i]![j]!;
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i]![j] = a[i] === b[j] ? at(i + 1, j + 1) + 1 : Math.max(at(i + 1, j), at(i, j + 1));
    }
  }
  const ops: { op: " " | "-" | "+"; text: string }[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      ops.push({ op: " ", text: a[i++]! });
      j++;
    } else if (i < a.length && (j >= b.length || at(i + 1, j) >= at(i, j + 1))) ops.push({ op: "-", text: a[i++]! });
    else ops.push({ op: "+", text: b[j++]! });
  }
  const show = new Set<number>();
  ops.forEach((o, k) => {
    if (o.op === " ") return;
    for (const n of [k - 1, k, k + 1]) if (n >= 0 && n < ops.length) show.add(n);
  });
  const lines: string[] = [];
  let last = -1;
  for (const k of [...show].sort((x, y) => x - y)) {
    if (last >= 0 && k > last + 1) lines.push("…");
    const o = ops[k]!;
    lines.push(`${o.op} ${o.text}`.trimEnd());
    last = k;
  }
  return { added: ops.filter((o) => o.op === "+").length, removed: ops.filter((o) => o.op === "-").length, lines };
}
