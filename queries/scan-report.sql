-- Per folder scanned: how its present files matched clips (by their CVDF name, by YouTube id alone, ambiguous
-- YouTube ids, ids no clip has, names that are no clip's), how many, and an example of each.
-- params: none
SELECT r.path AS root,
       CASE f.matched_by
         WHEN 'name' THEN 'exact name'
         WHEN 'youtube_id' THEN 'by youtube id'
         WHEN 'ambiguous' THEN 'ambiguous youtube id'
         WHEN 'none' THEN 'youtube id of no clip'
         ELSE 'not a clip name'
       END AS matched,
       count(*) AS files,
       min(f.path) AS example
FROM disk_files f JOIN scan_roots r ON r.id = f.root_id
WHERE f.status <> 'gone'
GROUP BY r.path, f.matched_by
ORDER BY r.path, CASE f.matched_by WHEN 'name' THEN 0 WHEN 'youtube_id' THEN 1 WHEN 'ambiguous' THEN 2 WHEN 'none' THEN 3 ELSE 4 END;
