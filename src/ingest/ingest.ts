import type { Catalog } from '../catalog/catalog.js';
import { finishedLoadingAnnotations, loadingAnnotations } from '../catalog/clips.js';
import { relocateShards } from '../catalog/shards.js';
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
  reporter?: IngestReporter;
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
  const files: FileOutcome[] = [];
  await loadingAnnotations(catalog, async () => {
    for (const file of bucketFiles(options.versions, options.downstream)) {
      const outcome = await ingestFile(catalog, options.source, file, options.reporter);
      options.reporter?.fileFinished(outcome);
      files.push(outcome);
    }
  });
  if (files.every((file) => file.status === 'missing')) {
    throw new SourceUnreachableError(
      options.source.location,
      `none of its ${files.length} files were found; a bucket holds e.g. 400/annotations/val.csv`,
    );
  }
  const extras = options.versions.flatMap((version) =>
    extraShardsOf(version).map((extra) => ({ version, split: extra.split, name: extra.path.slice(extra.path.lastIndexOf('/') + 1), path: extra.path })),
  );
  relocateShards(catalog, extras, (path) => options.source.locate(path));
  await writeSetting(catalog, 'source', options.source.location);
  const count = (status: FileOutcome['status']) => files.filter((file) => file.status === status).length;
  if (count('loaded') > 0) finishedLoadingAnnotations(catalog);
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
