import type { Database } from 'better-sqlite3';
import { KineticsError } from '../errors.js';
import { BUSY_WAIT_SECONDS } from './catalog-errors.js';
import { THIS_PROCESS, hostOf, mayStillRun, onThisHost, pidOf } from '../util/process-identity.js';
import { refreshAnnotationStatistics } from './statistics.js';
import { catalogNotice } from './catalog-notice.js';

/** What the one-row-per-key triggers (migration 016) and their stand-in say; the stand-in adds `(KEY twice in V S)`. */
export const ONE_ROW_PER_KEY = 'UNIQUE constraint failed: clip_annotations.clip_key, clip_annotations.version, clip_annotations.split';

/** Only the rows it changes: a file loaded again with the indexes rebuilt runs it over every clip with a file. */
const CLIP_STATUSES_FROM_BEST_FILES = `UPDATE clip_annotations AS c SET disk_status = b.status, disk_duration = b.duration
  FROM best_files b WHERE b.clip_key = c.clip_key AND (c.disk_status IS NOT b.status OR c.disk_duration IS NOT b.duration)`;

/**
 * What a table's triggers do row by row, done at once when its indexes are rebuilt, before the triggers come back;
 * the triggers are set aside with the indexes only where such a statement stands in for them. For disk_files:
 * best_files refilled, then the statuses it gives the clips (one UPDATE costs a third less than a trigger run per
 * file); disk_files' indexes are set aside only while it is empty, so it is filled from scratch, best rows first, as
 * disk_files_best_first orders them, so that the first row of a clip is the one that serves it. For
 * clip_annotations: one row per (clip_key, version, split), checked once (RAISE() stands only in triggers: a
 * temporary table's trigger refuses the first key found twice); then the statuses the files on disk give the clips
 * loaded (with the indexes live a load copies them file by file).
 */
const TRIGGER_STAND_INS: Record<string, { name: string; sql: string; triggersOf: string; sorts?: true }[]> = {
  disk_files: [
    {
      name: 'best_files (refill)',
      triggersOf: 'best_files',
      sorts: true,
      sql: `INSERT INTO best_files
            SELECT clip_key, id, serve_rank, mtime_ms, status, duration, bytes, is_replacement
            FROM disk_files NOT INDEXED WHERE status <> 'gone' AND clip_key IS NOT NULL
            ORDER BY clip_key, serve_rank, mtime_ms DESC, id
            ON CONFLICT (clip_key) DO NOTHING`,
    },
    { name: 'clip statuses (from best_files)', triggersOf: 'best_files', sql: CLIP_STATUSES_FROM_BEST_FILES },
  ],
  clip_annotations: [
    {
      name: 'clip_annotations (one row per key)',
      triggersOf: 'clip_annotations',
      sql: `CREATE TEMP TABLE clip_keys_listed_twice (clip_key TEXT, version TEXT, split TEXT);
            CREATE TEMP TRIGGER clip_keys_listed_twice_refused BEFORE INSERT ON clip_keys_listed_twice
            BEGIN
              SELECT RAISE(ABORT, '${ONE_ROW_PER_KEY} (' ||
                NEW.clip_key || ' twice in ' || NEW.version || ' ' || NEW.split || ')');
            END;
            INSERT INTO clip_keys_listed_twice
            SELECT clip_key, version, split FROM clip_annotations GROUP BY clip_key, version, split HAVING count(*) > 1 LIMIT 1;
            DROP TABLE clip_keys_listed_twice`,
    },
    { name: 'clip statuses (of the clips loaded)', triggersOf: 'clip_annotations', sql: CLIP_STATUSES_FROM_BEST_FILES },
  ],
};

/**
 * A bulk load into an empty (or nearly empty) table runs several times faster without its secondary indexes, and
 * without triggers run for every row. Their definitions are kept in `deferred_indexes` in the same transaction that
 * drops them, with the process loading, so that an interrupted load (even kill -9) gets them back the next time the
 * catalog is opened (see Catalog.open), while a load still running is left to rebuild them itself. They come back
 * in the order they were set aside: indexes, what stands in for the triggers (it reads through them), triggers.
 * Whether the load starts from scratch (`fromScratch`: the table empty, or as good as) is asked inside that
 * transaction: of two processes starting at once, only the first sets them aside, and none does while another load
 * has set its own aside. Returns how many indexes were set aside.
 */
