import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { Catalog } from '../../src/catalog/catalog.js';
import { deferIndexesIf, rebuildDeferredIndexes } from '../../src/catalog/deferred-indexes.js';
import { loadMigrations } from '../../src/catalog/migrations.js';
import { refreshAnnotationStatistics } from '../../src/catalog/statistics.js';
import { tempDir } from '../helpers/temp.js';

/** What each clip's serving file is by definition: its best present file, then the newest, then the first recorded. */
const BY_DEFINITION = `
  SELECT clip_key, id, status, path, duration FROM (
    SELECT f.*, row_number() OVER (PARTITION BY clip_key ORDER BY serve_rank, mtime_ms DESC, id) AS place
    FROM disk_files f WHERE status <> 'gone' AND clip_key IS NOT NULL)
  WHERE place = 1 ORDER BY clip_key`;
const KEPT = 'SELECT b.clip_key, b.file_id AS id, b.status, f.path, b.duration FROM best_files b JOIN disk_files f ON f.id = b.file_id ORDER BY b.clip_key';

const STATUSES = ['ok', 'unchecked', 'unverified', 'short', 'damaged', 'empty', 'gone'] as const;
const RANK: Record<string, number> = { ok: 0, unchecked: 1, unverified: 2, short: 3, damaged: 4, empty: 5, gone: 6 };

const STATUS_OF_CLIPS = "SELECT version, clip_key, status, path, duration FROM clips ORDER BY clip_key, version";
const STATUS_BY_DEFINITION = `
  SELECT c.version, c.clip_key, coalesce(d.status, 'missing') AS status, d.path, d.duration
  FROM clip_annotations c LEFT JOIN (${BY_DEFINITION}) d ON d.clip_key = c.clip_key ORDER BY c.clip_key, c.version`;

test('best_files, and the status on each clip row, are what the definition gives after every insert, update, upsert and delete', async () => {
  const catalog = Catalog.open(join(tempDir(), 'catalog.db'));
  const db = catalog.sqlite;
  db.exec(`INSERT INTO scan_roots (id, path) VALUES (1, '/v');
           INSERT INTO source_files (id, path, bytes, sha256, rows, ingested_at, version, kind) VALUES (1, 'a.csv', 1, 'x', 4, 'now', 'k400', 'annotations')`);
  const addClip = db.prepare(
    "INSERT INTO clip_annotations (source_id, version, split, clip_key, youtube_id, time_start, time_end) VALUES (1, ?, 'val', ?, substr(?, 1, 11), 0, 10)",
  );
  let seed = 7;
  const random = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const clipKeys = ['aaaaaaaaaaa_000000_000010', 'bbbbbbbbbbb_000000_000010', 'ccccccccccc_000000_000010', null];
  const upsert = db.prepare(
    `INSERT INTO disk_files (path, dir, root_id, bytes, mtime_ms, clip_key, is_replacement, status, scanned_at, serve_rank, duration)
     VALUES (@path, '/v', 1, @bytes, @mtime, @clip, @replacement, @status, 'now', @rank, @duration)
     ON CONFLICT (path) DO UPDATE SET bytes = excluded.bytes, duration = excluded.duration, mtime_ms = excluded.mtime_ms, clip_key = excluded.clip_key,
       is_replacement = excluded.is_replacement, status = excluded.status, serve_rank = excluded.serve_rank`,
  );
  for (const version of ['k400', 'k700-2020']) for (const key of clipKeys.slice(0, 2)) addClip.run(version, key, key);
  for (let step = 0; step < 600; step++) {
    const path = `/v/${random(12)}.mp4`;
    if (random(10) === 0) db.prepare('DELETE FROM disk_files WHERE path = ?').run(path);
    else if (random(6) === 0) db.prepare("UPDATE disk_files SET status = 'gone' WHERE path = ?").run(path);
    else {
      const status = STATUSES[random(STATUSES.length)]!;
      const replacement = random(2);
      upsert.run({ path, bytes: random(3), mtime: random(4), clip: clipKeys[random(clipKeys.length)], replacement, status, rank: 2 * RANK[status]! + 1 - replacement, duration: [null, 9.5, 10][random(3)] });
    }
    assert.deepEqual(db.prepare(KEPT).all(), db.prepare(BY_DEFINITION).all(), `after step ${step}`);
    assert.deepEqual(db.prepare(STATUS_OF_CLIPS).all(), db.prepare(STATUS_BY_DEFINITION).all(), `statuses after step ${step}`);
  }
  assert.ok((db.prepare('SELECT count(*) FROM best_files').pluck().get() as number) > 0);
  await catalog.close();
});

