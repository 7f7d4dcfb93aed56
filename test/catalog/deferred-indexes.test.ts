import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import BetterSqlite3 from 'better-sqlite3';
import { writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Catalog } from '../../src/catalog/catalog.js';
import { annotationWriter, loadingAnnotations } from '../../src/catalog/clips.js';
import { deferIndexesIf, rebuildDeferredIndexes } from '../../src/catalog/deferred-indexes.js';
import { loadMigrations } from '../../src/catalog/migrations.js';
import { THIS_PROCESS } from '../../src/util/process-identity.js';
import { queryAll } from '../helpers/catalog.js';
import { runCli, spawnCli } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/temp.js';

const ADD_CLIP = `INSERT INTO clip_annotations (source_id, version, split, clip_key, youtube_id, time_start, time_end, label)
                  VALUES (1, ?, ?, ?, substr(?, 1, 11), 0, 10, ?)`;

function newCatalog(): Catalog {
  const catalog = Catalog.open(join(tempDir(), 'catalog.db'));
  catalog.sqlite.exec("INSERT INTO source_files (id, path, bytes, sha256, rows, ingested_at, version, kind) VALUES (1, 'a.csv', 1, 'x', 4, 'now', 'k400', 'annotations')");
  return catalog;
}

const objectsOf = (catalog: Catalog) =>
  catalog.sqlite.prepare("SELECT type, name FROM sqlite_master WHERE tbl_name = 'clip_annotations' AND type IN ('index', 'trigger') ORDER BY name").all();

test('one row per (clip_key, version, split): another label, no label, or a key moved onto another row is refused', () => {
  const catalog = newCatalog();
  const add = catalog.sqlite.prepare(ADD_CLIP);
  const key = 'aaaaaaaaaaa_000000_000010';
  add.run('k400', 'val', key, key, 'abseiling');
  add.run('k400', 'train', key, key, 'abseiling');
  add.run('k700-2020', 'val', key, key, 'abseiling (rope)');
  for (const label of ['abseiling', 'zumba', null]) assert.throws(() => add.run('k400', 'val', key, key, label), /UNIQUE constraint failed: clip_annotations\.clip_key/);
  add.run('k600', 'test', 'bbbbbbbbbbb_000000_000010', 'bbbbbbbbbbb', null);
  assert.throws(() => add.run('k600', 'test', 'bbbbbbbbbbb_000000_000010', 'bbbbbbbbbbb', null), /UNIQUE constraint failed/);
  assert.throws(() => catalog.sqlite.exec("UPDATE clip_annotations SET split = 'val' WHERE split = 'train'"), /UNIQUE constraint failed/);
  catalog.sqlite.exec("UPDATE clip_annotations SET split = 'test' WHERE split = 'train'");
  catalog.sqlite.exec('UPDATE clip_annotations SET version = version, clip_key = clip_key'); // each row keeps its own key
  assert.equal(catalog.sqlite.prepare('SELECT count(*) FROM clip_annotations').pluck().get(), 4);
  void catalog.close();
});

test("a first load sets the key's triggers aside with the indexes, checks every key once, and puts them back", () => {
  const catalog = newCatalog();
  const before = objectsOf(catalog);
  assert.equal(deferIndexesIf(catalog.sqlite, 'clip_annotations', () => true), 4);
  assert.deepEqual(objectsOf(catalog), [], 'nothing runs for each row of the load');
  const add = catalog.sqlite.prepare(ADD_CLIP);
  for (let index = 0; index < 500; index++) {
    const key = `${String(index).padStart(11, 'k')}_000000_000010`;
    add.run('k400', 'val', key, key, `class ${index % 7}`);
    add.run('k400', 'train', key, key, `class ${index % 7}`);
    add.run('k700-2020', 'val', key, key, `class ${index % 7}`);
  }
  rebuildDeferredIndexes(catalog.sqlite);
  assert.deepEqual(objectsOf(catalog), before);
  assert.equal(catalog.sqlite.prepare('SELECT count(*) FROM deferred_indexes').pluck().get(), 0);
  assert.throws(() => add.run('k400', 'val', 'kkkkkkkkkk1_000000_000010', 'kkkkkkkkkk1', 'other'), /UNIQUE constraint failed/);
  void catalog.close();
});

