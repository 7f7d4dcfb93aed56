import { UsageError } from '../errors.js';

/** Worker `index` (1-based) of `count`, as `--worker I/N` names it. */
export interface Worker {
  index: number;
  count: number;
}

export function parseWorker(text: string): Worker {
  const match = /^(\d+)\/(\d+)$/.exec(text);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || index < 1 || index > count) {
    throw new UsageError(`--worker takes I/N with 1 ≤ I ≤ N (e.g. 3/8, or $SLURM_ARRAY_TASK_ID/8 in an array numbered from 1, --array=1-8, as kinetics slurm writes it), not "${text}"`);
  }
  return { index, count };
}

export const shardKeyOf = (shard: { version: string; split: string; name: string }) => `${shard.version}/${shard.split}/${shard.name}`;

/**
 * The shards of a plan worker `index` of `count` streams: the largest first, each to the least loaded worker (ties
 * to the lowest), so that every worker gets about the same bytes. A shard of unknown size counts as the mean of the
 * known ones. The same plan gives every worker the same split, with no coordination between them.
 */
export function shareOf<Shard extends { version: string; split: string; name: string; bytes: number | null }>(shards: Shard[], worker: Worker): Shard[] {
  const known = shards.filter((shard) => shard.bytes !== null);
  const mean = known.length === 0 ? 1 : known.reduce((sum, shard) => sum + shard.bytes!, 0) / known.length;
  const bySize = shards
    .map((shard) => ({ shard, key: shardKeyOf(shard), bytes: shard.bytes ?? mean }))
    .sort((a, b) => b.bytes - a.bytes || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const loads = new Array<number>(worker.count).fill(0);
  const mine: Shard[] = [];
  for (const { shard, bytes } of bySize) {
    const least = loads.indexOf(Math.min(...loads));
    loads[least]! += bytes;
    if (least === worker.index - 1) mine.push(shard);
  }
  return mine;
}
