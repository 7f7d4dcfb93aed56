-- A shard's archive found on disk by `scan` (CVDF's download scripts leave k400_targz/<split>/part_N.tar.gz, whole or
-- cut off where `wget -c` stopped): read by plan, fetch and extract instead of the source when it is whole.
ALTER TABLE shard_files ADD COLUMN archive_path TEXT;
ALTER TABLE shard_files ADD COLUMN archive_bytes INTEGER;

DROP VIEW shards;
CREATE VIEW shards AS
  WITH class_counts AS (
    SELECT version, count(*) AS classes FROM class_labels GROUP BY version
  ), numbered AS (
    SELECT version, split, count(*) AS shards FROM shard_files WHERE class_number IS NOT NULL GROUP BY version, split
  )
  SELECT s.version, s.split, s.name, s.url,
         COALESCE(s.label, s.learned_label, c.label) AS label,
         s.state, s.bytes, s.class_number, s.error, s.etag, s.members_known,
         s.archive_path, s.archive_bytes
  FROM shard_files s
  LEFT JOIN numbered n ON n.version = s.version AND n.split = s.split
  LEFT JOIN class_counts k ON k.version = s.version
  LEFT JOIN class_labels c
    ON s.label IS NULL AND k.classes = n.shards AND c.version = s.version AND c.idx = s.class_number - 1;
