-- Per folder scanned: how its present files matched clips (by their CVDF name, by YouTube id alone, ambiguous
-- YouTube ids, ids no clip has, clip names no version lists, names that are no clip's), how many, and an example
-- of each.
-- params: none
WITH matched AS (
  SELECT f.root_id, f.path,
         CASE
           WHEN f.matched_by = 'name' AND EXISTS (SELECT 1 FROM clip_annotations c WHERE c.clip_key = f.clip_key) THEN 0
           WHEN f.matched_by = 'name' THEN 1
           WHEN f.matched_by = 'youtube_id' THEN 2
           WHEN f.matched_by = 'ambiguous' THEN 3
           WHEN f.matched_by = 'none' THEN 4
           ELSE 5
         END AS kind
  FROM disk_files f
  WHERE f.status <> 'gone')
SELECT r.path AS root,
       CASE m.kind
         WHEN 0 THEN 'exact name'
         WHEN 1 THEN 'clip name no version lists'
         WHEN 2 THEN 'by youtube id'
         WHEN 3 THEN 'ambiguous youtube id'
         WHEN 4 THEN 'youtube id of no clip'
         ELSE 'not a clip name'
       END AS matched,
       count(*) AS files,
       min(m.path) AS example
FROM matched m JOIN scan_roots r ON r.id = m.root_id
GROUP BY r.path, m.kind
ORDER BY r.path, m.kind;
