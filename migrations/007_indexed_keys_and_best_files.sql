-- Indexes for the keys users filter and join on, and each clip's serving file kept in a table (best_files) with its
-- status and duration copied onto the clip's rows, so that `clips` reads them without visiting any file: SQLite
-- keeps a LEFT JOIN in every aggregate query (GROUP BY, count), and a probe per clip costs seconds over 1.45M clips.
-- The path is looked up by key only for the rows a query asks it of.

-- One row per (version, split, clip_key); clip_key first, so a join on clip_key alone (across versions or splits)
-- is a probe too.
CREATE UNIQUE INDEX clip_annotations_by_key ON clip_annotations(clip_key, version, split);

-- The status and duration of the file serving the clip (`missing`, NULL: no file), kept by the triggers on
-- best_files below and set by the ingester for the rows it loads.
ALTER TABLE clip_annotations ADD COLUMN disk_status TEXT NOT NULL DEFAULT 'missing';
ALTER TABLE clip_annotations ADD COLUMN disk_duration REAL;

-- A split's classes: (version, split, label) serves a version and split with or without labels. The status is
-- not in it: every file a scan records would move an index entry (3 s per 200k files), for 0.3 s saved on a count
-- of statuses per class over a whole split.
DROP INDEX IF EXISTS clip_annotations_by_label;
DELETE FROM deferred_indexes WHERE name = 'clip_annotations_by_label';
CREATE INDEX clip_annotations_by_split_label ON clip_annotations(version, split, label);

-- A video's clips in every version with their windows, from the index alone (overlap and leakage questions).
DROP INDEX IF EXISTS clip_annotations_by_youtube_id;
DELETE FROM deferred_indexes WHERE name = 'clip_annotations_by_youtube_id';
CREATE INDEX clip_annotations_by_youtube_id ON clip_annotations(youtube_id, version, split, time_start, time_end);

-- The best present file of each clip (see serve_rank): kept by the triggers below in the same statement that
-- writes a file row, whoever writes it (scan, fetch, a migration), and recomputed only for the clips it touches.
CREATE TABLE best_files (
  clip_key       TEXT PRIMARY KEY,
  file_id        INTEGER NOT NULL,
  serve_rank     INTEGER NOT NULL,
  mtime_ms       INTEGER NOT NULL,
  status         TEXT NOT NULL,
  path           TEXT NOT NULL,
  duration       REAL,
  bytes          INTEGER NOT NULL,
  is_replacement INTEGER NOT NULL
) WITHOUT ROWID;

INSERT INTO best_files
SELECT clip_key, id, serve_rank, mtime_ms, status, path, duration, bytes, is_replacement
FROM (SELECT f.*, row_number() OVER (PARTITION BY clip_key ORDER BY serve_rank, mtime_ms DESC, id) AS place
      FROM disk_files f WHERE status <> 'gone' AND clip_key IS NOT NULL)
WHERE place = 1;

UPDATE clip_annotations SET disk_status = b.status, disk_duration = b.duration
FROM best_files b WHERE b.clip_key = clip_annotations.clip_key;

CREATE TRIGGER best_files_status_on_insert AFTER INSERT ON best_files
WHEN NOT EXISTS (SELECT 1 FROM deferred_indexes WHERE name = 'best_files (refill)')
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

-- While a first scan loads disk_files with its indexes set aside, the triggers stand still: 200,000 inserts in
-- random clip order would cost seconds of scattered page writes, and best_files is filled in one sorted statement
-- when the indexes come back (the `best_files (refill)` entry of deferred_indexes; see deferred-indexes.ts).

-- A new file needs no look-up among the others: it takes the clip only if it beats the file serving it now.
CREATE TRIGGER disk_files_best_on_insert AFTER INSERT ON disk_files
WHEN NEW.clip_key IS NOT NULL AND NEW.status <> 'gone'
  AND NOT EXISTS (SELECT 1 FROM deferred_indexes WHERE name = 'best_files (refill)')
BEGIN
  INSERT INTO best_files (clip_key, file_id, serve_rank, mtime_ms, status, path, duration, bytes, is_replacement)
  VALUES (NEW.clip_key, NEW.id, NEW.serve_rank, NEW.mtime_ms, NEW.status, NEW.path, NEW.duration, NEW.bytes, NEW.is_replacement)
  ON CONFLICT (clip_key) DO UPDATE SET
    file_id = excluded.file_id, serve_rank = excluded.serve_rank, mtime_ms = excluded.mtime_ms, status = excluded.status,
    path = excluded.path, duration = excluded.duration, bytes = excluded.bytes, is_replacement = excluded.is_replacement
  WHERE (excluded.serve_rank, -excluded.mtime_ms, excluded.file_id) < (best_files.serve_rank, -best_files.mtime_ms, best_files.file_id);
END;

-- A changed or removed file may have served its clip, or may now: its clip (old and new) is chosen again through
-- disk_files_best_first, and updated in place, so that the clip's status is written once.
CREATE TRIGGER disk_files_best_on_update AFTER UPDATE ON disk_files
WHEN (OLD.clip_key IS NOT NEW.clip_key OR OLD.status <> NEW.status OR OLD.serve_rank <> NEW.serve_rank
  OR OLD.mtime_ms <> NEW.mtime_ms OR OLD.path <> NEW.path OR OLD.duration IS NOT NEW.duration OR OLD.bytes <> NEW.bytes
  OR OLD.is_replacement <> NEW.is_replacement)
  AND NOT EXISTS (SELECT 1 FROM deferred_indexes WHERE name = 'best_files (refill)')
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
WHEN OLD.clip_key IS NOT NULL AND NOT EXISTS (SELECT 1 FROM deferred_indexes WHERE name = 'best_files (refill)')
BEGIN
  DELETE FROM best_files WHERE clip_key = OLD.clip_key;
  INSERT INTO best_files
  SELECT clip_key, id, serve_rank, mtime_ms, status, path, duration, bytes, is_replacement
  FROM disk_files WHERE clip_key = OLD.clip_key AND status <> 'gone'
  ORDER BY serve_rank, mtime_ms DESC, id LIMIT 1;
END;

DROP VIEW serving_files;
CREATE VIEW serving_files AS
  SELECT clip_key, path, status, duration, bytes, mtime_ms, is_replacement FROM best_files;

DROP VIEW clips;
CREATE VIEW clips AS
  SELECT c.version, c.split, c.youtube_id, c.time_start, c.time_end, c.label, c.is_cc, c.clip_key,
         c.disk_status AS status,
         (SELECT b.path FROM best_files b WHERE b.clip_key = c.clip_key) AS path,
         c.disk_duration AS duration
  FROM clip_annotations c;

DROP VIEW files;
CREATE VIEW files AS
  SELECT f.path, f.bytes,
         strftime('%Y-%m-%dT%H:%M:%fZ', f.mtime_ms / 1000.0, 'unixepoch') AS mtime,
         f.clip_key, f.status, f.duration, f.scanned_at,
         f.detail, f.is_replacement, f.gone_at, f.mtime_ms,
         (SELECT r.path FROM scan_roots r WHERE r.id = f.root_id) AS root,
         EXISTS (SELECT 1 FROM clip_annotations c WHERE c.clip_key = f.clip_key) AS known
  FROM disk_files f;
