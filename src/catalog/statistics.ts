import type { Database } from 'better-sqlite3';

/**
 * The query planner picks indexes from the row counts ANALYZE records (sqlite_stat1); a catalog that grew by a
 * load or a scan without them plans ad-hoc joins from the wrong side. A sampled ANALYZE (analysis_limit) costs
 * milliseconds where a whole one costs seconds on the full catalog, and its rough counts order joins the same way.
 */
export function refreshAnnotationStatistics(db: Database): void {
  db.exec('PRAGMA analysis_limit = 1000; ANALYZE; PRAGMA analysis_limit = 0');
}

/** Files written by a scan or fetch: sampled statistics once the change is large against what was there. */
export function refreshFileStatistics(db: Database, filesWritten: number): void {
  const hasStatTable = db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").get() !== undefined;
  const stat = hasStatTable ? db.prepare("SELECT stat FROM sqlite_stat1 WHERE tbl = 'disk_files' LIMIT 1").pluck().get() : undefined;
  const knownRows = Number(String(stat ?? '0').split(' ')[0]);
  if (filesWritten < 1000 && filesWritten < knownRows / 10) return;
  db.exec('PRAGMA analysis_limit = 400; ANALYZE disk_files; ANALYZE best_files; PRAGMA analysis_limit = 0');
}
