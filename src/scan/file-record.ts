import { statSync } from 'node:fs';
import { basename, dirname, sep } from 'node:path';
import { REPLACEMENT_FOLDER } from '../sources/bucket-layout.js';
import { parseClipFileName, parseYoutubeFileName } from '../util/clip-key.js';
import type { FileRecord, FileStatus } from '../catalog/disk-files.js';
import { type IntegrityResult, checkVideoFile } from './video-integrity.js';
import type { WalkedFile } from './walk-tree.js';

/** A better status first; among equals, a K400 replacement before the file it replaces. */
const STATUS_RANK: Record<Exclude<FileStatus, 'gone'>, number> = { ok: 0, unchecked: 1, unverified: 2, short: 3, damaged: 4, undecodable: 4, empty: 5 };

/** The rank of a file among the copies of its clip (serve_rank): by status, then a replacement first. */
export function serveRank(status: Exclude<FileStatus, 'gone'>, isReplacement: number): number {
  return 2 * STATUS_RANK[status] + 1 - isReplacement;
}

/** Ends the name of a member being written by fetch (renamed once complete): not a file of the tree yet. */
export const BEING_EXTRACTED = '.extracting';

const IN_REPLACEMENT_FOLDER = `${sep}${REPLACEMENT_FOLDER}${sep}`;
const VIDEO_EXTENSION = /\.(mp4|m4v|mov|webm|mkv)$/i;

/** Establishes a file's status: its content is read only when asked to verify it. */
export function fileRecord(file: WalkedFile, rootId: number, verify: boolean, scannedAt: string): FileRecord {
  const clip = parseClipFileName(file.name);
  const youtubeId = clip ? null : (parseYoutubeFileName(file.name) ?? null);
  let integrity: IntegrityResult & { verified: number };
  // A file of another name says nothing about a clip, empty or not (a `.complete` marker, a lock).
  if (!clip && !VIDEO_EXTENSION.test(file.name)) {
    integrity = { status: 'unchecked', detail: 'not a video file name', duration: null, verified: 1 };
  } else if (file.bytes === 0) integrity = { status: 'empty', detail: null, duration: null, verified: 1 };
  else if (!verify) integrity = { status: 'unverified', detail: null, duration: null, verified: 0 };
  else integrity = { ...checkVideoFile(file.path, file.bytes, clip ? clip.timeEnd - clip.timeStart : null), verified: 1 };
  const isReplacement = file.path.includes(IN_REPLACEMENT_FOLDER) ? 1 : 0;
  return {
    path: file.path,
    dir: file.dir,
    rootId,
    bytes: file.bytes,
    mtimeMs: file.mtimeMs,
    clipKey: clip?.clipKey ?? null,
    youtubeId,
    matchedBy: clip ? 'name' : null,
    media: integrity.media ?? null,
    isReplacement,
    status: integrity.status,
    detail: integrity.detail,
    duration: integrity.duration,
    verified: integrity.verified,
    scannedAt,
    serveRank: serveRank(integrity.status, isReplacement),
    sha256: null,
  };
}

/** One file read as `scan --verify` reads it, named as `fileName` (by default its own name), recorded under a root. */
export function verifiedAgain(path: string, options: { fileName?: string; rootId?: number; scannedAt?: string } = {}): FileRecord {
  const info = statSync(path);
  const file = { path, dir: dirname(path), name: options.fileName ?? basename(path), bytes: info.size, mtimeMs: Math.trunc(info.mtimeMs) };
  return fileRecord(file, options.rootId ?? 0, true, options.scannedAt ?? '');
}

/** How good one copy of a clip is, read as `scan --verify` reads it: the lower, the better. */
export function copyRank(path: string, fileName: string): number {
  return verifiedAgain(path, { fileName }).serveRank;
}
