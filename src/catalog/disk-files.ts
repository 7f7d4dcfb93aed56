import { sep } from 'node:path';
import { BulkInserter, StagingTable } from './bulk-insert.js';
import type { MediaInfo } from '../scan/video-integrity.js';
import type { Catalog } from './catalog.js';
import { deferIndexesIf, hasAbandonedIndexes, isLoadingElsewhere, isLoadingHere, loadingElsewhere, rebuildDeferredIndexes, waitWhileLoadingElsewhere } from './deferred-indexes.js';
import { KineticsError } from '../errors.js';
import { PATH_INDEX, refreshFileStatistics } from './statistics.js';

export const FILE_STATUSES = ['ok', 'empty', 'damaged', 'undecodable', 'short', 'unchecked', 'unverified', 'gone'] as const;
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
  /** Of the file's bytes, when they were read whole (fetch, scan --checksum); see migration 014. */
  sha256: string | null;
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

export type FileFindings = { unknown: number; damaged: number; undecodable: number; empty: number; short: number };

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
  deferIndexesIf(catalog.sqlite, 'disk_files', () => !holdsDiskFiles(catalog));
  try {
    return await body();
  } finally {
    // Its own, or a gone load's: never those of another load still running.
    if (hasAbandonedIndexes(catalog.sqlite)) rebuildDeferredIndexes(catalog.sqlite);
  }
}

/** After files were recorded: statistics for the planner, when enough changed (see statistics). */
export function finishedRecordingFiles(catalog: Catalog, filesChanged: number): void {
  refreshFileStatistics(catalog.sqlite, filesChanged);
}

/** The serve_rank the catalog holds for the file at a path, if its record is of these size and mtime. */
export function recordedRank(catalog: Catalog, path: string, bytes: number, mtimeMs: number): number | undefined {
  const row = catalog.sqlite
    .prepare("SELECT serve_rank FROM disk_files WHERE path = ? AND bytes = ? AND mtime_ms = ? AND status <> 'gone'")
    .get(path, bytes, mtimeMs) as { serve_rank: number } | undefined;
  return row?.serve_rank;
}

const FOLDER_INDEX = 'disk_files_by_dir';

/**
 * The recorded files of one folder, whatever root recorded them. Through the folder index whatever the statistics
 * say: those of a first scan of one folder rate the index useless (every file in the same folder), and a scan of
 * 200k files after it read the whole growing table once per folder (22 s instead of 4.7 s).
 */
export function knownFilesReader(catalog: Catalog): (dir: string) => KnownFile[] {
  const select = catalog.sqlite.prepare(knownFilesQuery(catalog));
  return (dir) => select.all(dir) as KnownFile[];
}

