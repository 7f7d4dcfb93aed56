-- Clips, labelled clips, classes and shards per version and split.
-- params: none
WITH clip_counts AS (
  SELECT version, split, count(*) AS clips, count(label) AS labelled, count(DISTINCT label) AS classes
  FROM clips GROUP BY version, split
), shard_counts AS (
  SELECT version, split, count(*) AS shards, count(label) AS class_shards FROM shards GROUP BY version, split
), splits AS (
  SELECT version, split FROM clip_counts UNION SELECT version, split FROM shard_counts
)
SELECT s.version, s.split,
       coalesce(c.clips, 0) AS clips, coalesce(c.labelled, 0) AS labelled, coalesce(c.classes, 0) AS classes,
       coalesce(h.shards, 0) AS shards, coalesce(h.class_shards, 0) AS class_shards
FROM splits s
LEFT JOIN clip_counts c USING (version, split)
LEFT JOIN shard_counts h USING (version, split)
ORDER BY s.version,
         CASE s.split WHEN 'train' THEN 0 WHEN 'val' THEN 1 WHEN 'test' THEN 2 WHEN 'holdout_test' THEN 3 ELSE 4 END;
