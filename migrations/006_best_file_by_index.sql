-- Each clip's best present file is found through an index instead of a table that every scan and fetch had to
-- recompute: `serve_rank` orders a file's status and whether it is a K400 replacement (the scanner writes it),
-- and the index below lists a clip's present files best first.

ALTER TABLE disk_files ADD COLUMN serve_rank INTEGER NOT NULL DEFAULT 0;
UPDATE disk_files
SET serve_rank = 2 * CASE status WHEN 'ok' THEN 0 WHEN 'unchecked' THEN 1 WHEN 'unverified' THEN 2
                                 WHEN 'short' THEN 3 WHEN 'damaged' THEN 4 ELSE 5 END
                 + 1 - is_replacement;

DROP INDEX IF EXISTS disk_files_by_clip_key;
DELETE FROM deferred_indexes WHERE name = 'disk_files_by_clip_key';
CREATE INDEX disk_files_best_first ON disk_files(clip_key, serve_rank, mtime_ms DESC) WHERE status <> 'gone';

-- The file that serves each clip that has one: its best present file (then the newest, then the first recorded).
CREATE VIEW serving_files AS
  SELECT f.clip_key, f.path, f.status, f.duration, f.bytes, f.mtime_ms, f.is_replacement FROM disk_files f
  WHERE f.status <> 'gone' AND f.clip_key IS NOT NULL
    AND f.id = (SELECT g.id FROM disk_files g
                WHERE g.clip_key = f.clip_key AND g.status <> 'gone'
                ORDER BY g.serve_rank, g.mtime_ms DESC, g.id LIMIT 1);

-- The same lookup, driven by the clips: one index probe a clip.
DROP VIEW clips;
DROP TABLE clip_files;
CREATE VIEW clips AS
  SELECT c.version, c.split, c.youtube_id, c.time_start, c.time_end, c.label, c.is_cc, c.clip_key,
         coalesce(f.status, 'missing') AS status, f.path, f.duration
  FROM clip_annotations c
  LEFT JOIN disk_files f
    ON f.id = (SELECT g.id FROM disk_files g
               WHERE g.clip_key = c.clip_key AND g.status <> 'gone'
               ORDER BY g.serve_rank, g.mtime_ms DESC, g.id LIMIT 1);
