import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { before, test } from 'node:test';
import { ingestInto, queryAll } from '../helpers/catalog.js';
import { runCli } from '../helpers/run-cli.js';
import { sampleBucket, tempDir } from '../helpers/temp.js';

const home = tempDir();
const db = join(home, 'catalog.db');
const cli = (...args: string[]) => runCli([...args, '--home', home]);
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
let fetched: { clip_key: string; path: string }[];

/** Flips one byte in the middle of a file: same size; its mtime put back when asked, as bit rot leaves it. */
function flipByte(path: string, keepMtime = false): void {
  const before = statSync(path);
  const bytes = readFileSync(path);
  bytes[bytes.length >> 1]! ^= 0xff;
  writeFileSync(path, bytes);
  // In seconds with their fraction: a Date would round the mtime to the millisecond, and scan would see a change.
  if (keepMtime) utimesSync(path, before.atimeMs / 1000, before.mtimeMs / 1000);
}

before(async () => {
  await ingestInto(db, sampleBucket);
  assert.equal((await cli('subset', 'create', 'few', '--version', 'k700-2020', '--split', 'val', '--class', 'abseiling', '--limit', '3')).code, 0);
  assert.equal((await cli('fetch', 'few')).code, 0);
  fetched = await queryAll(db, "SELECT c.clip_key, c.path FROM subset_clips s JOIN clips c USING (version, split, clip_key) WHERE s.subset = 'few' ORDER BY 1");
});

test("fetch records each written clip's sha256, on its file and on its shard member, as it streams", async () => {
  for (const clip of fetched) {
    const sum = sha256(readFileSync(clip.path));
    const [file] = await queryAll<{ sha256: string }>(db, 'SELECT sha256 FROM files WHERE path = ?', clip.path);
    assert.equal(file!.sha256, sum);
    const members = await queryAll<{ sha256: string }>(db, "SELECT sha256 FROM shard_members WHERE version = 'k700-2020' AND clip_key = ?", clip.clip_key);
    assert.deepEqual(members.map((member) => member.sha256), [sum]);
  }
});

test('the sums travel with export-index; an index without them still imports', async () => {
  const index = join(home, 'index.tsv');
  assert.equal((await cli('shards', 'export-index', index, '--version', 'k700-2020', '--split', 'val')).code, 0);
  const lines = readFileSync(index, 'utf8').trim().split('\n');
  const row = lines.find((line) => line.includes(fetched[0]!.clip_key))!.split('\t');
  assert.equal(row[5], sha256(readFileSync(fetched[0]!.path)));

  const other = tempDir();
  await ingestInto(join(other, 'catalog.db'), sampleBucket);
  assert.equal((await runCli(['shards', 'import-index', index, '--home', other])).code, 0);
  const [imported] = await queryAll<{ sha256: string }>(join(other, 'catalog.db'), 'SELECT sha256 FROM shard_members WHERE clip_key = ?', fetched[0]!.clip_key);
  assert.equal(imported!.sha256, row[5]);

  const withoutSums = join(home, 'old-index.tsv');
  writeFileSync(withoutSums, `${lines.map((line) => line.split('\t').slice(0, 5).join('\t')).join('\n')}\n`);
  const third = tempDir();
  await ingestInto(join(third, 'catalog.db'), sampleBucket);
  const old = await runCli(['shards', 'import-index', withoutSums, '--home', third]);
  assert.equal(old.code, 0, old.stderr);
  const badSum = join(home, 'bad-sum.tsv');
  writeFileSync(badSum, `${lines[0]}\n${lines[1]!.split('\t').slice(0, 5).join('\t')}\tnot-a-sum\n`);
  const refused = await runCli(['shards', 'import-index', badSum, '--home', third]);
  assert.equal(refused.code, 65);
  assert.match(refused.stderr, /bad-sum\.tsv:2: expected a sha256 \(64 lower-case hex digits\) or nothing, found "not-a-sum"/);
});

