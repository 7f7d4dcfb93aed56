import { dirname, resolve, sep } from 'node:path';
import type { Catalog } from '../catalog/catalog.js';
import { refreshClipFiles } from '../catalog/clip-files.js';
import { parseClipFileName } from '../util/clip-key.js';
import { type FileStatus, checkVideoFile } from './video-integrity.js';
import { type WalkedFile, walkTree } from './walk-tree.js';

export interface ScanOptions {
  roots: string[];
  /** Check the MP4 structure of every file not yet checked at its current size and mtime. */
  verify: boolean;
  /** Skip folders whose mtime did not change since the last scan. */
  quick: boolean;
  onProgress?: (progress: ScanProgress) => void;
}

export interface ScanProgress {
  files: number;
  dirs: number;
  verified: number;
}

export interface ScanSummary {
  roots: string[];
  seen: number;
  new: number;
  changed: number;
  unchanged: number;
  gone: number;
  verified: number;
  unknown: number;
  damaged: number;
  empty: number;
  short: number;
  skippedDirs: number;
  unreadable: { path: string; error: string }[];
  seconds: number;
}

interface KnownFile {
  bytes: number;
  mtime_ms: number;
  status: FileStatus;
  verified: number;
  clip_key: string | null;
}

interface FileRecord {
  path: string;
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
}

const REPLACEMENT_FOLDER = `${sep}replacement_for_corrupted_k400${sep}`;
const BATCH = 5000;
const VIDEO_EXTENSION = /\.(mp4|m4v|mov|webm|mkv)$/i;

/** Establishes a file's status: content is read only when asked to verify it. */
export function fileRecord(file: WalkedFile, rootId: number, verify: boolean, scannedAt: string): FileRecord {
  const clip = parseClipFileName(file.name);
  const base = {
    path: file.path,
    rootId,
    bytes: file.bytes,
    mtimeMs: file.mtimeMs,
    clipKey: clip?.clipKey ?? null,
    isReplacement: file.path.includes(REPLACEMENT_FOLDER) ? 1 : 0,
    scannedAt,
  };
  if (file.bytes === 0) return { ...base, status: 'empty', detail: null, duration: null, verified: 1 };
  if (!clip && !VIDEO_EXTENSION.test(file.name)) {
    return { ...base, status: 'unchecked', detail: 'not a video file name', duration: null, verified: 1 };
  }
  if (!verify) return { ...base, status: 'unverified', detail: null, duration: null, verified: 0 };
  const result = checkVideoFile(file.path, file.bytes, clip ? clip.timeEnd - clip.timeStart : null);
  return { ...base, ...result, verified: 1 };
}

/**
 * Catalogs the files under each root where they are. A file whose size and mtime are unchanged is not read again
 * (its status stands); a changed one is re-verified when it had been verified; vanished files become `gone`.
 * Writes go in batches, so an interrupted `--verify` keeps what it checked.
 */
