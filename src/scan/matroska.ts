import type { IntegrityResult, MediaInfo } from './video-integrity.js';

/** What is read of a Matroska/WebM file: the EBML header, then the Segment's elements up to its first Cluster. */
export const MATROSKA_HEAD_BYTES = 64 << 10;

const SEGMENT = 0x18538067;
const CLUSTER = 0x1f43b675;
const VOID = 0xec;
const CRC32 = 0xbf;
const INFO = 0x1549a966;
const TIMECODE_SCALE = 0x2ad7b1;
const DURATION = 0x4489;
const TRACKS = 0x1654ae6b;
const TRACK_ENTRY = 0xae;
const TRACK_TYPE = 0x83;
const CODEC_ID = 0x86;
const DEFAULT_DURATION = 0x23e383;
const VIDEO = 0xe0;
const PIXEL_WIDTH = 0xb0;
const PIXEL_HEIGHT = 0xba;

/** Matroska codec ids as the four-character codes MP4 files give (the `codec` column speaks one language). */
const CODECS: Record<string, string> = {
  V_VP8: 'vp08',
  V_VP9: 'vp09',
  V_AV1: 'av01',
  'V_MPEG4/ISO/AVC': 'avc1',
  'V_MPEGH/ISO/HEVC': 'hvc1',
};

interface Element {
  id: number;
  /** Where its body starts and ends (the end is undefined for an element of unknown size). */
  start: number;
  end: number | undefined;
}

/** An EBML variable-length integer at `offset`: its value (with the length marker kept for ids) and length. */
function vint(head: Buffer, offset: number, keepMarker: boolean): { value: number; length: number; unknown: boolean } | undefined {
  const first = head[offset];
  if (first === undefined || first === 0) return undefined;
  const length = Math.clz32(first) - 23;
  if (offset + length > head.length) return undefined;
  let value = keepMarker ? first : first & (0xff >> length);
  let allOnes = value === 0xff >> length;
  for (let index = 1; index < length; index++) {
    value = value * 256 + head[offset + index]!;
    allOnes &&= head[offset + index] === 0xff;
  }
  return { value, length, unknown: !keepMarker && allOnes };
}

function elementAt(head: Buffer, offset: number): Element | undefined {
  const id = vint(head, offset, true);
  const size = id && vint(head, offset + id.length, false);
  if (!id || !size) return undefined;
  const start = offset + id.length + size.length;
  return { id: id.value, start, end: size.unknown ? undefined : start + size.value };
}

/** The elements between two offsets, stopping at one that does not parse or at the first Cluster. */
function* elements(head: Buffer, from: number, to: number): Generator<Element> {
  for (let offset = from; offset < to; ) {
    const element = elementAt(head, offset);
    if (!element || element.id === CLUSTER) return;
    yield element;
    if (element.end === undefined) return;
    offset = element.end;
  }
}

function unsigned(head: Buffer, element: Element): number {
  let value = 0;
  for (let at = element.start; at < Math.min(element.end!, head.length); at++) value = value * 256 + head[at]!;
  return value;
}

function float(head: Buffer, element: Element): number | undefined {
  const size = element.end! - element.start;
  if (element.end! > head.length) return undefined;
  return size === 4 ? head.readFloatBE(element.start) : size === 8 ? head.readDoubleBE(element.start) : undefined;
}

/**
 * Checks a Matroska/WebM file from its first 64 KiB: a Segment whose size runs past the end of the file is truncated;
 * the Info's duration, and the first video track's codec, size and frame rate (its DefaultDuration), from the
 * Tracks. No video track is damaged. Frames are not counted (that needs every Cluster): null. A file whose Tracks
 * lie past the first 64 KiB stays `unchecked`. An `ok` here is before its duration is set against its window.
 */
export function checkMatroska(head: Buffer, bytes: number): IntegrityResult {
  const header = elementAt(head, 0);
  let segment = header?.end !== undefined ? elementAt(head, header.end) : undefined;
  // Void and CRC-32 elements may stand between the EBML header and the Segment.
  while (segment && (segment.id === VOID || segment.id === CRC32) && segment.end !== undefined) segment = elementAt(head, segment.end);
  if (segment?.id !== SEGMENT) return damaged('no Segment after the EBML header');
  // A Segment of unknown size (a live recording's) says nothing of how long the file should be.
  if (segment.end !== undefined && segment.end > bytes) return damaged(`the Segment runs past the end of the file (${segment.end} > ${bytes} bytes): truncated`);
  return checkSegment(head, bytes, segment);
}

function damaged(detail: string): IntegrityResult {
  return { status: 'damaged', duration: null, detail };
}

function checkSegment(head: Buffer, bytes: number, segment: Element): IntegrityResult {
  let timecodeScale = 1_000_000;
  let rawDuration: number | undefined;
  let media: MediaInfo | undefined;
  let sawTracks = false;
  let tracksCut = false;
  let hasAudio = false;
  for (const element of elements(head, segment.start, Math.min(segment.end ?? bytes, head.length))) {
    if (element.end === undefined) continue;
    if (element.id === INFO) {
      for (const field of elements(head, element.start, Math.min(element.end, head.length))) {
        if (field.id === TIMECODE_SCALE) timecodeScale = unsigned(head, field);
        if (field.id === DURATION) rawDuration = float(head, field);
      }
    }
    if (element.id === TRACKS) {
      sawTracks = true;
      tracksCut = element.end > head.length;
      for (const entry of elements(head, element.start, Math.min(element.end, head.length))) {
        if (entry.id !== TRACK_ENTRY || entry.end === undefined) continue;
        const track = trackOf(head, entry);
        if (track.type === 2) hasAudio = true;
        if (track.type === 1 && !media) media = track.media;
      }
    }
  }
  // Tracks cut by the end of what was read may hold the video track further on: not judged.
  if (!sawTracks || (!media && tracksCut)) return { status: 'unchecked', duration: null, detail: 'Matroska/WebM whose Tracks are not in its first 64 KiB: not checked further' };
  if (!media) return damaged('no video track (no TrackEntry of type video)');
  const duration = rawDuration === undefined ? null : (rawDuration * timecodeScale) / 1e9;
  return { status: 'ok', duration, detail: null, media: { ...media, hasAudio } };
}

function trackOf(head: Buffer, entry: Element): { type: number | undefined; media: MediaInfo } {
  let type: number | undefined;
  let codec: string | null = null;
  let width: number | null = null;
  let height: number | null = null;
  let fps: number | null = null;
  for (const field of elements(head, entry.start, Math.min(entry.end!, head.length))) {
    if (field.end === undefined) continue;
    if (field.id === TRACK_TYPE) type = unsigned(head, field);
    if (field.id === CODEC_ID) {
      const id = head.toString('latin1', field.start, Math.min(field.end, head.length)).replace(/\0+$/, '');
      codec = CODECS[id] ?? id;
    }
    if (field.id === DEFAULT_DURATION) {
      const nanoseconds = unsigned(head, field);
      fps = nanoseconds > 0 ? Math.round((1e9 / nanoseconds) * 1000) / 1000 : null;
    }
    if (field.id === VIDEO) {
      for (const size of elements(head, field.start, Math.min(field.end, head.length))) {
        if (size.id === PIXEL_WIDTH) width = unsigned(head, size);
        if (size.id === PIXEL_HEIGHT) height = unsigned(head, size);
      }
    }
  }
  return { type, media: { codec, width, height, frames: null, fps, hasAudio: false } };
}
