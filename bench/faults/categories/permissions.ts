/**
 * A catalog that cannot be written: `chattr +i` on the catalog file or on its folder, the home seen through a
 * read-only bind mount, a catalog left in WAL mode copied to a read-only disk; `--db` at a file that is no catalog
 * or at a folder; a mistyped --home.
 *
 * README: a catalog file or folder this user cannot write is exit 77 with one line (nothing written), and reading it
 * still works; a catalog in WAL mode on a read-only disk is still read (as of its last checkpoint); a --db that is
 * another SQLite database or no database at all is 65 and never changed; a --db that is a folder is 66; every
 * command but ingest, demo and scan DIR refuses to start a catalog, so a mistyped --home creates nothing (66).
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { minimalMp4 } from '../../../src/util/mp4-fixture.js';
import { dirFetchHome, sampleBucket, useBucketCopy, useTemplate } from '../fixtures.js';
import {
  type CliRun,
  type Try,
  type TryContext,
  bindReadOnly,
  expectExit,
  expectIntegrity,
  expectOneErrorLine,
  expectSameDigest,
  listTree,
  makeImmutable,
  rawDigest,
  sha256File,
} from '../lib.js';

/** A command on the try's catalog: prepared (before the catalog is locked down), then run with --home HOME. */
interface Command {
  name: string;
  writes: boolean;
  prepare(t: TryContext): Promise<(home: string) => string[]>;
}

const COMMANDS: Command[] = [
  {
    name: 'ingest of a changed file',
    writes: true,
    async prepare(t) {
      const bucket = await useBucketCopy(t);
      await dirFetchHome(t, bucket);
      const file = join(bucket, '400/annotations/val.csv');
      writeFileSync(file, readFileSync(file, 'utf8').split('\n').slice(0, -10).join('\n'));
      return (home) => ['ingest', '--source', bucket, '--versions', 'k400', '--no-downstream', '--home', home];
    },
  },
  { name: 'subset create', writes: true, prepare: async (t) => (await useTemplate(t), (home) => ['subset', 'create', 'new', '--version', 'k600', '--split', 'val', '--home', home]) },
  { name: 'subset drop', writes: true, prepare: async (t) => (await useTemplate(t), (home) => ['subset', 'drop', 'kv', '--home', home]) },
  {
    name: 'scan DIR',
    writes: true,
    async prepare(t) {
      await useTemplate(t);
      const dir = t.path('clips');
      writeFileSync(join(dir, 'zzzzzzzzzzz_000000_000010.mp4'), minimalMp4(10));
      return (home) => ['scan', '--verify', dir, '--home', home];
    },
  },
  { name: 'fetch', writes: true, prepare: async (t) => (await dirFetchHome(t), (home) => ['fetch', 'kv', '--home', home]) },
  { name: 'query', writes: false, prepare: async (t) => (await useTemplate(t), (home) => ['query', '--home', home, 'SELECT count(*) AS n FROM clips']) },
  { name: 'status', writes: false, prepare: async (t) => (await useTemplate(t), (home) => ['status', '--home', home]) },
];

/** A writer: 77, one line, the catalog as it was. A reader: 0. Either way home holds what it held. */
function expectRefusedOrRead(t: TryContext, command: Command, run: CliRun, before: { digest: Map<string, string>; entries: string }): void {
  if (command.writes) {
    if (expectExit(t, run, 77)) expectOneErrorLine(t, run, /cannot write|read-only|permission/i);
  } else {
    expectExit(t, run, 0);
  }
  expectSameDigest(t, rawDigest(t.db), before.digest, 'the catalog (every table, every row)');
  const entries = listTree(t.home).map((entry) => entry.path).sort().join();
  t.check(entries === before.entries, `home holds other entries: ${entries}`);
  expectIntegrity(t, t.db);
}

type Lock = 'chattr +i on catalog.db' | 'chattr +i on the home folder' | 'a read-only bind mount of home';

function lockedTry(lock: Lock, command: Command): Try {
  return {
    name: `permissions: ${command.name} with ${lock}`,
    category: 'permissions',
    async run(t) {
      const args = await command.prepare(t);
      const before = { digest: rawDigest(t.db), entries: listTree(t.home).map((entry) => entry.path).sort().join() };
      let home = t.home;
      if (lock === 'chattr +i on catalog.db') makeImmutable(t, t.db);
      if (lock === 'chattr +i on the home folder') makeImmutable(t, t.home);
      if (lock === 'a read-only bind mount of home') {
        home = t.path('view');
        bindReadOnly(t, t.home, home);
      }
      expectRefusedOrRead(t, command, await t.cli(args(home)), before);
    },
  };
}

