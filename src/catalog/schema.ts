import type { Generated } from 'kysely';

/** Table and view shapes of the catalog, for kysely's typed queries. */
export interface SourceFileTable {
  id: Generated<number>;
  path: string;
  version: string | null;
  kind: SourceKind;
  split: string | null;
  bytes: number;
  sha256: string;
  etag: string | null;
  mtime_ms: number | null;
  rows: number;
  ingested_at: string;
}

export type SourceKind = 'annotations' | 'listing' | 'path-list' | 'readme' | 'ava-kinetics' | 'countix';

export interface ClipRow {
  version: string;
  split: string;
  youtube_id: string;
  time_start: number;
  time_end: number;
  label: string | null;
  is_cc: number | null;
  clip_key: string;
}

export interface ClassRow {
  version: string;
  label: string;
  idx: number;
}

export interface ShardFileTable {
  version: string;
  split: string;
  name: string;
  source_id: number | null;
  path: string;
  url: string;
  label: string | null;
  class_number: number | null;
  state: Generated<string>;
  bytes: number | null;
  error: string | null;
  archive_path: string | null;
  archive_bytes: number | null;
}

export interface ShardRow {
  version: string;
  split: string;
  name: string;
  url: string;
  label: string | null;
  state: string;
  bytes: number | null;
  class_number: number | null;
  error: string | null;
  etag: string | null;
  members_known: number;
  /** An archive of it that `scan` found on disk, and its size then. */
  archive_path: string | null;
  archive_bytes: number | null;
}

export interface SourceRow {
  path: string;
  bytes: number;
  sha256: string;
  rows: number;
  ingested_at: string;
  version: string | null;
  kind: SourceKind;
  etag: string | null;
  split: string | null;
}

export interface MigrationTable {
  id: number;
  name: string;
  sha256: string;
  applied_at: string;
}

export interface CatalogSettingTable {
  key: string;
  value: string;
}

export interface CatalogSchema {
  catalog_settings: CatalogSettingTable;
  schema_migrations: MigrationTable;
  source_files: SourceFileTable;
  shard_files: ShardFileTable;
  clips: ClipRow;
  classes: ClassRow;
  shards: ShardRow;
  sources: SourceRow;
}
