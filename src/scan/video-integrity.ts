import { closeSync, openSync, readSync } from 'node:fs';
import type { FileStatus } from '../catalog/disk-files.js';
import { MATROSKA_HEAD_BYTES, checkMatroska } from './matroska.js';

export interface IntegrityResult {
  status: Exclude<FileStatus, 'gone'>;
  duration: number | null;
  detail: string | null;
  /** What the moov says the file holds; absent when it was not read (or holds no video track). */
  media?: MediaInfo;
}

/** The video track as the moov describes it, and whether there is sound. */
export interface MediaInfo {
  codec: string | null;
  width: number | null;
  height: number | null;
  frames: number | null;
  fps: number | null;
  hasAudio: boolean;
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
 * past the end, so a truncated file is damaged), a video track in the moov, every track's samples inside an mdat
 * (a file cut inside an mdat that claims to run to the end is damaged too), then the mvhd duration against the
 * annotated window. Reads only box headers and the moov box. Matroska/WebM files, recognised by their magic bytes,
 * are read from their first 64 KiB (see matroska.ts).
 */
export function checkVideoFile(path: string, bytes: number, windowSeconds: number | null): IntegrityResult {
  if (bytes === 0) return { status: 'empty', duration: null, detail: null };
  const fd = openSync(path, 'r');
  try {
    const head = readAt(fd, 0, 4);
    if (head.length === 4 && head.readUInt32BE(0) === EBML_MAGIC) {
      const matroska = checkMatroska(readAt(fd, 0, MATROSKA_HEAD_BYTES), bytes);
      return matroska.status === 'ok' ? byDuration(matroska.duration, windowSeconds, matroska.media) : matroska;
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
  let media: MediaInfo | undefined;
  let moov: Buffer | undefined;
  const mdats: ByteRange[] = [];
  while (offset < bytes) {
    const box = boxHeaderAt(fd, offset, bytes);
    if (typeof box === 'string') return damaged(box);
    const { type, size, headerSize } = box;
    if (type === 'ftyp') sawFtyp = true;
    if (type === 'mdat') mdats.push({ start: offset + headerSize, end: offset + size });
    if (type === 'moov') {
      if (size > MAX_MOOV_BYTES) return damaged(`moov box of ${size} bytes is implausibly large`);
      moov = readAt(fd, offset + headerSize, size - headerSize);
      duration = movieDuration(moov);
      if (duration === undefined) return damaged('moov box has no readable mvhd');
      // Loaders (decord, PyAV) fail on a file with no video stream: "cannot find video stream".
      media = mediaOf(moov);
      if (!media) return damaged('no video track (no trak whose hdlr is vide)');
    }
    offset += size;
  }
  if (!sawFtyp) return damaged('no ftyp box');
  if (duration === undefined || !moov) return damaged('no moov box (moov atom not found)');
  const outside = sampleOutsideMdat(moov, mdats, bytes);
  if (outside) return damaged(outside);
  return byDuration(duration, windowSeconds, media);
}

/** A sound file is `short` when it lasts under SHORT_SHARE of its annotated window, `ok` otherwise. */
function byDuration(duration: number | null, windowSeconds: number | null, media: MediaInfo | undefined): IntegrityResult {
  if (duration !== null && windowSeconds !== null && duration < SHORT_SHARE * windowSeconds) {
    return { status: 'short', duration, detail: `${duration.toFixed(2)} s of a ${windowSeconds} s window`, media };
  }
  return { status: 'ok', duration, detail: null, media };
}

interface BoxHeader {
  type: string;
  /** The whole box's size, header included (a size of 0 read as "to the end of the file"). */
  size: number;
  headerSize: number;
}

/** The top-level box whose header starts at `offset`, or why no sound box starts there. */
function boxHeaderAt(fd: number, offset: number, bytes: number): BoxHeader | string {
  const header = readAt(fd, offset, 16);
  if (header.length < 8) return `a box header is cut short at byte ${offset}`;
  let size = header.readUInt32BE(0);
  const type = header.toString('latin1', 4, 8);
  let headerSize = 8;
  if (size === 1) {
    if (header.length < 16) return `a 64-bit box header is cut short at byte ${offset}`;
    size = Number(header.readBigUInt64BE(8));
    headerSize = 16;
  } else if (size === 0) {
    size = bytes - offset;
  }
  if (!/^[\x20-\x7e]{4}$/.test(type) || size < headerSize) {
    return offset === 0 ? 'not an MP4 file (no ISO-BMFF box at the start)' : `garbage where a box should start at byte ${offset}`;
  }
  if (offset === 0 && type !== 'ftyp') return `no ftyp box at the start (found '${type}')`;
  if (offset + size > bytes) return `box '${type}' runs past the end of the file (${offset + size} > ${bytes} bytes): truncated`;
  return { type, size, headerSize };
}

/** When a video's keyframes fall: what seeking in it costs. */
export interface VideoTimeline {
  seconds: number;
  /** The times of the first video track's sync samples (stss), ascending; every frame when it has no stss. */
  keyframes: number[];
}

/**
 * The first video track's duration and keyframe times, from the moov alone; undefined for a file that is no sound
 * MP4 (WebM, MKV) or whose track lacks its sample counts. Times assume a constant frame rate: they decide where
 * seeking starts decoding, not which frame is shown.
 */
export function videoTimeline(path: string, bytes: number): VideoTimeline | undefined {
  const fd = openSync(path, 'r');
  try {
    for (let offset = 0; offset < bytes; ) {
      const box = boxHeaderAt(fd, offset, bytes);
      if (typeof box === 'string') return undefined;
      if (box.type === 'moov') return box.size > MAX_MOOV_BYTES ? undefined : timelineOf(readAt(fd, offset + box.headerSize, box.size - box.headerSize));
      offset += box.size;
    }
    return undefined;
  } finally {
    closeSync(fd);
  }
}

function timelineOf(moov: Buffer): VideoTimeline | undefined {
  for (const [type, trak] of childBoxes(moov)) {
    const mdia = type === 'trak' ? child(trak, 'mdia') : undefined;
    if (!mdia || handlerOf(mdia) !== 'vide') continue;
    const stbl = descend(mdia, 'minf', 'stbl');
    const frames = framesOf(stbl && child(stbl, 'stts'));
    const mdhd = child(mdia, 'mdhd');
    const seconds = mdhd && headerSeconds(mdhd);
    if (!frames || typeof seconds !== 'number' || seconds <= 0) return undefined;
    const stss = stbl && child(stbl, 'stss');
    const count = stss && stss.length >= 8 ? stss.readUInt32BE(4) : 0;
    const syncSamples = stss && stss.length >= 8 + 4 * count
      ? Array.from({ length: count }, (_, index) => stss.readUInt32BE(8 + 4 * index))
      : Array.from({ length: frames }, (_, index) => index + 1);
    return { seconds, keyframes: syncSamples.map((sample) => ((sample - 1) * seconds) / frames) };
  }
  return undefined;
}

interface ByteRange {
  start: number;
  end: number;
}

/**
 * Where a track's sample table (stco or co64 chunk offsets, stsc samples per chunk, stsz sample sizes) places a
 * chunk outside the file or outside every mdat, in words; undefined when every chunk lies inside one. This is what
 * decord or PyAV would read past when decoding. A track without a complete sample table (a fragmented file's moov)
 * is not judged here.
 */
function sampleOutsideMdat(moov: Buffer, mdats: ByteRange[], bytes: number): string | undefined {
  let trackNumber = 0;
  for (const [type, trak] of childBoxes(moov)) {
    if (type !== 'trak') continue;
    trackNumber++;
    const chunks = chunkRanges(descend(trak, 'mdia', 'minf', 'stbl'));
    for (const [index, chunk] of (chunks ?? []).entries()) {
      const where = `track ${trackNumber}'s chunk ${index + 1} (bytes ${chunk.start}–${chunk.end})`;
      if (chunk.end > bytes) return `${where} lies past the end of the file (${bytes} bytes): truncated`;
      if (!mdats.some((mdat) => chunk.start >= mdat.start && chunk.end <= mdat.end)) return `${where} lies outside the mdat box`;
    }
  }
  return undefined;
}

/** The byte range of every chunk a sample table describes, or undefined when it lacks one of its boxes. */
function chunkRanges(stbl: Buffer | undefined): ByteRange[] | undefined {
  const stsz = stbl && child(stbl, 'stsz');
  const stsc = stbl && child(stbl, 'stsc');
  const offsets = stbl && chunkOffsets(stbl);
  if (!stsz || !stsc || !offsets || stsz.length < 12 || stsc.length < 8) return undefined;
  const fixedSize = stsz.readUInt32BE(4);
  const sampleCount = stsz.readUInt32BE(8);
  if (fixedSize === 0 && stsz.length < 12 + 4 * sampleCount) return undefined;
  const runs = stsc.readUInt32BE(4);
  if (stsc.length < 8 + 12 * runs) return undefined;
  const ranges: ByteRange[] = [];
  let sample = 0;
  for (let run = 0; run < runs; run++) {
    const firstChunk = stsc.readUInt32BE(8 + 12 * run);
    const samplesPerChunk = stsc.readUInt32BE(12 + 12 * run);
    const nextFirst = run + 1 < runs ? stsc.readUInt32BE(8 + 12 * (run + 1)) : offsets.length + 1;
    for (let chunk = Math.max(1, firstChunk); chunk < nextFirst && chunk <= offsets.length; chunk++) {
      const start = offsets[chunk - 1]!;
      let end = start;
      for (let n = 0; n < samplesPerChunk && sample < sampleCount; n++, sample++) {
        end += fixedSize || stsz.readUInt32BE(12 + 4 * sample);
      }
      ranges.push({ start, end });
    }
  }
  return ranges;
}

/** The chunk offsets of an stco (32-bit) or co64 (64-bit) box. */
function chunkOffsets(stbl: Buffer): number[] | undefined {
  const stco = child(stbl, 'stco');
  const co64 = stco ? undefined : child(stbl, 'co64');
  const box = stco ?? co64;
  if (!box || box.length < 8) return undefined;
  const count = box.readUInt32BE(4);
  const width = stco ? 4 : 8;
  if (box.length < 8 + width * count) return undefined;
  const offsets: number[] = [];
  for (let index = 0; index < count; index++) {
    const at = 8 + width * index;
    offsets.push(stco ? box.readUInt32BE(at) : Number(box.readBigUInt64BE(at)));
  }
  return offsets;
}

/** The box found by following a path of first children, or undefined. */
function descend(body: Buffer, ...path: string[]): Buffer | undefined {
  let box: Buffer | undefined = body;
  for (const type of path) box = box && child(box, type);
  return box;
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

/** A box's first child of a type, or undefined. */
function child(body: Buffer, wanted: string): Buffer | undefined {
  for (const [type, inner] of childBoxes(body)) if (type === wanted) return inner;
  return undefined;
}

/** A track's handler type (vide, soun, …) from its mdia's hdlr. */
function handlerOf(mdia: Buffer): string | undefined {
  const hdlr = child(mdia, 'hdlr');
  return hdlr && hdlr.length >= 12 ? hdlr.toString('latin1', 8, 12) : undefined;
}

/**
 * The first video track's codec (its sample entry's type), coded size (the visual sample entry's width and height),
 * frame count (the stts sample counts) and rate (over the mdhd duration); whether any track is sound. Undefined when
 * no trak's hdlr is vide. A field the boxes do not give is null, never a guess.
 */
function mediaOf(moov: Buffer): MediaInfo | undefined {
  let video: MediaInfo | undefined;
  let hasAudio = false;
  for (const [type, trak] of childBoxes(moov)) {
    if (type !== 'trak') continue;
    const mdia = child(trak, 'mdia');
    if (!mdia) continue;
    const handler = handlerOf(mdia);
    if (handler === 'soun') hasAudio = true;
    if (handler !== 'vide' || video) continue;
    const stbl = descend(mdia, 'minf', 'stbl');
    const stsd = stbl && child(stbl, 'stsd');
    // stsd: version and flags, entry count, then the first sample entry: size, type, 6 reserved bytes, the data
    // reference index, 16 bytes of pre_defined and reserved, then width and height (16 bits each).
    const entry = stsd && stsd.length >= 16 ? stsd.subarray(8) : undefined;
    const codec = entry && entry.length >= 8 ? entry.toString('latin1', 4, 8) : null;
    const sized = entry && entry.length >= 36;
    // A fragmented file's moov counts no samples (they are in its moofs): not zero frames, an unknown number.
    const frames = framesOf(stbl && child(stbl, 'stts')) || null;
    const mdhd = child(mdia, 'mdhd');
    const seconds = mdhd ? headerSeconds(mdhd) : null;
    video = {
      codec: codec && /^[\x20-\x7e]{4}$/.test(codec) ? codec : null,
      width: sized ? entry.readUInt16BE(32) : null,
      height: sized ? entry.readUInt16BE(34) : null,
      frames,
      fps: frames !== null && typeof seconds === 'number' && seconds > 0 ? Math.round((frames / seconds) * 1000) / 1000 : null,
      hasAudio: false,
    };
  }
  return video && { ...video, hasAudio };
}

/** The samples (frames, for video) an stts counts: the sum of its entries' sample counts. */
function framesOf(stts: Buffer | undefined): number | null {
  if (!stts || stts.length < 8) return null;
  const entries = stts.readUInt32BE(4);
  if (stts.length < 8 + entries * 8) return null;
  let frames = 0;
  for (let index = 0; index < entries; index++) frames += stts.readUInt32BE(8 + index * 8);
  return frames;
}

/**
 * The mvhd box's duration in seconds (null when its timescale is 0); undefined when there is no usable mvhd. A
 * fragmented file's mvhd says 0 (its samples are in the moofs): its mvex's mehd gives the whole, else it is unknown.
 */
function movieDuration(moov: Buffer): number | null | undefined {
  const mvhd = child(moov, 'mvhd');
  const seconds = mvhd && headerSeconds(mvhd);
  const mvex = seconds === 0 ? child(moov, 'mvex') : undefined;
  if (!mvex) return seconds;
  const mehd = child(mvex, 'mehd');
  const timescale = mvhd![0] === 1 ? mvhd!.readUInt32BE(20) : mvhd!.readUInt32BE(12);
  if (!mehd || mehd.length < 8 || timescale === 0) return null;
  const duration = mehd[0] === 1 && mehd.length >= 12 ? Number(mehd.readBigUInt64BE(4)) : mehd.readUInt32BE(4);
  return duration === 0 ? null : duration / timescale;
}

/**
 * The duration in seconds of an mvhd or mdhd body (they lay out version, times, timescale and duration alike): null
 * when the timescale is 0, undefined when the body is too short or of an unknown version.
 */
function headerSeconds(body: Buffer): number | null | undefined {
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