export async function scan(catalog: Catalog, options: ScanOptions): Promise<ScanSummary> {
  const started = performance.now();
  const { sqlite } = catalog;
  const summary: ScanSummary = {
    roots: options.roots.map((root) => resolve(root)),
    seen: 0,
    new: 0,
    changed: 0,
    unchanged: 0,
    gone: 0,
    verified: 0,
    unknown: 0,
    damaged: 0,
    empty: 0,
    short: 0,
    skippedDirs: 0,
    unreadable: [],
    seconds: 0,
  };
  const upsert = sqlite.prepare(
    `INSERT INTO disk_files (path, root_id, bytes, mtime_ms, clip_key, is_replacement, status, detail, duration, verified, scanned_at, gone_at)
     VALUES (@path, @rootId, @bytes, @mtimeMs, @clipKey, @isReplacement, @status, @detail, @duration, @verified, @scannedAt, NULL)
     ON CONFLICT (path) DO UPDATE SET root_id = excluded.root_id, bytes = excluded.bytes, mtime_ms = excluded.mtime_ms,
       clip_key = excluded.clip_key, is_replacement = excluded.is_replacement, status = excluded.status,
       detail = excluded.detail, duration = excluded.duration, verified = excluded.verified,
       scanned_at = excluded.scanned_at, gone_at = NULL`,
  );
  const writeBatch = sqlite.transaction((records: FileRecord[]) => {
    for (const record of records) upsert.run(record);
  });
  const touchedKeys = new Set<string>();
  const progress: ScanProgress = { files: 0, dirs: 0, verified: 0 };

  for (const root of summary.roots) {
    const scannedAt = new Date().toISOString();
    const rootId = (
      sqlite
        .prepare('INSERT INTO scan_roots (path) VALUES (?) ON CONFLICT (path) DO UPDATE SET path = path RETURNING id')
        .get(root) as { id: number }
    ).id;
    const known = new Map(
      (sqlite.prepare('SELECT path, bytes, mtime_ms, status, verified, clip_key FROM disk_files WHERE root_id = ?').all(rootId) as (KnownFile & { path: string })[]).map(
        (row) => [row.path, row],
      ),
    );
    const knownDirs = options.quick ? loadKnownDirs(catalog, rootId) : undefined;
    const seen = new Set<string>();
    const skippedDirs = new Set<string>();
    const dirs: { path: string; parent: string | null; mtimeMs: number }[] = [];
    let pending: FileRecord[] = [];
    const record = (file: FileRecord) => {
      pending.push(file);
      if (file.clipKey) touchedKeys.add(file.clipKey);
      if (pending.length >= BATCH) {
        writeBatch(pending);
        pending = [];
      }
    };

    walkTree(root, {
      knownDirs,
      onDir(dir, skipped) {
        dirs.push(dir);
        progress.dirs++;
        if (skipped) {
          skippedDirs.add(dir.path);
          summary.skippedDirs++;
        }
      },
      onUnreadable(path, error) {
        summary.unreadable.push({ path, error: error.code ?? error.message });
      },
      onFile(file) {
        seen.add(file.path);
        summary.seen++;
        progress.files++;
        const previous = known.get(file.path);
        const isNew = !previous || previous.status === 'gone';
        const changed = !isNew && (previous.bytes !== file.bytes || previous.mtime_ms !== file.mtimeMs);
        if (isNew || changed) {
          if (isNew) summary.new++;
          else summary.changed++;
          const verify = options.verify || (changed && previous.verified === 1);
          const next = fileRecord(file, rootId, verify, scannedAt);
          if (verify && file.bytes > 0) progress.verified++;
          if (changed && previous.clip_key) touchedKeys.add(previous.clip_key);
          record(next);
        } else {
          summary.unchanged++;
          if (options.verify && previous.verified === 0) {
            progress.verified++;
            record(fileRecord(file, rootId, true, scannedAt));
          }
        }
        if (progress.files % 2000 === 0) options.onProgress?.(progress);
      },
    });
    if (summary.unreadable.some((entry) => entry.path === root)) continue;
    writeBatch(pending);

    sqlite.transaction(() => {
      const markGone = sqlite.prepare("UPDATE disk_files SET status = 'gone', gone_at = ? WHERE path = ?");
      for (const [path, previous] of known) {
        if (previous.status === 'gone' || seen.has(path) || skippedDirs.has(dirname(path))) continue;
        markGone.run(scannedAt, path);
        if (previous.clip_key) touchedKeys.add(previous.clip_key);
        summary.gone++;
      }
      sqlite.prepare('DELETE FROM scanned_dirs WHERE root_id = ?').run(rootId);
      const saveDir = sqlite.prepare('INSERT OR REPLACE INTO scanned_dirs (path, root_id, parent, mtime_ms) VALUES (?, ?, ?, ?)');
      for (const dir of dirs) saveDir.run(dir.path, rootId, dir.parent, dir.mtimeMs);
      sqlite.prepare('UPDATE scan_roots SET scanned_at = ? WHERE id = ?').run(scannedAt, rootId);
    })();
  }
  sqlite.transaction(() => refreshClipFiles(sqlite, touchedKeys))();
  options.onProgress?.(progress);
  summary.verified = progress.verified;
  Object.assign(summary, findings(catalog, summary.roots));
  summary.seconds = (performance.now() - started) / 1000;
  return summary;
}

function loadKnownDirs(catalog: Catalog, rootId: number): Map<string, { mtimeMs: number; children: string[] }> {
  const rows = catalog.sqlite.prepare('SELECT path, parent, mtime_ms FROM scanned_dirs WHERE root_id = ?').all(rootId) as {
    path: string;
    parent: string | null;
    mtime_ms: number;
  }[];
  const dirs = new Map(rows.map((row) => [row.path, { mtimeMs: row.mtime_ms, children: [] as string[] }]));
  for (const row of rows) if (row.parent !== null) dirs.get(row.parent)?.children.push(row.path);
  return dirs;
}

/** Counts over the present files of these roots: files no clip claims, and the damaged, empty and short ones. */
function findings(catalog: Catalog, roots: string[]): Pick<ScanSummary, 'unknown' | 'damaged' | 'empty' | 'short'> {
  return catalog.sqlite
    .prepare(
      `SELECT count(*) FILTER (WHERE NOT known) AS unknown,
              count(*) FILTER (WHERE status = 'damaged') AS damaged,
              count(*) FILTER (WHERE status = 'empty') AS empty,
              count(*) FILTER (WHERE status = 'short') AS short
       FROM files
       WHERE status <> 'gone' AND root IN (SELECT value FROM json_each(?))`,
    )
    .get(JSON.stringify(roots)) as Pick<ScanSummary, 'unknown' | 'damaged' | 'empty' | 'short'>;
}
