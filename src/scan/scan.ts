import { statSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import type { Catalog } from '../catalog/catalog.js';
import { scanRootId } from '../catalog/scan-roots.js';
import { deferIndexes, rebuildDeferredIndexes } from '../catalog/deferred-indexes.js';
import { refreshFileStatistics } from '../catalog/statistics.js';
import { BEING_EXTRACTED, fileRecord } from './file-record.js';
import { FileWriter } from './file-writer.js';
import { walkWithFind } from './find-walk.js';
import type { FileStatus } from './video-integrity.js';
import { type WalkOptions, type WalkedDir, walkTree } from './walk-tree.js';

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
  path: string;
  bytes: number;
  mtime_ms: number;
  status: FileStatus;
  verified: number;
  /** Set when this walk finds the file again. */
  found?: boolean;
}

/**
 * Catalogs the files under each root where they are. A file whose size and mtime are unchanged is not read again
 * (its status stands); a changed one is re-verified when it had been verified; vanished files become `gone`.
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
  const writer = new FileWriter(sqlite);
  const progress: ScanProgress = { files: 0, dirs: 0, verified: 0 };
  for (const root of summary.roots) {
    if (!sqlite.prepare('SELECT 1 FROM disk_files LIMIT 1').get()) deferIndexes(sqlite, 'disk_files');
    try {
      await scanRoot(catalog, root, options, summary, progress, writer);
    } finally {
      rebuildDeferredIndexes(sqlite);
    }
  }
  refreshFileStatistics(sqlite, writer.written + summary.gone);
  options.onProgress?.(progress);
  summary.verified = progress.verified;
  Object.assign(summary, findings(catalog, summary.roots));
  summary.seconds = (performance.now() - started) / 1000;
  return summary;
}

async function scanRoot(
  catalog: Catalog,
  root: string,
  options: ScanOptions,
  summary: ScanSummary,
  progress: ScanProgress,
  writer: FileWriter,
): Promise<void> {
  const { sqlite } = catalog;
  const scannedAt = new Date().toISOString();
  const rootId = scanRootId(sqlite, root);
  const knownDirs = options.quick ? loadKnownDirs(catalog, rootId) : undefined;
  // What the catalog knows is read folder by folder, only for folders the walk reads.
  const selectDir = sqlite.prepare('SELECT path, bytes, mtime_ms, status, verified FROM disk_files WHERE dir = ?');
  const knownByDir = new Map<string, Map<string, KnownFile>>();
  // Known files are looked up by folder whatever root recorded them, so overlapping roots see each other's files.
  const firstScan = !sqlite.prepare('SELECT 1 FROM disk_files LIMIT 1').get();
  const knownIn = (dir: string) => {
    let files = knownByDir.get(dir);
    if (!files) {
      if (firstScan) return new Map<string, KnownFile>();
      files = new Map((selectDir.all(dir) as KnownFile[]).map((row) => [row.path, row]));
      knownByDir.set(dir, files);
    }
    return files;
  };
  const dirs: WalkedDir[] = [];
  const readDirs: string[] = [];
  const unreadableBefore = summary.unreadable.length;

  const walk: Omit<WalkOptions, 'knownDirs'> = {
    onDir(dir, skipped) {
      dirs.push(dir);
      progress.dirs++;
      if (skipped) summary.skippedDirs++;
      else readDirs.push(dir.path);
    },
    onUnreadable(path, error) {
      summary.unreadable.push({ path, error: error.code ?? error.message });
    },
    onFile(file) {
      if (file.name.endsWith(BEING_EXTRACTED)) return;
      summary.seen++;
      progress.files++;
      const previous = knownIn(file.dir).get(file.path);
      if (previous) previous.found = true;
      const isNew = !previous || previous.status === 'gone';
      const changed = !isNew && (previous.bytes !== file.bytes || previous.mtime_ms !== file.mtimeMs);
      if (isNew || changed) {
        summary[isNew ? 'new' : 'changed']++;
        const verify = options.verify || (changed && previous.verified === 1);
        if (verify && file.bytes > 0) progress.verified++;
        writer.add(fileRecord(file, rootId, verify, scannedAt));
      } else {
        summary.unchanged++;
        if (options.verify && previous.verified === 0) {
          progress.verified++;
          writer.add(fileRecord(file, rootId, true, scannedAt));
        }
      }
      if (progress.files % 2000 === 0) options.onProgress?.(progress);
    },
  };
  // A full walk goes through GNU find when there is one; --quick needs per-folder decisions, so Node walks.
  if (knownDirs || !(await walkWithFind(root, walk))) walkTree(root, { ...walk, knownDirs });
  writer.flush();
  if (summary.unreadable.slice(unreadableBefore).some((entry) => entry.path === root)) return;

  sqlite.transaction(() => {
    // Folders that held files and are gone now: whichever scan or fetch recorded them, so long as they lie under
    // this root. One that still exists but was not walked (reached through a link) keeps its files.
    const walked = new Set(dirs.map((dir) => dir.path));
    const [low, high] = pathRange(root);
    const vanishedDirs = firstScan
      ? []
      : (sqlite
          .prepare("SELECT DISTINCT dir FROM disk_files WHERE status <> 'gone' AND (dir = ? OR (dir > ? AND dir < ?))")
          .pluck()
          .all(root, low, high) as string[]).filter((dir) => !walked.has(dir) && isGone(dir));
    // A folder find listed but could not open keeps its files: unreadable is not empty.
    const unreadable = new Set(summary.unreadable.slice(unreadableBefore).map((entry) => entry.path));
    const markGone = sqlite.prepare("UPDATE disk_files SET status = 'gone', gone_at = ? WHERE path = ?");
    for (const dir of [...readDirs.filter((dir) => !unreadable.has(dir)), ...vanishedDirs]) {
      for (const [path, previous] of knownIn(dir)) {
        if (previous.status === 'gone' || previous.found) continue;
        markGone.run(scannedAt, path);
        summary.gone++;
      }
    }
    sqlite.prepare('DELETE FROM scanned_dirs WHERE root_id = ?').run(rootId);
    const saveDir = sqlite.prepare('INSERT OR REPLACE INTO scanned_dirs (path, root_id, parent, mtime_ms) VALUES (?, ?, ?, ?)');
    for (const dir of dirs) saveDir.run(dir.path, rootId, dir.parent, dir.mtimeMs);
    sqlite.prepare('UPDATE scan_roots SET scanned_at = ? WHERE id = ?').run(scannedAt, rootId);
  })();
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

/** Gone means not there: a folder this process may not read (EACCES) still holds its files. */
function isGone(dir: string): boolean {
  try {
    statSync(dir);
    return false;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR';
  }
}

/** The paths strictly under `root`: greater than `root/`, less than `root` followed by the character after '/'. */
function pathRange(root: string): [string, string] {
  const prefix = root.endsWith(sep) ? root : root + sep;
  return [prefix, prefix.slice(0, -1) + String.fromCharCode(sep.charCodeAt(0) + 1)];
}

/**
 * Counts over the present files under these roots, whichever scan or fetch recorded them: files no clip claims,
 * and the damaged, empty and short ones.
 */
function findings(catalog: Catalog, roots: string[]): Pick<ScanSummary, 'unknown' | 'damaged' | 'empty' | 'short'> {
  return catalog.sqlite
    .prepare(
      `SELECT count(*) FILTER (WHERE NOT known) AS unknown,
              count(*) FILTER (WHERE status = 'damaged') AS damaged,
              count(*) FILTER (WHERE status = 'empty') AS empty,
              count(*) FILTER (WHERE status = 'short') AS short
       FROM files
       WHERE status <> 'gone' AND (${roots.map(() => '(path > ? AND path < ?)').join(' OR ')})`,
    )
    .get(roots.flatMap(pathRange)) as Pick<ScanSummary, 'unknown' | 'damaged' | 'empty' | 'short'>;
}
