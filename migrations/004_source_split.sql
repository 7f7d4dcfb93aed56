-- Which split each annotation file holds, so per-split clip counts are a sum over a few rows of source_files
-- rather than a count over every clip.
ALTER TABLE source_files ADD COLUMN split TEXT;

UPDATE source_files
SET split = (SELECT c.split FROM clip_annotations c WHERE c.source_id = source_files.id LIMIT 1)
WHERE kind IN ('annotations', 'listing');

DROP VIEW sources;
CREATE VIEW sources AS
  SELECT path, bytes, sha256, rows, ingested_at, version, kind, etag, split FROM source_files;
