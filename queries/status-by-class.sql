-- Disk coverage per class of a version and split: annotated clips and how many are ok, missing, empty, damaged,
-- undecodable (scan --decode), short, unchecked or unverified; least covered first.
-- params: version?, split? (a ? marks a parameter that may be left out: all versions / splits)
SELECT version, split, label, count(*) AS annotated,
       count(*) FILTER (WHERE status = 'ok') AS ok,
       count(*) FILTER (WHERE status = 'missing') AS missing,
       count(*) FILTER (WHERE status = 'empty') AS empty,
       count(*) FILTER (WHERE status = 'damaged') AS damaged,
       count(*) FILTER (WHERE status = 'undecodable') AS undecodable,
       count(*) FILTER (WHERE status = 'short') AS short,
       count(*) FILTER (WHERE status = 'unchecked') AS unchecked,
       count(*) FILTER (WHERE status = 'unverified') AS unverified
FROM clips
WHERE (:version IS NULL OR version = :version) AND (:split IS NULL OR split = :split)
GROUP BY version, split, label
ORDER BY version, split, 1.0 * count(*) FILTER (WHERE status = 'ok') / count(*), label;
