import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { minimalMp4 } from '../../src/util/mp4-fixture.js';
import { queryAll } from '../helpers/catalog.js';
import { rawTar } from '../helpers/raw-tar.js';
import { runCli } from '../helpers/run-cli.js';
import { copyOfSampleBucket, tempDir } from '../helpers/temp.js';

test('a shard broken in the middle: the clips before the break are kept and recorded, nothing half-written stays', async () => {
  const bucket = copyOfSampleBucket();
  const home = tempDir();
  const cli = (...args: string[]) => runCli([...args, '--home', home]);
  assert.equal((await cli('ingest', '--source', bucket, '--versions', 'k600', '--no-downstream')).code, 0);
  const db = join(home, 'catalog.db');
  const keys = (await queryAll<{ clip_key: string }>(db, "SELECT clip_key FROM clips WHERE version = 'k600' AND split = 'val' AND label = 'tying knot (not on a tie)' ORDER BY clip_key LIMIT 3")).map((row) => row.clip_key);
  assert.equal(keys.length, 3);
  const video = minimalMp4(10);
  const before = rawTar(keys.slice(0, 2).map((key) => ({ path: `${key}.mp4`, content: video })), { gzip: false });
  const after = rawTar([{ path: `${keys[2]}.mp4`, content: video }], { gzip: false });
  writeFileSync(join(bucket, '600/val/tying knot (not on a tie).tar.gz'), Buffer.concat([before.subarray(0, before.length - 1024), randomBytes(512), after]));
  assert.equal((await cli('subset', 'create', 'knots', '--sql', `SELECT version, split, clip_key FROM clips WHERE version = 'k600' AND split = 'val' AND clip_key IN ('${keys.join("', '")}')`)).code, 0);

  const result = await cli('fetch', 'knots');
  assert.equal(result.code, 1, result.stderr);
  assert.match(result.stderr, /^failed {5}k600\/val\/tying knot \(not on a tie\)\.tar\.gz: not a readable tar archive/m, 'the shard named once');
  assert.match(result.stderr, /^subset knots: 0 clips extracted from 0 shards \(and 2 kept from shards that stopped part way\), 1 shard failed in [\d.]+ s;/m, 'read in place from the folder source: nothing said downloaded');
  const statuses = await queryAll<{ clip_key: string; status: string }>(db, "SELECT clip_key, status FROM subset_clips s JOIN clips c USING (version, split, clip_key) WHERE s.subset = 'knots' ORDER BY clip_key");
  assert.deepEqual(statuses, [{ clip_key: keys[0], status: 'ok' }, { clip_key: keys[1], status: 'ok' }, { clip_key: keys[2], status: 'missing' }]);
  assert.equal(execFileSync('find', [home, '-name', '*.extracting']).toString(), '');
});
