-- Subsets (a stored definition and its clips) and what is known of each shard's members.

CREATE TABLE subsets (
  name       TEXT PRIMARY KEY,
  definition TEXT NOT NULL,     -- JSON: the options it was made with, seed included
  created_at TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE subset_members (
  subset   TEXT NOT NULL REFERENCES subsets(name) ON DELETE CASCADE,
  version  TEXT NOT NULL,
  split    TEXT NOT NULL,
  clip_key TEXT NOT NULL,
  PRIMARY KEY (subset, version, split, clip_key)
) WITHOUT ROWID;

-- Every member seen in a shard streamed through the tool, kept or not.
CREATE TABLE shard_member_files (
  version  TEXT NOT NULL,
  split    TEXT NOT NULL,
  shard    TEXT NOT NULL,        -- shards.name
  clip_key TEXT NOT NULL,
  bytes    INTEGER NOT NULL,
  PRIMARY KEY (version, split, shard, clip_key)
) WITHOUT ROWID;
CREATE INDEX shard_member_files_by_clip ON shard_member_files(clip_key);

ALTER TABLE shard_files ADD COLUMN etag TEXT;
ALTER TABLE shard_files ADD COLUMN members_known INTEGER NOT NULL DEFAULT 0;  -- streamed once: members recorded
ALTER TABLE shard_files ADD COLUMN learned_label TEXT;                       -- the class its members showed

CREATE VIEW subset_clips AS SELECT subset, version, split, clip_key FROM subset_members;

CREATE VIEW shard_members AS SELECT version, split, shard, clip_key, bytes FROM shard_member_files;

-- A numbered shard's label is what its members showed once streamed, else the sorted-position inference.
DROP VIEW shards;
CREATE VIEW shards AS
  WITH class_counts AS (
    SELECT version, count(*) AS classes FROM class_labels GROUP BY version
  ), numbered AS (
    SELECT version, split, count(*) AS shards FROM shard_files WHERE class_number IS NOT NULL GROUP BY version, split
  )
  SELECT s.version, s.split, s.name, s.url,
         COALESCE(s.label, s.learned_label, c.label) AS label,
         s.state, s.bytes, s.class_number, s.error, s.etag, s.members_known
  FROM shard_files s
  LEFT JOIN numbered n ON n.version = s.version AND n.split = s.split
  LEFT JOIN class_counts k ON k.version = s.version
  LEFT JOIN class_labels c
    ON s.label IS NULL AND k.classes = n.shards AND c.version = s.version AND c.idx = s.class_number - 1;
