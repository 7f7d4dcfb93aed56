-- best_files no longer copies the serving file's path: the views read it from the file's row by its id, for the rows
-- a question returns. The copy made best_files two thirds the size of disk_files (30 MB for 200k files), and
-- writing it, sorted, ~0.3 s of a 5 s first scan. SQLite cannot drop a primary-key table's column in place: the
-- table is made again with the same rows; dropping it drops its triggers, made again as they were. Views name the
-- table and are not touched by the rename (legacy_alter_table); the two that read the path are made again.
CREATE TABLE best_files_without_path (
  clip_key       TEXT PRIMARY KEY,
  file_id        INTEGER NOT NULL,
  serve_rank     INTEGER NOT NULL,
  mtime_ms       INTEGER NOT NULL,
  status         TEXT NOT NULL,
  duration       REAL,
  bytes          INTEGER NOT NULL,
  is_replacement INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO best_files_without_path
SELECT clip_key, file_id, serve_rank, mtime_ms, status, duration, bytes, is_replacement FROM best_files ORDER BY clip_key;
DROP TABLE best_files;
PRAGMA legacy_alter_table = ON;
ALTER TABLE best_files_without_path RENAME TO best_files;
PRAGMA legacy_alter_table = OFF;

CREATE TRIGGER best_files_status_on_insert AFTER INSERT ON best_files
BEGIN
  UPDATE clip_annotations SET disk_status = NEW.status, disk_duration = NEW.duration WHERE clip_key = NEW.clip_key;
END;

CREATE TRIGGER best_files_status_on_update AFTER UPDATE OF status, duration ON best_files
WHEN OLD.status <> NEW.status OR OLD.duration IS NOT NEW.duration
BEGIN
  UPDATE clip_annotations SET disk_status = NEW.status, disk_duration = NEW.duration WHERE clip_key = NEW.clip_key;
END;

CREATE TRIGGER best_files_status_on_delete AFTER DELETE ON best_files
BEGIN
  UPDATE clip_annotations SET disk_status = 'missing', disk_duration = NULL WHERE clip_key = OLD.clip_key;
END;

-- A file keeps its path while scans and fetches rewrite its row (they upsert on it): its path no longer matters here.
DROP TRIGGER disk_files_best_on_insert;
CREATE TRIGGER disk_files_best_on_insert AFTER INSERT ON disk_files
WHEN NEW.clip_key IS NOT NULL AND NEW.status <> 'gone'
BEGIN
  INSERT INTO best_files (clip_key, file_id, serve_rank, mtime_ms, status, duration, bytes, is_replacement)
  VALUES (NEW.clip_key, NEW.id, NEW.serve_rank, NEW.mtime_ms, NEW.status, NEW.duration, NEW.bytes, NEW.is_replacement)
  ON CONFLICT (clip_key) DO UPDATE SET
    file_id = excluded.file_id, serve_rank = excluded.serve_rank, mtime_ms = excluded.mtime_ms, status = excluded.status,
    duration = excluded.duration, bytes = excluded.bytes, is_replacement = excluded.is_replacement
  WHERE (excluded.serve_rank, -excluded.mtime_ms, excluded.file_id) < (best_files.serve_rank, -best_files.mtime_ms, best_files.file_id);
END;

DROP TRIGGER disk_files_best_on_update;
CREATE TRIGGER disk_files_best_on_update AFTER UPDATE ON disk_files
WHEN (OLD.clip_key IS NOT NEW.clip_key OR OLD.status <> NEW.status OR OLD.serve_rank <> NEW.serve_rank
  OR OLD.mtime_ms <> NEW.mtime_ms OR OLD.duration IS NOT NEW.duration OR OLD.bytes <> NEW.bytes
  OR OLD.is_replacement <> NEW.is_replacement)
BEGIN
  DELETE FROM best_files WHERE clip_key IN (OLD.clip_key, NEW.clip_key)
    AND NOT EXISTS (SELECT 1 FROM disk_files f WHERE f.clip_key = best_files.clip_key AND f.status <> 'gone');
  INSERT INTO best_files
  SELECT * FROM (
    SELECT * FROM (SELECT clip_key, id, serve_rank, mtime_ms, status, duration, bytes, is_replacement
                   FROM disk_files WHERE clip_key = OLD.clip_key AND status <> 'gone'
                   ORDER BY serve_rank, mtime_ms DESC, id LIMIT 1)
    UNION ALL
    SELECT * FROM (SELECT clip_key, id, serve_rank, mtime_ms, status, duration, bytes, is_replacement
                   FROM disk_files WHERE clip_key = NEW.clip_key AND status <> 'gone' AND NEW.clip_key IS NOT OLD.clip_key
                   ORDER BY serve_rank, mtime_ms DESC, id LIMIT 1))
  WHERE true
  ON CONFLICT (clip_key) DO UPDATE SET
    file_id = excluded.file_id, serve_rank = excluded.serve_rank, mtime_ms = excluded.mtime_ms, status = excluded.status,
    duration = excluded.duration, bytes = excluded.bytes, is_replacement = excluded.is_replacement;
END;

DROP TRIGGER disk_files_best_on_delete;
CREATE TRIGGER disk_files_best_on_delete AFTER DELETE ON disk_files
WHEN OLD.clip_key IS NOT NULL
BEGIN
  DELETE FROM best_files WHERE clip_key = OLD.clip_key;
  INSERT INTO best_files
  SELECT clip_key, id, serve_rank, mtime_ms, status, duration, bytes, is_replacement
  FROM disk_files WHERE clip_key = OLD.clip_key AND status <> 'gone'
  ORDER BY serve_rank, mtime_ms DESC, id LIMIT 1;
END;

-- The path as a sub-query, which a question that does not read it (counts per status, sizes) never runs.
DROP VIEW serving_files;
CREATE VIEW serving_files AS
  SELECT b.clip_key, (SELECT f.path FROM disk_files f WHERE f.id = b.file_id) AS path, b.status, b.duration, b.bytes,
         b.mtime_ms, b.is_replacement
  FROM best_files b;

DROP VIEW clips;
CREATE VIEW clips AS
  SELECT c.version, c.split, c.youtube_id, c.time_start, c.time_end, c.label, c.is_cc, c.clip_key,
         c.disk_status AS status,
         (SELECT f.path FROM best_files b JOIN disk_files f ON f.id = b.file_id WHERE b.clip_key = c.clip_key) AS path,
         c.disk_duration AS duration
  FROM clip_annotations c;
