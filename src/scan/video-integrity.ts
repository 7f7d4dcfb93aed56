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
 * past the end, so a truncated file is damaged), a video track in the moov, then the mvhd duration against the
 * annotated window. Reads only
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
      const moov = readAt(fd, offset + headerSize, size - headerSize);
      duration = movieDuration(moov);
      if (duration === undefined) return damaged('moov box has no readable mvhd');
      // Loaders (decord, PyAV) fail on a file with no video stream: "cannot find video stream".
      if (!hasVideoTrack(moov)) return damaged('no video track (no trak whose hdlr is vide)');
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

/** The child boxes of a box's body, as [type, body] pairs; a box that runs past its parent ends the list. */
function* childBoxes(body: Buffer): Generator<[string, Buffer]> {
  let offset = 0;
  while (offset + 8 <= body.length) {
    const size = body.readUInt32BE(offset);
    if (size < 8 || offset + size > body.length) return;
    yield [body.toString('latin1', offset + 4, offset + 8), body.subarray(offset + 8, offset + size)];
    offset += size;
  }
}

/** Whether a moov holds a trak whose mdia's hdlr names a video handler. */
function hasVideoTrack(moov: Buffer): boolean {
  for (const [type, trak] of childBoxes(moov)) {
    if (type !== 'trak') continue;
    for (const [mdiaType, mdia] of childBoxes(trak)) {
      if (mdiaType !== 'mdia') continue;
      for (const [hdlrType, hdlr] of childBoxes(mdia)) {
        if (hdlrType === 'hdlr' && hdlr.length >= 12 && hdlr.toString('latin1', 8, 12) === 'vide') return true;
      }
    }
  }
  return false;
}

/** The mvhd box's duration in seconds (null when its timescale is 0); undefined when there is no usable mvhd. */
function movieDuration(moov: Buffer): number | null | undefined {
  for (const [type, body] of childBoxes(moov)) {
    if (type !== 'mvhd') continue;
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
  return undefined;
}
