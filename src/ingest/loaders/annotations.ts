import { BulkInserter } from '../../catalog/bulk-insert.js';
import { copyDiskStatuses } from '../../catalog/clips.js';
import type { Database } from 'better-sqlite3';
import { parseAnnotationsCsv } from '../parsers/annotations-csv.js';
import { parseLsRListing } from '../parsers/ls-r-listing.js';
import { type LoadContext, type Loader, deleteRowsOf } from './load-context.js';

const CLIP_COLUMNS = [
  'source_id',
  'version',
  'split',
  'clip_key',
  'youtube_id',
  'time_start',
  'time_end',
  'label',
  'is_cc',
] as const;

/** Annotation CSVs and K600's `ls -R` listings both become clip rows; the version's class list follows. */
function annotationLoader(parse: typeof parseAnnotationsCsv): Loader {
  return async (body, context: LoadContext) => {
    const { sqlite } = context.catalog;
    const version = context.file.version!;
    deleteRowsOf(context, 'clip_annotations', 'source_labels');
    const inserter = new BulkInserter(sqlite, 'clip_annotations', CLIP_COLUMNS);
    const clipsByLabel = new Map<string, number>();
    const { rows, repeats } = await parse(body, context.displayName, context.file.split!, (record) => {
      if (record.label !== null) clipsByLabel.set(record.label, (clipsByLabel.get(record.label) ?? 0) + 1);
      inserter.add(
        context.sourceId,
        version,
        record.split,
        record.clipKey,
        record.youtubeId,
        record.timeStart,
        record.timeEnd,
        record.label,
        record.isCc,
      );
      context.counters.rows++;
    });
    inserter.flush();
    copyDiskStatuses(sqlite, context.sourceId);
    const addLabel = sqlite.prepare('INSERT INTO source_labels (source_id, label, clips) VALUES (?, ?, ?)');
    for (const [label, clips] of clipsByLabel) addLabel.run(context.sourceId, label, clips);
    refreshClassLabels(sqlite, version);
    return { rows, notes: repeats > 0 ? [`${repeats} repeated clip rows kept once`] : [] };
  };
}

export const loadAnnotationsCsv = annotationLoader(parseAnnotationsCsv);
export const loadLsRListing = annotationLoader(parseLsRListing);

/** A version's classes: its distinct labels in code-point order (SQLite's BINARY collation compares UTF-8 bytes). */
function refreshClassLabels(db: Database, version: string): void {
  db.prepare('DELETE FROM class_labels WHERE version = ?').run(version);
  db.prepare(
    `INSERT INTO class_labels (version, label, idx)
     SELECT ?, label, row_number() OVER (ORDER BY label) - 1
     FROM (SELECT DISTINCT l.label FROM source_labels l JOIN source_files f ON f.id = l.source_id WHERE f.version = ?)`,
  ).run(version, version);
}
