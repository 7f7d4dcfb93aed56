-- Each clip's on-disk status gets its own index, the last key the catalog's questions filter or group on without one:
-- what is damaged, empty or short anywhere is a look-up instead of a read of all 1.45M clip rows, and a count per
-- status reads this index instead of sorting every clip row for the GROUP BY. A status change moves one entry.
CREATE INDEX clip_annotations_by_status ON clip_annotations(disk_status);

-- Its statistics are written, not measured (see statistics.ts): each of the eight statuses an eighth of the clips.
PRAGMA analysis_limit = 1000;
ANALYZE clip_annotations_by_key;
PRAGMA analysis_limit = 0;
INSERT INTO sqlite_stat1 (tbl, idx, stat)
SELECT 'clip_annotations', 'clip_annotations_by_status', count(*) || ' ' || ((count(*) + 7) / 8) FROM clip_annotations HAVING count(*) > 0;
