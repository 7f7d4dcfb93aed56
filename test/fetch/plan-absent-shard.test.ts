import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { BucketServer } from '../helpers/bucket-server.js';
import { runCli } from '../helpers/run-cli.js';
import { copyOfSampleBucket, tempDir } from '../helpers/temp.js';

interface PlanJson {
  shardsAbsentFromSource: number;
  shards: { name: string; bytes: number | null; absentFromSource: boolean }[];
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
      assert.ok(plan.shards.some((shard) => !shard.absentFromSource && shard.bytes! > 0));
      const text = await cli('plan', 's');
      assert.match(text.stdout, /swinging baseball bat\.tar\.gz.*not in source/);
      assert.match(text.stdout, /1 shards are listed but not in the source: fetching them will fail/);
    }
  } finally {
    await server.stop();
  }
});
