-- Disk coverage of one copy (the files scanned or fetched under a folder) per version and split: annotated clips and
-- how many have a file under that folder, ok, missing there, empty, damaged, undecodable, short, unchecked or
-- unverified, each clip counted by its best file there. Versions and splits with no file there are left out.
-- params: root, version?, split?
WITH present AS (
  SELECT clip_key, status, row_number() OVER (PARTITION BY clip_key ORDER BY serve_rank, mtime_ms DESC, id) AS place
  FROM disk_files
  WHERE status <> 'gone' AND clip_key IS NOT NULL AND path > rtrim(:root, '/') || '/' AND path < rtrim(:root, '/') || '0'),
here AS (SELECT clip_key, status FROM present WHERE place = 1),
found AS (
  SELECT c.version, c.split, h.status
  FROM here h JOIN clip_annotations c ON c.clip_key = h.clip_key
  WHERE (:version IS NULL OR c.version = :version) AND (:split IS NULL OR c.split = :split)),
counts AS (
  SELECT version, split, count(*) AS here,
         count(*) FILTER (WHERE status = 'ok') AS ok,
         count(*) FILTER (WHERE status = 'empty') AS empty,
         count(*) FILTER (WHERE status = 'damaged') AS damaged,
         count(*) FILTER (WHERE status = 'undecodable') AS undecodable,
         count(*) FILTER (WHERE status = 'short') AS short,
         count(*) FILTER (WHERE status = 'unchecked') AS unchecked,
         count(*) FILTER (WHERE status = 'unverified') AS unverified
  FROM found GROUP BY version, split),
totals AS (SELECT n.*, (SELECT count(*) FROM clip_annotations c WHERE c.version = n.version AND c.split = n.split) AS annotated FROM counts n)
SELECT version, split, annotated, here, ok, annotated - here AS missing, empty, damaged, undecodable, short, unchecked, unverified
FROM totals
ORDER BY version, CASE split WHEN 'train' THEN 0 WHEN 'val' THEN 1 WHEN 'test' THEN 2 ELSE 3 END;
