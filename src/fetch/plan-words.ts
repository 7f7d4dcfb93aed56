import { formatBytes } from '../util/words.js';
import type { PlannedShard } from './plan.js';

/** A planned shard's size as the CLI and the TUI show it: the source's answer when it has none. */
export function shardSizeInWords(shard: Pick<PlannedShard, 'absentFromSource' | 'bytes'>): string {
  return shard.absentFromSource ? 'not in source' : shard.bytes === null ? '?' : formatBytes(shard.bytes);
}
