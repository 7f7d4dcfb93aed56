import { Catalog } from '../catalog/catalog.js';
import { type QueryParams, runReadOnlyQuery } from '../catalog/read-only-query.js';
import { loadNamedQuery } from '../query/named-queries.js';
import { type OutputFormat, writeRows } from '../query/output-formats.js';
import type { GlobalOptions } from './command.js';

/** Runs a report of queries/ on the catalog, read-only, and prints its rows in the format asked for. */
export async function printReport(globals: GlobalOptions, name: string, params: QueryParams, format: OutputFormat, check?: (catalog: Catalog) => void): Promise<void> {
  const catalog = Catalog.open(globals.db, { readonly: true });
  try {
    check?.(catalog);
    const result = runReadOnlyQuery(catalog, loadNamedQuery(name).sql, params);
    writeRows(format, result.columns, result.rows, (text) => globals.io.stdout.write(text));
  } finally {
    await catalog.close();
  }
}
