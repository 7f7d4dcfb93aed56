import { countixWriter } from '../../catalog/downstream.js';
import { InputError } from '../../errors.js';
import { normaliseSplit } from '../../sources/bucket-layout.js';
import { parseCountixCsv } from '../parsers/countix-csv.js';
import { readTarMembers } from '../parsers/tar-members.js';
import { type Loader, deleteRowsOf } from './load-context.js';

const COUNTIX_MEMBER = /^countix_(train|val|test)\.csv$/;

/** `countix.tar.gz` → `countix_{train,val,test}.csv`, wherever they sit in the archive. */
export const loadCountix: Loader = async (body, context) => {
  deleteRowsOf(context, 'countix_counts');
  const inserter = countixWriter(context.catalog, context.sourceId);
  let rows = 0;
  const members = await readTarMembers(body, context.displayName, (basename) => {
    const match = COUNTIX_MEMBER.exec(basename);
    if (!match) return undefined;
    return async (member, memberPath) => {
      const memberRows = await parseCountixCsv(member, `${context.displayName}!/${memberPath}`, normaliseSplit(match[1]!)!, (row) => {
        inserter.add(row);
        context.counters.rows++;
      });
      rows += memberRows;
    };
  });
  if (members.length === 0) {
    throw new InputError(context.displayName, undefined, 'expected members countix_{train,val,test}.csv in the archive');
  }
  inserter.flush();
  const lacking = ['train', 'val', 'test'].filter((split) => !members.some((path) => path.endsWith(`countix_${split}.csv`)));
  return { rows, notes: lacking.length > 0 ? [`no countix_${lacking.join('/')}.csv in the archive`] : [] };
};
