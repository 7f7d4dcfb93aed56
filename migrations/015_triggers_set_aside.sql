-- A first scan now sets the triggers of disk_files and best_files aside with disk_files' indexes (their SQL kept in
-- deferred_indexes, as the indexes' is) and makes them again after best_files is refilled: a guard asked of every
-- row cost a quarter of a second per 200,000 files. The triggers are the same without it.
DROP TRIGGER disk_files_best_on_insert;
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

DROP TRIGGER disk_files_best_on_update;
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

DROP TRIGGER disk_files_best_on_delete;
CREATE TRIGGER disk_files_best_on_delete AFTER DELETE ON disk_files
WHEN OLD.clip_key IS NOT NULL
BEGIN
  DELETE FROM best_files WHERE clip_key = OLD.clip_key;
  INSERT INTO best_files
  SELECT clip_key, id, serve_rank, mtime_ms, status, path, duration, bytes, is_replacement
  FROM disk_files WHERE clip_key = OLD.clip_key AND status <> 'gone'
  ORDER BY serve_rank, mtime_ms DESC, id LIMIT 1;
END;

DROP TRIGGER best_files_status_on_insert;
CREATE TRIGGER best_files_status_on_insert AFTER INSERT ON best_files
BEGIN
  UPDATE clip_annotations SET disk_status = NEW.status, disk_duration = NEW.duration WHERE clip_key = NEW.clip_key;
END;
