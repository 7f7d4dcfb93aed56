-- A shard of random clips (K400's parts, K600 and K700-2020 test, K400's replacement archive) has no class, however
-- many of its streamed members happened to share one; a label learned that way made its class's other clips look
-- as if they were in no shard. Only per-class shards (named by class, or numbered by class) learn a label.
UPDATE shard_files SET learned_label = NULL WHERE label IS NULL AND class_number IS NULL;
