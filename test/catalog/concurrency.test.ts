import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { before, describe, test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { Catalog } from '../../src/catalog/catalog.js';
import { packageRoot } from '../../src/util/package-root.js';
import { ingestInto, newCatalogFile, queryAll } from '../helpers/catalog.js';
import { readOnlyView } from '../helpers/mounts.js';
import { runCli, spawnCli } from '../helpers/run-cli.js';
import { sampleBucket, tempDir } from '../helpers/temp.js';

/** Another process that opens the catalog read-only and holds a read transaction for `seconds`, as a long query does. */
async function holdReading(file: string, seconds: number): Promise<ChildProcess> {
  const script = `
    const db = new (require('better-sqlite3'))(process.argv[1], { readonly: true });
    db.exec('BEGIN');
    db.prepare('SELECT count(*) FROM clip_annotations').get();
    process.stdout.write('holding\\n');
    setTimeout(() => { db.exec('COMMIT'); db.close(); }, ${seconds * 1000});`;
  const reader = spawn(process.execPath, ['-e', script, file], { cwd: packageRoot });
  await once(reader.stdout!, 'data');
  return reader;
}

const subsetArgs = (file: string, name: string) => ['subset', 'create', name, '--version', 'k400', '--split', 'val', '--limit', '5', '--db', file];

describe('a reader never crashes a writer', () => {
  const file = newCatalogFile();
  before(async () => {
    await ingestInto(file, sampleBucket);
  });

  test('a writer waits for a reader that holds the catalog a few seconds, then does its work', async () => {
    const reader = await holdReading(file, 3);
    const started = performance.now();
    const result = await runCli(subsetArgs(file, 'while-reading'));
    assert.equal(result.code, 0, result.stderr);
    assert.ok(performance.now() - started > 1500, 'it waited for the reader rather than failing at once');
    await once(reader, 'exit');
    assert.equal((await queryAll<{ n: number }>(file, "SELECT count(*) n FROM subset_members WHERE subset = 'while-reading'"))[0]!.n, 5);
  });

  test('a reader that holds it longer than the wait: one line, exit 75, nothing changed', async () => {
    const reader = await holdReading(file, 8);
    try {
      const result = await spawnCli(subsetArgs(file, 'too-long'), { env: { KINETICS_BUSY_WAIT: '1' } });
      assert.equal(result.code, 75, result.stderr);
      assert.match(result.stderr, /^kinetics: the catalog .* is busy: another process .* held it for more than 1 s; let it finish or stop it, then run this again\n$/);
    } finally {
      reader.kill();
    }
    assert.deepEqual(await queryAll(file, "SELECT name FROM subsets WHERE name = 'too-long'"), []);
  });
});

test('a writer that ended while another process read leaves WAL files; the next reader that finds the catalog unshared clears them', async () => {
  const file = newCatalogFile();
  await ingestInto(file, sampleBucket);
  const writer = new BetterSqlite3(file);
  writer.pragma('journal_mode = WAL');
  writer.exec("INSERT OR REPLACE INTO catalog_settings VALUES ('probe', '1')");
  const reader = await holdReading(file, 1);
  writer.close();
  await once(reader, 'exit');
  assert.ok(existsSync(`${file}-wal`), 'the reader, last to close, could not remove the WAL');
  const result = await runCli(['query', "select value from catalog_settings where key = 'probe'", '--csv', '--db', file]);
  assert.equal(result.stdout, 'value\n1\n', result.stderr);
  assert.ok(!existsSync(`${file}-wal`) && !existsSync(`${file}-shm`));
  assert.equal(readFileSync(file)[18], 1, 'the header says rollback journal again');
});

test('a catalog left in WAL mode on a read-only disk, with no -shm to share: readers read it, writers get one line (77)', async (t) => {
  const file = newCatalogFile();
  await ingestInto(file, sampleBucket);
  const writer = new BetterSqlite3(file);
  writer.pragma('journal_mode = WAL');
  writer.exec("INSERT OR REPLACE INTO catalog_settings VALUES ('probe', '1')");
  writer.close();
  assert.equal(readFileSync(file)[18], 2, 'the header says WAL');
  await readOnlyView(t, dirname(file), async (view) => {
    const db = join(view, 'catalog.db');
    const read = await runCli(['query', "select value from catalog_settings where key = 'probe'", '--csv', '--db', db]);
    assert.deepEqual([read.code, read.stdout, read.stderr], [0, 'value\n1\n', '']);
    const status = await runCli(['status', '--json', '--db', db]);
    assert.equal(status.code, 0, status.stderr);
    assert.ok((JSON.parse(status.stdout) as unknown[]).length > 0);
    const write = await runCli([...subsetArgs(db, 'on-read-only')]);
    assert.equal(write.code, 77);
    assert.match(write.stderr, /^kinetics: cannot write the catalog .*catalog\.db: the file or its folder is read-only or not yours; .*\n$/);
  });
});

test('a killed bulk load found on a read-only disk: readers answer with one line saying their answers are partial; once writable, the next command finishes the load', async (t) => {
  const file = newCatalogFile();
  await ingestInto(file, sampleBucket);
  const loading = new BetterSqlite3(file);
  const indexes = loading.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'clip_annotations' AND sql IS NOT NULL").all() as { name: string; sql: string }[];
  loading.transaction(() => {
    for (const index of indexes) {
      loading.exec(`DROP INDEX ${index.name}`);
      loading.prepare('INSERT INTO deferred_indexes (name, sql) VALUES (?, ?)').run(index.name, index.sql);
    }
    loading.exec("INSERT OR REPLACE INTO catalog_settings (key, value) VALUES ('deferred_by', '999999999'), ('deferred_table', 'clip_annotations')"); // killed
  })();
  loading.close();
  await readOnlyView(t, dirname(file), async (view) => {
    const status = await runCli(['status', '--csv', '--db', join(view, 'catalog.db')]);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stderr, /^kinetics: a bulk load of .*catalog\.db \(pid 999999999\) was interrupted, and could not be finished from here \(the catalog is read-only here, or busy\): .*\n$/);
  });
  const read = await runCli(['status', '--csv', '--db', file]);
  assert.deepEqual([read.code, read.stderr], [0, '']);
  assert.equal((await queryAll(file, "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'clip_annotations' AND sql IS NOT NULL")).length, indexes.length);
});

