import { sep } from 'node:path';
import { BulkInserter } from './bulk-insert.js';
import type { MediaInfo } from '../scan/video-integrity.js';
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
  /** The YouTube id of a name that gives no window (`<youtube_id>.mp4`): matched to a clip after the walk. */
  youtubeId: string | null;
  /** 'name' for a CVDF name; null until a YouTube-id name is matched (see migration 011). */
  matchedBy: 'name' | null;
  /** The video track the moov describes, when verified (see migration 012). */
  media: MediaInfo | null;
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
/** What every record gives: a plain scan writes these alone (most files of a first scan). */
const PLAIN_COLUMNS = ['path', 'dir', 'root_id', 'bytes', 'mtime_ms', 'clip_key', 'is_replacement', 'status', 'detail', 'duration', 'verified', 'scanned_at', 'serve_rank', 'matched_by'] as const;
/** What a record gives besides, for a file named by YouTube id or read with --verify. */
const MEDIA_COLUMNS = ['youtube_id', 'codec', 'width', 'height', 'frames', 'fps', 'has_audio'] as const;

export const FILE_COLUMNS = [...PLAIN_COLUMNS, ...MEDIA_COLUMNS, 'candidates'] as const;

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
    // Two statements, so that the many plain records bind none of the columns they leave empty: an update of a
    // known path sets those back to NULL (a file rewritten is unverified until read again). The matching after
    // a scan's walk sets candidates.
    const upsert = (columns: readonly string[]) =>
      new BulkInserter(
        catalog.sqlite,
        'disk_files',
        columns,
        256,
        `ON CONFLICT (path) DO UPDATE SET ${FILE_COLUMNS.filter((column) => column !== 'path')
          .map((column) => `${column} = ${columns.includes(column) ? `excluded.${column}` : 'NULL'}`)
          .join(', ')}, gone_at = NULL`,
      );
    const plain = upsert(PLAIN_COLUMNS);
    const full = upsert([...PLAIN_COLUMNS, ...MEDIA_COLUMNS]);
    this.write = catalog.sqlite.transaction((records: FileRecord[]) => {
      for (const r of records) {
        const values = [r.path, r.dir, r.rootId, r.bytes, r.mtimeMs, r.clipKey, r.isReplacement, r.status, r.detail, r.duration, r.verified, r.scannedAt, r.serveRank, r.matchedBy];
        if (r.media === null && r.youtubeId === null) plain.add(...values);
        else {
          const media = r.media;
          full.add(...values, r.youtubeId, media?.codec ?? null, media?.width ?? null, media?.height ?? null, media?.frames ?? null, media?.fps ?? null, media ? (media.hasAudio ? 1 : 0) : null);
        }
      }
      plain.flush();
      full.flush();
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

/** The clips a YouTube-id name may be matched to: those of these versions and splits (all when empty). */
export interface MatchScope {
  versions: string[];
  splits: string[];
}

/**
 * Matches the files under these roots whose names give a YouTube id but no window to a clip, set-based: to the one
 * clip of the scope with that id, else `ambiguous` (with the candidates) or `none`. Done again by every scan, so a
 * later ingest or another scope is taken into account.
 */
export function matchYoutubeNames(catalog: Catalog, roots: string[], scope: MatchScope): { matched: number; ambiguous: number; none: number } {
  const { sqlite } = catalog;
  const under = `(${roots.map(() => '(f.path > ? AND f.path < ?)').join(' OR ')})`;
  const ranges = roots.flatMap(pathRange);
  const params = { versions: JSON.stringify(scope.versions), splits: JSON.stringify(scope.splits) };
  return sqlite.transaction(() => {
    sqlite
      .prepare(
        `WITH wanted AS (SELECT DISTINCT f.youtube_id FROM disk_files f WHERE f.youtube_id IS NOT NULL AND f.status <> 'gone' AND ${under}),
         candidates AS (
           SELECT c.youtube_id, count(DISTINCT c.clip_key) AS clips, min(c.clip_key) AS only,
                  group_concat(DISTINCT c.clip_key) AS keys
           FROM clip_annotations c JOIN wanted w ON w.youtube_id = c.youtube_id
           WHERE (json_array_length(@versions) = 0 OR c.version IN (SELECT value FROM json_each(@versions)))
             AND (json_array_length(@splits) = 0 OR c.split IN (SELECT value FROM json_each(@splits)))
           GROUP BY c.youtube_id)
         UPDATE disk_files AS f SET
           clip_key = CASE WHEN m.clips = 1 THEN m.only END,
           matched_by = CASE WHEN m.clips = 1 THEN 'youtube_id' WHEN m.clips > 1 THEN 'ambiguous' ELSE 'none' END,
           candidates = CASE WHEN m.clips > 1 THEN m.keys END
         FROM (SELECT w.youtube_id, coalesce(c.clips, 0) AS clips, c.only, c.keys FROM wanted w LEFT JOIN candidates c USING (youtube_id)) AS m
         WHERE f.youtube_id = m.youtube_id AND f.status <> 'gone' AND ${under}`,
      )
      .run(...ranges, ...ranges, params);
    const counts = sqlite
      .prepare(
        `SELECT count(*) FILTER (WHERE matched_by = 'youtube_id') AS matched, count(*) FILTER (WHERE matched_by = 'ambiguous') AS ambiguous,
                count(*) FILTER (WHERE matched_by = 'none') AS none
         FROM disk_files f WHERE f.youtube_id IS NOT NULL AND f.status <> 'gone' AND ${under}`,
      )
      .get(...ranges) as { matched: number; ambiguous: number; none: number };
    return counts;
  }).immediate();
}