export function deferIndexesIf(db: Database, table: string, fromScratch: () => boolean): number {
  const giveUpAt = Date.now() + BUSY_WAIT_SECONDS * 1000;
  for (;;) {
    waitWhileLoadingElsewhere(db, giveUpAt);
    const setAsideIndexes = db
      .transaction(() => {
        if (isLoadingElsewhere(db)) return undefined; // begun since: wait for it too
        // From scratch, and not being loaded already (by this process, or one that is gone and left them to be rebuilt).
        if (!fromScratch() || hasDeferredIndexes(db)) return 0;
        db.prepare("INSERT OR REPLACE INTO catalog_settings (key, value) VALUES ('deferred_by', ?), ('deferred_table', ?)").run(THIS_PROCESS, table);
        const keep = db.prepare('INSERT OR REPLACE INTO deferred_indexes (name, sql) VALUES (?, ?)');
        const { indexes, entries } = setAside(db, table);
        for (const entry of entries) keep.run(entry.name, entry.sql);
        return indexes;
      })
      .immediate();
    if (setAsideIndexes !== undefined) return setAsideIndexes;
  }
}

/**
 * Drops a table's indexes and the triggers a stand-in replaces; returns them with the stand-ins, in the order they
 * come back: indexes, what stands in for the triggers (it reads through them), triggers.
 */
function setAside(db: Database, table: string): { indexes: number; entries: { name: string; sql: string }[] } {
  const standIns = TRIGGER_STAND_INS[table] ?? [];
  const definitions = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = ? AND tbl_name = ? AND sql IS NOT NULL");
  const indexes = definitions.all('index', table) as { name: string; sql: string }[];
  // Triggers only where a statement stands in for them.
  const triggerTables = standIns.length > 0 ? [...new Set([table, ...standIns.map((entry) => entry.triggersOf)])] : [];
  const triggers = triggerTables.flatMap((name) => definitions.all('trigger', name) as { name: string; sql: string }[]);
  for (const index of indexes) db.exec(`DROP INDEX "${index.name}"`);
  for (const trigger of triggers) db.exec(`DROP TRIGGER "${trigger.name}"`);
  return { indexes: indexes.length, entries: [...indexes, ...standIns, ...triggers] };
}

/**
 * Inside the caller's transaction, for a load that replaces much of a table: its indexes and triggers dropped, and
 * what puts them back (rebuilt, the stand-ins run) returned. A rollback takes the drops back with everything else,
 * so nothing is recorded aside.
 */
export function dropIndexesForReload(db: Database, table: string): () => void {
  const { entries } = setAside(db, table);
  return () => {
    for (const entry of entries) putBack(db, entry);
  };
}

function hasDeferredIndexes(db: Database): boolean {
  return Boolean(
    db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'deferred_indexes'").get() &&
      db.prepare('SELECT 1 FROM deferred_indexes LIMIT 1').get(),
  );
}

/** Indexes set aside by another process's load that is still running (it puts them back itself). */
export function isLoadingElsewhere(db: Database): boolean {
  return hasDeferredIndexes(db) && !hasAbandonedIndexes(db);
}

/**
 * A writer waits for another process's bulk load (indexes aside) to end, as for any other writer (KINETICS_BUSY_WAIT): with the
 * indexes set aside, each row it wrote would look through the whole table for its clip (a scan started during a
 * first ingest recorded 10,000 files in 11 minutes, and held the catalog until the ingest gave up). Then 75.
 * Returns whether it waited.
 */
export function waitWhileLoadingElsewhere(db: Database, giveUpAt = Date.now() + BUSY_WAIT_SECONDS * 1000): boolean {
  let waited = false;
  while (isLoadingElsewhere(db)) {
    if (Date.now() >= giveUpAt) throw loadingElsewhere(db, `, for more than ${BUSY_WAIT_SECONDS} s`);
    if (!waited) catalogNotice(`waiting for another process (${describeLoader(db)}) to finish a bulk load of ${db.name} (up to ${BUSY_WAIT_SECONDS} s, KINETICS_BUSY_WAIT)`);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
    waited = true;
  }
  return waited;
}

