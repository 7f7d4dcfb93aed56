/**
 * This machine's speed swings by ±30 % from minute to minute: a ratio of two single runs says little. Runs each
 * contender once per round, the contenders one after the other in every round (so a slow minute slows them all), and
 * returns every time and the median of each.
 */
export function inRounds<Name extends string>(rounds: number, contenders: Record<Name, (round: number) => number>): Record<Name, { median: number; all: number[] }> {
  const times = Object.fromEntries(Object.keys(contenders).map((name) => [name, [] as number[]])) as Record<Name, number[]>;
  for (let round = 0; round < rounds; round++) {
    for (const name of Object.keys(contenders) as Name[]) times[name].push(contenders[name](round));
  }
  return Object.fromEntries(
    Object.entries<number[]>(times).map(([name, all]) => [name, { median: [...all].sort((a, b) => a - b)[Math.floor(all.length / 2)]!, all }]),
  ) as Record<Name, { median: number; all: number[] }>;
}

/** `12.41 s (median of 12.41, 13.02, 11.98)` */
export const describeRounds = ({ median, all }: { median: number; all: number[] }) =>
  all.length === 1 ? `${median.toFixed(2)} s` : `${median.toFixed(2)} s (median of ${all.map((value) => value.toFixed(2)).join(', ')})`;

export const BENCH_ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
