-- What each clip's file is, from the moov box `scan --verify` reads (no full-file read): the video track's codec
-- (the sample entry's type: avc1, hev1, hvc1, vp09, av01, …), its coded width and height, its frame count (stts)
-- and rate (frames over the track's mdhd duration), and whether an audio track is there. NULL until verified, and
-- for files whose container is not checked (Matroska/WebM).
ALTER TABLE disk_files ADD COLUMN codec TEXT;
ALTER TABLE disk_files ADD COLUMN width INTEGER;
ALTER TABLE disk_files ADD COLUMN height INTEGER;
ALTER TABLE disk_files ADD COLUMN frames INTEGER;
ALTER TABLE disk_files ADD COLUMN fps REAL;
ALTER TABLE disk_files ADD COLUMN has_audio INTEGER;

DROP VIEW files;
CREATE VIEW files AS
  SELECT f.path, f.bytes,
         strftime('%Y-%m-%dT%H:%M:%fZ', f.mtime_ms / 1000.0, 'unixepoch') AS mtime,
         f.clip_key, f.status, f.duration, f.scanned_at,
         f.detail, f.is_replacement, f.gone_at, f.mtime_ms,
         (SELECT r.path FROM scan_roots r WHERE r.id = f.root_id) AS root,
         EXISTS (SELECT 1 FROM clip_annotations c WHERE c.clip_key = f.clip_key) AS known,
         f.youtube_id, f.matched_by, f.candidates,
         f.codec, f.width, f.height, f.frames, f.fps, f.has_audio
  FROM disk_files f;

-- The serving file's media, each read only when a query asks for it (a join would be walked by every query of clips).
DROP VIEW clips;
CREATE VIEW clips AS
  SELECT c.version, c.split, c.youtube_id, c.time_start, c.time_end, c.label, c.is_cc, c.clip_key,
         c.disk_status AS status,
         (SELECT b.path FROM best_files b WHERE b.clip_key = c.clip_key) AS path,
         c.disk_duration AS duration,
         (SELECT f.codec FROM best_files b JOIN disk_files f ON f.id = b.file_id WHERE b.clip_key = c.clip_key) AS codec,
         (SELECT f.width FROM best_files b JOIN disk_files f ON f.id = b.file_id WHERE b.clip_key = c.clip_key) AS width,
         (SELECT f.height FROM best_files b JOIN disk_files f ON f.id = b.file_id WHERE b.clip_key = c.clip_key) AS height,
         (SELECT f.frames FROM best_files b JOIN disk_files f ON f.id = b.file_id WHERE b.clip_key = c.clip_key) AS frames,
         (SELECT f.fps FROM best_files b JOIN disk_files f ON f.id = b.file_id WHERE b.clip_key = c.clip_key) AS fps,
         (SELECT f.has_audio FROM best_files b JOIN disk_files f ON f.id = b.file_id WHERE b.clip_key = c.clip_key) AS has_audio
  FROM clip_annotations c;
