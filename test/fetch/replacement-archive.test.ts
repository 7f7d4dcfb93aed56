import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { queryAll } from '../helpers/catalog.js';
import { runCli } from '../helpers/run-cli.js';
import { copyOfSampleBucket, tempDir } from '../helpers/temp.js';

// In the sample bucket, three K400 train clips stand only in replacement_for_corrupted_k400.tgz.
const inReplacement = ['zzV2j_ZtqgE_000237_000247', 'zzHiyOMnOfE_000271_000281', 'zzj49zROsCe_000257_000267'];

test("K400's replacement archive is a discovery shard for K400 clips of any split, and its clips land in their own split", async () => {
  const home = tempDir();
  const cli = (...args: string[]) => runCli([...args, '--home', home]);
  assert.equal((await cli('ingest', '--source', copyOfSampleBucket(), '--versions', 'k400', '--no-downstream')).code, 0);
  const keys = inReplacement.map((key) => `'${key}'`).join(',');
  const created = await cli('subset', 'create', 'fixed', '--sql', `select version, split, clip_key from clips where version = 'k400' and clip_key in (${keys})`);
  assert.equal(created.code, 0, created.stderr);

  const plan = JSON.parse((await cli('plan', 'fixed', '--json')).stdout) as { shards: { split: string; name: string; discovery: boolean }[] };
  assert.ok(plan.shards.some((shard) => shard.split === 'replacement' && shard.discovery), 'the replacement archive is a candidate');

  // One job: the replacement archive (first in order) finds every clip, so the train parts are never opened.
  const fetched = await cli('fetch', 'fixed', '--jobs', '1', '--json');
  assert.equal(fetched.code, 0, fetched.stderr);
  const summary = JSON.parse(fetched.stdout) as { stillMissing: number; shards: { split: string; state: string }[] };
  assert.equal(summary.stillMissing, 0);
  assert.ok(summary.shards.filter((shard) => shard.split === 'train').every((shard) => shard.state === 'skipped'));

  const db = join(home, 'catalog.db');
  const clips = await queryAll<{ split: string; status: string; path: string }>(db, `SELECT split, status, path FROM clips WHERE version = 'k400' AND clip_key IN (${keys})`);
  assert.equal(clips.length, 3);
  for (const clip of clips) {
    assert.equal(clip.split, 'train');
    assert.equal(clip.status, 'ok');
    assert.ok(clip.path.startsWith(join(home, 'videos', 'k400', 'train')), clip.path);
  }
  const learned = await queryAll<{ n: number }>(db, "SELECT count(*) AS n FROM shard_members WHERE version = 'k400' AND split = 'replacement'");
  assert.equal(learned[0]!.n, 3, 'the archive is indexed: later plans know its members');
});

test('shards index --split replacement learns the archive; an unknown split names the valid ones', async () => {
  const home = tempDir();
  const cli = (...args: string[]) => runCli([...args, '--home', home]);
  assert.equal((await cli('ingest', '--source', copyOfSampleBucket(), '--versions', 'k400', '--no-downstream')).code, 0);
  const indexed = await cli('shards', 'index', '--version', 'k400', '--split', 'replacement');
  assert.equal(indexed.code, 0, indexed.stderr);
  assert.match(indexed.stderr, /1 shards indexed, 3 members learned/);
  const wrong = await cli('shards', 'index', '--version', 'k400', '--split', 'replacment');
  assert.equal(wrong.code, 64);
  assert.match(wrong.stderr, /unknown --split "replacment"; one of train, val, test, holdout_test, replacement/);
});
