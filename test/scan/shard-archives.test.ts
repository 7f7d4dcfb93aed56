import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { ShardCandidate } from '../../src/catalog/shards.js';
import { matchArchive } from '../../src/scan/shard-archives.js';
import { BucketServer } from '../helpers/bucket-server.js';
import { ingestInto, queryAll } from '../helpers/catalog.js';
import { runCli } from '../helpers/run-cli.js';
import { sampleBucket, tempDir } from '../helpers/temp.js';

test('an archive on disk is matched to its shard by its folders, then its size, never by guessing', () => {
  const parts = (bytes: (split: string) => number | null): ShardCandidate[] =>
    ['train', 'val', 'test'].map((split) => ({ version: 'k400', split, name: 'part_1.tar.gz', bytes: bytes(split) }));
  const byName = new Map([['part_1.tar.gz', [...parts(() => 1000), { version: 'k600', split: 'test', name: 'part_1.tar.gz', bytes: 1000 }]]]);
  assert.deepEqual(matchArchive('/data/k400_targz/val/part_1.tar.gz', 1000, byName), { kind: 'shard', shard: byName.get('part_1.tar.gz')![1], partial: false });
  assert.deepEqual(matchArchive('/data/Kinetics400/validate/part_1.tar.gz', 400, byName), { kind: 'shard', shard: byName.get('part_1.tar.gz')![1], partial: true });
  assert.equal((matchArchive('/data/k400_targz/train/part_1.tar.gz.part', 1000, byName) as { partial: boolean }).partial, true);
  assert.match(JSON.stringify(matchArchive('/data/k400_targz/val/part_1.tar.gz', 1001, byName)), /larger than the source says/);
  assert.match(JSON.stringify(matchArchive('/data/k700-2020_targz/val/part_1.tar.gz', 1000, byName)), /its folders name another version or split/);
  assert.match(JSON.stringify(matchArchive('/data/downloads/part_1.tar.gz', 1000, byName)), /neither its folders nor its size tell/);
  assert.equal(matchArchive('/data/downloads/notes.tar.gz', 10, byName), undefined);
  // Sizes known and different: the size alone decides among the splits of the folder's version.
  const sized = new Map([['part_1.tar.gz', parts((split) => ({ train: 900, val: 1000, test: 1100 })[split]!)]]);
  assert.deepEqual(matchArchive('/data/k400/part_1.tar.gz', 1100, sized), { kind: 'shard', shard: sized.get('part_1.tar.gz')![2], partial: false });
  // …but not while another shard it could be has a size not known yet.
  const halfKnown = new Map([['part_1.tar.gz', parts((split) => (split === 'test' ? null : 1000))]]);
  assert.match(JSON.stringify(matchArchive('/data/k400/part_1.tar.gz', 1000, halfKnown)), /neither its folders nor its size tell/);
});