test('a key a first load wrote twice is refused when the triggers would come back: they wait for the next try', () => {
  const catalog = newCatalog();
  deferIndexesIf(catalog.sqlite, 'clip_annotations', () => true);
  const add = catalog.sqlite.prepare(ADD_CLIP);
  const key = 'aaaaaaaaaaa_000000_000010';
  add.run('k400', 'val', key, key, 'abseiling');
  add.run('k400', 'val', key, key, 'zumba');
  assert.throws(
    () => rebuildDeferredIndexes(catalog.sqlite),
    (error: Error & { exitCode?: number }) =>
      error.exitCode === 65 &&
      error.message ===
        `the catalog ${catalog.file} cannot put its clip indexes back: a load left aaaaaaaaaaa_000000_000010 twice in k400 val (one row per clip key, version and split); delete one of its rows by hand, or run kinetics ingest again once the file that listed it has changed`,
  );
  const waiting = catalog.sqlite.prepare('SELECT name FROM deferred_indexes ORDER BY rowid').pluck().all();
  assert.deepEqual(waiting, ['clip_annotations (one row per key)', 'clip statuses (of the clips loaded)', 'clip_annotations_one_per_key', 'clip_annotations_one_per_key_on_update']);
  catalog.sqlite.exec("DELETE FROM clip_annotations WHERE label = 'zumba'");
  rebuildDeferredIndexes(catalog.sqlite);
  assert.equal(catalog.sqlite.prepare('SELECT count(*) FROM deferred_indexes').pluck().get(), 0, 'the next try puts them back');
  void catalog.close();
});

/** The page cache size (what SQLite sizes its sorted runs by) at each statement run on this connection that matches. */
function cacheSizesAt(catalog: Catalog, statement = /^\s*CREATE\s+INDEX/i): number[] {
  const { sqlite } = catalog;
  const sizes: number[] = [];
  const exec = sqlite.exec.bind(sqlite);
  sqlite.exec = (sql: string) => {
    if (statement.test(sql)) sizes.push(Number(sqlite.pragma('cache_size', { simple: true })));
    return exec(sql);
  };
  return sizes;
}

test('a first load builds its indexes with a small page cache, sorted by the helper threads, and gives the cache back, also when a key is refused', () => {
  const catalog = newCatalog();
  const { sqlite } = catalog;
  const cacheSize = Number(sqlite.pragma('cache_size', { simple: true }));
  assert.ok(Number(sqlite.pragma('threads', { simple: true })) > 0);
  assert.notEqual(sqlite.pragma('temp_store', { simple: true }), 2, 'SQLite gives no helper thread a sort kept in memory');
  const sizes = cacheSizesAt(catalog);
  deferIndexesIf(sqlite, 'clip_annotations', () => true);
  const add = sqlite.prepare(ADD_CLIP);
  add.run('k400', 'val', 'aaaaaaaaaaa_000000_000010', 'aaaaaaaaaaa', 'abseiling');
  add.run('k400', 'val', 'aaaaaaaaaaa_000000_000010', 'aaaaaaaaaaa', 'zumba');
  assert.throws(() => rebuildDeferredIndexes(sqlite), /cannot put its clip indexes back: a load left \S+ twice in/);
  assert.equal(sizes.length, 4);
  assert.ok(sizes.every((size) => size < 0 && size > -16384 && size > cacheSize), `runs of a few MiB: ${sizes}`);
  assert.equal(sqlite.pragma('cache_size', { simple: true }), cacheSize);
  void catalog.close();
});

