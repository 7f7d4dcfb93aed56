import type { Database } from 'better-sqlite3';

/**
 * The status index's statistics are written, not measured. Sampled from its start, ANALYZE sees one or two of its
 * values and rates each status as rare as a few rows, so the planner read a split's missing clips through it (1.25M
 * rows at full size) instead of the split's label index. Read whole, ANALYZE also keeps samples (sqlite_stat4),
 * with which SQLite costs a full scan of a table lower (where.c: TF_HasStat4) and reads every clip from the table
 * for a join on clip_key, probing the key index at random, instead of both sides in key order (3.7 s against 0.65 s
 * at full size). Told that each status holds an eighth of the clips (there are eight: missing, ok, unchecked,
 * unverified, short, damaged, undecodable, empty), it looks up the damaged, empty or short clips, counts per status
 * from the index alone, and reads a split's missing ones through the split's own index.
 */
const STATUS_INDEX = 'clip_annotations_by_status';
const CLIP_STATUSES = 8;

/**
 * The query planner picks indexes from the row counts ANALYZE records (sqlite_stat1); a catalog that grew by a
 * load or a scan without them plans ad-hoc joins from the wrong side. A sampled ANALYZE (analysis_limit) costs
 * milliseconds where a whole one costs seconds on the full catalog, and its rough counts order joins the same way.
 */
function analyse(db: Database, tables: readonly string[]): void {
  const describesStatus =
    (tables.includes('main') || tables.includes('clip_annotations')) &&
    db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?").get(STATUS_INDEX) !== undefined;
  // One transaction: no other connection, nor a kill, finds the status index with what the sampling gave it.
  db.transaction(() => {
    db.exec(`PRAGMA analysis_limit = 1000; ${tables.map((table) => `ANALYZE ${table};`).join(' ')} PRAGMA analysis_limit = 0`);
    if (describesStatus) describeStatusIndex(db);
  })();
}

/** After the clip indexes were analysed: their row count is the table's, read instead of counted again. */
function describeStatusIndex(db: Database): void {
  const keyIndex = db.prepare("SELECT stat FROM sqlite_stat1 WHERE idx = 'clip_annotations_by_key'").pluck().get() as string | undefined;
  const clips = Number(keyIndex?.split(' ')[0] ?? 0);
  db.prepare("DELETE FROM sqlite_stat1 WHERE tbl = 'clip_annotations' AND idx IS NULL OR idx = ?").run(STATUS_INDEX);
  // Samples a whole ANALYZE run by hand left (see above).
  if (db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat4'").get()) db.prepare("DELETE FROM sqlite_stat4 WHERE tbl = 'clip_annotations'").run();
  if (clips > 0) db.prepare("INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES ('clip_annotations', ?, ?)").run(STATUS_INDEX, `${clips} ${Math.ceil(clips / CLIP_STATUSES)}`);
  db.exec('ANALYZE sqlite_schema'); // this connection plans with them too
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
