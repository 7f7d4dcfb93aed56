-- The same clip labelled differently in two versions (e.g. hugging → hugging (not baby)), with how many clips
-- support each change.
-- params: none
SELECT a.version, a.label, b.version AS other_version, b.label AS other_label, count(*) AS clips
FROM clips a
JOIN clips b
  ON b.youtube_id = a.youtube_id AND b.clip_key = a.clip_key AND b.version > a.version
WHERE a.label IS NOT NULL AND b.label IS NOT NULL AND a.label <> b.label
GROUP BY a.version, a.label, b.version, b.label
ORDER BY clips DESC, a.version, a.label;
