-- How many clips each annotation file lists under each label, so per-class counts (the TUI's classes pane) are a
-- sum over a few hundred rows rather than a count over every clip of a split.
ALTER TABLE source_labels ADD COLUMN clips INTEGER NOT NULL DEFAULT 0;

UPDATE source_labels
SET clips = counts.clips
FROM (SELECT source_id, label, count(*) AS clips FROM clip_annotations WHERE label IS NOT NULL GROUP BY source_id, label) AS counts
WHERE counts.source_id = source_labels.source_id AND counts.label = source_labels.label;