test("a first scan's indexes and its refill of best_files sort with the small cache; the clip statuses it gives, and an older build's refill that gave them too, run with the whole cache", () => {
  for (const olderBuild of [false, true]) {
    const catalog = newCatalog();
    const { sqlite } = catalog;
    const cacheSize = Number(sqlite.pragma('cache_size', { simple: true }));
    sqlite.prepare(ADD_CLIP).run('k400', 'val', 'aaaaaaaaaaa_000000_000010', 'aaaaaaaaaaa', 'abseiling');
    sqlite.exec("INSERT INTO scan_roots (id, path) VALUES (1, '/v')");
    deferIndexesIf(sqlite, 'disk_files', () => true);
    if (olderBuild) {
      const [refill, statuses] = sqlite.prepare("SELECT sql FROM deferred_indexes WHERE name LIKE '%(%' ORDER BY rowid").pluck().all() as string[];
      sqlite.prepare("DELETE FROM deferred_indexes WHERE name = 'clip statuses (from best_files)'").run();
      sqlite.prepare("UPDATE deferred_indexes SET sql = ? WHERE name = 'best_files (refill)'").run(`${refill};\n${statuses}`);
    }
    sqlite.exec(`INSERT INTO disk_files (path, dir, root_id, bytes, mtime_ms, clip_key, status, scanned_at)
                 VALUES ('/v/aaaaaaaaaaa_000000_000010.mp4', '/v', 1, 1, 1, 'aaaaaaaaaaa_000000_000010', 'ok', 'now')`);
    const atIndexes = cacheSizesAt(catalog);
    const atRefill = cacheSizesAt(catalog, /^\s*INSERT INTO best_files/);
    const atStatuses = cacheSizesAt(catalog, /^\s*UPDATE clip_annotations/);
    rebuildDeferredIndexes(sqlite);
    assert.equal(atIndexes.length, 3);
    assert.ok(atIndexes.every((size) => size > cacheSize && size > -16384), `indexes: ${atIndexes}`);
    assert.deepEqual(olderBuild ? atStatuses : atRefill.concat(atStatuses).map((size) => size > cacheSize), olderBuild ? [] : [true, false]);
    if (olderBuild) assert.deepEqual(atRefill, [cacheSize], 'the refill an older build set aside with the statuses runs as it was');
    assert.equal(sqlite.prepare('SELECT disk_status FROM clip_annotations').pluck().get(), 'ok');
    void catalog.close();
  }
});

test('a load recorded by a process whose id another now has (a reboot, a container) is over: a writer does not wait for it', async () => {
  const catalog = newCatalog();
  catalog.sqlite.prepare(ADD_CLIP).run('k400', 'val', 'aaaaaaaaaaa_000000_000010', 'aaaaaaaaaaa', 'abseiling');
  deferIndexesIf(catalog.sqlite, 'clip_annotations', () => true);
  // The parent process runs, but started later than the recorded load.
  catalog.sqlite.prepare("UPDATE catalog_settings SET value = ? WHERE key = 'deferred_by'").run(`${process.ppid}@${hostname()}#1`);
  await catalog.close();
  const writer = await spawnCli(['scan', tempDir(), '--db', catalog.file], { env: { KINETICS_BUSY_WAIT: '1' } });
  assert.equal(writer.code, 0, writer.stderr);
  assert.deepEqual(await queryAll(catalog.file, 'SELECT count(*) AS n FROM deferred_indexes'), [{ n: 0 }]);
});

