import type { Database } from 'better-sqlite3';

/**
 * The query planner picks indexes from the row counts ANALYZE records (sqlite_stat1); a catalog that grew by a
 * load or a scan without them plans ad-hoc joins from the wrong side. A sampled ANALYZE (analysis_limit) costs
 * milliseconds where a whole one costs seconds on the full catalog, and its rough counts order joins the same way.
 */
function analyse(db: Database, tables: readonly string[]): void {
  db.exec(`PRAGMA analysis_limit = 1000; ${tables.map((table) => `ANALYZE ${table};`).join(' ')} PRAGMA analysis_limit = 0`);
}

/** disk_files' unique index of paths (migration 018): FileWriter upserts on it, and its row count is the files'. */
export const PATH_INDEX = 'disk_files_by_path';

export function refreshAnnotationStatistics(db: Database): void {
  analyse(db, ['main']);
}

/**
 * After a scan or fetch: the file tables, and the clip statuses their triggers changed, once the files written
 * are at least 1,000 or a tenth of the files the last statistics counted.
 */
export function refreshFileStatistics(db: Database, filesWritten: number): void {
  const hasStatTable = db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").get() !== undefined;
  const stat = hasStatTable ? db.prepare('SELECT stat FROM sqlite_stat1 WHERE idx = ?').pluck().get(PATH_INDEX) : undefined;
  const knownFiles = Number(String(stat ?? '0').split(' ')[0]);
  if (filesWritten < 1000 && filesWritten < knownFiles / 10) return;
  analyse(db, ['disk_files', 'best_files', 'clip_annotations']);
}
