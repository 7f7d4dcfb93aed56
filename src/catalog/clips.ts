import type { AnnotationRecord } from '../ingest/parsers/annotations-csv.js';
import { USABLE_STATUSES } from '../subset/definition.js';
import { BulkInserter, StagingTable } from './bulk-insert.js';
import type { Catalog } from './catalog.js';
import { ONE_ROW_PER_KEY, deferIndexesIf, dropIndexesForReload, hasAbandonedIndexes, isLoadingHere, rebuildDeferredIndexes } from './deferred-indexes.js';
import { clipRowFiles } from './source-files.js';
import { refreshAnnotationStatistics } from './statistics.js';

/** The statuses of a clip usable on disk, as an SQL list: `('ok', 'unchecked', 'unverified')`. */
export const USABLE_STATUS_LIST = `(${USABLE_STATUSES.map((status) => `'${status}'`).join(', ')})`;

/**
 * Up to this many clip rows, a load sets the clip indexes aside as a first load does: putting them back costs
 * little more than the load's own rows. With them live, the full bucket ingested after the sample bucket (3,199
 * rows) took 34 s against 17 s into an empty catalog, and 38 s after a scan of 200k files.
 */
const FEW_CLIP_ROWS = 100_000;

/**
 * Runs a load of annotation files. A first load (or one into a catalog of a few clips, see FEW_CLIP_ROWS) sets the
 * clip indexes aside and rebuilds them after (also when the load fails), then gives the clips the status of the
 * files on disk that serve them.
 */
export async function loadingAnnotations<T>(catalog: Catalog, body: () => Promise<T>): Promise<T> {
  const { sqlite } = catalog;
  const clipRows = sqlite.prepare(`SELECT count(*) FROM (SELECT 1 FROM clip_annotations LIMIT ${FEW_CLIP_ROWS + 1})`).pluck();
  deferIndexesIf(sqlite, 'clip_annotations', () => (clipRows.get() as number) <= FEW_CLIP_ROWS);
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
 * class list. While a bulk load has the indexes aside, rows go straight into the table. Into a table with its
 * indexes live they are staged and inserted by one statement at the end (see StagingTable: K600 and K700-2020 after
 * K400 took 64 s inserted 256 rows a statement, 25 s staged).
 */
export function annotationWriter(catalog: Catalog, sourceId: number, version: string, split: string, loadedBefore: boolean) {
  const { sqlite } = catalog;
  const staging = isLoadingHere(sqlite, 'clip_annotations') ? undefined : new StagingTable(sqlite, 'clip_annotations', CLIP_ROW_COLUMNS);
  if (!staging && loadedBefore) sqlite.prepare('DELETE FROM clip_annotations WHERE source_id = ?').run(sourceId);
  const clips = new BulkInserter(sqlite, staging?.name ?? 'clip_annotations', CLIP_COLUMNS, {
    constants: { source_id: sourceId, version, split },
  });
  return {
    add: (record: AnnotationRecord) => clips.add(record.clipKey, record.youtubeId, record.timeStart, record.timeEnd, record.label, record.isCc),
    finish(clipsByLabel: Map<string, number>): void {
      clips.flush();
      // What puts the indexes back, when they are aside, also gives the clips their statuses.
      if (staging) {
        const putIndexesBack = replaceClipRowsOf(catalog, sourceId, clips.inserted);
        staging.moveIn();
        if (putIndexesBack) putIndexesBack();
        else copyDiskStatuses(catalog, sourceId);
      } else refuseKeysListedElsewhere(catalog, sourceId, version, split);
      const addLabel = catalog.sqlite.prepare('INSERT INTO source_labels (source_id, label, clips) VALUES (?, ?, ?)');
      for (const [label, count] of clipsByLabel) addLabel.run(sourceId, label, count);
      refreshClassLabels(catalog, version);
    },
  };
}

/** What a record gives; the file's source, version and split are bound once a statement. */
const CLIP_COLUMNS = ['clip_key', 'youtube_id', 'time_start', 'time_end', 'label', 'is_cc'];
const CLIP_ROW_COLUMNS = ['source_id', 'version', 'split', ...CLIP_COLUMNS];

/**
 * Share of all clip rows above which a file's rows are inserted with the table's indexes dropped, and rebuilt after
 * in its transaction. Measured on the full-size catalog (498 MB, twice the page cache) with the rows staged: K400
 * train (17 % of the rows) loaded again 10.5–12.2 s rebuilt against 14.2–14.6 s with the indexes live (deleting
 * and inserting ~22 µs a row each, all over indexes larger than the cache); K400 and K700-2020 train together
 * 25–27 s against 41–49 s. Rebuilding costs ~7 s at full size, what ~12 % of the rows cost live.
 */
const RELOAD_WITH_INDEXES_REBUILT = 0.1;

/**
 * Forgets the rows a file had before its `rows` new ones go in; returns what puts the indexes back, if they were
 * dropped because the new rows are a large share of the table.
 */
function replaceClipRowsOf({ sqlite }: Catalog, sourceId: number, rows: number): (() => void) | undefined {
  const files = clipRowFiles(sqlite);
  const before = files.find((file) => file.id === sourceId)?.rows ?? 0;
  const after = files.reduce((total, file) => total + file.rows, 0) - before + rows;
  const rebuild = rows > RELOAD_WITH_INDEXES_REBUILT * after ? dropIndexesForReload(sqlite, 'clip_annotations') : undefined;
  if (before > 0) sqlite.prepare('DELETE FROM clip_annotations WHERE source_id = ?').run(sourceId);
  if (!rebuild) return undefined;
  return () => {
    rebuild();
    // A dropped index takes its statistics with it; were the ingest to stop before its own ANALYZE, none would come back.
    refreshAnnotationStatistics(sqlite);
  };
}

/**
 * With the one-row-per-key triggers aside: a key of this file's rows that another file's row of its version and
 * split holds is refused as the trigger refuses it, with the file (a file's own repeats are kept once by its
 * parser). Only when another file holds rows of that split (never in CVDF's layout, one file a split): a look over
 * the table, ~1 s for K700-2020 train at full size. A row edited by hand into another split is found when the
 * indexes come back (see rebuildDeferredIndexes).
 */
function refuseKeysListedElsewhere({ sqlite }: Catalog, sourceId: number, version: string, split: string): void {
  if (!clipRowFiles(sqlite).some((file) => file.id !== sourceId && file.version === version && file.split === split && file.rows > 0)) return;
  const twice = sqlite
    .prepare('SELECT clip_key FROM clip_annotations WHERE version = ? AND split = ? GROUP BY clip_key HAVING count(*) > 1 LIMIT 1')
    .pluck()
    .get(version, split);
  if (twice !== undefined) {
    throw new Error(`${ONE_ROW_PER_KEY} (${twice} twice in ${version} ${split})`);
  }
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
