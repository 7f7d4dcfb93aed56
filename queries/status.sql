-- Disk coverage per version and split: annotated clips and how many are ok, missing, empty, damaged, undecodable
-- (scan --decode), short, unchecked (a WebM/MKV whose Tracks lie past its first 64 KiB) or unverified (present,
-- structure not checked yet: run scan --verify).
-- params: version?, split? (a ? marks a parameter that may be left out: all versions / splits)
SELECT version, split, count(*) AS annotated,
       count(*) FILTER (WHERE status = 'ok') AS ok,
       count(*) FILTER (WHERE status = 'missing') AS missing,
       count(*) FILTER (WHERE status = 'empty') AS empty,
       count(*) FILTER (WHERE status = 'damaged') AS damaged,
       count(*) FILTER (WHERE status = 'undecodable') AS undecodable,
       count(*) FILTER (WHERE status = 'short') AS short,
       count(*) FILTER (WHERE status = 'unchecked') AS unchecked,
       count(*) FILTER (WHERE status = 'unverified') AS unverified
FROM clips
WHERE (:version IS NULL OR version = :version) AND (:split IS NULL OR split = :split)
GROUP BY version, split
ORDER BY version, CASE split WHEN 'train' THEN 0 WHEN 'val' THEN 1 WHEN 'test' THEN 2 ELSE 3 END;
