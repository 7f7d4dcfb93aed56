import type { Readable } from 'node:stream';
import { InputError } from '../../errors.js';
import type { Split } from '../../sources/bucket-layout.js';
import { YOUTUBE_ID } from '../../util/clip-key.js';
import { mapHeader, parseDecimal, parseWholeNumber, readCsvRecords } from './csv-records.js';

export interface CountixRow {
  split: Split;
  youtubeId: string;
  label: string | null;
  kineticsStart: number;
  kineticsEnd: number;
  repetitionStart: number;
  repetitionEnd: number;
  count: number;
}

const COLUMNS = [
  'video_id',
  'class',
  'kinetics_start',
  'kinetics_end',
  'repetition_start',
  'repetition_end',
  'count',
] as const;
const REQUIRED = COLUMNS.filter((column) => column !== 'class');
const EXPECTED_HEADER = 'video_id,[class,]kinetics_start,kinetics_end,repetition_start,repetition_end,count';

/** `countix_{train,val,test}.csv`; the test file has no `class` column although Countix's README lists one. */
export async function parseCountixCsv(
  input: Readable,
  file: string,
  split: Split,
  onRow: (row: CountixRow) => void,
): Promise<number> {
  let columns: Map<(typeof COLUMNS)[number], number> | undefined;
  let rows = 0;
  await readCsvRecords(input, file, (fields, line) => {
    if (columns === undefined) {
      columns = mapHeader(fields, COLUMNS, REQUIRED, file, EXPECTED_HEADER);
      return;
    }
    const field = (column: (typeof COLUMNS)[number]) => fields[columns!.get(column)!]!;
    const youtubeId = field('video_id');
    if (!YOUTUBE_ID.test(youtubeId)) {
      throw new InputError(file, line, `expected a video_id of 11 characters of [A-Za-z0-9_-], found "${youtubeId}"`);
    }
    const count = parseWholeNumber(field('count'), file, line, 'count');
    onRow({
      split,
      youtubeId,
      label: columns.has('class') ? field('class') : null,
      kineticsStart: parseWholeNumber(field('kinetics_start'), file, line, 'kinetics_start'),
      kineticsEnd: parseWholeNumber(field('kinetics_end'), file, line, 'kinetics_end'),
      repetitionStart: parseDecimal(field('repetition_start'), file, line, 'repetition_start'),
      repetitionEnd: parseDecimal(field('repetition_end'), file, line, 'repetition_end'),
      count,
    });
    rows++;
  });
  if (columns === undefined) throw new InputError(file, 1, `expected a header of ${EXPECTED_HEADER}, found an empty file`);
  return rows;
}
