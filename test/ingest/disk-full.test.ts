import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { queryAll } from '../helpers/catalog.js';
import { onSmallDisk } from '../helpers/mounts.js';
import { runCli, spawnCli } from '../helpers/run-cli.js';
import { sampleBucket, tempDir } from '../helpers/temp.js';

test('a disk that fills up during ingest: one line, exit 74, the catalog whole; after freeing space a rerun finishes', async (t) => {
  const home = tempDir();
  await onSmallDisk(t, home, '2m', async () => {
    const full = await runCli(['ingest', '--source', sampleBucket, '--home', home]);
    assert.equal(full.code, 74, full.stderr);
    const lines = full.stderr.split('\n').filter((line) => line.startsWith('kinetics:'));
    assert.deepEqual(lines, [lines[0]]);
    assert.match(lines[0]!, new RegExp(`^kinetics: the disk that holds the catalog ${join(home, 'catalog.db')} is full; free some space and run this again \\(what was finished before stands\\)$`));
    assert.doesNotMatch(full.stderr, /SqliteError|^\s+at /m);
    assert.doesNotMatch(full.stderr, /^failed .*full/m, 'it stops at the full disk rather than failing every file after it');
    assert.match(full.stderr, /^loaded {5}400\/annotations\/train\.csv/m, 'the files before the disk filled were loaded');

    execFileSync('mount', ['-o', 'remount,size=64m', home]);
    const [check] = await queryAll<{ integrity_check: string }>(join(home, 'catalog.db'), 'PRAGMA integrity_check');
    assert.equal(check!.integrity_check, 'ok');
    const rerun = await runCli(['ingest', '--source', sampleBucket, '--json', '--home', home]);
    assert.equal(rerun.code, 0, rerun.stderr);
    const summary = JSON.parse(rerun.stdout) as { loaded: number; unchanged: number };
    assert.equal(summary.loaded + summary.unchanged, 24);
    assert.ok(summary.unchanged > 0, 'what was loaded before the disk filled is not loaded again');

    const clean = join(tempDir(), 'catalog.db');
    assert.equal((await runCli(['ingest', '--source', sampleBucket, '--db', clean])).code, 0);
    const count = 'SELECT version, split, count(*) n FROM clips GROUP BY 1, 2 ORDER BY 1, 2';
    assert.deepEqual(await queryAll(join(home, 'catalog.db'), count), await queryAll(clean, count));
  });
});

test('a disk that fills up during fetch: each shard fails in one line, nothing half-written stays; after freeing space a rerun gets the rest', async (t) => {
  const db = join(tempDir(), 'catalog.db');
  const cli = (home: string, ...args: string[]) => runCli([...args, '--db', db, '--home', home]);
  const roomy = tempDir();
  assert.equal((await cli(roomy, 'ingest', '--source', sampleBucket)).code, 0);
  const classes = ['abseiling', 'air drumming', 'hugging (not baby)', 'jumping jacks'].flatMap((label) => ['--class', label]);
  assert.equal((await cli(roomy, 'subset', 'create', 'few', '--version', 'k700-2020', '--split', 'val', ...classes)).code, 0);
  const home = tempDir();
  await onSmallDisk(t, home, '16k', async () => {
    const full = await cli(home, 'fetch', 'few');
    assert.equal(full.code, 1, full.stderr);
    assert.match(full.stderr, /^failed {5}k700-2020\/val\/k700_val_\d+\.tar\.gz: ENOSPC: no space left on device/m);
    assert.doesNotMatch(full.stderr, /^\s+at |^kinetics: internal error/m);
    const leftovers = execFileSync('find', [home, '-name', '*.extracting']).toString();
    assert.equal(leftovers, '', 'no member half-written');
    execFileSync('mount', ['-o', 'remount,size=64m', home]);
    const rerun = await cli(home, 'fetch', 'few', '--json');
    const okClips = (file: string) =>
      queryAll<{ clip_key: string }>(file, "SELECT clip_key FROM subset_clips s JOIN clips c USING (version, split, clip_key) WHERE s.subset = 'few' AND c.status = 'ok' ORDER BY 1");
    const [check] = await queryAll<{ integrity_check: string }>(db, 'PRAGMA integrity_check');
    assert.equal(check!.integrity_check, 'ok');
    // The same fetch into a catalog and home with room from the start gets the same clips.
    const cleanDb = join(tempDir(), 'catalog.db');
    const clean = (...args: string[]) => runCli([...args, '--db', cleanDb, '--home', tempDir()]);
    assert.equal((await clean('ingest', '--source', sampleBucket)).code, 0);
    assert.equal((await clean('subset', 'create', 'few', '--version', 'k700-2020', '--split', 'val', ...classes)).code, 0);
    const cleanFetch = await clean('fetch', 'few', '--json');
    assert.equal(rerun.code, cleanFetch.code, rerun.stderr);
    assert.ok((await okClips(cleanDb)).length > 0);
    assert.deepEqual(await okClips(db), await okClips(cleanDb));
  });
});