/**
 * A reader of a catalog another process is bulk-loading (its indexes aside) hears that its answers are partial; so
 * does one that finds a killed load's indexes aside and cannot write the catalog to put them back (a read-only disk).
 */
export function noticePartialAnswers(db: Database): void {
  if (isLoadingElsewhere(db)) {
    catalogNotice(`another process (${describeLoader(db)}) is bulk-loading ${db.name}: answers cover what it has loaded so far`);
  } else if (hasAbandonedIndexes(db)) {
    catalogNotice(
      `a bulk load of ${db.name} (${describeLoader(db)}) was interrupted, and could not be finished from here (the catalog is read-only here, or busy): ` +
        'answers cover what it had loaded, and clip statuses may be out of date; any command that can write the catalog finishes it',
    );
  }
}

/** The condition of a catalog another process is bulk-loading, for the one that cannot go on. */
export function loadingElsewhere(db: Database, detail = ''): KineticsError {
  return new KineticsError(
    `the catalog ${db.name} is being bulk-loaded by another process (${describeLoader(db)})${detail}; ` +
      'run this again when it has finished',
    75,
  );
}

function describeLoader(db: Database): string {
  const loader = loaderOf(db);
  const host = hostOf(loader);
  return `pid ${pidOf(loader)}${host === undefined ? '' : ` on ${host}`}`;
}

const loaderOf = (db: Database) => String(db.prepare("SELECT value FROM catalog_settings WHERE key = 'deferred_by'").pluck().get() ?? '');

/** Indexes (of `table`, when given) set aside by a load this process runs (or has taken over). */
export function isLoadingHere(db: Database, table?: string): boolean {
  return hasDeferredIndexes(db) && loaderOf(db) === THIS_PROCESS && (table === undefined || deferredTableOf(db) === table);
}

const deferredTableOf = (db: Database) => db.prepare("SELECT value FROM catalog_settings WHERE key = 'deferred_table'").pluck().get();

/** Indexes set aside by a load that is no longer running, or by this process (which puts them back itself). */
export function hasAbandonedIndexes(db: Database): boolean {
  if (!hasDeferredIndexes(db)) return false;
  const loader = loaderOf(db);
  // This process's id on this host: its own load, or one of an earlier process that had the id.
  return (pidOf(loader) === process.pid && onThisHost(loader)) || !mayStillRun(loader);
}

/**
 * A load of `table` that finds what an earlier load of the same table set aside, that load gone (killed), carries
 * it on: it takes the set-aside indexes over and puts them back when it ends, as its own. Rebuilt first instead, the
 * rest of the load would go in with them live, row by row (the rest of a first ingest killed half-way: 40 s, against
 * ~10 s carried on). Returns whether it took them over; a deferral an older build recorded, with no table, is not.
 */
export function takeOverAbandonedLoad(db: Database, table: string): boolean {
  return db
    .transaction(() => {
      if (!hasAbandonedIndexes(db) || deferredTableOf(db) !== table) return false;
      db.prepare("UPDATE catalog_settings SET value = ? WHERE key = 'deferred_by'").run(THIS_PROCESS);
      return true;
    })
    .immediate();
}

export function rebuildDeferredIndexes(db: Database): number {
  if (!hasDeferredIndexes(db)) return 0;
  // In the order they were set aside: what stands in for the triggers comes after the indexes it reads through, and
  // before the triggers that would otherwise run for each row. Each index is kept once built; the stand-ins and the
  // triggers go in together, so that no other process writes a row between them that no trigger sees.
  const deferred = db.prepare('SELECT name, sql FROM deferred_indexes ORDER BY rowid').all() as { name: string; sql: string }[];
  for (const index of deferred.filter(isIndex)) restore(db, [index]);
  try {
    restore(db, deferred.filter((entry) => !isIndex(entry)));
  } catch (error) {
    throw keyListedTwice(db, error) ?? error;
  }
  // Statistics for the planner: a load that stopped before its own ANALYZE (a kill, a full disk) leaves none.
  if (deferred.length > 0) refreshAnnotationStatistics(db);
  return deferred.length;
}

