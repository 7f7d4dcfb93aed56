import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { Catalog, PAGE_SIZE } from '../../src/catalog/catalog.js';
import { deferIndexesIf } from '../../src/catalog/deferred-indexes.js';
import { loadMigrations, migrationsDir } from '../../src/catalog/migrations.js';
import { ingestInto } from '../helpers/catalog.js';
import { readOnlyView } from '../helpers/mounts.js';
import { runCli } from '../helpers/run-cli.js';
import { sampleBucket, tempDir } from '../helpers/temp.js';

test('a new catalog gets every migration, in order, each recorded', async () => {
  const catalog = Catalog.open(join(tempDir(), 'catalog.db'));
  const recorded = catalog.sqlite.prepare('SELECT id, name FROM schema_migrations ORDER BY id').all() as { id: number; name: string }[];
  assert.deepEqual(recorded.map((row) => row.id), loadMigrations().map((migration) => migration.id));
  const views = catalog.sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'view'").pluck().all();
  for (const view of ['clips', 'classes', 'shards', 'ava_kinetics', 'ava_actions', 'countix', 'sources']) assert.ok(views.includes(view), view);
  await catalog.close();
});

test('a new catalog is made of 16 KiB pages; one made with smaller pages keeps them', async () => {
  const pageSize = (catalog: Catalog) => catalog.sqlite.pragma('page_size', { simple: true });
  const fresh = Catalog.open(join(tempDir(), 'catalog.db'));
  assert.equal(pageSize(fresh), PAGE_SIZE);
  await fresh.close();
  const file = join(tempDir(), 'catalog.db');
  const old = Catalog.open(file, { migrations: loadMigrations().filter((migration) => migration.id <= 17) });
  await old.close();
  const made = new BetterSqlite3(file);
  made.pragma('journal_mode = DELETE');
  made.pragma('page_size = 4096');
  made.exec('VACUUM'); // as an earlier build made it
  made.close();
  const upgraded = Catalog.open(file);
  assert.equal(pageSize(upgraded), 4096);
  assert.equal(upgraded.sqlite.prepare('SELECT max(id) FROM schema_migrations').pluck().get(), loadMigrations().at(-1)!.id);
  await upgraded.close();
});

test('opening an older catalog upgrades it with the migrations it lacks, keeping its rows', async () => {
  const dir = tempDir();
  const file = join(dir, 'catalog.db');
  const first = loadMigrations();
  const old = Catalog.open(file, { migrations: first });
  old.sqlite.prepare("INSERT INTO catalog_settings (key, value) VALUES ('source', 'x')").run();
  await old.close();

  const newer = join(dir, 'migrations');
  mkdirSync(newer);
  for (const migration of first) writeFileSync(join(newer, `${String(migration.id).padStart(3, '0')}_${migration.name}.sql`), migration.sql);
  writeFileSync(join(newer, '999_add_note.sql'), 'ALTER TABLE catalog_settings ADD COLUMN note TEXT;');
  const upgraded = Catalog.open(file, { migrations: loadMigrations(newer) });
  const columns = upgraded.sqlite.prepare('PRAGMA table_info(catalog_settings)').all() as { name: string }[];
  assert.ok(columns.some((column) => column.name === 'note'));
  assert.equal(upgraded.sqlite.prepare("SELECT value FROM catalog_settings WHERE key = 'source'").pluck().get(), 'x');
  assert.equal(upgraded.sqlite.prepare('SELECT max(id) FROM schema_migrations').pluck().get(), 999);
  await upgraded.close();
});

test('upgraded from 016, new, or loaded first: every clip joined on clip_key is read in key order on both sides', async () => {
  const everyClipJoined = 'SELECT count(*) FROM clips a JOIN clips b ON a.clip_key = b.clip_key WHERE a.version < b.version AND a.label <> b.label';
  for (const made of ['upgraded from 016', 'new', 'loaded first'] as const) {
    const file = join(tempDir(), 'catalog.db');
    if (made === 'upgraded from 016') await Catalog.open(file, { migrations: loadMigrations().filter((migration) => migration.id <= 16) }).close();
    if (made === 'loaded first') await ingestInto(file, sampleBucket);
    const catalog = Catalog.open(file);
    const plan = (catalog.sqlite.prepare(`EXPLAIN QUERY PLAN ${everyClipJoined}`).all() as { detail: string }[]).map((row) => row.detail);
    assert.deepEqual(plan, ['SCAN c USING COVERING INDEX clip_annotations_by_key', 'SEARCH c USING COVERING INDEX clip_annotations_by_key (clip_key=? AND version>?)'], made);
    await catalog.close();
  }
});

