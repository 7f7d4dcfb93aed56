-- The catalog of annotations, shards and downstream labels, as read from a CVDF-layout source.
-- Tables hold what was ingested; the stable surface for users is the views at the end.

-- Every file read from the source. A file's rows in other tables carry its id, so a changed file
-- replaces exactly its own rows.
CREATE TABLE source_files (
  id          INTEGER PRIMARY KEY,
  path        TEXT NOT NULL UNIQUE,      -- bucket-relative, e.g. 400/annotations/val.csv
  version     TEXT,                      -- k400 | k600 | k700-2020, NULL for downstream labels
  kind        TEXT NOT NULL,             -- annotations | listing | path-list | readme | ava-kinetics | countix
  bytes       INTEGER NOT NULL,
  sha256      TEXT NOT NULL,
  etag        TEXT,
  mtime_ms    INTEGER,
  rows        INTEGER NOT NULL,
  ingested_at TEXT NOT NULL
);

CREATE TABLE clip_annotations (
  source_id  INTEGER NOT NULL REFERENCES source_files(id),
  version    TEXT NOT NULL,
  split      TEXT NOT NULL,
  clip_key   TEXT NOT NULL,
  youtube_id TEXT NOT NULL,
  time_start INTEGER NOT NULL,
  time_end   INTEGER NOT NULL,
  label      TEXT,
  is_cc      INTEGER
);
CREATE INDEX clip_annotations_by_label ON clip_annotations(version, label, split);
CREATE INDEX clip_annotations_by_youtube_id ON clip_annotations(youtube_id);

-- The distinct labels of each annotation file, so a version's class list is rebuilt without scanning its clips.
CREATE TABLE source_labels (
  source_id INTEGER NOT NULL REFERENCES source_files(id),
  label     TEXT NOT NULL,
  PRIMARY KEY (source_id, label)
) WITHOUT ROWID;

-- Kept in step with clip_annotations by the ingester: the sorted label list of each version.
CREATE TABLE class_labels (
  version TEXT NOT NULL,
  label   TEXT NOT NULL,
  idx     INTEGER NOT NULL,
  PRIMARY KEY (version, label)
) WITHOUT ROWID;

CREATE TABLE shard_files (
  version      TEXT NOT NULL,
  split        TEXT NOT NULL,
  name         TEXT NOT NULL,
  source_id    INTEGER REFERENCES source_files(id),  -- NULL for shards in no path list (K400 replacement)
  path         TEXT NOT NULL,                         -- bucket-relative, decoded
  url          TEXT NOT NULL,                         -- path located in the source last ingested from
  label        TEXT,                                  -- per-class shard named after its class (K600)
  class_number INTEGER,                               -- per-class shard numbered by class (K700-2020), 1-based
  state        TEXT NOT NULL DEFAULT 'remote',
  bytes        INTEGER,
  error        TEXT,
  PRIMARY KEY (version, split, name)
);

CREATE TABLE readme_files (
  source_id INTEGER PRIMARY KEY REFERENCES source_files(id),
  version   TEXT NOT NULL,
  text      TEXT NOT NULL
);

CREATE TABLE ava_kinetics_boxes (
  source_id  INTEGER NOT NULL REFERENCES source_files(id),
  split      TEXT NOT NULL,
  youtube_id TEXT NOT NULL,
  timestamp  REAL NOT NULL,
  x1 REAL, y1 REAL, x2 REAL, y2 REAL,
  action_id  INTEGER
);
CREATE INDEX ava_kinetics_boxes_by_youtube_id ON ava_kinetics_boxes(youtube_id);

CREATE TABLE ava_action_names (
  source_id     INTEGER NOT NULL REFERENCES source_files(id),
  action_id     INTEGER PRIMARY KEY,
  name          TEXT NOT NULL,
  label_type    TEXT,
  in_activitynet INTEGER NOT NULL DEFAULT 0   -- one of the 60 actions of the ActivityNet challenge list
);

CREATE TABLE countix_counts (
  source_id        INTEGER NOT NULL REFERENCES source_files(id),
  split            TEXT NOT NULL,
  youtube_id       TEXT NOT NULL,
  label            TEXT,
  kinetics_start   INTEGER NOT NULL,
  kinetics_end     INTEGER NOT NULL,
  repetition_start REAL NOT NULL,
  repetition_end   REAL NOT NULL,
  count            INTEGER NOT NULL
);
CREATE INDEX countix_counts_by_youtube_id ON countix_counts(youtube_id);

-- Facts about the catalog as a whole, e.g. which source it was last ingested from.
CREATE TABLE catalog_settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

-- Indexes dropped for a bulk load and not yet rebuilt (kept so an interrupted load can rebuild them).
CREATE TABLE deferred_indexes (
  name TEXT PRIMARY KEY,
  sql  TEXT NOT NULL
);

CREATE VIEW clips AS
  SELECT version, split, youtube_id, time_start, time_end, label, is_cc, clip_key
  FROM clip_annotations;

CREATE VIEW classes AS
  SELECT version, label, idx FROM class_labels;

-- A K700-2020 shard numbered NNN is the class at 0-based index NNN-1 only when the version's class list is
-- complete (as many classes as numbered shards); otherwise its label stays unknown (NULL).
CREATE VIEW shards AS
  WITH class_counts AS (
    SELECT version, count(*) AS classes FROM class_labels GROUP BY version
  ), numbered AS (
    SELECT version, split, count(*) AS shards FROM shard_files WHERE class_number IS NOT NULL GROUP BY version, split
  )
  SELECT s.version, s.split, s.name, s.url,
         COALESCE(s.label, c.label) AS label,
         s.state, s.bytes, s.class_number, s.error
  FROM shard_files s
  LEFT JOIN numbered n ON n.version = s.version AND n.split = s.split
  LEFT JOIN class_counts k ON k.version = s.version
  LEFT JOIN class_labels c
    ON s.label IS NULL AND k.classes = n.shards AND c.version = s.version AND c.idx = s.class_number - 1;

CREATE VIEW ava_kinetics AS
  SELECT split, youtube_id, timestamp, x1, y1, x2, y2, action_id FROM ava_kinetics_boxes;

CREATE VIEW ava_actions AS
  SELECT action_id, name, label_type, in_activitynet FROM ava_action_names;

CREATE VIEW countix AS
  SELECT split, youtube_id, label, kinetics_start, kinetics_end,
         repetition_start, repetition_end, count
  FROM countix_counts;

CREATE VIEW sources AS
  SELECT path, bytes, sha256, rows, ingested_at, version, kind, etag FROM source_files;

CREATE VIEW readmes AS
  SELECT f.version, f.path, r.text FROM readme_files r JOIN source_files f ON f.id = r.source_id;
