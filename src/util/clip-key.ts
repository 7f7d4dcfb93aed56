/** CVDF names every clip file `<youtube_id>_<time_start:06d>_<time_end:06d>.<ext>`; the stem is the clip key. */

export function clipKey(youtubeId: string, timeStart: number, timeEnd: number): string {
  return `${youtubeId}_${String(timeStart).padStart(6, '0')}_${String(timeEnd).padStart(6, '0')}`;
}

export interface ClipFileName {
  clipKey: string;
  youtubeId: string;
  timeStart: number;
  timeEnd: number;
  extension: string;
}

/** YouTube ids are 11 characters of [A-Za-z0-9_-]; they may start with `-` and contain `_`. */
const CLIP_FILE = /^([A-Za-z0-9_-]{11})_(\d{6,})_(\d{6,})\.(mp4|webm|mkv)$/i;

export function parseClipFileName(name: string): ClipFileName | undefined {
  const match = CLIP_FILE.exec(name);
  if (!match) return undefined;
  const [, youtubeId, start, end, extension] = match as unknown as [string, string, string, string, string];
  return {
    clipKey: `${youtubeId}_${start}_${end}`,
    youtubeId,
    timeStart: Number(start),
    timeEnd: Number(end),
    extension: extension.toLowerCase(),
  };
}

/**
 * A name that gives a clip's YouTube id but not its window: `<youtube_id>.mp4` (OpenDataLab's Kinetics, mmaction2's
 * lists, most crawlers), with a de-duplication suffix `_<n>` some downloaders add, any case of extension.
 */
const YOUTUBE_FILE = /^([A-Za-z0-9_-]{11})(?:_\d{1,4})?\.(mp4|webm|mkv|m4v|mov)$/i;

export function parseYoutubeFileName(name: string): string | undefined {
  return YOUTUBE_FILE.exec(name)?.[1];
}

/** A YouTube id: 11 characters of [A-Za-z0-9_-], as every id of every Kinetics file is. */
export const YOUTUBE_ID = /^[A-Za-z0-9_-]{11}$/;