test('a first load with indexes and triggers set aside fills best_files as the definition gives, ties going to the lowest id; the triggers then keep it', async () => {
  const catalog = Catalog.open(join(tempDir(), 'catalog.db'));
  const db = catalog.sqlite;
  db.exec(`INSERT INTO scan_roots (id, path) VALUES (1, '/v');
           INSERT INTO source_files (id, path, bytes, sha256, rows, ingested_at, version, kind) VALUES (1, 'a.csv', 1, 'x', 4, 'now', 'k400', 'annotations')`);
  const clipKeys = Array.from({ length: 40 }, (_, index) => `${String(index).padStart(11, 'k')}_000000_000010`);
  for (const key of clipKeys.slice(0, 30)) {
    db.prepare("INSERT INTO clip_annotations (source_id, version, split, clip_key, youtube_id, time_start, time_end) VALUES (1, 'k400', 'val', ?, substr(?, 1, 11), 0, 10)").run(key, key);
  }
  assert.equal(deferIndexesIf(db, 'disk_files', () => true), 4, "the path index too: a first load's inserts look no path up");
  assert.equal(
    db.prepare("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN ('disk_files', 'best_files')").pluck().get(),
    0,
    'no trigger runs for each row of the load',
  );
  assert.equal(deferIndexesIf(db, 'disk_files', () => true), 0, 'a second load finds them set aside already');
  const insert = db.prepare(
    `INSERT INTO disk_files (id, path, dir, root_id, bytes, mtime_ms, clip_key, is_replacement, status, scanned_at, serve_rank, duration)
     VALUES (?, ?, '/v', 1, 1, ?, ?, 0, ?, 'now', ?, ?)`,
  );
  // Few ranks and mtimes, so most clips have files that tie on both: the lowest id serves (ids fall as rows are
  // written; a table is read in id order whatever the order of writing).
  for (let index = 0; index < 400; index++) {
    const status = STATUSES[(index * 7) % STATUSES.length]!;
    insert.run(1000 - index, `/v/${index}.mp4`, (index * 13) % 3, clipKeys[(index * 11) % clipKeys.length], status, 2 * RANK[status]! + 1, index % 5 === 0 ? null : index / 10);
  }
  assert.deepEqual(
    (db.prepare('SELECT name FROM deferred_indexes ORDER BY rowid').pluck().all() as string[]).map((name) =>
      name.startsWith('disk_files_best_on') || name.startsWith('best_files_status_on') ? 'trigger' : name.includes('(') ? name : 'index',
    ),
    ['index', 'index', 'index', 'index', 'best_files (refill)', 'clip statuses (from best_files)', 'trigger', 'trigger', 'trigger', 'trigger', 'trigger', 'trigger'],
  );
  assert.equal(db.prepare('SELECT count(*) FROM best_files').pluck().get(), 0);
  rebuildDeferredIndexes(db);
  assert.deepEqual(db.prepare(KEPT).all(), db.prepare(BY_DEFINITION).all());
  assert.deepEqual(db.prepare(STATUS_OF_CLIPS).all(), db.prepare(STATUS_BY_DEFINITION).all());
  assert.ok((db.prepare("SELECT count(*) FROM clips WHERE status <> 'missing'").pluck().get() as number) > 20);
  db.prepare("UPDATE disk_files SET serve_rank = 0, status = 'ok' WHERE path = '/v/399.mp4'").run();
  assert.deepEqual(db.prepare(KEPT).all(), db.prepare(BY_DEFINITION).all(), 'kept by the triggers again');
  assert.deepEqual(db.prepare(STATUS_OF_CLIPS).all(), db.prepare(STATUS_BY_DEFINITION).all());
  await catalog.close();
});

