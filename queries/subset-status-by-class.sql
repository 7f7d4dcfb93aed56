-- Disk coverage of a subset per class: its clips and how many are ok, missing, empty, damaged, undecodable (scan
-- --decode), short, unchecked or unverified; least covered first.
-- params: subset
SELECT c.version, c.split, c.label, count(*) AS annotated,
       count(*) FILTER (WHERE status = 'ok') AS ok,
       count(*) FILTER (WHERE status = 'missing') AS missing,
       count(*) FILTER (WHERE status = 'empty') AS empty,
       count(*) FILTER (WHERE status = 'damaged') AS damaged,
       count(*) FILTER (WHERE status = 'undecodable') AS undecodable,
       count(*) FILTER (WHERE status = 'short') AS short,
       count(*) FILTER (WHERE status = 'unchecked') AS unchecked,
       count(*) FILTER (WHERE status = 'unverified') AS unverified
FROM subset_members s JOIN clips c ON c.clip_key = s.clip_key AND c.version = s.version AND c.split = s.split
WHERE s.subset = :subset
GROUP BY c.version, c.split, c.label
ORDER BY c.version, c.split, 1.0 * count(*) FILTER (WHERE status = 'ok') / count(*), c.label;