test("an ingest that finds a killed first load's indexes set aside carries the load on and puts them back when it ends; another writer, or a deferral an older build recorded, gets them back at once", async () => {
  const ALL = ['clip_annotations_by_key', 'clip_annotations_by_split_label', 'clip_annotations_by_status', 'clip_annotations_by_youtube_id', 'clip_annotations_one_per_key', 'clip_annotations_one_per_key_on_update'];
  const names = (catalog: Catalog) => objectsOf(catalog).map((object) => (object as { name: string }).name);
  const killedFirstLoad = async () => {
    const catalog = newCatalog();
    deferIndexesIf(catalog.sqlite, 'clip_annotations', () => true);
    catalog.sqlite.prepare(ADD_CLIP).run('k400', 'val', 'aaaaaaaaaaa_000000_000010', 'aaaaaaaaaaa', 'abseiling');
    catalog.sqlite.prepare("UPDATE catalog_settings SET value = '999999999' WHERE key = 'deferred_by'").run(); // gone
    await catalog.close();
    return catalog.file;
  };

  const ingest = Catalog.open(await killedFirstLoad(), { loads: 'clip_annotations' });
  assert.deepEqual(names(ingest), [], 'still set aside while the load goes on');
  assert.equal(ingest.sqlite.prepare("SELECT value FROM catalog_settings WHERE key = 'deferred_by'").pluck().get(), THIS_PROCESS);
  await loadingAnnotations(ingest, async () => {
    ingest.sqlite.prepare(ADD_CLIP).run('k400', 'val', 'bbbbbbbbbbb_000000_000010', 'bbbbbbbbbbb', 'zumba');
  });
  assert.deepEqual(names(ingest), ALL);
  assert.equal(ingest.sqlite.prepare("SELECT count(*) FROM catalog_settings WHERE key LIKE 'deferred%'").pluck().get(), 0);
  await ingest.close();

  // A rebuild begun before an ingest took the load over leaves the rest to it.
  const takenOver = Catalog.open(await killedFirstLoad(), { loads: 'clip_annotations' });
  takenOver.sqlite.prepare("UPDATE catalog_settings SET value = ? WHERE key = 'deferred_by'").run(String(process.ppid)); // another, running
  rebuildDeferredIndexes(takenOver.sqlite);
  assert.deepEqual(names(takenOver), []);
  await takenOver.close();

  const scan = Catalog.open(await killedFirstLoad());
  assert.deepEqual(names(scan), ALL);
  await scan.close();

  const olderFile = await killedFirstLoad();
  const older = new BetterSqlite3(olderFile);
  older.prepare("DELETE FROM catalog_settings WHERE key = 'deferred_table'").run();
  older.close();
  const afterOlder = Catalog.open(olderFile, { loads: 'clip_annotations' });
  assert.deepEqual(names(afterOlder), ALL);
  await afterOlder.close();
});

test('a reader keeps its temporary tables and sorts in memory: a large query needs no writable temporary folder', async () => {
  const file = join(tempDir(), 'catalog.db');
  await Catalog.open(file).close();
  const reader = Catalog.open(file, { readonly: true });
  assert.equal(reader.sqlite.pragma('temp_store', { simple: true }), 2);
  void reader.close();
});

test("a catalog an older build is still bulk-loading is not migrated under it; once that load is gone, it is", async () => {
  const file = join(tempDir(), 'catalog.db');
  const older = loadMigrations().filter((migration) => migration.id < 16);
  const loading = Catalog.open(file, { migrations: older });
  deferIndexesIf(loading.sqlite, 'clip_annotations', () => true);
  loading.sqlite.prepare("UPDATE catalog_settings SET value = ? WHERE key = 'deferred_by'").run(String(process.ppid)); // alive
  await loading.close();
  const writer = await spawnCli(['scan', tempDir(), '--db', file], { env: { KINETICS_BUSY_WAIT: '1' } });
  assert.equal(writer.code, 75, writer.stderr);
  assert.match(writer.stderr, /being bulk-loaded by another process/);
  assert.throws(() => Catalog.open(file, { readonly: true }), /being bulk-loaded/);
  const still = new BetterSqlite3(file);
  assert.equal(still.prepare('SELECT max(id) FROM schema_migrations').pluck().get(), 15);
  still.prepare("UPDATE catalog_settings SET value = '999999999' WHERE key = 'deferred_by'").run(); // gone
  still.close();
  const upgraded = Catalog.open(file);
  assert.deepEqual(
    objectsOf(upgraded).map((object) => (object as { name: string }).name),
    ['clip_annotations_by_key', 'clip_annotations_by_split_label', 'clip_annotations_by_status', 'clip_annotations_by_youtube_id', 'clip_annotations_one_per_key', 'clip_annotations_one_per_key_on_update'],
  );
  assert.match(String(upgraded.sqlite.prepare("SELECT sql FROM sqlite_master WHERE name = 'clip_annotations_by_key'").pluck().get()), /clip_key, version, split, label/);
  await upgraded.close();
});

