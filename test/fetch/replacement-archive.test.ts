import assert from 'node:assert/strict';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { queryAll } from '../helpers/catalog.js';
import { runCli } from '../helpers/run-cli.js';
import { makeTarball } from '../helpers/tarball.js';
import { copyOfSampleBucket, tempDir } from '../helpers/temp.js';

// In the sample bucket, three K400 train clips stand only in replacement_for_corrupted_k400.tgz.
const inReplacement = ['zzV2j_ZtqgE_000237_000247', 'zzHiyOMnOfE_000271_000281', 'zzj49zROsCe_000257_000267'];
const replacementFolder = `${sep}k400${sep}replacement_for_corrupted_k400${sep}`;

async function catalogOf(bucket: string) {
  const home = tempDir();
  const cli = (...args: string[]) => runCli([...args, '--home', home]);
  const ingested = await cli('ingest', '--source', bucket, '--versions', 'k400', '--no-downstream');
  assert.equal(ingested.code, 0, ingested.stderr);
  return { home, cli, db: join(home, 'catalog.db') };
}

/** A member of a tar.gz, read with the tar format's own layout (512-byte headers), for a test to corrupt. */
function memberOf(archive: string, name: string): Buffer {
  const tar = gunzipSync(readFileSync(archive));
  for (let offset = 0; offset + 512 <= tar.length; ) {
    const path = tar.subarray(offset, offset + 100).toString('utf8').replace(/\0.*$/s, '');
    const size = parseInt(tar.subarray(offset + 124, offset + 136).toString('utf8').replace(/\0.*$/s, '').trim() || '0', 8);
    if (path.endsWith(name)) return tar.subarray(offset + 512, offset + 512 + size);
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  throw new Error(`${name} is not in ${archive}`);
}

test("K400's replacement archive is a discovery shard for K400 clips of any split; its copies go to a folder of their own", async () => {
  const { cli, db, home } = await catalogOf(copyOfSampleBucket());
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

  const clips = await queryAll<{ split: string; status: string; path: string }>(db, `SELECT split, status, path FROM clips WHERE version = 'k400' AND clip_key IN (${keys})`);
  assert.equal(clips.length, 3);
  for (const clip of clips) {
    assert.equal(clip.split, 'train');
    assert.equal(clip.status, 'ok');
    assert.ok(clip.path.startsWith(join(home, 'videos')) && clip.path.includes(replacementFolder), clip.path);
  }
  const flagged = await queryAll<{ n: number }>(db, `SELECT count(*) AS n FROM files WHERE is_replacement = 1 AND clip_key IN (${keys})`);
  assert.equal(flagged[0]!.n, 3, 'recorded as replacements');
  const learned = await queryAll<{ n: number }>(db, "SELECT count(*) AS n FROM shard_members WHERE version = 'k400' AND split = 'replacement'");
  assert.equal(learned[0]!.n, 3, 'the archive is indexed: later plans know its members');
});

test('a corrupt original streamed beside the replacement archive never overwrites the good copy; both stay visible', async () => {
  const bucket = copyOfSampleBucket();
  const clipKey = inReplacement[0]!;
  const good = memberOf(join(bucket, '400', 'replacement_for_corrupted_k400.tgz'), `${clipKey}.mp4`);
  // train/part_0 holds the original, cut short: what the replacement archive exists for.
  renameSync(await makeTarball({ [`${clipKey}.mp4`]: good.subarray(0, 120) }), join(bucket, '400', 'train', 'part_0.tar.gz'));
  const { cli, db } = await catalogOf(bucket);
  assert.equal((await cli('subset', 'create', 'one', '--sql', `select version, split, clip_key from clips where clip_key = '${clipKey}'`)).code, 0);
  // Four jobs: the replacement archive and part_0 stream at the same time (the other listed parts are absent).
  await cli('fetch', 'one', '--jobs', '4');
  const files = await queryAll<{ path: string; status: string; is_replacement: number }>(
    db,
    `SELECT path, status, is_replacement FROM files WHERE clip_key = '${clipKey}' AND status <> 'gone' ORDER BY path`,
  );
  const replacement = files.find((file) => file.is_replacement === 1);
  assert.equal(replacement?.status, 'ok', JSON.stringify(files));
  for (const file of files.filter((file) => file.is_replacement === 0)) assert.equal(file.status, 'damaged', file.path);
  const [clip] = await queryAll<{ status: string; path: string }>(db, `SELECT status, path FROM clips WHERE clip_key = '${clipKey}'`);
  assert.equal(clip!.status, 'ok');
  assert.equal(clip!.path, replacement!.path);
});

test('a damaged K400 file is fetched again from its own shard in one run, the replacement archive sought as well', async () => {
  const { cli, db, home } = await catalogOf(copyOfSampleBucket());
  assert.equal((await cli('shards', 'index', '--version', 'k400', '--split', 'val')).code, 0);
  const [member] = await queryAll<{ clip_key: string }>(db, "SELECT clip_key FROM shard_members WHERE version = 'k400' AND split = 'val' ORDER BY clip_key LIMIT 1");
  // The clip's file elsewhere on disk is empty.
  const elsewhere = tempDir();
  writeFileSync(join(elsewhere, `${member!.clip_key}.mp4`), '');
  assert.equal((await cli('scan', elsewhere, '--verify')).code, 0);
  assert.equal((await cli('subset', 'create', 'v', '--sql', `select version, split, clip_key from clips where version = 'k400' and clip_key = '${member!.clip_key}'`)).code, 0);

  const plan = JSON.parse((await cli('plan', 'v', '--json')).stdout) as { shards: { split: string; clips: unknown[] }[] };
  assert.deepEqual(plan.shards.map((shard) => [shard.split, shard.clips.length]).sort(), [['replacement', 1], ['val', 1]]);
  const fetched = await cli('fetch', 'v');
  assert.equal(fetched.code, 0, fetched.stderr);
  const [clip] = await queryAll<{ status: string; path: string }>(db, 'SELECT status, path FROM clips WHERE clip_key = ?', member!.clip_key);
  assert.equal(clip!.status, 'ok');
  assert.ok(clip!.path.startsWith(join(home, 'videos', 'k400', 'val')), clip!.path);
});

test('shards index --split replacement learns the archive; an unknown split names the valid ones', async () => {
  const { cli } = await catalogOf(copyOfSampleBucket());
  const indexed = await cli('shards', 'index', '--version', 'k400', '--split', 'replacement');
  assert.equal(indexed.code, 0, indexed.stderr);
  assert.match(indexed.stderr, /1 shard indexed, 3 members learned/);
  const wrong = await cli('shards', 'index', '--version', 'k400', '--split', 'replacment');
  assert.equal(wrong.code, 64);
  assert.match(wrong.stderr, /unknown split "replacment" \(did you mean replacement\?\); one of train, val, test, holdout_test, replacement/);
});
