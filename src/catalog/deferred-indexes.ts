import type { Database } from 'better-sqlite3';
import { isProcessRunning } from '../util/process-running.js';

/**
 * Tables the triggers keep from a table's rows, which stand still while its indexes are set aside (they would need
 * them), and are filled set-based when the indexes are rebuilt: best_files, then the statuses it gives the clips
 * (one UPDATE costs a third less than a trigger run per file). Filled from scratch: a table's indexes are set aside
 * only while it is empty.
 */
const DERIVED_TABLES: Record<string, { name: string; sql: string }[]> = {
  disk_files: [
    {
      name: 'best_files (refill)',
      sql: `INSERT OR REPLACE INTO best_files
            SELECT clip_key, id, serve_rank, mtime_ms, status, path, duration, bytes, is_replacement
            FROM (SELECT f.*, row_number() OVER (PARTITION BY clip_key ORDER BY serve_rank, mtime_ms DESC, id) AS place
                  FROM disk_files f WHERE status <> 'gone' AND clip_key IS NOT NULL)
            WHERE place = 1 ORDER BY clip_key;
            UPDATE clip_annotations AS c SET disk_status = b.status, disk_duration = b.duration
            FROM best_files b WHERE b.clip_key = c.clip_key`,
    },
  ],
};

/**
 * A bulk load into an empty table runs several times faster without its secondary indexes. Their definitions are
 * kept in `deferred_indexes` in the same transaction that drops them, with the process loading, so that an
 * interrupted load (even kill -9) gets them back the next time the catalog is opened (see Catalog.open), while a
 * load still running is left to rebuild them itself. The tables derived from it are refilled after them. Whether the
 * load starts empty is asked inside that transaction: of two processes starting at once, only the first sets them
 * aside. Returns how many indexes were set aside.
 */
export function deferIndexesIfEmpty(db: Database, table: string, isEmpty: () => boolean): number {
  return db
    .transaction(() => {
      if (!isEmpty()) return 0;
      const indexes = db
        .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL")
        .all(table) as { name: string; sql: string }[];
      db.prepare("INSERT OR REPLACE INTO catalog_settings (key, value) VALUES ('deferred_by', ?)").run(String(process.pid));
      const keep = db.prepare('INSERT OR REPLACE INTO deferred_indexes (name, sql) VALUES (?, ?)');
      for (const index of indexes) {
        keep.run(index.name, index.sql);
        db.exec(`DROP INDEX "${index.name}"`);
      }
      for (const derived of DERIVED_TABLES[table] ?? []) keep.run(derived.name, derived.sql);
      return indexes.length;
    })
    .immediate();
}

function hasDeferredIndexes(db: Database): boolean {
  return Boolean(
    db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'deferred_indexes'").get() &&
      db.prepare('SELECT 1 FROM deferred_indexes LIMIT 1').get(),
  );
}

/** Indexes set aside by a load that is no longer running (another process's that is, it rebuilds itself). */
export function hasAbandonedIndexes(db: Database): boolean {
  if (!hasDeferredIndexes(db)) return false;
  const pid = Number(db.prepare("SELECT value FROM catalog_settings WHERE key = 'deferred_by'").pluck().get());
  return pid === process.pid || !isProcessRunning(pid);
}

export function rebuildDeferredIndexes(db: Database): number {
  if (!hasDeferredIndexes(db)) return 0;
  // In the order they were set aside: a derived table's refill comes after the indexes it reads through.
  const deferred = db.prepare('SELECT name, sql FROM deferred_indexes ORDER BY rowid').all() as { name: string; sql: string }[];
  for (const index of deferred) {
    db.transaction(() => {
      const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?").get(index.name);
      if (!exists) db.exec(index.sql);
      db.prepare('DELETE FROM deferred_indexes WHERE name = ?').run(index.name);
      if (!db.prepare('SELECT 1 FROM deferred_indexes LIMIT 1').get()) db.prepare("DELETE FROM catalog_settings WHERE key = 'deferred_by'").run();
    }).immediate();
  }
  return deferred.length;
}
