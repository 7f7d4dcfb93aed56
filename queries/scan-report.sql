-- Per folder scanned: how its present files matched clips (by their CVDF name, by YouTube id alone, ambiguous
-- YouTube ids, ids no clip has, clip names no version lists, names that are no clip's), how many, and an example
-- of each.
-- params: none
WITH matched AS (
  SELECT root, path,
         CASE
           WHEN matched_by = 'name' AND known THEN 0
           WHEN matched_by = 'name' THEN 1
           WHEN matched_by = 'youtube_id' THEN 2
           WHEN matched_by = 'ambiguous' THEN 3
           WHEN matched_by = 'none' THEN 4
           ELSE 5
         END AS kind
  FROM files
  WHERE status <> 'gone')
SELECT root,
       CASE kind
         WHEN 0 THEN 'exact name'
         WHEN 1 THEN 'clip name of no clip'
         WHEN 2 THEN 'by youtube id'
         WHEN 3 THEN 'ambiguous youtube id'
         WHEN 4 THEN 'youtube id of no clip'
         ELSE 'not a clip name'
       END AS matched,
       count(*) AS files,
       min(path) AS example
FROM matched
GROUP BY root, kind
ORDER BY root, kind;
