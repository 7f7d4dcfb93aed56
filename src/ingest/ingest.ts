import type { Catalog } from '../catalog/catalog.js';
import { mayDeferClipIndexes } from '../catalog/clips.js';
import { deferIndexes, rebuildDeferredIndexes } from '../catalog/deferred-indexes.js';
import { refreshAnnotationStatistics } from '../catalog/statistics.js';
import { writeSetting } from '../catalog/source-files.js';
import { SourceUnreachableError } from '../errors.js';
import { type VersionId, bucketFiles, extraShardsOf } from '../sources/bucket-layout.js';
import type { Source } from '../sources/source.js';
import { type FileOutcome, ingestFile } from './ingest-file.js';
import type { IngestReporter } from './progress.js';

export interface IngestOptions {
  source: Source;
  versions: readonly VersionId[];
  downstream: boolean;
  reporter: IngestReporter;
}

export interface IngestSummary {
  source: string;
  files: FileOutcome[];
  loaded: number;
  unchanged: number;
  missing: number;
  failed: number;
  rows: number;
  seconds: number;
  exitCode: number;
}

/** Reads every requested file of the source into the catalog, one transaction per file. */
export async function ingest(catalog: Catalog, options: IngestOptions): Promise<IngestSummary> {
  const started = performance.now();
  const { sqlite } = catalog;
  if (mayDeferClipIndexes(sqlite)) deferIndexes(sqlite, 'clip_annotations');
  const files: FileOutcome[] = [];
  try {
    for (const file of bucketFiles(options.versions, options.downstream)) {
      const outcome = await ingestFile(catalog, options.source, file, options.reporter);
      options.reporter.fileFinished(outcome);
      files.push(outcome);
    }
  } finally {
    rebuildDeferredIndexes(sqlite);
    options.reporter.close();
  }
  if (files.every((file) => file.status === 'missing')) {
    throw new SourceUnreachableError(
      options.source.location,
      `none of its ${files.length} files were found; a bucket holds e.g. 400/annotations/val.csv`,
    );
  }
  relocateShards(catalog, options.source, options.versions);
  await writeSetting(catalog, 'source', options.source.location);
  const count = (status: FileOutcome['status']) => files.filter((file) => file.status === status).length;
  if (count('loaded') > 0) refreshAnnotationStatistics(sqlite);
  const failedCodes = files.flatMap((file) => (file.exitCode === undefined ? [] : [file.exitCode]));
  return {
    source: options.source.location,
    files,
    loaded: count('loaded'),
    unchanged: count('unchanged'),
    missing: count('missing'),
    failed: count('failed'),
    rows: files.reduce((sum, file) => sum + (file.status === 'loaded' ? file.rows : 0), 0),
    seconds: (performance.now() - started) / 1000,
    exitCode: failedCodes[0] ?? (count('missing') > 0 ? 1 : 0),
  };
}

/**
 * Shard URLs point into the source last ingested from, including shards whose path list did not change, and the
 * shards that stand in no path list (K400's replacement archive) get their row.
 */
function relocateShards(catalog: Catalog, source: Source, versions: readonly VersionId[]): void {
  const { sqlite } = catalog;
  sqlite.transaction(() => {
    const addExtra = sqlite.prepare(
      `INSERT INTO shard_files (version, split, name, source_id, path, url) VALUES (?, ?, ?, NULL, ?, ?)
       ON CONFLICT (version, split, name) DO NOTHING`,
    );
    for (const version of versions) {
      for (const extra of extraShardsOf(version)) {
        addExtra.run(version, extra.split, extra.path.slice(extra.path.lastIndexOf('/') + 1), extra.path, extra.path);
      }
    }
    const setUrl = sqlite.prepare('UPDATE shard_files SET url = ? WHERE version = ? AND split = ? AND name = ? AND url <> ?');
    const shards = sqlite.prepare('SELECT version, split, name, path FROM shard_files').all() as {
      version: string;
      split: string;
      name: string;
      path: string;
    }[];
    for (const shard of shards) {
      const url = source.locate(shard.path);
      setUrl.run(url, shard.version, shard.split, shard.name, url);
    }
  })();
}
