import { closeSync, openSync, readSync } from 'node:fs';
import type { FileStatus } from '../catalog/disk-files.js';

export interface IntegrityResult {
  status: Exclude<FileStatus, 'gone'>;
  duration: number | null;
  detail: string | null;
}

/** A clip is `short` when its video lasts under this share of the annotated window. */
export const SHORT_SHARE = 0.9;
const MAX_MOOV_BYTES = 64 << 20;
const EBML_MAGIC = 0x1a45dfa3;

function readAt(fd: number, position: number, length: number): Buffer {
  const buffer = Buffer.alloc(length);
  const read = readSync(fd, buffer, 0, length, position);
  return buffer.subarray(0, read);
}

/**
 * Checks a video from cheapest to dearest: empty, then the top-level ISO-BMFF boxes (ftyp, moov, no box running
 * past the end, so a truncated file is damaged), then the mvhd duration against the annotated window. Reads only
 * box headers and the moov box. Matroska/WebM files are recognised by their magic bytes and left `unchecked`.
 */
export function checkVideoFile(path: string, bytes: number, windowSeconds: number | null): IntegrityResult {
  if (bytes === 0) return { status: 'empty', duration: null, detail: null };
  const fd = openSync(path, 'r');
  try {
    const head = readAt(fd, 0, 4);
    if (head.length === 4 && head.readUInt32BE(0) === EBML_MAGIC) {
      return { status: 'unchecked', duration: null, detail: 'Matroska/WebM: container not checked further' };
    }
    return checkBoxes(fd, bytes, windowSeconds);
  } finally {
    closeSync(fd);
  }
}

function damaged(detail: string): IntegrityResult {
  return { status: 'damaged', duration: null, detail };
}

function checkBoxes(fd: number, bytes: number, windowSeconds: number | null): IntegrityResult {
  let offset = 0;
  let sawFtyp = false;
  let duration: number | null | undefined;
  while (offset < bytes) {
    const header = readAt(fd, offset, 16);
    if (header.length < 8) return damaged(`a box header is cut short at byte ${offset}`);
    let size = header.readUInt32BE(0);
    const type = header.toString('latin1', 4, 8);
    let headerSize = 8;
    if (size === 1) {
      if (header.length < 16) return damaged(`a 64-bit box header is cut short at byte ${offset}`);
      size = Number(header.readBigUInt64BE(8));
      headerSize = 16;
    } else if (size === 0) {
      size = bytes - offset;
    }
    if (!/^[\x20-\x7e]{4}$/.test(type) || size < headerSize) {
      return damaged(offset === 0 ? 'not an MP4 file (no ISO-BMFF box at the start)' : `garbage where a box should start at byte ${offset}`);
    }
    if (offset === 0 && type !== 'ftyp') return damaged(`no ftyp box at the start (found '${type}')`);
    if (offset + size > bytes) {
      return damaged(`box '${type}' runs past the end of the file (${offset + size} > ${bytes} bytes): truncated`);
    }
    if (type === 'ftyp') sawFtyp = true;
    if (type === 'moov') {
      if (size > MAX_MOOV_BYTES) return damaged(`moov box of ${size} bytes is implausibly large`);
      duration = movieDuration(readAt(fd, offset + headerSize, size - headerSize));
      if (duration === undefined) return damaged('moov box has no readable mvhd');
    }
    offset += size;
  }
  if (!sawFtyp) return damaged('no ftyp box');
  if (duration === undefined) return damaged('no moov box (moov atom not found)');
  if (duration !== null && windowSeconds !== null && duration < SHORT_SHARE * windowSeconds) {
    return { status: 'short', duration, detail: `${duration.toFixed(2)} s of a ${windowSeconds} s window` };
  }
  return { status: 'ok', duration, detail: null };
}

/** The mvhd box's duration in seconds (null when its timescale is 0); undefined when there is no usable mvhd. */
function movieDuration(moov: Buffer): number | null | undefined {
  let offset = 0;
  while (offset + 8 <= moov.length) {
    const size = moov.readUInt32BE(offset);
    const type = moov.toString('latin1', offset + 4, offset + 8);
    if (size < 8 || offset + size > moov.length) return undefined;
    if (type === 'mvhd') {
      const body = moov.subarray(offset + 8, offset + size);
      const version = body[0];
      if (version === 1 && body.length >= 32) {
        const timescale = body.readUInt32BE(20);
        return timescale === 0 ? null : Number(body.readBigUInt64BE(24)) / timescale;
      }
      if (version === 0 && body.length >= 20) {
        const timescale = body.readUInt32BE(12);
        return timescale === 0 ? null : body.readUInt32BE(16) / timescale;
      }
      return undefined;
    }
    offset += size;
  }
  return undefined;
}