test('a catalog an older build made is said to be upgraded, once, naming the migrations; a new catalog is not, nor one read where it cannot be written', async (t) => {
  const file = join(tempDir(), 'catalog.db');
  await Catalog.open(file, { migrations: loadMigrations().filter((migration) => migration.id <= 15) }).close();
  await readOnlyView(t, dirname(file), async (view) => {
    const readOnly = await runCli(['query', 'SELECT 1 AS one', '--db', join(view, 'catalog.db'), '--csv']);
    assert.equal(readOnly.code, 0, readOnly.stderr);
    assert.equal(readOnly.stderr, '', 'read as it is, not upgraded');
  });
  const upgrading = await runCli(['query', 'SELECT 1 AS one', '--db', file, '--csv']);
  assert.equal(upgrading.code, 0, upgrading.stderr);
  assert.equal(upgrading.stdout, 'one\n1\n');
  const newest = loadMigrations().at(-1)!;
  assert.match(upgrading.stderr, new RegExp(`^kinetics: upgrading ${file} to this build's schema \\(016_key_index_with_label, .*${newest.name}\\): once, seconds on a full catalog\n$`));
  assert.equal((await runCli(['query', 'SELECT 1 AS one', '--db', file, '--csv'])).stderr, '');
  const fresh = await runCli(['ingest', '--source', sampleBucket, '--db', join(tempDir(), 'catalog.db'), '--quiet']);
  assert.equal(fresh.code, 0, fresh.stderr);
  assert.doesNotMatch(fresh.stderr, /upgrading/);
});

test('a failing migration leaves the catalog as it was', async () => {
  const dir = tempDir();
  const file = join(dir, 'catalog.db');
  const bad = join(dir, 'migrations');
  mkdirSync(bad);
  writeFileSync(join(bad, '001_ok.sql'), 'CREATE TABLE kept (a);');
  writeFileSync(join(bad, '002_broken.sql'), 'CREATE TABLE half (a); INSERT INTO nowhere VALUES (1);');
  assert.throws(() => Catalog.open(file, { migrations: loadMigrations(bad) }), /nowhere/);
  const reopened = Catalog.open(file, { migrations: loadMigrations(bad).slice(0, 1) });
  const tables = reopened.sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all();
  assert.ok(tables.includes('kept'));
  assert.ok(!tables.includes('half'));
  await reopened.close();
});

test('a migration edited after it was applied is refused', async () => {
  const dir = tempDir();
  const file = join(dir, 'catalog.db');
  const edited = join(dir, 'migrations');
  mkdirSync(edited);
  writeFileSync(join(edited, '001_one.sql'), 'CREATE TABLE one (a);');
  await Catalog.open(file, { migrations: loadMigrations(edited) }).close();
  writeFileSync(join(edited, '001_one.sql'), 'CREATE TABLE one (a, b);');
  assert.throws(() => Catalog.open(file, { migrations: loadMigrations(edited) }), /edited after this catalog applied it/);
  assert.ok(migrationsDir.endsWith('migrations'));
});

