import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Catalog } from '../../src/catalog/catalog.js';
import { fetchSubset } from '../../src/fetch/fetch-subset.js';
import { minimalMp4 } from '../../src/util/mp4-fixture.js';
import { BucketServer } from '../helpers/bucket-server.js';
import { ingestInto, queryAll } from '../helpers/catalog.js';
import { cliEntry, runCli, tsxLoader } from '../helpers/run-cli.js';
import { copyOfSampleBucket, tempDir } from '../helpers/temp.js';
import { rawTar } from '../helpers/raw-tar.js';

const bucket = copyOfSampleBucket();
const server = await new BucketServer(bucket).start();
after(() => server.stop());

test('SIGKILL mid-download: the next fetch resumes with Range, never asks for finished bytes again, and completes', async () => {
  const home = tempDir();
  const db = join(home, 'catalog.db');
  await ingestInto(db, server.url);
  const [shard] = await queryAll<{ name: string }>(db, "SELECT name FROM shards WHERE version = 'k700-2020' AND split = 'val' AND label = 'skateboarding'");
  const clips = await queryAll<{ clip_key: string }>(db, "SELECT clip_key FROM clips WHERE version = 'k700-2020' AND split = 'val' AND label = 'skateboarding' ORDER BY clip_key LIMIT 6");
  // Incompressible members make a shard of ~12 MB, served slowly the first time.
  const shardFile = join(bucket, '700_2020/val', shard!.name);
  writeFileSync(shardFile, rawTar(clips.map((clip) => ({ path: `skateboarding/${clip.clip_key}.mp4`, content: minimalMp4(10, randomBytes(2 << 20)) }))));
  const size = statSync(shardFile).size;
  const sql = "select version, split, clip_key from clips where version = 'k700-2020' and split = 'val' and label = 'skateboarding' order by clip_key limit 6";
  assert.equal((await runCli(['subset', 'create', 'skate', '--sql', sql, '--home', home])).code, 0);
  assert.equal((await runCli(['plan', 'skate', '--home', home])).code, 0);
  server.fail(`700_2020/val/${shard.name}`, 'trickle');

  const part = join(home, 'archives', 'k700-2020', 'val', `${shard.name}.part`);
  const child = spawn(process.execPath, ['--import', tsxLoader, cliEntry, 'fetch', 'skate', '--home', home], { stdio: 'ignore' });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  const deadline = Date.now() + 60_000;
  while (!(existsSync(part) && statSync(part).size > 1 << 20)) {
    assert.ok(Date.now() < deadline, 'the download got going');
    await sleep(20);
  }
  child.kill('SIGKILL');
  assert.equal(await exited, 'SIGKILL');
  const partial = statSync(part).size;
  assert.ok(partial > 0 && partial < size, `${partial} of ${size} bytes before the kill`);
  const [downloading] = await queryAll<{ state: string }>(db, 'SELECT state FROM shards WHERE name = ?', shard!.name);
  assert.equal(downloading!.state, 'downloading');
  const [shardStatus] = JSON.parse((await runCli(['status', '--shards', '--version', 'k700-2020', '--split', 'val', '--json', '--home', home])).stdout) as Record<string, number>[];
  assert.equal(shardStatus!.downloading, 1, 'status --shards counts it as being downloaded, not as only remote');

  server.log.length = 0;
  const resumed = await runCli(['fetch', 'skate', '--home', home, '--json']);
  assert.equal(resumed.code, 0, resumed.stderr);
  const requests = server.requestsFor(`700_2020/val/${shard!.name}`);
  assert.equal(requests.length, 1);
  const resumedFrom = Number(/^bytes=(\d+)-$/.exec(requests[0]!.range ?? '')?.[1]);
  assert.ok(resumedFrom >= partial, `resumed from ${resumedFrom}, the part file had ${partial}`);
  assert.equal(requests[0]!.status, 206);
  const summary = JSON.parse(resumed.stdout) as { transferredBytes: number; stillMissing: number };
  assert.equal(summary.transferredBytes, size - resumedFrom, 'finished bytes are not downloaded again');
  assert.equal(summary.stillMissing, 0);
  const statuses = await queryAll<{ status: string }>(db, "SELECT c.status FROM subset_clips s JOIN clips c USING (version, split, clip_key) WHERE s.subset = 'skate'");
  assert.deepEqual(statuses.map((row) => row.status), Array(6).fill('ok'));
  assert.ok(!existsSync(part));
});

