import type { Readable } from 'node:stream';
import type { Catalog } from '../../catalog/catalog.js';
import { type SourceRowTable, forgetRowsOf } from '../../catalog/source-files.js';
import type { BucketFile } from '../../sources/bucket-layout.js';

/** What a loader gets: the file's body, inside the transaction that replaces the file's rows. */
export interface LoadContext {
  catalog: Catalog;
  sourceId: number;
  /** Whether the file was loaded before: only then has it rows to replace. */
  loadedBefore: boolean;
  file: BucketFile;
  /** How errors name the file: its URL or path in the source. */
  displayName: string;
  /** Where a bucket path lives in the source being read (for shard URLs). */
  locate: (path: string) => string;
  /** Rows loaded so far, for progress. */
  counters: { rows: number };
}

/** Replaces the rows of one source file; returns how many rows it now has. */
export type Loader = (body: Readable, context: LoadContext) => Promise<LoadResult>;

export interface LoadResult {
  rows: number;
  /** Something the user should know that is not an error (e.g. repeated rows kept once). */
  notes?: string[];
}

/** Forgets the rows an earlier load of the file left; a first load skips the look (a scan of each table). */
export function deleteRowsOf(context: LoadContext, ...tables: SourceRowTable[]): void {
  if (context.loadedBefore) forgetRowsOf(context.catalog, context.sourceId, tables);
}
