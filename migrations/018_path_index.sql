-- Path uniqueness becomes a named index, disk_files_by_path, instead of the column's UNIQUE constraint: a first scan
-- sets it aside with the other indexes (see deferred-indexes) and builds it once at the end, where each of 200,000
-- inserts used to look its path up in a growing index (~0.5 s of a 5 s first scan). A scan writes each path once, and
-- any other writer waits for a first scan to end; FileWriter upserts on the index once it is back. SQLite cannot
-- drop a column's constraint, so the table is made again with the same columns, ids and rows. Dropping the table
-- drops its indexes and triggers: they are made again as they were. Views name the table and are not touched
-- (legacy_alter_table: the rename does not rewrite or check them).
CREATE TABLE disk_files_rebuilt (
  id             INTEGER PRIMARY KEY,
  path           TEXT NOT NULL,
  dir            TEXT NOT NULL,
  root_id        INTEGER NOT NULL REFERENCES scan_roots(id),
  bytes          INTEGER NOT NULL,
  mtime_ms       INTEGER NOT NULL,
  clip_key       TEXT,                         -- from the basename; NULL when the name is no clip's
  is_replacement INTEGER NOT NULL DEFAULT 0,   -- under a replacement_for_corrupted_k400 folder
  status         TEXT NOT NULL,                -- ok | empty | damaged | short | unchecked | unverified | gone | undecodable
  detail         TEXT,                         -- why a file is damaged or short
  duration       REAL,                         -- seconds, from the mvhd box
  verified       INTEGER NOT NULL DEFAULT 0,   -- content checked at this size and mtime
  scanned_at     TEXT NOT NULL,
  gone_at        TEXT,
  serve_rank     INTEGER NOT NULL DEFAULT 0,
  youtube_id     TEXT,
  matched_by     TEXT,
  candidates     TEXT,
  codec          TEXT,
  width          INTEGER,
  height         INTEGER,
  frames         INTEGER,
  fps            REAL,
  has_audio      INTEGER,
  decoded        INTEGER,
  sha256         TEXT
);
INSERT INTO disk_files_rebuilt SELECT * FROM disk_files ORDER BY id;
DROP TABLE disk_files;
PRAGMA legacy_alter_table = ON;
ALTER TABLE disk_files_rebuilt RENAME TO disk_files;
PRAGMA legacy_alter_table = OFF;

CREATE UNIQUE INDEX disk_files_by_path ON disk_files(path);
CREATE INDEX disk_files_by_dir ON disk_files(dir);
CREATE INDEX disk_files_best_first ON disk_files(clip_key, serve_rank, mtime_ms DESC) WHERE status <> 'gone';
CREATE INDEX disk_files_by_youtube_id ON disk_files(youtube_id) WHERE youtube_id IS NOT NULL;

CREATE TRIGGER disk_files_best_on_insert AFTER INSERT ON disk_files
WHEN NEW.clip_key IS NOT NULL AND NEW.status <> 'gone'
BEGIN
  INSERT INTO best_files (clip_key, file_id, serve_rank, mtime_ms, status, path, duration, bytes, is_replacement)
  VALUES (NEW.clip_key, NEW.id, NEW.serve_rank, NEW.mtime_ms, NEW.status, NEW.path, NEW.duration, NEW.bytes, NEW.is_replacement)
  ON CONFLICT (clip_key) DO UPDATE SET
    file_id = excluded.file_id, serve_rank = excluded.serve_rank, mtime_ms = excluded.mtime_ms, status = excluded.status,
    path = excluded.path, duration = excluded.duration, bytes = excluded.bytes, is_replacement = excluded.is_replacement
  WHERE (excluded.serve_rank, -excluded.mtime_ms, excluded.file_id) < (best_files.serve_rank, -best_files.mtime_ms, best_files.file_id);
END;

CREATE TRIGGER disk_files_best_on_update AFTER UPDATE ON disk_files
WHEN (OLD.clip_key IS NOT NEW.clip_key OR OLD.status <> NEW.status OR OLD.serve_rank <> NEW.serve_rank
  OR OLD.mtime_ms <> NEW.mtime_ms OR OLD.path <> NEW.path OR OLD.duration IS NOT NEW.duration OR OLD.bytes <> NEW.bytes
  OR OLD.is_replacement <> NEW.is_replacement)
BEGIN
  DELETE FROM best_files WHERE clip_key IN (OLD.clip_key, NEW.clip_key)
    AND NOT EXISTS (SELECT 1 FROM disk_files f WHERE f.clip_key = best_files.clip_key AND f.status <> 'gone');
  INSERT INTO best_files
  SELECT * FROM (
    SELECT * FROM (SELECT clip_key, id, serve_rank, mtime_ms, status, path, duration, bytes, is_replacement
                   FROM disk_files WHERE clip_key = OLD.clip_key AND status <> 'gone'
                   ORDER BY serve_rank, mtime_ms DESC, id LIMIT 1)
    UNION ALL
    SELECT * FROM (SELECT clip_key, id, serve_rank, mtime_ms, status, path, duration, bytes, is_replacement
                   FROM disk_files WHERE clip_key = NEW.clip_key AND status <> 'gone' AND NEW.clip_key IS NOT OLD.clip_key
                   ORDER BY serve_rank, mtime_ms DESC, id LIMIT 1))
  WHERE true
  ON CONFLICT (clip_key) DO UPDATE SET
    file_id = excluded.file_id, serve_rank = excluded.serve_rank, mtime_ms = excluded.mtime_ms, status = excluded.status,
    path = excluded.path, duration = excluded.duration, bytes = excluded.bytes, is_replacement = excluded.is_replacement;
END;

CREATE TRIGGER disk_files_best_on_delete AFTER DELETE ON disk_files
WHEN OLD.clip_key IS NOT NULL
BEGIN
  DELETE FROM best_files WHERE clip_key = OLD.clip_key;
  INSERT INTO best_files
  SELECT clip_key, id, serve_rank, mtime_ms, status, path, duration, bytes, is_replacement
  FROM disk_files WHERE clip_key = OLD.clip_key AND status <> 'gone'
  ORDER BY serve_rank, mtime_ms DESC, id LIMIT 1;
END;

-- The planner's row counts for the new indexes (sampled, as after a scan).
PRAGMA analysis_limit = 1000;
ANALYZE disk_files;
PRAGMA analysis_limit = 0;