describe('--db at a file that is no catalog', () => {
  test('another SQLite database is refused by writers and readers alike, and left as it was', async () => {
    const other = join(tempDir(), 'notes.db');
    const db = new BetterSqlite3(other);
    db.exec("CREATE TABLE notes (text TEXT); INSERT INTO notes VALUES ('mine')");
    db.close();
    const before = readFileSync(other);
    for (const args of [['scan', tempDir()], ['ingest', '--source', sampleBucket], ['status']]) {
      const result = await runCli([...args, '--db', other]);
      assert.equal(result.code, 65, `${args[0]}: ${result.stderr}`);
      assert.equal(result.stderr, `kinetics: ${other} is not a kinetics catalog; point --db at one, or run \`kinetics ingest\` to make one\n`);
    }
    assert.deepEqual(readFileSync(other), before, 'not a byte changed');
  });

  test("another framework's database with a schema_migrations table, or a blank one with a user_version, is refused too", async () => {
    for (const setup of ['CREATE TABLE schema_migrations (version TEXT PRIMARY KEY); CREATE TABLE users (id INTEGER PRIMARY KEY)', 'PRAGMA user_version = 5']) {
      const other = join(tempDir(), 'app.db');
      const db = new BetterSqlite3(other);
      db.exec(setup);
      db.close();
      const before = readFileSync(other);
      for (const args of [['status'], ['scan', tempDir()]]) {
        const result = await runCli([...args, '--db', other]);
        assert.equal(result.code, 65, `${setup} ${args[0]}: ${result.stderr}`);
      }
      assert.deepEqual(readFileSync(other), before);
    }
  });

  test('a text file is refused in one line', async () => {
    const text = join(tempDir(), 'catalog.db');
    writeFileSync(text, 'these are not the clips you are looking for\n'.repeat(200));
    const result = await runCli(['scan', tempDir(), '--db', text]);
    assert.equal(result.code, 65, result.stderr);
    assert.match(result.stderr, /^kinetics: [^\n]* is not a kinetics catalog[^\n]*\n$/);
  });

  test('a folder is refused by writers and readers alike in one line, exit 66', async () => {
    const folder = tempDir();
    for (const args of [['scan', tempDir(), '--db', folder], ['query', 'select 1', '--db', folder], subsetArgs(folder, 'refused')]) {
      const result = await runCli(args);
      assert.equal(result.code, 66, `${args[0]}: ${result.stderr}`);
      assert.equal(result.stderr, `kinetics: ${folder} is a folder, not a catalog file; point --db at a file (or --home at its folder)\n`);
    }
    assert.deepEqual(readdirSync(folder), []);
  });

  test('a catalog whose first open was killed before any table was made is opened as a new one', async () => {
    const file = join(tempDir(), 'catalog.db');
    const db = new BetterSqlite3(file);
    db.pragma('journal_mode = WAL');
    db.close();
    const copy = join(tempDir(), 'copy.db');
    copyFileSync(file, copy);
    const result = await runCli(['scan', tempDir(), '--db', copy]);
    assert.equal(result.code, 0, result.stderr);
  });
});

