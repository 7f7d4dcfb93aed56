import type { Database } from 'better-sqlite3';

/**
 * A bulk load into an empty table runs several times faster without its secondary indexes. Their definitions are
 * kept in `deferred_indexes` in the same transaction that drops them, so an interrupted load (even kill -9)
 * gets them back the next time the catalog is opened, and a reader that opens it while the load runs rebuilds
 * them (see Catalog.open).
 */
export function deferIndexes(db: Database, table: string): number {
  const indexes = db
    .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL")
    .all(table) as { name: string; sql: string }[];
  db.transaction(() => {
    const keep = db.prepare('INSERT OR REPLACE INTO deferred_indexes (name, sql) VALUES (?, ?)');
    for (const index of indexes) {
      keep.run(index.name, index.sql);
      db.exec(`DROP INDEX "${index.name}"`);
    }
  })();
  return indexes.length;
}

export function hasDeferredIndexes(db: Database): boolean {
  return Boolean(
    db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'deferred_indexes'").get() &&
      db.prepare('SELECT 1 FROM deferred_indexes LIMIT 1').get(),
  );
}

export function rebuildDeferredIndexes(db: Database): number {
  if (!hasDeferredIndexes(db)) return 0;
  const deferred = db.prepare('SELECT name, sql FROM deferred_indexes').all() as { name: string; sql: string }[];
  for (const index of deferred) {
    db.transaction(() => {
      const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?").get(index.name);
      if (!exists) db.exec(index.sql);
      db.prepare('DELETE FROM deferred_indexes WHERE name = ?').run(index.name);
    })();
  }
  return deferred.length;
}
