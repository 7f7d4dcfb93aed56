import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { InputError } from '../../errors.js';
import { StringSet } from '../../util/string-set.js';
import { checkClassName } from './class-name.js';
import { type Split, normaliseSplit } from '../../sources/bucket-layout.js';
import { parseClipFileName } from '../../util/clip-key.js';
import type { AnnotationRecord } from './annotations-csv.js';

/**
 * K600 `train.txt` / `val.txt`: the output of `ls -R <split>`. A line `<split>:`, the class folders, then per
 * class a block `<split>/<class>:` followed by clip file names. Blank and whitespace-only lines may stand anywhere.
 * The window comes from the file name; the label from the block.
 */
export async function parseLsRListing(
  input: Readable,
  file: string,
  split: Split,
  onRecord: (record: AnnotationRecord) => void,
): Promise<{ rows: number; repeats: number }> {
  const lines = createInterface({ input, crlfDelay: Infinity });
  let lineNumber = 0;
  let folder: string | undefined;
  let label: string | undefined;
  const seen = new StringSet();
  let repeats = 0;
  for await (const rawLine of lines) {
    lineNumber++;
    const line = rawLine.trim();
    if (line.trim() === '') continue;
    if (folder === undefined) {
      if (!line.endsWith(':') || line.includes('/')) {
        throw new InputError(file, lineNumber, `expected the \`ls -R\` root line "<split>:", found "${line}"`);
      }
      folder = line.slice(0, -1);
      if (normaliseSplit(folder) !== split) {
        throw new InputError(file, lineNumber, `expected the listing of the ${split} folder, found "${line}"`);
      }
      continue;
    }
    if (line.startsWith(`${folder}/`) && line.endsWith(':')) {
      label = line.slice(folder.length + 1, -1);
      if (label.includes('/')) throw new InputError(file, lineNumber, `expected one class folder after "${folder}/", found "${label}"`);
      checkClassName(label, file, lineNumber);
      continue;
    }
    if (label === undefined) continue; // a class folder name in the root listing
    const clip = parseClipFileName(line.trim());
    if (!clip) {
      throw new InputError(
        file,
        lineNumber,
        `expected a clip file name <youtube_id>_<start:06d>_<end:06d>.mp4 or a "${folder}/<class>:" line, found "${line}"`,
      );
    }
    if (clip.timeEnd <= clip.timeStart) {
      throw new InputError(file, lineNumber, `expected time_end after time_start in "${line.trim()}", found ${clip.timeStart}..${clip.timeEnd}`);
    }
    if (!seen.add(clip.clipKey)) {
      repeats++;
      continue;
    }
    onRecord({
      split,
      youtubeId: clip.youtubeId,
      timeStart: clip.timeStart,
      timeEnd: clip.timeEnd,
      label,
      isCc: null,
      clipKey: clip.clipKey,
    });
  }
  if (folder === undefined) throw new InputError(file, 1, 'expected the `ls -R` root line "<split>:", found an empty file');
  return { rows: seen.size, repeats };
}
