import { rmSync } from 'node:fs';

/**
 * This machine's speed swings by ±30 % from minute to minute: a ratio of two single runs says little. Runs each
 * contender once per round, all of them in every round and each round starting with the next one (so a slow minute
 * slows them all, and none always runs first), and returns each one's times and their median.
 * `before` (removing what the last round wrote, say) is not timed.
 */
export function inRounds<Name extends string>(
  rounds: number,
  contenders: Record<Name, { before?: () => void; run: () => void }>,
): Record<Name, { median: number; all: number[] }> {
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`BENCH_ROUNDS must be a whole number of at least 1, not ${rounds}`);
  const names = Object.keys(contenders) as Name[];
  const times = new Map<Name, number[]>(names.map((name) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    for (let turn = 0; turn < names.length; turn++) {
      const name = names[(round + turn) % names.length]!;
      contenders[name].before?.();
      const start = process.hrtime.bigint();
      contenders[name].run();
      times.get(name)!.push(Number(process.hrtime.bigint() - start) / 1e9);
    }
  }
  return Object.fromEntries(names.map((name) => [name, { median: median(times.get(name)!), all: times.get(name)! }])) as Record<
    Name,
    { median: number; all: number[] }
  >;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** `12.41 s (median of 12.41, 13.02, 11.98)` */
export const describeRounds = ({ median, all }: { median: number; all: number[] }) =>
  all.length === 1 ? `${median.toFixed(2)} s` : `${median.toFixed(2)} s (median of ${all.map((value) => value.toFixed(2)).join(', ')})`;

export const BENCH_ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

/** What removes a SQLite database and its -wal and -shm files (a contender's `before`). */
export const removeDatabase = (file: string) => () => {
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
};
