import type { Database } from 'better-sqlite3';

/** Present files ranked for a clip: a better status first, then a K400 replacement, then the newest. */
const BEST_FIRST = `CASE status WHEN 'ok' THEN 0 WHEN 'unchecked' THEN 1 WHEN 'unverified' THEN 2
                   WHEN 'short' THEN 3 WHEN 'damaged' THEN 4 ELSE 5 END, is_replacement DESC, mtime_ms DESC, id`;

/** Past this many clips, choosing every clip's file again is cheaper than naming the clips. */
const FULL_REFRESH_KEYS = 20_000;

/** Re-chooses the best file of each of these clips (all clips when `clipKeys` is undefined). */
export function refreshClipFiles(db: Database, clipKeys?: Set<string>): void {
  const keys = clipKeys === undefined || clipKeys.size > FULL_REFRESH_KEYS ? undefined : JSON.stringify([...clipKeys]);
  const only = keys === undefined ? '' : 'AND clip_key IN (SELECT value FROM json_each(@keys))';
  db.prepare(`DELETE FROM clip_files WHERE 1 ${only}`).run(keys === undefined ? {} : { keys });
  db.prepare(
    `INSERT INTO clip_files (clip_key, file_id)
     SELECT clip_key, id FROM (
       SELECT clip_key, id, row_number() OVER (PARTITION BY clip_key ORDER BY ${BEST_FIRST}) AS rank
       FROM disk_files WHERE status <> 'gone' AND clip_key IS NOT NULL ${only})
     WHERE rank = 1`,
  ).run(keys === undefined ? {} : { keys });
}
