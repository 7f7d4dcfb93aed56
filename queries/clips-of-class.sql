-- The clips of one class in one version, every split, in clip order.
-- params: version (k400 | k600 | k700-2020), label (e.g. "air drumming")
SELECT split, clip_key, youtube_id, time_start, time_end, is_cc
FROM clips
WHERE version = :version AND label = :label
ORDER BY split, clip_key;
