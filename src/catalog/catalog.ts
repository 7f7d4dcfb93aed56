import { existsSync, mkdirSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { createRequire } from 'node:module';
import type { Kysely } from 'kysely';
import { KineticsError } from '../errors.js';
import { BUSY_WAIT_SECONDS, fromDatabaseError } from './catalog-errors.js';
import {
  hasAbandonedIndexes,
  isLoadingElsewhere,
  loadingElsewhere,
  noticePartialAnswers,
  rebuildDeferredIndexes,
  takeOverAbandonedLoad,
  waitWhileLoadingElsewhere,
} from './deferred-indexes.js';
import { sqliteTemporaryFolder } from './temporary-folder.js';
import { type Migration, hasPendingMigrations, loadMigrations, migrate, refuseNewerSchema } from './migrations.js';
import type { CatalogSchema } from './schema.js';

const requireModule = createRequire(import.meta.url);

// Lets a reader open a catalog as `immutable` (a URI parameter) on a read-only disk. The driver reads this once, when
// its first database opens; catalog paths are absolute, so none is taken for a URI by mistake.
process.env.SQLITE_USE_URI ??= '1';

export interface OpenOptions {
  readonly?: boolean;
  /** Refuse (exit 66) rather than create a new, empty catalog: for commands that need one ingested. */
  mustExist?: boolean;
  migrations?: Migration[];
  /**
   * The table this writer loads (an ingest's clip rows): a load of it killed with its indexes set aside is carried on
   * rather than rebuilt first (see takeOverAbandonedLoad). Not a scan's files: it reads each folder's recorded files
   * through the folder index as it walks.
   */
  loads?: 'clip_annotations';
}

/**
 * The catalog database: one better-sqlite3 handle for bulk and synchronous work, and a kysely view of the same
 * handle for typed queries. Opening for writing upgrades an older catalog to the current schema.
 */
export class Catalog {
  private typed: Kysely<CatalogSchema> | undefined;

  private constructor(
    readonly sqlite: BetterSqlite3.Database,
    readonly file: string,
  ) {}

  /** kysely over the same handle; loaded on first use, since importing it costs commands that never use it ~0.2 s. */
  get db(): Kysely<CatalogSchema> {
    if (!this.typed) {
      const { Kysely: TypedDatabase, SqliteDialect } = requireModule('kysely') as typeof import('kysely');
      this.typed = new TypedDatabase<CatalogSchema>({ dialect: new SqliteDialect({ database: this.sqlite }) });
    }
    return this.typed;
  }

  static open(file: string, options: OpenOptions = {}): Catalog {
    if (existsSync(file) && statSync(file).isDirectory()) {
      throw new KineticsError(`${file} is a folder, not a catalog file; point --db at a file (or --home at its folder)`, 66);
    }
    if ((options.readonly || options.mustExist) && !existsSync(file)) {
      throw new KineticsError(`no catalog at ${file}; run \`kinetics ingest\` first (or pass --home / --db)`, 66);
    }
    if (options.readonly) {
      const migrations = options.migrations ?? loadMigrations();
      const readable = openForReading(file);
      let sqlite = readable.sqlite;
      try {
        if (!readable.immutable) refuseOtherDatabases(sqlite, file);
        refuseNewerSchema(sqlite, migrations, file);
      } catch (error) {
        sqlite.close();
        throw error;
      }
      if (readable.immutable) {
        noticePartialAnswers(sqlite);
        return new Catalog(forReading(sqlite), file);
      }
      const upgrade = hasAbandonedIndexes(sqlite) || hasPendingMigrations(sqlite, migrations);
      const walLeftBehind = existsSync(`${file}-wal`);
      if (upgrade || walLeftBehind) {
        // Reopened afterwards, so that no statement is planned on the older schema.
        sqlite.close();
        if (upgrade) upgradeForReaders(file, migrations);
        else returnToRollbackJournal(file);
        sqlite = new BetterSqlite3(file, { readonly: true, fileMustExist: true, timeout: BUSY_WAIT_SECONDS * 1000 });
      }
      sqlite.pragma('query_only = ON');
      noticePartialAnswers(sqlite);
      return new Catalog(forReading(sqlite), file);
    }
    mkdirSync(dirname(file), { recursive: true });
    const existing = existsSync(file) && statSync(file).size > 0;
    let sqlite: BetterSqlite3.Database | undefined;
    try {
      // Waits for readers (a long query holds the file while it is not in WAL mode yet) before giving up.
      sqlite = new BetterSqlite3(file, { timeout: BUSY_WAIT_SECONDS * 1000 });
      withLargeCache(sqlite);
      // Sorting on helper threads needs temporary files; with nowhere to write them, in memory on one core.
      if (sqliteTemporaryFolder() === undefined) sqlite.pragma('temp_store = MEMORY');
      // Another SQLite file is never turned into a catalog (one with no table yet, as a killed first open leaves, is).
      if (existing) refuseOtherDatabases(sqlite, file, { allowEmpty: true });
      refuseNewerSchema(sqlite, options.migrations ?? loadMigrations(), file);
      // A new catalog is made of 16 KiB pages (set before WAL mode, which fixes the size): a first scan of 200k files
      // took 3.4–3.7 s instead of 4.2–4.4 s with SQLite's 4 KiB, a quarter as many pages written to the WAL and
      // copied back. A catalog made before keeps its pages.
      if (!existing) sqlite.pragma(`page_size = ${PAGE_SIZE}`);
      // Waits, as every statement does, for another program's write (the sqlite3 shell, Python) to end.
      setJournalMode(sqlite, 'WAL', BUSY_WAIT_SECONDS * 1000);
      sqlite.pragma('synchronous = NORMAL');
      const opened = statSync(file).ino;
      if (waitWhileLoadingElsewhere(sqlite) && (!existsSync(file) || statSync(file).ino !== opened)) {
        // The load ended by removing a catalog it left empty (a source it could not reach): this one is gone too.
        sqlite.close();
        return Catalog.open(file, options);
      }
      // What an interrupted load set aside comes back first: its definitions are of the schema before migrating.
      const migrations = options.migrations ?? loadMigrations();
      const carriesOn = options.loads !== undefined && !hasPendingMigrations(sqlite, migrations) && takeOverAbandonedLoad(sqlite, options.loads);
      if (!carriesOn && hasAbandonedIndexes(sqlite)) rebuildDeferredIndexes(sqlite);
      // A load begun meanwhile by an older build: not migrated under it.
      migrateUnlessLoadingElsewhere(sqlite, migrations);
      return new Catalog(sqlite, file);
    } catch (error) {
      sqlite?.close();
      throw fromDatabaseError(error, file) ?? error;
    }
  }

  /** Whether anything was ever ingested or recorded from disk. */
  holdsFiles(): boolean {
    return this.sqlite.prepare('SELECT 1 FROM source_files UNION ALL SELECT 1 FROM disk_files LIMIT 1').get() !== undefined;
  }

  /** True when the catalog holds no file of any kind and no other connection is using it (asked without waiting). */
  isEmptyAndUnshared(): boolean {
    const timeout = this.sqlite.pragma('busy_timeout', { simple: true });
    try {
      this.sqlite.pragma('busy_timeout = 0');
      this.sqlite.exec('BEGIN EXCLUSIVE');
      try {
        return !this.holdsFiles();
      } finally {
        this.sqlite.exec('ROLLBACK');
      }
    } catch {
      return false;
    } finally {
      this.sqlite.pragma(`busy_timeout = ${Number(timeout)}`);
    }
  }

  /** Runs `body` in one transaction that spans awaits; the handle is not shared across concurrent work. */
  async transaction<T>(body: () => Promise<T>): Promise<T> {
    this.sqlite.exec('BEGIN IMMEDIATE');
    try {
      const result = await body();
      this.sqlite.exec('COMMIT');
      return result;
    } catch (error) {
      if (this.sqlite.inTransaction) this.sqlite.exec('ROLLBACK');
      throw error;
    }
  }

  async close(): Promise<void> {
    if (this.sqlite.open && !this.sqlite.readonly) {
      // WAL lets readers run beside a writer; between runs, rollback-journal mode lets a read-only open create no
      // -wal/-shm files. Another open connection keeps WAL on, which is fine.
      try {
        this.sqlite.pragma('wal_checkpoint(TRUNCATE)');
        setJournalMode(this.sqlite, 'DELETE', CLOSING_WAIT_MS);
      } catch {
        /* busy: another connection still uses the catalog */
      }
    }
    await this.typed?.destroy();
    if (this.sqlite.open) this.sqlite.close();
  }
}

export const PAGE_SIZE = 16384;

/**
 * Every command starts with a cold page cache of its own, and a query over 1.5M clips reads the whole table: pages
 * mapped from the file instead of read() one by one take half the time on a first read.
 */
function withLargeCache(sqlite: BetterSqlite3.Database): BetterSqlite3.Database {
  sqlite.pragma('cache_size = -262144');
  sqlite.pragma('mmap_size = 1073741824');
  // Sorts larger than a run of the cache use helper threads, which SQLite gives no sort while temporary storage is
  // in memory: a writer keeps SQLite's default, temporary files (see sortingInParallel).
  sqlite.pragma(`threads = ${availableParallelism()}`);
  return sqlite;
}

/**
 * A reader builds no index: its temporary tables and sorts stay in memory, as they did, so that a large query needs
 * no writable temporary folder (a read-only container, a sandbox).
 */
function forReading(sqlite: BetterSqlite3.Database): BetterSqlite3.Database {
  withLargeCache(sqlite).pragma('temp_store = MEMORY');
  return sqlite;
}

/**
 * A catalog in WAL mode can be read only where its -shm file can be made or opened. On a read-only disk without one
 * (a writer that ended in WAL mode while another process read; a copy of such a catalog) it is read as immutable:
 * with no locks, as of its last checkpoint, which is all a -wal file that no writer may ever replay leaves to read.
 */
function openForReading(file: string, recovered = false): { sqlite: BetterSqlite3.Database; immutable: boolean } {
  // As long as a writer waits (a writer between runs holds readers off while it commits), which the busy line says.
  const sqlite = new BetterSqlite3(file, { readonly: true, fileMustExist: true, timeout: BUSY_WAIT_SECONDS * 1000 });
  try {
    sqlite.prepare('SELECT 1 FROM sqlite_master LIMIT 1').get();
    return { sqlite, immutable: false };
  } catch (error) {
    const code = (error as { code?: string }).code ?? '';
    // A writer killed mid-write (kill -9) can leave a WAL index or journal that only a writer may recover: one is
    // opened for a moment to do it, then the catalog is read as usual.
    if (!recovered && /^SQLITE_READONLY_(RECOVERY|ROLLBACK|CANTINIT)/.test(code)) {
      sqlite.close();
      recoverAsWriter(file);
      return openForReading(file, true);
    }
    // Any other error (not a database at all, say) is for refuseOtherDatabases to put in words.
    if (code !== 'SQLITE_CANTOPEN') return { sqlite, immutable: false };
    sqlite.close();
  }
  const immutable = new BetterSqlite3(`file:${file.replace(/[%?#]/g, (c) => `%${c.charCodeAt(0).toString(16)}`)}?immutable=1`, { readonly: true, fileMustExist: true });
  refuseOtherDatabases(immutable, file);
  immutable.pragma('query_only = ON');
  return { sqlite: immutable, immutable: true };
}

/** How long a closing writer waits for a connection that reads a moment longer before it leaves WAL mode on. */
const CLOSING_WAIT_MS = 1000;

/**
 * Sets the journal mode, waiting up to `waitMs` for other connections to let go: SQLite answers this pragma busy at
 * once, without the busy handler that makes every other statement wait.
 */
function setJournalMode(sqlite: BetterSqlite3.Database, mode: 'WAL' | 'DELETE', waitMs: number): void {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      sqlite.pragma(`journal_mode = ${mode}`);
      return;
    } catch (error) {
      if (!String((error as { code?: unknown }).code).startsWith('SQLITE_BUSY') || Date.now() >= deadline) throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
    }
  }
}

