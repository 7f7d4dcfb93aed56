import { existsSync, statSync } from 'node:fs';
import type { Catalog } from '../catalog/catalog.js';
import {
  type DecodeOutcome,
  type FileToDecode,
  FileWriter,
  type HashOutcome,
  type KnownFile,
  fileFindings,
  filesToDecode,
  filesToHash,
  markChecksumMismatches,
  noteShortAtSource,
  recordChecksums,
  finishedRecordingFiles,
  foldersWithFiles,
  holdsDiskFiles,
  knownDirsOf,
  knownFilesReader,
  type MatchScope,
  matchYoutubeNames,
  recordDecodes,
  recordWalk,
  recordingFiles,
  waitToWriteFiles,
  scanRootId,
} from '../catalog/disk-files.js';
import { eachLimited } from '../util/each-limited.js';
import { sha256OfFile } from './checksum.js';
import { NOT_JUDGED, decodeFile, decodeWindows, requireFfmpeg } from './decode-check.js';
import { type VideoTimeline, videoTimeline } from './video-integrity.js';
import { BEING_EXTRACTED, fileRecord, serveRank, verifiedAgain } from './file-record.js';
import { settleMembersByDecoding } from '../catalog/shards.js';
import { canonicalPath } from '../util/canonical-path.js';
import { walkWithFind } from './find-walk.js';
import { type ArchiveFindings, recogniseShardArchives } from './shard-archives.js';
import { type WalkOptions, type WalkedDir, walkTree } from './walk-tree.js';

export interface ScanOptions {
  roots: string[];
  /** Check the MP4 structure of every file not yet checked at its current size and mtime. */
  verify: boolean;
  /** Skip folders whose mtime did not change since the last scan. */
  quick: boolean;
  onProgress?: (progress: ScanProgress) => void;
  /** The clips a file named by YouTube id alone may be matched to (all when left out). */
  scope?: MatchScope;
  /**
   * Then hash the bytes of each clip's file not hashed yet ('new'), or of every one ('all': a file whose bytes no
   * longer have the sum recorded for them is damaged); sums are compared with those of shard members.
   */
  checksum?: 'new' | 'all';
  /** Then decode a few frames of each clip's file not decoded yet with this ffmpeg, `jobs` at a time. */
  decode?: { ffmpeg: string; jobs: number };
}

export interface ScanProgress {
  files: number;
  dirs: number;
  verified: number;
  /** Files hashed so far, of those to hash (known once the walk is done). */
  hashed: number;
  toHash: number;
  /** Files decoded so far, of those to decode (known once the walk and the hashing are done). */
  decoded: number;
  toDecode: number;
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
  /** Files ffmpeg decoded in this scan, and the undecodable files under the roots (of this scan or an earlier). */
  decoded: number;
  undecodable: number;
  /** Files hashed in this scan; files found to differ from their shard member of the same size (now damaged). */
  hashed: number;
  corrupted: number;
  skippedDirs: number;
  unreadable: { path: string; error: string }[];
  /** Shard archives among the files (CVDF's download scripts leave them), recorded on their shards. */
  archives: ArchiveFindings;
  /** Files named by YouTube id alone (`<youtube_id>.mp4`): matched to one clip, ambiguous, or no clip's. */
  byYoutubeId: { matched: number; ambiguous: number; none: number };
  seconds: number;
}

/** A recorded file, and whether this walk found it again. */
type SeenFile = KnownFile & { found?: boolean };

const NOTHING_KNOWN: ReadonlyMap<string, SeenFile> = new Map();

/**
 * Catalogs the files under each root where they are. A file whose size and mtime are unchanged is not read again
 * (its status stands); a changed one is re-verified when it had been verified; vanished files become `gone`.
 */