test('upgrading to serving_files keeps the file that served each clip', async () => {
  const file = join(tempDir(), 'catalog.db');
  const old = Catalog.open(file, { migrations: loadMigrations().filter((migration) => migration.id <= 5) });
  const db = old.sqlite;
  db.exec(`INSERT INTO source_files (id, path, bytes, sha256, rows, ingested_at, version, kind) VALUES (1, 'a.csv', 1, 'x', 2, 'now', 'k400', 'annotations');
           INSERT INTO clip_annotations (source_id, version, split, clip_key, youtube_id, time_start, time_end, label)
           VALUES (1, 'k400', 'train', 'aaaaaaaaaaa_000000_000010', 'aaaaaaaaaaa', 0, 10, 'x'),
                  (1, 'k400', 'train', 'bbbbbbbbbbb_000000_000010', 'bbbbbbbbbbb', 0, 10, 'x');
           INSERT INTO scan_roots (id, path) VALUES (1, '/v');`);
  const insertFile = db.prepare(
    `INSERT INTO disk_files (id, path, dir, root_id, bytes, mtime_ms, clip_key, is_replacement, status, scanned_at)
     VALUES (?, ?, '/v', 1, 9, ?, ?, ?, ?, 'now')`,
  );
  // Clip a: a damaged original, its good replacement, and a newer file that is gone. Clip b: two unverified copies.
  insertFile.run(1, '/v/a.mp4', 3, 'aaaaaaaaaaa_000000_000010', 0, 'damaged');
  insertFile.run(2, '/v/replacement_for_corrupted_k400/a.mp4', 1, 'aaaaaaaaaaa_000000_000010', 1, 'ok');
  insertFile.run(3, '/v/new/a.mp4', 9, 'aaaaaaaaaaa_000000_000010', 0, 'gone');
  insertFile.run(4, '/v/b.mp4', 1, 'bbbbbbbbbbb_000000_000010', 0, 'unverified');
  insertFile.run(5, '/v/b2.mp4', 2, 'bbbbbbbbbbb_000000_000010', 0, 'unverified');
  db.exec('INSERT INTO clip_files (clip_key, file_id) VALUES (\'aaaaaaaaaaa_000000_000010\', 2), (\'bbbbbbbbbbb_000000_000010\', 5)');
  const before = db.prepare('SELECT clip_key, status, path FROM clips ORDER BY clip_key').all();
  await old.close();

  const upgraded = Catalog.open(file);
  assert.deepEqual(upgraded.sqlite.prepare('SELECT clip_key, status, path FROM clips ORDER BY clip_key').all(), before);
  assert.deepEqual(upgraded.sqlite.prepare('SELECT path FROM serving_files ORDER BY path').pluck().all(), ['/v/b2.mp4', '/v/replacement_for_corrupted_k400/a.mp4']);
  await upgraded.close();
});

test("upgrading to the path index keeps every file row and id, the file serving each clip, and the triggers; paths stay unique", async () => {
  const file = join(tempDir(), 'catalog.db');
  const old = Catalog.open(file, { migrations: loadMigrations().filter((migration) => migration.id <= 17) });
  old.sqlite.exec(`INSERT INTO scan_roots (id, path) VALUES (1, '/v');
    INSERT INTO disk_files (id, path, dir, root_id, bytes, mtime_ms, clip_key, status, scanned_at, serve_rank, sha256)
    VALUES (4, '/v/a.mp4', '/v', 1, 9, 1, 'aaaaaaaaaaa_000000_000010', 'ok', 'now', 1, 'f00d'),
           (7, '/v/a copy.mp4', '/v', 1, 9, 2, 'aaaaaaaaaaa_000000_000010', 'damaged', 'now', 5, NULL),
           (9, '/v/notes.txt', '/v', 1, 3, 3, NULL, 'unchecked', 'now', 0, NULL)`);
  const everything = (catalog: Catalog) => ({
    files: catalog.sqlite.prepare('SELECT * FROM disk_files ORDER BY id').all(),
    best: catalog.sqlite.prepare('SELECT * FROM best_files').all(),
    triggers: catalog.sqlite.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name").all(),
  });
  const before = everything(old);
  await old.close();

  const upgraded = Catalog.open(file, { migrations: loadMigrations().filter((migration) => migration.id <= 18) });
  const db = upgraded.sqlite;
  assert.deepEqual(everything(upgraded), before);
  assert.deepEqual(db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'disk_files' ORDER BY name").pluck().all(), [
    'disk_files_best_first', 'disk_files_by_dir', 'disk_files_by_path', 'disk_files_by_youtube_id',
  ]);
  assert.throws(() => db.prepare("INSERT INTO disk_files (path, dir, root_id, bytes, mtime_ms, status, scanned_at) VALUES ('/v/a.mp4', '/v', 1, 1, 1, 'ok', 'now')").run(), /UNIQUE constraint failed: disk_files.path/);
  db.prepare("UPDATE disk_files SET status = 'gone' WHERE id = 4").run();
  assert.equal(db.prepare('SELECT file_id FROM best_files').pluck().get(), 7, 'the triggers keep best_files');
  assert.match(String(db.prepare('SELECT sql FROM sqlite_master WHERE name = ?').pluck().get('files')), /FROM disk_files f/);
  assert.equal(db.prepare('SELECT count(*) FROM files').pluck().get(), 3);
  await upgraded.close();
});

