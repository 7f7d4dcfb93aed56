import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, readdirSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { extract } from 'tar';
import { BucketServer } from '../helpers/bucket-server.js';
import { queryAll } from '../helpers/catalog.js';
import { runCli } from '../helpers/run-cli.js';
import { makeTarball } from '../helpers/tarball.js';
import { copyOfSampleBucket, tempDir } from '../helpers/temp.js';

const SHARD = '600/val/tying knot (not on a tie).tar.gz';

/** The bucket's copy of the class shard, repacked with one member cut short, as a source may hold it. */
async function bucketWithOneDamagedMember(): Promise<{ bucket: string; damagedKey: string; goodKey: string }> {
  const bucket = copyOfSampleBucket();
  const unpacked = tempDir();
  await extract({ file: join(bucket, SHARD), cwd: unpacked });
  const names = readdirSync(unpacked).sort();
  const damaged = names[0]!;
  truncateSync(join(unpacked, damaged), Math.floor(readFileSync(join(unpacked, damaged)).length / 2));
  copyFileSync(await makeTarball(Object.fromEntries(names.map((name) => [name, readFileSync(join(unpacked, name))]))), join(bucket, SHARD));
  return { bucket, damagedKey: damaged.replace(/\.mp4$/, ''), goodKey: names[1]!.replace(/\.mp4$/, '') };
}

test('a clip its shard sends damaged is reported as damaged at source, and its shard is not streamed again unless asked', async () => {
  const { bucket, damagedKey, goodKey } = await bucketWithOneDamagedMember();
  const server = await new BucketServer(bucket).start();
  try {
    const home = tempDir();
    const cli = (...args: string[]) => runCli([...args, '--home', home]);
    assert.equal((await cli('ingest', '--source', server.url, '--versions', 'k600', '--no-downstream')).code, 0);
    const sql = `SELECT version, split, clip_key FROM clips WHERE version = 'k600' AND split = 'val' AND clip_key IN ('${damagedKey}', '${goodKey}')`;
    assert.equal((await cli('subset', 'create', 'two', '--sql', sql)).code, 0);

    const first = await cli('fetch', 'two');
    assert.equal(first.code, 0, 'every clip a shard holds whole is on disk; the other is reported');
    assert.match(first.stderr, /2 clips extracted .*; 0 clips still missing, 1 damaged at source \(--retry-damaged streams their shards again\)/);
    assert.match(first.stderr, new RegExp(`^damaged {4}k600/val/${damagedKey} \\(damaged at source\\)$`, 'm'));
    const [member] = await queryAll<{ damaged: string | null }>(join(home, 'catalog.db'), 'SELECT damaged FROM shard_members WHERE clip_key = ?', damagedKey);
    assert.equal(member!.damaged, 'damaged');

    server.log.length = 0;
    const again = await cli('fetch', 'two');
    assert.equal(again.code, 0);
    assert.deepEqual(server.requestsFor(SHARD), [], 'the shard that sent it damaged is not downloaded again');
    const plan = JSON.parse((await cli('plan', 'two', '--json')).stdout) as { shards: unknown[]; damagedAtSource: { clip_key: string }[] };
    assert.deepEqual(plan.shards, []);
    assert.deepEqual(plan.damagedAtSource.map((clip) => clip.clip_key), [damagedKey]);
    assert.match((await cli('plan', 'two')).stdout, /1 clip is damaged at source: fetch skips them \(--retry-damaged streams their shards again\)/);

    const retried = await cli('fetch', 'two', '--retry-damaged');
    assert.equal(retried.code, 0);
    assert.deepEqual(server.requestsFor(SHARD).map((entry) => entry.method), ['GET'], 'asked for, it is streamed once more');
    assert.match(retried.stderr, /1 damaged at source/);
  } finally {
    await server.stop();
  }
});
