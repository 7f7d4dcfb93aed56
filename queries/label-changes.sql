-- The same clip labelled differently in two versions (e.g. hugging → hugging (not baby)), with how many clips
-- support each change. Only the keys listed more than once are joined (0.5 s over the full catalog, 2.2 s without).
-- params: none
SELECT a.version, a.label, b.version AS other_version, b.label AS other_label, count(*) AS clips
FROM clips a
JOIN clips b ON b.clip_key = a.clip_key AND b.version > a.version
WHERE a.label <> b.label
  AND a.clip_key IN (SELECT clip_key FROM clips GROUP BY clip_key HAVING count(*) > 1)
GROUP BY a.version, a.label, b.version, b.label
ORDER BY clips DESC, a.version, a.label;