test('upgrading to best_files without the path keeps the file serving each clip, what clips and serving_files show, and the triggers', async () => {
  const file = join(tempDir(), 'catalog.db');
  const old = Catalog.open(file, { migrations: loadMigrations().filter((migration) => migration.id <= 18) });
  old.sqlite.exec(`INSERT INTO source_files (id, path, bytes, sha256, rows, ingested_at, version, kind) VALUES (1, 'a.csv', 1, 'x', 3, 'now', 'k400', 'annotations');
    INSERT INTO clip_annotations (source_id, version, split, clip_key, youtube_id, time_start, time_end, label)
    VALUES (1, 'k400', 'val', 'aaaaaaaaaaa_000000_000010', 'aaaaaaaaaaa', 0, 10, 'x'), (1, 'k400', 'val', 'bbbbbbbbbbb_000000_000010', 'bbbbbbbbbbb', 0, 10, 'x'),
           (1, 'k400', 'val', 'ccccccccccc_000000_000010', 'ccccccccccc', 0, 10, 'x');
    INSERT INTO scan_roots (id, path) VALUES (1, '/v');
    INSERT INTO disk_files (id, path, dir, root_id, bytes, mtime_ms, clip_key, is_replacement, status, scanned_at, serve_rank, duration)
    VALUES (4, '/v/a.mp4', '/v', 1, 9, 1, 'aaaaaaaaaaa_000000_000010', 0, 'damaged', 'now', 9, NULL),
           (7, '/v/replacement_for_corrupted_k400/a.mp4', '/v/replacement_for_corrupted_k400', 1, 8, 2, 'aaaaaaaaaaa_000000_000010', 1, 'ok', 'now', 0, 10),
           (9, '/v/b.mp4', '/v', 1, 3, 3, 'bbbbbbbbbbb_000000_000010', 0, 'short', 'now', 6, 4.5)`);
  const shown = (catalog: Catalog) => ({
    clips: catalog.sqlite.prepare('SELECT clip_key, status, path, duration FROM clips ORDER BY clip_key').all(),
    serving: catalog.sqlite.prepare('SELECT * FROM serving_files ORDER BY clip_key').all(),
    best: catalog.sqlite.prepare('SELECT clip_key, file_id, serve_rank, mtime_ms, status, duration, bytes, is_replacement FROM best_files ORDER BY clip_key').all(),
  });
  const before = shown(old);
  await old.close();

  const upgraded = Catalog.open(file);
  const db = upgraded.sqlite;
  assert.deepEqual(shown(upgraded), before);
  assert.deepEqual(db.prepare("SELECT name FROM pragma_table_info('best_files')").pluck().all(), ['clip_key', 'file_id', 'serve_rank', 'mtime_ms', 'status', 'duration', 'bytes', 'is_replacement']);
  db.prepare("UPDATE disk_files SET status = 'gone' WHERE id = 7").run();
  assert.deepEqual(db.prepare("SELECT status, path FROM clips WHERE clip_key LIKE 'a%'").get(), { status: 'damaged', path: '/v/a.mp4' }, 'the triggers keep best_files and the clip rows');
  db.prepare('DELETE FROM disk_files WHERE id = 9').run();
  assert.deepEqual(db.prepare("SELECT status, path FROM clips WHERE clip_key LIKE 'b%'").get(), { status: 'missing', path: null });
  await upgraded.close();
});

