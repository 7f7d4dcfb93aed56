-- How each class of one version maps onto another's, inferred from the clips both list (same clip key): the
-- counterpart with the most shared clips, how many, and the share of the class's shared clips it takes.
-- params: from_version, to_version (e.g. k400 k700-2020)
WITH shared AS (
  SELECT a.label AS label, b.label AS other_label, count(*) AS clips
  FROM clips a
  JOIN clips b ON b.youtube_id = a.youtube_id AND b.clip_key = a.clip_key AND b.version = :to_version
  WHERE a.version = :from_version AND a.label IS NOT NULL AND b.label IS NOT NULL
  GROUP BY a.label, b.label
), ranked AS (
  SELECT label, other_label, clips,
         sum(clips) OVER (PARTITION BY label) AS class_shared,
         row_number() OVER (PARTITION BY label ORDER BY clips DESC, other_label) AS rank
  FROM shared
)
SELECT c.label, r.other_label AS maps_to, coalesce(r.clips, 0) AS shared_clips,
       round(1.0 * r.clips / r.class_shared, 3) AS confidence,
       r.other_label IS NOT NULL AND r.other_label <> c.label AS renamed
FROM classes c
LEFT JOIN ranked r ON r.label = c.label AND r.rank = 1
WHERE c.version = :from_version
ORDER BY renamed DESC, c.label;