test('four processes that open one new catalog at once each find it whole, every migration applied once', async () => {
  const migrationCount = readdirSync(join(packageRoot, 'migrations')).filter((name) => name.endsWith('.sql')).length;
  for (let round = 0; round < 3; round++) {
    const file = join(tempDir(), 'catalog.db');
    const runs = await Promise.all(Array.from({ length: 4 }, () => spawnCli(['scan', tempDir(), '--db', file])));
    for (const run of runs) assert.equal(run.code, 0, run.stderr);
    const applied = await queryAll<{ n: number; distinctIds: number }>(file, 'SELECT count(*) n, count(DISTINCT id) distinctIds FROM schema_migrations');
    assert.deepEqual(applied, [{ n: migrationCount, distinctIds: migrationCount }]);
  }
});

describe('a catalog this process may not write', () => {
  /** `chattr +i`: refused even to root (the tests run as root here, where file modes do not stop a write). */
  const immutable = (paths: string[], on: boolean) => execFileSync('chattr', [on ? '+i' : '-i', ...paths]);

  test('writers say so in one line, exit 77; readers still read', async () => {
    const dir = tempDir();
    const file = join(dir, 'catalog.db');
    await ingestInto(file, sampleBucket);
    immutable([file, dir], true);
    try {
      for (const args of [subsetArgs(file, 'refused'), ['scan', tempDir(), '--db', file], ['ingest', '--source', sampleBucket, '--db', file]]) {
        const result = await runCli(args);
        assert.equal(result.code, 77, `${args[0]}: ${result.stderr}`);
        assert.equal(result.stderr, `kinetics: cannot write the catalog ${file}: the file or its folder is read-only or not yours; check its permissions, or point --db at another file\n`);
      }
      const read = await runCli(['query', 'select count(*) n from clips', '--csv', '--db', file]);
      assert.equal(read.code, 0, read.stderr);
      assert.match(read.stdout, /^n\n\d+\n$/);
    } finally {
      immutable([file, dir], false);
    }
  });
});

test('a catalog left with its -wal and no -shm (a writer killed at the wrong moment, a copy) is read whole, not as of its last checkpoint', async () => {
  const dir = tempDir();
  const file = join(dir, 'catalog.db');
  const writer = Catalog.open(file);
  try {
    writer.sqlite.pragma('wal_autocheckpoint = 0');
    writer.sqlite.prepare("INSERT OR REPLACE INTO catalog_settings (key, value) VALUES ('marker', 'in the wal')").run();
    // What a kill -9 leaves where the -shm is gone: the database and its -wal, which only a writer may replay.
    const copy = join(tempDir(), 'catalog.db');
    copyFileSync(file, copy);
    copyFileSync(`${file}-wal`, `${copy}-wal`);
    const read = await runCli(['query', "select value from catalog_settings where key = 'marker'", '--csv', '--db', copy]);
    assert.equal(read.code, 0, read.stderr);
    assert.equal(read.stdout, 'value\nin the wal\n');
  } finally {
    await writer.close();
  }
});

test('a catalog file a first ingest left empty (killed before its first migration) is no catalog yet: exit 66 for readers', async () => {
  const file = join(tempDir(), 'catalog.db');
  new BetterSqlite3(file).close();
  const status = await runCli(['status', '--db', file]);
  assert.equal(status.code, 66);
  assert.match(status.stderr, /^kinetics: no catalog at .*catalog\.db yet \(a first ingest stopped before it made one\); run `kinetics ingest`\n$/);
});

test("a writer waits for another program's write to the catalog (it answers the switch to WAL busy at once), then says busy after KINETICS_BUSY_WAIT", async () => {
  const file = join(tempDir(), 'catalog.db');
  await ingestInto(file, sampleBucket);
  // Another program (the sqlite3 shell, Python) writing the catalog between kinetics' runs, in rollback-journal mode.
  const other = new BetterSqlite3(file);
  assert.equal(other.pragma('journal_mode', { simple: true }), 'delete');
  const make = (name: string, wait: string) => spawnCli(['subset', 'create', name, '--version', 'k400', '--db', file], { env: { KINETICS_BUSY_WAIT: wait } });
  other.exec('BEGIN IMMEDIATE');
  const started = performance.now();
  const waiting = make('made-after-the-wait', '20');
  await new Promise((resolve) => setTimeout(resolve, 1500));
  other.exec('COMMIT');
  const made = await waiting;
  assert.equal(made.code, 0, made.stderr);
  assert.ok(performance.now() - started >= 1500);

  other.exec('BEGIN IMMEDIATE');
  const before = performance.now();
  const refused = await make('never-made', '1');
  other.exec('COMMIT');
  other.close();
  assert.equal(refused.code, 75, refused.stderr);
  assert.ok(performance.now() - before >= 1000, 'it waited the second it was given');
  assert.match(refused.stderr, /^kinetics: the catalog .* is busy: .* for more than 1 s/);
  assert.deepEqual(await queryAll(file, "SELECT name FROM subsets WHERE name IN ('made-after-the-wait', 'never-made')"), [{ name: 'made-after-the-wait' }]);
});
