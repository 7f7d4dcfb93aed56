-- A member that fetch wrote whole yet found damaged, empty or short is so at the source: streaming its shard again
-- would bring the same bytes. Its status is kept on the member, and plan passes it over until --retry-damaged.
-- Streaming the shard again records its members afresh, and with them this column.
ALTER TABLE shard_member_files ADD COLUMN damaged TEXT;

DROP VIEW shard_members;
CREATE VIEW shard_members AS SELECT version, split, shard, clip_key, bytes, damaged FROM shard_member_files;