test("a worker whose --worker-db is on a disk that fills up: one line naming that file, exit 74; a copy cut short is not left behind; the main catalog keeps its subset", async (t) => {
  const home = tempDir();
  const main = join(home, 'catalog.db');
  assert.equal((await runCli(['ingest', '--source', sampleBucket, '--home', home])).code, 0);
  assert.equal((await runCli(['subset', 'create', 'mix', '--version', 'k400', '--version', 'k700-2020', '--split', 'val', '--per-class', '2', '--home', home])).code, 0);
  const members = () => queryAll(main, "SELECT count(*) AS n FROM subset_members WHERE subset = 'mix'");
  const before = await members();
  // Too small for the copy of the catalog; then room for the copy, and not for what the fetch records.
  for (const size of ['1m', `${Math.ceil(statSync(main).size / 1024) + 64}k`]) {
    const disk = tempDir();
    await onSmallDisk(t, disk, size, async () => {
      const workerDb = join(disk, 'worker.db');
      const full = await runCli(['fetch', 'mix', '--worker', '1/2', '--worker-db', workerDb, '--home', home]);
      assert.equal(full.code, 74, `${size}: ${full.stderr}`);
      assert.match(full.stderr, new RegExp(`^kinetics: the disk that holds the catalog ${workerDb} is full; free some space and run this again \\(what was finished before stands\\)\n$`), size);
      assert.deepEqual(readdirSync(disk).filter((name) => name.includes('.fresh')), [], size);
    });
  }
  assert.deepEqual(await members(), before);
});

test('a disk that fills up during scan: one line, exit 74, never a stack trace', async (t) => {
  const roomy = join(tempDir(), 'catalog.db');
  assert.equal((await runCli(['ingest', '--source', sampleBucket, '--no-downstream', '--db', roomy])).code, 0);
  const tree = tempDir();
  for (let folder = 0; folder < 20; folder++) {
    const dir = join(tree, `class ${folder}`);
    mkdirSync(dir);
    for (let index = 0; index < 1000; index++) writeFileSync(join(dir, `${(folder * 1000 + index).toString(36).padStart(11, '-')}_000001_000011.mp4`), '');
  }
  const disk = tempDir();
  // Room for the catalog and a megabyte: not for 20,000 files.
  await onSmallDisk(t, disk, `${Math.ceil(statSync(roomy).size / 1024) + 1024}k`, async () => {
    copyFileSync(roomy, join(disk, 'catalog.db'));
    const result = await runCli(['scan', tree, '--db', join(disk, 'catalog.db')]);
    assert.equal(result.code, 74, result.stderr);
    assert.match(result.stderr, /^kinetics: the disk that holds the catalog.* is full; free some space and run this again \(what was finished before stands\)\n$/);
  });
});

test('a full folder for temporary files while the clip indexes are built: one line, exit 74; with room, the next run builds them', async (t) => {
  // Enough clips that SQLite sorts the key index in runs written as temporary files.
  const bucket = tempDir();
  mkdirSync(join(bucket, '400', 'annotations'), { recursive: true });
  const rows = ['label,youtube_id,time_start,time_end,split,is_cc'];
  for (let index = 0; index < 150_000; index++) rows.push(`class ${index % 400},${index.toString(36).padStart(11, 'a')},${index % 300},${(index % 300) + 10},train,0`);
  writeFileSync(join(bucket, '400', 'annotations', 'train.csv'), `${rows.join('\n')}\n`);
  const db = join(tempDir(), 'catalog.db');
  const temporary = tempDir();
  // Room for the statement journals of the migrations (a few 16 KiB pages each), not for the sort's runs.
  await onSmallDisk(t, temporary, '256k', async () => {
    const full = await spawnCli(['ingest', '--source', bucket, '--db', db, '--no-downstream'], { env: { SQLITE_TMPDIR: temporary } });
    assert.equal(full.code, 74, full.stderr);
    assert.match(full.stderr, new RegExp(`^kinetics: the disk of SQLite's temporary files \\(${temporary}: SQLITE_TMPDIR, else TMPDIR, moves them\\) is full;`, 'm'), 'the folder that filled, not the catalog\'s');
    assert.doesNotMatch(full.stderr, /SqliteError|^\s+at /m);
  });
  const ingest = (catalog: string) => spawnCli(['ingest', '--source', bucket, '--db', catalog, '--no-downstream', '--json'], { env: { SQLITE_TMPDIR: tempDir() } });
  const rerun = await ingest(db);
  const clean = await ingest(join(tempDir(), 'catalog.db'));
  assert.equal(rerun.code, clean.code, rerun.stderr); // 1: the bucket lacks every other file
  assert.equal((JSON.parse(rerun.stdout) as { unchanged: number }).unchanged, 1, 'the file loaded before the indexes failed is not loaded again');
  const indexes = await queryAll<{ name: string }>(db, "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'clip_annotations' ORDER BY name");
  assert.deepEqual(indexes.map((index) => index.name), ['clip_annotations_by_key', 'clip_annotations_by_split_label', 'clip_annotations_by_status', 'clip_annotations_by_youtube_id']);
  assert.deepEqual(await queryAll(db, 'SELECT count(*) AS clips FROM deferred_indexes UNION ALL SELECT count(*) FROM clip_annotations'), [{ clips: 0 }, { clips: 150_000 }]);
});
