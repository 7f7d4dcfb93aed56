import { text } from 'node:stream/consumers';
import { avaBoxWriter, storeAvaActionNames } from '../../catalog/downstream.js';
import { InputError } from '../../errors.js';
import { normaliseSplit } from '../../sources/bucket-layout.js';
import { type AvaAction, parseAvaActionList } from '../parsers/ava-action-list.js';
import { parseAvaKineticsCsv } from '../parsers/ava-kinetics-csv.js';
import { type MemberReader, readTarMembers } from '../parsers/tar-members.js';
import { type Loader, deleteRowsOf } from './load-context.js';

const KINETICS_MEMBER = /^kinetics_(train|val|test)_v1\.0\.csv$/;
const FULL_ACTION_LIST = /^ava_action_list_v[\d.]+\.pbtxt$/;
const ACTIVITYNET_ACTION_LIST = /^ava_action_list_v[\d.]+_for_activitynet\.pbtxt$/;

/**
 * `ava_kinetics_v1_0.tar.gz`: the Kinetics keyframe rows and AVA's action names. AVA's own `ava_*_v2.2.csv`
 * in the same tarball are about AVA's movies, not Kinetics clips, and are passed over.
 */
export const loadAvaKinetics: Loader = async (body, context) => {
  deleteRowsOf(context, 'ava_kinetics_boxes', 'ava_action_names');
  const boxes = avaBoxWriter(context.catalog, context.sourceId);
  let fullList: AvaAction[] | undefined;
  let activityNetList: AvaAction[] | undefined;
  let rows = 0;
  const members = await readTarMembers(body, context.displayName, (basename): MemberReader | undefined => {
    const csv = KINETICS_MEMBER.exec(basename);
    if (csv) {
      return async (member, memberPath) => {
        const memberRows = await parseAvaKineticsCsv(member, `${context.displayName}!/${memberPath}`, normaliseSplit(csv[1]!)!, (row) => {
          boxes.add(row);
          context.counters.rows++;
        });
        rows += memberRows;
      };
    }
    const isFull = FULL_ACTION_LIST.test(basename);
    if (isFull || ACTIVITYNET_ACTION_LIST.test(basename)) {
      return async (member, memberPath) => {
        const actions = parseAvaActionList(await text(member), `${context.displayName}!/${memberPath}`);
        if (isFull) fullList = actions;
        else activityNetList = actions;
      };
    }
    return undefined;
  });
  if (!members.some((path) => KINETICS_MEMBER.test(path.slice(path.lastIndexOf('/') + 1)))) {
    throw new InputError(context.displayName, undefined, 'expected members kinetics_{train,val,test}_v1.0.csv in the archive');
  }
  boxes.flush();
  const inActivityNet = new Set(activityNetList?.map((action) => action.actionId));
  storeAvaActionNames(context.catalog, context.sourceId, fullList ?? activityNetList ?? [], inActivityNet);
  return { rows };
};
