-- Clips per class of one version, by split, largest class first.
-- params: version (k400 | k600 | k700-2020)
SELECT label,
       count(*) FILTER (WHERE split = 'train') AS train,
       count(*) FILTER (WHERE split = 'val') AS val,
       count(*) FILTER (WHERE split = 'test') AS test,
       count(*) AS total
FROM clips
WHERE version = :version AND label IS NOT NULL
GROUP BY label
ORDER BY total DESC, label;