/** Opens the catalog as a writer for a moment, which recovers what a killed writer left (where this user may write). */
function recoverAsWriter(file: string): void {
  try {
    const writer = new BetterSqlite3(file, { fileMustExist: true, timeout: BUSY_WAIT_SECONDS * 1000 });
    try {
      writer.prepare('SELECT 1 FROM sqlite_master LIMIT 1').get();
    } finally {
      writer.close();
    }
  } catch {
    /* not ours to write: the second read says what is wrong */
  }
}

/**
 * Migrations wait while another process's bulk load has indexes and triggers set aside: their definitions are of
 * the schema before migrating, and that load puts them back when it ends.
 */
function migrateUnlessLoadingElsewhere(sqlite: BetterSqlite3.Database, migrations: Migration[]): void {
  if (hasPendingMigrations(sqlite, migrations) && isLoadingElsewhere(sqlite)) throw loadingElsewhere(sqlite, ' (an older build)');
  migrate(sqlite, migrations);
}

/**
 * A catalog made by an older build is upgraded by its first reader as by a writer. A first scan or ingest sets
 * indexes aside while it loads; one that was interrupted would leave a reader's clips view to look through every
 * file for every clip. Either costs seconds once. A catalog this process may not write to is read as it is.
 */
function upgradeForReaders(file: string, migrations: Migration[]): void {
  let writer: BetterSqlite3.Database | undefined;
  try {
    writer = withLargeCache(new BetterSqlite3(file, { fileMustExist: true }));
    writer.pragma('busy_timeout = 5000');
    if (hasAbandonedIndexes(writer)) rebuildDeferredIndexes(writer);
    migrateUnlessLoadingElsewhere(writer, migrations);
  } catch (error) {
    // A read-only file system, no permission, or a writer holding the catalog: read it as it is.
    const code = (error as { code?: string }).code ?? '';
    if (!/^(SQLITE_READONLY|SQLITE_CANTOPEN|SQLITE_BUSY|SQLITE_PERM|SQLITE_AUTH|EACCES|EPERM|EROFS)/.test(code)) throw error;
  } finally {
    writer?.close();
  }
}

