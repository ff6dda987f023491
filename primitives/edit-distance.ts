/**
 * Edit distance and "did you mean" suggestions for unknown names.
 *
 * Uses the optimal-string-alignment variant of Levenshtein distance, so that a
 * swapped pair of letters ("nmae" for "name") counts as one edit, and compares
 * case-insensitively, so that a camelCase slip ("serverType") still finds the
 * snake_case schema name ("server_type"). A name that is the start of a
 * known name ("ipv4" for "ipv4_address") is suggested too.
 */

/** Three reusable DP rows (two rows back, previous, current), grown on demand. */
let rows = new Int32Array(3 * 64);

/**
 * Optimal string alignment distance between a and b (case-sensitive). With
 * `max`, stops as soon as the distance is known to exceed it and returns
 * max + 1, which keeps rejecting distant candidates cheap. Allocation-free:
 * it runs for every candidate of every suggestion.
 */
export function editDistance(a: string, b: string, max = Infinity): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  const width = b.length + 1;
  if (rows.length < 3 * width) rows = new Int32Array(3 * width);
  // Row r of the DP lives at offset (r % 3) * width.
  // Every index below is under 3 * width, inside rows: hence the non-null assertions.
  for (let j = 0; j < width; j++) rows[width + j] = j;
  for (let i = 1; i <= a.length; i++) {
    const current = ((i + 1) % 3) * width;
    const previous = (i % 3) * width;
    const before = ((i + 2) % 3) * width;
    rows[current] = i;
    let rowMin = i;
    for (let j = 1; j < width; j++) {
      const deletion = rows[previous + j]! + 1;
      const insertion = rows[current + j - 1]! + 1;
      const substitution = rows[previous + j - 1]! + (a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1);
      let best = Math.min(deletion, insertion);
      if (substitution < best) best = substitution;
      if (
        i > 1 &&
        j > 1 &&
        a.charCodeAt(i - 1) === b.charCodeAt(j - 2) &&
        a.charCodeAt(i - 2) === b.charCodeAt(j - 1)
      ) {
        const transposition = rows[before + j - 2]! + 1;
        if (transposition < best) best = transposition;
      }
      rows[current + j] = best;
      if (best < rowMin) rowMin = best;
    }
    if (rowMin > max) return max + 1; // row minima never decrease, so the distance exceeds max
  }
  return Math.min(rows[((a.length + 1) % 3) * width + b.length]!, max + 1);
}

/** How many edits a suggestion may be away from the name: 1 for short names, else about a third of it (at least 2). */
export function suggestionThreshold(name: string): number {
  return name.length <= 3 ? 1 : Math.max(2, Math.floor(name.length / 3));
}

/**
 * How plausible `candidate` is as the intended spelling of `wanted` (both
 * lower case): its edit distance when within `bound` (at most the threshold),
 * else, when the candidate extends the name ("ipv4" → "ipv4_address"), a
 * score just above the threshold that prefers the shortest extension;
 * undefined otherwise. A candidate further than `bound` could not beat the
 * best one found so far, so its distance is not computed to the end.
 */
function score(wanted: string, candidate: string, limit: number, bound: number): number | undefined {
  if (Math.abs(candidate.length - wanted.length) <= bound) {
    const distance = editDistance(wanted, candidate, bound);
    if (distance <= bound) return distance;
  }
  if (bound === limit && wanted.length >= 3 && candidate.startsWith(wanted))
    return limit + 0.5 + (candidate.length - wanted.length) / 1000;
  return undefined;
}

/**
 * The candidate closest to name, if it is close enough to be a plausible
 * typo or abbreviation. Ties go to the alphabetically first candidate, so
 * results are stable.
 */
export function nearestName(name: string, candidates: Iterable<string>): string | undefined {
  const wanted = name.toLowerCase();
  const limit = suggestionThreshold(name);
  let best: string | undefined;
  let bestScore = Infinity;
  for (const candidate of candidates) {
    if (candidate === name) continue;
    // Only a distance up to the best so far can still win (an equal one on alphabetical order).
    const bound = Math.min(bestScore, limit);
    const candidateScore = score(wanted, candidate.toLowerCase(), limit, bound);
    if (candidateScore === undefined) continue;
    if (candidateScore < bestScore || (candidateScore === bestScore && best !== undefined && candidate < best)) {
      best = candidate;
      bestScore = candidateScore;
    }
  }
  return best;
}

/** "; nearest is "x"" when a suggestion exists, else "" (for message tails). */
export function suggestionSuffix(name: string, candidates: Iterable<string>): string {
  const nearest = nearestName(name, candidates);
  return nearest === undefined ? "" : `; nearest is "${nearest}"`;
}