test('what an interrupted first scan set aside comes back before the migrations run, as they expect the schema it was set aside from', async () => {
  const file = join(tempDir(), 'catalog.db');
  const current = loadMigrations();
  const loading = Catalog.open(file, { migrations: current });
  deferIndexesIf(loading.sqlite, 'disk_files', () => true);
  loading.sqlite.prepare("UPDATE catalog_settings SET value = '999999999' WHERE key = 'deferred_by'").run(); // a process gone
  await loading.close();
  const next = { id: current.at(-1)!.id + 1, name: 'next', sql: 'DROP TRIGGER disk_files_best_on_delete;', sha256: 'x' };
  const upgraded = Catalog.open(file, { migrations: [...current, next] });
  const triggers = upgraded.sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name <> 'clip_annotations' ORDER BY name").pluck().all();
  assert.equal(triggers.length, 5);
  assert.ok(!triggers.includes('disk_files_best_on_delete'));
  assert.equal(upgraded.sqlite.prepare('SELECT count(*) FROM deferred_indexes').pluck().get(), 0);
  await upgraded.close();
});

test('clips reads a status from the clip rows, and looks a path up by key only when asked for', async () => {
  const catalog = Catalog.open(join(tempDir(), 'catalog.db'));
  const plan = (sql: string) => (catalog.sqlite.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((row) => row.detail).join('\n');
  const perClassAndStatus = plan("SELECT label, status, count(*) FROM clips WHERE version = 'k400' AND split = 'val' GROUP BY label, status");
  assert.match(perClassAndStatus, /INDEX clip_annotations_by_split_label \(version=\? AND split=\?\)/);
  assert.match(plan("SELECT label, count(*) FROM clips WHERE version = 'k400' AND split = 'val' GROUP BY label"), /COVERING INDEX clip_annotations_by_split_label/);
  assert.doesNotMatch(perClassAndStatus, /best_files|SEARCH b/);
  assert.match(plan("SELECT path FROM clips WHERE clip_key = 'x'"), /CORRELATED SCALAR SUBQUERY[\s\S]*SEARCH b USING PRIMARY KEY \(clip_key=\?\)/);
  assert.match(plan("SELECT * FROM clips WHERE clip_key = 'x'"), /SEARCH c USING INDEX clip_annotations_by_key \(clip_key=\?\)/);
  assert.match(plan("SELECT * FROM clips WHERE youtube_id = 'x'"), /clip_annotations_by_youtube_id/);
  assert.throws(
    () => catalog.sqlite.exec(
      `INSERT INTO clip_annotations (source_id, version, split, clip_key, youtube_id, time_start, time_end)
       VALUES (1, 'k400', 'val', 'aaaaaaaaaaa_000000_000010', 'aaaaaaaaaaa', 0, 10), (1, 'k400', 'val', 'aaaaaaaaaaa_000000_000010', 'aaaaaaaaaaa', 0, 10)`,
    ),
    /UNIQUE constraint failed/,
  );
  await catalog.close();
});

test("a status is indexed: the rare ones anywhere are looked up, a split's common ones are read through its own index, a count per status reads the index alone", async () => {
  const catalog = Catalog.open(join(tempDir(), 'catalog.db'));
  const db = catalog.sqlite;
  db.exec("INSERT INTO source_files (id, path, bytes, sha256, rows, ingested_at, version, kind) VALUES (1, 'a.csv', 1, 'x', 1, 'now', 'k400', 'annotations')");
  const add = db.prepare(
    `INSERT INTO clip_annotations (source_id, version, split, clip_key, youtube_id, time_start, time_end, label, disk_status)
     VALUES (1, ?, ?, printf('%011d_000000_000010', ?), printf('%011d', ?), 0, 10, 'x', ?)`,
  );
  // As a full catalog is: most clips missing, a fifth on disk, a few damaged; statuses sorted, damaged first.
  db.transaction(() => {
    let clip = 0;
    for (const version of ['k400', 'k600', 'k700-2020']) {
      for (const split of ['train', 'val', 'test']) {
        for (let index = 0; index < 3000; index++, clip++) add.run(version, split, clip, clip, index % 500 === 0 ? 'damaged' : index % 5 === 0 ? 'ok' : 'missing');
      }
    }
  })();
  db.exec("INSERT INTO scan_roots (id, path) VALUES (1, '/v'); INSERT INTO scanned_dirs (path, root_id, parent, mtime_ms) VALUES ('/v', 1, NULL, 0), ('/v/a', 1, '/v', 0)");
  refreshAnnotationStatistics(db);
  const analysed = db.prepare("SELECT idx FROM sqlite_stat1 WHERE tbl IN ('clip_annotations', 'scanned_dirs') ORDER BY idx").pluck().all();
  assert.deepEqual(analysed, [
    'clip_annotations_by_key', 'clip_annotations_by_split_label', 'clip_annotations_by_status', 'clip_annotations_by_youtube_id', 'scanned_dirs', 'scanned_dirs_by_parent',
  ], "each index once, a WITHOUT ROWID table's primary key too");
  const plan = (sql: string) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((row) => row.detail).join('\n');
  assert.match(plan("SELECT clip_key FROM clips WHERE status IN ('damaged', 'empty', 'short')"), /SEARCH c USING INDEX clip_annotations_by_status \(disk_status=\?\)/);
  assert.match(plan("SELECT count(*) FROM clips WHERE version = 'k400' AND split = 'val' AND status = 'missing'"), /clip_annotations_by_split_label \(version=\? AND split=\?\)/);
  assert.match(plan('SELECT status, count(*) FROM clips GROUP BY status'), /SCAN c USING COVERING INDEX clip_annotations_by_status/);
  assert.match(plan("SELECT count(*) FROM clips a JOIN clips b ON a.clip_key = b.clip_key WHERE a.version < b.version"), /^SCAN c USING COVERING INDEX clip_annotations_by_key\n/);
  assert.equal(db.prepare("SELECT count(*) FROM clips WHERE version = 'k400' AND split = 'val' AND status = 'missing'").pluck().get(), 2400);
  // A whole ANALYZE run by hand leaves samples (sqlite_stat4) that the next refresh takes out, for the next connection.
  db.exec('ANALYZE');
  refreshAnnotationStatistics(db);
  await catalog.close();
  const next = new BetterSqlite3(catalog.file, { readonly: true });
  assert.equal(next.prepare("SELECT count(*) FROM sqlite_stat4 WHERE tbl = 'clip_annotations'").pluck().get(), 0);
  assert.match(
    (next.prepare('EXPLAIN QUERY PLAN SELECT count(*) FROM clips a JOIN clips b ON a.clip_key = b.clip_key WHERE a.version < b.version').all() as { detail: string }[])[0]!.detail,
    /^SCAN c USING COVERING INDEX clip_annotations_by_key$/,
  );
  next.close();
});

test('a catalog of the previous schema is upgraded by its first reader, and serves the same files', async () => {
  const file = join(tempDir(), 'catalog.db');
  const old = Catalog.open(file, { migrations: loadMigrations().filter((migration) => migration.id <= 6) });
  old.sqlite.exec(`INSERT INTO source_files (id, path, bytes, sha256, rows, ingested_at, version, kind) VALUES (1, 'a.csv', 1, 'x', 2, 'now', 'k400', 'annotations');
    INSERT INTO clip_annotations (source_id, version, split, clip_key, youtube_id, time_start, time_end, label)
    VALUES (1, 'k400', 'val', 'aaaaaaaaaaa_000000_000010', 'aaaaaaaaaaa', 0, 10, 'x'), (1, 'k400', 'val', 'bbbbbbbbbbb_000000_000010', 'bbbbbbbbbbb', 0, 10, 'x');
    INSERT INTO scan_roots (id, path) VALUES (1, '/v');
    INSERT INTO disk_files (id, path, dir, root_id, bytes, mtime_ms, clip_key, is_replacement, status, scanned_at, serve_rank) VALUES
      (1, '/v/a.mp4', '/v', 1, 9, 5, 'aaaaaaaaaaa_000000_000010', 0, 'damaged', 'now', 9),
      (2, '/v/r/a.mp4', '/v/r', 1, 9, 1, 'aaaaaaaaaaa_000000_000010', 1, 'ok', 'now', 0),
      (3, '/v/b.mp4', '/v', 1, 9, 1, 'bbbbbbbbbbb_000000_000010', 0, 'gone', 'now', 11);`);
  const before = old.sqlite.prepare('SELECT clip_key, status, path, duration FROM clips ORDER BY clip_key').all();
  await old.close();
  const reader = Catalog.open(file, { readonly: true });
  assert.deepEqual(reader.sqlite.prepare('SELECT clip_key, status, path, duration FROM clips ORDER BY clip_key').all(), before);
  assert.equal(reader.sqlite.prepare('SELECT max(id) FROM schema_migrations').pluck().get(), loadMigrations().at(-1)!.id);
  await reader.close();
});
