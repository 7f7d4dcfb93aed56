import { join } from 'node:path';
import { Catalog } from '../../src/catalog/catalog.js';
import { type IngestSummary, ingest } from '../../src/ingest/ingest.js';
import { VERSIONS } from '../../src/sources/bucket-layout.js';
import { openSource } from '../../src/sources/open-source.js';
import { tempDir } from './temp.js';

export function newCatalogFile(): string {
  return join(tempDir('kinetics-catalog-'), 'catalog.db');
}

/** Ingests every version and the downstream labels from a source into the catalog file. */
export async function ingestInto(file: string, source: string): Promise<IngestSummary> {
  const catalog = Catalog.open(file);
  try {
    return await ingest(catalog, { source: openSource(source), versions: VERSIONS, downstream: true });
  } finally {
    await catalog.close();
  }
}

/** Runs one statement on a fresh read-only connection. */
export async function queryAll<Row>(file: string, sql: string, ...params: unknown[]): Promise<Row[]> {
  const catalog = Catalog.open(file, { readonly: true });
  try {
    return catalog.sqlite.prepare(sql).all(...params) as Row[];
  } finally {
    await catalog.close();
  }
}
