-- Shards per version and split: how many are extracted, on disk whole or in part (archives `scan` recognised, e.g.
-- from CVDF's download scripts), being downloaded by a fetch (stopped part way: its part file resumes), still only
-- remote, failed, or absent from the source.
-- params: version?, split? (a ? marks a parameter that may be left out: all versions / splits)
SELECT version, split, count(*) AS shards,
       count(*) FILTER (WHERE state = 'extracted') AS extracted,
       count(*) FILTER (WHERE state <> 'extracted' AND archive_path IS NOT NULL AND (bytes IS NULL OR archive_bytes = bytes)) AS on_disk,
       count(*) FILTER (WHERE state <> 'extracted' AND archive_path IS NOT NULL AND archive_bytes < bytes) AS partial,
       count(*) FILTER (WHERE state IN ('downloading', 'downloaded') AND archive_path IS NULL) AS downloading,
       count(*) FILTER (WHERE state = 'remote' AND archive_path IS NULL) AS remote,
       count(*) FILTER (WHERE state = 'failed' AND archive_path IS NULL) AS failed,
       count(*) FILTER (WHERE state = 'absent' AND archive_path IS NULL) AS absent
FROM shards
WHERE (:version IS NULL OR version = :version) AND (:split IS NULL OR split = :split)
GROUP BY version, split
ORDER BY version, CASE split WHEN 'train' THEN 0 WHEN 'val' THEN 1 WHEN 'test' THEN 2 ELSE 3 END;
