import { createHash } from 'node:crypto';
import { Readable, Transform } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import type { Catalog } from '../catalog/catalog.js';
import { fromDatabaseError } from '../catalog/catalog-errors.js';
import { type SourceFileRecord, findSourceFile, recordSourceFile, refreshSourceFileStamp, sourceFileId } from '../catalog/source-files.js';
import { InputError, KineticsError, SourceUnreachableError } from '../errors.js';
import { type BucketFile, kindOf } from '../sources/bucket-layout.js';
import type { Source } from '../sources/source.js';
import { loaders } from './loaders/index.js';
import type { IngestReporter } from './progress.js';

export interface FileOutcome {
  path: string;
  status: 'loaded' | 'unchanged' | 'missing' | 'failed';
  rows: number;
  bytes: number;
  notes: string[];
  error?: string;
  exitCode?: number;
}

/** The bytes of a file are those recorded for it. */
class SameContent extends Error {
  constructor(readonly record: SourceFileRecord) {
    super('same content');
  }
}

/** A file's bytes in memory, hashed, counted as they arrive. */
async function readWhole(body: Readable, progress: { bytes: number }): Promise<{ sha256: string; chunks: Buffer[] }> {
  const chunks: Buffer[] = [];
  const hash = createHash('sha256');
  for await (const chunk of body as AsyncIterable<Buffer>) {
    hash.update(chunk);
    chunks.push(chunk);
    progress.bytes += chunk.length;
  }
  return { sha256: hash.digest('hex'), chunks };
}

/**
 * Reads one source file into the catalog: skipped when the source says it is unchanged (size and mtime, or ETag) or
 * when, of the size it had, its bytes hash as before (only the new stamp is kept); else streamed through a hash into
 * its loader inside one transaction, rolled back when anything is wrong with them, or when they turn out to be the
 * bytes recorded by then (a size the source did not tell; another process that loaded the same bytes meanwhile).
 */
export async function ingestFile(
  catalog: Catalog,
  source: Source,
  file: BucketFile,
  reporter: IngestReporter | undefined,
): Promise<FileOutcome> {
  const outcome = (status: FileOutcome['status'], extra: Partial<FileOutcome> = {}): FileOutcome => ({
    path: file.path,
    status,
    rows: 0,
    bytes: 0,
    notes: [],
    ...extra,
  });
  const prior = await findSourceFile(catalog, file.path);
  const known = prior && { bytes: prior.bytes, etag: prior.etag, mtimeMs: prior.mtime_ms };
  const displayName = source.locate(file.path);
  let opened;
  try {
    opened = await source.open(file.path, known);
  } catch (error) {
    if (error instanceof SourceUnreachableError) throw error;
    return outcome('failed', { error: `${displayName}: ${(error as Error).message}`, exitCode: 1 });
  }
  if (opened.kind === 'missing') return outcome('missing');
  if (opened.kind === 'unchanged') return outcome('unchanged', { rows: prior?.rows ?? 0, bytes: prior?.bytes ?? 0 });

  const progress = { path: file.path, bytes: 0, totalBytes: opened.bytes, rows: 0 };
  reporter?.fileStarted(progress);
  const hash = createHash('sha256');
  const hashed = new Transform({
    highWaterMark: 1 << 20,
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      progress.bytes += chunk.length;
      done(null, chunk);
    },
  });
  const stamp = { etag: opened.etag, mtimeMs: opened.mtimeMs };
  try {
    let body = opened.body;
    if (prior && opened.bytes === prior.bytes) {
      // The size it had: maybe the same bytes under another mtime or ETag (a copy, a sync, a download again). Read
      // and hashed first (an annotation file is tens of MB at most), so that the same bytes are not loaded only to
      // be rolled back, which replaced every row, indexes and all (34 s for a re-synced full-size bucket).
      const whole = await readWhole(opened.body, progress);
      if (whole.sha256 === prior.sha256 && (await refreshSourceFileStamp(catalog, prior, stamp))) {
        return outcome('unchanged', { rows: prior.rows, bytes: prior.bytes });
      }
      // Counted again as the loader reads them: what arrived is checked against the size the source gave.
      progress.bytes = 0;
      body = Readable.from(whole.chunks);
    }
    // Errors reach the loader through `hashed`; this promise only keeps an early one from going unhandled.
    const piping = pipeline(body, hashed).catch(() => {});
    const result = await catalog.transaction(async () => {
      const { id: sourceId, loadedBefore } = await sourceFileId(catalog, file.path, file.version, kindOf(file.format), file.split ?? null);
      const loaded = await loaders[file.format](hashed, {
        catalog,
        sourceId,
        loadedBefore,
        file,
        displayName,
        locate: (path) => source.locate(path),
        counters: progress,
      });
      hashed.resume();
      await finished(hashed);
      await piping;
      if (opened.bytes !== undefined && progress.bytes !== opened.bytes) {
        throw new KineticsError(`${displayName}: received ${progress.bytes} of ${opened.bytes} bytes`);
      }
      const sha256 = hash.digest('hex');
      // Read again inside the transaction: another process may have loaded the file since `prior` was read.
      const recorded = await findSourceFile(catalog, file.path);
      if (recorded?.sha256 === sha256) throw new SameContent(recorded);
      await recordSourceFile(catalog, sourceId, {
        bytes: progress.bytes,
        sha256,
        etag: opened.etag,
        mtimeMs: opened.mtimeMs,
        rows: loaded.rows,
      });
      return loaded;
    });
    return outcome('loaded', { rows: result.rows, bytes: progress.bytes, notes: result.notes ?? [] });
  } catch (error) {
    // Closing the loader's end lets the pipeline close the source; an error sent to the source instead would reach
    // a line reader that has already stopped listening.
    hashed.destroy();
    if (error instanceof SameContent) {
      await refreshSourceFileStamp(catalog, error.record, stamp);
      return outcome('unchanged', { rows: error.record.rows, bytes: error.record.bytes });
    }
    if (error instanceof InputError) return outcome('failed', { error: error.message, exitCode: error.exitCode });
    // A full disk, a read-only or busy catalog: no later file can load either; the files loaded before stand.
    const catalogCondition = fromDatabaseError(error, catalog.file);
    if (catalogCondition) throw catalogCondition;
    const message = error instanceof KineticsError ? error.message : `${displayName}: ${(error as Error).message}`;
    return outcome('failed', { error: message, exitCode: 1 });
  }
}