test('a file loaded again that holds most clip rows is staged, then inserted with the indexes and triggers dropped in its transaction, and puts them back with their statistics', () => {
  const catalog = newCatalog();
  const add = catalog.sqlite.prepare(ADD_CLIP);
  const keys = ['aaaaaaaaaaa_000000_000010', 'bbbbbbbbbbb_000000_000010', 'ccccccccccc_000000_000010', 'ddddddddddd_000000_000010'];
  for (const key of keys) add.run('k400', 'val', key, key, 'abseiling');
  catalog.sqlite.exec('ANALYZE');
  const objects = objectsOf(catalog);
  const statistics = () => catalog.sqlite.prepare("SELECT idx FROM sqlite_stat1 WHERE tbl = 'clip_annotations' ORDER BY idx").pluck().all();
  const analysed = statistics();
  assert.ok(objects.length >= 5 && analysed.length >= 3);
  const cacheSize = Number(catalog.sqlite.pragma('cache_size', { simple: true }));
  const sizes = cacheSizesAt(catalog);
  catalog.sqlite.transaction(() => {
    const writer = annotationWriter(catalog, 1, 'k400', 'val', true);
    for (const key of keys.slice(1)) writer.add({ split: 'val', youtubeId: key.slice(0, 11), timeStart: 0, timeEnd: 10, label: 'zumba', isCc: null, clipKey: key });
    assert.deepEqual(objectsOf(catalog), objects, 'staged: how many rows the file has is known at its end');
    assert.equal(catalog.sqlite.prepare('SELECT count(*) FROM clip_annotations').pluck().get(), 4);
    writer.finish(new Map([['zumba', 3]]));
  })();
  assert.deepEqual(objectsOf(catalog), objects);
  assert.ok(sizes.length === 4 && sizes.every((size) => size > cacheSize && size > -16384), `indexes sorted in runs of a few MiB: ${sizes}`);
  assert.equal(catalog.sqlite.pragma('cache_size', { simple: true }), cacheSize);
  assert.deepEqual(statistics(), analysed);
  const rows = () => catalog.sqlite.prepare('SELECT clip_key, label FROM clip_annotations ORDER BY clip_key').all();
  assert.deepEqual(rows(), keys.slice(1).map((clip_key) => ({ clip_key, label: 'zumba' })));
  // The same refused while the indexes are dropped (a key twice, found by the check that puts them back): the drop is
  // taken back with the rows.
  const replaced = rows();
  const clip = { split: 'val', youtubeId: 'eeeeeeeeeee', timeStart: 0, timeEnd: 10, label: 'yoga', isCc: null, clipKey: 'eeeeeeeeeee_000000_000010' } as const;
  assert.throws(
    () =>
      catalog.sqlite.transaction(() => {
        const writer = annotationWriter(catalog, 1, 'k400', 'val', true);
        writer.add(clip);
        writer.add(clip);
        writer.finish(new Map([['yoga', 2]]));
      })(),
    /eeeeeeeeeee_000000_000010 twice in k400 val/,
  );
  assert.deepEqual(objectsOf(catalog), objects);
  assert.deepEqual(rows(), replaced);
  void catalog.close();
});

