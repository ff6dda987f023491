/**
 * nearestName stops computing a candidate's distance once it cannot beat the
 * best found so far; these properties hold it to the plain definition
 * (every distance computed in full), on random names and candidate lists.
 */
import fc from "fast-check";
import { editDistance, nearestName, suggestionThreshold } from "../../primitives/edit-distance";

/** The definition, without pruning: smallest score, ties to the alphabetically first. */
function nearestByDefinition(name: string, candidates: readonly string[]): string | undefined {
  const wanted = name.toLowerCase();
  const limit = suggestionThreshold(name);
  const scored: { candidate: string; score: number }[] = [];
  for (const candidate of candidates) {
    if (candidate === name) continue;
    const lower = candidate.toLowerCase();
    const distance = editDistance(wanted, lower);
    if (distance <= limit) scored.push({ candidate, score: distance });
    else if (wanted.length >= 3 && lower.startsWith(wanted)) {
      scored.push({ candidate, score: limit + 0.5 + (lower.length - wanted.length) / 1000 });
    }
  }
  scored.sort((a, b) => a.score - b.score || (a.candidate < b.candidate ? -1 : a.candidate > b.candidate ? 1 : 0));
  return scored[0]?.candidate;
}

// Few letters, so that close names (and ties) are common.
const word = fc.string({ unit: fc.constantFrom("a", "b", "c", "A", "_", "4"), maxLength: 9 });

describe("nearestName", () => {
  test("agrees with the definition computed without pruning", () => {
    fc.assert(
      fc.property(word, fc.array(word, { maxLength: 30 }), (name, candidates) => {
        expect(nearestName(name, candidates)).toBe(nearestByDefinition(name, candidates));
      }),
      { numRuns: 500 },
    );
  });

  test("a closer candidate after a farther one still wins, and ties go to the first in order", () => {
    expect(nearestName("location", ["locatoins", "locaton"])).toBe("locaton");
    expect(nearestName("abcd", ["abxd", "abcx", "abdc"])).toBe("abcx");
    expect(nearestName("ipv4", ["ipv4_address_long", "ipv4_address"])).toBe("ipv4_address");
  });

  test("editDistance with a bound returns the bound plus one once exceeded", () => {
    expect(editDistance("kitten", "sitting")).toBe(3);
    expect(editDistance("kitten", "sitting", 2)).toBe(3);
    expect(editDistance("kitten", "sitting", 1)).toBe(2);
    expect(editDistance("kitten", "sitting", 3)).toBe(3);
  });
});
