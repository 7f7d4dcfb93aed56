import { sep } from 'node:path';
import { BulkInserter } from './bulk-insert.js';
import type { Catalog } from './catalog.js';
import { deferIndexesIfEmpty, rebuildDeferredIndexes } from './deferred-indexes.js';
import { refreshFileStatistics } from './statistics.js';

export const FILE_STATUSES = ['ok', 'empty', 'damaged', 'short', 'unchecked', 'unverified', 'gone'] as const;
export type FileStatus = (typeof FILE_STATUSES)[number];

/** A row of disk_files as scan and fetch write it. */
export interface FileRecord {
  path: string;
  dir: string;
  rootId: number;
  bytes: number;
  mtimeMs: number;
  clipKey: string | null;
  isReplacement: number;
  status: FileStatus;
  detail: string | null;
  duration: number | null;
  verified: number;
  scannedAt: string;
  /** Orders the present files of a clip, lowest first: the one that serves the clip (see serving_files). */
  serveRank: number;
}

/** What a scan compares a walked file with. */
export interface KnownFile {
  path: string;
  bytes: number;
  mtime_ms: number;
  status: FileStatus;
  verified: number;
}

export interface KnownDir {
  path: string;
  parent: string | null;
  mtime_ms: number;
}

export type FileFindings = { unknown: number; damaged: number; empty: number; short: number };

/** The id of a folder files are recorded under, recording the folder the first time. */
export function scanRootId(catalog: Catalog, path: string): number {
  return (
    catalog.sqlite.prepare('INSERT INTO scan_roots (path) VALUES (?) ON CONFLICT (path) DO UPDATE SET path = path RETURNING id').get(path) as {
      id: number;
    }
  ).id;
}

export function holdsDiskFiles(catalog: Catalog): boolean {
  return catalog.sqlite.prepare('SELECT 1 FROM disk_files LIMIT 1').get() !== undefined;
}

/**
 * Runs a recording of files (a scan of one root). Into an empty table, disk_files' indexes are set aside and
 * rebuilt after, with best_files filled in one statement (see deferred-indexes), also when the recording fails.
 */
export async function recordingFiles<T>(catalog: Catalog, body: () => Promise<T>): Promise<T> {
  deferIndexesIfEmpty(catalog.sqlite, 'disk_files', () => !holdsDiskFiles(catalog));
  try {
    return await body();
  } finally {
    rebuildDeferredIndexes(catalog.sqlite);
  }
}

/** After files were recorded: statistics for the planner, when enough changed (see statistics). */
export function finishedRecordingFiles(catalog: Catalog, filesChanged: number): void {
  refreshFileStatistics(catalog.sqlite, filesChanged);
}

/** The recorded files of one folder, whatever root recorded them. */
export function knownFilesReader(catalog: Catalog): (dir: string) => KnownFile[] {
  const select = catalog.sqlite.prepare('SELECT path, bytes, mtime_ms, status, verified FROM disk_files WHERE dir = ?');
  return (dir) => select.all(dir) as KnownFile[];
}

/** The paths strictly under `root`: greater than `root/`, less than `root` followed by the character after '/'. */
export function pathRange(root: string): [string, string] {
  const prefix = root.endsWith(sep) ? root : root + sep;
  return [prefix, prefix.slice(0, -1) + String.fromCharCode(sep.charCodeAt(0) + 1)];
}

/** Folders at or under `root` that hold files not gone. */
export function foldersWithFiles(catalog: Catalog, root: string): string[] {
  const [low, high] = pathRange(root);
  return catalog.sqlite
    .prepare("SELECT DISTINCT dir FROM disk_files WHERE status <> 'gone' AND (dir = ? OR (dir > ? AND dir < ?))")
    .pluck()
    .all(root, low, high) as string[];
}

/** What a walk of one root established besides its files: what vanished, and the folders as they were seen. */
export function recordWalk(
  catalog: Catalog,
  walk: { rootId: number; scannedAt: string; gonePaths: Iterable<string>; dirs: { path: string; parent: string | null; mtimeMs: number }[] },
): void {
  const { sqlite } = catalog;
  sqlite.transaction(() => {
    const markGone = sqlite.prepare("UPDATE disk_files SET status = 'gone', gone_at = ? WHERE path = ?");
    for (const path of walk.gonePaths) markGone.run(walk.scannedAt, path);
    sqlite.prepare('DELETE FROM scanned_dirs WHERE root_id = ?').run(walk.rootId);
    const saveDir = sqlite.prepare('INSERT OR REPLACE INTO scanned_dirs (path, root_id, parent, mtime_ms) VALUES (?, ?, ?, ?)');
    for (const dir of walk.dirs) saveDir.run(dir.path, walk.rootId, dir.parent, dir.mtimeMs);
    sqlite.prepare('UPDATE scan_roots SET scanned_at = ? WHERE id = ?').run(walk.scannedAt, walk.rootId);
  }).immediate();
}

export function knownDirsOf(catalog: Catalog, rootId: number): KnownDir[] {
  return catalog.sqlite.prepare('SELECT path, parent, mtime_ms FROM scanned_dirs WHERE root_id = ?').all(rootId) as KnownDir[];
}

/**
 * Counts over the present files under these roots, whichever scan or fetch recorded them: files no clip claims,
 * and the damaged, empty and short ones.
 */
export function fileFindings(catalog: Catalog, roots: string[]): FileFindings {
  return catalog.sqlite
    .prepare(
      `SELECT count(*) FILTER (WHERE NOT known) AS unknown,
              count(*) FILTER (WHERE status = 'damaged') AS damaged,
              count(*) FILTER (WHERE status = 'empty') AS empty,
              count(*) FILTER (WHERE status = 'short') AS short
       FROM files
       WHERE status <> 'gone' AND (${roots.map(() => '(path > ? AND path < ?)').join(' OR ')})`,
    )
    .get(roots.flatMap(pathRange)) as FileFindings;
}

const WRITE_BATCH = 5000;
export const FILE_COLUMNS = [
  'path',
  'dir',
  'root_id',
  'bytes',
  'mtime_ms',
  'clip_key',
  'is_replacement',
  'status',
  'detail',
  'duration',
  'verified',
  'scanned_at',
  'serve_rank',
] as const;

/**
 * Writes file records in transactions of a few thousand, so an interrupted scan keeps what it established (a
 * `--verify` resumes where it stopped), with many-row upserts: a known path, under whatever scan root, is updated
 * in place, keeping its id.
 */
export class FileWriter {
  private pending: FileRecord[] = [];
  /** Records written so far: how much a scan or fetch changed. */
  written = 0;
  private readonly write: (records: FileRecord[]) => void;

  constructor(catalog: Catalog) {
    const upsert = new BulkInserter(
      catalog.sqlite,
      'disk_files',
      FILE_COLUMNS,
      256,
      `ON CONFLICT (path) DO UPDATE SET ${FILE_COLUMNS.filter((column) => column !== 'path').map((column) => `${column} = excluded.${column}`).join(', ')}, gone_at = NULL`,
    );
    this.write = catalog.sqlite.transaction((records: FileRecord[]) => {
      for (const r of records) {
        upsert.add(r.path, r.dir, r.rootId, r.bytes, r.mtimeMs, r.clipKey, r.isReplacement, r.status, r.detail, r.duration, r.verified, r.scannedAt, r.serveRank);
      }
      upsert.flush();
    });
  }

  add(record: FileRecord): void {
    this.pending.push(record);
    if (this.pending.length >= WRITE_BATCH) this.flush();
  }

  flush(): void {
    this.write(this.pending);
    this.written += this.pending.length;
    this.pending = [];
  }
}
