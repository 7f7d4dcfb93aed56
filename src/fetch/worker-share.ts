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

type SizedShard = { version: string; split: string; name: string; bytes: number | null };

/**
 * Which worker (1-based) streams each shard: the planned ones largest first, each to the least loaded worker (ties
 * to the lowest), so that every worker gets about the same bytes; then, alike, the shards not planned now (`others`),
 * so that a shard a later plan of the same subset asks for (a retry, members learned) has exactly one worker too.
 * A shard of unknown size counts as the mean of the known ones. The same shards give every worker the same split,
 * with no coordination between them.
 */
export function assignShares(planned: SizedShard[], others: SizedShard[], count: number): Map<string, number> {
  const known = [...planned, ...others].filter((shard) => shard.bytes !== null);
  const mean = known.length === 0 ? 1 : known.reduce((sum, shard) => sum + shard.bytes!, 0) / known.length;
  const loads = new Array<number>(count).fill(0);
  const owners = new Map<string, number>();
  for (const group of [planned, others]) {
    const bySize = group
      .map((shard) => ({ key: shardKeyOf(shard), bytes: shard.bytes ?? mean }))
      .filter(({ key }) => !owners.has(key))
      .sort((a, b) => b.bytes - a.bytes || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    for (const { key, bytes } of bySize) {
      const least = loads.indexOf(Math.min(...loads));
      loads[least]! += bytes;
      owners.set(key, least + 1);
    }
  }
  return owners;
}

/**
 * The worker that streams a shard: its owner, or for a shard no assignment knows (one a later ingest listed), one
 * picked by its name alone, which every worker picks alike.
 */
export function ownerOf(owners: Map<string, number>, key: string, count: number): number {
  const owner = owners.get(key);
  if (owner !== undefined) return owner;
  let hash = 2166136261;
  for (let at = 0; at < key.length; at++) hash = Math.imul(hash ^ key.charCodeAt(at), 16777619) >>> 0;
  return 1 + (hash % count);
}
