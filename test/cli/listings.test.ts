import assert from 'node:assert/strict';
import { truncateSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { runCli } from '../helpers/run-cli.js';
import { sampleBucket, tempDir } from '../helpers/temp.js';

const home = tempDir();
const cli = (...args: string[]) => runCli([...args, '--home', home]);
const rowsOf = (json: string) => JSON.parse(json) as Record<string, string | number | null>[];

before(async () => {
  assert.equal((await cli('ingest', '--source', sampleBucket, '-q')).code, 0);
  assert.equal((await cli('subset', 'create', 'few', '--version', 'k400', '--split', 'val', '--limit', '5', '--seed', '3')).code, 0);
  assert.equal((await cli('fetch', 'few', '-q')).code, 0);
});

test('files: one row a file with its status and clip; --status narrows, and a damaged file says why', async () => {
  const all = rowsOf((await cli('files', '--json')).stdout);
  assert.equal(all.length, 5);
  assert.ok(all.every((row) => row.status === 'ok' && typeof row.clip_key === 'string' && String(row.path).endsWith(`${row.clip_key}.mp4`)));
  truncateSync(String(all[0]!.path), 40);
  assert.equal((await cli('scan', '--verify', '-q')).code, 0);
  const damaged = rowsOf((await cli('files', '--status', 'damaged', '--json')).stdout);
  assert.deepEqual(damaged.map((row) => row.path), [all[0]!.path]);
  assert.ok(String(damaged[0]!.detail).length > 0, 'the reason it is damaged');
  assert.equal(rowsOf((await cli('files', '--status', 'ok', '--json')).stdout).length, 4);
  assert.equal(rowsOf((await cli('files', '--root', join(home, 'elsewhere'), '--json')).stdout).length, 0);
  // The folder scanned (--home/videos) or any folder below it.
  assert.equal(rowsOf((await cli('files', '--root', join(home, 'videos'), '--json')).stdout).length, 5);
  assert.equal(rowsOf((await cli('files', '--root', join(home, 'videos', 'k400', 'val'), '--json')).stdout).length, 5);
  assert.equal(rowsOf((await cli('files', '--root', join(home, 'videos', 'k400', 'train'), '--json')).stdout).length, 0);
  const refused = await cli('files', '--status', 'broken');
  assert.equal(refused.code, 64);
  assert.match(refused.stderr, /^kinetics: unknown status "broken"; one of ok, empty, damaged/);
});

test('shards list: one row a shard, numbered ones in number order; --state narrows to what the fetch extracted', async () => {
  const val = rowsOf((await cli('shards', 'list', '--version', 'k400', '--split', 'val', '--json')).stdout);
  const numbers = val.map((row) => Number(/^part_(\d+)\.tar\.gz$/.exec(String(row.name))![1]));
  assert.deepEqual(numbers, [...numbers].sort((a, b) => a - b));
  const extracted = rowsOf((await cli('shards', 'list', '--state', 'extracted', '--json')).stdout);
  assert.ok(extracted.length > 0 && extracted.every((row) => row.state === 'extracted' && row.version === 'k400'));
  const status = rowsOf((await cli('status', '--shards', '--json')).stdout);
  assert.equal(extracted.length, status.reduce((sum, row) => sum + Number(row.extracted), 0), 'the same count status --shards gives');
  const refused = await cli('shards', 'list', '--state', 'done');
  assert.equal(refused.code, 64);
  assert.match(refused.stderr, /one of remote, downloading, downloaded, extracted, failed, absent/);
});