test('a first scan killed under the build before best_files lost its path is finished with what that build set aside, then upgraded', async () => {
  const file = join(tempDir(), 'catalog.db');
  const old = Catalog.open(file, { migrations: loadMigrations().filter((migration) => migration.id <= 18) });
  const db = old.sqlite;
  db.exec(`INSERT INTO source_files (id, path, bytes, sha256, rows, ingested_at, version, kind) VALUES (1, 'a.csv', 1, 'x', 1, 'now', 'k400', 'annotations');
    INSERT INTO clip_annotations (source_id, version, split, clip_key, youtube_id, time_start, time_end, label)
    VALUES (1, 'k400', 'val', 'aaaaaaaaaaa_000000_000010', 'aaaaaaaaaaa', 0, 10, 'x');
    INSERT INTO scan_roots (id, path) VALUES (1, '/v')`);
  deferIndexesIf(db, 'disk_files', () => true);
  // What that build kept to stand in for the triggers: the refill of every column best_files had then.
  db.prepare("UPDATE deferred_indexes SET sql = ? WHERE name = 'best_files (refill)'").run(
    `INSERT INTO best_files SELECT clip_key, id, serve_rank, mtime_ms, status, path, duration, bytes, is_replacement
     FROM disk_files NOT INDEXED WHERE status <> 'gone' AND clip_key IS NOT NULL
     ORDER BY clip_key, serve_rank, mtime_ms DESC, id ON CONFLICT (clip_key) DO NOTHING`,
  );
  db.exec(`INSERT INTO disk_files (path, dir, root_id, bytes, mtime_ms, clip_key, status, scanned_at, duration)
           VALUES ('/v/aaaaaaaaaaa_000000_000010.mp4', '/v', 1, 5, 1, 'aaaaaaaaaaa_000000_000010', 'ok', 'now', 10)`);
  db.prepare("UPDATE catalog_settings SET value = '999999999' WHERE key = 'deferred_by'").run(); // killed
  await old.close();

  const upgraded = Catalog.open(file);
  assert.equal(upgraded.sqlite.prepare('SELECT count(*) FROM deferred_indexes').pluck().get(), 0);
  assert.ok(upgraded.sqlite.prepare("SELECT 1 FROM schema_migrations WHERE name = 'best_files_without_path'").get());
  assert.deepEqual(upgraded.sqlite.prepare('SELECT status, path, duration FROM clips').get(), { status: 'ok', path: '/v/aaaaaaaaaaa_000000_000010.mp4', duration: 10 });
  assert.deepEqual(upgraded.sqlite.prepare('SELECT path, bytes FROM serving_files').get(), { path: '/v/aaaaaaaaaaa_000000_000010.mp4', bytes: 5 });
  await upgraded.close();
});

test('the connection that upgrades to the status index plans with its statistics: a split\'s missing clips through the split\'s index', async () => {
  const file = join(tempDir(), 'catalog.db');
  const old = Catalog.open(file, { migrations: loadMigrations().filter((migration) => migration.id <= 19) });
  old.sqlite.exec("INSERT INTO source_files (id, path, bytes, sha256, rows, ingested_at, version, kind) VALUES (1, 'a.csv', 1, 'x', 1, 'now', 'k400', 'annotations')");
  const add = old.sqlite.prepare(
    "INSERT INTO clip_annotations (source_id, version, split, clip_key, youtube_id, time_start, time_end, label) VALUES (1, ?, ?, printf('%011d_000000_000010', ?), printf('%011d', ?), 0, 10, 'x')",
  );
  old.sqlite.transaction(() => {
    for (let clip = 0; clip < 20_000; clip++) add.run(['k400', 'k600', 'k700-2020'][clip % 3], ['train', 'val'][clip % 2], clip, clip);
  })();
  await old.close();
  const upgraded = Catalog.open(file);
  const plan = upgraded.sqlite.prepare("EXPLAIN QUERY PLAN SELECT count(*) FROM clips WHERE version = 'k400' AND split = 'val' AND status = 'missing'").all() as { detail: string }[];
  assert.match(plan.map((row) => row.detail).join('\n'), /clip_annotations_by_split_label \(version=\? AND split=\?\)/);
  await upgraded.close();
});

test('a catalog a newer build upgraded is refused by this one, for reading and writing, and left as it was', async () => {
  const dir = tempDir();
  const file = join(dir, 'catalog.db');
  const newer = join(dir, 'migrations');
  mkdirSync(newer);
  for (const migration of loadMigrations()) writeFileSync(join(newer, `${String(migration.id).padStart(3, '0')}_${migration.name}.sql`), migration.sql);
  writeFileSync(join(newer, '999_from_the_future.sql'), 'ALTER TABLE catalog_settings ADD COLUMN note TEXT;');
  await Catalog.open(file, { migrations: loadMigrations(newer) }).close();
  const before = readFileSync(file);
  const newest = loadMigrations().at(-1)!;
  const said = new RegExp(`was upgraded by a newer build of kinetics \\(migration 999_from_the_future; this build knows up to ${newest.id.toString().padStart(3, '0')}_${newest.name}\\): run it with that build`);
  for (const readonly of [false, true]) assert.throws(() => Catalog.open(file, { readonly }), said);
  for (const args of [['status'], ['query', 'SELECT 1'], ['subset', 'create', 'x', '--version', 'k400']]) {
    const refused = await runCli([...args, '--db', file]);
    assert.equal(refused.code, 65, refused.stderr);
    assert.match(refused.stderr, said);
    assert.equal(refused.stderr.split('\n').filter(Boolean).length, 1);
  }
  assert.deepEqual(readFileSync(file), before);
});
