import { execFile } from 'node:child_process';
import { KineticsError } from '../errors.js';
import type { VideoTimeline } from './video-integrity.js';

/** One stretch ffmpeg decodes: from a seek (none: the start), so many frames (none: to the end). */
export interface DecodeWindow {
  seek?: ['-ss' | '-sseof', string];
  frames?: number;
}

/**
 * The first two frames, one in the middle and the last half second, each decoded from the keyframe before it, with
 * the windows whose decoding a later one repeats left out: a clip of one GOP is decoded once, whole (its last frame
 * needs every frame before it). The last half second is that of the video track (a longer sound track would put the
 * end of the file past it). Without a timeline (WebM, MKV), the first frames and the last of the file.
 */
export function decodeWindows(timeline: VideoTimeline | undefined): DecodeWindow[] {
  if (!timeline) return [{ frames: 2 }, { seek: ['-sseof', '-0.5'] }];
  const keyframeBefore = (seconds: number) => timeline.keyframes.filter((time) => time <= seconds + 1e-6).at(-1) ?? 0;
  const lastAt = Math.max(0, timeline.seconds - 0.5);
  const last: DecodeWindow = { seek: ['-ss', lastAt.toFixed(3)] };
  const lastStart = keyframeBefore(lastAt);
  if (lastStart === 0) return [{}];
  const middle = timeline.seconds / 2;
  const middleStart = keyframeBefore(middle);
  return [
    ...(middleStart > 0 ? [{ frames: 2 }] : []),
    ...(middleStart !== lastStart ? [{ seek: ['-ss', middle.toFixed(3)] as DecodeWindow['seek'], frames: 1 }] : []),
    last,
  ];
}

/**
 * One ffmpeg command line decoding the windows of a file: video only, one thread, nothing written. One file a
 * process: with several, ffmpeg 5 went on decoding an input past its window's last frame (measured: eight files in
 * one process took 1.6× as long as eight processes).
 */
export function decodeArguments(path: string, windows: DecodeWindow[]): string[] {
  // Input options hold for the next input only: each decoder is given its one thread.
  const inputs = windows.flatMap((window) => ['-threads', '1', ...(window.seek ?? []), '-i', path]);
  const outputs = windows.flatMap((window, input) => ['-map', `${input}:v:0`, ...(window.frames ? ['-frames:v', String(window.frames)] : []), '-f', 'null', '-']);
  return ['-hide_banner', '-nostdin', '-loglevel', 'error', ...inputs, ...outputs];
}

/**
 * ffmpeg's first complaint in one line, without its context address (`[h264 @ 0x55…] error while decoding MB 6 6`
 * becomes `h264: error while decoding MB 6 6`; a parser's `[NULL @ 0x55…]` says nothing and goes); undefined when it
 * said nothing.
 */
export function firstComplaint(stderr: string): string | undefined {
  const line = stderr.split('\n').map((text) => text.trim()).find((text) => text.length > 0);
  return line?.replace(/^\[([^\s\]]+) @ 0x[0-9a-f]+\] /, (_context, name: string) => (name === 'NULL' ? '' : `${name}: `));
}

/** ffmpeg was stopped from outside (the user, the OOM killer): the file was not judged. */
export const NOT_JUDGED = Symbol('not judged');
const STOPPED = new Set(['SIGKILL', 'SIGTERM', 'SIGINT', 'SIGHUP']);

/**
 * A file decodes when ffmpeg exits 0 and writes no error; otherwise its first complaint says why not. A complaint
 * after a seek is confirmed by decoding the whole file: starting at a recovery point of an open-GOP stream makes
 * H.264 log errors (`mmco: unref short failure`) about frames it does not show.
 */
export async function decodeFile(ffmpeg: string, path: string, windows: DecodeWindow[]): Promise<string | undefined | typeof NOT_JUDGED> {
  const complaint = await runFfmpeg(ffmpeg, path, windows);
  return typeof complaint === 'string' && windows.some((window) => window.seek) ? runFfmpeg(ffmpeg, path, [{}]) : complaint;
}

function runFfmpeg(ffmpeg: string, path: string, windows: DecodeWindow[]): Promise<string | undefined | typeof NOT_JUDGED> {
  return new Promise((resolve, reject) => {
    execFile(ffmpeg, decodeArguments(path, windows), { maxBuffer: 1 << 20 }, (error, _stdout, stderr) => {
      if ((error as NodeJS.ErrnoException | null)?.code === 'ENOENT') return reject(ffmpegMissing(ffmpeg));
      if (error?.signal && STOPPED.has(error.signal)) return resolve(NOT_JUDGED);
      resolve(firstComplaint(stderr) ?? (error ? `ffmpeg ${error.signal ? `crashed (${error.signal})` : `exited with ${error.code}`}` : undefined));
    });
  });
}

function ffmpegMissing(ffmpeg: string): KineticsError {
  return new KineticsError(
    `scan --decode needs ffmpeg, and there is none at '${ffmpeg}' (apt-get install ffmpeg, or point KINETICS_FFMPEG at one)`,
    69,
  );
}

/** Fails with one line (exit 69) before any work when ffmpeg cannot be run. */
export function requireFfmpeg(ffmpeg: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(ffmpeg, ['-hide_banner', '-version'], (error) => (error ? reject(ffmpegMissing(ffmpeg)) : resolve()));
  });
}
