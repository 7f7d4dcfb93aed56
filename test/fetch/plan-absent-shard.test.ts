import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { BucketServer } from '../helpers/bucket-server.js';
import { queryAll } from '../helpers/catalog.js';
import { runCli } from '../helpers/run-cli.js';
import { copyOfSampleBucket, sampleBucket, tempDir } from '../helpers/temp.js';

interface PlanJson {
  shardsAbsentFromSource: number;
  shards: { name: string; bytes: number | null; absentFromSource: boolean; state: string }[];
}

test('plan says which listed shards the source does not have (a directory bucket, and 404 over HTTP)', async () => {
  const bucket = copyOfSampleBucket();
  rmSync(join(bucket, '600', 'val', 'swinging baseball bat.tar.gz'));
  const server = await new BucketServer(bucket).start();
  try {
    for (const source of [bucket, server.url]) {
      const home = tempDir();
      const cli = (...args: string[]) => runCli([...args, '--home', home]);
      assert.equal((await cli('ingest', '--source', source, '--versions', 'k600', '--no-downstream')).code, 0);
      assert.equal((await cli('subset', 'create', 's', '--version', 'k600', '--split', 'val', '--class', 'swinging baseball bat', '--class', 'tying knot (not on a tie)', '--per-class', '2')).code, 0);
      const plan = JSON.parse((await cli('plan', 's', '--json')).stdout) as PlanJson;
      assert.equal(plan.shardsAbsentFromSource, 1, source);
      const absent = plan.shards.find((shard) => shard.absentFromSource);
      assert.equal(absent?.name, 'swinging baseball bat.tar.gz');
      assert.equal(absent?.state, 'absent', 'the plan that found it absent says so, as shards list does after');
      assert.ok(plan.shards.some((shard) => !shard.absentFromSource && shard.bytes! > 0));
      const text = await cli('plan', 's');
      assert.match(text.stdout, /swinging baseball bat\.tar\.gz.*not in source/);
      assert.match(text.stdout, source === bucket ? /B to read from the source folder/ : /B to download/, 'a folder source is read in place, not downloaded');
      assert.match(text.stdout, /1 shard is listed but not in the source: fetch skips them \(--retry-absent asks again\)/);
      // s5cmd reads CVDF's bucket, whatever the source: neither a folder nor another server answering 404 leaves it out.
      const s5cmd = await cli('plan', 's', '--format', 's5cmd');
      assert.ok(s5cmd.stdout.includes('swinging baseball bat.tar.gz'), `listed for s5cmd, from ${source}`);
      assert.doesNotMatch(s5cmd.stderr, /left out/);
      if (source === server.url) {
        // Known absent: neither plan nor fetch asks the source for it again, unless told to.
        server.log.length = 0;
        const fetched = await cli('fetch', 's');
        assert.equal(fetched.code, 1, 'its clips are still missing');
        assert.match(fetched.stderr, /^skipped {4}[\w-]+\/\w+\/swinging baseball bat\.tar\.gz \(not in the source, as it said before; --retry-absent asks it again\)$/m);
        assert.deepEqual(server.requestsFor('600/val/swinging baseball bat.tar.gz'), []);
        await cli('plan', 's', '--retry-absent');
        assert.deepEqual(server.requestsFor('600/val/swinging baseball bat.tar.gz').map((entry) => [entry.method, entry.status]), [['HEAD', 404]]);
      }
    }
  } finally {
    await server.stop();
  }
});

test('a random shard whose known members share one class is not taken for that class\'s shard', async () => {
  const home = tempDir();
  const cli = (...args: string[]) => runCli([...args, '--home', home]);
  assert.equal((await cli('ingest', '--source', sampleBucket, '--versions', 'k400', '--no-downstream')).code, 0);
  const db = join(home, 'catalog.db');
  const [label] = await queryAll<{ label: string }>(
    db,
    "SELECT label FROM clips WHERE version = 'k400' AND split = 'val' GROUP BY label HAVING count(*) >= 3 ORDER BY label LIMIT 1",
  );
  const clips = await queryAll<{ clip_key: string }>(
    db,
    "SELECT clip_key FROM clips WHERE version = 'k400' AND split = 'val' AND label = ? ORDER BY clip_key LIMIT 3",
    label!.label,
  );
  // part_0 streamed once, and the two of its members we know happen to be of one class.
  const index = join(tempDir(), 'index.tsv');
  writeFileSync(index, `version\tsplit\tshard\tclip_key\tbytes\n${clips.slice(0, 2).map((clip) => `k400\tval\tpart_0.tar.gz\t${clip.clip_key}\t100`).join('\n')}\n`);
  assert.equal((await cli('shards', 'import-index', index)).code, 0);
  const [shard] = await queryAll<{ label: string | null }>(db, "SELECT label FROM shards WHERE version = 'k400' AND split = 'val' AND name = 'part_0.tar.gz'");
  assert.equal(shard!.label, null, 'a random shard has no class');
  const third = clips[2]!.clip_key;
  assert.equal((await cli('subset', 'create', 'third', '--sql', `SELECT version, split, clip_key FROM clips WHERE version = 'k400' AND split = 'val' AND clip_key = '${third}'`)).code, 0);
  const plan = JSON.parse((await cli('plan', 'third', '--json')).stdout) as { notInAnyShard: unknown[]; undiscovered: { clip_key: string }[] };
  assert.deepEqual(plan.notInAnyShard, [], 'the clip is still sought in the shards not streamed yet');
  assert.deepEqual(plan.undiscovered.map((clip) => clip.clip_key), [third]);
});
