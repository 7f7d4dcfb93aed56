import type { AvaAction } from '../ingest/parsers/ava-action-list.js';
import type { AvaKineticsRow } from '../ingest/parsers/ava-kinetics-csv.js';
import type { CountixRow } from '../ingest/parsers/countix-csv.js';
import { BulkInserter } from './bulk-insert.js';
import type { Catalog } from './catalog.js';

/** AVA-Kinetics keyframe rows of one source file, many at a time. */
export function avaBoxWriter(catalog: Catalog, sourceId: number) {
  const columns = ['split', 'youtube_id', 'timestamp', 'x1', 'y1', 'x2', 'y2', 'action_id'];
  const boxes = new BulkInserter(catalog.sqlite, 'ava_kinetics_boxes', columns, { constants: { source_id: sourceId } });
  return {
    add: (row: AvaKineticsRow) => boxes.add(row.split, row.youtubeId, row.timestamp, ...(row.box ?? [null, null, null, null]), row.actionId),
    flush: () => boxes.flush(),
  };
}

export function storeAvaActionNames(catalog: Catalog, sourceId: number, actions: AvaAction[], inActivityNet: Set<number>): void {
  const insert = catalog.sqlite.prepare(
    'INSERT INTO ava_action_names (source_id, action_id, name, label_type, in_activitynet) VALUES (?, ?, ?, ?, ?)',
  );
  for (const action of actions) insert.run(sourceId, action.actionId, action.name, action.labelType, inActivityNet.has(action.actionId) ? 1 : 0);
}

/** Countix rows of one source file, many at a time. */
export function countixWriter(catalog: Catalog, sourceId: number) {
  const columns = ['split', 'youtube_id', 'label', 'kinetics_start', 'kinetics_end', 'repetition_start', 'repetition_end', 'count'];
  const counts = new BulkInserter(catalog.sqlite, 'countix_counts', columns, { constants: { source_id: sourceId } });
  return {
    add: (row: CountixRow) =>
      counts.add(row.split, row.youtubeId, row.label, row.kineticsStart, row.kineticsEnd, row.repetitionStart, row.repetitionEnd, row.count),
    flush: () => counts.flush(),
  };
}
