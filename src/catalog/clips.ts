import type { AnnotationRecord } from '../ingest/parsers/annotations-csv.js';
import { USABLE_STATUSES } from '../subset/definition.js';
import { BulkInserter } from './bulk-insert.js';
import type { Catalog } from './catalog.js';
import { deferIndexesIfEmpty, dropIndexesForReload, hasAbandonedIndexes, rebuildDeferredIndexes } from './deferred-indexes.js';
import { clipRowFiles } from './source-files.js';
import { refreshAnnotationStatistics } from './statistics.js';

/** The statuses of a clip usable on disk, as an SQL list: `('ok', 'unchecked', 'unverified')`. */
export const USABLE_STATUS_LIST = `(${USABLE_STATUSES.map((status) => `'${status}'`).join(', ')})`;

/**
 * Runs a load of annotation files. A first load sets the clip indexes aside and rebuilds them after (also when the
 * load fails), unless files already on disk need them to find their clips.
 */
export async function loadingAnnotations<T>(catalog: Catalog, body: () => Promise<T>): Promise<T> {
  const { sqlite } = catalog;
  const nothingLoaded = sqlite.prepare('SELECT 1 FROM clip_annotations UNION ALL SELECT 1 FROM best_files LIMIT 1');
  deferIndexesIfEmpty(sqlite, 'clip_annotations', () => nothingLoaded.get() === undefined);
  try {
    return await body();
  } finally {
    // Its own, or a gone load's: never those of another load still running.
    if (hasAbandonedIndexes(sqlite)) rebuildDeferredIndexes(sqlite);
  }
}

/** After a load that changed anything: statistics for the planner. */
export function finishedLoadingAnnotations(catalog: Catalog): void {
  refreshAnnotationStatistics(catalog.sqlite);
}

/**
 * The clip rows of one annotation file (one version and split), many at a time; `finish` records how many clips
 * each label has in the file, gives the new rows the status of the files that serve them, and renews the version's
 * class list.
 */
export function annotationWriter(catalog: Catalog, sourceId: number, version: string, split: string, loadedBefore: boolean) {
  const putIndexesBack = loadedBefore ? forgetClipRowsOf(catalog, sourceId) : undefined;
  const clips = new BulkInserter(catalog.sqlite, 'clip_annotations', ['clip_key', 'youtube_id', 'time_start', 'time_end', 'label', 'is_cc'], {
    constants: { source_id: sourceId, version, split },
  });
  return {
    add: (record: AnnotationRecord) => clips.add(record.clipKey, record.youtubeId, record.timeStart, record.timeEnd, record.label, record.isCc),
    finish(clipsByLabel: Map<string, number>): void {
      clips.flush();
      putIndexesBack?.();
      copyDiskStatuses(catalog, sourceId);
      const addLabel = catalog.sqlite.prepare('INSERT INTO source_labels (source_id, label, clips) VALUES (?, ?, ?)');
      for (const [label, count] of clipsByLabel) addLabel.run(sourceId, label, count);
      refreshClassLabels(catalog, version);
    },
  };
}

/**
 * Share of all clip rows above which a file loaded again is loaded with the table's indexes dropped, and rebuilt
 * after in its transaction. Measured on the full-size catalog: K700-2020 train (37 % of the rows) 12.7 s with the
 * indexes live, 8.6 s rebuilt; K400 train (17 %) 5.7–5.8 s live, 6.2–6.7 s rebuilt.
 */
const RELOAD_WITH_INDEXES_REBUILT = 0.2;

/** Forgets a file's clip rows before it is loaded again; returns what puts the indexes back, if they were dropped. */
function forgetClipRowsOf({ sqlite }: Catalog, sourceId: number): (() => void) | undefined {
  const files = clipRowFiles(sqlite);
  const rows = files.find((file) => file.id === sourceId)?.rows ?? 0;
  const all = files.reduce((total, file) => total + file.rows, 0);
  const rebuild = rows > RELOAD_WITH_INDEXES_REBUILT * all ? dropIndexesForReload(sqlite, 'clip_annotations') : undefined;
  sqlite.prepare('DELETE FROM clip_annotations WHERE source_id = ?').run(sourceId);
  if (!rebuild) return undefined;
  return () => {
    rebuild();
    // A dropped index takes its statistics with it; were the ingest to stop before its own ANALYZE, none would come back.
    refreshAnnotationStatistics(sqlite);
  };
}

/**
 * Clip rows just loaded from a file take the status of the file that serves each (best_files' triggers keep it for
 * every later change). Driven by the files, so a catalog with nothing on disk pays nothing.
 */
function copyDiskStatuses({ sqlite }: Catalog, sourceId: number): void {
  if (!sqlite.prepare('SELECT 1 FROM best_files LIMIT 1').get()) return;
  // best_files drives: clip_annotations has no index on source_id, and is far larger.
  sqlite
    .prepare(
      `UPDATE clip_annotations AS c SET disk_status = b.status, disk_duration = b.duration
       FROM (SELECT clip_key, status, duration FROM best_files) b WHERE b.clip_key = c.clip_key AND c.source_id = ?`,
    )
    .run(sourceId);
}

/** A version's classes: its distinct labels in code-point order (SQLite's BINARY collation compares UTF-8 bytes). */
function refreshClassLabels({ sqlite }: Catalog, version: string): void {
  sqlite.prepare('DELETE FROM class_labels WHERE version = ?').run(version);
  sqlite
    .prepare(
      `INSERT INTO class_labels (version, label, idx)
       SELECT ?, label, row_number() OVER (ORDER BY label) - 1
       FROM (SELECT DISTINCT l.label FROM source_labels l JOIN source_files f ON f.id = l.source_id WHERE f.version = ?)`,
    )
    .run(version, version);
}

/** A version's class labels in index order. */
export function classLabelsOf(catalog: Catalog, version: string): string[] {
  return catalog.sqlite.prepare('SELECT label FROM classes WHERE version = ? ORDER BY idx').pluck().all(version) as string[];
}

export interface VersionSplit {
  version: string;
  split: string;
}

export interface OverlapClip {
  clip_key: string;
  label: string | null;
  other_version: string;
  other_split: string;
  other_clip_key: string;
  other_label: string | null;
  identical: number;
}

/**
 * Clips of `evaluation` that also stand in any of `training`: the same YouTube video with an overlapping window,
 * not only identical windows (a shifted window still shows the same frames).
 */
export function findOverlap(catalog: Catalog, training: VersionSplit[], evaluation: VersionSplit): OverlapClip[] {
  return catalog.sqlite
    .prepare(
      `SELECT a.clip_key, a.label, b.version AS other_version, b.split AS other_split, b.clip_key AS other_clip_key,
              b.label AS other_label, a.clip_key = b.clip_key AS identical
       FROM clips a
       JOIN clips b ON b.youtube_id = a.youtube_id AND b.time_start < a.time_end AND a.time_start < b.time_end
       WHERE a.version = @version AND a.split = @split
         AND EXISTS (SELECT 1 FROM json_each(@training) t
                     WHERE json_extract(t.value, '$.version') = b.version AND json_extract(t.value, '$.split') = b.split)
       ORDER BY a.label, a.clip_key, b.version, b.split, b.clip_key`,
    )
    .all({ version: evaluation.version, split: evaluation.split, training: JSON.stringify(training) }) as OverlapClip[];
}
