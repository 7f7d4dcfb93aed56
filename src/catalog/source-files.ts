import type { Database } from 'better-sqlite3';
import type { Catalog } from './catalog.js';
import type { SourceKind } from './schema.js';

/** The source files whose rows are clips: annotation CSVs and K600's `ls -R` listings (an SQL condition). */
export const CLIP_ROW_FILES = "kind IN ('annotations', 'listing')";

/** Each source file of clip rows with its row count: a few dozen rows, read whole where a share of them is wanted. */
export function clipRowFiles(db: Database): { id: number; version: string; split: string; rows: number }[] {
  return db.prepare(`SELECT id, version, split, rows FROM source_files WHERE ${CLIP_ROW_FILES}`).all() as {
    id: number;
    version: string;
    split: string;
    rows: number;
  }[];
}

export interface SourceFileRecord {
  id: number;
  path: string;
  bytes: number;
  sha256: string;
  etag: string | null;
  mtime_ms: number | null;
  rows: number;
}

export async function findSourceFile(catalog: Catalog, path: string): Promise<SourceFileRecord | undefined> {
  return catalog.db
    .selectFrom('source_files')
    .select(['id', 'path', 'bytes', 'sha256', 'etag', 'mtime_ms', 'rows'])
    .where('path', '=', path)
    .executeTakeFirst();
}

/**
 * The id a file's rows are stored under, creating the file's record (inside the caller's transaction), and whether
 * it was loaded before (it may have rows to replace).
 */
export async function sourceFileId(
  catalog: Catalog,
  path: string,
  version: string | null,
  kind: SourceKind,
  split: string | null,
): Promise<{ id: number; loadedBefore: boolean }> {
  const existing = await catalog.db.selectFrom('source_files').select('id').where('path', '=', path).executeTakeFirst();
  if (existing) {
    // The layout decides these; a record from an older catalog (migration 004 could not tell an empty file's split)
    // is brought up to date when the file is loaded again.
    await catalog.db.updateTable('source_files').set({ version, kind, split }).where('id', '=', existing.id).execute();
    return { id: existing.id, loadedBefore: true };
  }
  const inserted = await catalog.db
    .insertInto('source_files')
    .values({ path, version, kind, split, bytes: 0, sha256: '', etag: null, mtime_ms: null, rows: 0, ingested_at: '' })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: inserted.id, loadedBefore: false };
}

export async function recordSourceFile(
  catalog: Catalog,
  id: number,
  facts: { bytes: number; sha256: string; etag: string | null; mtimeMs: number | null; rows: number },
): Promise<void> {
  await catalog.db
    .updateTable('source_files')
    .set({
      bytes: facts.bytes,
      sha256: facts.sha256,
      etag: facts.etag,
      mtime_ms: facts.mtimeMs,
      rows: facts.rows,
      ingested_at: new Date().toISOString(),
    })
    .where('id', '=', id)
    .execute();
}

/**
 * Keeps a file's new stamp (mtime, ETag) for the bytes it was found to hold, unless another process has recorded
 * other bytes for it since (then nothing changes, and false says so).
 */
export async function refreshSourceFileStamp(
  catalog: Catalog,
  record: { id: number; sha256: string },
  stamp: { etag: string | null; mtimeMs: number | null },
): Promise<boolean> {
  const result = await catalog.db
    .updateTable('source_files')
    .set({ etag: stamp.etag, mtime_ms: stamp.mtimeMs })
    .where('id', '=', record.id)
    .where('sha256', '=', record.sha256)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function writeSetting(catalog: Catalog, key: string, value: string): Promise<void> {
  await catalog.db
    .insertInto('catalog_settings')
    .values({ key, value })
    .onConflict((conflict) => conflict.column('key').doUpdateSet({ value }))
    .execute();
}

export function readSetting(catalog: Catalog, key: string): string | undefined {
  return catalog.sqlite.prepare('SELECT value FROM catalog_settings WHERE key = ?').pluck().get(key) as string | undefined;
}

/** The annotation files (and listings) of these versions, as a manifest pins them. */
export function annotationSourcesOf(catalog: Catalog, versions: string[]): { path: string; sha256: string; bytes: number }[] {
  return catalog.sqlite
    .prepare(
      `SELECT path, sha256, bytes FROM sources WHERE ${CLIP_ROW_FILES} AND version IN (SELECT value FROM json_each(?)) ORDER BY path`,
    )
    .all(JSON.stringify(versions)) as { path: string; sha256: string; bytes: number }[];
}

/** Forgets a source file's rows in these tables, before the file is loaded again. */
export function forgetRowsOf(catalog: Catalog, sourceId: number, tables: SourceRowTable[]): void {
  for (const table of tables) catalog.sqlite.prepare(`DELETE FROM ${table} WHERE source_id = ?`).run(sourceId);
}

export type SourceRowTable = 'source_labels' | 'ava_kinetics_boxes' | 'ava_action_names' | 'countix_counts';

export function storeReadme(catalog: Catalog, sourceId: number, version: string | null, text: string): void {
  catalog.sqlite.prepare('INSERT OR REPLACE INTO readme_files (source_id, version, text) VALUES (?, ?, ?)').run(sourceId, version, text);
}