/** A new home whose subset `name` is 4 clips of a K700-2020 val class, in a shard of ~8 MB the server trickles. */
async function slowShardSubset(name: string, label: string): Promise<{ home: string; db: string; shard: { name: string } }> {
  const home = tempDir();
  const db = join(home, 'catalog.db');
  await ingestInto(db, server.url);
  const [shard] = await queryAll<{ name: string }>(db, "SELECT name FROM shards WHERE version = 'k700-2020' AND split = 'val' AND label = ?", label);
  const clips = await queryAll<{ clip_key: string }>(db, "SELECT clip_key FROM clips WHERE version = 'k700-2020' AND split = 'val' AND label = ? ORDER BY clip_key LIMIT 4", label);
  writeFileSync(join(bucket, '700_2020/val', shard!.name), rawTar(clips.map((clip) => ({ path: `${clip.clip_key}.mp4`, content: minimalMp4(10, randomBytes(2 << 20)) }))));
  const sql = `select version, split, clip_key from clips where version = 'k700-2020' and split = 'val' and label = '${label}' order by clip_key limit 4`;
  assert.equal((await runCli(['subset', 'create', name, '--sql', sql, '--home', home])).code, 0);
  assert.equal((await runCli(['plan', name, '--home', home])).code, 0);
  server.fail(`700_2020/val/${shard.name}`, 'trickle');
  return { home, db, shard: shard! };
}

test('Ctrl-C mid-download: the fetch lock goes with the process (another host could not tell it stale), one line says how to resume', async () => {
  const { home, shard } = await slowShardSubset('dolphins', 'swimming with dolphins');

  const part = join(home, 'archives', 'k700-2020', 'val', `${shard.name}.part`);
  const child = spawn(process.execPath, ['--import', tsxLoader, cliEntry, 'fetch', 'dolphins', '--home', home], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  const deadline = Date.now() + 60_000;
  while (!(existsSync(part) && statSync(part).size > 0)) {
    assert.ok(Date.now() < deadline, 'the download got going');
    await sleep(20);
  }
  assert.ok(existsSync(join(home, 'fetch.lock')), 'held while it streams');
  child.kill('SIGINT');
  assert.equal(await exited, 'SIGINT', 'ended by the signal, as without the lock');
  assert.ok(!existsSync(join(home, 'fetch.lock')));
  assert.match(stderr, /^kinetics: interrupted: the shards done stand, and the same command resumes the rest$/m);
  const resumed = await runCli(['fetch', 'dolphins', '--home', home, '--json']);
  assert.equal(resumed.code, 0, resumed.stderr);
});

test('cancelled is not failed: a fetch stopped by its caller says cancelled, keeps the shard downloading with its part file, and the next one resumes it', async () => {
  const { home, db, shard } = await slowShardSubset('situp', 'situp');

  const catalog = Catalog.open(db);
  const controller = new AbortController();
  try {
    const summary = await fetchSubset(catalog, 'situp', {
      home,
      jobs: 1,
      keepArchives: false,
      signal: controller.signal,
      onProgress: (event) => {
        if (event.kind === 'bytes') controller.abort();
      },
    });
    assert.deepEqual(summary.shards.map((result) => [result.name, result.state, result.error]), [[shard.name, 'cancelled', undefined]]);
  } finally {
    await catalog.close();
  }
  const [row] = await queryAll<{ state: string; error: string | null }>(db, 'SELECT state, error FROM shards WHERE name = ?', shard.name);
  assert.deepEqual(row, { state: 'downloading', error: null });
  const part = join(home, 'archives', 'k700-2020', 'val', `${shard.name}.part`);
  assert.ok(statSync(part).size > 0, 'the part file is kept');
  const resumed = await runCli(['fetch', 'situp', '--home', home, '--json']);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.match(server.requestsFor(`700_2020/val/${shard.name}`).at(-1)!.range ?? '', /^bytes=[1-9]\d*-$/);
});
