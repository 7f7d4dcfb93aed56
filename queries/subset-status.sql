-- Disk coverage of a subset per version and split: its clips and how many are ok, missing, empty, damaged,
-- undecodable (scan --decode), short, unchecked or unverified (read from the subset's keys, not from every clip of
-- its versions).
-- params: subset
SELECT c.version, c.split, count(*) AS annotated,
       count(*) FILTER (WHERE status = 'ok') AS ok,
       count(*) FILTER (WHERE status = 'missing') AS missing,
       count(*) FILTER (WHERE status = 'empty') AS empty,
       count(*) FILTER (WHERE status = 'damaged') AS damaged,
       count(*) FILTER (WHERE status = 'undecodable') AS undecodable,
       count(*) FILTER (WHERE status = 'short') AS short,
       count(*) FILTER (WHERE status = 'unchecked') AS unchecked,
       count(*) FILTER (WHERE status = 'unverified') AS unverified
FROM subset_members s JOIN clips c ON c.clip_key = s.clip_key AND c.version = s.version AND c.split = s.split
WHERE s.subset = :subset
GROUP BY c.version, c.split
ORDER BY c.version, CASE c.split WHEN 'train' THEN 0 WHEN 'val' THEN 1 WHEN 'test' THEN 2 ELSE 3 END;
