import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PlannableShard } from '../../src/catalog/shards.js';
import type { SubsetClip } from '../../src/catalog/subsets.js';
import { assignShards } from '../../src/fetch/plan.js';

const shard = (version: string, split: string, name: string, label: string | null, known = false): PlannableShard => ({
  version,
  split,
  name,
  url: `${version}/${split}/${name}`,
  path: `${version}/${split}/${name}`,
  archive_path: null,
  label,
  bytes: null,
  etag: null,
  state: 'remote',
  members_known: known ? 1 : 0,
});
const clip = (version: string, split: string, key: string, label: string | null, status = 'missing'): SubsetClip => ({ version, split, clip_key: key, label, status });

test('assignShards, without a database: known members first, then the class shard, then discovery, else no shard', () => {
  const k400a = shard('k400', 'val', 'part_0.tar.gz', null, true);
  const k400b = shard('k400', 'val', 'part_1.tar.gz', null);
  const replacement = shard('k400', 'replacement', 'replacement_for_corrupted_k400.tgz', null);
  const abseiling = shard('k700-2020', 'val', 'k700_val_001.tar.gz', 'abseiling');
  const streamedClass = shard('k700-2020', 'val', 'k700_val_002.tar.gz', 'air drumming', true);
  const wanted = [
    clip('k400', 'val', 'known', 'x'),
    clip('k400', 'val', 'unknown', 'x'),
    clip('k400', 'val', 'damaged', 'x', 'damaged'),
    clip('k700-2020', 'val', 'a1', 'abseiling'),
    clip('k700-2020', 'val', 'gone-from-class', 'air drumming'),
  ];
  const members = new Map([['k400\0known', [{ split: 'val', shard: 'part_0.tar.gz' }]], ['k400\0damaged', [{ split: 'val', shard: 'part_0.tar.gz' }]]]);
  const { shards, undiscovered, notInAnyShard } = assignShards(wanted, [k400a, k400b, replacement, abseiling, streamedClass], members);
  const keys = (row: PlannableShard) => shards.get(row)?.clips.map((c) => c.clip_key);
  assert.deepEqual(keys(k400a), ['known', 'damaged']);
  assert.deepEqual(keys(replacement), ['damaged'], 'a damaged K400 clip is sought in the replacement archive too');
  assert.equal(shards.get(replacement)!.discovery, true);
  assert.equal(shards.get(k400b)!.discovery, true, 'the unstreamed random shard is streamed to find the unknown clip');
  assert.deepEqual(undiscovered.map((c) => c.clip_key), ['unknown']);
  assert.deepEqual(keys(abseiling), ['a1']);
  assert.equal(shards.has(streamedClass), false);
  assert.deepEqual(notInAnyShard.map((c) => c.clip_key), ['gone-from-class']);
});

test('assignShards over many groups: every class shard gets its clips, every random shard is marked for discovery', () => {
  const rows = Array.from({ length: 700 }, (_, index) => shard('k700-2020', 'train', `k700_train_${index}.tar.gz`, `class ${index}`));
  rows.push(...Array.from({ length: 700 }, (_, index) => shard('k400', 'train', `part_${index}.tar.gz`, null)));
  const wanted = Array.from({ length: 200_000 }, (_, index) =>
    index % 2 === 0 ? clip('k700-2020', 'train', `c${index}`, `class ${(index / 2) % 700}`) : clip('k400', 'train', `k${index}`, `class ${index % 400}`),
  );
  const { shards, undiscovered } = assignShards(wanted, rows, new Map());
  assert.equal(shards.size, 1400);
  rows.slice(0, 700).forEach((row, index) => assert.equal(shards.get(row)!.clips.length, Math.floor(100_000 / 700) + (index < 100_000 % 700 ? 1 : 0), row.name));
  for (const row of rows.slice(700)) assert.equal(shards.get(row)!.discovery, true, row.name);
  assert.equal(undiscovered.length, 100_000);
});

test('assignShards passes over a shard that sent the clip damaged, still seeking it in the replacement archive', () => {
  const part = shard('k400', 'val', 'part_0.tar.gz', null, true);
  const replacement = shard('k400', 'replacement', 'replacement_for_corrupted_k400.tgz', null);
  const exploredReplacement = shard('k400', 'replacement', 'replacement_for_corrupted_k400.tgz', null, true);
  const wanted = [clip('k400', 'val', 'broken', 'x', 'damaged')];
  const members = new Map([['k400\0broken', [{ split: 'val', shard: 'part_0.tar.gz', damaged: 'damaged' }]]]);

  const unexplored = assignShards(wanted, [part, replacement], members);
  assert.equal(unexplored.shards.has(part), false);
  assert.deepEqual(unexplored.shards.get(replacement)?.clips.map((c) => c.clip_key), ['broken']);
  assert.deepEqual(unexplored.damagedAtSource, []);

  const explored = assignShards(wanted, [part, exploredReplacement], members);
  assert.equal(explored.shards.size, 0);
  assert.deepEqual(explored.damagedAtSource.map((c) => c.clip_key), ['broken']);
  assert.deepEqual(explored.notInAnyShard, []);

  const retried = assignShards(wanted, [part, exploredReplacement], members, { retryDamaged: true });
  assert.deepEqual(retried.shards.get(part)?.clips.map((c) => c.clip_key), ['broken']);
});
