import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, readdirSync, statSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { minimalMp4 } from '../../src/util/mp4-fixture.js';
import { encodeTestClip } from '../helpers/ffmpeg.js';
import { test } from 'node:test';
import { extract } from 'tar';
import { BucketServer } from '../helpers/bucket-server.js';
import { queryAll } from '../helpers/catalog.js';
import { runCli } from '../helpers/run-cli.js';
import { makeTarball } from '../helpers/tarball.js';
import { copyOfSampleBucket, tempDir } from '../helpers/temp.js';

const SHARD = '600/val/tying knot (not on a tie).tar.gz';

/** A real H.264 clip written at `path`, its bitstream then scrambled: whole to --verify, undecodable to --decode. */
function scrambledClip(path: string): Buffer {
  encodeTestClip(path);
  const bytes = readFileSync(path);
  const mdat = bytes.indexOf('mdat', 0, 'latin1');
  for (let at = mdat + 2000; at < mdat + 2400; at++) bytes[at] = (at * 131) % 251;
  return bytes;
}

/**
 * The bucket's copy of the class shard, repacked with one member cut in half (damaged), or replaced by a clip of
 * 3 s (short), or by a real clip whose bitstream is scrambled (sound in structure, undecodable), as a source may hold it;
 * or by a real clip that decodes (`real`).
 */
async function bucketWithOneDamagedMember(how: 'cut' | 'short' | 'scrambled' | 'real' = 'cut'): Promise<{ bucket: string; damagedKey: string; goodKey: string }> {
  const bucket = copyOfSampleBucket();
  const unpacked = tempDir();
  await extract({ file: join(bucket, SHARD), cwd: unpacked });
  const names = readdirSync(unpacked).sort();
  const damaged = names[0]!;
  if (how === 'short') writeFileSync(join(unpacked, damaged), minimalMp4(3));
  else if (how === 'scrambled') writeFileSync(join(unpacked, damaged), scrambledClip(join(unpacked, damaged)));
  else if (how === 'real') encodeTestClip(join(unpacked, damaged));
  else truncateSync(join(unpacked, damaged), Math.floor(readFileSync(join(unpacked, damaged)).length / 2));
  copyFileSync(await makeTarball(Object.fromEntries(names.map((name) => [name, readFileSync(join(unpacked, name))]))), join(bucket, SHARD));
  return { bucket, damagedKey: damaged.replace(/\.mp4$/, ''), goodKey: names[1]!.replace(/\.mp4$/, '') };
}

/** A home whose catalog holds K600 from `source` (a URL or a folder) and a subset `one` of that one clip. */
async function homeWithSubsetOf(source: string, key: string) {
  const home = tempDir();
  const db = join(home, 'catalog.db');
  const cli = (...args: string[]) => runCli([...args, '--home', home]);
  assert.equal((await cli('ingest', '--source', source, '--versions', 'k600', '--no-downstream')).code, 0);
  const sql = `SELECT version, split, clip_key FROM clips WHERE version = 'k600' AND split = 'val' AND clip_key = '${key}'`;
  assert.equal((await cli('subset', 'create', 'one', '--sql', sql)).code, 0);
  return { home, db, cli };
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
    // repair alike: the damaged file is its to repair, but the shard sends the same bytes; asked, it streams it again.
    const repaired = await cli('repair');
    assert.equal(repaired.code, 0, repaired.stderr);
    assert.match(repaired.stderr, /^repair: 0 clips extracted .* 1 damaged at source \(--retry-damaged streams their shards again\)$/m);
    assert.deepEqual(server.requestsFor(SHARD), [], 'repair does not download the shard that sent it damaged');
    assert.equal((await cli('repair', '--retry-damaged')).code, 0);
    assert.deepEqual(server.requestsFor(SHARD).map((entry) => entry.method), ['GET']);
    server.log.length = 0;

    const retried = await cli('fetch', 'two', '--retry-damaged');
    assert.equal(retried.code, 0);
    assert.deepEqual(server.requestsFor(SHARD).map((entry) => entry.method), ['GET'], 'asked for, it is streamed once more');
    assert.match(retried.stderr, /1 damaged at source/);
  } finally {
    await server.stop();
  }
});

