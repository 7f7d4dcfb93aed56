-- What is on disk: every regular file under the scanned folders, which clip it serves, and its integrity.

CREATE TABLE scan_roots (
  id         INTEGER PRIMARY KEY,
  path       TEXT NOT NULL UNIQUE,
  scanned_at TEXT
);

-- Folder mtimes, so `scan --quick` can skip folders whose entries did not change.
CREATE TABLE scanned_dirs (
  path     TEXT PRIMARY KEY,
  root_id  INTEGER NOT NULL REFERENCES scan_roots(id),
  parent   TEXT,
  mtime_ms INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX scanned_dirs_by_parent ON scanned_dirs(parent);

CREATE TABLE disk_files (
  id             INTEGER PRIMARY KEY,
  path           TEXT NOT NULL UNIQUE,
  dir            TEXT NOT NULL,
  root_id        INTEGER NOT NULL REFERENCES scan_roots(id),
  bytes          INTEGER NOT NULL,
  mtime_ms       INTEGER NOT NULL,
  clip_key       TEXT,                         -- from the basename; NULL when the name is no clip's
  is_replacement INTEGER NOT NULL DEFAULT 0,   -- under a replacement_for_corrupted_k400 folder
  status         TEXT NOT NULL,                -- ok | empty | damaged | short | unchecked | unverified | gone
  detail         TEXT,                         -- why a file is damaged or short
  duration       REAL,                         -- seconds, from the mvhd box
  verified       INTEGER NOT NULL DEFAULT 0,   -- content checked at this size and mtime
  scanned_at     TEXT NOT NULL,
  gone_at        TEXT
);
CREATE INDEX disk_files_by_clip_key ON disk_files(clip_key);
CREATE INDEX disk_files_by_dir ON disk_files(dir);

-- The best present file of each clip: a better status wins, then a K400 replacement, then the newest file.
CREATE TABLE clip_files (
  clip_key TEXT PRIMARY KEY,
  file_id  INTEGER NOT NULL REFERENCES disk_files(id)
) WITHOUT ROWID;

DROP VIEW clips;
CREATE VIEW clips AS
  SELECT c.version, c.split, c.youtube_id, c.time_start, c.time_end, c.label, c.is_cc, c.clip_key,
         coalesce(f.status, 'missing') AS status, f.path, f.duration
  FROM clip_annotations c
  LEFT JOIN clip_files b ON b.clip_key = c.clip_key
  LEFT JOIN disk_files f ON f.id = b.file_id;

CREATE VIEW files AS
  SELECT f.path, f.bytes,
         strftime('%Y-%m-%dT%H:%M:%fZ', f.mtime_ms / 1000.0, 'unixepoch') AS mtime,
         f.clip_key, f.status, f.duration, f.scanned_at,
         f.detail, f.is_replacement, f.gone_at, f.mtime_ms,
         (SELECT r.path FROM scan_roots r WHERE r.id = f.root_id) AS root,
         EXISTS (SELECT 1 FROM clip_annotations c
                 WHERE c.youtube_id = substr(f.clip_key, 1, 11) AND c.clip_key = f.clip_key) AS known
  FROM disk_files f;
