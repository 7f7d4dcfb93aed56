import type { Readable } from 'node:stream';
import { InputError } from '../../errors.js';
import { StringSet } from '../../util/string-set.js';
import { type Split, normaliseSplit } from '../../sources/bucket-layout.js';
import { YOUTUBE_ID, clipKey } from '../../util/clip-key.js';
import { checkClassName } from './class-name.js';
import { readCsvRecordsOffThread } from '../off-thread/read-csv-off-thread.js';
import { mapHeader, parseWholeNumber } from './csv-records.js';

export interface AnnotationRecord {
  split: Split;
  youtubeId: string;
  timeStart: number;
  timeEnd: number;
  label: string | null;
  isCc: number | null;
  clipKey: string;
}

const COLUMNS = ['label', 'youtube_id', 'time_start', 'time_end', 'split', 'is_cc'] as const;
const REQUIRED = ['youtube_id', 'time_start', 'time_end'] as const;
const EXPECTED_HEADER = '[label,]youtube_id,time_start,time_end[,split][,is_cc]';

/**
 * K400 `{train,val,test}.csv` (quoted labels, is_cc), K700-2020 `{train,val,test}.csv` (CRLF, bare labels,
 * `validate`), K600 `test.csv` and `kinetics600_holdout_test.csv` (no labels): one parser, driven by the header.
 * A clip listed twice in one file is kept once; the count of such repeats is returned.
 */
export async function parseAnnotationsCsv(
  input: Readable,
  file: string,
  split: Split,
  onRecord: (record: AnnotationRecord) => void,
): Promise<{ rows: number; repeats: number }> {
  let columns: Map<(typeof COLUMNS)[number], number> | undefined;
  type ColumnIndexes = Record<(typeof COLUMNS)[number], number>;
  let at: ColumnIndexes | undefined;
  const seen = new StringSet();
  const checkedLabels = new Set<string>();
  let repeats = 0;
  await readCsvRecordsOffThread(input, file, (fields, line) => {
    if (at === undefined) {
      columns = mapHeader(fields, COLUMNS, REQUIRED, file, EXPECTED_HEADER);
      at = Object.fromEntries(COLUMNS.map((column) => [column, columns!.get(column) ?? -1])) as ColumnIndexes;
      return;
    }
    const youtubeId = fields[at.youtube_id]!;
    if (!YOUTUBE_ID.test(youtubeId)) {
      throw new InputError(file, line, `expected a youtube_id of 11 characters of [A-Za-z0-9_-], found "${youtubeId}"`);
    }
    const timeStart = parseWholeNumber(fields[at.time_start]!, file, line, 'time_start');
    const timeEnd = parseWholeNumber(fields[at.time_end]!, file, line, 'time_end');
    if (timeEnd <= timeStart) {
      throw new InputError(file, line, `expected time_end after time_start, found ${timeStart}..${timeEnd}`);
    }
    if (at.split >= 0 && fields[at.split] !== split && normaliseSplit(fields[at.split]!) !== split) {
      throw new InputError(file, line, `expected split "${split}" in this file, found "${fields[at.split]}"`);
    }
    const label = at.label >= 0 ? fields[at.label]! : null;
    if (label !== null && !checkedLabels.has(label)) {
      checkClassName(label, file, line);
      checkedLabels.add(label);
    }
    const isCcText = at.is_cc >= 0 ? fields[at.is_cc]! : undefined;
    if (isCcText !== undefined && isCcText !== '0' && isCcText !== '1') {
      throw new InputError(file, line, `expected is_cc 0 or 1, found "${isCcText}"`);
    }
    const key = clipKey(youtubeId, timeStart, timeEnd);
    if (!seen.add(key)) {
      repeats++;
      return;
    }
    onRecord({ split, youtubeId, timeStart, timeEnd, label, isCc: isCcText === undefined ? null : Number(isCcText), clipKey: key });
  });
  if (at === undefined) throw new InputError(file, 1, `expected a header of ${EXPECTED_HEADER}, found an empty file`);
  return { rows: seen.size, repeats };
}