export function knownFilesQuery(catalog: Catalog): string {
  const byDir = hasIndex(catalog.sqlite, FOLDER_INDEX) ? `INDEXED BY ${FOLDER_INDEX}` : ''; // aside while a first scan loads
  return `SELECT path, bytes, mtime_ms, status, verified FROM disk_files ${byDir} WHERE dir = ?`;
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
 * and the damaged, empty and short ones. `filesSeen` (under the roots, by the scan just done) picks the reading:
 * through the path index for a few folders of a large catalog; the whole table, 3× faster (0.07 s against 0.21 s
 * for 200k files), once they are a good part of it.
 */
export function fileFindings(catalog: Catalog, roots: string[], filesSeen: number): FileFindings {
  const recorded = catalog.sqlite.prepare('SELECT count(*) FROM disk_files').pluck().get() as number;
  const path = filesSeen * 4 >= recorded ? '+path' : 'path';
  return catalog.sqlite
    .prepare(
      `SELECT count(*) FILTER (WHERE NOT known) AS unknown,
              count(*) FILTER (WHERE status = 'damaged') AS damaged,
              count(*) FILTER (WHERE status = 'undecodable') AS undecodable,
              count(*) FILTER (WHERE status = 'empty') AS empty,
              count(*) FILTER (WHERE status = 'short') AS short
       FROM files
       WHERE status <> 'gone' AND (${underRoots(roots, path)})`,
    )
    .get(roots.flatMap(pathRange)) as FileFindings;
}

/**
 * A batch of records is written once it holds this many or has gathered for this long: an interrupted scan redoes at
 * most about a second of its work (a --verify reads every file), and a large one commits seldom, since a commit
 * writes every page its upserts touched all over the indexes (50,000-record batches: 6.6 s for 200k files scanned
 * after another scan; 5,000: 11.2 s). A first scan's plain inserts, which only add pages, gain nothing either way.
 */
const BATCH_RECORDS = 50_000;
const BATCH_MILLISECONDS = 1000;
/** What every record gives: a plain scan writes these alone (most files of a first scan). */
const PLAIN_COLUMNS = ['path', 'dir', 'root_id', 'bytes', 'mtime_ms', 'clip_key', 'is_replacement', 'status', 'detail', 'duration', 'verified', 'scanned_at', 'serve_rank', 'matched_by'] as const;
/** What a record gives besides, for a file named by YouTube id, read with --verify or hashed. */
const MEDIA_COLUMNS = ['youtube_id', 'codec', 'width', 'height', 'frames', 'fps', 'has_audio', 'sha256'] as const;
const RECORD_COLUMNS = [...PLAIN_COLUMNS, ...MEDIA_COLUMNS] as const;

/** Set after a record is written (matching, decoding): a rewritten file has them NULL until done again. */
export const FILE_COLUMNS = [...RECORD_COLUMNS, 'candidates', 'decoded'] as const;

/** Two statements, so that the many plain records bind none of the columns they leave empty. */
interface RecordInserters {
  plain: BulkInserter;
  full: BulkInserter;
}

/**
 * Writes file records in batches (see BATCH_RECORDS), so an interrupted scan keeps what it established (a
 * `--verify` resumes where it stopped). A known path, under whatever scan root, is updated in place, keeping its id:
 * a batch is upserted by one statement from a staging table. Into a table this process's first scan is loading,
 * path index set aside, plain inserts: a walk lists each path once.
 */
export class FileWriter {
  private pending: FileRecord[] = [];
  private gatheringSince = 0;
  /** Records written so far: how much a scan or fetch changed. */
  written = 0;
  /** False, writing nothing, when this process may not write file rows now (see mayWriteFiles). */
  private readonly write: (records: FileRecord[]) => boolean;
  private readonly catalog: Catalog;

  constructor(catalog: Catalog) {
    const { sqlite } = catalog;
    const into = (table: string): RecordInserters => ({
      plain: new BulkInserter(sqlite, table, PLAIN_COLUMNS),
      full: new BulkInserter(sqlite, table, RECORD_COLUMNS),
    });
    // Made when first needed: an upsert cannot be prepared while the index is aside.
    let staging: { table: StagingTable; records: RecordInserters } | undefined;
    let loading: RecordInserters | undefined;
    const transaction = sqlite.transaction((records: FileRecord[]) => {
      if (!mayWriteFiles(sqlite)) return false;
      if (hasPathIndex(sqlite)) {
        if (!staging) {
          const table = new StagingTable(sqlite, 'disk_files', RECORD_COLUMNS, UPSERT_ON_PATH);
          staging = { table, records: into(table.name) };
        }
        const { table, records: inserters } = staging;
        table.moveIn(() => insertRecords(inserters, records));
      } else insertRecords((loading ??= into('disk_files')), records);
      return true;
    });
    this.write = (records) => transaction.immediate(records);
    this.catalog = catalog;
  }

  add(record: FileRecord): void {
    if (this.pending.length === 0) this.gatheringSince = performance.now();
    this.pending.push(record);
    if (this.pending.length >= BATCH_RECORDS || performance.now() - this.gatheringSince >= BATCH_MILLISECONDS) this.flush();
  }

  /**
   * Writes what was added. Inside a caller's transaction (fetch writes a shard's files with its members) it cannot
   * wait for another process's bulk load, which needs the catalog to end: such a caller asks readyToWrite first.
   */
  flush(): void {
    while (!this.write(this.pending)) {
      if (this.catalog.sqlite.inTransaction) throw cannotWriteFilesNow(this.catalog.sqlite);
      waitToWriteFiles(this.catalog);
    }
    this.written += this.pending.length;
    this.pending = [];
  }

  /** Waits, outside any transaction, until this writer can write (see waitToWriteFiles). */
  readyToWrite(): void {
    waitToWriteFiles(this.catalog);
  }
}

function insertRecords({ plain, full }: RecordInserters, records: FileRecord[]): void {
  for (const r of records) {
    const values = [r.path, r.dir, r.rootId, r.bytes, r.mtimeMs, r.clipKey, r.isReplacement, r.status, r.detail, r.duration, r.verified, r.scannedAt, r.serveRank, r.matchedBy];
    if (r.media === null && r.youtubeId === null && r.sha256 === null) plain.add(...values);
    else {
      const media = r.media;
      full.add(...values, r.youtubeId, media?.codec ?? null, media?.width ?? null, media?.height ?? null, media?.frames ?? null, media?.fps ?? null, media ? (media.hasAudio ? 1 : 0) : null, r.sha256);
    }
  }
  plain.flush();
  full.flush();
}

/**
 * How a staged batch is moved in (see StagingTable): a known path is updated in place, keeping its id, and what its
 * record leaves empty goes back to NULL (a file rewritten is unverified until read again).
 */
const UPSERT_ON_PATH = `ON CONFLICT (path) DO UPDATE SET ${FILE_COLUMNS.filter((column) => column !== 'path')
  .map((column) => `${column} = ${(RECORD_COLUMNS as readonly string[]).includes(column) ? `excluded.${column}` : 'NULL'}`)
  .join(', ')}, gone_at = NULL`;

function hasPathIndex(sqlite: Catalog['sqlite']): boolean {
  return hasIndex(sqlite, PATH_INDEX);
}

function hasIndex(sqlite: Catalog['sqlite'], name: string): boolean {
  return sqlite.prepare("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?").get(name) !== undefined;
}

/**
 * Whether file rows may be written now: this process's own first scan loading them, or paths upserted with the
 * path index live and no other process's load in the way. Not while another process bulk-loads the catalog (any
 * table), nor with a killed load's indexes aside: a file row's triggers give its clip a status, which with the clip
 * indexes aside looks through every clip row (a scan opened before an ingest set them aside wrote 80,000 files in 8
 * minutes, and held the catalog until the ingest gave up). A load of this process's own is its caller's to mind.
 */
export function mayWriteFiles(sqlite: Catalog['sqlite']): boolean {
  if (isLoadingHere(sqlite, 'disk_files')) return true;
  return hasPathIndex(sqlite) && !isLoadingElsewhere(sqlite) && !leftByAnotherLoad(sqlite);
}

const leftByAnotherLoad = (sqlite: Catalog['sqlite']) => hasAbandonedIndexes(sqlite) && !isLoadingHere(sqlite);

/** Inside a transaction, which cannot wait: another process's load runs, or a killed one is to be finished first. */
export function cannotWriteFilesNow(sqlite: Catalog['sqlite']): KineticsError {
  if (!leftByAnotherLoad(sqlite)) return loadingElsewhere(sqlite);
  return new KineticsError(`a bulk load of the catalog ${sqlite.name} was interrupted, and is finished only outside this step: run this again`, 75);
}

/**
 * Until this process may write file rows (see mayWriteFiles): another process's bulk load is waited for (exit 75
 * after KINETICS_BUSY_WAIT), and what a killed one left is put back here. Outside a transaction: the other process
 * needs the catalog to end its load.
 */
export function waitToWriteFiles(catalog: Catalog): void {
  const { sqlite } = catalog;
  while (!mayWriteFiles(sqlite)) {
    waitWhileLoadingElsewhere(sqlite);
    if (leftByAnotherLoad(sqlite) || !hasPathIndex(sqlite)) {
      if (rebuildDeferredIndexes(sqlite) === 0 && !hasPathIndex(sqlite)) {
        throw new KineticsError(`the catalog ${sqlite.name} is damaged: disk_files has no index ${PATH_INDEX}, and none is set aside`, 65);
      }
    }
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
  const under = `(${underRoots(roots, 'f.path')})`;
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

/** A file `scan --decode` has yet to decode. */
export interface FileToDecode {
  id: number;
  path: string;
  is_replacement: number;
  status: FileStatus;
}

/**
 * The files under these roots that hold a clip and were not decoded at their current size and mtime: those whose
 * structure is sound (damaged and empty ones are known bad already), and those fetch called undecodable from their
 * member without decoding them, in path order.
 */
export function filesToDecode(catalog: Catalog, roots: string[]): FileToDecode[] {
  return catalog.sqlite
    .prepare(
      `SELECT id, path, is_replacement, status FROM disk_files
       WHERE decoded IS NULL AND clip_key IS NOT NULL AND status IN ('ok', 'short', 'unchecked', 'undecodable') AND (${underRoots(roots, 'path')})
       ORDER BY path`,
    )
    .all(roots.flatMap(pathRange)) as FileToDecode[];
}

export interface DecodeOutcome {
  id: number;
  /** ffmpeg's first complaint, with the file's serve_rank as undecodable and its sha256 now; undefined: it decoded. */
  undecodable?: { complaint: string; serveRank: number; sha256: string | null };
  /** For a file that decoded cleanly though it was called undecodable: what its structure says it is. */
  restored?: { status: FileStatus; detail: string | null; serveRank: number };
}

/** Records what decoding found, in one transaction: the triggers choose each clip's serving file again. */
export function recordDecodes(catalog: Catalog, outcomes: DecodeOutcome[]): void {
  waitToWriteFiles(catalog);
  const decoded = catalog.sqlite.prepare('UPDATE disk_files SET decoded = 1 WHERE id = ?');
  const restored = catalog.sqlite.prepare('UPDATE disk_files SET decoded = 1, status = ?, detail = ?, serve_rank = ? WHERE id = ?');
  const undecodable = catalog.sqlite.prepare(
    "UPDATE disk_files SET decoded = 0, status = 'undecodable', detail = ?, serve_rank = ?, sha256 = coalesce(?, sha256) WHERE id = ?",
  );
  catalog.sqlite.transaction(() => {
    for (const { id, undecodable: bad, restored: good } of outcomes) {
      if (bad) undecodable.run(bad.complaint, bad.serveRank, bad.sha256, id);
      else if (good) restored.run(good.status, good.detail, good.serveRank, id);
      else decoded.run(id);
    }
  }).immediate();
}

/** A file to hash, with the sum recorded for it at its size and mtime (when hashing all again). */
export interface FileToHash {
  id: number;
  path: string;
  sha256: string | null;
  is_replacement: number;
}

/**
 * The files under these roots that hold a clip and were not hashed at their current size and mtime; with `all`,
 * every one of them (to find those whose bytes changed under an unchanged size and mtime).
 */
export function filesToHash(catalog: Catalog, roots: string[], all: boolean): FileToHash[] {
  return catalog.sqlite
    .prepare(
      `SELECT id, path, sha256, is_replacement FROM disk_files
       WHERE ${all ? '' : 'sha256 IS NULL AND '}clip_key IS NOT NULL AND status NOT IN ('gone', 'empty') AND (${underRoots(roots, 'path')})
       ORDER BY path`,
    )
    .all(roots.flatMap(pathRange)) as FileToHash[];
}

export interface HashOutcome {
  id: number;
  sha256: string;
  /** The sum recorded before, when the bytes no longer have it: the file is then damaged, with this serve_rank. */
  changedFrom?: { sha256: string; damagedRank: number };
}

export function recordChecksums(catalog: Catalog, outcomes: HashOutcome[]): void {
  waitToWriteFiles(catalog);
  const save = catalog.sqlite.prepare('UPDATE disk_files SET sha256 = ? WHERE id = ?');
  const corrupted = catalog.sqlite.prepare("UPDATE disk_files SET sha256 = ?, status = 'damaged', serve_rank = ?, detail = ? WHERE id = ?");
  catalog.sqlite.transaction(() => {
    for (const outcome of outcomes) {
      if (!outcome.changedFrom) save.run(outcome.sha256, outcome.id);
      else {
        const detail = `its bytes changed since they were hashed (sha256 ${outcome.changedFrom.sha256.slice(0, 12)}…) under the same size and mtime: silently corrupted`;
        corrupted.run(outcome.sha256, outcome.changedFrom.damagedRank, detail, outcome.id);
      }
    }
  }).immediate();
}

/**
 * Files under these roots whose sha256 differs from that of a shard member of their clip with the same size (and
 * matches none) are damaged: silently corrupted since that member was streamed. A file of another size is another
 * encode (a copy made elsewhere), not comparable. Returns how many were found.
 */
export function markChecksumMismatches(catalog: Catalog, roots: string[], damagedRank: number): number {
  waitToWriteFiles(catalog);
  return catalog.sqlite
    .prepare(
      `UPDATE disk_files AS f
       SET status = 'damaged', serve_rank = @rank - f.is_replacement,
           detail = 'sha256 differs from that of its shard member ' || m.version || '/' || m.split || '/' || m.shard || ' of the same size: corrupted since'
       FROM shard_member_files m
       WHERE m.clip_key = f.clip_key AND m.bytes = f.bytes AND m.sha256 IS NOT NULL AND m.sha256 <> f.sha256
         AND f.sha256 IS NOT NULL AND f.status IN ('ok', 'short', 'unchecked', 'unverified', 'undecodable')
         AND NOT EXISTS (SELECT 1 FROM shard_member_files g WHERE g.clip_key = f.clip_key AND g.sha256 = f.sha256)
         AND (${underRoots(roots, 'f.path')})`,
    )
    .run({ rank: damagedRank }, ...roots.flatMap(pathRange)).changes;
}

/** What a short file's detail gains when its bytes are those of a shard member: CVDF's clip is that short. */
export const SHORT_AT_SOURCE = 'short at the source (the size of its shard member)';

/**
 * Short files under these roots of the same size as a shard member of their clip are short at the source, as CVDF
 * says 5 % of K700-2020's test clips are: said in their detail (once).
 */
export function noteShortAtSource(catalog: Catalog, roots: string[]): number {
  return catalog.sqlite
    .prepare(
      `UPDATE disk_files AS f SET detail = coalesce(f.detail || '; ', '') || @note
       WHERE f.status = 'short' AND coalesce(f.detail, '') NOT LIKE '%' || @note
         AND EXISTS (SELECT 1 FROM shard_member_files m WHERE m.clip_key = f.clip_key AND m.bytes = f.bytes)
         AND (${underRoots(roots, 'f.path')})`,
    )
    .run({ note: SHORT_AT_SOURCE }, ...roots.flatMap(pathRange)).changes;
}

/** A condition on a path column: under one of the roots (bound as pathRange pairs). */
export function underRoots(roots: string[], column: string): string {
  return roots.map(() => `(${column} > ? AND ${column} < ?)`).join(' OR ');
}

