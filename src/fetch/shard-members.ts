import type { Catalog } from '../catalog/catalog.js';

export interface ShardId {
  version: string;
  split: string;
  name: string;
}

/** The class a per-class shard's members show, when they all carry one label in that version and split. */
function learnedLabel(catalog: Catalog, shard: ShardId, clipKeys: string[]): string | null {
  const labels = catalog.sqlite
    .prepare(
      `SELECT DISTINCT label FROM clip_annotations WHERE version = ? AND split = ? AND label IS NOT NULL
         AND clip_key IN (SELECT value FROM json_each(?))`,
    )
    .pluck()
    .all(shard.version, shard.split, JSON.stringify(clipKeys)) as string[];
  return labels.length === 1 ? labels[0]! : null;
}

/**
 * Replaces what is known of a shard's members, marks them known, and learns the shard's class from them (which
 * corrects a numbered shard whose sorted-position label was wrong).
 */
export function recordShardMembers(catalog: Catalog, shard: ShardId, members: Map<string, number>): void {
  const { sqlite } = catalog;
  sqlite.transaction(() => {
    sqlite.prepare('DELETE FROM shard_member_files WHERE version = ? AND split = ? AND shard = ?').run(shard.version, shard.split, shard.name);
    const add = sqlite.prepare('INSERT INTO shard_member_files (version, split, shard, clip_key, bytes) VALUES (?, ?, ?, ?, ?)');
    for (const [clipKey, bytes] of members) add.run(shard.version, shard.split, shard.name, clipKey, bytes);
    sqlite
      .prepare('UPDATE shard_files SET members_known = 1, learned_label = ? WHERE version = ? AND split = ? AND name = ?')
      .run(learnedLabel(catalog, shard, [...members.keys()]), shard.version, shard.split, shard.name);
  })();
}