test('a load into a catalog of a few clips (as the sample bucket leaves) sets the indexes aside as a first load does, and gives the clips it loaded the status of the files on disk when it puts them back', async () => {
  const catalog = newCatalog();
  const add = catalog.sqlite.prepare(ADD_CLIP);
  const onDisk = 'aaaaaaaaaaa_000000_000010';
  for (const key of [onDisk, 'bbbbbbbbbbb_000000_000010']) add.run('k400', 'val', key, key, 'abseiling');
  catalog.sqlite.exec(`INSERT INTO best_files (clip_key, file_id, serve_rank, mtime_ms, status, duration, bytes, is_replacement)
                       VALUES ('${onDisk}', 1, 0, 0, 'short', 4.5, 1, 0)`);
  const objects = objectsOf(catalog);
  const during = await loadingAnnotations(catalog, async () => {
    const writer = annotationWriter(catalog, 1, 'k600', 'val', false);
    writer.add({ split: 'val', youtubeId: onDisk.slice(0, 11), timeStart: 0, timeEnd: 10, label: 'abseiling', isCc: null, clipKey: onDisk });
    writer.finish(new Map([['abseiling', 1]]));
    return objectsOf(catalog);
  });
  assert.deepEqual(during, []);
  assert.deepEqual(objectsOf(catalog), objects);
  assert.deepEqual(catalog.sqlite.prepare("SELECT disk_status, disk_duration FROM clip_annotations WHERE version = 'k600'").all(), [{ disk_status: 'short', disk_duration: 4.5 }]);
  void catalog.close();
});

test('a file whose rows are a small share of the table goes in by one statement with the indexes live', () => {
  const catalog = newCatalog();
  const add = catalog.sqlite.prepare(ADD_CLIP);
  for (let index = 0; index < 200; index++) add.run('k400', 'train', `${String(index).padStart(11, 'k')}_000000_000010`, `${String(index).padStart(11, 'k')}`, 'abseiling');
  catalog.sqlite.exec("UPDATE source_files SET rows = 200; INSERT INTO source_files (id, path, bytes, sha256, rows, ingested_at, version, kind) VALUES (2, 'b.csv', 1, 'x', 0, 'now', 'k400', 'annotations')");
  const objects = objectsOf(catalog);
  const sizes = cacheSizesAt(catalog);
  const key = 'zzzzzzzzzzz_000000_000010';
  catalog.sqlite.transaction(() => {
    const writer = annotationWriter(catalog, 2, 'k400', 'val', false);
    writer.add({ split: 'val', youtubeId: key.slice(0, 11), timeStart: 0, timeEnd: 10, label: 'zumba', isCc: null, clipKey: key });
    writer.add({ split: 'val', youtubeId: key.slice(0, 11), timeStart: 0, timeEnd: 10, label: 'zumba', isCc: null, clipKey: key });
    assert.throws(() => writer.finish(new Map([['zumba', 2]])), /UNIQUE constraint failed: clip_annotations\.clip_key/, 'the triggers are live');
  })();
  assert.deepEqual(sizes, [], 'no index rebuilt');
  assert.deepEqual(objectsOf(catalog), objects);
  assert.equal(catalog.sqlite.prepare("SELECT count(*) FROM clip_annotations WHERE split = 'val'").pluck().get(), 0, 'the statement undone whole');
  const writer = annotationWriter(catalog, 2, 'k400', 'val', false);
  writer.add({ split: 'val', youtubeId: key.slice(0, 11), timeStart: 0, timeEnd: 10, label: 'zumba', isCc: null, clipKey: key });
  writer.finish(new Map([['zumba', 1]]));
  assert.equal(catalog.sqlite.prepare("SELECT count(*) FROM clip_annotations WHERE split = 'val'").pluck().get(), 1, 'nothing left staged');
  void catalog.close();
});

