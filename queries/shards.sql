-- The shards, one a row: state (remote, downloading, extracted, failed, absent), size, whether their members are
-- known, the archive on disk `scan` found, and the last error.
-- params: version?, split?, state?
SELECT version, split, name, label, state, bytes, members_known, archive_path, error
FROM shards
WHERE (:version IS NULL OR version = :version) AND (:split IS NULL OR split = :split) AND (:state IS NULL OR state = :state)
ORDER BY version, split, CASE WHEN name GLOB 'part_[0-9]*' THEN CAST(substr(name, 6) AS INTEGER) END, name;
