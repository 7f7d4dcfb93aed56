-- Disk coverage per class of a version and split: annotated clips and how many are ok, missing, empty, damaged,
-- short, unchecked or unverified; least covered first.
-- params: version?, split? (a ? marks a parameter that may be left out: all versions / splits)
-- Annotated clips are counted on the (version, split, label) index; statuses only over the clips that have a file.
WITH annotated AS (
  SELECT version, split, label, count(*) AS annotated FROM clip_annotations
  WHERE (:version IS NULL OR version = :version) AND (:split IS NULL OR split = :split)
  GROUP BY version, split, label
), on_disk AS (
  SELECT c.version, c.split, c.label,
         count(*) AS present,
         count(*) FILTER (WHERE b.status = 'ok') AS ok,
         count(*) FILTER (WHERE b.status = 'empty') AS empty,
         count(*) FILTER (WHERE b.status = 'damaged') AS damaged,
         count(*) FILTER (WHERE b.status = 'short') AS short,
         count(*) FILTER (WHERE b.status = 'unchecked') AS unchecked,
         count(*) FILTER (WHERE b.status = 'unverified') AS unverified
  FROM best_files b JOIN clip_annotations c ON c.clip_key = b.clip_key
  WHERE (:version IS NULL OR c.version = :version) AND (:split IS NULL OR c.split = :split)
  GROUP BY c.version, c.split, c.label
)
SELECT a.version, a.split, a.label, a.annotated,
       coalesce(d.ok, 0) AS ok,
       a.annotated - coalesce(d.present, 0) AS missing,
       coalesce(d.empty, 0) AS empty,
       coalesce(d.damaged, 0) AS damaged,
       coalesce(d.short, 0) AS short,
       coalesce(d.unchecked, 0) AS unchecked,
       coalesce(d.unverified, 0) AS unverified
FROM annotated a LEFT JOIN on_disk d ON d.version = a.version AND d.split = a.split AND d.label IS a.label
ORDER BY a.version, a.split, 1.0 * coalesce(d.ok, 0) / a.annotated, a.label;