test('while another process bulk-loads a catalog, a writer waits (75 after KINETICS_BUSY_WAIT) and a reader reads; a writer still waiting goes on once it is over', async () => {
  const catalog = newCatalog();
  catalog.sqlite.prepare(ADD_CLIP).run('k400', 'val', 'aaaaaaaaaaa_000000_000010', 'aaaaaaaaaaa', 'abseiling');
  catalog.sqlite.exec('DROP TABLE IF EXISTS sqlite_stat1');
  deferIndexesIf(catalog.sqlite, 'clip_annotations', () => true);
  const loader = spawn('sleep', ['30']); // stands in for the ingest that set them aside, still running
  catalog.sqlite.prepare("UPDATE catalog_settings SET value = ? WHERE key = 'deferred_by'").run(String(loader.pid));
  await catalog.close();
  const tree = tempDir();
  writeFileSync(join(tree, 'aaaaaaaaaaa_000000_000010.mp4'), '');
  const waitingScan = spawnCli(['scan', tree, '--db', catalog.file], { env: { KINETICS_BUSY_WAIT: '20' } });
  try {
    for (const args of [['scan', tree], ['subset', 'create', 'few', '--version', 'k400', '--split', 'val']]) {
      const refused = await spawnCli([...args, '--db', catalog.file], { env: { KINETICS_BUSY_WAIT: '1' } });
      assert.equal(refused.code, 75, refused.stderr);
      assert.equal(
        refused.stderr,
        `kinetics: waiting for another process (pid ${loader.pid}) to finish a bulk load of ${catalog.file} (up to 1 s, KINETICS_BUSY_WAIT)\n` +
          `kinetics: the catalog ${catalog.file} is being bulk-loaded by another process (pid ${loader.pid}), for more than 1 s; run this again when it has finished\n`,
        'it says once that it waits, then why it gave up',
      );
    }
    const read = await runCli(['query', 'select count(*) n from clips', '--db', catalog.file, '--csv']);
    assert.equal(read.stdout, 'n\n1\n', read.stderr);
    assert.equal(
      read.stderr,
      `kinetics: another process (pid ${loader.pid}) is bulk-loading ${catalog.file}: answers cover what it has loaded so far\n`,
      'a reader hears that its answer is partial',
    );
  } finally {
    loader.kill();
    await once(loader, 'exit');
  }
  const waited = await waitingScan;
  assert.equal(waited.code, 0, `a writer that waited goes on once the load is over: ${waited.stderr}`);
  assert.match(waited.stderr, /^kinetics: waiting for another process \(pid \d+\) to finish a bulk load of .* \(up to 20 s, KINETICS_BUSY_WAIT\)\n/);
  assert.deepEqual(await queryAll(catalog.file, 'SELECT count(*) AS n FROM deferred_indexes'), [{ n: 0 }], 'it put them back first');
  const statistics = await queryAll<{ idx: string }>(catalog.file, "SELECT idx FROM sqlite_stat1 WHERE tbl = 'clip_annotations' ORDER BY idx");
  assert.deepEqual(statistics.map((row) => row.idx), ['clip_annotations_by_key', 'clip_annotations_by_split_label', 'clip_annotations_by_status', 'clip_annotations_by_youtube_id']);
});

test('a reader of a catalog whose load is gone puts back its indexes with their statistics', async () => {
  const catalog = newCatalog();
  catalog.sqlite.prepare(ADD_CLIP).run('k400', 'val', 'aaaaaaaaaaa_000000_000010', 'aaaaaaaaaaa', 'abseiling');
  catalog.sqlite.exec('DROP TABLE IF EXISTS sqlite_stat1');
  deferIndexesIf(catalog.sqlite, 'clip_annotations', () => true);
  catalog.sqlite.prepare("UPDATE catalog_settings SET value = '999999999' WHERE key = 'deferred_by'").run(); // gone
  await catalog.close();
  assert.equal((await runCli(['query', 'select count(*) n from clips', '--db', catalog.file])).code, 0);
  const statistics = await queryAll<{ idx: string }>(catalog.file, "SELECT idx FROM sqlite_stat1 WHERE tbl = 'clip_annotations' ORDER BY idx");
  assert.deepEqual(statistics.map((row) => row.idx), ['clip_annotations_by_key', 'clip_annotations_by_split_label', 'clip_annotations_by_status', 'clip_annotations_by_youtube_id']);
});
