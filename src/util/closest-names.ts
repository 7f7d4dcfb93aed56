function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
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
  const [nearest] = closestNames(wrong, known, 1);
  if (nearest === undefined) return undefined;
  const needle = wrong.toLowerCase();
  const hay = nearest.toLowerCase();
  const close = hay.includes(needle) || needle.includes(hay) || editDistance(needle, hay) <= Math.max(1, Math.floor(Math.max(needle.length, hay.length) / 3));
  return close ? nearest : undefined;
}