test('scan records the archives CVDF download scripts leave; status --shards counts them; plan and extract read the whole ones', async () => {
  const home = tempDir();
  const cli = (...args: string[]) => runCli([...args, '--home', home]);
  await ingestInto(join(home, 'catalog.db'), sampleBucket);
  const classes = ['abseiling', 'air drumming', 'swinging baseball bat'].flatMap((label) => ['--class', label]);
  assert.equal((await cli('subset', 'create', 's', '--version', 'k700-2020', '--split', 'val', ...classes)).code, 0);
  const sizes = JSON.parse((await cli('plan', 's', '--json')).stdout) as { bytesToDownload: number; shards: { name: string; bytes: number }[] };
  assert.equal(sizes.shards.length, 3);

  const downloads = tempDir();
  const folder = join(downloads, 'k700-2020_targz', 'val');
  mkdirSync(folder, { recursive: true });
  const [whole, other, cut] = ['k700_val_001.tar.gz', 'k700_val_004.tar.gz', 'k700_val_601.tar.gz'];
  for (const name of [whole!, other!]) copyFileSync(join(sampleBucket, '700_2020', 'val', name), join(folder, name));
  writeFileSync(join(folder, cut!), readFileSync(join(sampleBucket, '700_2020', 'val', cut!)).subarray(0, 100));
  const scanned = await cli('scan', downloads, '--json');
  assert.equal(scanned.code, 0, scanned.stderr);
  assert.deepEqual((JSON.parse(scanned.stdout) as { archives: unknown }).archives, { recognised: 3, partial: 1, ambiguous: [] });
  const status = JSON.parse((await cli('status', '--shards', '--version', 'k700-2020', '--split', 'val', '--json')).stdout) as Record<string, number>[];
  assert.deepEqual([status[0]!.on_disk, status[0]!.partial], [2, 1]);

  const plan = JSON.parse((await cli('plan', 's', '--json')).stdout) as { bytesToDownload: number; shards: { name: string; archive: string | null }[] };
  assert.deepEqual(plan.shards.map((shard) => shard.archive !== null), [true, true, false]);
  assert.equal(plan.bytesToDownload, sizes.shards.find((shard) => shard.name === cut)!.bytes);
  const extracted = await cli('extract', 's');
  assert.equal(extracted.code, 1, 'the cut archive is not read: its clips stay missing');
  assert.match(extracted.stderr, new RegExp(`^skipped    [\\w-]+/\\w+/${cut!.replace('.', '\\.')} \\(no whole archive of it on disk yet\\)$`, 'm'));
  assert.match(extracted.stderr, /^subset s: 96 clips extracted from 2 shards/m);

  // A cut-off copy found in another folder never replaces the whole one recorded.
  const elsewhere = join(tempDir(), 'k700-2020_targz', 'val');
  mkdirSync(elsewhere, { recursive: true });
  writeFileSync(join(elsewhere, whole!), readFileSync(join(folder, whole!)).subarray(0, 50));
  assert.equal((await cli('scan', join(elsewhere, '..', '..'))).code, 0);
  const [kept] = await queryAll<{ archive_path: string }>(join(home, 'catalog.db'), 'SELECT archive_path FROM shards WHERE name = ?', whole);
  assert.equal(kept!.archive_path, join(folder, whole!));

  rmSync(join(folder, other!));
  assert.equal((await cli('scan', downloads)).code, 0);
  const after = JSON.parse((await cli('status', '--shards', '--version', 'k700-2020', '--split', 'val', '--json')).stdout) as Record<string, number>[];
  assert.deepEqual([after[0]!.extracted, after[0]!.on_disk, after[0]!.partial], [2, 0, 1], 'a vanished archive is forgotten; extracted shards count as extracted');
});

test('a download cut off where wget -c stopped, found by scan, is resumed over HTTP with Range from its bytes; the file itself is left as it was', async () => {
  const server = await new BucketServer(sampleBucket).start();
  try {
    const home = tempDir();
    const cli = (...args: string[]) => runCli([...args, '--home', home]);
    await ingestInto(join(home, 'catalog.db'), server.url);
    assert.equal((await cli('subset', 'create', 's', '--version', 'k700-2020', '--split', 'val', '--class', 'abseiling')).code, 0);
    assert.equal((await cli('plan', 's')).code, 0);
    const name = 'k700_val_001.tar.gz';
    const bytes = readFileSync(join(sampleBucket, '700_2020', 'val', name));
    const folder = join(tempDir(), 'k700-2020_targz', 'val');
    mkdirSync(folder, { recursive: true });
    const cut = bytes.subarray(0, 1000);
    writeFileSync(join(folder, name), cut);
    assert.equal((await cli('scan', folder)).code, 0);
    const fetched = await cli('fetch', 's');
    assert.equal(fetched.code, 0, fetched.stderr);
    const gets = server.requestsFor(`700_2020/val/${name}`).filter((entry) => entry.method === 'GET');
    assert.deepEqual(gets.map((entry) => [entry.status, entry.range]), [[206, 'bytes=1000-']]);
    assert.deepEqual(readFileSync(join(folder, name)), cut);
  } finally {
    await server.stop();
  }
});