test("scan --checksum finds another copy whose bytes differ from its shard member's at the same size; another encode is not judged", async () => {
  const copy = join(tempDir(), 'lab-copy');
  mkdirSync(copy);
  const [corrupt, intact, reencoded] = fetched.map((clip) => join(copy, basename(clip.path)));
  fetched.forEach((clip, index) => copyFileSync(clip.path, [corrupt, intact, reencoded][index]!));
  flipByte(corrupt!);
  // Another encode of the clip: other bytes, another size.
  writeFileSync(reencoded!, Buffer.concat([readFileSync(reencoded!), Buffer.from([0, 0, 0, 8, 0x66, 0x72, 0x65, 0x65])]));

  const scanned = await cli('scan', copy, '--checksum', '--json');
  assert.equal(scanned.code, 0, scanned.stderr);
  const summary = JSON.parse(scanned.stdout);
  assert.deepEqual([summary.hashed, summary.corrupted], [3, 1]);
  const files = await queryAll<{ path: string; status: string; detail: string | null; sha256: string }>(db, 'SELECT path, status, detail, sha256 FROM files WHERE path > ? AND path < ? ORDER BY path', `${copy}/`, `${copy}0`);
  const byPath = new Map(files.map((file) => [file.path, file]));
  assert.equal(byPath.get(corrupt!)!.status, 'damaged');
  assert.match(byPath.get(corrupt!)!.detail!, /^sha256 differs from that of its shard member k700-2020\/val\/.+ of the same size: corrupted since$/);
  assert.equal(byPath.get(intact!)!.status, 'ok');
  assert.equal(byPath.get(reencoded!)!.status, 'ok');
  assert.equal(byPath.get(reencoded!)!.sha256, sha256(readFileSync(reencoded!)));
  // Hashed files are not hashed again.
  assert.equal(JSON.parse((await cli('scan', copy, '--checksum', '--json')).stdout).hashed, 0);
});

test('scan --checksum-all finds bytes that changed under the same size and mtime, which --checksum passes over', async () => {
  const copy = join(tempDir(), 'rot');
  mkdirSync(copy);
  // Not a clip of any shard member with a sum: only the recorded sum can tell.
  const path = join(copy, basename(fetched[1]!.path).replace(/_\d{6}_\d{6}/, '_000100_000110'));
  copyFileSync(fetched[1]!.path, path);
  assert.equal((await cli('scan', copy, '--checksum')).code, 0);
  flipByte(path, true);
  assert.equal(JSON.parse((await cli('scan', copy, '--checksum', '--json')).stdout).hashed, 0, 'unchanged size and mtime: not read');
  const all = await cli('scan', copy, '--checksum-all', '--json');
  assert.equal(JSON.parse(all.stdout).hashed, 1);
  const [file] = await queryAll<{ status: string; detail: string }>(db, 'SELECT status, detail FROM files WHERE path = ?', path);
  assert.equal(file!.status, 'damaged');
  assert.match(file!.detail, /^its bytes changed since they were hashed \(sha256 [0-9a-f]{12}…\) under the same size and mtime: silently corrupted$/);
  const both = await cli('scan', copy, '--checksum', '--checksum-all');
  assert.equal(both.code, 64);
});

test('the sums of a shard survive a later fetch from it that writes other members, and an import without sums', async () => {
  const [first, second] = (await queryAll<{ clip_key: string }>(db, "SELECT clip_key FROM clips WHERE version = 'k700-2020' AND split = 'val' AND label = 'abseiling' AND status = 'missing' ORDER BY clip_key LIMIT 2")).map((row) => row.clip_key);
  const sums = () => queryAll<{ clip_key: string }>(db, "SELECT clip_key FROM shard_members WHERE version = 'k700-2020' AND sha256 IS NOT NULL ORDER BY clip_key");
  const known = (await sums()).map((row) => row.clip_key);
  for (const [index, key] of [first, second].entries()) {
    assert.equal((await cli('subset', 'create', `one-${index}`, '--sql', `SELECT version, split, clip_key FROM clips WHERE version = 'k700-2020' AND split = 'val' AND clip_key = '${key}'`)).code, 0);
    assert.equal((await cli('fetch', `one-${index}`)).code, 0);
  }
  assert.deepEqual((await sums()).map((row) => row.clip_key), [...known, first!, second!].sort());
  const index = join(home, 'no-sums.tsv');
  const exported = readFileSync(join(home, 'index.tsv'), 'utf8').trim().split('\n').map((line) => line.split('\t').slice(0, 5).join('\t'));
  writeFileSync(index, `${exported.join('\n')}\n`);
  assert.equal((await cli('shards', 'import-index', index)).code, 0);
  assert.ok((await sums()).length >= known.length + 2, 'an index without sums takes none away');
});
