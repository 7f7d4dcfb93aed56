-- Clips of one version/split that also stand in another (same youtube_id, overlapping window): leakage between
-- a training and an evaluation set. identical = 1 where the windows are the same clip.
-- params: version, split, other_version, other_split (e.g. k400 val k700-2020 train)
SELECT a.clip_key, a.label,
       b.clip_key AS other_clip_key, b.label AS other_label,
       a.clip_key = b.clip_key AS identical
FROM clips a
JOIN clips b
  ON b.youtube_id = a.youtube_id
 AND b.version = :other_version AND b.split = :other_split
 AND b.time_start < a.time_end AND a.time_start < b.time_end
WHERE a.version = :version AND a.split = :split
ORDER BY a.label, a.clip_key;