/** A catalog in WAL mode (its -wal holding a transaction a writer never checkpointed), copied onto a read-only disk. */
function walOnReadOnlyDiskTry(command: Command): Try {
  return {
    name: `permissions: ${command.name} on a WAL-mode copy of the catalog on a read-only disk`,
    category: 'permissions',
    async run(t) {
      const args = await command.prepare(t);
      const disk = t.path('disk');
      const writer = new Database(t.db);
      try {
        writer.pragma('journal_mode = WAL');
        writer.pragma('wal_autocheckpoint = 0');
        writer.prepare("UPDATE catalog_settings SET value = value WHERE key = 'source'").run();
        copyFileSync(t.db, join(disk, 'catalog.db'));
        copyFileSync(`${t.db}-wal`, join(disk, 'catalog.db-wal'));
      } finally {
        writer.close();
      }
      const view = t.path('view');
      bindReadOnly(t, disk, view);
      const sums = [sha256File(join(view, 'catalog.db')), sha256File(join(view, 'catalog.db-wal'))];
      const run = await t.cli(args(view));
      if (command.writes) {
        if (expectExit(t, run, 77)) expectOneErrorLine(t, run, /cannot write|read-only|permission/i);
      } else expectExit(t, run, 0);
      t.check(sha256File(join(view, 'catalog.db')) === sums[0] && sha256File(join(view, 'catalog.db-wal')) === sums[1], 'the read-only copy changed');
    },
  };
}

// ─── --db at what is no catalog, a mistyped --home ─────────────────────────────────────────────────────────────

type NotACatalog = 'a text file' | "another program's SQLite database" | 'a folder';

const NOT_A_CATALOG_COMMANDS: { name: string; args: (db: string, t: TryContext, source: string) => string[] }[] = [
  { name: 'query', args: (db) => ['query', '--db', db, 'SELECT 1'] },
  { name: 'status', args: (db) => ['status', '--db', db] },
  { name: 'subset create', args: (db) => ['subset', 'create', 'x', '--version', 'k400', '--db', db] },
  { name: 'ingest', args: (db, _t, source) => ['ingest', '--source', source, '--db', db] },
  { name: 'scan DIR', args: (db, t) => ['scan', t.path('empty'), '--db', db] },
];

function notACatalogTry(kind: NotACatalog, command: (typeof NOT_A_CATALOG_COMMANDS)[number]): Try {
  return {
    name: `permissions: ${command.name} with --db at ${kind}`,
    category: 'permissions',
    async run(t) {
      const place = t.path('elsewhere');
      const db = join(place, kind === 'a folder' ? 'folder.db' : 'other.db');
      if (kind === 'a text file') writeFileSync(db, 'name,score\nada,3\n');
      if (kind === "another program's SQLite database") {
        const other = new Database(db);
        other.exec("CREATE TABLE schema_migrations (version TEXT); INSERT INTO schema_migrations VALUES ('20240101'); CREATE TABLE users (name TEXT)");
        other.close();
      }
      if (kind === 'a folder') {
        mkdirSync(db);
        writeFileSync(join(db, 'keep.txt'), 'x');
      }
      const before = listTree(place).map((entry) => `${entry.path}:${entry.bytes}`).join();
      const sum = kind === 'a folder' ? '' : sha256File(db);
      const run = await t.cli(command.args(db, t, await sampleBucket()));
      if (expectExit(t, run, kind === 'a folder' ? 66 : 65)) expectOneErrorLine(t, run);
      t.check(kind === 'a folder' || sha256File(db) === sum, `${db} changed`);
      t.check(listTree(place).map((entry) => `${entry.path}:${entry.bytes}`).join() === before, `files appeared beside ${db}: ${listTree(place).map((entry) => entry.path).join(', ')}`);
    },
  };
}

const MISTYPED_HOME_COMMANDS: ((home: string, t: TryContext) => string[])[] = [
  (home) => ['query', '--home', home, 'SELECT 1'],
  (home) => ['status', '--home', home],
  (home) => ['subset', 'create', 'x', '--version', 'k400', '--home', home],
  (home) => ['plan', 'kv', '--home', home],
  (home) => ['fetch', 'kv', '--home', home],
  (home) => ['scan', '--home', home],
  (home, t) => ['export', 'kv', '--format', 'csv', '--out', join(t.root, 'home', 'out'), '--home', home],
];

function mistypedHomeTry(args: (home: string, t: TryContext) => string[]): Try {
  const words = args('H', { root: '' } as TryContext);
  return {
    name: `permissions: ${words.slice(0, words[0] === 'subset' ? 2 : 1).join(' ')} with a mistyped --home creates nothing`,
    category: 'permissions',
    async run(t) {
      const run = await t.cli(args(t.home, t));
      if (expectExit(t, run, 66)) expectOneErrorLine(t, run, /no catalog/);
      t.check(!existsSync(t.home), `the mistyped home was created: ${listTree(t.home).map((entry) => entry.path).join(', ') || '(empty)'}`);
    },
  };
}

export function permissionTries(): Try[] {
  const locks: Lock[] = ['chattr +i on catalog.db', 'chattr +i on the home folder', 'a read-only bind mount of home'];
  const kinds: NotACatalog[] = ['a text file', "another program's SQLite database", 'a folder'];
  return [
    ...locks.flatMap((lock) => COMMANDS.map((command) => lockedTry(lock, command))),
    ...COMMANDS.filter((command) => ['query', 'status', 'subset create'].includes(command.name)).map(walOnReadOnlyDiskTry),
    ...kinds.flatMap((kind) => NOT_A_CATALOG_COMMANDS.filter((command) => kind !== 'a folder' || command.name !== 'scan DIR').map((command) => notACatalogTry(kind, command))),
    ...MISTYPED_HOME_COMMANDS.map(mistypedHomeTry),
  ];
}
