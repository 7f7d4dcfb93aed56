import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ingestInto, newCatalogFile, queryAll } from '../helpers/catalog.js';
import { Catalog } from '../../src/catalog/catalog.js';
import { type IngestSummary, ingest } from '../../src/ingest/ingest.js';
import type { FileProgress } from '../../src/ingest/progress.js';
import { VERSIONS } from '../../src/sources/bucket-layout.js';
import { openSource } from '../../src/sources/open-source.js';
import type { Source } from '../../src/sources/source.js';
import { runCli } from '../helpers/run-cli.js';
import { copyOfSampleBucket, sampleBucket, tempDir } from '../helpers/temp.js';
import { writeTree } from '../helpers/video-tree.js';
import { scan } from '../../src/scan/scan.js';

const lines = (path: string) => readFileSync(join(sampleBucket, path), 'utf8').split(/\r?\n/).filter((line) => line.trim() !== '');

describe('ingest from a directory bucket', () => {
  test('every file of every version and the downstream tarballs load, with the counts of the files', async () => {
    const file = newCatalogFile();
    const summary = await ingestInto(file, sampleBucket);
    assert.equal(summary.exitCode, 0);
    assert.equal(summary.failed + summary.missing, 0);
    assert.equal(summary.loaded, 24);

    const count = async (sql: string, ...params: unknown[]) => (await queryAll<{ n: number }>(file, sql, ...params))[0]!.n;
    assert.equal(await count("SELECT count(*) n FROM clips WHERE version = 'k400' AND split = 'val'"), lines('400/annotations/val.csv').length - 1);
    assert.equal(await count("SELECT count(*) n FROM clips WHERE version = 'k700-2020' AND split = 'val'"), lines('700_2020/annotations/val.csv').length - 1);
    assert.equal(await count("SELECT count(*) n FROM clips WHERE version = 'k600' AND split = 'holdout_test'"), lines('600/annotations/kinetics600_holdout_test.csv').length - 1);
    assert.equal(await count("SELECT count(*) n FROM clips WHERE version = 'k600' AND split = 'test' AND label IS NULL"), lines('600/annotations/test.csv').length - 1);
    assert.equal(await count("SELECT count(*) n FROM clips WHERE split NOT IN ('train', 'val', 'test', 'holdout_test')"), 0);
    assert.equal(await count("SELECT count(*) n FROM clips WHERE version <> 'k400' AND is_cc IS NOT NULL"), 0);
    assert.equal(await count("SELECT count(*) n FROM shards WHERE version = 'k700-2020' AND split = 'train'"), lines('700_2020/train/k700_2020_train_path.txt').length);
    assert.equal(await count("SELECT count(*) n FROM shards WHERE split = 'replacement' AND name = 'replacement_for_corrupted_k400.tgz'"), 1);
    assert.equal(await count("SELECT count(*) n FROM shards WHERE state <> 'remote' OR bytes IS NOT NULL"), 0);
    assert.equal(await count('SELECT count(*) n FROM countix WHERE split = ? AND label IS NULL', 'test'), 40);
    assert.equal(await count("SELECT count(*) n FROM countix WHERE split <> 'test' AND label IS NULL"), 0);
    const emptyKeyframes = await count('SELECT count(*) n FROM ava_kinetics WHERE x1 IS NULL');
    assert.ok(emptyKeyframes > 0);
    assert.equal(await count('SELECT count(*) n FROM ava_kinetics WHERE action_id IS NULL'), emptyKeyframes);
    assert.equal(await count('SELECT count(*) n FROM ava_kinetics'), 300);
    assert.equal(await count('SELECT count(*) n FROM readmes'), 3);
    assert.equal(await count('SELECT count(*) n FROM sources'), 24);

    const [acting] = await queryAll<{ label: string; url: string }>(file, "SELECT label, url FROM shards WHERE version = 'k600' AND split = 'val' AND name = 'acting in play.tar.gz'");
    assert.equal(acting!.label, 'acting in play');
    assert.equal(acting!.url, join(sampleBucket, '600/val/acting in play.tar.gz'));
  });

  test('classes: each version\'s labels in code-point order, idx 0-based; per-class shards by name', async () => {
    const file = newCatalogFile();
    await ingestInto(file, sampleBucket);
    for (const version of ['k400', 'k600', 'k700-2020']) {
      const classes = await queryAll<{ label: string; idx: number }>(file, 'SELECT label, idx FROM classes WHERE version = ? ORDER BY idx', version);
      const labels = (await queryAll<{ label: string }>(file, 'SELECT DISTINCT label FROM clips WHERE version = ? AND label IS NOT NULL', version)).map((row) => row.label);
      assert.deepEqual(classes.map((row) => row.label), [...labels].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
      assert.deepEqual(classes.map((row) => row.idx), classes.map((_, index) => index));
    }
    // With all 700 classes known, numbered shards take the label at their sorted position.
    const numbered = await queryAll<{ name: string; label: string }>(
      file,
      "SELECT name, label FROM shards WHERE version = 'k700-2020' AND split = 'val' AND name IN ('k700_val_001.tar.gz', 'k700_val_700.tar.gz')",
    );
    const k700 = await queryAll<{ label: string }>(file, "SELECT label FROM classes WHERE version = 'k700-2020' ORDER BY idx");
    assert.equal(k700.length, 700);
    assert.deepEqual(numbered, [
      { name: 'k700_val_001.tar.gz', label: k700[0]!.label },
      { name: 'k700_val_700.tar.gz', label: k700[699]!.label },
    ]);
  });

  test('with a partial class list, numbered shards stay unlabelled rather than labelled wrong', async () => {
    const bucket = copyOfSampleBucket();
    const valPath = join(bucket, '700_2020/annotations/val.csv');
    const [header, ...rows] = readFileSync(valPath, 'utf8').split('\r\n');
    writeFileSync(valPath, [header, ...rows.filter((row) => row.startsWith('abseiling,') || row.startsWith('zumba,'))].join('\r\n') + '\r\n');
    const file = newCatalogFile();
    await ingestInto(file, bucket);
    const [labelled] = await queryAll<{ n: number }>(file, "SELECT count(label) n FROM shards WHERE version = 'k700-2020' AND split = 'val'");
    assert.equal(labelled!.n, 0);
  });

  test('re-running with unchanged files changes nothing; a changed file replaces exactly its own rows', async () => {
    const bucket = copyOfSampleBucket();
    const file = newCatalogFile();
    await ingestInto(file, bucket);
    const before = await queryAll<{ path: string; ingested_at: string }>(file, 'SELECT path, ingested_at FROM sources ORDER BY path');

    const again = await ingestInto(file, bucket);
    assert.equal(again.loaded, 0);
    assert.equal(again.unchanged, 24);
    assert.deepEqual(await queryAll(file, 'SELECT path, ingested_at FROM sources ORDER BY path'), before);

    // Touched but identical: read, found identical by sha256, nothing replaced.
    const future = new Date(Date.now() + 5000);
    utimesSync(join(bucket, '400/readme.md'), future, future);
    const touched = await ingestInto(file, bucket);
    assert.equal(touched.loaded, 0);
    assert.deepEqual(await queryAll(file, 'SELECT path, ingested_at FROM sources ORDER BY path'), before);

    const k700Before = await queryAll(file, "SELECT * FROM clips WHERE version = 'k700-2020' ORDER BY split, clip_key");
    const valPath = join(bucket, '400/annotations/val.csv');
    const valText = readFileSync(valPath, 'utf8');
    writeFileSync(valPath, valText.split('\n').slice(0, 11).join('\n') + '\n');
    appendFileSync(valPath, 'abseiling,zzzzzzzzzzz,0,10,val,0\n');
    const changed = await ingestInto(file, bucket);
    assert.deepEqual(changed.files.filter((outcome) => outcome.status === 'loaded').map((outcome) => outcome.path), ['400/annotations/val.csv']);
    const k400Val = await queryAll<{ clip_key: string }>(file, "SELECT clip_key FROM clips WHERE version = 'k400' AND split = 'val'");
    assert.equal(k400Val.length, 11);
    assert.ok(k400Val.some((row) => row.clip_key === 'zzzzzzzzzzz_000000_000010'));
    assert.deepEqual(await queryAll(file, "SELECT * FROM clips WHERE version = 'k700-2020' ORDER BY split, clip_key"), k700Before);
  });

  test('a bucket copied again (every mtime new, the same bytes) loads nothing, not even in a transaction rolled back', async () => {
    const bucket = copyOfSampleBucket();
    const catalog = Catalog.open(newCatalogFile());
    const load = () => ingest(catalog, { source: openSource(bucket), versions: VERSIONS, downstream: true });
    await load();
    // Rows deleted and inserted count here even when their transaction is rolled back.
    const changesOf = async (run: () => Promise<IngestSummary>) => {
      const before = catalog.sqlite.prepare('SELECT total_changes()').pluck().get() as number;
      const summary = await run();
      assert.equal(summary.unchanged, 24);
      return (catalog.sqlite.prepare('SELECT total_changes()').pluck().get() as number) - before;
    };
    const untouched = await changesOf(load);
    const future = new Date(Date.now() + 5000);
    for (const name of readdirSync(bucket, { recursive: true }) as string[]) utimesSync(join(bucket, name), future, future);
    // One change a file: its new mtime, kept so that the next run does not read it again. Each file is read and
    // hashed before anything else; its progress counts those bytes as they arrive.
    const started: FileProgress[] = [];
    const reporter = { fileStarted: (progress: FileProgress) => started.push(progress), fileFinished: () => {} };
    assert.equal(await changesOf(() => ingest(catalog, { source: openSource(bucket), versions: VERSIONS, downstream: true, reporter })), untouched + 24);
    assert.equal(started.length, 24);
    for (const progress of started) assert.equal(progress.bytes, progress.totalBytes, progress.path);
    assert.equal(await changesOf(load), untouched);

    // The same size and other bytes: loaded.
    const valPath = join(bucket, '700_2020/annotations/val.csv');
    const text = readFileSync(valPath, 'utf8');
    const relabelled = text.replace(/\r\nabseiling,/, '\r\nskydiving,');
    assert.equal(Buffer.byteLength(relabelled), Buffer.byteLength(text));
    assert.notEqual(relabelled, text);
    writeFileSync(valPath, relabelled);
    const changed = await load();
    assert.deepEqual(changed.files.filter((outcome) => outcome.status === 'loaded').map((outcome) => outcome.path), ['700_2020/annotations/val.csv']);
    const labels = catalog.sqlite.prepare("SELECT label, count(*) AS n FROM clips WHERE version = 'k700-2020' AND split = 'val' AND label IN ('abseiling', 'skydiving') GROUP BY label").all();
    const counted = (label: string) => relabelled.split('\r\n').filter((line) => line.startsWith(`${label},`)).length;
    assert.deepEqual(labels, [{ label: 'abseiling', n: counted('abseiling') }, { label: 'skydiving', n: counted('skydiving') }]);
    await catalog.close();
  });

  test('bytes found the same as recorded, while another process recorded other bytes for the file, are loaded, not stamped', async () => {
    const original = copyOfSampleBucket();
    const catalog = Catalog.open(newCatalogFile());
    const loadFrom = (bucket: string, into = catalog) => ingest(into, { source: openSource(bucket), versions: VERSIONS, downstream: true });
    await loadFrom(original);
    const path = '400/annotations/val.csv';
    const text = readFileSync(join(original, path), 'utf8');
    // Other bytes of the same size, in another copy of the bucket.
    const changed = copyOfSampleBucket();
    const swapped = text.replace(/\nabseiling,/, '\nabsieling,');
    assert.equal(swapped.length, text.length);
    writeFileSync(join(changed, path), swapped);
    // The original bytes under a new mtime: read and found the same as what the catalog held when the run began.
    const future = new Date(Date.now() + 5000);
    utimesSync(join(original, path), future, future);
    const directory = openSource(original);
    const racing: Source = {
      location: directory.location,
      locate: (file) => directory.locate(file),
      async open(file, known) {
        if (file === path) {
          // Between this run's look at the file's record and its hashing, another process loads the other bytes.
          const other = Catalog.open(catalog.file);
          await loadFrom(changed, other);
          await other.close();
        }
        return directory.open(file, known);
      },
    };
    const raced = await ingest(catalog, { source: racing, versions: VERSIONS, downstream: true });
    assert.deepEqual(raced.files.filter((outcome) => outcome.status === 'loaded').map((outcome) => outcome.path), [path]);
    const labelCount = (label: string) => catalog.sqlite.prepare("SELECT count(*) FROM clips WHERE version = 'k400' AND split = 'val' AND label = ?").pluck().get(label);
    assert.equal(labelCount('absieling'), 0);
    assert.ok((labelCount('abseiling') as number) > 0);
    const again = await loadFrom(original);
    assert.equal(again.loaded, 0);
    await catalog.close();
  });

  test('a file loaded again into a catalog of a few clips (the indexes aside for the ingest): the same schema after, its files\' statuses, or nothing on error', async () => {
    const bucket = copyOfSampleBucket();
    const catalog = Catalog.open(newCatalogFile());
    const load = () => ingest(catalog, { source: openSource(bucket), versions: VERSIONS, downstream: true });
    await load();
    const keys = catalog.sqlite.prepare("SELECT clip_key FROM clip_annotations WHERE version = 'k700-2020' AND split = 'val' ORDER BY clip_key LIMIT 3").pluck().all() as string[];
    const videos = tempDir();
    writeTree(videos, { [`${keys[0]}.mp4`]: 'ok', [`${keys[1]}.mp4`]: 'truncated' });
    await scan(catalog, { roots: [videos], verify: true, quick: false });
    const schema = () => catalog.sqlite.prepare("SELECT type, name, sql FROM sqlite_master WHERE tbl_name = 'clip_annotations' ORDER BY name").all();
    const clips = () => catalog.sqlite.prepare("SELECT clip_key, label, status FROM clips WHERE version = 'k700-2020' AND split = 'val' ORDER BY clip_key").all();
    const schemaBefore = schema();
    assert.ok(schemaBefore.filter((entry) => (entry as { type: string }).type === 'trigger').length >= 2);

    const valPath = join(bucket, '700_2020/annotations/val.csv');
    const text = readFileSync(valPath, 'utf8');
    writeFileSync(valPath, `${text.trimEnd()}\r\nabseiling,zzzzzzzzzzz,0,10,val\r\nabseiling,zzzzzzzzzzz,10,oops,val\r\n`);
    const before = clips();
    const failed = await load();
    assert.equal(failed.failed, 1);
    assert.match(failed.files.find((outcome) => outcome.status === 'failed')!.error!, /val\.csv:\d+: expected a whole number for time_end, found "oops"/);
    assert.deepEqual(schema(), schemaBefore);
    assert.deepEqual(clips(), before);

    writeFileSync(valPath, `${text.trimEnd()}\r\nabseiling,zzzzzzzzzzz,0,10,val\r\n`);
    const loaded = await load();
    assert.deepEqual(loaded.files.filter((outcome) => outcome.status === 'loaded').map((outcome) => outcome.path), ['700_2020/annotations/val.csv']);
    assert.deepEqual(schema(), schemaBefore);
    const after = clips() as { clip_key: string; status: string }[];
    assert.deepEqual(after.filter((clip) => clip.clip_key !== 'zzzzzzzzzzz_000000_000010'), before);
    assert.deepEqual(after.filter((clip) => keys.includes(clip.clip_key)).map((clip) => clip.status), ['ok', 'damaged', 'missing']);
    // A key the new rows share with another file's row of the split (a second file of K700-2020 val, as a bucket laid
    // out otherwise could hold) is refused with the file, named, and the whole file is rolled back: its rows, and
    // the indexes and triggers stay as they were.
    catalog.sqlite.exec(`INSERT INTO source_files (id, path, bytes, sha256, rows, ingested_at, version, split, kind)
                         VALUES (999, '700_2020/annotations/val-extra.csv', 1, 'x', 1, 'now', 'k700-2020', 'val', 'annotations');
                         INSERT INTO clip_annotations (source_id, version, split, clip_key, youtube_id, time_start, time_end, label)
                         VALUES (999, 'k700-2020', 'val', 'yyyyyyyyyyy_000000_000010', 'yyyyyyyyyyy', 0, 10, 'abseiling')`);
    const withShared = clips();
    writeFileSync(valPath, `${text.trimEnd()}\r\nabseiling,yyyyyyyyyyy,0,10,val\r\n`);
    const refused = await load();
    assert.match(refused.files.find((outcome) => outcome.status === 'failed')!.error!, /yyyyyyyyyyy_000000_000010 twice in k700-2020 val/);
    assert.deepEqual(schema(), schemaBefore);
    assert.deepEqual(clips(), withShared);

    // The one-row-per-key trigger is back: a second row for a key is refused.
    assert.throws(
      () => catalog.sqlite.prepare("INSERT INTO clip_annotations (source_id, version, split, clip_key, youtube_id, time_start, time_end) SELECT source_id, version, split, clip_key, youtube_id, time_start, time_end FROM clip_annotations WHERE clip_key = ?").run(keys[2]),
      /UNIQUE constraint failed/,
    );
    await catalog.close();
  });

  test('a malformed file stops with file:line, exit code ≠ 0, and keeps that file\'s previous rows; the rest loads', async () => {
    const bucket = copyOfSampleBucket();
    const file = newCatalogFile();
    await ingestInto(file, bucket);
    const previous = await queryAll(file, "SELECT * FROM clips WHERE version = 'k400' AND split = 'test' ORDER BY clip_key");
    const previousSource = await queryAll(file, "SELECT * FROM sources WHERE path = '400/annotations/test.csv'");

    const testPath = join(bucket, '400/annotations/test.csv');
    const rows = readFileSync(testPath, 'utf8').split('\n');
    rows[7] = 'abseiling,abcdefghijk,ten,20,test,0';
    writeFileSync(testPath, rows.join('\n'));
    appendFileSync(join(bucket, '700_2020/annotations/test.csv'), 'zzzzzzzzzzz,0,10,test\r\n');

    const summary = await ingestInto(file, bucket);
    assert.equal(summary.exitCode, 65);
    const failed = summary.files.find((outcome) => outcome.status === 'failed')!;
    assert.equal(failed.path, '400/annotations/test.csv');
    assert.equal(failed.error, `${testPath}:8: expected a whole number for time_start, found "ten"`);
    assert.deepEqual(await queryAll(file, "SELECT * FROM clips WHERE version = 'k400' AND split = 'test' ORDER BY clip_key"), previous);
    assert.deepEqual(await queryAll(file, "SELECT * FROM sources WHERE path = '400/annotations/test.csv'"), previousSource);
    const added = await queryAll(file, "SELECT * FROM clips WHERE clip_key = 'zzzzzzzzzzz_000000_000010' AND version = 'k700-2020'");
    assert.equal(added.length, 1, 'the other changed file still loaded');
  });

  test('a malformed line-based file (path list, `ls -R` listing) fails alone: exit 65, the files after it still load', async () => {
    const bucket = copyOfSampleBucket();
    appendFileSync(join(bucket, '400/val/k400_val_path.txt'), 'garbage line without url\n');
    appendFileSync(join(bucket, '600/annotations/train.txt'), 'garbage\n');
    const home = tempDir();
    const result = await runCli(['ingest', '--source', bucket, '--no-downstream', '--home', home]);
    assert.equal(result.code, 65, result.stderr);
    assert.match(result.stdout + result.stderr, /k400_val_path\.txt:\d+: expected a URL/);
    assert.match(result.stdout + result.stderr, /train\.txt:\d+: expected a clip file name/);
    assert.doesNotMatch(result.stderr, /Unhandled|ERR_STREAM_PREMATURE_CLOSE/);
    const [loaded] = await queryAll<{ n: number }>(join(home, 'catalog.db'), "SELECT count(*) n FROM sources WHERE path = '700_2020/K700_2020_readme.txt'");
    assert.equal(loaded!.n, 1, 'a file after the failed ones loaded');
  });

  test('a path list pointing outside the source is refused with its line, and its shards stay as they were', async () => {
    const bucket = copyOfSampleBucket();
    const home = tempDir();
    assert.equal((await runCli(['ingest', '--source', bucket, '--no-downstream', '--home', home])).code, 0);
    const shardsBefore = await queryAll(join(home, 'catalog.db'), "SELECT name, url FROM shards WHERE version = 'k400' AND split = 'val' ORDER BY name");
    const list = join(bucket, '400/val/k400_val_path.txt');
    const count = lines('400/val/k400_val_path.txt').length;
    appendFileSync(list, 'https://s3.amazonaws.com/kinetics/400/val/../../../../etc/passwd.tar.gz\n');
    const result = await runCli(['ingest', '--source', bucket, '--no-downstream', '--home', home]);
    assert.equal(result.code, 65, result.stderr);
    assert.ok(
      result.stderr.includes(`${list}:${count + 1}: expected the URL of a shard in 400/val/, the list's own folder, found "https://s3.amazonaws.com/kinetics/400/val/../../../../etc/passwd.tar.gz"`),
      result.stderr,
    );
    assert.deepEqual(await queryAll(join(home, 'catalog.db'), "SELECT name, url FROM shards WHERE version = 'k400' AND split = 'val' ORDER BY name"), shardsBefore);
  });

  test('a file the source lacks is reported and skipped; the rest goes on; exit code 1', async () => {
    const bucket = copyOfSampleBucket();
    rmSync(join(bucket, '600/annotations/kinetics600_holdout_test.csv'));
    const file = newCatalogFile();
    const summary = await ingestInto(file, bucket);
    assert.equal(summary.exitCode, 1);
    assert.deepEqual(summary.files.filter((outcome) => outcome.status === 'missing').map((outcome) => outcome.path), ['600/annotations/kinetics600_holdout_test.csv']);
    assert.equal(summary.loaded, 23);
  });
});