export async function scan(catalog: Catalog, options: ScanOptions): Promise<ScanSummary> {
  const started = performance.now();
  const summary: ScanSummary = {
    roots: options.roots.map(canonicalPath),
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
    decoded: 0,
    undecodable: 0,
    hashed: 0,
    corrupted: 0,
    skippedDirs: 0,
    unreadable: [],
    archives: { recognised: 0, partial: 0, ambiguous: [] },
    byYoutubeId: { matched: 0, ambiguous: 0, none: 0 },
    seconds: 0,
  };
  if (options.decode) await requireFfmpeg(options.decode.ffmpeg);
  const writer = new FileWriter(catalog);
  const progress: ScanProgress = { files: 0, dirs: 0, verified: 0, hashed: 0, toHash: 0, decoded: 0, toDecode: 0 };
  for (const root of summary.roots) {
    await recordingFiles(catalog, () => scanRoot(catalog, root, options, summary, progress, writer));
  }
  // What follows the walk writes and reads through the clip indexes: not while another process's load has them aside.
  waitToWriteFiles(catalog);
  finishedRecordingFiles(catalog, writer.written + summary.gone);
  options.onProgress?.(progress);
  summary.verified = progress.verified;
  summary.byYoutubeId = matchYoutubeNames(catalog, summary.roots, options.scope ?? { versions: [], splits: [] });
  // Each of these reads every file under the roots (~0.1 s per 200k): only when this scan can have changed its answer.
  if (options.checksum) {
    hashFilesUnder(catalog, summary.roots, options.checksum === 'all', progress, options.onProgress);
    summary.hashed = progress.hashed;
    summary.corrupted = markChecksumMismatches(catalog, summary.roots, serveRank('damaged', 0));
  }
  if (progress.verified > 0) noteShortAtSource(catalog, summary.roots);
  if (options.decode) {
    await decodeFilesUnder(catalog, summary.roots, options.decode, progress, options.onProgress);
    settleMembersByDecoding(catalog, summary.roots);
  }
  summary.decoded = progress.decoded;
  waitToWriteFiles(catalog); // a decode takes minutes
  Object.assign(summary, fileFindings(catalog, summary.roots, summary.seen));
  summary.archives = recogniseShardArchives(catalog, summary.roots);
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
  const scannedAt = new Date().toISOString();
  const rootId = scanRootId(catalog, root);
  const knownDirs = options.quick ? loadKnownDirs(catalog, rootId) : undefined;
  // What the catalog knows is read folder by folder, only for folders the walk reads.
  const filesIn = knownFilesReader(catalog);
  const knownByDir = new Map<string, Map<string, SeenFile>>();
  // Known files are looked up by folder whatever root recorded them, so overlapping roots see each other's files.
  const firstScan = !holdsDiskFiles(catalog);
  const knownIn = (dir: string): ReadonlyMap<string, SeenFile> => {
    let files = knownByDir.get(dir);
    if (!files) {
      if (firstScan) return NOTHING_KNOWN;
      files = new Map(filesIn(dir).map((row) => [row.path, row]));
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

  // Folders that held files and are gone now: whichever scan or fetch recorded them, so long as they lie under
  // this root. One that still exists but was not walked (reached through a link) keeps its files.
  const walked = new Set(dirs.map((dir) => dir.path));
  const vanishedDirs = firstScan ? [] : foldersWithFiles(catalog, root).filter((dir) => !walked.has(dir) && isGone(dir));
  // A folder find listed but could not open keeps its files: unreadable is not empty.
  const unreadable = new Set(summary.unreadable.slice(unreadableBefore).map((entry) => entry.path));
  const gonePaths: string[] = [];
  for (const dir of [...readDirs.filter((dir) => !unreadable.has(dir)), ...vanishedDirs]) {
    for (const [path, previous] of knownIn(dir)) {
      if (previous.status !== 'gone' && !previous.found) gonePaths.push(path);
    }
  }
  summary.gone += gonePaths.length;
  recordWalk(catalog, { rootId, scannedAt, gonePaths, dirs });
}

/**
 * Hashes the files under the roots not hashed at their size and mtime (or all of them), recording the sums in
 * batches: an interrupted hashing of new files resumes where it stopped.
 */
function hashFilesUnder(catalog: Catalog, roots: string[], all: boolean, progress: ScanProgress, onProgress: ScanOptions['onProgress']): void {
  const files = filesToHash(catalog, roots, all);
  progress.toHash = files.length;
  let sums: HashOutcome[] = [];
  for (const file of files) {
    try {
      const sha256 = sha256OfFile(file.path);
      const changed = file.sha256 !== null && file.sha256 !== sha256;
      sums.push({ id: file.id, sha256, ...(changed ? { changedFrom: { sha256: file.sha256!, damagedRank: serveRank('damaged', file.is_replacement) } } : {}) });
    } catch {
      // Gone or unreadable since the walk: the next scan records what it is.
    }
    progress.hashed++;
    if (sums.length >= HASH_BATCH) {
      recordChecksums(catalog, sums);
      sums = [];
    }
    if (progress.hashed % 64 === 0) onProgress?.(progress);
  }
  recordChecksums(catalog, sums);
}

const HASH_BATCH = 500;

/**
 * Decodes the files under the roots that were not decoded at their size and mtime, recording each outcome in
 * batches: an interrupted decode resumes with the files it had not reached.
 */
async function decodeFilesUnder(
  catalog: Catalog,
  roots: string[],
  decode: NonNullable<ScanOptions['decode']>,
  progress: ScanProgress,
  onProgress: ScanOptions['onProgress'],
): Promise<void> {
  const files = filesToDecode(catalog, roots);
  progress.toDecode = files.length;
  onProgress?.(progress);
  let outcomes: DecodeOutcome[] = [];
  const record = () => {
    recordDecodes(catalog, outcomes);
    outcomes = [];
  };
  await eachLimited(files, decode.jobs, async (file) => {
    const complaint = await decodeFile(decode.ffmpeg, file.path, decodeWindows(videoTimelineIfThere(file.path)));
    // A file removed since the walk is the next scan's to record as gone, not undecodable; one whose ffmpeg was
    // stopped from outside is decoded again by the next scan.
    if (complaint !== NOT_JUDGED && (complaint === undefined || existsSync(file.path))) outcomes.push(decodeOutcome(file, complaint));
    progress.decoded++;
    if (outcomes.length >= DECODE_BATCH) record();
    onProgress?.(progress);
  });
  record();
}

/**
 * What to record of a decoded file. An undecodable one is hashed now (a few files): a sum recorded when it was
 * fetched may be of bytes it no longer has, and the sum decides whether its shard member is undecodable too. One
 * called undecodable without decoding (from its member) that decodes after all is what its structure says.
 */
function decodeOutcome(file: FileToDecode, complaint: string | undefined): DecodeOutcome {
  if (complaint !== undefined) {
    let sha256: string | null = null;
    try {
      sha256 = sha256OfFile(file.path);
    } catch {
      // unreadable now: the sum stays as it was
    }
    return { id: file.id, undecodable: { complaint, serveRank: serveRank('undecodable', file.is_replacement), sha256 } };
  }
  if (file.status !== 'undecodable') return { id: file.id };
  const record = verifiedAgain(file.path);
  return { id: file.id, restored: { status: record.status, detail: record.detail, serveRank: record.serveRank } };
}

/** The file's timeline, unless it went since the walk (ffmpeg will then say so). */
function videoTimelineIfThere(path: string): VideoTimeline | undefined {
  try {
    return videoTimeline(path, statSync(path).size);
  } catch {
    return undefined;
  }
}

const DECODE_BATCH = 32;

function loadKnownDirs(catalog: Catalog, rootId: number): Map<string, { mtimeMs: number; children: string[] }> {
  const rows = knownDirsOf(catalog, rootId);
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
