import type { Database } from 'better-sqlite3';

/**
 * Clip rows just loaded from a file take the status of the file that serves each (best_files' triggers keep it for
 * every later change). Driven by the files, so a catalog with nothing on disk pays nothing.
 */
export function copyDiskStatuses(db: Database, sourceId: number): void {
  if (!db.prepare('SELECT 1 FROM best_files LIMIT 1').get()) return;
  // best_files drives: clip_annotations has no index on source_id, and is far larger.
  db.prepare(
    `UPDATE clip_annotations AS c SET disk_status = b.status, disk_duration = b.duration
     FROM (SELECT clip_key, status, duration FROM best_files) b WHERE b.clip_key = c.clip_key AND c.source_id = ?`,
  ).run(sourceId);
}

/** A first load sets the clip indexes aside, unless files already on disk need them to find their clips. */
export function mayDeferClipIndexes(db: Database): boolean {
  return !db.prepare('SELECT 1 FROM clip_annotations UNION ALL SELECT 1 FROM best_files LIMIT 1').get();
}