test('a copy on disk better than what its shard sends (short against damaged) is put back, and no .bad stays', async () => {
  const { bucket, damagedKey } = await bucketWithOneDamagedMember();
  const server = await new BucketServer(bucket).start();
  try {
    const { db, cli } = await homeWithSubsetOf(server.url, damagedKey);
    assert.equal((await cli('fetch', 'one')).code, 0);
    const [clip] = await queryAll<{ path: string; status: string }>(db, 'SELECT path, status FROM clips WHERE clip_key = ?', damagedKey);
    assert.equal(clip!.status, 'damaged');
    // A short copy (sound, under 90 % of its window) takes its place: better than the damaged member.
    const shortCopy = minimalMp4(3);
    writeFileSync(clip!.path, shortCopy);
    assert.equal((await cli('scan', '--verify')).code, 0);
    assert.equal((await queryAll<{ status: string }>(db, 'SELECT status FROM clips WHERE clip_key = ?', damagedKey))[0]!.status, 'short');

    const retried = await cli('fetch', 'one', '--retry-damaged');
    assert.equal(retried.code, 0, retried.stderr);
    assert.deepEqual(readFileSync(clip!.path), shortCopy, 'the better copy is back in place');
    assert.deepEqual(readdirSync(dirname(clip!.path)).filter((name) => name.endsWith('.bad')), []);
    assert.equal((await queryAll<{ status: string }>(db, 'SELECT status FROM clips WHERE clip_key = ?', damagedKey))[0]!.status, 'short');
  } finally {
    await server.stop();
  }
});

test('a clip short at the source is said to be so, on the fetched file and on a copy of the same size; not on another', async () => {
  const { bucket, damagedKey: shortKey } = await bucketWithOneDamagedMember('short');
  const { db, cli } = await homeWithSubsetOf(bucket, shortKey);
  assert.equal((await cli('fetch', 'one')).code, 0);
  const [fetched] = await queryAll<{ path: string; status: string; detail: string }>(db, 'SELECT path, status, detail FROM files WHERE clip_key = ?', shortKey);
  assert.equal(fetched!.status, 'short');
  assert.match(fetched!.detail, /^3\.00 s of a 10 s window; short at the source \(the size of its shard member\)$/);

  const copies = tempDir();
  mkdirSync(join(copies, 'same'));
  mkdirSync(join(copies, 'other'));
  copyFileSync(fetched!.path, join(copies, 'same', `${shortKey}.mp4`));
  writeFileSync(join(copies, 'other', `${shortKey}.mp4`), minimalMp4(3, 500));
  assert.equal((await cli('scan', copies, '--verify')).code, 0);
  const details = await queryAll<{ path: string; detail: string }>(db, 'SELECT path, detail FROM files WHERE path > ? AND path < ? ORDER BY path', `${copies}/`, `${copies}0`);
  assert.deepEqual(details.map((file) => file.detail), ['3.00 s of a 10 s window', '3.00 s of a 10 s window; short at the source (the size of its shard member)']);
  // Scanned again, the note is not said twice.
  assert.equal((await cli('scan', copies, '--verify')).code, 0);
  assert.deepEqual((await queryAll<{ detail: string }>(db, 'SELECT detail FROM files WHERE path = ?', join(copies, 'same', `${shortKey}.mp4`)))[0]!.detail, details[1]!.detail);
});

test('an undecodable copy is judged by what the catalog knows of it: never put back as ok, and the member stays damaged at source', async () => {
  const { bucket, damagedKey } = await bucketWithOneDamagedMember();
  const { db, cli } = await homeWithSubsetOf(bucket, damagedKey);
  assert.equal((await cli('fetch', 'one')).code, 0);
  const [clip] = await queryAll<{ path: string }>(db, 'SELECT path FROM clips WHERE clip_key = ?', damagedKey);
  writeFileSync(clip!.path, scrambledClip(clip!.path));
  assert.equal((await cli('scan', '--decode')).code, 0);
  assert.equal((await queryAll<{ status: string }>(db, 'SELECT status FROM clips WHERE clip_key = ?', damagedKey))[0]!.status, 'undecodable');

  assert.equal((await cli('fetch', 'one', '--retry-damaged')).code, 0);
  const [after] = await queryAll<{ status: string }>(db, 'SELECT status FROM clips WHERE clip_key = ?', damagedKey);
  assert.notEqual(after!.status, 'ok', 'whichever copy stays, it is not usable');
  const [member] = await queryAll<{ damaged: string | null }>(db, 'SELECT damaged FROM shard_members WHERE clip_key = ?', damagedKey);
  assert.equal(member!.damaged, 'damaged', "the member's own status, whichever copy stays");
  assert.deepEqual(readdirSync(dirname(clip!.path)).filter((name) => name.endsWith('.bad')), []);
});

