import type { Readable } from 'node:stream';
import { InputError } from '../../errors.js';
import type { Split } from '../../sources/bucket-layout.js';
import { YOUTUBE_ID } from '../../util/clip-key.js';
import { parseDecimal, readCsvRecords } from './csv-records.js';

export interface AvaKineticsRow {
  split: Split;
  youtubeId: string;
  timestamp: number;
  box: [number, number, number, number] | null;
  actionId: number | null;
}

/**
 * `kinetics_{train,val,test}_v1.0.csv`, header-less: `youtube_id,timestamp,x1,y1,x2,y2,action_id` (a trailing
 * person_id, as in AVA's own files, is tolerated), or `youtube_id,timestamp` for a keyframe with no action.
 */
export async function parseAvaKineticsCsv(
  input: Readable,
  file: string,
  split: Split,
  onRow: (row: AvaKineticsRow) => void,
): Promise<number> {
  let rows = 0;
  await readCsvRecords(
    input,
    file,
    (fields, line) => {
      if (fields.length !== 2 && fields.length !== 7 && fields.length !== 8) {
        throw new InputError(
          file,
          line,
          `expected youtube_id,timestamp[,x1,y1,x2,y2,action_id] (2 or 7 columns, no header), found ${fields.length} columns`,
        );
      }
      const youtubeId = fields[0]!;
      if (!YOUTUBE_ID.test(youtubeId)) {
        throw new InputError(file, line, `expected a youtube_id of 11 characters of [A-Za-z0-9_-], found "${youtubeId}"`);
      }
      const timestamp = parseDecimal(fields[1]!, file, line, 'timestamp');
      let box: AvaKineticsRow['box'] = null;
      let actionId: number | null = null;
      if (fields.length > 2) {
        box = [1, 2, 3, 4].map((index) => parseDecimal(fields[index + 1]!, file, line, `box column ${index}`)) as [
          number,
          number,
          number,
          number,
        ];
        actionId = parseDecimal(fields[6]!, file, line, 'action_id');
        if (!Number.isInteger(actionId)) throw new InputError(file, line, `expected a whole action_id, found "${fields[6]}"`);
      }
      onRow({ split, youtubeId, timestamp, box, actionId });
      rows++;
    },
    { relaxColumnCount: true },
  );
  return rows;
}