/**
 * What the one-row-per-key check refused, as one line: which key, and the way out (an ingest from a source that
 * lists it once takes the load over and loads that file again; until then every command stops here).
 */
function keyListedTwice(db: Database, error: unknown): KineticsError | undefined {
  const listed = /\((\S+ twice in \S+ \S+)\)$/.exec((error as { code?: string; message?: string }).message ?? '');
  if ((error as { code?: string }).code !== 'SQLITE_CONSTRAINT_TRIGGER' || !listed) return undefined;
  return new KineticsError(
    `the catalog ${db.name} cannot put its clip indexes back: a load left ${listed[1]} (one row per clip key, version and split); ` +
      'delete one of its rows by hand, or run kinetics ingest again once the file that listed it has changed',
    65,
  );
}

function restore(db: Database, entries: { name: string; sql: string }[]): void {
  db.transaction(() => {
    // An ingest took the load over since the list was read: it puts them back itself, after loading without them.
    if (isLoadingElsewhere(db)) return;
    for (const entry of entries) {
      // Another process may have put it back since the list was read.
      if (db.prepare('DELETE FROM deferred_indexes WHERE name = ?').run(entry.name).changes === 0) continue;
      if (!db.prepare('SELECT 1 FROM sqlite_master WHERE name = ?').get(entry.name)) putBack(db, entry);
    }
    if (!db.prepare('SELECT 1 FROM deferred_indexes LIMIT 1').get()) db.prepare("DELETE FROM catalog_settings WHERE key IN ('deferred_by', 'deferred_table')").run();
  }).immediate();
}

const isIndex = (entry: { sql: string }) => /^CREATE\s+(UNIQUE\s+)?INDEX/i.test(entry.sql);

/** By their statement: one an older build set aside (the refill and the clip statuses in one) runs as it was. */
const SORTING_STAND_INS = new Set(Object.values(TRIGGER_STAND_INS).flatMap((standIns) => standIns.filter((entry) => entry.sorts).map((entry) => entry.sql)));

/**
 * For a unique index a load went without, what drops the rows it wrote twice, run only if the index cannot be built.
 * A walk lists each path once, but two names that are not UTF-8 read the same (each bad byte becomes U+FFFD): the
 * later row stays, as the upsert that merged them before left their later record.
 */
const DUPLICATES_DROPPED: Record<string, string> = {
  disk_files_by_path: 'DELETE FROM disk_files WHERE id NOT IN (SELECT max(id) FROM disk_files GROUP BY path)',
};

/** Runs what was set aside: what sorts a whole table (an index, a refill in order) sorts it in parallel. */
function putBack(db: Database, entry: { name: string; sql: string }): void {
  if (isIndex(entry)) sortingInParallel(db, () => buildIndex(db, entry));
  else if (SORTING_STAND_INS.has(entry.sql)) sortingInParallel(db, () => db.exec(entry.sql));
  else db.exec(entry.sql);
}

function buildIndex(db: Database, entry: { name: string; sql: string }): void {
  try {
    db.exec(entry.sql);
  } catch (error) {
    const dropDuplicates = DUPLICATES_DROPPED[entry.name];
    if ((error as { code?: string }).code !== 'SQLITE_CONSTRAINT_UNIQUE' || dropDuplicates === undefined) throw error;
    db.exec(dropDuplicates);
    db.exec(entry.sql);
  }
}

/**
 * SQLite sorts with its helper threads (PRAGMA threads) only what outgrows one in-memory run, whose size is the page
 * cache's, and only with temporary files: with the catalog's 256 MiB cache an index over every clip was one run,
 * sorted on one core. With 4 MiB runs, sorted and merged by the helpers, the three clip indexes of a first load take
 * 3.0–3.4 s instead of 5.7–5.9 s at full size. Only around the sort: a small cache would write out the pages a load
 * has changed and read them back.
 */
const SORT_RUN_CACHE_SIZE = -4096;

function sortingInParallel(db: Database, sort: () => void): void {
  const cacheSize = db.pragma('cache_size', { simple: true }) as number;
  db.pragma(`cache_size = ${SORT_RUN_CACHE_SIZE}`);
  try {
    sort();
  } finally {
    db.pragma(`cache_size = ${cacheSize}`);
  }
}
