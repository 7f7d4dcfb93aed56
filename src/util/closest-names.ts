/** Edits from a to b: insertions, deletions, substitutions, and two neighbours swapped (`tabel` is one from `table`). */
function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      rows[i]![j] = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) rows[i]![j] = Math.min(rows[i]![j]!, rows[i - 2]![j - 2]! + 1);
    }
  }
  return rows[a.length]![b.length]!;
}

/** The known names nearest to a wrong one (substring matches first), for "did you mean" messages. */
export function closestNames(wrong: string, known: Iterable<string>, count = 3): string[] {
  const needle = wrong.toLowerCase();
  return [...known]
    .map((name) => {
      const hay = name.toLowerCase();
      return { name, score: hay.includes(needle) || needle.includes(hay) ? 0 : editDistance(needle, hay) };
    })
    .sort((a, b) => a.score - b.score || a.name.localeCompare(b.name))
    .slice(0, count)
    .map((entry) => entry.name);
}

/** The one known name a typo could stand for (a substring, or a few letters off), or none: no far-fetched guesses. */
export function nearestName(wrong: string, known: Iterable<string>): string | undefined {
  const needle = wrong.toLowerCase();
  // A prefix either way (`--shard` for `--shards`, `--verify-all` for `--verify`), else a few edits off; a name
  // merely inside another (`class` in `perclass`) is no reason to guess it.
  const scored = [...known].map((name) => {
    const hay = name.toLowerCase();
    const prefix = (hay.startsWith(needle) || needle.startsWith(hay)) && Math.min(hay.length, needle.length) >= 3;
    return { name, distance: prefix ? 0 : editDistance(needle, hay) };
  });
  scored.sort((a, b) => a.distance - b.distance || a.name.localeCompare(b.name));
  const [best, next] = scored;
  const allowed = needle.length < 5 ? 1 : Math.max(2, Math.floor(needle.length / 4));
  // Two typos as near (`k500`: k400 or k600) are no reason to pick one; of names it begins, the first is meant.
  const tied = best !== undefined && best.distance > 0 && next?.distance === best.distance;
  return best && best.distance <= allowed && !tied ? best.name : undefined;
}