/**
 * A writer that ended while another process was reading could not leave WAL mode, and its -wal and -shm files stay
 * (tens of MB after a load). The first reader to find the catalog unshared puts it back in rollback-journal mode,
 * at once or not at all: a catalog in use (a writer running) or not writable by this user is read as it is.
 */
function returnToRollbackJournal(file: string): void {
  let writer: BetterSqlite3.Database | undefined;
  try {
    writer = new BetterSqlite3(file, { fileMustExist: true, timeout: 0 });
    writer.pragma('journal_mode = DELETE');
  } catch {
    /* in use, or not ours to write */
  } finally {
    writer?.close();
  }
}

/** A reader never turns another SQLite file (or any other file) into a catalog: it says what the file is not. */
function refuseOtherDatabases(sqlite: BetterSqlite3.Database, file: string, options: { allowEmpty?: boolean } = {}): void {
  let isCatalog = false;
  try {
    const tables = sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[];
    // Many frameworks keep a schema_migrations table (Rails, golang-migrate): the catalog's records each one's sha256.
    const blank = tables.length === 0 && sqlite.pragma('user_version', { simple: true }) === 0;
    const ours = tables.includes('schema_migrations') && sqlite.prepare("SELECT 1 FROM pragma_table_info('schema_migrations') WHERE name = 'sha256'").get() !== undefined;
    isCatalog = ours || (options.allowEmpty === true && blank);
    if (blank && !isCatalog) {
      sqlite.close();
      // What a first ingest killed before its first migration leaves: no catalog yet, not another database.
      throw new KineticsError(`no catalog at ${file} yet (a first ingest stopped before it made one); run \`kinetics ingest\``, 66);
    }
  } catch (error) {
    if (error instanceof KineticsError) throw error;
    if ((error as { code?: string }).code !== 'SQLITE_NOTADB') throw error;
  }
  if (!isCatalog) {
    sqlite.close();
    throw new KineticsError(`${file} is not a kinetics catalog; point --db at one, or run \`kinetics ingest\` to make one`, 65);
  }
}
