-- Downstream labels per dataset and split: rows, distinct videos, and how many of those videos the catalog's
-- Kinetics annotations know.
-- params: none
WITH downstream AS (
  SELECT 'ava-kinetics' AS dataset, split, youtube_id FROM ava_kinetics
  UNION ALL
  SELECT 'countix', split, youtube_id FROM countix
)
SELECT dataset, split, count(*) AS rows, count(DISTINCT youtube_id) AS videos,
       count(DISTINCT CASE WHEN EXISTS (SELECT 1 FROM clips c WHERE c.youtube_id = d.youtube_id)
                           THEN youtube_id END) AS videos_in_kinetics
FROM downstream d
GROUP BY dataset, split
ORDER BY dataset, CASE split WHEN 'train' THEN 0 WHEN 'val' THEN 1 ELSE 2 END;
