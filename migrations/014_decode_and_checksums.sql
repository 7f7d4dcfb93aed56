-- What `scan --decode` found when ffmpeg decoded a file's first, middle and last frames: 1 decoded cleanly, 0 did
-- not (its status is then `undecodable`, with ffmpeg's first error as detail), NULL not tried at this size and
-- mtime (a file rewritten is tried again).
ALTER TABLE disk_files ADD COLUMN decoded INTEGER;

-- Each file's sha256, when fetch wrote it (hashed as it streamed) or `scan --checksum` read it; NULL otherwise, and
-- again when the file is rewritten. A shard member's sha256, as fetch streamed it or an imported index gave it:
-- the known-good sum a later `scan --checksum` compares a file of the same size with.
ALTER TABLE disk_files ADD COLUMN sha256 TEXT;
ALTER TABLE shard_member_files ADD COLUMN sha256 TEXT;

DROP VIEW shard_members;
CREATE VIEW shard_members AS SELECT version, split, shard, clip_key, bytes, damaged, sha256 FROM shard_member_files;

DROP VIEW files;
CREATE VIEW files AS
  SELECT f.path, f.bytes,
         strftime('%Y-%m-%dT%H:%M:%fZ', f.mtime_ms / 1000.0, 'unixepoch') AS mtime,
         f.clip_key, f.status, f.duration, f.scanned_at,
         f.detail, f.is_replacement, f.gone_at, f.mtime_ms,
         (SELECT r.path FROM scan_roots r WHERE r.id = f.root_id) AS root,
         EXISTS (SELECT 1 FROM clip_annotations c WHERE c.clip_key = f.clip_key) AS known,
         f.youtube_id, f.matched_by, f.candidates,
         f.codec, f.width, f.height, f.frames, f.fps, f.has_audio, f.decoded, f.sha256
  FROM disk_files f;
