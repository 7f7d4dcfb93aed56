-- Copies of Kinetics that name a clip's file by its YouTube id alone (`<youtube_id>.mp4`: OpenDataLab's, mmaction2's
-- lists, most crawlers). The id from the name, and how the file was matched to a clip:
--   name        its CVDF name `<youtube_id>_<start>_<end>` gave the clip
--   youtube_id  exactly one clip of the scanned scope has that id (the clip_key is that clip's)
--   ambiguous   several clips have it (the same video in several windows): candidates lists them; no clip is served
--   none        no clip of the scanned scope has it
-- NULL: a name that is no clip's.
ALTER TABLE disk_files ADD COLUMN youtube_id TEXT;
ALTER TABLE disk_files ADD COLUMN matched_by TEXT;
ALTER TABLE disk_files ADD COLUMN candidates TEXT;
UPDATE disk_files SET matched_by = 'name' WHERE clip_key IS NOT NULL;
CREATE INDEX disk_files_by_youtube_id ON disk_files(youtube_id) WHERE youtube_id IS NOT NULL;

DROP VIEW files;
CREATE VIEW files AS
  SELECT f.path, f.bytes,
         strftime('%Y-%m-%dT%H:%M:%fZ', f.mtime_ms / 1000.0, 'unixepoch') AS mtime,
         f.clip_key, f.status, f.duration, f.scanned_at,
         f.detail, f.is_replacement, f.gone_at, f.mtime_ms,
         (SELECT r.path FROM scan_roots r WHERE r.id = f.root_id) AS root,
         EXISTS (SELECT 1 FROM clip_annotations c WHERE c.clip_key = f.clip_key) AS known,
         f.youtube_id, f.matched_by, f.candidates
  FROM disk_files f;