test('a member scan --decode found undecodable is undecodable at the source: plan passes it over, and streamed again it is undecodable at once', async () => {
  const { bucket, damagedKey: key } = await bucketWithOneDamagedMember('scrambled');
  const { db, cli } = await homeWithSubsetOf(bucket, key);
  assert.equal((await cli('fetch', 'one')).code, 0);
  assert.equal((await queryAll<{ status: string }>(db, 'SELECT status FROM clips WHERE clip_key = ?', key))[0]!.status, 'ok', 'fetch checks structure only');
  assert.equal((await cli('scan', '--decode')).code, 0);
  const member = () => queryAll<{ damaged: string | null }>(db, 'SELECT damaged FROM shard_members WHERE clip_key = ?', key);
  assert.deepEqual((await member()).map((row) => row.damaged), ['undecodable']);

  const plan = JSON.parse((await cli('plan', 'one', '--json')).stdout) as { shards: unknown[]; damagedAtSource: { clip_key: string }[] };
  assert.deepEqual([plan.shards.length, plan.damagedAtSource.map((clip) => clip.clip_key)], [0, [key]]);

  const again = await cli('fetch', 'one', '--retry-damaged');
  assert.equal(again.code, 0, again.stderr);
  const [file] = await queryAll<{ status: string; detail: string }>(db, 'SELECT f.status, f.detail FROM clips c JOIN files f ON f.path = c.path WHERE c.clip_key = ?', key);
  assert.deepEqual([file!.status, file!.detail], ['undecodable', 'undecodable at the source: the same bytes as a copy scan --decode found undecodable']);
  assert.deepEqual((await member()).map((row) => row.damaged), ['undecodable'], 'still so after streaming the same bytes again');
});

test('bytes that rotted on disk under the same size and mtime are undecodable there, not at the source; a mark left by a failed ffmpeg goes when the same bytes decode', async () => {
  const { bucket, damagedKey: key } = await bucketWithOneDamagedMember('real');
  const { home, db, cli } = await homeWithSubsetOf(bucket, key);
  assert.equal((await cli('fetch', 'one')).code, 0);
  const [clip] = await queryAll<{ path: string }>(db, 'SELECT path FROM clips WHERE clip_key = ?', key);
  const member = async () => (await queryAll<{ damaged: string | null }>(db, 'SELECT damaged FROM shard_members WHERE clip_key = ?', key))[0]!.damaged;

  // Bit rot: the bytes change, the size and mtime stay, so the sum recorded at fetch is stale.
  const good = readFileSync(clip!.path);
  const before = statSync(clip!.path);
  writeFileSync(clip!.path, rot(good));
  utimesSync(clip!.path, before.atimeMs / 1000, before.mtimeMs / 1000);
  assert.equal((await cli('scan', '--decode')).code, 0);
  assert.equal((await queryAll<{ status: string }>(db, 'SELECT status FROM files WHERE path = ?', clip!.path))[0]!.status, 'undecodable');
  assert.equal(await member(), null, 'the good member is not blamed for what rotted here');

  // An ffmpeg that fails every file (a build without the decoder) blames the member of the same bytes ...
  writeFileSync(clip!.path, good);
  const broken = join(home, 'no-h264-ffmpeg');
  writeFileSync(broken, '#!/bin/sh\ncase "$*" in *-version*) exec ffmpeg "$@";; esac\necho "Decoder (codec h264) not found for input stream #0:0" >&2\nexit 1\n');
  chmodSync(broken, 0o755);
  assert.equal(await runCli(['scan', '--decode', '--home', home], { env: { KINETICS_FFMPEG: broken } }).then((result) => result.code), 0);
  assert.equal(await member(), 'undecodable');
  // ... until the same bytes, streamed again (undecodable at once, not decoded), decode with a working ffmpeg.
  assert.equal((await cli('fetch', 'one', '--retry-damaged')).code, 0);
  assert.equal((await queryAll<{ status: string }>(db, 'SELECT status FROM clips WHERE clip_key = ?', key))[0]!.status, 'undecodable');
  assert.equal((await cli('scan', '--decode')).code, 0);
  assert.equal((await queryAll<{ status: string }>(db, 'SELECT status FROM clips WHERE clip_key = ?', key))[0]!.status, 'ok');
  assert.equal(await member(), null);
});

/** The bytes with 400 of them, in the middle of the mdat, scrambled: the same size. */
function rot(bytes: Buffer): Buffer {
  const rotten = Buffer.from(bytes);
  const mdat = rotten.indexOf('mdat', 0, 'latin1');
  for (let at = mdat + 2000; at < mdat + 2400; at++) rotten[at] = (at * 131) % 251;
  return rotten;
}
